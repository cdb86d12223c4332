//! Gates a pipeline can trust, each from a fresh project made by `tenet new`: strict runs,
//! undetermined findings, baselines and ambiguous kinds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-28";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn exits(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }
}

/// A project made by `tenet new` in a scratch directory.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("acme");
        let made = tenet(dir.path(), &["new", "acme"]).exits(0);
        assert!(made.stdout.contains("created package `acme`"), "{}", made.stdout);
        Project { _dir: dir, root }
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn eval(&self, args: &[&str]) -> Run {
        tenet(&self.root, &[&["eval", "--today", TODAY][..], args].concat())
    }
}

fn tenet(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["--color", "never"])
        .args(args)
        .current_dir(cwd)
        .env("TENET_CACHE", cwd.join(".cache"))
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A processor whose DPA promises breach notice in 100 hours: the new project's own
/// `breach_notice` (48 hours) and the standard library's `breach_notice_to_controller` (72
/// hours), both high, are violated.
const SLOW: &str =
    "kind: Contract\nid: slow\nvendor:\n  name: Slow Ltd\n  role: processor\ndpa:\n  breach_notice_hours: 100\n";

#[test]
fn a_fresh_project_is_strict_so_a_misspelt_field_fails_the_gate() {
    let project = Project::new();
    project.eval(&[]).exits(0);
    project.write("documents/typo.yaml", "kind: Contract\nid: typo\ndpa:\n  breach_notise_hours: 24\n");
    let run = project.eval(&[]).exits(2);
    assert!(run.stdout.contains("E0707"), "{}", run.stdout);
    assert!(run.stdout.contains("`Dpa` has no field `breach_notise_hours`"), "{}", run.stdout);
    assert!(run.stdout.contains("did you mean `breach_notice_hours`?"), "{}", run.stdout);
    // Without `strict`, the same document is evaluated and only warned about.
    project.write(
        "tenet.toml",
        "[package]\nname = \"acme\"\nversion = \"0.1.0\"\n\n[inputs]\n\"documents/**/*.yaml\" = \"Contract\"\n",
    );
    let run = project.eval(&[]).exits(0);
    assert!(run.stdout.contains("W0704"), "{}", run.stdout);
    // `--strict` asks for it on the command line.
    project.eval(&["--strict"]).exits(2);
}

#[test]
fn a_field_written_one_level_off_says_where_it_belongs() {
    let project = Project::new();
    project.write("documents/example.yaml", "kind: Contract\nid: x\ndpa: {}\nbreach_notice_hours: 24\n");
    let run = project.eval(&[]).exits(2);
    assert!(run.stdout.contains("`breach_notice_hours` is a field of `dpa`: indent it under `dpa:`"), "{}", run.stdout);
    project.write("documents/example.yaml", "kind: Contract\nid: x\ndpa:\n  breach_notice_hours: 24\n  dpa: {}\n");
    let run = project.eval(&[]).exits(2);
    assert!(
        run.stdout.contains("`dpa` is a field of the enclosing `Contract`: it may be indented too far"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_undetermined_critical_finding_fails_the_gate_configured_for_it() {
    let project = Project::new();
    // The example contract leaves critical obligations (transfers, special categories)
    // undetermined: by default that does not fail the run.
    project.eval(&[]).exits(0);
    let run = project.eval(&["--fail-on-undetermined", "critical"]).exits(1);
    assert!(run.stdout.contains("undetermined [critical]"), "{}", run.stdout);
    // The same from the project's `[gate]`; the command line still wins.
    let manifest = std::fs::read_to_string(project.root.join("tenet.toml")).unwrap();
    project.write(
        "tenet.toml",
        &manifest.replace("# fail_on_undetermined = \"high\"", "fail_on_undetermined = \"critical\""),
    );
    project.eval(&[]).exits(1);
    project.eval(&["--fail-on-undetermined", "none"]).exits(0);
    // A level that is not a severity is a clear error, with its place in the manifest.
    project.write("tenet.toml", &manifest.replace("fail_on = \"high\"", "fail_on = \"severe\""));
    let run = project.eval(&[]).exits(2);
    assert!(run.stderr.contains("`severe` is not a severity"), "{}", run.stderr);
    assert!(run.stderr.contains("tenet.toml:"), "{}", run.stderr);
}

#[test]
fn a_baseline_is_adopted_then_a_new_finding_fails_and_a_fixed_one_is_reported() {
    let project = Project::new();
    project.write("documents/slow.yaml", SLOW);
    project.eval(&[]).exits(1);
    let run = project.eval(&["--write-baseline", "baseline.json"]).exits(0);
    assert!(run.stdout.contains("baseline written to baseline.json: 2 findings"), "{}", run.stdout);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(project.root.join("baseline.json")).unwrap()).unwrap();
    let recorded: Vec<(&str, &str)> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["obligation"].as_str().unwrap(), f["document"].as_str().unwrap()))
        .collect();
    assert_eq!(recorded, [("std.privacy.breach_notice_to_controller", "id:slow"), ("acme.breach_notice", "id:slow")]);
    // Known findings no longer fail the run, even after edits elsewhere in the document.
    project.write("documents/slow.yaml", &format!("# moved down\n\n{SLOW}"));
    let run = project.eval(&["--baseline", "baseline.json"]).exits(0);
    assert!(run.stdout.contains("2 known findings not counted against the gate"), "{}", run.stdout);
    // A new vendor with the same problem fails.
    project.write("documents/slower.yaml", &SLOW.replace("id: slow", "id: slower"));
    project.eval(&["--baseline", "baseline.json"]).exits(1);
    // Fixing the first is reported, so the baseline can shrink.
    std::fs::remove_file(project.root.join("documents/slower.yaml")).unwrap();
    project.write("documents/slow.yaml", &SLOW.replace("100", "24"));
    let run = project.eval(&["--baseline", "baseline.json", "--format", "json"]).exits(0);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["baseline"]["known"], 0);
    assert_eq!(report["baseline"]["fixed"][0]["document"], "id:slow");
    let run = project.eval(&["--baseline", "baseline.json"]).exits(0);
    assert!(run.stdout.contains("2 findings in the baseline no longer found"), "{}", run.stdout);
    // A baseline that is not one is a clear error.
    project.write("broken.json", "{\"findings\": 3}");
    let run = project.eval(&["--baseline", "broken.json"]).exits(2);
    assert!(run.stderr.contains("`broken.json` is not a Tenet baseline"), "{}", run.stderr);
}

#[test]
fn a_kind_two_schemas_answer_to_is_an_error_naming_both() {
    let project = Project::new();
    project.write(
        "policies/main.tenet",
        "package acme\n\nuse std.model\n\n/// Our own contract record.\nschema Contract {\n  id: string?,\n}\n\n\
         /// Every contract has an id.\nobligation has_id on Contract {\n  area: accountability\n  severity: low\n  \
         cite: \"Procurement rule 1\"\n  must id is present\n  because \"Every contract has an id.\"\n}\n",
    );
    let run = project.eval(&["--fail-on", "none"]).exits(2);
    assert!(run.stdout.contains("E0708"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("the kind `Contract` is ambiguous: `acme.Contract` and `std.model.Contract` all answer to it"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("kind: acme.Contract"), "{}", run.stdout);
    // Naming the kind in full resolves it.
    project.write("documents/example.yaml", "kind: acme.Contract\nid: example-vendor\n");
    project.eval(&["--fail-on", "none"]).exits(0);
}

#[test]
fn a_document_whose_kind_disagrees_with_the_projects_inputs_is_an_error() {
    let project = Project::new();
    project.write("documents/system.yaml", "kind: AiSystem\nid: screener\n");
    let run = project.eval(&["--fail-on", "none"]).exits(2);
    assert!(run.stdout.contains("E0709"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("the document says it is an `AiSystem`, but the project's `[inputs]` make its files `Contract`"),
        "{}",
        run.stdout
    );
    // The other document is still evaluated, and a qualified kind that agrees is accepted.
    assert!(run.stdout.contains("Contract `example-vendor`"), "{}", run.stdout);
    project.write("documents/system.yaml", "kind: std.model.Contract\nid: screener\n");
    project.eval(&["--fail-on", "none"]).exits(0);
}

#[test]
fn eval_of_a_project_directory_evaluates_only_the_documents() {
    let project = Project::new();
    project.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    project.write("package.json", "{\"name\": \"acme\"}\n");
    project.write("notes/meeting.yaml", "agenda: [budget]\n");
    project.write(".gitignore", "build/\n");
    project.write("build/copy.yaml", "kind: Contract\nid: stale-copy\n");
    project.write("drafts/next.yaml", "kind: Contract\nid: draft\n");
    let run = project.eval(&["--fail-on", "none", "."]).exits(0);
    assert!(run.stdout.contains("Contract `example-vendor`"), "{}", run.stdout);
    assert!(run.stdout.contains("Contract `draft`"), "{}", run.stdout);
    assert!(!run.stdout.contains("stale-copy"), "a .gitignore'd file is not searched\n{}", run.stdout);
    assert!(!run.stdout.contains("ci.yml") && !run.stdout.contains("tenet.toml"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "skipped 2 files found in directories with no `kind:` (not documents): ./notes/meeting.yaml, ./package.json"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Summary (2026-11-28): 2 documents"), "{}", run.stdout);
    // `--exclude-path` leaves out more; a file named explicitly is still an error without a kind.
    let run = project.eval(&["--fail-on", "none", "--exclude-path", "drafts/**", "."]).exits(0);
    assert!(!run.stdout.contains("`draft`"), "{}", run.stdout);
    let run = project.eval(&["--fail-on", "none", "package.json"]).exits(2);
    assert!(run.stdout.contains("E0705"), "{}", run.stdout);
    let run = project.eval(&["--exclude-path", "[", "."]).exits(2);
    assert!(run.stdout.contains("`[` is not a glob"), "{}", run.stdout);
}

const BLANKET_WAIVER: &str = "package acme.waivers\n\nuse std.privacy\n\n\
waiver international_transfers where true {\n  reason: \"Everything is fine.\"\n  approved_by: \"Nobody\"\n  until: 2099-12-31\n}\n";

#[test]
fn a_blanket_waiver_is_warned_and_the_projects_waiver_rules_refuse_it() {
    let project = Project::new();
    project.write("policies/waivers.tenet", BLANKET_WAIVER);
    let run = tenet(&project.root, &["check"]).exits(0);
    assert!(run.stdout.contains("W0604"), "{}", run.stdout);
    assert!(
        run.stdout.contains("this waiver of `international_transfers` (critical) covers every document"),
        "{}",
        run.stdout
    );
    // Without rules, the waiver applies and is listed with its approver and expiry.
    let run = project.eval(&["--fail-on", "none"]).exits(0);
    assert!(
        run.stdout
            .contains("waiver applied for std.privacy.international_transfers (approved by Nobody, until 2099-12-31)"),
        "{}",
        run.stdout
    );
    // A longest waiver of 180 days refuses it; so does a project that waives no critical obligation.
    let manifest = std::fs::read_to_string(project.root.join("tenet.toml")).unwrap();
    project.write("tenet.toml", &format!("{manifest}\n[waivers]\nmax_days = 180\n"));
    let run = project.eval(&["--fail-on", "none"]).exits(3);
    assert!(run.stdout.contains("E0605"), "{}", run.stdout);
    assert!(run.stdout.contains("lasts until 2099-12-31, more than 180 days"), "{}", run.stdout);
    assert!(run.stdout.contains("waivers.tenet:5:1"), "{}", run.stdout);
    project.write("tenet.toml", &format!("{manifest}\n[waivers]\nallow_critical = false\n"));
    let run = project.eval(&["--fail-on", "none"]).exits(3);
    assert!(run.stdout.contains("E0606"), "{}", run.stdout);
    project.write("tenet.toml", &format!("{manifest}\n[waivers]\nmax_days = 0\n"));
    let run = project.eval(&[]).exits(2);
    assert!(run.stderr.contains("`max_days` must be a whole number of days above 0"), "{}", run.stderr);
}

#[test]
fn a_selection_that_selects_nothing_is_a_usage_error_and_left_out_waivers_are_not_unused() {
    let project = Project::new();
    let run = project.eval(&["--only", "nothing_here"]).exits(2);
    assert!(run.stderr.contains("warning: `nothing_here` matches no obligation"), "{}", run.stderr);
    assert!(run.stderr.contains("select none of the"), "{}", run.stderr);
    project.eval(&["--area", "bias", "--only", "std.privacy.*"]).exits(2);
    // A waiver of an obligation the selection leaves out is not reported as unused.
    project.write(
        "policies/waivers.tenet",
        "package acme.waivers\n\nuse std.privacy\n\nwaiver audit_rights where id == \"nobody\" {\n  reason: \"r\"\n  approved_by: \"a\"\n  until: 2027-01-31\n}\n",
    );
    let run = project.eval(&["--fail-on", "none"]).exits(0);
    assert!(run.stdout.contains("waiver unused for std.privacy.audit_rights"), "{}", run.stdout);
    let run = project.eval(&["--fail-on", "none", "--area", "bias"]).exits(0);
    assert!(!run.stdout.contains("waiver unused"), "{}", run.stdout);
}
