#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]
//! The snapshot corpus under `tests/corpus/` at the workspace root, run through the real
//! `tenet` binary.
//!
//! - `tests/corpus/check/NNN-name.tenet` (or a directory `NNN-name/` of `.tenet` files): the
//!   output of `tenet check --color never PATH` is snapshotted as `NNN-name.snap`.
//! - `tests/corpus/eval/NN-name/` with `policy/`, `docs/` and an optional `args` file (extra
//!   arguments, one per line): `tenet eval` is run in human and JSON format and snapshotted as
//!   `NN-name.human.snap` and `NN-name.json.snap`.
//!
//! Cases run with `--no-std` (they declare their own models), except check cases whose name
//! contains `with-std` and eval cases that hold a `with-std` marker file.
//!
//! Adding a case is adding a file or directory, then
//! `INSTA_UPDATE=always cargo test -p tenet-cli --test corpus` and reading the new snapshots.
//! A case without a snapshot fails (run with `INSTA_UPDATE=no` in CI), and so does a snapshot
//! whose case was removed.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The date every eval case runs at.
const TODAY: &str = "2026-11-28";

fn workspace_root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).canonicalize().expect("workspace root")
}

fn corpus_dir(part: &str) -> PathBuf {
    workspace_root().join("tests/corpus").join(part)
}

fn snapshot_dir(part: &str) -> PathBuf {
    corpus_dir(part).join("snapshots")
}

/// Runs `tenet` from the workspace root; returns exit status, stdout and stderr rendered
/// together, and stdout on its own.
fn run_tenet(args: &[String]) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(workspace_root())
        .env_remove("NO_COLOR")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run tenet");
    let code = match output.status.code() {
        Some(code) => code.to_string(),
        None => "killed by a signal".to_owned(),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    (redact_run(&redact(&format!("exit: {code}\n{stdout}{stderr}"))), stdout.into_owned())
}

/// The report `--explain all` gave, as the default (`--explain failing`) should give it:
/// satisfied and not-applicable findings without evidence or explanation.
fn explained_only_when_failing(mut report: serde_json::Value) -> serde_json::Value {
    let documents = report.get_mut("documents").and_then(|d| d.as_array_mut()).expect("documents");
    for finding in documents.iter_mut().flat_map(|d| d["findings"].as_array_mut().expect("findings").iter_mut()) {
        if matches!(finding["status"].as_str(), Some("satisfied" | "not_applicable")) {
            finding["evidence"] = serde_json::json!([]);
            finding["explanation"] = serde_json::json!([]);
        }
    }
    report
}

/// Removes what changes from run to run: the thread id in a Rust runtime abort message
/// (`thread 'main' (12345) has overflowed its stack`).
fn redact(text: &str) -> String {
    const MARKER: &str = "thread 'main' (";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        let after = &rest[at + MARKER.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&rest[..at + MARKER.len()]);
        if digits > 0 && after[digits..].starts_with(')') {
            out.push_str("ID");
            rest = &after[digits..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The JSON report's run id and Tenet version, which change between runs and releases.
fn redact_run(text: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            if trimmed.starts_with("\"run_id\": ") {
                format!("{indent}\"run_id\": \"RUN-ID\",")
            } else if trimmed.starts_with("\"tenet_version\": ") {
                format!("{indent}\"tenet_version\": \"VERSION\",")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// Runs one snapshot assertion, recording its name in `failed` instead of stopping the run,
/// so one run lists every case whose output changed.
fn check_snapshot(failed: &mut Vec<String>, name: &str, assertion: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(assertion)).is_err() {
        failed.push(name.to_owned());
    }
}

/// Entries of a corpus directory, sorted, without the snapshot folder and hidden files.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            let name = file_name(path);
            name != "snapshots" && !name.starts_with('.')
        })
        .collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The path of `path` relative to the workspace root, with `/` separators.
fn relative(path: &Path) -> String {
    let relative = path.strip_prefix(workspace_root()).expect("corpus inside the workspace");
    relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// The check cases: `.tenet` files and directories, each with its snapshot name.
fn check_cases() -> Vec<(String, PathBuf)> {
    entries(&corpus_dir("check"))
        .into_iter()
        .filter_map(|path| {
            let name = file_name(&path);
            if path.is_dir() {
                Some((name, path))
            } else {
                name.strip_suffix(".tenet").map(|stem| (stem.to_owned(), path.clone()))
            }
        })
        .collect()
}

/// The eval cases: every directory under `tests/corpus/eval`.
fn eval_cases() -> Vec<(String, PathBuf)> {
    entries(&corpus_dir("eval")).into_iter().filter(|path| path.is_dir()).map(|path| (file_name(&path), path)).collect()
}

#[test]
fn check_corpus() {
    let cases = check_cases();
    assert!(cases.len() >= 45, "the check corpus has only {} cases", cases.len());
    let mut failed = Vec::new();
    for (name, path) in cases {
        let mut args = vec!["check".to_owned(), "--color".to_owned(), "never".to_owned()];
        // Cases are self-contained unless their name says they use the standard library.
        if !name.contains("with-std") {
            args.push("--no-std".to_owned());
        }
        args.push(relative(&path));
        let (rendered, _) = run_tenet(&args);
        check_snapshot(&mut failed, &name, || {
            insta::with_settings!({
                snapshot_path => snapshot_dir("check"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("tenet {}", args.join(" ")),
            }, {
                insta::assert_snapshot!(name.as_str(), rendered);
            });
        });
    }
    assert!(failed.is_empty(), "check snapshots that do not match: {}", failed.join(", "));
}

#[test]
fn eval_corpus() {
    let cases = eval_cases();
    assert!(cases.len() >= 22, "the eval corpus has only {} cases", cases.len());
    let mut failed = Vec::new();
    for (name, dir) in cases {
        let policy = dir.join("policy");
        let docs = dir.join("docs");
        assert!(policy.is_dir() && docs.is_dir(), "{name}: needs policy/ and docs/");
        let extra: Vec<String> = match std::fs::read_to_string(dir.join("args")) {
            Ok(text) => text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect(),
            Err(_) => Vec::new(),
        };
        for format in ["human", "json"] {
            let mut args: Vec<String> = ["eval", "--color", "never", "--today", TODAY, "--policy"]
                .iter()
                .map(|arg| (*arg).to_owned())
                .collect();
            args.push(relative(&policy));
            // Cases are self-contained unless they hold a `with-std` marker file.
            if !dir.join("with-std").exists() {
                args.push("--no-std".to_owned());
            }
            if format == "json" {
                // The snapshots show every finding's explanation; by default only failing
                // findings carry one (checked against these below).
                args.extend(["--format", "json", "--explain", "all"].map(str::to_owned));
            }
            args.extend(extra.iter().cloned());
            args.push(relative(&docs));
            let (rendered, stdout) = run_tenet(&args);
            if format == "json" {
                let all: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
                    panic!("{name}: `--format json` did not print one JSON value on stdout:\n{rendered}")
                });
                let default_args: Vec<String> =
                    args.iter().filter(|a| *a != "--explain" && *a != "all").cloned().collect();
                let (_, default_stdout) = run_tenet(&default_args);
                let failing: serde_json::Value = serde_json::from_str(&default_stdout).expect("JSON by default");
                // Two runs: their run ids differ.
                let without_run_id = |mut report: serde_json::Value| {
                    report["run"]["run_id"] = serde_json::Value::Null;
                    report
                };
                assert_eq!(
                    without_run_id(explained_only_when_failing(all)),
                    without_run_id(failing),
                    "{name}: default explanations"
                );
            }
            let snapshot = format!("{name}.{format}");
            check_snapshot(&mut failed, &snapshot, || {
                insta::with_settings!({
                    snapshot_path => snapshot_dir("eval"),
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                    description => format!("tenet {}", args.join(" ")),
                }, {
                    insta::assert_snapshot!(snapshot.as_str(), rendered);
                });
            });
        }
    }
    assert!(failed.is_empty(), "eval snapshots that do not match: {}", failed.join(", "));
}

/// A snapshot whose corpus case is gone is stale: it would never be checked again.
#[test]
fn no_stale_snapshots() {
    let mut stale = Vec::new();
    let check: BTreeSet<String> = check_cases().into_iter().map(|(name, _)| format!("{name}.snap")).collect();
    let eval: BTreeSet<String> = eval_cases()
        .into_iter()
        .flat_map(|(name, _)| [format!("{name}.human.snap"), format!("{name}.json.snap")])
        .collect();
    for (part, expected) in [("check", check), ("eval", eval)] {
        let Ok(read) = std::fs::read_dir(snapshot_dir(part)) else { continue };
        for entry in read {
            let name = file_name(&entry.expect("snapshot entry").path());
            let pending = name.ends_with(".snap.new") || name.ends_with(".pending-snap");
            if !pending && !expected.contains(&name) {
                stale.push(format!("tests/corpus/{part}/snapshots/{name}"));
            }
        }
    }
    assert!(stale.is_empty(), "snapshots without a corpus case (delete them):\n{}", stale.join("\n"));
}
