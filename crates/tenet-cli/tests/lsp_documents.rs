//! End-to-end tests of the language server on documents: YAML, JSON and TOML files that the
//! workspace's policies check, opened and edited over stdio in the real `tenet lsp` binary.
//! The fixture project is `tests/lsp/vendors`.

// Test code: a broken setup should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod lsp_support;

use lsp_support::{Server, fixture};
use serde_json::{Value, json};

const BREACH: &str = "vendors.privacy.breach_notice";
const AUDIT: &str = "vendors.privacy.audit_rights";

/// The 0-based line and UTF-16 column of the `occurrence`-th `needle` in `text`.
fn locate(text: &str, needle: &str, occurrence: usize) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(occurrence).map(|(i, _)| i).expect("needle in text");
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().unwrap_or("").encode_utf16().count();
    (u32::try_from(line).unwrap(), u32::try_from(column).unwrap())
}

fn start() -> Server {
    Server::start(&fixture("vendors")).0
}

fn read(server: &Server, relative: &str) -> String {
    std::fs::read_to_string(server.root().join(relative)).expect("fixture file")
}

/// The diagnostics of a publication whose code is `code`.
fn with_code<'a>(published: &'a Value, code: &str) -> Vec<&'a Value> {
    published["diagnostics"].as_array().expect("diagnostics").iter().filter(|d| d["code"] == code).collect()
}

/// Asserts one diagnostic for `code` starting at `(line, character)` with `severity`.
fn assert_finding_at(published: &Value, code: &str, (line, character): (u32, u32), severity: u32) {
    let found = with_code(published, code);
    assert_eq!(found.len(), 1, "one diagnostic for {code} in {published:#}");
    let d = found[0];
    assert_eq!(d["range"]["start"], json!({ "line": line, "character": character }), "{d:#}");
    assert_eq!(d["severity"], json!(severity), "{d:#}");
    assert_eq!(d["source"], "tenet");
}

fn change(server: &mut Server, uri: &str, version: i64, text: &str) {
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
}

#[test]
fn findings_are_placed_at_the_deciding_value_in_yaml_json_and_toml() {
    let mut server = start();
    for (file, value) in [("contracts/north.yaml", "72"), ("contracts/south.json", "96"), ("records/east.toml", "60")] {
        let uri = server.open(file, None);
        let published = server.diagnostics_for(&uri, Some(1));
        // Violations of a high-severity obligation are errors (1), at the value the
        // requirement read.
        assert_finding_at(&published, BREACH, locate(&read(&server, file), value, 0), 1);
        let d = with_code(&published, BREACH)[0];
        let message = d["message"].as_str().unwrap();
        assert!(message.starts_with("violated: "), "{message}");
        assert!(message.contains("GDPR Art. 33(2)"), "the citation: {message}");
        // The obligation is linked: as the code's target and as related information.
        let target = d["codeDescription"]["href"].as_str().unwrap();
        assert!(target.ends_with("privacy.tenet#L6"), "{target}");
        assert_eq!(d["relatedInformation"][0]["location"]["range"]["start"]["line"], json!(5));
    }
    server.shutdown();
}

#[test]
fn an_undetermined_finding_names_the_missing_field_as_information() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let published = server.diagnostics_for(&uri, Some(1));
    // `dpa.audit_rights` is missing: the finding is shown where it would go, under `dpa`.
    let found = with_code(&published, AUDIT);
    assert_eq!(found.len(), 1, "{published:#}");
    assert_eq!(found[0]["severity"], json!(3), "information");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.starts_with("undetermined: ") && message.contains("dpa.audit_rights"), "{message}");
    server.shutdown();
}

#[test]
fn fixing_the_value_clears_the_finding() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let first = server.diagnostics_for(&uri, Some(1));
    assert_eq!(with_code(&first, BREACH).len(), 1);
    let fixed = read(&server, "contracts/north.yaml").replace("72", "24");
    change(&mut server, &uri, 2, &fixed);
    let second = server.diagnostics_for(&uri, Some(2));
    assert!(with_code(&second, BREACH).is_empty(), "{second:#}");
    assert_eq!(with_code(&second, AUDIT).len(), 1, "the other finding stays");
    // A type error is a validation problem at the value, with its code.
    change(&mut server, &uri, 3, &fixed.replace("24", "soon"));
    let third = server.diagnostics_for(&uri, Some(3));
    let errors: Vec<&Value> = third["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with('E'))
        .collect();
    assert_eq!(errors.len(), 1, "{third:#}");
    assert_eq!(errors[0]["range"]["start"]["line"], json!(6));
    server.shutdown();
}

#[test]
fn editing_an_obligation_in_an_open_policy_re_evaluates_open_documents() {
    let mut server = start();
    let document = server.open("contracts/north.yaml", None);
    let before = server.diagnostics_for(&document, Some(1));
    assert_eq!(with_code(&before, BREACH).len(), 1);
    let policy = server.open("privacy.tenet", None);
    let _ = server.diagnostics_for(&policy, Some(1));
    let relaxed = read(&server, "privacy.tenet").replace("<= 48h", "<= 96h");
    change(&mut server, &policy, 2, &relaxed);
    let after = server.diagnostics_for(&document, Some(1));
    assert!(with_code(&after, BREACH).is_empty(), "72h is within 96h: {after:#}");
    server.shutdown();
}

#[test]
fn a_waived_finding_is_a_hint_naming_the_waiver() {
    let mut server = start();
    let waiver = "\nwaiver breach_notice where id == \"north\" {\n  reason: \"Amendment signed.\"\n  approved_by: \"DPO\"\n  until: 2027-06-30\n}\n";
    let policy = format!("{}{waiver}", read(&server, "privacy.tenet"));
    let policy_uri = server.open("privacy.tenet", Some(&policy));
    let _ = server.diagnostics_for(&policy_uri, Some(1));
    let uri = server.open("contracts/north.yaml", None);
    let published = server.diagnostics_for(&uri, Some(1));
    let found = with_code(&published, BREACH);
    assert_eq!(found.len(), 1, "{published:#}");
    assert_eq!(found[0]["severity"], json!(4), "a hint");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.starts_with("waived: "), "{message}");
    assert!(message.contains("waiver until 2027-06-30, approved by DPO: Amendment signed."), "{message}");
    server.shutdown();
}

#[test]
fn other_tools_files_are_left_alone() {
    let mut server = start();
    let uri = server.open("other/deployment.yaml", None);
    let published = server.diagnostics_for(&uri, Some(1));
    assert_eq!(published["diagnostics"], json!([]), "a Kubernetes manifest is not a Tenet document");
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(lenses, json!([]));
    server.shutdown();
}

#[test]
fn a_misspelt_kind_gets_a_did_you_mean() {
    let mut server = start();
    let text = read(&server, "contracts/north.yaml").replace("kind: Agreement", "kind: Agreemnt");
    let uri = server.open("contracts/north.yaml", Some(&text));
    let published = server.diagnostics_for(&uri, Some(1));
    let message = published["diagnostics"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did you mean `Agreement`?"), "{published:#}");
    server.shutdown();
}

/// The labels of a completion response.
fn labels(response: &Value) -> Vec<String> {
    let items = response.as_array().or_else(|| response["items"].as_array()).expect("completion items");
    items.iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn field_names_complete_under_a_partial_key_in_each_format() {
    let mut server = start();
    // YAML: typing `aud` under `dpa:`.
    let yaml = format!("{}  aud", read(&server, "contracts/north.yaml"));
    let uri = server.open("contracts/north.yaml", Some(&yaml));
    let (line, column) = locate(&yaml, "  aud", 0);
    let response = server.request("textDocument/completion", server.at(&uri, line, column + 5));
    assert_eq!(labels(&response), ["audit_rights"], "breach_notice_hours is already there");
    let item = &response.as_array().or_else(|| response["items"].as_array()).unwrap()[0];
    assert_eq!(item["detail"], "bool?");
    assert_eq!(item["documentation"]["value"], "Whether we may audit the processor.");
    assert_eq!(item["textEdit"]["newText"], "audit_rights: ");
    assert_eq!(item["textEdit"]["range"]["start"], json!({ "line": line, "character": column + 2 }));

    // JSON: a key opened with a quote inside `vendor`.
    let json_text = "{\n  \"kind\": \"Agreement\",\n  \"vendor\": {\"name\": \"x\", \"r\"}\n}\n";
    let uri = server.open("contracts/west.json", Some(json_text));
    let (line, column) = locate(json_text, "\"r\"", 0);
    let response = server.request("textDocument/completion", server.at(&uri, line, column + 2));
    assert_eq!(labels(&response), ["role"]);
    let item = &response.as_array().or_else(|| response["items"].as_array()).unwrap()[0];
    assert_eq!(item["textEdit"]["newText"], "\"role\": ", "the quotes typed are replaced");

    // TOML (kind from `[inputs]`): keys of the `[dpa]` table, then enum values.
    let toml_text = "id = \"x\"\n\n[dpa]\nb\n\n[vendor]\nrole = \n";
    let uri = server.open("records/draft.toml", Some(toml_text));
    let response = server.request("textDocument/completion", server.at(&uri, 3, 1));
    assert_eq!(labels(&response), ["breach_notice_hours", "audit_rights"]);
    let response = server.request("textDocument/completion", server.at(&uri, 6, 7));
    assert_eq!(labels(&response), ["processor", "controller"]);
    let item = &response.as_array().or_else(|| response["items"].as_array()).unwrap()[0];
    assert_eq!(item["textEdit"]["newText"], "\"processor\"");
    server.shutdown();
}

#[test]
fn hover_on_a_field_gives_its_type_docs_and_the_obligations_reading_it() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let (line, column) = locate(&read(&server, "contracts/north.yaml"), "breach_notice_hours", 0);
    let hover = server.request("textDocument/hover", server.at(&uri, line, column + 3));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("**`dpa.breach_notice_hours`**: `duration(hours)?`"), "{text}");
    assert!(text.contains("Hours the processor may take to report a breach."), "{text}");
    assert!(text.contains(&format!("`{BREACH}`: violated")), "{text}");
    assert!(!text.contains(AUDIT), "audit_rights does not read this field: {text}");
    server.shutdown();
}

#[test]
fn a_summary_of_outcomes_sits_at_the_top() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(lenses[0]["command"]["title"], "1 violated · 1 undetermined");
    assert_eq!(lenses[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    server.shutdown();
}

fn actions_at(server: &mut Server, uri: &str, (line, character): (u32, u32)) -> Vec<Value> {
    let at = json!({ "line": line, "character": character });
    let params = json!({
        "textDocument": { "uri": uri },
        "range": { "start": at, "end": at },
        "context": { "diagnostics": [] }
    });
    server.request("textDocument/codeAction", params).as_array().cloned().unwrap_or_default()
}

#[test]
fn a_violated_finding_offers_a_waiver_in_a_new_waiver_file_that_checks() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let text = read(&server, "contracts/north.yaml");
    let actions = actions_at(&mut server, &uri, locate(&text, "72", 0));
    let waiver = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(&format!("Waive `{BREACH}` for `north`")))
        .unwrap_or_else(|| panic!("a waiver action in {actions:#?}"));
    let changes = waiver["edit"]["documentChanges"].as_array().expect("document changes");
    assert_eq!(changes[0]["kind"], "create");
    let new_uri = changes[0]["uri"].as_str().unwrap();
    assert!(new_uri.ends_with("/vendors/waivers.tenet"), "{new_uri}");
    let new_text = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(new_text.contains("package vendors.waivers"), "{new_text}");
    assert!(new_text.contains(&format!("waiver {BREACH} where id == \"north\"")), "{new_text}");
    assert!(new_text.contains("until: 2027-02-26"), "90 days from the server's date: {new_text}");

    // The file as created, in a copy of the project, checks without errors.
    let copy = tempfile::tempdir().unwrap();
    for file in ["tenet.toml", "model.tenet", "privacy.tenet"] {
        std::fs::copy(server.root().join(file), copy.path().join(file)).unwrap();
    }
    let filled = new_text.replace("reason: \"\"", "reason: \"r\"").replace("approved_by: \"\"", "approved_by: \"a\"");
    std::fs::write(copy.path().join("waivers.tenet"), filled).unwrap();
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_tenet")).arg("check").arg(copy.path()).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    server.shutdown();
}

#[test]
fn an_undetermined_finding_offers_to_insert_the_missing_field() {
    let mut server = start();
    let uri = server.open("contracts/north.yaml", None);
    let published = server.diagnostics_for(&uri, Some(1));
    let audit = with_code(&published, AUDIT)[0]["range"]["start"].clone();
    let at = (
        u32::try_from(audit["line"].as_u64().unwrap()).unwrap(),
        u32::try_from(audit["character"].as_u64().unwrap()).unwrap(),
    );
    let actions = actions_at(&mut server, &uri, at);
    let insert = actions
        .iter()
        .find(|a| a["title"] == "Add the missing field `dpa.audit_rights`")
        .unwrap_or_else(|| panic!("an insert action in {actions:#?}"));
    let edits = &insert["edit"]["changes"][&uri];
    assert_eq!(edits[0]["newText"], "\n  audit_rights:");
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 6, "character": 25 }), "after the last line of `dpa`");
    server.shutdown();
}
