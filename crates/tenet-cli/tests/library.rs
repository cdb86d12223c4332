#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]
//! End-to-end tests of the embedded standard library, selection options, `tenet test` and
//! `tenet doc`, through the real binary.

mod support;

use serde_json::Value;
use support::{root, tenet, tenet_in};

const TODAY: &str = "2026-11-28";

fn findings(report: &Value) -> Vec<(String, String)> {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["findings"].as_array().unwrap().iter())
        .map(|f| (f["obligation"].as_str().unwrap().to_string(), f["status"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn eval_without_policy_applies_the_embedded_library() {
    let run = tenet(&["eval", "--today", TODAY, "--format", "json", "examples/documents/contracts/harbour-crm.yaml"]);
    run.assert_code(1);
    let found = findings(&run.json());
    assert!(found.iter().any(|(o, _)| o == "std.privacy.breach_notice_to_controller"), "{found:?}");
    assert!(found.iter().all(|(o, _)| o.starts_with("std.")), "{found:?}");
    // No override without the brand's package: the library default applies.
    assert_eq!(run.json()["overrides"], serde_json::json!([]));
}

#[test]
fn no_std_leaves_the_library_out() {
    let run = tenet(&["eval", "--today", TODAY, "--no-std", "examples/documents/contracts/harbour-crm.yaml"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--policy"), "{}", run.stderr);
    let run = tenet(&["check", "--no-std", "examples/policies"]);
    run.assert_code(3);
    assert!(run.stdout.contains("no package or item named `std.model`"), "{}", run.stdout);
}

#[test]
fn area_only_and_exclude_select_obligations() {
    let doc = "examples/documents/ai-systems/talentsift-screening.toml";
    let run = tenet(&["eval", "--today", TODAY, "--format", "json", "--fail-on", "none", "--area", "bias", doc]);
    run.assert_code(0);
    let found = findings(&run.json());
    assert!(!found.is_empty() && found.iter().all(|(o, _)| o.starts_with("std.bias.")), "{found:?}");

    let args = ["eval", "--today", TODAY, "--format", "json", "--fail-on", "none", "--only", "std.bias.*"];
    let run = tenet(&[&args[..], &["--exclude", "four_fifths_rule", doc]].concat());
    run.assert_code(0);
    let found = findings(&run.json());
    assert!(found.iter().all(|(o, _)| o.starts_with("std.bias.") && o != "std.bias.four_fifths_rule"), "{found:?}");
    assert!(found.iter().any(|(o, _)| o == "std.bias.aedt_annual_bias_audit"), "{found:?}");

    let run = tenet(&["eval", "--area", "privcy", doc]);
    run.assert_code(2);
    assert!(run.stderr.contains("did you mean `privacy`?"), "{}", run.stderr);

    // A selection that keeps nothing is a usage error, not a clean run.
    let run = tenet(&["eval", "--today", TODAY, "--fail-on", "none", "--only", "no_such_obligation", doc]);
    run.assert_code(2);
    assert!(run.stderr.contains("`no_such_obligation` matches no obligation"), "{}", run.stderr);
    assert!(run.stderr.contains("select none of the"), "{}", run.stderr);
}

#[test]
fn the_brand_override_is_applied_and_reported() {
    let doc = "examples/documents/contracts/harbour-crm.yaml";
    let with = tenet(&["eval", "--today", TODAY, "--format", "json", "--policy", "examples/policies", doc]);
    let overrides = with.json()["overrides"].clone();
    assert_eq!(overrides[0]["parameter"], "std.privacy.max_breach_notice");
    assert_eq!(overrides[0]["value"], "24h");
    let human = tenet(&["eval", "--today", TODAY, "--policy", "examples/policies", doc]);
    assert!(
        human.stdout.contains("parameter std.privacy.max_breach_notice = 24h (library default 48h) overridden at"),
        "{}",
        human.stdout
    );
}

#[test]
fn the_standard_library_tests_pass_with_full_coverage() {
    let run = tenet(&["test", "policies/std", "--coverage", "--format", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["summary"]["errors"], 0);
    assert!(report["summary"]["passed"].as_u64().unwrap() >= 100, "{}", report["summary"]);
    let obligations = report["coverage"]["obligations"].as_array().unwrap();
    assert!(obligations.len() >= 32, "{} obligations covered", obligations.len());
    for ob in obligations {
        let expected = ob["outcomes"].as_object().unwrap().values().filter(|r| r.as_str() == Some("expected")).count();
        assert!(expected >= 3, "{} reaches only {expected} outcomes: {}", ob["obligation"], ob["outcomes"]);
    }
}

#[test]
fn a_failing_test_shows_expected_and_actual_with_the_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.tenet");
    std::fs::write(
        &file,
        "package t\nuse std.model\nuse std.privacy\n\n\
         test \"late breach notice\" {\n  today 2026-11-28\n  given Contract {\n    vendor: { role: processor },\n    dpa: { breach_notice_hours: 96 }\n  }\n  expect breach_notice_to_controller: satisfied\n}\n\n\
         test \"passes\" {\n  given Contract { vendor: { role: controller } }\n  expect breach_notice_to_controller: not_applicable\n}\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let run = tenet(&["test", &path]);
    run.assert_code(1);
    assert!(run.stdout.contains("✗ late breach notice"), "{}", run.stdout);
    assert!(
        run.stdout.contains("std.privacy.breach_notice_to_controller: expected satisfied, got violated"),
        "{}",
        run.stdout
    );
    // Evidence points into the test file itself (line 9, the inline document's `dpa` line).
    assert!(run.stdout.contains("dpa.breach_notice_hours = 96h at 9:"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ passes"), "{}", run.stdout);
    assert!(run.stdout.contains("2 tests: 1 passed, 1 failed, 0 errors"), "{}", run.stdout);

    let run = tenet(&["test", &path, "--format", "json"]);
    run.assert_code(1);
    let report = run.json();
    let failed = &report["tests"][0];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["expectations"][0]["expected"], "satisfied");
    assert_eq!(failed["expectations"][0]["actual"], "violated");
    assert!(!failed["expectations"][0]["explanation"].as_array().unwrap().is_empty());

    // `--filter` runs only matching tests.
    let run = tenet(&["test", &path, "--filter", "passes"]);
    run.assert_code(0);
    assert!(run.stdout.contains("1 test: 1 passed"), "{}", run.stdout);
}

#[test]
fn a_test_document_of_the_wrong_kind_or_with_typos_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("contract.yaml"), "kind: Contract\nid: c\n").unwrap();
    let file = dir.path().join("t.tenet");
    std::fs::write(
        &file,
        "package t\nuse std.model\nuse std.workers\n\n\
         test \"wrong kind\" {\n  given AiSystem from \"contract.yaml\"\n  expect ai_literacy: undetermined\n}\n\n\
         test \"missing file\" {\n  given AiSystem from \"nope.yaml\"\n  expect ai_literacy: undetermined\n}\n\n\
         test \"typo\" {\n  given AiSystem { workplace: true, featurez: [] }\n  expect ai_literacy: undetermined\n}\n",
    )
    .unwrap();
    let run = tenet(&["test", &file.display().to_string()]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("the document says `kind: Contract`, but the test says `given AiSystem`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("cannot load the test document"), "{}", run.stdout);
    assert!(run.stdout.contains("has no field `featurez`"), "{}", run.stdout);
    assert!(run.stdout.contains("3 tests: 0 passed, 0 failed, 3 errors"), "{}", run.stdout);
}

#[test]
fn policy_errors_stop_tests_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.tenet");
    std::fs::write(
        &file,
        "package t\nuse std.model\n\ntest \"x\" {\n  given Contract {}\n  expect nothing_here: satisfied\n}\n",
    )
    .unwrap();
    let run = tenet(&["test", &file.display().to_string()]);
    run.assert_code(3);
    assert!(run.stderr.contains("tenet::E0823"), "{}", run.stderr);
}

#[test]
fn the_standard_library_guide_is_generated_and_current() {
    let run = tenet(&["doc", "--output", "docs/standard-library.md", "--check"]);
    run.assert_code(0);
    let guide = std::fs::read_to_string(root().join("docs/standard-library.md")).unwrap();
    for needle in [
        "### `std.privacy.breach_notice_to_controller`",
        "`std.privacy.max_breach_notice` (default `48h`)",
        "override std.privacy.",
        "Exception to:",
        "Displaced by:",
    ] {
        assert!(guide.contains(needle), "`{needle}` missing from docs/standard-library.md");
    }
    // A stale file is reported.
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("guide.md");
    std::fs::write(&stale, "# old\n").unwrap();
    let run = tenet(&["doc", "--output", &stale.display().to_string(), "--check"]);
    run.assert_code(1);
    assert!(run.stderr.contains("is out of date"), "{}", run.stderr);
}

#[test]
fn a_cycle_of_path_dependencies_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let package = |name: &str, depends_on: &str| {
        let root = dir.path().join(name);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("tenet.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\n{depends_on} = {{ path = \"../{depends_on}\" }}\n"
            ),
        )
        .unwrap();
        std::fs::write(root.join(format!("{name}.tenet")), format!("package {name}\n")).unwrap();
        root
    };
    let app = package("app", "b");
    package("b", "c");
    package("c", "app");
    let cache = dir.path().join("cache");
    let fetch = tenet_in(&app, &[("TENET_CACHE", &cache)], &["fetch"]);
    fetch.assert_code(2);
    assert!(fetch.stderr.contains("dependency cycle: `app` → `b` → `c` → `app`"), "{}", fetch.stderr);
    assert!(!fetch.stderr.contains("declared twice"), "{}", fetch.stderr);
    assert!(!app.join("tenet.lock").exists(), "no lock file is written for a cycle");
}

#[test]
fn a_project_brings_its_dependencies_params_and_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let lib = dir.path().join("shared");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("tenet.toml"), "[package]\nname = \"shared\"\nversion = \"1.0.0\"\n").unwrap();
    std::fs::write(
        lib.join("shared.tenet"),
        "package shared\nuse std.model\n\n/// Longest notice.\nparam max_days: duration = 30d\n\n\
         obligation exit_deadline on Contract {\n  area: privacy\n  cite: \"Shared §1\"\n  must dpa.exit.deadline_days <= max_days\n}\n",
    )
    .unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("contracts")).unwrap();
    std::fs::write(
        app.join("tenet.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nshared = { path = \"../shared\" }\n\n\
         [params]\n\"shared.max_days\" = \"10d\"\n\"std.privacy.max_breach_notice\" = \"12h\"\n\n\
         [inputs]\n\"contracts/**/*.yaml\" = \"Contract\"\n",
    )
    .unwrap();
    std::fs::write(app.join("app.tenet"), "package app\nuse std.model\nuse shared\n").unwrap();
    std::fs::write(
        app.join("contracts/c.yaml"),
        "id: c\nvendor: { role: processor }\ndpa: { breach_notice_hours: 24, exit: { return_or_delete: true, deadline_days: 20 } }\n",
    )
    .unwrap();
    let fetch = tenet_in(&app, &[("TENET_CACHE", &cache)], &["fetch"]);
    fetch.assert_code(0);

    let run = tenet_in(
        &app,
        &[("TENET_CACHE", &cache)],
        &["eval", "--today", TODAY, "--format", "json", "--fail-on", "none"],
    );
    run.assert_code(0);
    let report = run.json();
    let found = findings(&report);
    // The dependency's obligation runs with the manifest's stricter value (20 > 10), and so
    // does the standard library's (24h > 12h); the document's kind comes from `[inputs]`.
    assert!(found.contains(&("shared.exit_deadline".into(), "violated".into())), "{found:?}");
    assert!(found.contains(&("std.privacy.breach_notice_deadline".into(), "violated".into())), "{found:?}");
    let overrides = report["overrides"].as_array().unwrap();
    assert!(
        overrides.iter().all(|o| o["defined_at"].as_str().is_some_and(|d| d.contains("tenet.toml:"))),
        "{overrides:?}"
    );

    // A bad value in `[params]` is reported at its place in `tenet.toml`.
    let manifest = std::fs::read_to_string(app.join("tenet.toml")).unwrap().replace("= \"10d\"", "= 10");
    std::fs::write(app.join("tenet.toml"), manifest).unwrap();
    let run = tenet_in(&app, &[("TENET_CACHE", &cache)], &["check"]);
    run.assert_code(3);
    assert!(
        run.stdout.contains("parameter `shared.max_days` is a `duration`, but this value is an `int`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("tenet.toml:9:"), "{}", run.stdout);
}

#[test]
fn params_are_checked_against_the_parameters_they_set_and_reported_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("tenet.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[params]\n\
         \"std.privacy.max_breach_notice\" = \"24h\"\n\
         \"std.privacy.max_exit_deadline\" = true\n\
         \"std.privacy.max_breach_notise\" = \"12h\"\n\
         \"std.privacy.allowed_retention_exceptions\" = \"{legal_obligation}\"\n",
    )
    .unwrap();
    std::fs::write(app.join("app.tenet"), "package app\n\noverride std.privacy.max_breach_notice = 36h\n").unwrap();
    let cache = dir.path().join("cache");
    let run = tenet_in(&app, &[("TENET_CACHE", &cache)], &["check", "--format", "json"]);
    run.assert_code(3);
    let report = run.json();
    assert_eq!(report["files"], 1, "{report}");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let at = |d: &serde_json::Value| {
        format!("{}:{}:{}", d["file"].as_str().unwrap().rsplit('/').next().unwrap(), d["line"], d["column"])
    };
    let found: Vec<(String, &str)> = diagnostics.iter().map(|d| (at(d), d["code"].as_str().unwrap())).collect();
    assert_eq!(
        found,
        [
            ("tenet.toml:6:1".to_string(), "tenet::E0802"),
            ("tenet.toml:7:35".to_string(), "tenet::E0301"),
            ("tenet.toml:8:1".to_string(), "tenet::E0801"),
        ],
        "{report}"
    );
    // Overridden twice: the manifest's entry, and the policy file's override, where it is.
    let twice = &diagnostics[0];
    assert_eq!(twice["message"], "parameter `std.privacy.max_breach_notice` is overridden twice", "{twice}");
    assert!(twice["help"].as_str().unwrap().contains("app.tenet:3:10`"), "{twice}");
    // A value of the wrong type, checked against the parameter's declared type.
    let wrong = &diagnostics[1];
    assert_eq!(
        wrong["message"], "parameter `std.privacy.max_exit_deadline` is a `duration`, but this value is a `bool`",
        "{wrong}"
    );
    // A parameter that does not exist, with the nearest one.
    let unknown = &diagnostics[2];
    assert_eq!(unknown["message"], "no parameter named `std.privacy.max_breach_notise`", "{unknown}");
    assert_eq!(unknown["help"], "did you mean `std.privacy.max_breach_notice`?", "{unknown}");

    // The human rendering shows each problem in `tenet.toml`.
    let run = tenet_in(&app, &[("TENET_CACHE", &cache)], &["check"]);
    run.assert_code(3);
    assert!(run.stdout.contains("tenet.toml:8:1"), "{}", run.stdout);
    assert!(run.stdout.contains("checked 1 policy file: 3 errors"), "{}", run.stdout);
}

#[test]
fn eval_writes_sarif_for_code_scanning() {
    let run = tenet(&[
        "eval",
        "--today",
        TODAY,
        "--format",
        "sarif",
        "--policy",
        "examples/policies",
        "examples/documents/contracts/pixelforge-creative.json",
    ]);
    run.assert_code(1);
    let log = run.json();
    assert_eq!(log["version"], "2.1.0");
    let sarif_run = &log["runs"][0];
    assert_eq!(sarif_run["tool"]["driver"]["name"], "tenet");
    let results = sarif_run["results"].as_array().unwrap();
    let rules: Vec<&str> =
        sarif_run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(results.iter().all(|r| rules.contains(&r["ruleId"].as_str().unwrap())), "{results:?}");
    // The missing transfer impact assessment is an error located at the value that failed.
    let transfer =
        results.iter().find(|r| r["ruleId"] == "std.privacy.transfer_impact_assessment").expect("the transfer finding");
    assert_eq!(transfer["level"], "error");
    let text = std::fs::read_to_string(root().join("examples/documents/contracts/pixelforge-creative.json")).unwrap();
    let line = transfer["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
    let shown = text.lines().nth(usize::try_from(line).unwrap() - 1).unwrap();
    assert!(shown.contains("tia_done") || shown.contains("mechanism") || shown.contains("\"to\""), "{shown}");
    // A waived finding is kept as a suppressed result with the waiver's justification.
    let waived = results.iter().find(|r| r["properties"]["status"] == "waived").expect("a waived finding");
    assert!(waived["suppressions"][0]["justification"].as_str().unwrap().contains("approved by"), "{waived}");
}

#[test]
fn test_writes_junit_for_ci() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.tenet");
    std::fs::write(
        &file,
        "package t\nuse std.model\nuse std.privacy\n\n\
         test \"late <notice> & \\\"quotes\\\"\" {\n  given Contract { vendor: { role: processor }, dpa: { breach_notice_hours: 96 } }\n  expect breach_notice_to_controller: satisfied\n}\n\n\
         test \"passes\" {\n  given Contract { vendor: { role: controller } }\n  expect breach_notice_to_controller: not_applicable\n}\n",
    )
    .unwrap();
    let run = tenet(&["test", &file.display().to_string(), "--format", "junit"]);
    run.assert_code(1);
    let xml = &run.stdout;
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{xml}");
    assert!(xml.contains("<testsuites name=\"tenet\" tests=\"2\" failures=\"1\" errors=\"0\">"), "{xml}");
    assert!(xml.contains("<testcase name=\"late &lt;notice&gt; &amp; &quot;quotes&quot;\""), "{xml}");
    assert!(xml.contains("expected satisfied, got violated"), "{xml}");
    assert!(xml.contains("<testcase name=\"passes\""), "{xml}");
    // Each test is classed by its file: the path of its location, without line and column.
    assert_eq!(xml.matches(&format!("classname=\"{}\"", file.display())).count(), 2, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
}
