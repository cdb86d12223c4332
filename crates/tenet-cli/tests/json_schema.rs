//! `tenet schema`: the exported JSON Schemas, checked with a maintained validator (the
//! `jsonschema` crate) against every example document and every standard-library fixture
//! (YAML and TOML read by Tenet's own loaders, then given to the validator as JSON), and
//! against Tenet's validation: a value of the wrong type put anywhere in those documents fails
//! both.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::{root, tenet, tenet_in};
use tenet_input::{Format, Limits, Node, NodeValue, Source};

/// Documents that fail their exported schema on purpose, with the reason. Every other
/// document found must pass; a listed one that passes fails the test too.
const EXPECTED_TO_FAIL: &[(&str, &str)] = &[];

/// Where the documents are: the examples and the standard library's test fixtures.
const DOCUMENT_DIRS: &[&str] = &["examples/documents", "policies/std/tests/fixtures"];

/// More documents that must pass: the standard library's conformance suite and the real
/// contracts and configurations of `tests/real-documents`.
const MORE_DOCUMENT_DIRS: &[&str] = &["tests/std-conformance/documents", "tests/real-documents/documents"];

fn documents() -> Vec<PathBuf> {
    documents_in(DOCUMENT_DIRS)
}

fn documents_in(dirs: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if Format::from_path(&path).is_some() {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        walk(&root().join(dir), &mut out);
    }
    out.sort();
    out
}

/// The documents of `path` (JSON, YAML or TOML; a YAML stream holds several) as JSON.
fn documents_json(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let format = Format::from_path(path).unwrap();
    let source = Arc::new(Source::new(path.display().to_string(), &text, format));
    let documents = tenet_input::load(source, &Limits::default()).unwrap();
    assert!(!documents.is_empty(), "{} holds no document", path.display());
    documents.iter().map(|d| to_json(&d.root)).collect()
}

fn to_json(node: &Node) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Number(text) => {
            let plain = text.replace('_', "");
            match plain.parse::<i64>() {
                Ok(i) => json!(i),
                Err(_) => serde_json::from_str::<serde_json::Number>(&plain)
                    .map(Value::Number)
                    .unwrap_or_else(|_| panic!("`{text}` is not a JSON number")),
            }
        }
        NodeValue::String(s) | NodeValue::Date(s) => Value::String(s.clone()),
        NodeValue::List(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => Value::Object(entries.iter().map(|e| (e.key.clone(), to_json(&e.value))).collect()),
    }
}

/// The schema `tenet schema KIND` prints, after checking it against the 2020-12 meta-schema.
fn exported(kind: &str, extra: &[&str]) -> Value {
    let run = tenet(&[&["schema", kind][..], extra].concat());
    run.assert_code(0);
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(jsonschema::meta::is_valid(&schema), "`tenet schema {kind}` is not a valid JSON Schema:\n{}", run.stdout);
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    schema
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options().should_validate_formats(true).build(schema).unwrap()
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{e} at `{}`", e.instance_path())).collect()
}

/// The validators of the standard library's document kinds, by the names a `kind:` gives.
fn std_validators() -> BTreeMap<String, jsonschema::Validator> {
    let mut out = BTreeMap::new();
    for kind in ["Contract", "AiSystem"] {
        let schema = exported(kind, &[]);
        let names: Vec<String> =
            schema["properties"]["kind"]["enum"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
        let compiled = validator(&schema);
        for name in names {
            out.insert(name.trim_matches('"').to_string(), validator(&schema));
        }
        out.insert(kind.to_string(), compiled);
    }
    out
}

#[test]
fn every_example_and_fixture_document_passes_its_exported_schema() {
    let validators = std_validators();
    let paths = documents_in(&[DOCUMENT_DIRS, MORE_DOCUMENT_DIRS].concat());
    assert!(paths.len() >= 150, "found only {} documents", paths.len());
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut count = 0;
    for path in &paths {
        let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
        for document in documents_json(path) {
            let kind = document["kind"].as_str().unwrap_or_else(|| panic!("{name} has no kind"));
            let validator = validators.get(kind).unwrap_or_else(|| panic!("{name}: no schema for `{kind}`"));
            let found = errors(validator, &document);
            if !found.is_empty() {
                failures.entry(name.clone()).or_default().extend(found);
            }
            count += 1;
        }
    }
    // 155 files, 156 documents (a YAML stream holds two).
    assert!(count > paths.len(), "{count} documents in {} files", paths.len());
    let expected: BTreeMap<&str, &str> = EXPECTED_TO_FAIL.iter().copied().collect();
    for (name, found) in &failures {
        assert!(expected.contains_key(name.as_str()), "{name} fails its schema:\n{}", found.join("\n"));
    }
    for name in expected.keys() {
        assert!(failures.contains_key(*name), "{name} is listed as failing its schema, but passes");
    }
}

/// Every field of `value`, with the path to it (JSON pointer tokens).
fn leaves(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                path.push(key.clone());
                out.push(path.clone());
                leaves(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                out.push(path.clone());
                leaves(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1"))).collect()
}

/// Whether Tenet's own validation refuses `document` (an error, not a warning).
fn tenet_refuses(engine: &tenet::Engine, document: &Value) -> bool {
    let today = jiff::civil::date(2026, 11, 28);
    let text = serde_json::to_string(document).unwrap();
    let results = engine.evaluate_text("mutated.json", &text, Some(Format::Json), today);
    results.iter().any(|r| r.diagnostics.iter().any(tenet_syntax::Diagnostic::is_error))
}

#[test]
fn a_value_of_the_wrong_type_anywhere_fails_the_schema_and_validation_alike() {
    let validators = std_validators();
    let engine = tenet::Engine::standard_library().unwrap();
    let mut checked = 0;
    let documents = documents().into_iter().flat_map(|p| documents_json(&p).into_iter().map(move |d| (p.clone(), d)));
    for (path, document) in documents {
        let kind = document["kind"].as_str().unwrap().to_string();
        let validator = &validators[&kind];
        assert!(!tenet_refuses(&engine, &document), "{}: Tenet refuses the document itself", path.display());
        let mut fields = Vec::new();
        leaves(&document, &mut Vec::new(), &mut fields);
        for field in fields.iter().filter(|f| f.first().is_none_or(|k| k != "kind")) {
            let mut mutated = document.clone();
            let slot = mutated.pointer_mut(&pointer(field)).unwrap();
            // A mapping where a scalar or list belongs, a list where a mapping belongs.
            let wrong = match slot {
                Value::Object(_) => json!([1]),
                _ => json!({ "not": "a value of this field" }),
            };
            *slot = wrong;
            let schema_errors = errors(validator, &mutated);
            assert!(
                !schema_errors.is_empty(),
                "{}: a wrong type at `{}` passes the schema",
                path.display(),
                pointer(field)
            );
            assert!(
                tenet_refuses(&engine, &mutated),
                "{}: a wrong type at `{}` fails the schema ({}) but passes validation",
                path.display(),
                pointer(field),
                schema_errors.join("; ")
            );
            checked += 1;
        }
    }
    // 794 values in the examples and fixtures.
    assert!(checked > 700, "only {checked} values changed");
}

#[test]
fn the_written_forms_of_dates_durations_and_percentages_pass_and_others_fail() {
    let contract = validator(&exported("Contract", &[]));
    let system = validator(&exported("AiSystem", &[]));
    let engine = tenet::Engine::standard_library().unwrap();
    let contract_with = |field: &str, value: Value| {
        let (outer, inner) = field.split_once('.').unwrap();
        json!({ "kind": "Contract", "id": "c", outer: { inner: value } })
    };
    // `breach_notice_hours` is `duration(hours)`: a bare number counts hours.
    let cases = [
        ("dpa.breach_notice_hours", json!(24), true),
        ("dpa.breach_notice_hours", json!("2d"), true),
        ("dpa.breach_notice_hours", json!(" 10 bd "), true),
        ("dpa.breach_notice_hours", json!(null), true),
        ("dpa.breach_notice_hours", json!("72 hours"), false),
        ("dpa.breach_notice_hours", json!("P3D"), false),
        ("dpa.breach_notice_hours", json!(-1), false),
        ("dpa.breach_notice_hours", json!(2.5), false),
        ("dpa.breach_notice_hours", json!(true), false),
        ("vendor.role", json!("processor"), true),
        ("vendor.role", json!("procesor"), false),
        ("audit.last_security_test", json!("2025-08-19"), true),
        ("audit.last_security_test", json!("04/2024"), true),
        ("audit.last_security_test", json!("2024-Q2"), true),
        ("audit.last_security_test", json!("2023-11/2024-02"), true),
        ("audit.last_security_test", json!(2024), true),
        ("audit.last_security_test", json!("2024/04/01"), false),
        ("audit.last_security_test", json!("April 2024"), false),
        ("audit.last_security_test", json!(24), false),
        ("data.retention_days", json!(30), true),
        ("data.retention_days", json!("30"), false),
    ];
    for (field, value, valid) in cases {
        let document = contract_with(field, value.clone());
        let found = errors(&contract, &document);
        assert_eq!(found.is_empty(), valid, "{field} = {value}: {found:?}");
        assert_eq!(tenet_refuses(&engine, &document), !valid, "{field} = {value}: Tenet disagrees with the schema");
    }
    // A percentage: a fraction, or text from 0% to 100%.
    let share = |share: Value| json!({ "kind": "AiSystem", "id": "s", "bias_audit": { "categories": [{ "name": "women", "share": share }] } });
    for (value, valid) in
        [(json!(0.48), true), (json!("48%"), true), (json!(1.5), false), (json!("48"), false), (json!("x%"), false)]
    {
        let document = share(value.clone());
        let found = errors(&system, &document);
        assert_eq!(found.is_empty(), valid, "share = {value}: {found:?}");
        assert_eq!(tenet_refuses(&engine, &document), !valid, "share = {value}: Tenet disagrees with the schema");
    }
}

#[test]
fn fields_the_schema_does_not_declare_are_allowed_unless_strict() {
    let document = json!({ "kind": "Contract", "id": "c", "vendorr": { "role": "processor" } });
    assert!(errors(&validator(&exported("Contract", &[])), &document).is_empty());
    let strict = validator(&exported("Contract", &["--strict"]));
    let found = errors(&strict, &document);
    assert!(found.iter().any(|e| e.contains("vendorr")), "{found:?}");
    // The kind's names are the only values of `kind`.
    let other = json!({ "kind": "AiSystem", "id": "c" });
    assert!(!errors(&validator(&exported("Contract", &[])), &other).is_empty());
}

#[test]
fn the_schema_carries_doc_comments_enums_and_the_kind() {
    let schema = exported("std.model.Contract", &["--id", "https://example.com/contract.json"]);
    assert_eq!(schema["$id"], "https://example.com/contract.json");
    assert_eq!(schema["title"], "Contract");
    assert_eq!(schema["properties"]["kind"]["enum"], json!(["Contract", "std.model.Contract"]));
    assert!(schema["properties"]["vendor"]["description"].as_str().unwrap().starts_with("Who the vendor is"));
    assert_eq!(schema["$defs"]["std.model.Role"]["enum"], json!(["processor", "controller", "joint_controller"]));
    assert_eq!(schema["properties"]["vendor"]["anyOf"][0]["$ref"], "#/$defs/std.model.Vendor");
    // Editors show a message, not the regular expression.
    assert!(schema["$defs"]["duration"]["patternErrorMessage"].as_str().unwrap().contains("48h"));
    // Every field of the standard model is optional.
    assert!(schema.get("required").is_none());
}

#[test]
fn an_unknown_kind_is_an_error_with_did_you_mean() {
    let run = tenet(&["schema", "Contrakt"]);
    run.assert_code(2);
    assert!(run.stderr.contains("tenet::E0705"), "{}", run.stderr);
    assert!(run.stderr.contains("no schema for documents of kind `Contrakt`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `Contract`?"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_kind_two_schemas_answer_to_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.tenet"),
        "package acme.a\n\nschema Contract {\n  /// Ours.\n  owner: string,\n}\n\nobligation owned on Contract {\n  area: accountability\n  severity: low\n  cite: \"Acme §1\"\n  must owner == \"us\"\n}\n",
    )
    .unwrap();
    let policy = dir.path().display().to_string();
    let run = tenet(&["schema", "Contract", "--policy", &policy]);
    run.assert_code(2);
    assert!(run.stderr.contains("tenet::E0708"), "{}", run.stderr);
    assert!(run.stderr.contains("acme.a.Contract"), "{}", run.stderr);
    // The qualified name selects one, with its required field.
    let run = tenet(&["schema", "acme.a.Contract", "--policy", &policy]);
    run.assert_code(0);
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["required"], json!(["owner"]));
    assert_eq!(schema["properties"]["owner"]["description"], "Ours.");
    assert_eq!(schema["properties"]["kind"]["enum"], json!(["acme.a.Contract"]));
}

#[test]
fn all_writes_one_file_per_kind_and_output_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let run = tenet_in(&root(), &[], &["schema", "--all", out.to_str().unwrap()]);
    run.assert_code(0);
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["AiSystem.schema.json", "Contract.schema.json"]);
    let file = dir.path().join("contract.json");
    tenet(&["schema", "Contract", "-o", file.to_str().unwrap()]).assert_code(0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        std::fs::read_to_string(out.join("Contract.schema.json")).unwrap()
    );
}
