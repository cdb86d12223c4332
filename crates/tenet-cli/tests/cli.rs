//! End-to-end tests of the `tenet` binary: exit codes, error locations, robustness against
//! bad input, and the shape of the JSON report.
//!
//! Every run that feeds the binary a bad document also feeds it a known-good contract (a copy
//! of `examples/documents/contracts/brightpath-media.yaml`) and checks that it was still
//! evaluated: one bad document never stops the others.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use support::{Run, root, tail, tenet, tenet_with_stdin};

const TODAY: &str = "2026-11-28";
const POLICIES: &str = "examples/policies";
const GOOD_SOURCE: &str = "examples/documents/contracts/brightpath-media.yaml";
const GOOD_ID: &str = "northwind-brightpath-2026";

/// `tenet eval --color never --today TODAY --policy examples/policies [extra…] inputs…`.
fn eval(extra: &[&str], inputs: &[&Path]) -> Run {
    let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["eval", "--color", "never", "--today", TODAY, "--policy", POLICIES];
    args.extend_from_slice(extra);
    args.extend(inputs.iter().map(String::as_str));
    tenet(&args)
}

/// Like [`eval`] with `--format json`, and the parsed report.
fn eval_json(extra: &[&str], inputs: &[&Path]) -> (Run, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = eval(&args, inputs);
    let json = run.json();
    (run, json)
}

/// A temporary directory holding `good.yaml`, a copy of a contract that evaluates cleanly.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(root().join(GOOD_SOURCE), dir.path().join("good.yaml")).expect("copy good document");
        Fixture { dir }
    }

    fn good(&self) -> PathBuf {
        self.path("good.yaml")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&path, contents).expect("write fixture");
        path
    }
}

/// The human header line of the document read from `path`.
#[track_caller]
fn header<'a>(stdout: &'a str, path: &Path) -> &'a str {
    let needle = format!("{} · ", path.display());
    stdout
        .lines()
        .find(|l| l.contains(&needle) && ["✓ ", "✗ ", "? ", "■ "].iter().any(|m| l.starts_with(m)))
        .unwrap_or_else(|| panic!("no header line for {}:\n{}", path.display(), tail(stdout)))
}

/// Asserts that the human output evaluated the good contract.
#[track_caller]
fn assert_good_evaluated_human(run: &Run, good: &Path) {
    let line = header(&run.stdout, good);
    assert!(!line.contains("not evaluated"), "good document not evaluated: {line}");
    assert!(line.contains(&format!("Contract `{GOOD_ID}`")), "{line}");
    assert!(line.starts_with("✓ "), "the good document should be clean: {line}");
}

/// Asserts that the human output did not evaluate `path`.
#[track_caller]
fn assert_not_evaluated_human(run: &Run, path: &Path) {
    let line = header(&run.stdout, path);
    assert!(line.starts_with("■ ") && line.contains("not evaluated"), "{line}");
}

/// The JSON report's entries for documents read from `path`.
#[track_caller]
fn json_docs<'a>(json: &'a Value, path: &Path) -> Vec<&'a Value> {
    let source = path.display().to_string();
    let docs: Vec<&Value> =
        json["documents"].as_array().expect("documents").iter().filter(|d| d["source"] == source.as_str()).collect();
    assert!(!docs.is_empty(), "no JSON entry for {source}");
    docs
}

#[track_caller]
fn json_doc<'a>(json: &'a Value, path: &Path) -> &'a Value {
    let docs = json_docs(json, path);
    assert_eq!(docs.len(), 1, "expected one document from {}", path.display());
    docs[0]
}

#[track_caller]
fn assert_good_evaluated_json(json: &Value, good: &Path) {
    let doc = json_doc(json, good);
    assert_eq!(doc["evaluated"], true, "{doc:#}");
    assert_eq!(doc["id"], GOOD_ID);
    assert_eq!(doc["kind"], "Contract");
    assert!(!doc["findings"].as_array().unwrap().is_empty());
}

/// The one error problem of a document that was not evaluated: (code, message, line, column).
#[track_caller]
fn json_error(json: &Value, path: &Path) -> (String, String, Option<u64>, Option<u64>) {
    let doc = json_doc(json, path);
    assert_eq!(doc["evaluated"], false, "{doc:#}");
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc:#}");
    let errors: Vec<&Value> =
        doc["problems"].as_array().expect("problems").iter().filter(|p| p["severity"] == "error").collect();
    assert!(!errors.is_empty(), "no error problem: {doc:#}");
    let p = errors[0];
    (
        p["code"].as_str().unwrap().to_string(),
        p["message"].as_str().unwrap().to_string(),
        p["line"].as_u64(),
        p["column"].as_u64(),
    )
}

// ------------------------------------------------------------------ 1. malformed documents

#[test]
fn malformed_yaml_json_toml_name_file_line_and_column() {
    let fx = Fixture::new();
    // `a: b` is a mapping where a plain value is expected: the second `:` at 3:10.
    let yaml = fx.write("bad.yaml", "kind: Contract\nid: bad-yaml\nvendor: a: b\n");
    // A trailing comma: the comma at 4:26.
    let json = fx.write(
        "bad.json",
        "{\n  \"kind\": \"Contract\",\n  \"id\": \"bad-json\",\n  \"vendor\": { \"name\": \"x\", }\n}\n",
    );
    // A second `=`: at 4:18.
    let toml = fx.write("bad.toml", "kind = \"Contract\"\nid = \"bad-toml\"\n[data]\nretention_days = = 3\n");
    // A missing comma between members: the next member's quote at 3:3.
    let json2 = fx.write("bad2.json", "{\n  \"kind\": \"Contract\"\n  \"id\": \"x\"\n}\n");

    let cases = [(&yaml, 3, 10), (&json, 4, 26), (&toml, 4, 18), (&json2, 3, 3)];
    let good = fx.good();
    let inputs = [good.as_path(), yaml.as_path(), json.as_path(), toml.as_path(), json2.as_path()];

    let run = eval(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    for (path, line, column) in cases {
        assert_not_evaluated_human(&run, path);
        let at = format!("{}:{line}:{column}", path.display());
        assert!(run.stdout.contains(&at), "expected `{at}` in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("tenet::input::syntax"));
    assert!(run.stdout.contains("invalid yaml"));
    assert!(run.stdout.contains("invalid toml"));
    assert!(run.stdout.contains("trailing comma"));
    assert!(run.stdout.contains("4 not evaluated"), "{}", run.stdout);

    let (run, report) = eval_json(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_json(&report, &good);
    for (path, line, column) in cases {
        let (code, _, l, c) = json_error(&report, path);
        assert_eq!(code, "tenet::input::syntax", "{}", path.display());
        assert_eq!((l, c), (Some(line), Some(column)), "{}", path.display());
    }
    assert_eq!(report["summary"]["documents"], 5);
    assert_eq!(report["summary"]["documents_with_errors"], 4);
}

#[test]
fn yaml_tab_errors_point_at_the_tab() {
    let fx = Fixture::new();
    let indented = fx.write("tab-indent.yaml", "kind: Contract\nid: tabs\nvendor:\n\tname: x\n");
    let continued = fx.write("tab-scalar.yaml", "kind: Contract\nid: x\n\tvendor: {}\n");
    let good = fx.good();
    let run = eval(&[], &[&good, &indented, &continued]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    for (path, at) in [(&indented, "4:1"), (&continued, "3:1")] {
        assert_not_evaluated_human(&run, path);
        let at = format!("{}:{at}", path.display());
        assert!(run.stdout.contains(&at), "expected `{at}` in:\n{}", run.stdout);
    }
}

// ------------------------------------------------------------------ 2. wrong types

#[test]
fn wrong_typed_fields_are_e0701_at_the_value() {
    let fx = Fixture::new();
    let yaml = fx.write("wt.yaml", "kind: Contract\nid: wt-yaml\ndata:\n  retention_days: \"a year\"\n");
    let json = fx.write(
        "wt.json",
        "{\n  \"kind\": \"Contract\",\n  \"id\": \"wt-json\",\n  \"dpa\": { \"breach_notice_hours\": [1] }\n}\n",
    );
    let toml = fx.write("wt.toml", "kind = \"Contract\"\nid = \"wt-toml\"\n[data]\nretention_days = \"a year\"\n");
    let cases = [
        (&yaml, 4, 19, "`data.retention_days` must be a whole number, found string"),
        (&json, 4, 35, "`dpa.breach_notice_hours` must be a duration, found list"),
        (&toml, 4, 18, "`data.retention_days` must be a whole number, found string"),
    ];
    let good = fx.good();
    let inputs = [good.as_path(), yaml.as_path(), json.as_path(), toml.as_path()];

    let run = eval(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    for (path, line, column, message) in cases {
        assert_not_evaluated_human(&run, path);
        let at = format!("{}:{line}:{column}", path.display());
        assert!(run.stdout.contains(&at), "expected `{at}` in:\n{}", run.stdout);
        assert!(run.stdout.contains(message), "expected `{message}`");
    }
    assert!(run.stdout.contains("tenet::E0701"));

    let (run, report) = eval_json(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_json(&report, &good);
    for (path, line, column, message) in cases {
        let (code, msg, l, c) = json_error(&report, path);
        assert_eq!(code, "tenet::E0701");
        assert_eq!(msg, message);
        assert_eq!((l, c), (Some(line), Some(column)), "{}", path.display());
    }
}

// ------------------------------------------------------------------ 3. invalid UTF-8

#[test]
fn invalid_utf8_names_line_and_column_of_first_bad_byte() {
    let fx = Fixture::new();
    let json = fx.write("u.json", b"{\"kind\": \"Contract\",\n \"id\": \"ok\xc3\"}\n".as_slice());
    let toml = fx.write("u.toml", b"kind = \"Contract\"\n\n  id = \"\xe2\x82\"\n".as_slice());
    // A two-byte `é` before the bad byte: the column counts characters, so 7, not 8.
    let yaml = fx.write("u.yaml", b"kind: Contract\nid: \"\xc3\xa9\xff\"\n".as_slice());
    let good = fx.good();
    let inputs = [good.as_path(), json.as_path(), toml.as_path(), yaml.as_path()];

    let run = eval(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    for (path, at) in [(&json, "2:11"), (&toml, "3:9"), (&yaml, "2:7")] {
        assert_not_evaluated_human(&run, path);
        let message = format!("`{}` is not valid utf-8: invalid byte at {at}", path.display());
        assert!(run.stdout.contains(&message), "expected `{message}` in:\n{}", run.stdout);
    }
    // ASCII before the bad byte: the snippet header agrees.
    for (path, at) in [(&json, "2:11"), (&toml, "3:9")] {
        let at = format!("{}:{at}", path.display());
        assert!(run.stdout.contains(&at), "expected `{at}` in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("tenet::input::utf8"));

    let (run, report) = eval_json(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_json(&report, &good);
    for (path, line, column) in [(&json, 2, 11), (&toml, 3, 9), (&yaml, 2, 7)] {
        let (code, _, l, c) = json_error(&report, path);
        assert_eq!(code, "tenet::input::utf8");
        assert_eq!((l, c), (Some(line), Some(column)), "{}", path.display());
    }
}

#[test]
fn human_snippet_headers_count_columns_in_characters() {
    let fx = Fixture::new();
    let utf8 = fx.write("u.yaml", b"kind: Contract\nid: \"\xc3\xa9\xff\"\n".as_slice());
    // `vendor.role` starts at character 37 of line 3 (byte 38, after the two-byte `ä`).
    let umlaut = fx.write(
        "umlaut.yaml",
        "kind: Contract\nid: umlaut\nvendor: {name: \"Bäcker GmbH\", role: processor}\ndpa: {breach_notice_hours: 72}\n",
    );
    let good = fx.good();
    let run = eval(&[], &[&good, &utf8, &umlaut]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);

    let (_, report) = eval_json(&[], &[&umlaut]);
    let finding = json_doc(&report, &umlaut)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["obligation"] == "std.privacy.breach_notice_deadline")
        .cloned()
        .unwrap();
    assert_eq!(finding["status"], "violated");
    let role = finding["evidence"].as_array().unwrap().iter().find(|e| e["path"] == "vendor.role").cloned().unwrap();
    assert_eq!((role["line"].as_u64(), role["column"].as_u64()), (Some(3), Some(37)));

    for at in [format!("{}:2:7]", utf8.display()), format!("{}:3:37]", umlaut.display())] {
        assert!(run.stdout.contains(&at), "expected `{at}` in:\n{}", run.stdout);
    }
}

// ------------------------------------------------------------------ 4. size limits

#[test]
fn fifty_megabyte_document_is_too_large() {
    let fx = Fixture::new();
    let big = fx.path("big.yaml");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        f.write_all(b"kind: Contract\nid: big\n").unwrap();
        let line = format!("# {}\n", "x".repeat(1022));
        for _ in 0..50 * 1024 {
            f.write_all(line.as_bytes()).unwrap();
        }
        f.flush().unwrap();
    }
    let size = std::fs::metadata(&big).unwrap().len();
    assert!(size > 50 * 1024 * 1024);
    let good = fx.good();

    let run = eval(&[], &[&good, &big]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    assert_not_evaluated_human(&run, &big);
    let message = format!("`{}` is {size} bytes, over the limit of 16777216 bytes", big.display());
    assert!(run.stdout.contains(&message), "expected `{message}` in:\n{}", run.stdout);
    assert!(run.stdout.contains("tenet::input::too_large"));

    let (run, report) = eval_json(&[], &[&good, &big]);
    run.assert_code(2);
    assert_good_evaluated_json(&report, &good);
    let (code, msg, line, column) = json_error(&report, &big);
    assert_eq!(code, "tenet::input::too_large");
    assert_eq!(msg, message);
    assert_eq!((line, column), (None, None));
}

#[test]
fn fifty_megabytes_on_stdin_is_too_large() {
    let fx = Fixture::new();
    let good = fx.good();
    let good_arg = good.display().to_string();
    let mut input = b"kind: Contract\nid: big-stdin\n".to_vec();
    input.resize(50 * 1024 * 1024, b'#');
    let args = ["eval", "--color", "never", "--today", TODAY, "--policy", POLICIES, &good_arg, "-"];
    let run = tenet_with_stdin(&args, Some(input));
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    assert!(run.stdout.contains("■ <stdin> · "), "{}", run.stdout);
    assert!(
        run.stdout.contains("`<stdin>` is at least 16777217 bytes, over the limit of 16777216 bytes"),
        "{}",
        run.stdout
    );
}

#[test]
fn max_file_size_lowers_and_raises_the_limit() {
    let fx = Fixture::new();
    let good = fx.good();
    let good_size = std::fs::metadata(&good).unwrap().len();

    // Lowered below the good document's size: refused, with both sizes.
    let run = eval(&["--max-file-size", "100"], &[&good]);
    run.assert_code(2);
    assert_not_evaluated_human(&run, &good);
    let message = format!("`{}` is {good_size} bytes, over the limit of 100 bytes", good.display());
    assert!(run.stdout.contains(&message), "expected `{message}` in:\n{}", run.stdout);

    // Raised above the default of 16 MiB: a 17 MB document (mostly comments) is read.
    let mut text = std::fs::read_to_string(&good).unwrap();
    let comment = format!("# {}\n", "x".repeat(98));
    while text.len() <= 17_000_000 {
        text.push_str(&comment);
    }
    let big = fx.write("seventeen.yaml", &text);
    let run = eval(&[], &[&good, &big]);
    run.assert_code(2);
    assert_not_evaluated_human(&run, &big);
    assert!(run.stdout.contains("over the limit of 16777216 bytes"));

    let run = eval(&["--max-file-size", "20000000"], &[&good, &big]);
    run.assert_code(0);
    assert_good_evaluated_human(&run, &good);
    let line = header(&run.stdout, &big);
    assert!(line.starts_with("✓ ") && line.contains(&format!("Contract `{GOOD_ID}`")), "{line}");

    // Not a number: a usage error.
    let run = eval(&["--max-file-size", "lots"], &[&good]);
    run.assert_code(2);
    assert!(run.stderr.contains("--max-file-size"), "{}", run.stderr);
}

// ------------------------------------------------------------------ 5. deep nesting

#[test]
fn hundred_thousand_deep_nesting_is_too_deep_not_a_crash() {
    const DEPTH: usize = 100_000;
    let fx = Fixture::new();
    let open = |s: &str| s.repeat(DEPTH);
    // (name, line prefix before the first bracket, contents); for flow collections the
    // 129th level (the root is level 1) opens at column prefix + 128.
    let flow: Vec<(&str, &str, String)> = vec![
        ("deep-flow.yaml", "x: ", format!("kind: Contract\nid: deep\nx: {}{}\n", open("["), open("]"))),
        (
            "deep.json",
            "{\"kind\": \"Contract\", \"id\": \"deep\", \"x\": ",
            format!("{{\"kind\": \"Contract\", \"id\": \"deep\", \"x\": {}{}}}\n", open("["), open("]")),
        ),
        ("deep.toml", "x = ", format!("kind = \"Contract\"\nid = \"deep\"\nx = {}{}\n", open("["), open("]"))),
    ];
    let other: Vec<(&str, String)> = vec![
        ("deep-block.yaml", format!("kind: Contract\nid: deep\nx:\n  {}leaf\n", open("- "))),
        ("deep-map.yaml", format!("kind: Contract\nid: deep\nx: {}1{}\n", open("{a: "), open("}"))),
        ("deep-objects.json", format!("{{\"kind\": \"Contract\", \"x\": {}1{}}}\n", open("{\"a\":"), open("}"))),
        ("deep-tables.toml", format!("kind = \"Contract\"\nx = {}1{}\n", open("{a="), open("}"))),
    ];
    let good = fx.good();
    let mut inputs = vec![good.clone()];
    let mut expected = Vec::new();
    for (name, prefix, text) in &flow {
        let path = fx.write(name, text);
        let line = u64::try_from(text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1).unwrap();
        let column = u64::try_from(prefix.chars().count() + 128).unwrap();
        expected.push((path.clone(), Some((line, column))));
        inputs.push(path);
    }
    for (name, text) in &other {
        let path = fx.write(name, text);
        expected.push((path.clone(), None));
        inputs.push(path);
    }
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();

    let (run, report) = eval_json(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_json(&report, &good);
    for (path, at) in &expected {
        let (code, msg, line, column) = json_error(&report, path);
        assert_eq!(code, "tenet::input::too_deep", "{}", path.display());
        assert_eq!(msg, "document nests deeper than 128 levels");
        assert!(line.is_some() && column.is_some(), "{}: no location", path.display());
        if let Some((l, c)) = at {
            assert_eq!((line, column), (Some(*l), Some(*c)), "{}", path.display());
        }
    }

    // The human renderer copes too (it prints the 200,000-character line).
    let run = eval(&[], &inputs);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    for (path, _) in &expected {
        assert_not_evaluated_human(&run, path);
    }
    assert!(run.stdout.contains("tenet::input::too_deep"));
    assert!(run.stdout.contains("Tenet reads at most 128 nested lists and maps"));

    // And on standard input.
    let good_arg = good.display().to_string();
    let args = ["eval", "--format", "json", "--today", TODAY, "--policy", POLICIES, &good_arg, "-"];
    let run = tenet_with_stdin(&args, Some(flow[1].2.clone().into_bytes()));
    run.assert_code(2);
    let report = run.json();
    assert_good_evaluated_json(&report, &good);
    let stdin = json_doc(&report, Path::new("<stdin>"));
    assert_eq!(stdin["evaluated"], false);
    assert_eq!(stdin["problems"][0]["code"], "tenet::input::too_deep");
}

// ------------------------------------------------------------------ 6. stdin

#[test]
fn stdin_yaml_and_json_are_evaluated() {
    let fx = Fixture::new();
    let good = fx.good();
    let yaml = std::fs::read(&good).unwrap();
    let args = ["eval", "--color", "never", "--today", TODAY, "--policy", POLICIES, "-"];
    let run = tenet_with_stdin(&args, Some(yaml));
    run.assert_code(0);
    let line = header(&run.stdout, Path::new("<stdin>"));
    assert!(line.starts_with("✓ ") && line.contains(&format!("Contract `{GOOD_ID}`")), "{line}");
    assert!(run.stdout.contains("1 document, 0 not evaluated"), "{}", run.stdout);

    // JSON on stdin is recognised without an extension, next to a file.
    let json = std::fs::read(root().join("examples/documents/contracts/pixelforge-creative.json")).unwrap();
    let good_arg = good.display().to_string();
    let args = ["eval", "--format", "json", "--today", TODAY, "--policy", POLICIES, &good_arg, "-"];
    let run = tenet_with_stdin(&args, Some(json));
    let report = run.json();
    assert_good_evaluated_json(&report, &good);
    let doc = json_doc(&report, Path::new("<stdin>"));
    assert_eq!(doc["evaluated"], true);
    assert_eq!(doc["id"], "northwind-pixelforge-2026");
    assert_eq!(doc["kind"], "Contract");
    // pixelforge-creative violates a critical obligation: default --fail-on high fails.
    run.assert_code(1);
}

// ------------------------------------------------------------------ 7. kinds

#[test]
fn unknown_and_missing_kind() {
    let fx = Fixture::new();
    let unknown = fx.write("unknown.yaml", "kind: Contrakt\nid: unk\n");
    let missing = fx.write("missing.yaml", "id: nokind\nvendor: {role: processor}\n");
    let good = fx.good();

    let run = eval(&[], &[&good, &unknown, &missing]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    assert_not_evaluated_human(&run, &unknown);
    assert_not_evaluated_human(&run, &missing);
    let out = &run.stdout;
    assert!(out.contains("tenet::E0705"));
    assert!(out.contains("no schema for documents of kind `Contrakt`"), "{out}");
    assert!(out.contains(&format!("{}:1:7", unknown.display())), "{out}");
    assert!(out.contains("did you mean `Contract`?"), "{out}");
    assert!(out.contains("the document does not say what kind it is"), "{out}");
    assert!(out.contains(&format!("{}:1:1", missing.display())), "{out}");
    assert!(out.contains("add a top-level `kind:` field (AiSystem, Contract); a document's kind can"), "{out}");
    assert!(out.contains("with `--kind`"), "{out}");

    let (_, report) = eval_json(&[], &[&good, &unknown, &missing]);
    assert_good_evaluated_json(&report, &good);
    assert_eq!(json_error(&report, &unknown).0, "tenet::E0705");
    assert_eq!(json_error(&report, &missing).0, "tenet::E0705");
    assert_eq!(json_doc(&report, &missing)["kind"], Value::Null);
}

#[test]
fn kind_option_overrides_the_documents_kind() {
    let fx = Fixture::new();
    let unknown = fx.write("unknown.yaml", "kind: Contrakt\nid: unk\n");
    let missing = fx.write("missing.yaml", "id: nokind\nvendor: {role: processor}\n");
    let good = fx.good();

    let (run, report) = eval_json(&["--kind", "Contract"], &[&good, &unknown, &missing]);
    // Everything is evaluated; the bare documents leave obligations undetermined, which does not fail.
    run.assert_code(0);
    assert_good_evaluated_json(&report, &good);
    for (path, id) in [(&unknown, "unk"), (&missing, "nokind")] {
        let doc = json_doc(&report, path);
        assert_eq!(doc["evaluated"], true, "{doc:#}");
        assert_eq!(doc["kind"], "Contract");
        assert_eq!(doc["id"], id);
        assert!(!doc["findings"].as_array().unwrap().is_empty());
    }
    assert_eq!(report["summary"]["documents_with_errors"], 0);

    // A contract read as an AiSystem is evaluated against the AiSystem obligations.
    let (run, report) = eval_json(&["--kind", "AiSystem"], &[&good]);
    run.assert_code(0);
    let doc = json_doc(&report, &good);
    assert_eq!(doc["kind"], "AiSystem");
    assert_eq!(doc["evaluated"], true);
}

#[test]
fn kind_option_with_an_unknown_kind_is_an_error() {
    let fx = Fixture::new();
    let good = fx.good();
    let run = eval(&["--kind", "Bogus"], &[&good]);
    run.assert_code(2);
    assert_not_evaluated_human(&run, &good);
    assert!(run.stdout.contains("no schema for documents of kind `Bogus`"), "{}", run.stdout);
    assert!(run.stdout.contains("AiSystem, Contract"), "{}", run.stdout);
}

#[test]
fn kind_option_error_blames_the_option_not_the_document() {
    let fx = Fixture::new();
    let good = fx.good();
    let run = eval(&["--kind", "Bogus"], &[&good]);
    run.assert_code(2);
    assert!(!run.stdout.contains("unknown kind"), "labels `kind: Contract` as unknown:\n{}", run.stdout);
    assert!(run.stdout.contains("--kind"), "does not mention `--kind`:\n{}", run.stdout);
}

// ------------------------------------------------------------------ 8. unknown fields

#[test]
fn unknown_fields_warn_and_the_document_is_still_evaluated() {
    let fx = Fixture::new();
    let extra = fx.write(
        "extra.yaml",
        "kind: Contract\nid: extra\nvendorr: {role: processor}\ndata:\n  retention_dayz: 3\n  categories: [contact]\n",
    );
    let good = fx.good();

    let run = eval(&[], &[&good, &extra]);
    // Warnings and undetermined findings do not fail a run.
    run.assert_code(0);
    assert_good_evaluated_human(&run, &good);
    let line = header(&run.stdout, &extra);
    assert!(!line.contains("not evaluated") && line.contains("Contract `extra`"), "{line}");
    let out = &run.stdout;
    assert!(out.contains("tenet::W0704"), "{out}");
    assert!(out.contains("`Contract` has no field `vendorr`"), "{out}");
    assert!(out.contains("did you mean `vendor`?"), "{out}");
    assert!(out.contains(&format!("{}:3:1", extra.display())), "{out}");
    assert!(out.contains("`DataProcessing` has no field `retention_dayz`"), "{out}");
    assert!(out.contains(&format!("{}:5:3", extra.display())), "{out}");
    assert!(out.contains("0 not evaluated"), "{out}");

    let (_, report) = eval_json(&[], &[&good, &extra]);
    assert_good_evaluated_json(&report, &good);
    let doc = json_doc(&report, &extra);
    assert_eq!(doc["evaluated"], true);
    assert!(!doc["findings"].as_array().unwrap().is_empty());
    let warnings: Vec<(String, u64, u64)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["severity"], "warning", "{p}");
            (p["code"].as_str().unwrap().to_string(), p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(warnings, vec![("tenet::W0704".to_string(), 3, 1), ("tenet::W0704".to_string(), 5, 3)]);
}

// ------------------------------------------------------------------ 9. policy errors

/// A policy directory with one file, on the standard model, holding `broken` and a good obligation.
fn policy_dir(fx: &Fixture, broken: &str) -> PathBuf {
    let dir = fx.path("policies");
    std::fs::create_dir_all(&dir).unwrap();
    let text = format!(
        "package acme.mixed\n\nuse std.model\n\n{broken}\n\n\
         /// Good.\n\
         obligation good_retention on Contract {{\n  area: privacy\n  severity: high\n  cite: \"GDPR Art. 5(1)(e)\"\n  \
         must data.retention_days <= 30\n  because \"Keep data at most a month.\"\n}}\n"
    );
    std::fs::write(dir.join("mixed.tenet"), text).unwrap();
    dir
}

const BROKEN_FIELD: &str = "/// Broken: a misspelt field.
obligation broken_retention on Contract {
  area: privacy
  severity: high
  cite: \"GDPR Art. 5(1)(e)\"
  must data.retention_dayz <= 365
  because \"Keep data at most a year.\"
}";

const BROKEN_SYNTAX: &str = "obligation broken_syntax on Contract {
  area: privacy
  severity: high
  must data.retention_days <= <= 30
}";

#[test]
fn policy_errors_exit_3_and_good_obligations_still_run() {
    let fx = Fixture::new();
    let good = fx.good();
    let mixed = policy_dir(&fx, BROKEN_FIELD);
    let policy = mixed.display().to_string();
    let file = mixed.join("mixed.tenet").display().to_string();
    let good_arg = good.display().to_string();

    let run = tenet(&["eval", "--color", "never", "--today", TODAY, "--policy", &policy, &good_arg]);
    run.assert_code(3);
    let out = &run.stdout;
    assert!(out.contains("tenet::E0202"), "{out}");
    assert!(out.contains("`DataProcessing` has no field `retention_dayz`"), "{out}");
    assert!(out.contains(&format!("{file}:10:13")), "{out}");
    assert!(out.contains("did you mean `retention_days`?"), "{out}");
    // The good obligation ran: retention_days is 365 in the good contract, over 30.
    assert!(out.contains("violated [high] acme.mixed.good_retention"), "{out}");
    assert!(out.contains("1 obligation not evaluated because of policy errors: acme.mixed.broken_retention"), "{out}");
    assert!(out.contains("policies: 1 error"), "{out}");

    let run = tenet(&["eval", "--format", "json", "--today", TODAY, "--policy", &policy, &good_arg]);
    run.assert_code(3);
    let report = run.json();
    let doc = json_doc(&report, &good);
    assert_eq!(doc["evaluated"], true);
    let findings: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["obligation"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .filter(|(name, _)| name.starts_with("acme."))
        .collect();
    assert_eq!(findings, vec![("acme.mixed.good_retention", "violated")]);
    assert_eq!(report["summary"]["skipped_obligations"], serde_json::json!(["acme.mixed.broken_retention"]));
    let diags = report["policy_diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "tenet::E0202");
    assert_eq!(diags[0]["file"], file.as_str());
    assert_eq!((diags[0]["line"].as_u64(), diags[0]["column"].as_u64()), (Some(10), Some(13)));

    let run = tenet(&["check", "--color", "never", &policy]);
    run.assert_code(3);
    assert!(run.stdout.contains("tenet::E0202"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{file}:10:13")), "{}", run.stdout);
    assert!(run.stdout.contains("checked 1 policy file: 1 error, 0 warnings"), "{}", run.stdout);

    let run = tenet(&["check", "--format", "json", &policy]);
    run.assert_code(3);
    let json = run.json();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["diagnostics"][0]["code"], "tenet::E0202");
    assert_eq!(json["diagnostics"][0]["file"], file.as_str());
    assert_eq!(
        (json["diagnostics"][0]["line"].as_u64(), json["diagnostics"][0]["column"].as_u64()),
        (Some(10), Some(13))
    );
}

#[test]
fn policy_syntax_errors_exit_3_and_the_next_item_still_runs() {
    let fx = Fixture::new();
    let good = fx.good();
    let mixed = policy_dir(&fx, BROKEN_SYNTAX);
    let policy = mixed.display().to_string();
    let file = mixed.join("mixed.tenet").display().to_string();
    let good_arg = good.display().to_string();

    let run = tenet(&["eval", "--color", "never", "--today", TODAY, "--policy", &policy, &good_arg]);
    run.assert_code(3);
    let out = &run.stdout;
    assert!(out.contains("tenet::E0001"), "{out}");
    assert!(out.contains(&format!("{file}:8:31")), "{out}");
    assert!(out.contains("violated [high] acme.mixed.good_retention"), "{out}");
    assert_good_header_evaluated(out, &good);

    let run = tenet(&["check", "--color", "never", &policy]);
    run.assert_code(3);
    assert!(run.stdout.contains("tenet::E0001"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{file}:8:31")), "{}", run.stdout);
}

/// The good contract's header is there and evaluated (it need not be clean under other policies).
#[track_caller]
fn assert_good_header_evaluated(stdout: &str, good: &Path) {
    let line = header(stdout, good);
    assert!(!line.contains("not evaluated") && line.contains(&format!("Contract `{GOOD_ID}`")), "{line}");
}

#[test]
fn check_passes_on_the_example_policies() {
    let run = tenet(&["check", "--color", "never", POLICIES]);
    run.assert_code(0);
    assert!(run.stdout.contains("0 errors"), "{}", run.stdout);
    assert!(run.stdout.contains("checked 3 policy files: 0 errors, 0 warnings"), "{}", run.stdout);
}

// ------------------------------------------------------------------ 10. usage errors

#[test]
fn usage_errors_exit_2_with_help() {
    let fx = Fixture::new();
    let good = fx.good();
    let good_arg = good.display().to_string();
    let base = ["eval", "--color", "never", "--today", TODAY, "--policy", POLICIES];

    // No inputs.
    let run = tenet(&base);
    run.assert_code(2);
    assert!(run.stderr.contains("no documents to evaluate"), "{}", run.stderr);
    assert!(run.stderr.contains("[inputs]"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // An impossible date.
    let run = tenet(&["eval", "--today", "2026-02-30", "--policy", POLICIES, &good_arg]);
    run.assert_code(2);
    assert!(run.stderr.contains("`2026-02-30` is not a date; write YYYY-MM-DD"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // An unknown severity.
    let run = tenet(&["eval", "--fail-on", "extreme", "--policy", POLICIES, &good_arg]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("`extreme` is not a severity; use info, low, medium, high, critical or none"),
        "{}",
        run.stderr
    );

    // No policies at all: the standard library left out and no `--policy`.
    let run = tenet(&["eval", "--today", TODAY, "--no-std", &good_arg]);
    run.assert_code(2);
    assert!(run.stderr.contains("--policy"), "{}", run.stderr);

    // A policy directory without `.tenet` files.
    let empty = fx.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let empty_arg = empty.display().to_string();
    let run = tenet(&["eval", "--today", TODAY, "--policy", &empty_arg, &good_arg]);
    run.assert_code(2);
    assert!(run.stderr.contains("no `.tenet` files found"), "{}", run.stderr);

    // An unknown subcommand and an unknown option.
    tenet(&["frobnicate"]).assert_code(2);
    let mut args = base.to_vec();
    args.extend(["--no-such-option", &good_arg]);
    tenet(&args).assert_code(2);

    // A missing input file is an input error; the good one is still evaluated.
    let missing = fx.path("does-not-exist.yaml");
    let run = eval(&[], &[&missing, &good]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    assert_not_evaluated_human(&run, &missing);
    assert!(run.stdout.contains("tenet::input::io"), "{}", run.stdout);

    // An unknown extension is an input error too.
    let text = fx.write("notes.txt", "kind: Contract\n");
    let run = eval(&[], &[&good, &text]);
    run.assert_code(2);
    assert_good_evaluated_human(&run, &good);
    assert!(run.stdout.contains("cannot tell the format of"), "{}", run.stdout);
}

#[test]
fn help_and_version_exit_0() {
    let run = tenet(&["--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Usage: tenet"), "{}", run.stdout);
    assert!(run.stdout.contains("check") && run.stdout.contains("eval"), "{}", run.stdout);

    let run = tenet(&["eval", "--help"]);
    run.assert_code(0);
    for option in ["--policy", "--today", "--format", "--fail-on", "--kind", "--max-file-size"] {
        assert!(run.stdout.contains(option), "`{option}` missing from eval --help:\n{}", run.stdout);
    }

    let run = tenet(&["check", "--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Usage: tenet check"), "{}", run.stdout);

    let run = tenet(&["--version"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("tenet "), "{}", run.stdout);
}

// ------------------------------------------------------------------ 11. JSON report

const AREAS: [&str; 5] = ["privacy", "bias", "transparency", "workers", "accountability"];
const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];
const STATUSES: [&str; 5] = ["satisfied", "violated", "not_applicable", "undetermined", "waived"];

/// Checks that a non-absent evidence value is written at its line and column of the source.
#[track_caller]
fn assert_evidence_position(text: &str, source: &str, obligation: &str, e: &Value) {
    let line = e["line"].as_u64().unwrap_or_else(|| panic!("{source} {obligation}: no line in {e}"));
    let column = e["column"].as_u64().unwrap_or_else(|| panic!("{source} {obligation}: no column in {e}"));
    assert!(line >= 1 && column >= 1, "{source} {obligation}: {e}");
    let src_line = text
        .lines()
        .nth(usize::try_from(line - 1).unwrap())
        .unwrap_or_else(|| panic!("{source} {obligation}: line {line} past the end: {e}"));
    let rest: String = src_line.chars().skip(usize::try_from(column - 1).unwrap()).collect();
    assert!(!rest.is_empty(), "{source} {obligation}: column {column} past the end of line {line}: {e}");
    if e["absent"] == true {
        return;
    }
    let ok = match &e["value"] {
        Value::Bool(b) => rest.starts_with(&b.to_string()),
        Value::Number(n) => rest.starts_with(&n.to_string()),
        Value::Array(_) => rest.starts_with('[') || rest.starts_with('-'),
        Value::Object(_) => rest.starts_with('{'),
        Value::String(s) => {
            // Durations and percents are shown normalised (`48` hours → `2d`, `0.62` → `62%`).
            let normalised = s.ends_with('%') || s.chars().next().is_some_and(|c| c.is_ascii_digit());
            normalised
                || rest.starts_with(s.as_str())
                || rest.starts_with(&format!("\"{s}"))
                || rest.starts_with(&format!("'{s}"))
        }
        Value::Null => false,
    };
    assert!(ok, "{source} {obligation}: {e} is not at {line}:{column}, which reads `{rest}`");
}

#[test]
fn json_report_has_the_documented_shape() {
    let run = tenet(&["eval", "--format", "json", "--today", TODAY, "--policy", POLICIES, "examples/documents"]);
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["today"], TODAY);
    let docs = report["documents"].as_array().expect("documents array");
    assert!(docs.len() >= 12, "{} documents", docs.len());

    let mut violated_with_evidence_by_format = std::collections::BTreeMap::<&str, usize>::new();
    let mut by_status = std::collections::BTreeMap::<String, u64>::new();
    for doc in docs {
        let source = doc["source"].as_str().expect("source is a string");
        assert!(source.starts_with("examples/documents/"), "{source}");
        assert!(doc["id"].is_string() || doc["id"].is_null(), "{doc}");
        assert!(doc["id"].is_string(), "every example has an id: {source}");
        let kind = doc["kind"].as_str().expect("kind");
        assert!(["Contract", "AiSystem"].contains(&kind), "{source}: {kind}");
        assert_eq!(doc["evaluated"], true, "{source}");
        let text = std::fs::read_to_string(root().join(source)).unwrap();
        let format = source.rsplit('.').next().unwrap();
        let findings = doc["findings"].as_array().expect("findings array");
        assert!(!findings.is_empty(), "{source}");
        for f in findings {
            let obligation = f["obligation"].as_str().expect("obligation");
            assert!(
                (obligation.starts_with("std.") || obligation.starts_with("northwind."))
                    && obligation.matches('.').count() >= 1,
                "not qualified: {obligation}"
            );
            assert!(AREAS.contains(&f["area"].as_str().unwrap()), "{f}");
            assert!(SEVERITIES.contains(&f["severity"].as_str().unwrap()), "{f}");
            let status = f["status"].as_str().unwrap();
            assert!(STATUSES.contains(&status), "{f}");
            *by_status.entry(status.to_string()).or_default() += 1;
            assert!(!f["message"].as_str().expect("message").is_empty(), "{f}");
            let cite = f["cite"].as_array().expect("cite is an array");
            assert!(!cite.is_empty() && cite.iter().all(Value::is_string), "{f}");
            let evidence = f["evidence"].as_array().expect("evidence array");
            for e in evidence {
                assert!(e["path"].is_string(), "{e}");
                assert!(e.get("value").is_some(), "{e}");
                assert!(e.get("line").is_some() && e.get("column").is_some(), "{e}");
            }
            if status == "violated" {
                assert!(!evidence.is_empty(), "{source} {obligation}: violated without evidence");
                for e in evidence {
                    assert_evidence_position(&text, source, obligation, e);
                }
                *violated_with_evidence_by_format
                    .entry(match format {
                        "yml" => "yaml",
                        f => f,
                    })
                    .or_default() += 1;
            }
            if status == "waived" {
                assert!(f["waiver"]["reason"].is_string() && f["waiver"]["original_status"].is_string(), "{f}");
            }
        }
    }
    for format in ["yaml", "json", "toml"] {
        assert!(
            violated_with_evidence_by_format.get(format).copied().unwrap_or(0) > 0,
            "no violated finding from a {format} document: {violated_with_evidence_by_format:?}"
        );
    }

    let summary = &report["summary"];
    assert!(summary.is_object(), "summary");
    assert_eq!(summary["documents"].as_u64(), Some(u64::try_from(docs.len()).unwrap()));
    assert_eq!(summary["documents_with_errors"], 0);
    for status in STATUSES {
        assert_eq!(
            summary["by_status"][status].as_u64().unwrap_or(0),
            by_status.get(status).copied().unwrap_or(0),
            "summary.by_status.{status}"
        );
    }
    assert!(report["waivers"].is_array());
    let overrides = report["overrides"].as_array().expect("overrides array");
    assert!(
        overrides.iter().any(|o| o["parameter"] == "std.privacy.max_breach_notice"
            && o["value"] == "24h"
            && o["default"] == "48h"
            && o["defined_at"].as_str().is_some_and(|d| d.starts_with("examples/policies/northwind.tenet:"))),
        "{overrides:?}"
    );
    assert_eq!(report["policy_diagnostics"], serde_json::json!([]));
}

#[test]
fn json_evidence_positions_for_yaml_json_and_toml() {
    // One known value per format, at its exact line and column.
    let (_, report) = eval_json(
        &[],
        &[
            Path::new("examples/documents/contracts/harbour-crm.yaml"),
            Path::new("examples/documents/contracts/pixelforge-creative.json"),
            Path::new("examples/documents/contracts/loop-analytics.toml"),
        ],
    );
    let find = |source: &str, obligation: &str, path: &str| -> Value {
        let doc = json_doc(&report, Path::new(source));
        let f = doc["findings"].as_array().unwrap().iter().find(|f| f["obligation"] == obligation).unwrap();
        assert_eq!(f["status"], "violated", "{f}");
        f["evidence"].as_array().unwrap().iter().find(|e| e["path"] == path).cloned().unwrap()
    };
    let e = find(
        "examples/documents/contracts/harbour-crm.yaml",
        "std.privacy.security_of_processing",
        "dpa.security_measures",
    );
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        position_of("examples/documents/contracts/harbour-crm.yaml", "security_measures: ", "["),
        "{e}"
    );
    assert_eq!(e["value"], serde_json::json!(["encryption_in_transit", "access_control", "backups"]));

    let e = find(
        "examples/documents/contracts/pixelforge-creative.json",
        "std.privacy.transfer_impact_assessment",
        "transfers[0].tia_done",
    );
    let text = std::fs::read_to_string(root().join("examples/documents/contracts/pixelforge-creative.json")).unwrap();
    let (line_no, line) = text.lines().enumerate().find(|(_, l)| l.contains("\"tia_done\": false")).unwrap();
    let column = line.find("\"tia_done\": false").unwrap() + "\"tia_done\": ".len() + 1;
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(u64::try_from(line_no + 1).unwrap()), Some(u64::try_from(column).unwrap())),
        "{e}"
    );
    assert_eq!(e["value"], false);

    let e = find(
        "examples/documents/contracts/loop-analytics.toml",
        "std.privacy.special_category_safeguards",
        "data.categories",
    );
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        position_of("examples/documents/contracts/loop-analytics.toml", "categories = ", "["),
        "{e}"
    );
    assert_eq!(e["value"], serde_json::json!(["contact", "behavioural", "health"]));
}

/// 1-based line and column of `value` where it follows `key` on a line of the file.
fn position_of(file: &str, key: &str, value: &str) -> (Option<u64>, Option<u64>) {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let (line_no, line) = text.lines().enumerate().find(|(_, l)| l.contains(&format!("{key}{value}"))).unwrap();
    let column = line.find(&format!("{key}{value}")).unwrap() + key.len() + 1;
    (Some(u64::try_from(line_no + 1).unwrap()), Some(u64::try_from(column).unwrap()))
}

// ------------------------------------------------------------------ 12. missing optional data

#[test]
fn absent_optional_field_is_undetermined_with_absent_evidence() {
    let fx = Fixture::new();
    // A processor whose DPA does not say how soon it reports a breach.
    let doc =
        fx.write("silent.yaml", "kind: Contract\nid: silent\nvendor: {role: processor}\ndpa: {audit_rights: true}\n");
    let good = fx.good();
    let (run, report) = eval_json(&[], &[&good, &doc]);
    run.assert_code(0);
    assert_good_evaluated_json(&report, &good);
    let d = json_doc(&report, &doc);
    assert_eq!(d["evaluated"], true);
    let f = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["obligation"] == "std.privacy.breach_notice_to_controller")
        .unwrap();
    assert_eq!(f["status"], "undetermined", "{f:#}");
    let evidence = f["evidence"].as_array().unwrap();
    let absent = evidence.iter().find(|e| e["path"] == "dpa.breach_notice_hours").expect("evidence names the field");
    assert_eq!(absent["absent"], true);
    assert_eq!(absent["value"], Value::Null);
    // Pointed at the `dpa` map that lacks it.
    assert_eq!((absent["line"].as_u64(), absent["column"].as_u64()), (Some(4), Some(6)), "{absent}");
    let role = evidence.iter().find(|e| e["path"] == "vendor.role").unwrap();
    assert_eq!((role["absent"].clone(), role["value"].clone()), (Value::Bool(false), Value::from("processor")));

    // And in the examples: the Shiftwise scheduler does not say when workers were informed.
    let planner = Path::new("examples/documents/ai-systems/shiftwise-scheduler.yaml");
    let (_, report) = eval_json(&[], &[planner]);
    let f = json_doc(&report, planner)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["obligation"] == "std.workers.inform_workers_before_deployment")
        .cloned()
        .unwrap();
    assert_eq!(f["status"], "undetermined");
    let e = f["evidence"].as_array().unwrap().iter().find(|e| e["absent"] == true).cloned().unwrap();
    assert_eq!(e["path"], "workers.informed_on");
    assert!(e["line"].as_u64().is_some() && e["column"].as_u64().is_some(), "{e}");

    // The human output says so too.
    let run = eval(&[], &[&doc]);
    run.assert_code(0);
    assert!(run.stdout.contains("undetermined [high] std.privacy.breach_notice_to_controller"), "{}", run.stdout);
    assert!(run.stdout.contains("`dpa` has no `breach_notice_hours`"), "{}", run.stdout);
}

// ------------------------------------------------------------------ 13. --fail-on

/// The exit code `--fail-on threshold` should give for a report without input or policy errors.
fn expected_exit(report: &Value, threshold: Option<&str>) -> i32 {
    let Some(threshold) = threshold else { return 0 };
    let rank = |s: &str| SEVERITIES.iter().position(|x| *x == s).unwrap();
    let failing = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["findings"].as_array().unwrap())
        .any(|f| f["status"] == "violated" && rank(f["severity"].as_str().unwrap()) >= rank(threshold));
    i32::from(failing)
}

#[test]
fn fail_on_thresholds() {
    let examples = Path::new("examples/documents");
    let (run, report) = eval_json(&[], &[examples]);
    // The examples violate high-severity obligations: the default threshold fails.
    assert_eq!(expected_exit(&report, Some("high")), 1);
    run.assert_code(1);
    eval(&[], &[examples]).assert_code(1);

    eval(&["--fail-on", "none"], &[examples]).assert_code(0);
    for threshold in SEVERITIES {
        let expected = expected_exit(&report, Some(threshold));
        eval(&["--fail-on", threshold], &[examples]).assert_code(expected);
        eval(&["--format", "json", "--fail-on", threshold], &[examples]).assert_code(expected);
    }

    // A document whose worst violation is medium: fails at medium, not at the default.
    let imagegen = Path::new("examples/documents/ai-systems/pixelforge-imagegen.json");
    let (run, report) = eval_json(&[], &[imagegen]);
    assert_eq!(expected_exit(&report, Some("high")), 0);
    assert_eq!(expected_exit(&report, Some("medium")), 1);
    run.assert_code(0);
    eval(&["--fail-on", "medium"], &[imagegen]).assert_code(1);
    eval(&["--fail-on", "critical"], &[imagegen]).assert_code(0);

    // A waived violation does not fail: pixelforge-creative's only high finding is waived.
    let creative = Path::new("examples/documents/contracts/pixelforge-creative.json");
    let (_, report) = eval_json(&["--fail-on", "none"], &[creative]);
    let waived =
        report["documents"][0]["findings"].as_array().unwrap().iter().filter(|f| f["status"] == "waived").count();
    assert!(waived > 0);
    let expected = expected_exit(&report, Some("high"));
    eval(&["--fail-on", "high"], &[creative]).assert_code(expected);

    // Input errors take precedence over findings.
    let fx = Fixture::new();
    let bad = fx.write("bad.json", "{");
    eval(&[], &[examples, &bad]).assert_code(2);
    eval(&["--fail-on", "none"], &[examples, &bad]).assert_code(2);
}

// ------------------------------------------------------------------ multi-document streams

#[test]
fn a_broken_document_in_a_yaml_stream_keeps_the_ones_before_it() {
    let fx = Fixture::new();
    let stream = fx.write(
        "stream.yaml",
        "kind: Contract\nid: first\nvendor: {role: processor}\n---\nkind: Contract\nid: [second\n",
    );
    let (run, json) = eval_json(&["--fail-on", "none"], &[&stream]);
    run.assert_code(2);
    let docs = json_docs(&json, &stream);
    assert_eq!(docs.len(), 2, "{json:#}");
    assert_eq!(docs[0]["id"], "first");
    assert_eq!(docs[0]["evaluated"], true);
    assert_eq!(docs[1]["index"], 1);
    assert_eq!(docs[1]["evaluated"], false);
    assert_eq!(docs[1]["problems"][0]["code"], "tenet::input::syntax");
    // The unclosed `[` on line 6 is noticed where the stream ends.
    assert!(docs[1]["problems"][0]["line"].as_u64() >= Some(6), "{json:#}");
}

#[test]
fn an_enormous_line_is_located_without_a_snippet() {
    let fx = Fixture::new();
    let deep = fx.write("deep.yaml", format!("kind: Contract\nx: {}{}\n", "[".repeat(5000), "]".repeat(5000)));
    let run = eval(&[], &[&deep]);
    run.assert_code(2);
    assert!(run.stdout.contains(&format!("(at {}:2:", deep.display())), "{}", run.stdout);
    assert!(
        run.stdout.lines().all(|l| l.chars().count() < 1000),
        "a line of the report is longer than 1000 characters"
    );
}
