//! Properties of `tenet eval`'s machine-readable reports over generated inputs: generated
//! documents with random edits (strings of any characters, control characters included, huge
//! numbers, wrong types, removed fields, lines that are not JSON), given as NDJSON and as a
//! JSON file:
//!
//! - the JSON report is JSON, and the NDJSON report is one JSON object per line;
//! - the NDJSON lines are exactly the JSON report's `documents`, in order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

use proptest::prelude::*;
use serde_json::Value;
use support::tenet;

/// One random edit of a generated document's top-level field (chosen by index).
#[derive(Clone, Debug)]
enum Edit {
    Text(usize, String),
    Number(usize, String),
    Null(usize),
    Remove(usize),
    Nest(usize),
    Add(String, String),
}

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..16).prop_map(|chars| chars.into_iter().collect())
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any_text()).prop_map(|(i, s)| Edit::Text(i, s)),
        (any::<usize>(), prop::sample::select(vec!["0", "-1", "1e400", "123456789012345678901234567890123", "0.1e-9"]))
            .prop_map(|(i, n)| Edit::Number(i, n.to_string())),
        any::<usize>().prop_map(Edit::Null),
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Nest),
        (any_text(), any_text()).prop_map(|(k, v)| Edit::Add(k, v)),
    ]
}

/// The JSON text of `document` after `edits` (numbers are spliced in as written).
fn edited(document: &Value, edits: &[Edit]) -> String {
    let mut object = document.as_object().unwrap().clone();
    let mut numbers = Vec::new();
    for edit in edits {
        let keys: Vec<String> = object.keys().cloned().collect();
        let key = |i: usize| keys.get(i % keys.len().max(1)).cloned();
        match edit {
            Edit::Text(i, s) => {
                if let Some(k) = key(*i) {
                    object.insert(k, Value::String(s.clone()));
                }
            }
            Edit::Number(i, n) => {
                if let Some(k) = key(*i) {
                    let marker = format!("@number{}@", numbers.len());
                    object.insert(k, Value::String(marker.clone()));
                    numbers.push((format!("\"{marker}\""), n.clone()));
                }
            }
            Edit::Null(i) => {
                if let Some(k) = key(*i) {
                    object.insert(k, Value::Null);
                }
            }
            Edit::Remove(i) => {
                if let Some(k) = key(*i) {
                    object.remove(&k);
                }
            }
            Edit::Nest(i) => {
                if let Some(k) = key(*i) {
                    let inner = object[&k].clone();
                    object.insert(k, serde_json::json!([{ "x": inner }]));
                }
            }
            Edit::Add(k, v) => {
                object.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    let mut text = Value::Object(object).to_string();
    for (marker, number) in numbers {
        text = text.replace(&marker, &number);
    }
    text
}

fn eval(format: &str, inputs: &[&str]) -> support::Run {
    let mut args = vec!["eval", "--color", "never", "--today", "2026-11-28", "--fail-on", "none", "--format", format];
    args.extend_from_slice(inputs);
    let run = tenet(&args);
    run.assert_no_crash();
    assert!(matches!(run.code, Some(0 | 2)), "exit code {:?}\n{}", run.code, run.stderr);
    run
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn json_reports_parse_and_ndjson_agrees_with_json(
        seed in any::<u64>(),
        edits in prop::collection::vec(prop::collection::vec(edit(), 0..4), 1..6),
        garbage in prop::option::of((any::<usize>(), "[a-z0-9{}\\[\\]\",:]{1,20}")),
    ) {
        let mut lines: Vec<String> = tenet_gen::documents(tenet_gen::Kind::Mixed, seed)
            .zip(&edits)
            .map(|(document, edits)| edited(&document, edits))
            .collect();
        if let Some((at, text)) = garbage {
            lines.insert(at % (lines.len() + 1), text);
        }
        let dir = tempfile::tempdir().unwrap();
        let ndjson = dir.path().join("docs.ndjson");
        std::fs::write(&ndjson, lines.join("\n") + "\n").unwrap();
        let json_file = dir.path().join("first.json");
        std::fs::write(&json_file, &lines[0]).unwrap();
        let inputs = [ndjson.to_str().unwrap(), json_file.to_str().unwrap()];

        let report = eval("json", &inputs).json();
        let streamed = eval("ndjson", &inputs);
        // Each NDJSON line is a document of the JSON report plus the run record (`run`).
        let documents: Vec<Value> = streamed
            .stdout
            .lines()
            .map(|line| {
                let mut document: Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                let run = document.as_object_mut().and_then(|o| o.remove("run"));
                assert!(run.is_some_and(|r| r["run_id"].is_string() && r["today"] == "2026-11-28"), "a run record: {line}");
                document
            })
            .collect();
        prop_assert_eq!(documents.len(), lines.len() + 1, "one line per document");
        prop_assert_eq!(&Value::Array(documents), &report["documents"]);
        prop_assert_eq!(report["summary"]["documents"].as_u64(), Some(lines.len() as u64 + 1));
    }
}
