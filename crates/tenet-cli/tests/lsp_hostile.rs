//! `tenet lsp` under a client that pushes it: thousands of edits in a burst, a policy file of
//! 250 KB of constants and one of 400 KB on one line, special files among the `[samples]`,
//! and long random sequences of edits (half-typed items included) whose diagnostics must be
//! exactly what `tenet check` reports on the same text. Each wait for an answer is bounded by
//! the support's timeout, which catches a server that stops answering.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod lsp_support;
mod support;

use lsp_support::{Rng, Server};
use serde_json::{Value, json};
use std::path::Path;

/// A workspace directory holding `files` (relative path, text).
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The root of a workspace as the server sees it (links resolved, as `tempdir` may be one).
fn canonical(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().canonicalize().unwrap()
}

const MODEL: &str = "package hostile\n\nschema Item {\n  id: string?,\n  n: int?,\n}\n";

#[test]
fn a_burst_of_three_thousand_edits_ends_with_the_last_versions_diagnostics() {
    let dir = workspace(&[("hostile.tenet", MODEL)]);
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("hostile.tenet", None);
    for version in 2..=3_000i64 {
        let text = format!("{MODEL}\nrule r{version} on Item = n > {version}\n");
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }
    let broken = format!("{MODEL}\nrule last on Item = n >\n");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3_001 }, "contentChanges": [{ "text": broken }] }),
    );
    let last = server.diagnostics_for(&uri, Some(3_001));
    assert_eq!(last["diagnostics"][0]["code"], "E0001", "{last}");
    let hover = server.request("textDocument/hover", server.at(&uri, 3, 3));
    assert!(hover.get("error").is_none(), "{hover}");
    server.shutdown();
}

#[test]
fn a_file_of_twelve_thousand_constants_is_checked_and_hovered() {
    let mut text = String::from("package hostile\n\n");
    for i in 0..12_000 {
        text.push_str(&format!("const LIMIT_{i:05}: int = {i}\n"));
    }
    text.push_str("const LAST: int = LIMIT_00042\n");
    assert!(text.len() > 250_000, "{}", text.len());
    let dir = workspace(&[("constants.tenet", &text)]);
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("constants.tenet", None);
    let published = server.diagnostics_for(&uri, Some(1));
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    let last_line = 12_002;
    let hover = server.request("textDocument/hover", server.at(&uri, last_line, 22));
    assert!(hover["contents"].to_string().contains("LIMIT_00042"), "{hover}");
    let definition = server.request("textDocument/definition", server.at(&uri, last_line, 22));
    assert_eq!(definition[0]["range"]["start"]["line"], 44, "{definition}");
    server.shutdown();
}

#[test]
fn a_file_of_400_kb_on_one_line_gets_semantic_tokens() {
    let mut line = String::from("rule wide on Item = n > 0");
    let mut i = 0;
    while line.len() < 400_000 {
        line.push_str(&format!(" or n == {i}"));
        i += 1;
    }
    let text = format!("{MODEL}\n{line}\n");
    let dir = workspace(&[("wide.tenet", &text)]);
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("wide.tenet", None);
    let published = server.diagnostics_for(&uri, Some(1));
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    let tokens = server.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    let data = tokens["data"].as_array().unwrap_or_else(|| panic!("no tokens: {tokens}"));
    // Five numbers per token: `or`, `n` and the number of each comparison.
    assert!(data.len() / 5 > 3 * i, "{} tokens for {i} comparisons", data.len() / 5);
    server.shutdown();
}

#[test]
fn special_files_among_the_samples_do_not_block_code_lenses() {
    let policy = format!(
        "{MODEL}\n/// Small.\nobligation small on Item {{\n  area: privacy\n  cite: \"t\"\n  must n < 10\n}}\n"
    );
    let dir = workspace(&[
        (
            "tenet.toml",
            "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\n\n[samples]\nfiles = [\"samples/*.yaml\"]\n",
        ),
        ("hostile.tenet", &policy),
        ("samples/big.yaml", "kind: Item\nid: big\nn: 30\n"),
    ]);
    let samples = dir.path().join("samples");
    let made = std::process::Command::new("mkfifo").arg(samples.join("pipe.yaml")).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/stdin", samples.join("stdin.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", samples.join("zero.yaml")).unwrap();
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("hostile.tenet", None);
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let shown = lenses.to_string();
    assert!(shown.contains("1 violated"), "the regular sample is evaluated: {shown}");
    server.shutdown();
}

/// Pieces of policy text, whole and half-typed, that random edits insert (ASCII, so byte,
/// character and UTF-16 positions agree).
const PIECES: &[&str] = &[
    "",
    "\n",
    " ",
    "{",
    "}",
    "(",
    ")",
    ".",
    ",",
    "\"",
    "//",
    "n",
    "id",
    "nn",
    "Item",
    "> 3",
    "== ",
    " and ",
    " or not ",
    "48h",
    "2026-13-45",
    "rule r on Item = n >",
    "rule ok on Item = n > 1\n",
    "rule ok on Item = n > 2\n",
    "obligation o on Item {\n  area: privacy\n  must n",
    "obligation o on Item {\n  area: privacy\n  cite: \"x\"\n  must n < 3\n}\n",
    "obligation p on Item {\n  area: privcy\n  must n < 3\n}\n",
    "schema Item {\n  n: int?,\n}\n",
    "schema Other {\n  m: strin,\n",
    "const C: int = 12\n",
    "const C: int = \"x\"\n",
    "waiver o where n > 1 {\n  reason: \"r\"\n  approved_by: \"a\"\n  until: 2027-01-01\n}\n",
    "test \"t\" {\n  given Item { n: 1 }\n  expect o: violated\n}\n",
    "use std.privacy\n",
    "use std.nothing\n",
    "all x in ",
    "count(",
    "package other\n",
];

/// The diagnostics `tenet check --format json` reports for `file` in `dir`, as
/// `code line:column message` (1-based, columns in characters).
fn check_diagnostics(dir: &Path, file: &str) -> Vec<String> {
    let run = support::tenet_in(dir, &[], &["check", "--format", "json", file]);
    run.assert_no_crash();
    let json = run.json();
    let mut out: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .map(|d| {
            let code = d["code"].as_str().unwrap();
            let code = code.strip_prefix("tenet::").unwrap_or(code);
            format!("{code} {}:{} {}", d["line"], d["column"], d["message"].as_str().unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The diagnostics the server published, in the same form.
fn server_diagnostics(published: &Value) -> Vec<String> {
    let mut out: Vec<String> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            let message = message.split("\nhelp: ").next().unwrap();
            let start = &d["range"]["start"];
            let (line, column) = (start["line"].as_i64().unwrap() + 1, start["character"].as_i64().unwrap() + 1);
            format!("{} {line}:{column} {message}", d["code"].as_str().unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The 0-based line and character of byte `at` of ASCII `text`.
fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = at - before.rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": character })
}

/// Sends `edits` random edits from `seed`, and every `every` edits compares the server's
/// diagnostics with `tenet check` on the same text.
fn diagnostics_agree_with_check(seed: u64, edits: i64, every: i64) {
    let start = format!(
        "{MODEL}\nobligation o on Item {{\n  area: privacy\n  cite: \"t\"\n  must n < 10\n}}\n\nrule big on Item = n > 5\n"
    );
    let dir = workspace(&[("edited.tenet", &start)]);
    let mirror = tempfile::tempdir().unwrap();
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("edited.tenet", None);
    let mut text = start.clone();
    let mut rng = Rng(seed);
    for version in 2..=edits + 1 {
        let a = rng.below(text.len() + 1);
        let b = if rng.below(3) == 0 { (a + rng.below(12)).min(text.len()) } else { a };
        let piece = PIECES[rng.below(PIECES.len())];
        let change = json!({ "range": { "start": position(&text, a), "end": position(&text, b) }, "text": piece });
        text.replace_range(a..b, piece);
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        if (version - 1) % every == 0 {
            let published = server.diagnostics_for(&uri, Some(version));
            std::fs::write(mirror.path().join("edited.tenet"), &text).unwrap();
            let expected = check_diagnostics(mirror.path(), "edited.tenet");
            assert_eq!(
                server_diagnostics(&published),
                expected,
                "seed {seed:#x}, version {version}: the server and `tenet check` disagree on:\n{text}"
            );
        }
    }
    server.shutdown();
}

#[test]
fn diagnostics_after_random_edits_are_those_of_tenet_check() {
    for seed in [0x1234_5678_9abc_def1, 0xdead_beef_cafe_f00d, 42] {
        diagnostics_agree_with_check(seed, 120, 12);
    }
}

#[test]
fn a_workspace_search_that_stops_at_its_limit_says_so() {
    let files: Vec<(String, String)> =
        (0..12).map(|i| (format!("p{i:02}/f.tenet"), format!("package p{i:02}\n\nconst C: int = {i}\n"))).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    let dir = workspace(&files);
    let (mut server, _) =
        Server::start_with(&canonical(&dir), json!({ "today": "2026-11-28", "maxScannedEntries": 5 }));
    let shown = server.notification("window/showMessage", |_| true);
    assert_eq!(shown["type"], 2, "a warning: {shown}");
    let message = shown["message"].as_str().unwrap_or_default();
    assert!(message.contains("stopped looking for policy files") && message.contains("after 5 files and folders"));
    assert!(message.contains("maxScannedEntries"), "says how to raise the limit: {message}");
    // The server keeps serving, and a file the search did not reach is checked once opened.
    let uri = server.open("p11/f.tenet", None);
    let published = server.diagnostics_for(&uri, None);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    server.shutdown();
}

#[test]
fn a_workspace_within_the_limit_shows_no_message() {
    let dir = workspace(&[("a.tenet", "package a\n\nconst C: int = 1\n")]);
    let (mut server, _) = Server::start(&canonical(&dir));
    let uri = server.open("a.tenet", None);
    server.diagnostics_for(&uri, None);
    // The server shows its start-up warnings before it publishes anything, so one would be
    // among the messages received by now.
    assert!(!server.received("window/showMessage"));
    server.shutdown();
}
