//! Conformance of the embedded standard library to its reference table
//! (`/work/shared/reference/std-library.md`, mirrored by the obligations listed below).
//!
//! The documents in `tests/std-conformance/documents/` and their expected outcomes in
//! `tests/std-conformance/expected.toml` were written from the reference table alone, without
//! reading the library's source: they check that a user who only knows the table gets the
//! outcomes it implies, including boundary values and three-valued logic over absent fields.
//! This test runs the real `tenet` binary over the documents (no `--policy`: the standard
//! library is embedded) and compares every expectation, reporting all mismatches at once.

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

/// The evaluation date every expectation was computed for.
const TODAY: &str = "2026-11-28";
const SUITE: &str = "tests/std-conformance";
const DOCUMENTS: &str = "tests/std-conformance/documents";

/// One row of the reference table: what every finding of the obligation must say about it.
struct Row {
    /// Fully qualified name; the area is its middle part.
    name: &'static str,
    /// The document kind it applies to.
    kind: &'static str,
    modality: &'static str,
    severity: &'static str,
}

impl Row {
    fn area(&self) -> &'static str {
        self.name.split('.').nth(1).unwrap()
    }
}

/// The 32 obligations of the reference table, and the 6 issue 17 added for real documents.
const TABLE: [Row; 38] = [
    Row { name: "std.privacy.breach_notice_deadline", kind: "Contract", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.transfer_impact_assessment", kind: "Contract", modality: "obligation", severity: "high" },
    Row { name: "std.privacy.retention_after_exit", kind: "Contract", modality: "obligation", severity: "medium" },
    Row {
        name: "std.privacy.subprocessor_change_notice",
        kind: "Contract",
        modality: "obligation",
        severity: "medium",
    },
    Row { name: "std.bias.aedt_audit_category_coverage", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row { name: "std.bias.aedt_test_data_explained", kind: "AiSystem", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.processor_instructions", kind: "Contract", modality: "obligation", severity: "high" },
    Row { name: "std.privacy.staff_confidentiality", kind: "Contract", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.security_of_processing", kind: "Contract", modality: "obligation", severity: "high" },
    Row {
        name: "std.privacy.special_category_safeguards",
        kind: "Contract",
        modality: "obligation",
        severity: "critical",
    },
    Row { name: "std.privacy.subprocessor_authorisation", kind: "Contract", modality: "obligation", severity: "high" },
    Row { name: "std.privacy.breach_notice_to_controller", kind: "Contract", modality: "obligation", severity: "high" },
    Row { name: "std.privacy.international_transfers", kind: "Contract", modality: "obligation", severity: "critical" },
    Row { name: "std.privacy.data_return_or_deletion", kind: "Contract", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.audit_rights", kind: "Contract", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.direct_marketing_objection", kind: "Contract", modality: "obligation", severity: "high" },
    Row { name: "std.privacy.security_testing", kind: "Contract", modality: "obligation", severity: "medium" },
    Row { name: "std.privacy.dpia_for_profiling", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row { name: "std.bias.aedt_annual_bias_audit", kind: "AiSystem", modality: "obligation", severity: "critical" },
    Row { name: "std.bias.aedt_independent_auditor", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row { name: "std.bias.four_fifths_rule", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row { name: "std.bias.small_category_exclusion", kind: "AiSystem", modality: "obligation", severity: "low" },
    Row { name: "std.bias.training_data_bias_examination", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row { name: "std.transparency.chatbot_disclosure", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row {
        name: "std.transparency.synthetic_content_marking",
        kind: "AiSystem",
        modality: "obligation",
        severity: "medium",
    },
    Row { name: "std.transparency.deepfake_disclosure", kind: "AiSystem", modality: "obligation", severity: "medium" },
    Row {
        name: "std.transparency.automated_decision_safeguards",
        kind: "AiSystem",
        modality: "obligation",
        severity: "high",
    },
    Row { name: "std.transparency.instructions_for_use", kind: "AiSystem", modality: "obligation", severity: "medium" },
    Row { name: "std.transparency.no_fake_reviews", kind: "AiSystem", modality: "prohibition", severity: "critical" },
    Row {
        name: "std.workers.inform_workers_before_deployment",
        kind: "AiSystem",
        modality: "obligation",
        severity: "high",
    },
    Row {
        name: "std.workers.no_workplace_emotion_recognition",
        kind: "AiSystem",
        modality: "prohibition",
        severity: "critical",
    },
    Row {
        name: "std.workers.human_decision_on_termination",
        kind: "AiSystem",
        modality: "obligation",
        severity: "high",
    },
    Row { name: "std.workers.ai_literacy", kind: "AiSystem", modality: "recommendation", severity: "low" },
    Row {
        name: "std.workers.retraining_for_displaced_roles",
        kind: "Contract",
        modality: "recommendation",
        severity: "medium",
    },
    Row { name: "std.accountability.log_retention", kind: "AiSystem", modality: "obligation", severity: "high" },
    Row {
        name: "std.accountability.human_oversight_assigned",
        kind: "AiSystem",
        modality: "obligation",
        severity: "high",
    },
    Row {
        name: "std.accountability.post_deployment_monitoring",
        kind: "AiSystem",
        modality: "obligation",
        severity: "high",
    },
    Row {
        name: "std.accountability.serious_incident_reporting",
        kind: "Contract",
        modality: "obligation",
        severity: "high",
    },
];

fn is_table_obligation(name: &str) -> bool {
    TABLE.iter().any(|row| row.name == name)
}

/// A document of the suite: a file name and its position in a YAML stream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct DocKey {
    file: String,
    index: u64,
}

impl DocKey {
    /// Parses `file` or `file#N`.
    fn parse(key: &str) -> Self {
        match key.rsplit_once('#') {
            Some((file, index)) => DocKey {
                file: file.to_string(),
                index: index.parse().unwrap_or_else(|_| panic!("expected.toml: bad document index in `{key}`")),
            },
            None => DocKey { file: key.to_string(), index: 0 },
        }
    }
}

impl std::fmt::Display for DocKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.index == 0 { write!(f, "{}", self.file) } else { write!(f, "{}#{}", self.file, self.index) }
    }
}

type Expectations = BTreeMap<DocKey, BTreeMap<String, String>>;

/// Reads `expected.toml`, rejecting obligations that are not in the table.
fn expectations() -> Expectations {
    let check = |key: &str, obligation: &str| {
        assert!(
            is_table_obligation(obligation),
            "expected.toml: `{key}` names `{obligation}`, which is not an obligation of the reference table"
        );
    };
    support::read_expectations(SUITE, check)
        .into_iter()
        .map(|(key, obligations)| (DocKey::parse(&key), obligations))
        .collect()
}

#[test]
fn expectations_cover_every_table_obligation_both_ways_and_every_document() {
    let expected = expectations();
    let mut seen: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for obligations in expected.values() {
        for (obligation, status) in obligations {
            seen.entry(obligation.as_str()).or_default().insert(status.as_str());
        }
    }
    let mut missing = Vec::new();
    for obligation in TABLE.iter().map(|row| row.name) {
        for status in ["satisfied", "violated"] {
            if !seen.get(obligation).is_some_and(|s| s.contains(status)) {
                missing.push(format!("{obligation}: no document expects `{status}`"));
            }
        }
    }
    assert!(missing.is_empty(), "expected.toml does not cover the table:\n{}", missing.join("\n"));

    let files = support::document_files(DOCUMENTS);
    assert!(files.len() >= 40, "only {} documents in {DOCUMENTS}", files.len());
    let expected_files: BTreeSet<String> = expected.keys().map(|k| k.file.clone()).collect();
    let unlisted: Vec<_> = files.difference(&expected_files).collect();
    assert!(unlisted.is_empty(), "documents without expectations: {unlisted:?}");
    let nonexistent: Vec<_> = expected_files.difference(&files).collect();
    assert!(nonexistent.is_empty(), "expected.toml names documents that do not exist: {nonexistent:?}");
}

/// Runs `tenet eval --today TODAY --format json` with `args` from the workspace root and
/// returns the exit status and the parsed report.
fn eval_json(args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["eval", "--today", TODAY, "--format", "json"])
        .args(args)
        .current_dir(root())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run tenet");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "tenet panicked:\n{stderr}");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n--- stderr\n{stderr}\n--- stdout\n{stdout}"));
    (output.status.code(), report)
}

#[test]
fn standard_library_gives_the_outcomes_the_reference_table_implies() {
    let expected = expectations();
    let (code, report) = eval_json(&["--fail-on", "none", DOCUMENTS]);
    assert_eq!(code, Some(0), "tenet eval exit status; report:\n{report:#}");
    assert_eq!(report["today"], TODAY);
    assert_eq!(report["policy_diagnostics"].as_array().map(Vec::len), Some(0), "policy diagnostics: {report:#}");

    // Index the report by (file name, stream index); every document must have loaded.
    let mut by_key: BTreeMap<DocKey, &Value> = BTreeMap::new();
    let mut problems = Vec::new();
    for doc in report["documents"].as_array().expect("documents array") {
        let source = doc["source"].as_str().expect("source");
        let file = source.rsplit(['/', '\\']).next().unwrap_or(source).to_string();
        let key = DocKey { file, index: doc["index"].as_u64().expect("index") };
        if doc["evaluated"] != Value::Bool(true) {
            problems.push(format!("{key}: not evaluated: {}", doc["problems"]));
        }
        for problem in doc["problems"].as_array().into_iter().flatten() {
            if problem["severity"] != "warning" {
                problems.push(format!("{key}: {problem}"));
            }
        }
        assert!(by_key.insert(key.clone(), doc).is_none(), "{key} reported twice");
    }
    assert!(problems.is_empty(), "documents with load problems:\n{}", problems.join("\n"));

    // Every document gets exactly one finding per table obligation of its kind, none of the
    // other kind, and each finding carries the table's area, modality and severity.
    let mut mismatches = Vec::new();
    for (key, doc) in &by_key {
        let kind = doc["kind"].as_str().unwrap_or("?");
        let findings = doc["findings"].as_array().expect("findings array");
        for row in &TABLE {
            let matching: Vec<&Value> = findings.iter().filter(|f| f["obligation"] == row.name).collect();
            if row.kind != kind {
                if !matching.is_empty() {
                    mismatches.push(format!("{key}: {kind} document has a finding of {} ({})", row.name, row.kind));
                }
                continue;
            }
            let [finding] = matching.as_slice() else {
                mismatches.push(format!("{key}: {} findings of {}, expected one", matching.len(), row.name));
                continue;
            };
            for (field, want) in [("area", row.area()), ("modality", row.modality), ("severity", row.severity)] {
                if finding[field] != want {
                    mismatches
                        .push(format!("{key}: {}: {field} is {}, the table says {want}", row.name, finding[field]));
                }
            }
        }
    }

    let mut checked = 0usize;
    for (key, obligations) in &expected {
        let Some(doc) = by_key.get(key) else {
            mismatches.push(format!("{key}: not in the report"));
            continue;
        };
        let findings = doc["findings"].as_array().expect("findings array");
        for (obligation, want) in obligations {
            checked += 1;
            let matching: Vec<&Value> = findings.iter().filter(|f| f["obligation"] == obligation.as_str()).collect();
            match matching.as_slice() {
                [] => mismatches.push(format!(
                    "{key} (id {}): {obligation}: expected {want}, but there is no such finding",
                    doc["id"]
                )),
                [finding] => {
                    let got = finding["status"].as_str().unwrap_or("?");
                    if got != want {
                        mismatches.push(format!(
                            "{key} (id {}): {obligation}: expected {want}, got {got}\n{}",
                            doc["id"],
                            support::explanation(finding)
                        ));
                    }
                }
                _ => mismatches.push(format!("{key}: {obligation}: {} findings, expected one", matching.len())),
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {checked} expectations do not hold (tenet eval --today {TODAY} {DOCUMENTS}):\n\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The only violated findings of a report, as (obligation, severity).
fn violated(report: &Value) -> Vec<(String, String)> {
    report["documents"]
        .as_array()
        .expect("documents array")
        .iter()
        .flat_map(|doc| doc["findings"].as_array().expect("findings array"))
        .filter(|f| f["status"] == "violated")
        .map(|f| (f["obligation"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn failing_recommendations_fail_a_run_only_at_a_lowered_threshold() {
    // Each of these documents violates exactly one thing: a recommendation of the table.
    let cases = [
        ("ai-literacy-79.yaml", "std.workers.ai_literacy", "low"),
        ("contract-retraining-one-role.yaml", "std.workers.retraining_for_displaced_roles", "medium"),
    ];
    for (file, obligation, severity) in cases {
        let path = format!("{DOCUMENTS}/{file}");
        let (code, report) = eval_json(&[&path]);
        assert_eq!(
            violated(&report),
            vec![(obligation.to_string(), severity.to_string())],
            "{file}: the only violated finding should be the recommendation"
        );
        assert_eq!(code, Some(0), "{file}: a violated {severity} recommendation fails the default run (high)");
        let (code, _) = eval_json(&["--fail-on", "critical", &path]);
        assert_eq!(code, Some(0), "{file}: fails at --fail-on critical");
        let (code, _) = eval_json(&["--fail-on", severity, &path]);
        assert_eq!(code, Some(1), "{file}: does not fail at --fail-on {severity}");
        let (code, _) = eval_json(&["--fail-on", "info", &path]);
        assert_eq!(code, Some(1), "{file}: does not fail at --fail-on info");
    }
}
