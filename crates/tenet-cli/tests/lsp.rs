//! End-to-end tests of `tenet lsp`: the real binary over stdio on the fixture workspace
//! `tests/lsp/acme`, with its JSON responses snapshotted.

// Test code: a broken setup should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod lsp_support;

use lsp_support::{Rng, Server, fixture};
use serde_json::{Value, json};

/// The UTF-16 position of the `occurrence`-th (0-based) `needle` in `text`, moved `shift`
/// characters to the right.
fn locate(text: &str, needle: &str, occurrence: usize, shift: u32) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(occurrence).map(|(i, _)| i).expect("needle in fixture");
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let character = text[line_start..offset].encode_utf16().count() as u32;
    (line, character + shift)
}

/// Semantic tokens decoded into `line:column text type [modifiers]` lines, so the snapshot
/// reads as what an editor would colour.
fn decode_tokens(text: &str, tokens: &Value) -> Vec<String> {
    const TYPES: [&str; 13] = [
        "namespace",
        "struct",
        "enum",
        "enumMember",
        "property",
        "parameter",
        "variable",
        "function",
        "class",
        "keyword",
        "comment",
        "string",
        "number",
    ];
    const MODIFIERS: [&str; 3] = ["declaration", "readonly", "documentation"];
    let lines: Vec<Vec<u16>> = text.lines().map(|l| l.encode_utf16().collect()).collect();
    let data: Vec<u32> =
        tokens["data"].as_array().expect("data").iter().map(|v| v.as_u64().expect("u32") as u32).collect();
    let (mut line, mut start) = (0u32, 0u32);
    data.chunks(5)
        .map(|t| {
            let [dl, ds, len, ty, mods] = [t[0], t[1], t[2], t[3], t[4]];
            line += dl;
            start = if dl == 0 { start + ds } else { ds };
            let units = &lines[line as usize][start as usize..(start + len) as usize];
            let mods: Vec<&str> = (0..3).filter(|b| mods & (1 << b) != 0).map(|b| MODIFIERS[b]).collect();
            format!("{}:{} {} {} {:?}", line, start, String::from_utf16_lossy(units), TYPES[ty as usize], mods)
        })
        .collect()
}

struct Fixture {
    server: Server,
}

impl Fixture {
    fn start() -> (Fixture, Value) {
        let (server, init) = Server::start(&fixture("acme"));
        (Fixture { server }, init)
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.server.root().join(file)).expect("fixture file")
    }

    /// Params for a position at `needle` in `file`.
    fn at(&self, file: &str, needle: &str, occurrence: usize, shift: u32) -> Value {
        let (line, character) = locate(&self.text(file), needle, occurrence, shift);
        self.server.at(&self.server.uri_of(file), line, character)
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let result = self.server.request(method, params);
        self.server.redact(&result)
    }
}

#[test]
fn initialize_announces_the_capabilities() {
    let (fixture, init) = Fixture::start();
    insta::assert_json_snapshot!("initialize", fixture.server.redact(&init));
    fixture.server.shutdown();
}

#[test]
fn diagnostics_are_published_for_the_workspace_and_follow_edits() {
    let (mut f, _) = Fixture::start();
    let drafts = f.server.uri_of("drafts.tenet");
    let initial = f.server.diagnostics_for(&drafts, None);
    insta::assert_json_snapshot!("diagnostics_initial", f.server.redact(&initial));

    // Open, then fix the misspelt field with an incremental edit: the new version's
    // diagnostics drop E0202 (the variant after it is not reported a second time as E0201).
    f.server.open("drafts.tenet", None);
    let opened = f.server.diagnostics_for(&drafts, Some(1));
    assert_eq!(opened["diagnostics"].as_array().map(Vec::len), Some(2), "{opened}");
    let (line, character) = locate(&f.text("drafts.tenet"), "security_measure ", 0, 16);
    f.server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": drafts, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character } },
                "text": "s"
            }]
        }),
    );
    let fixed = f.server.diagnostics_for(&drafts, Some(2));
    insta::assert_json_snapshot!("diagnostics_after_fix", f.server.redact(&fixed));

    // A stale edit (an older version) is dropped: the next version still applies on the
    // fixed text.
    f.server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": drafts, "version": 1 },
            "contentChanges": [{ "text": "package broken\nrule r = nope\n" }]
        }),
    );
    f.server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": drafts, "version": 3 },
            "contentChanges": [{
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "text": "// draft\n"
            }]
        }),
    );
    let after_stale = f.server.diagnostics_for(&drafts, Some(3));
    insta::assert_json_snapshot!("diagnostics_stale_edit_dropped", f.server.redact(&after_stale));
    f.server.shutdown();
}

#[test]
fn non_ascii_text_uses_utf16_positions() {
    let (mut f, _) = Fixture::start();
    let uri = f.server.uri_of("scratch.tenet");
    // "é" is one UTF-16 unit and two bytes; "😀" is two units and four bytes. The errors sit
    // after them on the same line, so their columns count UTF-16 units.
    let text = "package acme.scratch\n\nuse acme.model\n\n/// é 😀\nobligation o on Contract {\n  area: privacy\n  cite: \"x\"\n  must vendor.name is present\n  because \"é😀 {vendor.nam} é😀 {vendor.country}\"\n}\n";
    f.server.open("scratch.tenet", Some(text));
    let published = f.server.diagnostics_for(&uri, Some(1));
    insta::assert_json_snapshot!("utf16_diagnostic", f.server.redact(&published));
    let (line, character) = locate(text, "{vendor.nam}", 0, 0);
    assert_eq!(published["diagnostics"][0]["range"]["start"], json!({ "line": line, "character": character + 8 }));
    // Insert "😀" at the start of the message with a UTF-16 range: the error moves two units.
    let (line, character) = locate(text, "é😀 {", 0, 0);
    f.server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character } },
                "text": "😀"
            }]
        }),
    );
    let moved = f.server.diagnostics_for(&uri, Some(2));
    insta::assert_json_snapshot!("utf16_diagnostic_after_emoji_edit", f.server.redact(&moved));
    assert_eq!(
        moved["diagnostics"][0]["range"]["start"]["character"].as_u64(),
        published["diagnostics"][0]["range"]["start"]["character"].as_u64().map(|c| c + 2)
    );
    // Hover on `country` after two emoji, by a UTF-16 position.
    let (line, character) = locate(text, "country}", 0, 2);
    let hover = f.request("textDocument/hover", f.server.at(&uri, line, character + 2));
    insta::assert_json_snapshot!("utf16_hover_after_emoji", hover);
    // Closing an unsaved file forgets it, and clears its diagnostics.
    f.server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    let cleared = f.server.diagnostics_for(&uri, None);
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared}");
    assert_eq!(cleared.get("version"), None, "{cleared}");
    // Hover on the doc-commented obligation name in privacy.tenet sits after an emoji line.
    let hover = f.request("textDocument/hover", f.at("privacy.tenet", "breach_notice on", 0, 3));
    insta::assert_json_snapshot!("utf16_hover_after_emoji_doc", hover);
    f.server.shutdown();
}

#[test]
fn hover() {
    let (mut f, _) = Fixture::start();
    let cases: [(&str, &str, &str, usize, u32); 12] = [
        ("hover_schema", "privacy.tenet", "Contract", 0, 2),
        ("hover_field", "privacy.tenet", "dpa.breach", 0, 1),
        ("hover_nested_field_duration", "privacy.tenet", "breach_notice_hours <=", 0, 4),
        ("hover_enum_variant_meaning", "privacy.tenet", "processor\n", 0, 3),
        ("hover_rule", "privacy.tenet", "is_processor", 1, 2),
        ("hover_rule_with_parameters", "privacy.tenet", "lawful_transfer(t)", 0, 2),
        ("hover_constant", "privacy.tenet", "in EEA", 0, 4),
        ("hover_local_parameter", "privacy.tenet", "t.to", 0, 0),
        ("hover_area", "privacy.tenet", "accountability", 0, 2),
        ("hover_severity", "privacy.tenet", "critical", 0, 2),
        ("hover_obligation_citation_from_waiver", "privacy.tenet", "waiver breach_notice", 0, 9),
        ("hover_field_in_message_hole", "privacy.tenet", "{vendor.name}", 0, 9),
    ];
    for (name, file, needle, occurrence, shift) in cases {
        let result = f.request("textDocument/hover", f.at(file, needle, occurrence, shift));
        insta::assert_json_snapshot!(name, result);
    }
    // A library parameter shows its value and the overrides in the workspace.
    let uri = f.server.uri_of("scratch.tenet");
    let text = "package acme.scratch\n\nuse acme.model\n\n/// How long a processor may take.\nparam limit: duration = 48h\n\noverride acme.scratch.limit = 24h\n\nrule quick on Contract = dpa.breach_notice_hours <= limit\n";
    f.server.open("scratch.tenet", Some(text));
    let (line, character) = locate(text, "<= limit", 0, 4);
    let params = f.server.at(&uri, line, character);
    insta::assert_json_snapshot!("hover_parameter_value_and_override", f.request("textDocument/hover", params));

    // In a test: the outcome's meaning, and the obligation an `expect` names.
    let text = "package acme.scratch\n\nuse acme.model\nuse acme.privacy\n\ntest \"a slow processor violates\" {\n  today 2026-11-28\n  given Contract { vendor: { role: processor }, dpa: { breach_notice_hours: 96 } }\n  expect breach_notice: violated\n}\n";
    f.server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let (line, character) = locate(text, "violated", 0, 3);
    let params = f.server.at(&uri, line, character);
    insta::assert_json_snapshot!("hover_expected_outcome_in_test", f.request("textDocument/hover", params));
    let (line, character) = locate(text, "breach_notice:", 0, 3);
    let params = f.server.at(&uri, line, character);
    insta::assert_json_snapshot!("definition_of_expected_obligation", f.request("textDocument/definition", params));

    let nothing = f.request("textDocument/hover", f.at("privacy.tenet", "must dpa", 0, 1));
    assert_eq!(nothing, Value::Null, "no hover on a keyword");
    f.server.shutdown();
}

#[test]
fn go_to_definition() {
    let (mut f, _) = Fixture::start();
    let cases: [(&str, &str, &str, usize, u32); 7] = [
        ("definition_field", "privacy.tenet", "breach_notice_hours <=", 0, 2),
        ("definition_variant", "privacy.tenet", "scc_2021_914", 0, 3),
        ("definition_rule", "privacy.tenet", "is_processor", 1, 0),
        ("definition_schema", "privacy.tenet", "Transfer", 0, 1),
        ("definition_constant", "privacy.tenet", "in EEA", 0, 3),
        ("definition_import", "privacy.tenet", "acme.model", 0, 6),
        ("definition_quantifier_variable", "privacy.tenet", "lawful_transfer(t)", 0, 16),
    ];
    for (name, file, needle, occurrence, shift) in cases {
        let result = f.request("textDocument/definition", f.at(file, needle, occurrence, shift));
        insta::assert_json_snapshot!(name, result);
    }

    // Into the embedded standard library: the server writes it to its cache directory so the
    // editor can open the file. (Positions there change with the library, so no snapshot.)
    let uri = f.server.uri_of("scratch.tenet");
    let text = "package acme.scratch\n\nuse std.model\n\nrule r on Contract = vendor is present\n";
    f.server.open("scratch.tenet", Some(text));
    for (needle, shift) in [("std.model", 5), ("Contract", 2), ("vendor", 2)] {
        let (line, character) = locate(text, needle, 0, shift);
        let raw = f.server.request("textDocument/definition", f.server.at(&uri, line, character));
        let redacted = f.server.redact(&raw);
        assert_eq!(redacted[0]["uri"], "file:///STD/model.tenet", "definition of `{needle}`: {redacted}");
        let path = raw[0]["uri"].as_str().and_then(|u| u.strip_prefix("file://")).expect("a file URI");
        let declared = std::fs::read_to_string(path).expect("the library file is on disk");
        let line = raw[0]["range"]["start"]["line"].as_u64().expect("line") as usize;
        let wanted = needle.split('.').next_back().unwrap_or(needle);
        let wanted = if wanted == "model" { "std.model" } else { wanted };
        assert!(
            declared.lines().nth(line).is_some_and(|l| l.contains(wanted)),
            "line {line} of {path} declares `{wanted}`"
        );
    }
    f.server.shutdown();
}

#[test]
fn find_references() {
    let (mut f, _) = Fixture::start();
    let with_declaration = |f: &mut Fixture, file: &str, needle: &str, occurrence: usize| {
        let mut params = f.at(file, needle, occurrence, 1);
        params["context"] = json!({ "includeDeclaration": true });
        f.request("textDocument/references", params)
    };
    insta::assert_json_snapshot!("references_rule", with_declaration(&mut f, "privacy.tenet", "is_processor", 0));
    insta::assert_json_snapshot!("references_field", with_declaration(&mut f, "model.tenet", "role: Role", 0));
    insta::assert_json_snapshot!("references_variant", with_declaration(&mut f, "model.tenet", "processor,", 0));
    let mut params = f.at("model.tenet", "Contract", 0, 1);
    params["context"] = json!({ "includeDeclaration": false });
    insta::assert_json_snapshot!("references_schema_uses_only", f.request("textDocument/references", params));
    f.server.shutdown();
}

#[test]
fn rename_and_prepare_rename() {
    let (mut f, _) = Fixture::start();
    let ok = f.request("textDocument/prepareRename", f.at("privacy.tenet", "is_processor", 1, 4));
    insta::assert_json_snapshot!("prepare_rename_rule", ok);
    let refused = f.request("textDocument/prepareRename", f.at("privacy.tenet", "privacy\n", 1, 2));
    insta::assert_json_snapshot!("prepare_rename_area_refused", refused);

    let mut params = f.at("privacy.tenet", "is_processor", 0, 0);
    params["newName"] = json!("acts_as_processor");
    insta::assert_json_snapshot!("rename_rule", f.request("textDocument/rename", params));

    let mut params = f.at("model.tenet", "breach_notice_hours", 0, 0);
    params["newName"] = json!("breach_notice");
    insta::assert_json_snapshot!("rename_field_across_files", f.request("textDocument/rename", params));

    let mut params = f.at("model.tenet", "EEA", 0, 0);
    params["newName"] = json!("when");
    insta::assert_json_snapshot!("rename_to_reserved_word_refused", f.request("textDocument/rename", params));
    f.server.shutdown();
}

#[test]
fn completion() {
    let (mut f, _) = Fixture::start();
    let uri = f.server.uri_of("scratch.tenet");
    let text = "package acme.scratch\n\nuse acme.model\n\nobligation o on Contract {\n  area: \n  severity: \n  when vendor.role == \n  must dpa.\n}\n\nrule r(t: Transfer) = t.\n\n";
    f.server.open("scratch.tenet", Some(text));
    let complete = |f: &mut Fixture, needle: &str, shift: u32| {
        let (line, character) = locate(text, needle, 0, shift);
        let params = f.server.at(&uri, line, character);
        f.request("textDocument/completion", params)
    };
    insta::assert_json_snapshot!("completion_fields_after_dot", complete(&mut f, "dpa.", 4));
    insta::assert_json_snapshot!("completion_fields_of_parameter", complete(&mut f, "t.\n", 2));
    insta::assert_json_snapshot!("completion_enum_variants", complete(&mut f, "== \n", 3));
    insta::assert_json_snapshot!("completion_areas", complete(&mut f, "area: ", 6));
    insta::assert_json_snapshot!("completion_severities", complete(&mut f, "severity: ", 10));
    let (line, _) = locate(text, "}\n\nrule", 0, 0);
    let params = f.server.at(&uri, line + 1, 0);
    insta::assert_json_snapshot!("completion_item_keywords", f.request("textDocument/completion", params));
    insta::assert_json_snapshot!("completion_clause_keywords_and_names", complete(&mut f, "  must", 2));
    f.server.shutdown();
}

#[test]
fn symbols_tokens_and_folding() {
    let (mut f, _) = Fixture::start();
    let doc = |f: &Fixture, file: &str| json!({ "textDocument": { "uri": f.server.uri_of(file) } });
    insta::assert_json_snapshot!(
        "document_symbols_model",
        f.request("textDocument/documentSymbol", doc(&f, "model.tenet"))
    );
    insta::assert_json_snapshot!(
        "document_symbols_privacy",
        f.request("textDocument/documentSymbol", doc(&f, "privacy.tenet"))
    );
    insta::assert_json_snapshot!(
        "workspace_symbols_breach",
        f.request("workspace/symbol", json!({ "query": "breach" }))
    );
    let tokens = f.request("textDocument/semanticTokens/full", doc(&f, "privacy.tenet"));
    insta::assert_json_snapshot!("semantic_tokens_privacy", decode_tokens(&f.text("privacy.tenet"), &tokens));
    insta::assert_json_snapshot!(
        "folding_ranges_model",
        f.request("textDocument/foldingRange", doc(&f, "model.tenet"))
    );
    f.server.shutdown();
}

#[test]
fn code_actions_lenses_and_formatting() {
    let (mut f, _) = Fixture::start();
    let drafts = f.server.uri_of("drafts.tenet");
    let (line, character) = locate(&f.text("drafts.tenet"), "security_measure ", 0, 3);
    let params = json!({
        "textDocument": { "uri": drafts },
        "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character } },
        "context": { "diagnostics": [] }
    });
    insta::assert_json_snapshot!("code_actions_did_you_mean_and_waiver", f.request("textDocument/codeAction", params));
    let (line, character) = locate(&f.text("drafts.tenet"), "encryption on", 0, 2);
    let params = json!({
        "textDocument": { "uri": drafts },
        "range": { "start": { "line": line, "character": character }, "end": { "line": line, "character": character } },
        "context": { "diagnostics": [] }
    });
    insta::assert_json_snapshot!("code_actions_missing_cite", f.request("textDocument/codeAction", params));

    let privacy = json!({ "textDocument": { "uri": f.server.uri_of("privacy.tenet") } });
    insta::assert_json_snapshot!("code_lens_outcomes_over_samples", f.request("textDocument/codeLens", privacy));

    let messy = "package   acme.scratch\nuse acme.model\nrule   r on Contract=vendor.role==processor\n";
    f.server.open("scratch.tenet", Some(messy));
    let params = json!({
        "textDocument": { "uri": f.server.uri_of("scratch.tenet") },
        "options": { "tabSize": 2, "insertSpaces": true }
    });
    insta::assert_json_snapshot!("formatting_whole_file", f.request("textDocument/formatting", params));
    f.server.shutdown();
}

#[test]
fn random_edit_sequences_never_crash_or_hang_the_server() {
    for (seed, file) in
        [(0x5eed_1234_abcd_0042, "privacy.tenet"), (0xfeed_beef_0001, "model.tenet"), (7, "drafts.tenet")]
    {
        replay_random_edits(seed, file);
    }
}

/// Opens `file` and sends 160 random edits (with requests in between) generated from `seed`.
fn replay_random_edits(seed: u64, file: &str) {
    let (mut f, _) = Fixture::start();
    let uri = f.server.open(file, None);
    let pieces = [
        "",
        "{",
        "}",
        "(",
        ")",
        ".",
        "dpa.",
        "obligation ",
        "rule x on Contract = ",
        "must ",
        "when ",
        "\"",
        "😀",
        "é",
        "\n",
        "//",
        "/// doc\n",
        "waiver ",
        "test \"t\" {\n given Contract { a: 1 }\n",
        "all t in transfers: ",
        "==",
        "processor",
        "48h",
        "2026-13-45",
        "schema S {",
        "area: ",
        "not not not ",
        "exception to ",
        "param p: int = 1\n",
        "override acme.privacy.p = 2\n",
    ];
    let methods = [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/codeAction",
        "textDocument/semanticTokens/full",
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/codeLens",
        "textDocument/formatting",
    ];
    let mut rng = Rng(seed);
    for version in 2..=160i64 {
        // Positions are random and often invalid: past the end of a line or of the file, or
        // inside a surrogate pair.
        let range = |rng: &mut Rng| {
            let (line, character) = (rng.below(60) as u32, rng.below(120) as u32);
            json!({ "line": line, "character": character })
        };
        let (start, end) = (range(&mut rng), range(&mut rng));
        let text = pieces[rng.below(pieces.len())];
        let change = if rng.below(25) == 0 {
            json!({ "text": text })
        } else {
            json!({ "range": { "start": start, "end": end }, "text": text })
        };
        f.server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        if version % 4 == 0 {
            let method = methods[rng.below(methods.len())];
            let position = range(&mut rng);
            let other = range(&mut rng);
            let params = json!({
                "textDocument": { "uri": uri },
                "position": position,
                "context": { "includeDeclaration": true, "diagnostics": [] },
                "newName": pieces[rng.below(pieces.len())],
                "range": { "start": position, "end": other },
                "options": { "tabSize": 2, "insertSpaces": true }
            });
            let answer = f.server.request(method, params);
            // Refusing (a rename to a bad name, nothing to rename) is an answer; failing is not.
            let refused = |e: &Value| e["code"] == -32801 || e["code"] == -32602;
            assert!(answer.get("error").is_none_or(refused), "seed {seed}: {method} failed: {answer}");
        }
    }
    // The last version's diagnostics arrive, and the server still answers.
    f.server.diagnostics_for(&uri, Some(160));
    let answer = f.server.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    assert!(answer.is_array(), "{answer}");
    assert!(f.server.is_running());
    f.server.shutdown();
}

#[test]
fn dependencies_locked_in_tenet_lock_are_part_of_the_workspace() {
    // `app` uses `shared.model` from a path dependency (`tests/lsp/withdep/app/tenet.lock`).
    let (mut server, _) = Server::start(&fixture("withdep/app"));
    let policy = server.uri_of("policy.tenet");
    server.open("policy.tenet", None);
    let published = server.diagnostics_for(&policy, Some(1));
    assert_eq!(published["diagnostics"], json!([]), "the import resolves: {published}");
    let text = std::fs::read_to_string(server.root().join("policy.tenet")).expect("fixture");
    let (line, character) = locate(&text, "retention_days", 0, 2);
    let definition = server.request("textDocument/definition", server.at(&policy, line, character));
    let shared = lsp_support::uri(&fixture("withdep/shared").join("model.tenet"));
    assert_eq!(definition[0]["uri"], json!(shared), "{definition}");
    assert_eq!(definition[0]["range"]["start"], json!({ "line": 5, "character": 2 }), "{definition}");
    // `[params]` in `tenet.toml` apply in the editor as on the command line.
    let (line, character) = locate(&text, "max_retention_days", 0, 2);
    let hover = server.request("textDocument/hover", server.at(&policy, line, character));
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("param max_retention_days: int = 365"), "{hover}");
    assert!(shown.contains("overridden to `90` by `[params]` in `tenet.toml`"), "{hover}");
    server.shutdown();
}
