#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]
//! Reports for CI: GitHub workflow commands and job summary, GitLab Code Quality, JUnit for
//! `eval`, SARIF checked against the official schema, `--output` and `--status`; and `tenet
//! explain`. Every run has findings of each kind, a waived one, a policy error and a document that cannot be loaded
//! (`tests/data/reports`).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{Run, root, tenet_in};

const TODAY: &str = "2026-11-28";

/// The reports fixture, copied so each test runs in its own directory with relative paths.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    data_fixture("reports")
}

fn eval(dir: &Path, env: &[(&str, &Path)], extra: &[&str]) -> Run {
    let args = ["eval", "--today", TODAY, "--no-std", "--policy", "policy", "-j", "1"];
    tenet_in(dir, env, &[&args[..], extra, &["docs/vendors.yaml", "docs/broken.yaml"]].concat())
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("crates/tenet-cli/tests/data/schemas").join(name)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value) {
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{}\n{}", errors.join("\n"), serde_json::to_string_pretty(instance).unwrap());
}

#[test]
fn github_annotates_findings_problems_and_policy_errors_line_by_line() {
    let (_keep, dir) = fixture();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = eval(&dir, &[("GITHUB_STEP_SUMMARY", &summary)], &["--format", "github"]);
    run.assert_code(3);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let expected = [
        "::error file=policy/broken.tenet,line=9,col=8,title=tenet%3A%3AE0201 (policy error)::unknown name `encryptd`",
        "::error file=docs/vendors.yaml,line=4,col=12,title=high violated acme.encryption (Vendor northwind)::Northwind, Inc. must encrypt personal data at rest, 100%25 of it.%0Acite: GDPR Art. 32(1)(a)",
        "::error file=docs/vendors.yaml,line=5,col=15,title=critical violated acme.breach_notice (Vendor northwind)::Northwind, Inc. reports breaches after 72 hours: at most 48, please.%0Acite: GDPR Art. 33(2)",
        "::warning file=docs/vendors.yaml,line=8,col=1,title=critical undetermined acme.breach_notice (Vendor legacy)::`notice_hours` is not given: breaches are reported within two days.%0Acite: GDPR Art. 33(2)",
        "::notice file=docs/vendors.yaml,line=8,col=1,title=low undetermined acme.audit (Vendor legacy)::`audited` is not given: an audit, advised.%0Acite: ISO/IEC 42001, 9.2",
        "::error file=docs/broken.yaml,line=3,col=5,title=tenet%3A%3Ainput%3A%3Asyntax (document 1)::invalid yaml: illegal placement of ':' indicator",
    ];
    for (i, (got, want)) in lines.iter().zip(expected.iter()).enumerate() {
        assert_eq!(got, want, "line {}:\n got: {got}\nwant: {want}\n---\n{}", i + 1, run.stdout);
    }
    assert_eq!(lines.len(), expected.len(), "{}", run.stdout);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("earlier step\n## ❌ Tenet: 4 documents, 2 violated, 2 undetermined"), "{written}");
    assert!(written.contains("1 could not be evaluated."), "{written}");
    assert!(written.contains("| privacy | 2 | 1 | 1 | 2 | 0 |"), "{written}");
    assert!(written.contains("| **total** | **2** | **2** | **1** | **4** | **0** |"), "{written}");
    assert!(written.contains("**1 critical violation**\n\n- breach\\_notice (northwind)\n"), "{written}");
    assert!(written.contains("The policies have 1 error"), "{written}");
}

#[test]
fn sarif_validates_against_the_official_schema_with_every_kind_of_result() {
    let (_keep, dir) = fixture();
    let run = eval(&dir, &[], &["--format", "sarif"]);
    run.assert_code(3);
    let log = run.json();
    let validator = schema("sarif-schema-2.1.0.json");
    assert_valid(&validator, &log);
    // The schema does catch mistakes: a level SARIF does not have.
    let mut wrong = log.clone();
    wrong["runs"][0]["results"][0]["level"] = "critical".into();
    assert!(!validator.is_valid(&wrong));
    let sarif = &log["runs"][0];
    assert_eq!(sarif["columnKind"], "unicodeCodePoints");
    let base = sarif["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    let results = sarif["results"].as_array().unwrap();
    let find = |rule: &str, status: Option<&str>| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule && status.is_none_or(|s| r["properties"]["status"] == s))
            .unwrap_or_else(|| panic!("no {rule} result in {results:#?}"))
    };
    // Every level is deliberate: critical violated and undetermined, high violated, low
    // undetermined, a waived one keeping its original level.
    assert_eq!(find("acme.breach_notice", Some("violated"))["level"], "error");
    assert_eq!(find("acme.breach_notice", Some("undetermined"))["level"], "warning");
    assert_eq!(find("acme.encryption", Some("violated"))["level"], "error");
    assert_eq!(find("acme.audit", Some("undetermined"))["level"], "note");
    let waived = find("acme.encryption", Some("waived"));
    assert_eq!(waived["level"], "error");
    assert!(waived["suppressions"][0]["justification"].as_str().unwrap().contains("ticket SEC-12"), "{waived}");
    // The policy error and the document that could not be loaded are results too.
    let policy = find("tenet::E0201", None);
    assert_eq!(policy["level"], "error");
    assert_eq!(policy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "policy/broken.tenet");
    let broken = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/broken.yaml")
        .expect("a result for the broken document");
    assert_eq!(broken["level"], "error");
    let invocation = &sarif["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap().contains("docs/broken.yaml")
    );
    // Rules carry help with the citation; results carry fingerprints that do not change
    // between runs.
    let rule =
        sarif["tool"]["driver"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "acme.breach_notice").unwrap();
    assert!(rule["help"]["text"].as_str().unwrap().contains("GDPR Art. 33(2)"), "{rule}");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let fingerprints = |log: &Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["tenet/v1"].as_str().unwrap().to_string())
            .collect()
    };
    let again = eval(&dir, &[], &["--format", "sarif"]).json();
    assert_eq!(fingerprints(&log), fingerprints(&again));
    let mut distinct = fingerprints(&log);
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), results.len(), "fingerprints are unique");
}

#[test]
fn gitlab_code_quality_validates_against_gitlabs_schema() {
    let (_keep, dir) = fixture();
    let run = eval(&dir, &[], &["--format", "gitlab"]);
    run.assert_code(3);
    let report = run.json();
    let issues = report.as_array().unwrap();
    let validator = schema("gitlab-codeclimate.json");
    let mut wrong = issues[0].clone();
    wrong.as_object_mut().unwrap().remove("fingerprint");
    assert!(!validator.is_valid(&wrong));
    for issue in issues {
        assert_valid(&validator, issue);
        // The severities GitLab knows.
        let severity = issue["severity"].as_str().unwrap();
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity), "{issue}");
    }
    let by_check = |check: &str| issues.iter().filter(|i| i["check_name"] == check).collect::<Vec<_>>();
    let notice = by_check("acme.breach_notice");
    assert_eq!(notice.iter().map(|i| i["severity"].as_str().unwrap()).collect::<Vec<_>>(), ["blocker", "critical"]);
    assert_eq!(notice[0]["location"]["path"], "docs/vendors.yaml");
    assert_eq!(notice[0]["location"]["lines"]["begin"], 5);
    assert_eq!(notice[1]["location"]["lines"]["begin"], 8);
    assert_eq!(by_check("tenet::E0201")[0]["severity"], "blocker");
    assert!(issues.iter().any(|i| i["location"]["path"] == "docs/broken.yaml"), "{report}");
    // Waived and satisfied findings are not issues.
    assert_eq!(by_check("acme.encryption").len(), 1);
    let mut fingerprints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    let again = eval(&dir, &[], &["--format", "gitlab"]).json();
    let second: Vec<&str> = again.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints, second);
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len());
}

#[test]
fn junit_has_a_test_case_per_document_and_obligation() {
    let (_keep, dir) = fixture();
    let run = eval(&dir, &[], &["--format", "junit"]);
    run.assert_code(3);
    let xml = &run.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet eval\">"), "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    // Three documents × three obligations, the broken document's load case, the policy error.
    assert_eq!(xml.matches("<testcase ").count(), 3 * 3 + 1 + 1, "{xml}");
    assert!(
        xml.contains(
            "<testsuite name=\"docs/vendors.yaml (northwind)\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\">"
        ),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<testsuite name=\"docs/vendors.yaml (legacy)\" tests=\"3\" failures=\"0\" errors=\"2\" skipped=\"1\">"
        ),
        "{xml}"
    );
    assert!(xml.contains("<skipped message=\"waived (was violated): Migration to encrypted storage, ticket SEC-12. (approved by CISO, until 2027-01-31)\"/>"), "{xml}");
    assert!(xml.contains("<failure message=\"Northwind, Inc. reports breaches after 72 hours: at most 48, please.\" type=\"violated\">"), "{xml}");
    assert!(xml.contains("notice_hours = 72 at line 5, column 15"), "{xml}");
    assert!(xml.contains("<testcase name=\"load\" classname=\"docs/broken.yaml\">"), "{xml}");
    assert!(xml.contains("type=\"policy_error\""), "{xml}");
}

#[test]
fn one_run_writes_several_formats_and_status_keeps_some_outcomes() {
    let (_keep, dir) = fixture();
    let run = eval(
        &dir,
        &[],
        &[
            "--format",
            "json",
            "--status",
            "violated",
            "--output",
            "sarif=out.sarif",
            "--output",
            "junit=out.xml",
            "--output",
            "human=out.txt",
        ],
    );
    run.assert_code(3);
    let report = run.json();
    // Only violated findings, and only the documents that have one (or a problem).
    let documents = report["documents"].as_array().unwrap();
    let ids: Vec<&Value> = documents.iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, [&Value::from("northwind"), &Value::Null], "{report}");
    assert!(documents[0]["findings"].as_array().unwrap().iter().all(|f| f["status"] == "violated"));
    // The run record: version, run id, date, policy digest, and each input's digest.
    let run = &report["run"];
    assert_eq!(run["tenet_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["run_id"].as_str().unwrap().len(), 32, "{run}");
    assert_eq!(run["today"], TODAY);
    assert!(run["policy_digest"].as_str().unwrap().starts_with("sha256:"), "{run}");
    let sources: Vec<&str> = run["inputs"].as_array().unwrap().iter().map(|i| i["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["docs/vendors.yaml", "docs/broken.yaml"]);
    let broken = std::fs::read(dir.join("docs/broken.yaml")).unwrap();
    let expected: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&broken).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(run["inputs"][1]["sha256"], format!("sha256:{expected}").as_str());
    // The summary still counts everything.
    assert_eq!(report["summary"]["by_status"]["satisfied"], 4, "{report}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("out.sarif")).unwrap()).unwrap();
    assert_valid(&schema("sarif-schema-2.1.0.json"), &sarif);
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["properties"]["status"].is_null() || r["properties"]["status"] == "violated")
    );
    let xml = std::fs::read_to_string(dir.join("out.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 2 + 1 + 1, "{xml}");
    let human = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    assert!(human.contains("✗ docs/vendors.yaml · Vendor `northwind` · 2 violated · 1 satisfied"), "{human}");
    assert!(!human.contains('\u{1b}'), "no colour in a file: {human}");
    assert!(human.contains("Summary (2026-11-28): 4 documents, 1 not evaluated"), "{human}");

    let bad = eval(&dir, &[], &["--output", "pdf=out.pdf"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("`pdf` is not an output format"), "{}", bad.stderr);
    let bad = eval(&dir, &[], &["--status", "failed"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("`failed` is not an outcome"), "{}", bad.stderr);
}

#[test]
fn check_annotates_policy_diagnostics_for_github() {
    let (_keep, dir) = fixture();
    let run = tenet_in(&dir, &[], &["check", "--no-std", "--format", "github", "policy"]);
    run.assert_code(3);
    assert_eq!(
        run.stdout,
        "::error file=policy/broken.tenet,line=9,col=8,title=tenet%3A%3AE0201::unknown name `encryptd`%0Ahelp: did you mean `encrypted`?\n"
    );
}

#[test]
fn check_writes_sarif_and_gitlab_for_policy_errors_and_warnings() {
    let (_keep, dir) = fixture();
    // An obligation without `cite`: a warning beside broken.tenet's error.
    std::fs::write(
        dir.join("policy/uncited.tenet"),
        "package acme.uncited\n\nuse acme\n\nobligation uncited on acme.Vendor {\n  area: privacy\n  must encrypted\n}\n",
    )
    .unwrap();
    let run = tenet_in(&dir, &[], &["check", "--no-std", "--format", "sarif", "policy"]);
    run.assert_code(3);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid(&schema("sarif-schema-2.1.0.json"), &sarif);
    let sarif_run = &sarif["runs"][0];
    let results: Vec<(&str, &str, &str, u64)> = sarif_run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                at["artifactLocation"]["uri"].as_str().unwrap(),
                at["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [("tenet::E0201", "error", "policy/broken.tenet", 9), ("tenet::W0506", "warning", "policy/uncited.tenet", 5)],
        "{sarif}"
    );
    assert_eq!(sarif_run["invocations"][0]["executionSuccessful"], false);
    assert!(sarif_run["results"][0]["message"]["text"].as_str().unwrap().contains("did you mean `encrypted`?"));

    let run = tenet_in(&dir, &[], &["check", "--no-std", "--format", "gitlab", "policy"]);
    run.assert_code(3);
    let issues = run.json();
    let validator = schema("gitlab-codeclimate.json");
    for issue in issues.as_array().unwrap() {
        assert_valid(&validator, issue);
    }
    let summary: Vec<(&str, &str, &str)> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
                i["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("tenet::E0201", "blocker", "policy/broken.tenet"), ("tenet::W0506", "minor", "policy/uncited.tenet")]
    );

    // Clean policies: an empty report, exit 0.
    std::fs::remove_file(dir.join("policy/broken.tenet")).unwrap();
    std::fs::remove_file(dir.join("policy/uncited.tenet")).unwrap();
    let run = tenet_in(&dir, &[], &["check", "--no-std", "--format", "gitlab", "policy"]);
    run.assert_code(0);
    assert_eq!(run.json(), serde_json::json!([]));
    let run = tenet_in(&dir, &[], &["check", "--no-std", "--format", "sarif", "policy"]);
    run.assert_code(0);
    let sarif = run.json();
    assert_valid(&schema("sarif-schema-2.1.0.json"), &sarif);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn explain_tells_the_whole_decision_for_one_obligation() {
    let (_keep, dir) = fixture();
    let explain = |name: &str| {
        tenet_in(
            &dir,
            &[],
            &["explain", name, "docs/vendors.yaml", "--no-std", "--policy", "policy/acme.tenet", "--today", TODAY],
        )
    };
    let run = explain("encryption");
    run.assert_code(0);
    let text = &run.stdout;
    for expected in [
        "Vendor `northwind` (docs/vendors.yaml):\n  It applies to every document of its kind (it has no `when`).\n  It requires:\n    `encrypted` is false\n      encrypted = false at line 4, column 12\n  Outcome: violated, because it applies and its requirement does not hold.",
        "Vendor `legacy` (docs/vendors.yaml, document 2):",
        "  A waiver matched (applied): approved by CISO, until 2027-01-31: Migration to encrypted storage, ticket SEC-12.; the outcome before it was violated.\n  Outcome: waived, because a waiver covers what it found.",
        "acme.encryption (obligation, privacy, high) is declared at policy/acme.tenet:12:1; it cites GDPR Art. 32(1)(a).",
        "No exception is declared to it.",
        "Waiver at policy/acme.tenet:37:1 (applied): approved by CISO, until 2027-01-31: Migration to encrypted storage, ticket SEC-12.",
    ] {
        assert!(text.contains(expected), "missing:\n{expected}\n--- in:\n{text}");
    }
    let run = explain("acme.breach_notice");
    run.assert_code(0);
    assert!(run.stdout.contains("    `notice_hours <= 48` is unknown\n      notice_hours, absent (its nearest parent is at line 8, column 1)\n  Outcome: undetermined"), "{}", run.stdout);
    let run = explain("no_such");
    run.assert_code(2);
    assert!(run.stderr.contains("error: no obligation named `no_such`"), "{}", run.stderr);

    // The standard library's: a `when` read through a rule, and the brand's override in force.
    let run = support::tenet(&[
        "explain",
        "std.privacy.breach_notice_to_controller",
        "examples/documents/contracts/harbour-crm.yaml",
        "--policy",
        "examples/policies",
        "--today",
        TODAY,
    ]);
    run.assert_code(0);
    assert!(run.stdout.contains("  It applies, because:\n"), "{}", run.stdout);
    assert!(run.stdout.contains("(in rule `acts_as_processor`)"), "{}", run.stdout);
    assert!(run.stdout.contains("vendor.role = \"processor\" at line 14, column 9"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Parameter std.privacy.max_breach_notice = 24h (library default 48h), overridden at examples/policies/northwind.tenet:12:1."),
        "{}",
        run.stdout
    );
}

/// SHA-256 hex of an entry's compact JSON without `hash`, as the log computes it.
fn entry_hash(entry: &Value) -> String {
    use sha2::Digest;
    let mut without = entry.clone();
    without.as_object_mut().unwrap().remove("hash");
    sha2::Sha256::digest(serde_json::to_string(&without).unwrap().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_decision_log_is_a_hash_chain_that_shows_each_kind_of_tampering() {
    let (_keep, dir) = fixture();
    for _ in 0..2 {
        eval(&dir, &[], &["--format", "json", "--log", "decisions.log"]).assert_code(3);
    }
    let log = dir.join("decisions.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    let entries: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The run record: version, a run id per run, the date, the policy set's digest.
    let run = &entries[0]["run"];
    assert_eq!(run["tenet_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["today"], TODAY);
    assert!(run["policy_digest"].as_str().unwrap().starts_with("sha256:"), "{run}");
    assert_eq!(entries[4]["run"]["policy_digest"], run["policy_digest"]);
    assert_ne!(entries[4]["run"]["run_id"], run["run_id"]);
    assert_eq!(entries[4]["seq"], 5);
    assert_eq!(entries[4]["prev"], entries[3]["hash"]);
    // Each document's digest and outcomes.
    let vendors = std::fs::read_to_string(dir.join("docs/vendors.yaml")).unwrap();
    let expected = {
        use sha2::Digest;
        let hex: String = sha2::Sha256::digest(vendors.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    };
    assert_eq!(entries[0]["document"]["sha256"], expected.as_str());
    assert_eq!(entries[0]["document"]["id"], "northwind");
    assert_eq!(
        entries[0]["outcomes"][1],
        serde_json::json!({ "obligation": "acme.breach_notice", "status": "violated" })
    );
    assert_eq!(entries[3]["document"]["evaluated"], false);
    // A document that could not be loaded is recorded with its file's digest.
    let broken = {
        use sha2::Digest;
        let bytes = std::fs::read(dir.join("docs/broken.yaml")).unwrap();
        format!("sha256:{}", sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>())
    };
    assert_eq!(entries[3]["document"]["sha256"], broken.as_str());

    let verify = |lines: &[String]| {
        std::fs::write(&log, lines.join("\n") + "\n").unwrap();
        tenet_in(&dir, &[], &["log", "verify", "decisions.log"])
    };
    let original: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    let run = verify(&original);
    run.assert_code(0);
    assert_eq!(run.stdout, "decisions.log: 8 entries, chain intact\n");

    // Edited: an outcome changed, its hash left as it was.
    let mut edited = original.clone();
    edited[2] = edited[2].replace("\"status\":\"satisfied\"", "\"status\":\"violated\"");
    assert_ne!(edited[2], original[2]);
    let run = verify(&edited);
    run.assert_code(1);
    assert_eq!(run.stdout, "decisions.log: line 3 was edited\n");

    // Edited, its own hash recomputed: the next line's link gives it away.
    let mut entry: Value = serde_json::from_str(&edited[2]).unwrap();
    entry["hash"] = entry_hash(&entry).into();
    edited[2] = serde_json::to_string(&entry).unwrap();
    let run = verify(&edited);
    run.assert_code(1);
    assert_eq!(run.stdout, "decisions.log: line 3 was edited\n");

    // Removed.
    let mut removed = original.clone();
    removed.remove(2);
    let run = verify(&removed);
    run.assert_code(1);
    assert_eq!(run.stdout, "decisions.log: 1 line was removed before line 3\n");

    // Inserted: a forged copy of line 2, with its hash recomputed.
    let mut forged: Value = serde_json::from_str(&original[1]).unwrap();
    forged["outcomes"][0]["status"] = "satisfied".into();
    forged["hash"] = entry_hash(&forged).into();
    let mut inserted = original.clone();
    inserted.insert(2, serde_json::to_string(&forged).unwrap());
    let run = verify(&inserted);
    run.assert_code(1);
    assert_eq!(run.stdout, "decisions.log: line 3 was inserted\n");

    // Reordered.
    let mut moved = original.clone();
    moved.swap(2, 3);
    let run = verify(&moved);
    run.assert_code(1);
    assert_eq!(run.stdout, "decisions.log: line 3 was moved (the lines are out of order)\n");
}

#[test]
fn an_encrypted_log_verifies_without_the_key_and_reads_with_it() {
    let (_keep, dir) = fixture();
    std::fs::write(dir.join("log.key"), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n").unwrap();
    std::fs::write(dir.join("other.key"), "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
        .unwrap();
    std::fs::write(dir.join("bad.key"), "not a key\n").unwrap();
    eval(&dir, &[], &["--format", "json", "--log", "sealed.log", "--log-key", "log.key"]).assert_code(3);
    let text = std::fs::read_to_string(dir.join("sealed.log")).unwrap();
    // Nothing of the documents is in the clear.
    for secret in ["northwind", "acme.encryption", "vendors.yaml", "violated"] {
        assert!(!text.contains(secret), "`{secret}` in the encrypted log:\n{text}");
    }
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(first["sealed"]["ciphertext"].is_string(), "{first}");
    let run = tenet_in(&dir, &[], &["log", "verify", "sealed.log"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "sealed.log: 4 entries, chain intact\n");

    let shown = tenet_in(&dir, &[], &["log", "show", "sealed.log", "--key", "log.key"]);
    shown.assert_code(0);
    let entries: Vec<Value> = shown.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["seq"], 1);
    assert_eq!(entries[0]["document"]["id"], "northwind");
    assert_eq!(entries[0]["outcomes"][0], serde_json::json!({ "obligation": "acme.encryption", "status": "violated" }));
    assert_eq!(entries[0]["run"]["today"], TODAY);

    let run = tenet_in(&dir, &[], &["log", "show", "sealed.log"]);
    run.assert_code(2);
    assert!(run.stderr.contains("error: line 1 is encrypted"), "{}", run.stderr);
    let run = tenet_in(&dir, &[], &["log", "show", "sealed.log", "--key", "other.key"]);
    run.assert_code(2);
    assert!(run.stderr.contains("error: line 1 cannot be decrypted with this key"), "{}", run.stderr);
    let run = tenet_in(&dir, &[], &["log", "show", "sealed.log", "--key", "bad.key"]);
    run.assert_code(2);
    assert!(run.stderr.contains("does not hold a key"), "{}", run.stderr);

    // A sealed payload moved to another place in the chain, its hashes recomputed, no longer
    // opens: it is bound to its place.
    let mut lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let moved = lines[1]["sealed"].clone();
    lines[2]["sealed"] = moved;
    lines[2]["hash"] = entry_hash(&lines[2]).into();
    let rewritten: Vec<String> = lines.iter().map(|l| serde_json::to_string(l).unwrap()).collect();
    std::fs::write(dir.join("sealed.log"), rewritten.join("\n") + "\n").unwrap();
    let run = tenet_in(&dir, &[], &["log", "show", "sealed.log", "--key", "log.key"]);
    run.assert_code(2);
    assert!(run.stderr.contains("error: line 3 cannot be decrypted with this key"), "{}", run.stderr);
}

/// A fixture directory of `tests/data`, copied so the test runs in it with relative paths.
fn data_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("crates/tenet-cli/tests/data").join(name);
    for sub in ["policy", "docs"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(sub).join(entry.file_name())).unwrap();
        }
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}

/// The values of `@sensitive` fields in `tests/data/sensitive/docs`: none may appear anywhere.
const SECRETS: [&str; 2] = ["SECRET", "987654321"];

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows `{secret}`:\n{text}");
    }
}

#[test]
fn sensitive_values_are_masked_in_every_format_explain_and_the_log() {
    let (_keep, dir) = data_fixture("sensitive");
    let formats = ["human", "json", "ndjson", "sarif", "github", "gitlab", "junit", "html"];
    let mut args: Vec<String> = ["eval", "--today", TODAY, "--no-std", "--policy", "policy", "--explain", "all"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for format in formats {
        args.push("--output".into());
        args.push(format!("{format}=out.{format}"));
    }
    args.extend(["--log".into(), "decisions.log".into(), "docs".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = tenet_in(&dir, &[], &args);
    // The second document's sensitive values are malformed: an input error.
    run.assert_code(2);
    assert_no_secret("standard output", &run.stdout);
    assert_no_secret("standard error", &run.stderr);
    for format in formats {
        let text = std::fs::read_to_string(dir.join(format!("out.{format}"))).unwrap();
        assert_no_secret(format, &text);
    }
    let log = std::fs::read_to_string(dir.join("decisions.log")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert_no_secret("the decision log", &log);
    let shown = tenet_in(&dir, &[], &["log", "show", "decisions.log"]);
    shown.assert_code(0);
    assert_no_secret("tenet log show", &shown.stdout);

    // Masked, not dropped: the mask stands where the values were, and the rest is shown.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("out.json")).unwrap()).unwrap();
    // In file order: people.json (Cy), then people.yaml's two documents (Ann, Bob).
    let ann = &json["documents"][1];
    let finding = |doc: &Value, name: &str| {
        doc["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == name).unwrap().clone()
    };
    let ssn = finding(ann, "acme.people.no_ssn");
    assert_eq!(ssn["status"], "violated");
    assert_eq!(ssn["message"], "Ann keeps the national number ‹sensitive›.");
    let evidence: Vec<(&str, &Value)> =
        ssn["evidence"].as_array().unwrap().iter().map(|e| (e["path"].as_str().unwrap(), &e["value"])).collect();
    assert!(evidence.contains(&("ssn", &Value::from("‹sensitive›"))), "{evidence:?}");
    let notes = support::explanation(&ssn);
    assert!(notes.contains("code = ‹sensitive›"), "a rule's argument is masked: {notes}");
    let salary = finding(ann, "acme.people.salary_cap");
    assert_eq!(salary["message"], "Ann is paid ‹sensitive›, over the cap.");
    let home = finding(ann, "acme.people.home_city");
    assert_eq!(home["evidence"][0]["value"], "‹sensitive›", "a field inside a sensitive record: {home}");
    let cy = &json["documents"][0];
    assert_eq!(finding(cy, "acme.people.adult")["message"], "Cy is 17.", "other values are shown");
    let bob = &json["documents"][2];
    assert_eq!(bob["evaluated"], false);
    let problems: Vec<&str> =
        bob["problems"].as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap()).collect();
    assert!(problems.iter().any(|m| m.contains("found `‹sensitive›`")), "{problems:?}");
    let human = std::fs::read_to_string(dir.join("out.human")).unwrap();
    assert!(human.contains("ssn: *****************"), "the quoted line is blanked out: {human}");

    for name in ["no_ssn", "salary_cap", "home_city"] {
        let explain = tenet_in(
            &dir,
            &[],
            &["explain", name, "docs/people.yaml", "--no-std", "--policy", "policy", "--today", TODAY],
        );
        assert_no_secret(&format!("tenet explain {name}"), &explain.stdout);
        assert!(explain.stdout.contains("‹sensitive›"), "{}", explain.stdout);
    }
}

#[test]
fn explain_considers_a_real_exception_and_a_waiver() {
    let (_keep, dir) = data_fixture("exceptions");
    let run = tenet_in(
        &dir,
        &[],
        &["explain", "return_or_delete", "docs/contracts.yaml", "--no-std", "--policy", "policy", "--today", TODAY],
    );
    run.assert_code(0);
    let text = &run.stdout;
    let part = |id: &str| {
        let start = text.find(&format!("Contract `{id}`")).unwrap_or_else(|| panic!("no `{id}` in:\n{text}"));
        let rest = &text[start..];
        rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
    };
    // c1: the exception's `when` holds, with the values it read, so it displaces the obligation.
    let c1 = part("c1");
    assert!(
        c1.contains("  Exceptions considered (the conditions of their `when` that were not false):\n    `storage_required_by_law is present` is true (exception `legal_storage`)\n      storage_required_by_law = true at line 4, column 26\n"),
        "{c1}"
    );
    assert!(c1.contains("The exception acme.retention.legal_storage displaces it here: its `when` holds."), "{c1}");
    assert!(
        c1.ends_with("Outcome: not applicable, because the exception acme.retention.legal_storage displaces it."),
        "{c1}"
    );
    assert!(!c1.contains("It requires"), "a displaced obligation's requirement is not evaluated: {c1}");
    // c2: the exception was considered and does not hold; the violation is waived.
    let c2 = part("c2");
    assert!(
        c2.contains("No exception displaces it: the `when` of acme.retention.legal_storage is false here."),
        "{c2}"
    );
    assert!(c2.contains("`deleted_at_end` is false\n      deleted_at_end = false at line 9, column 17"), "{c2}");
    assert!(
        c2.contains("A waiver matched (applied): approved by Data Protection Officer, until 2027-03-31: Deletion tooling ships in the first quarter.; the outcome before it was violated."),
        "{c2}"
    );
    assert!(c2.contains("Outcome: waived"), "{c2}");
    // c3: satisfied, no waiver needed.
    let c3 = part("c3");
    assert!(c3.contains("Outcome: satisfied"), "{c3}");
    assert!(!c3.contains("waiver"), "{c3}");
    assert!(
        text.contains(
            "Exceptions declared to it (they displace it where their `when` holds): acme.retention.legal_storage."
        ),
        "{text}"
    );
    assert!(
        text.contains("Waiver at policy/retention.tenet:28:1 (applied): approved by Data Protection Officer"),
        "{text}"
    );
}
