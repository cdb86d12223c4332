//! End-to-end tests of `tenet eval` at volume: NDJSON in and out, output in input order
//! whatever the number of threads, streamed JSON identical in shape to the whole report, and
//! totals that add up across runs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

use serde_json::Value;
use std::path::Path;
use support::{tenet, tenet_with_stdin};

const TODAY: &str = "2026-11-28";

/// `n` generated documents (contracts and AI systems) as NDJSON text.
fn generated(n: usize, seed: u64) -> String {
    tenet_gen::documents(tenet_gen::Kind::Mixed, seed).take(n).map(|d| format!("{d}\n")).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn eval(args: &[&str]) -> support::Run {
    let mut all = vec!["eval", "--color", "never", "--today", TODAY, "--fail-on", "none"];
    all.extend_from_slice(args);
    tenet(&all)
}

#[test]
fn output_is_in_input_order_and_identical_for_one_or_two_jobs() {
    let dir = tempfile::tempdir().unwrap();
    // More documents than one window of two jobs (2 × 256), so windows follow each other.
    let docs = write(dir.path(), "docs.ndjson", &generated(700, 3));
    for format in ["human", "json", "ndjson"] {
        let one = eval(&["--format", format, "--jobs", "1", &docs]);
        one.assert_code(0);
        let two = eval(&["--format", format, "--jobs", "2", &docs]);
        two.assert_code(0);
        // Every run has its own run id (a line of the JSON report, a field of each NDJSON
        // line); the rest is identical.
        fn same(out: &str) -> Vec<String> {
            const FIELD: &str = "\"run_id\":\"";
            out.lines()
                .filter(|l| !l.trim_start().starts_with("\"run_id\": "))
                .map(|l| match l.find(FIELD) {
                    Some(i) => format!("{}{}", &l[..i], &l[i + FIELD.len() + 32..]),
                    None => l.to_string(),
                })
                .collect()
        }
        assert!(same(&one.stdout) == same(&two.stdout), "{format}: one job and two jobs differ");
    }
    let ndjson = eval(&["--format", "ndjson", &docs]);
    let ids: Vec<String> = ndjson
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = tenet_gen::documents(tenet_gen::Kind::Mixed, 3)
        .take(700)
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn ndjson_output_has_the_fields_of_the_json_report_documents() {
    let dir = tempfile::tempdir().unwrap();
    let docs = write(dir.path(), "docs.jsonl", &generated(40, 5));
    let json = eval(&["--format", "json", &docs]).json();
    let lines = eval(&["--format", "ndjson", &docs]);
    lines.assert_code(0);
    let mut streamed: Vec<Value> = lines.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Each line also carries the run record: the JSON report's, but for the inputs' digests
    // (and the run id: these are two runs).
    let runs: Vec<Value> = streamed.iter_mut().map(|l| l.as_object_mut().unwrap().remove("run").unwrap()).collect();
    assert_eq!(Value::Array(streamed), json["documents"]);
    let run_id = &runs[0]["run_id"];
    assert_eq!(run_id.as_str().unwrap().len(), 32);
    for run in &runs {
        assert_eq!(&run["run_id"], run_id, "one run id for the whole run");
        for field in ["tenet_version", "today", "policy_digest"] {
            assert_eq!(run[field], json["run"][field], "{field}");
        }
        assert_eq!(run.as_object().unwrap().len(), 4, "{run}");
    }
    assert_eq!(json["summary"]["documents"], 40);
}

#[test]
fn a_bad_ndjson_line_is_located_and_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = generated(3, 7);
    text.push_str("{\"kind\": \"Contract\", \"id\": \"broken\",\n\n");
    text.push_str(&generated(2, 8));
    let docs = write(dir.path(), "docs.ndjson", &text);
    let run = eval(&["--format", "json", &docs]);
    run.assert_code(2);
    let json = run.json();
    let documents = json["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 6, "five good lines and the broken one");
    let broken = &documents[3];
    assert_eq!(broken["evaluated"], false);
    assert_eq!(broken["problems"][0]["line"], 4, "the error names the file's line");
    assert!(documents[4]["evaluated"].as_bool().unwrap() && documents[5]["evaluated"].as_bool().unwrap());
    // Locations inside a later line are the file's lines too.
    let later = documents[5]["findings"].as_array().unwrap();
    let lines: Vec<u64> =
        later.iter().flat_map(|f| f["evidence"].as_array().unwrap()).filter_map(|e| e["line"].as_u64()).collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| *l == 7), "evidence on line 7: {lines:?}");
    let human = eval(&[&docs]);
    assert!(human.stdout.contains(&format!("{docs}:4:")), "human output names file:line:\n{}", human.stdout);
}

#[test]
fn stdin_is_read_as_ndjson_when_asked() {
    let text = generated(20, 9);
    let run = tenet_with_stdin(
        &["eval", "--today", TODAY, "--fail-on", "none", "--format", "ndjson", "--input-format", "ndjson", "-"],
        Some(text.into_bytes()),
    );
    run.assert_code(0);
    assert_eq!(run.stdout.lines().count(), 20);
    let first: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["source"], "<stdin>");
}

#[test]
fn the_summary_of_a_run_is_the_sum_of_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    let all = generated(300, 11);
    let lines: Vec<&str> = all.lines().collect();
    let whole = write(dir.path(), "all.ndjson", &all);
    let a = write(dir.path(), "a.ndjson", &(lines[..170].join("\n") + "\n"));
    let b = write(dir.path(), "b.ndjson", &(lines[170..].join("\n") + "\n"));
    let summary = |path: &str| eval(&["--format", "json", path]).json()["summary"].clone();
    let (s, sa, sb) = (summary(&whole), summary(&a), summary(&b));
    for key in ["documents", "documents_with_errors"] {
        assert_eq!(s[key].as_u64().unwrap(), sa[key].as_u64().unwrap() + sb[key].as_u64().unwrap(), "{key}");
    }
    for group in ["by_status", "violated_by_area", "violated_by_severity"] {
        for (name, n) in s[group].as_object().unwrap() {
            let parts = sa[group][name].as_u64().unwrap_or(0) + sb[group][name].as_u64().unwrap_or(0);
            assert_eq!(n.as_u64().unwrap(), parts, "{group}.{name}");
        }
    }
}

#[test]
fn failing_findings_are_explained_by_default_and_all_with_explain_all() {
    let dir = tempfile::tempdir().unwrap();
    let docs = write(dir.path(), "docs.ndjson", &generated(30, 13));
    let failing = eval(&["--format", "json", &docs]).json();
    let all = eval(&["--format", "json", "--explain", "all", &docs]).json();
    let mut explained_satisfied = 0;
    for (doc_f, doc_a) in failing["documents"].as_array().unwrap().iter().zip(all["documents"].as_array().unwrap()) {
        for (f, a) in doc_f["findings"].as_array().unwrap().iter().zip(doc_a["findings"].as_array().unwrap()) {
            assert_eq!(f["status"], a["status"]);
            assert_eq!(f["message"], a["message"]);
            match f["status"].as_str().unwrap() {
                "satisfied" | "not_applicable" => {
                    assert!(f["explanation"].as_array().unwrap().is_empty());
                    explained_satisfied += usize::from(!a["explanation"].as_array().unwrap().is_empty());
                }
                _ => assert_eq!(f, a, "failing findings are explained the same either way"),
            }
        }
    }
    assert!(explained_satisfied > 0, "--explain all explains satisfied findings");
}

#[test]
fn closed_output_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let docs = write(dir.path(), "docs.ndjson", &generated(2000, 17));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["eval", "--today", TODAY, "--fail-on", "none", "--format", "ndjson", &docs])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, as `| head -c 100` would.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.code().is_some(), "killed by a signal");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `tenet eval … > /dev/null` with stderr on a pseudo-terminal (util-linux `script`),
/// returning what the terminal showed.
fn on_a_terminal(args: &str) -> String {
    let command = format!("{} eval --today {TODAY} --fail-on none {args} > /dev/null", env!("CARGO_BIN_EXE_tenet"));
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_long_run_on_a_terminal_shows_progress_and_a_quiet_or_piped_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    // Enough documents for the run to outlast the bar's one-second delay in a debug build.
    let docs = write(dir.path(), "docs.ndjson", &generated(20_000, 19));
    let shown = on_a_terminal(&format!("--format ndjson --jobs 1 {docs}"));
    assert!(shown.contains("documents") && shown.contains("violated"), "no progress bar:\n{shown}");
    let quiet = on_a_terminal(&format!("--format ndjson --jobs 1 --quiet {docs}"));
    assert!(quiet.trim().is_empty(), "--quiet still drew:\n{quiet}");
    let piped = eval(&["--format", "ndjson", &docs]);
    assert!(piped.stderr.is_empty(), "a bar on a pipe:\n{}", piped.stderr);
}
