//! The hostile corpus (`tests/hostile/`, see its README): inputs crafted to crash, hang or
//! exhaust `tenet`. Each case is written at test time (nothing of megabytes is committed), run
//! beside an ordinary document, and must end in a clear error (a code, the file, and a line and
//! column where there is one) while the ordinary document is still evaluated. A watchdog kills a
//! run after a generous minute: it catches a hang, it is not a performance threshold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

#[path = "../../tenet-pkg/tests/support/raw_archive.rs"]
mod raw_archive;
mod support;

use raw_archive::raw_archive;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Run, root};

/// Long enough for the slowest machine to finish any case; only a hang reaches it.
const WATCHDOG: Duration = Duration::from_secs(60);

/// The corpus directory.
fn corpus() -> PathBuf {
    root().join("tests/hostile")
}

/// Runs `tenet ARGS` in `dir`, killed by the watchdog if it runs too long.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tenet");
    let pid = child.id();
    let started = Instant::now();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(WATCHDOG).is_err() {
            // Still running: kill this child (by its own id) so the test reports the hang.
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    });
    let output = child.wait_with_output().expect("wait for tenet");
    let _ = done.send(());
    watchdog.join().unwrap();
    assert!(started.elapsed() < WATCHDOG, "`tenet {}` hung and was killed after {WATCHDOG:?}", args.join(" "));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A scratch directory holding the corpus's policy and ordinary document.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(corpus().join("good.yaml"), dir.path().join("good.yaml")).unwrap();
    dir
}

/// `tenet eval` of `inputs` then `good.yaml`, in `dir`, as JSON.
fn eval_json(dir: &Path, inputs: &[&str]) -> (Run, Value) {
    let policy = corpus().join("policy");
    let policy = policy.to_str().unwrap();
    let mut args = vec!["eval", "--policy", policy, "--no-std", "--today", "2026-11-30", "--format", "json"];
    args.extend_from_slice(inputs);
    args.push("good.yaml");
    let run = run_in(dir, &args);
    run.assert_no_crash();
    let json = run.json();
    assert_good_evaluated(&json);
    (run, json)
}

/// `tenet eval` of `inputs` then `good.yaml`, in `dir`, in the human format.
fn eval_human(dir: &Path, inputs: &[&str]) -> Run {
    let policy = corpus().join("policy");
    let policy = policy.to_str().unwrap();
    let mut args = vec!["eval", "--policy", policy, "--no-std", "--today", "2026-11-30"];
    args.extend_from_slice(inputs);
    args.push("good.yaml");
    let run = run_in(dir, &args);
    run.assert_no_crash();
    assert!(
        run.stdout.contains("✗ good.yaml · Item `good` · 1 violated"),
        "the ordinary document was not evaluated:\n{}",
        support::tail(&run.stdout)
    );
    run
}

/// The ordinary document was evaluated, with its one violation.
#[track_caller]
fn assert_good_evaluated(json: &Value) {
    let good = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["source"] == "good.yaml")
        .unwrap_or_else(|| panic!("good.yaml is not in the report"));
    assert_eq!(good["evaluated"], true, "{good:#}");
    let small = good["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == "hostile.small").unwrap();
    assert_eq!(small["status"], "violated");
}

/// The problems reported for `source`: the input errors and the document diagnostics, each as
/// `code path:line:column message`.
fn problems(json: &Value, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for doc in json["documents"].as_array().unwrap().iter().filter(|d| d["source"] == source) {
        for p in doc["problems"].as_array().into_iter().flatten() {
            out.push(format!(
                "{} {}:{}:{} {}",
                p["code"].as_str().unwrap_or("?"),
                source,
                p["line"],
                p["column"],
                p["message"].as_str().unwrap_or("?")
            ));
        }
    }
    out
}

/// The documents reported for `source`.
fn documents<'a>(json: &'a Value, source: &str) -> Vec<&'a Value> {
    json["documents"].as_array().unwrap().iter().filter(|d| d["source"] == source).collect()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = scratch();
    let mut text = String::from("kind: Item\nid: huge\ntags:\n");
    while text.len() <= 16 * 1024 * 1024 {
        text.push_str("  - aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    }
    write(dir.path(), "huge.yaml", &text);
    let (_, json) = eval_json(dir.path(), &["huge.yaml"]);
    let found = problems(&json, "huge.yaml");
    assert!(
        found.iter().any(|p| p.contains("tenet::input::too_large") && p.contains("over the limit of 16777216 bytes")),
        "{found:?}"
    );
}

#[test]
fn deep_nesting_is_an_error_at_the_bracket_that_passes_the_limit() {
    let dir = scratch();
    write(
        dir.path(),
        "deep.json",
        format!("{{\"kind\":\"Item\",\"xs\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(dir.path(), "deep.yaml", format!("kind: Item\nxs: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)));
    let mut block = String::from("kind: Item\n");
    for depth in 0..300 {
        block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
    }
    write(dir.path(), "deep-block.yaml", block);
    let (_, json) = eval_json(dir.path(), &["deep.json", "deep.yaml", "deep-block.yaml"]);
    assert_eq!(
        problems(&json, "deep.json"),
        ["tenet::input::too_deep deep.json:1:148 document nests deeper than 128 levels"]
    );
    assert_eq!(
        problems(&json, "deep.yaml"),
        ["tenet::input::too_deep deep.yaml:2:132 document nests deeper than 128 levels"]
    );
    assert_eq!(
        problems(&json, "deep-block.yaml"),
        ["tenet::input::too_deep deep-block.yaml:130:257 document nests deeper than 128 levels"]
    );
}

#[test]
fn invalid_utf8_names_the_first_bad_byte() {
    let dir = scratch();
    write(dir.path(), "latin1.yaml", b"kind: Item\nid: \"caf\xe9\"\n");
    let (_, json) = eval_json(dir.path(), &["latin1.yaml"]);
    assert_eq!(
        problems(&json, "latin1.yaml"),
        ["tenet::input::utf8 latin1.yaml:2:9 `latin1.yaml` is not valid utf-8: invalid byte at 2:9"]
    );
}

#[test]
fn billion_laughs_is_refused_at_the_first_alias() {
    let dir = scratch();
    let mut text =
        String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("kind: Item\nid: laughs\n");
    write(dir.path(), "laughs.yaml", text);
    let (_, json) = eval_json(dir.path(), &["laughs.yaml"]);
    assert_eq!(
        problems(&json, "laughs.yaml"),
        ["tenet::input::syntax laughs.yaml:2:10 yaml aliases are not supported"]
    );
}

#[test]
fn a_stream_broken_midway_keeps_the_documents_before_and_says_where_it_broke() {
    let dir = scratch();
    write(
        dir.path(),
        "midway.yaml",
        "kind: Item\nid: first\nn: 1\n---\nkind: Item\nid: [second\nn: 2\n---\nkind: Item\nid: third\nn: 3\n",
    );
    let (_, json) = eval_json(dir.path(), &["midway.yaml"]);
    let docs = documents(&json, "midway.yaml");
    assert_eq!(docs.len(), 2, "{docs:#?}");
    assert_eq!(docs[0]["id"], "first");
    assert_eq!(docs[0]["evaluated"], true);
    let found = problems(&json, "midway.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("tenet::input::syntax midway.yaml:7:"), "{found:?}");
    assert!(found[0].contains("the documents after it in the stream are not read"), "{found:?}");
}

#[test]
fn an_empty_document_is_reported_not_skipped() {
    let dir = scratch();
    write(dir.path(), "empty-doc.yaml", "kind: Item\nid: a\nn: 1\n---\n---\nkind: Item\nid: c\nn: 3\n");
    write(dir.path(), "empty-file.yaml", "");
    write(dir.path(), "comments-only.yaml", "# nothing but a comment\n");
    let (_, json) = eval_json(dir.path(), &["empty-doc.yaml", "empty-file.yaml", "comments-only.yaml"]);
    let docs = documents(&json, "empty-doc.yaml");
    assert_eq!(docs.len(), 3, "{docs:#?}");
    assert_eq!(
        problems(&json, "empty-doc.yaml"),
        ["tenet::E0711 empty-doc.yaml:5:1 document 2 of the stream is empty"]
    );
    assert_eq!(
        problems(&json, "empty-file.yaml"),
        ["tenet::E0711 empty-file.yaml:null:null `empty-file.yaml` holds no document"]
    );
    assert_eq!(
        problems(&json, "comments-only.yaml"),
        ["tenet::E0711 comments-only.yaml:1:1 `comments-only.yaml` holds no document"]
    );
}

#[test]
fn two_million_empty_documents_stop_at_the_stream_limit() {
    let dir = scratch();
    write(dir.path(), "empties.yaml", "---\n".repeat(2_000_000));
    let (_, json) = eval_json(dir.path(), &["empties.yaml"]);
    let found = problems(&json, "empties.yaml");
    assert!(
        found.iter().any(|p| p.starts_with("tenet::input::too_many_documents empties.yaml:100001:1 more than 100000 documents")),
        "{:?}",
        found.iter().rev().take(3).collect::<Vec<_>>()
    );
}

#[test]
fn cr_only_line_endings_give_the_right_lines() {
    let dir = scratch();
    write(dir.path(), "cr.yaml", "kind: Item\rid: cr\rn: \"x\"\r");
    write(dir.path(), "crlf.yaml", "kind: Item\r\nid: crlf\r\nn: \"x\"\r\n");
    let (_, json) = eval_json(dir.path(), &["cr.yaml", "crlf.yaml"]);
    let cr = problems(&json, "cr.yaml");
    assert_eq!(cr.len(), 1, "{cr:?}");
    assert!(cr[0].starts_with("tenet::E0701 cr.yaml:3:4 "), "{cr:?}");
    let crlf = problems(&json, "crlf.yaml");
    assert!(crlf[0].starts_with("tenet::E0701 crlf.yaml:3:4 "), "{crlf:?}");
}

#[test]
fn terminal_escape_sequences_from_a_document_are_shown_escaped() {
    let dir = scratch();
    write(dir.path(), "escape.yaml", "kind: Item\nid: \"\\e[2J\\e]0;pwned\\a\\u202e\"\nn: 30\nunknown_\\e[31m: 1\n");
    let run = eval_human(dir.path(), &["escape.yaml"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains('\u{1b}'), "an escape reached the terminal:\n{}", all.escape_debug());
    assert!(!all.contains('\u{7}') && !all.contains('\u{202e}'), "a control reached the terminal");
    assert!(run.stdout.contains("\\x1b[2J\\x1b]0;pwned\\x07\\u{202e} has n = 30"), "{}", run.stdout);
}

#[test]
fn a_16_mib_list_of_wrong_values_reports_the_first_hundred_and_counts_the_rest() {
    let dir = scratch();
    let count = 3_000_000;
    let mut text = String::with_capacity(count * 5 + 64);
    text.push_str("{\"kind\":\"Item\",\"id\":\"wrong\",\"xs\":[");
    for i in 0..count {
        if i > 0 {
            text.push(',');
        }
        text.push_str("\"x\"");
    }
    text.push_str("]}");
    write(dir.path(), "wrong.json", &text);
    let (_, json) = eval_json(dir.path(), &["wrong.json"]);
    let found = problems(&json, "wrong.json");
    assert_eq!(found.len(), 101, "{:?}", &found[..3]);
    assert!(found[0].starts_with("tenet::E0701 wrong.json:1:35 `xs[0]` must be a whole number"), "{}", found[0]);
    assert_eq!(
        found[100],
        format!("tenet::W0710 wrong.json:1:435 {} more problems in this document not shown", count - 100)
    );
}

#[test]
fn thirty_thousand_unknown_keys_report_the_first_hundred() {
    let dir = scratch();
    let keys: Vec<String> = (0..30_000).map(|i| format!("\"unknown_{i}\":1")).collect();
    write(dir.path(), "keys.json", format!("{{\"kind\":\"Item\",\"id\":\"keys\",{}}}", keys.join(",")));
    let (_, json) = eval_json(dir.path(), &["keys.json"]);
    let found = problems(&json, "keys.json");
    assert_eq!(found.len(), 101);
    assert!(found[0].starts_with("tenet::W0704 keys.json:1:28 `Item` has no field `unknown_0`"), "{}", found[0]);
    assert!(found[100].starts_with("tenet::W0710 keys.json:"), "{}", found[100]);
    assert!(found[100].ends_with("29900 more problems in this document not shown"), "{}", found[100]);
    assert_eq!(documents(&json, "keys.json")[0]["evaluated"], true, "warnings do not stop evaluation");
}

#[test]
fn a_minified_document_on_one_long_line_is_read_and_reported() {
    let dir = scratch();
    let tags: Vec<String> = (0..400_000).map(|i| format!("\"t{i}\"")).collect();
    write(
        dir.path(),
        "minified.json",
        format!("{{\"kind\":\"Item\",\"id\":\"minified\",\"n\":30,\"tags\":[{}],\"n2\":1}}", tags.join(",")),
    );
    let run = eval_human(dir.path(), &["minified.json"]);
    assert!(run.stdout.contains("✗ minified.json · Item `minified` · 1 violated"), "{}", support::tail(&run.stdout));
    // The line is far too wide to show: the warning names its place instead.
    assert!(run.stdout.contains("(at minified.json:1:"), "{}", support::tail(&run.stdout));
}

#[test]
fn a_stream_of_five_thousand_documents_renders_in_human_output() {
    let dir = scratch();
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!("---\nkind: Item\nid: d{i}\nn: 30\nextra: 1\n"));
    }
    write(dir.path(), "stream.yaml", text);
    let run = eval_human(dir.path(), &["stream.yaml"]);
    assert_eq!(run.stdout.matches("· 1 violated").count(), 5_001);
    assert!(run.stdout.contains("stream.yaml (document 5000) · Item `d4999`"));
}

#[test]
fn special_files_among_inputs_are_refused_and_the_rest_evaluated() {
    let dir = scratch();
    let made = Command::new("mkfifo").arg(dir.path().join("pipe.yaml")).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/stdin", dir.path().join("stdin.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    let (_, json) = eval_json(dir.path(), &["pipe.yaml", "stdin.yaml", "zero.yaml"]);
    assert_eq!(
        problems(&json, "pipe.yaml"),
        ["tenet::input::not_a_file pipe.yaml:null:null `pipe.yaml` is a FIFO (named pipe), not a regular file"]
    );
    // Standard input is /dev/null here: a character device.
    assert_eq!(
        problems(&json, "stdin.yaml"),
        ["tenet::input::not_a_file stdin.yaml:null:null `stdin.yaml` is a character device, not a regular file"]
    );
    assert_eq!(
        problems(&json, "zero.yaml"),
        ["tenet::input::not_a_file zero.yaml:null:null `zero.yaml` is a character device, not a regular file"]
    );
}

#[test]
fn numbers_and_arithmetic_that_cannot_be_computed_are_named() {
    let dir = scratch();
    write(dir.path(), "huge-int.yaml", "kind: Item\nid: huge\nn: 99999999999999999999999999999999999999\n");
    write(dir.path(), "zero.yaml", "kind: Item\nid: zero\nn: 0\nd: 1.5\n");
    write(dir.path(), "overflow.yaml", "kind: Item\nid: overflow\nn: 9223372036854775807\n");
    let (_, json) = eval_json(dir.path(), &["huge-int.yaml", "zero.yaml", "overflow.yaml"]);
    assert_eq!(
        problems(&json, "huge-int.yaml"),
        [
            "tenet::E0701 huge-int.yaml:3:4 `n` is too large for a whole number: `99999999999999999999999999999999999999`"
        ]
    );
    let finding = |source: &str, obligation: &str| -> Value {
        let doc = documents(&json, source)[0];
        doc["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == obligation).unwrap().clone()
    };
    let share = finding("zero.yaml", "hostile.share");
    assert_eq!(share["status"], "undetermined");
    assert_eq!(share["message"], "cannot be decided: division by zero");
    let square = finding("overflow.yaml", "hostile.square");
    assert_eq!(square["status"], "undetermined");
    assert!(square["message"].as_str().unwrap().starts_with("cannot be decided: arithmetic overflow"), "{square:#}");
}

#[test]
fn nested_quantifiers_over_a_large_list_stop_at_the_evaluation_budget() {
    let dir = scratch();
    let xs: Vec<String> = (0..2_000).map(|i| i.to_string()).collect();
    write(dir.path(), "cube.json", format!("{{\"kind\":\"Item\",\"id\":\"cube\",\"xs\":[{}]}}", xs.join(",")));
    write(dir.path(), "window.yaml", "kind: Item\nid: window\ninformed_on: 0001-01-01\ngo_live: 9999-12-31\n");
    let (_, json) = eval_json(dir.path(), &["cube.json", "window.yaml"]);
    let doc = documents(&json, "cube.json")[0];
    let distinct = doc["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == "hostile.distinct").unwrap();
    assert_eq!(distinct["status"], "undetermined");
    assert!(distinct["message"].as_str().unwrap().contains("evaluation stopped after 4194304 steps"), "{distinct:#}");
    let doc = documents(&json, "window.yaml")[0];
    let informed = doc["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == "hostile.informed").unwrap();
    assert_eq!(informed["status"], "violated", "{informed:#}");
}

/// A package in `dir/pkg` with the corpus's policy and a test file holding `tests`.
fn package_with_tests(dir: &Path, tests: &str) -> PathBuf {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(pkg.join("tests/fixtures")).unwrap();
    write(&pkg, "tenet.toml", "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\n");
    std::fs::copy(corpus().join("policy/hostile.tenet"), pkg.join("hostile.tenet")).unwrap();
    write(&pkg, "tests/fixtures/good.yaml", "kind: Item\nid: good\nn: 30\n");
    write(&pkg, "tests/hostile.tenet", format!("package hostile.tests\n\nuse hostile\n\n{tests}"));
    pkg
}

#[test]
fn test_documents_stay_inside_their_package_and_special_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.yaml", "kind: Item\nid: the-secret-token-xyz\nn: 30\n");
    let pkg = package_with_tests(
        dir.path(),
        r#"test "an ordinary fixture" {
  given Item from "fixtures/good.yaml"
  expect small: violated
}

test "a document outside the package" {
  given Item from "../../secret.yaml"
  expect small: satisfied
}

test "a fifo" {
  given Item from "fixtures/pipe.yaml"
  expect small: satisfied
}

test "a link out of the package" {
  given Item from "fixtures/link.yaml"
  expect small: satisfied
}
"#,
    );
    let made = Command::new("mkfifo").arg(pkg.join("tests/fixtures/pipe.yaml")).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink(dir.path().join("secret.yaml"), pkg.join("tests/fixtures/link.yaml")).unwrap();
    let run = run_in(&pkg, &["test", "."]);
    run.assert_code(1);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("the-secret-token-xyz"), "a file outside the package was read:\n{all}");
    assert!(all.contains("refusing the test document `./tests/../../secret.yaml`: it is outside the package"), "{all}");
    assert!(
        all.contains("refusing the test document `./tests/fixtures/link.yaml`: it is outside the package"),
        "{all}"
    );
    assert!(all.contains("is a FIFO (named pipe), not a regular file"), "{all}");
    assert!(all.contains("1 passed"), "the ordinary test still runs:\n{all}");
}

#[test]
fn zip_slip_and_gzip_bomb_archives_are_refused_by_name() {
    use tar::EntryType::Regular;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "slip.tar.gz", raw_archive(&[(b"../../outside.tenet", Regular, b"package evil\n")]));
    // 200 MiB of zeros in one entry compress to about 200 KiB.
    let zeros = vec![0u8; 200 << 20];
    write(dir.path(), "bomb.tar.gz", raw_archive(&[(b"tenet.toml", Regular, &zeros)]));
    for (archive, why) in [
        ("slip.tar.gz", "refusing `slip.tar.gz`: it contains the path `../../outside.tenet`, which leaves the package"),
        ("bomb.tar.gz", "refusing `bomb.tar.gz`: it contains more than 134217728 bytes once decompressed"),
    ] {
        let run = run_in(dir.path(), &["verify", archive]);
        run.assert_code(2);
        assert!(run.stderr.contains("tenet::pkg::unsafe_archive"), "{}", run.stderr);
        assert!(run.stderr.contains(why), "{}", run.stderr);
        assert!(
            !run.stderr.contains("/tmp/") && !run.stderr.contains(".tmp"),
            "a temporary path is named: {}",
            run.stderr
        );
    }
    assert!(!dir.path().parent().unwrap().join("outside.tenet").exists());
}
