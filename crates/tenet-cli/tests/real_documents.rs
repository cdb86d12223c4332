//! The embedded standard library on real published documents.
//!
//! `tests/real-documents/documents/` holds data-processing agreements, NYC Local Law 144
//! bias-audit summaries and model cards, encoded by hand with the source passage of every value
//! (`tests/real-documents/SOURCES.md`). `tests/real-documents/expected.toml` gives, for every
//! document, the outcome of every obligation of its kind, worked out from the document and the
//! obligation's text (see `tests/real-documents/README.md`). This test runs the real `tenet`
//! binary over the documents (no `--policy`: the standard library is embedded), checks that every
//! document validates without a single warning (so that a misspelt field cannot silently leave a
//! value absent), and compares every expectation, reporting all mismatches at once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use support::root;

mod support;

/// The evaluation date every expectation was worked out for.
const TODAY: &str = "2026-11-28";
const SUITE: &str = "tests/real-documents";
const DOCUMENTS: &str = "tests/real-documents/documents";

/// Expected status by obligation, by document file name.
type Expectations = BTreeMap<String, BTreeMap<String, String>>;

/// Reads `expected.toml`; obligation names are checked against the report.
fn expectations() -> Expectations {
    support::read_expectations(SUITE, |_, _| {}).into_iter().collect()
}

/// Runs `tenet eval --today TODAY --format json --fail-on none --explain all DOCUMENTS` from the
/// workspace root and returns the parsed report.
fn eval_corpus() -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["eval", "--today", TODAY, "--format", "json", "--fail-on", "none", "--explain", "all", DOCUMENTS])
        .current_dir(root())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run tenet");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "tenet panicked:\n{stderr}");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n--- stderr\n{stderr}\n--- stdout\n{stdout}"));
    assert_eq!(output.status.code(), Some(0), "tenet eval exit status\n--- stderr\n{stderr}");
    assert_eq!(report["today"], TODAY);
    assert_eq!(report["policy_diagnostics"].as_array().map(Vec::len), Some(0), "policy diagnostics: {report:#}");
    report
}

#[test]
fn every_document_has_expectations() {
    let expected = expectations();
    let files = support::document_files(DOCUMENTS);
    assert!(files.len() >= 26, "only {} documents in {DOCUMENTS}", files.len());
    let listed: BTreeSet<String> = expected.keys().cloned().collect();
    let unlisted: Vec<_> = files.difference(&listed).collect();
    assert!(unlisted.is_empty(), "documents without expectations: {unlisted:?}");
    let nonexistent: Vec<_> = listed.difference(&files).collect();
    assert!(nonexistent.is_empty(), "expected.toml names documents that do not exist: {nonexistent:?}");
}

#[test]
fn standard_library_decides_the_real_documents_as_expected() {
    let expected = expectations();
    let report = eval_corpus();

    // Every document loads with no problem at all: not even a warning (an undeclared field is
    // a warning, and its value would be silently ignored).
    let mut by_file: BTreeMap<String, &Value> = BTreeMap::new();
    let mut problems = Vec::new();
    for doc in report["documents"].as_array().expect("documents array") {
        let source = doc["source"].as_str().expect("source");
        let file = source.rsplit(['/', '\\']).next().unwrap_or(source).to_string();
        assert_eq!(doc["index"].as_u64(), Some(0), "{file}: one document per file");
        if doc["evaluated"] != Value::Bool(true) {
            problems.push(format!("{file}: not evaluated"));
        }
        for problem in doc["problems"].as_array().expect("problems array") {
            problems.push(format!(
                "{file}:{}:{}: {} {}: {}{}",
                problem["line"],
                problem["column"],
                problem["severity"].as_str().unwrap_or("?"),
                problem["code"].as_str().unwrap_or("?"),
                problem["message"].as_str().unwrap_or("?"),
                problem["help"].as_str().map(|h| format!(" ({h})")).unwrap_or_default()
            ));
        }
        assert!(by_file.insert(file.clone(), doc).is_none(), "{file} reported twice");
    }
    assert!(problems.is_empty(), "documents with validation problems:\n{}", problems.join("\n"));
    assert_eq!(report["summary"]["documents_with_errors"], 0, "summary: {:#}", report["summary"]);

    // The obligations of each kind, as the library evaluates them: every document of a kind must
    // get the same set, once each.
    let mut by_kind: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for (file, doc) in &by_file {
        let kind = doc["kind"].as_str().expect("kind").to_string();
        let mut names = BTreeSet::new();
        for finding in doc["findings"].as_array().expect("findings array") {
            let name = finding["obligation"].as_str().expect("obligation").to_string();
            if !names.insert(name.clone()) {
                mismatches.push(format!("{file}: {name} has more than one finding"));
            }
        }
        let known = by_kind.entry(kind.clone()).or_insert_with(|| names.clone());
        if *known != names {
            mismatches.push(format!(
                "{file}: its findings are not those of the other {kind} documents: {:?} vs {:?}",
                names.symmetric_difference(known).collect::<Vec<_>>(),
                known
            ));
        }
    }

    // Every document expects exactly the obligations of its kind: none left out, none that the
    // library does not have.
    for (file, obligations) in &expected {
        let Some(doc) = by_file.get(file) else {
            mismatches.push(format!("{file}: not in the report"));
            continue;
        };
        let kind = doc["kind"].as_str().unwrap_or("?");
        let of_kind = &by_kind[kind];
        let named: BTreeSet<String> = obligations.keys().cloned().collect();
        for missing in of_kind.difference(&named) {
            mismatches.push(format!("{file}: no expectation for {missing} ({kind})"));
        }
        for unknown in named.difference(of_kind) {
            mismatches.push(format!("{file}: expected.toml names {unknown}, which is not an obligation on {kind}"));
        }
    }

    let mut checked = 0usize;
    let mut differ = 0usize;
    for (file, obligations) in &expected {
        let Some(doc) = by_file.get(file) else { continue };
        let findings = doc["findings"].as_array().expect("findings array");
        for (obligation, want) in obligations {
            let Some(finding) = findings.iter().find(|f| f["obligation"] == obligation.as_str()) else {
                continue; // reported above
            };
            checked += 1;
            let got = finding["status"].as_str().unwrap_or("?");
            if got != want {
                differ += 1;
                mismatches.push(format!(
                    "{file} (id {}): {obligation}: expected {want}, got {got}\n{}",
                    doc["id"],
                    support::explanation(finding)
                ));
            }
        }
    }
    assert!(checked > 0, "no expectation was checked");
    assert!(
        mismatches.is_empty(),
        "{differ} of {checked} expectations do not hold, {} other problems (tenet eval --today {TODAY} {DOCUMENTS}):\n\n{}",
        mismatches.len() - differ,
        mismatches.join("\n")
    );
}
