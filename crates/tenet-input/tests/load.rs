//! Loading each format: values, spans, multiple documents and limits.

use std::io::Write;
use std::sync::Arc;

use miette::Diagnostic;
use tenet_input::{DocSpan, Document, Format, Limits, LoadError, Node, NodeValue, Source, load, read_source};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn source(name: &str, text: &str, format: Format) -> Arc<Source> {
    Arc::new(Source::new(name, text, format))
}

fn load_one(name: &str, text: &str, format: Format) -> Result<Document, Box<dyn std::error::Error>> {
    let mut documents = load(source(name, text, format), &Limits::default())?;
    assert_eq!(documents.len(), 1);
    documents.pop().ok_or_else(|| "no document".into())
}

/// Follow `path` (keys and list indices) from the root.
fn at<'a>(document: &'a Document, path: &[&str]) -> Result<&'a Node, String> {
    let mut node = &document.root;
    for step in path {
        node = match &node.value {
            NodeValue::Map(_) => node.get(step),
            NodeValue::List(items) => step.parse::<usize>().ok().and_then(|index| items.get(index)),
            _ => None,
        }
        .ok_or_else(|| format!("no `{step}` in {path:?}"))?;
    }
    Ok(node)
}

/// The line:column where `node` starts, and its text.
fn located(document: &Document, node: &Node) -> String {
    let (line, column) = document.source.line_col(node.span.start);
    let text = document.source.text.get(node.span.range()).unwrap_or("<bad span>");
    format!("{line}:{column} {text}")
}

fn code(error: &LoadError) -> String {
    error.code().map(|code| code.to_string()).unwrap_or_default()
}

const YAML: &str = "\
# A vendor contract.
vendor:
  name: Acmé Analytics
  role: processor
dpa:
  breach_notice_hours: 48
  retention: '30'
transfers:
  - to: US
    share: 0.48
  - {to: \"IN\", mechanism: scc_2021_914, audited: TRUE, notes: ~, rate: 1e3}
empty:
";

#[test]
fn yaml_values_and_spans() -> TestResult {
    let document = load_one("contract.yaml", YAML, Format::Yaml)?;
    assert_eq!(document.index, 0);
    let share = at(&document, &["transfers", "0", "share"])?;
    assert_eq!(share.value, NodeValue::Number("0.48".into()));
    assert_eq!(located(&document, share), "10:12 0.48");
    let mechanism = at(&document, &["transfers", "1", "mechanism"])?;
    assert_eq!(located(&document, mechanism), "11:27 scc_2021_914");
    let to = at(&document, &["transfers", "1", "to"])?;
    assert_eq!(to.value, NodeValue::String("IN".into()));
    assert_eq!(located(&document, to), "11:10 \"IN\"");
    assert_eq!(at(&document, &["transfers", "1", "audited"])?.value, NodeValue::Bool(true));
    assert_eq!(at(&document, &["transfers", "1", "notes"])?.value, NodeValue::Null);
    assert_eq!(at(&document, &["transfers", "1", "rate"])?.value, NodeValue::Number("1e3".into()));
    assert_eq!(
        at(&document, &["dpa", "retention"])?.value,
        NodeValue::String("30".into()),
        "quoted scalars stay strings"
    );
    assert_eq!(at(&document, &["empty"])?.value, NodeValue::Null);
    // Columns count chars: `é` is two bytes.
    let role = at(&document, &["vendor", "role"])?;
    assert_eq!(located(&document, role), "4:9 processor");
    let NodeValue::Map(entries) = &at(&document, &["vendor"])?.value else {
        return Err("vendor is not a map".into());
    };
    let keys: Vec<_> = entries.iter().map(|entry| entry.key.as_str()).collect();
    assert_eq!(keys, ["name", "role"]);
    let name_key = entries.first().map(|entry| document.source.line_col(entry.key_span.start));
    assert_eq!(name_key, Some((3, 3)));
    // A flow collection spans its brackets.
    let flow = at(&document, &["transfers", "1"])?;
    assert!(located(&document, flow).starts_with("11:5 {to:"));
    assert!(located(&document, flow).ends_with("rate: 1e3}"));
    Ok(())
}

#[test]
fn yaml_stream_yields_one_document_per_part() -> TestResult {
    let text = "a: 1\n---\n- x\n- y\n---\nb: 'z'\n...\n";
    let documents = load(source("stream.yaml", text, Format::Yaml), &Limits::default())?;
    let indices: Vec<_> = documents.iter().map(|document| document.index).collect();
    assert_eq!(indices, [0, 1, 2]);
    let b = documents.get(2).ok_or("missing document")?;
    assert_eq!(located(b, at(b, &["b"])?), "6:4 'z'");
    let list = documents.get(1).ok_or("missing document")?;
    assert!(matches!(&list.root.value, NodeValue::List(items) if items.len() == 2));
    let empty = load(source("empty.yaml", "# nothing\n", Format::Yaml), &Limits::default())?;
    assert_eq!(empty.len(), 1, "a file of nothing is one empty document, reported as such");
    assert_eq!(empty[0].root.value, NodeValue::Null);
    Ok(())
}

#[test]
fn yaml_tags() -> TestResult {
    let document = load_one("t.yaml", "a: !!str 24\nb: !!int 24\n", Format::Yaml)?;
    assert_eq!(at(&document, &["a"])?.value, NodeValue::String("24".into()));
    assert_eq!(at(&document, &["b"])?.value, NodeValue::Number("24".into()));
    Ok(())
}

#[test]
fn a_bom_is_dropped_by_the_source_and_spans_stay_in_its_text() -> TestResult {
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        let text = match format {
            Format::Json => "\u{feff}{\"a\": {\"b\": [1, \"é\"]}}",
            Format::Toml => "\u{feff}[a]\nb = [1, \"é\"]\n",
            _ => "\u{feff}a:\n  b: [1, é]\n",
        };
        let source = Arc::new(Source::from_parts("bom".into(), Arc::from(text), format));
        assert!(!source.text.starts_with('\u{feff}'));
        let mut documents = load(source, &Limits::default())?;
        let document = documents.pop().ok_or("no document")?;
        let item = at(&document, &["a", "b", "1"])?;
        let written = document.source.text.get(item.span.range()).unwrap_or("");
        assert_eq!(written.trim_matches('"'), "é", "{format:?}");
    }
    Ok(())
}

#[test]
fn json_values_and_spans() -> TestResult {
    let text = "{\n  \"vendor\": {\"name\": \"Acm\\u00e9\", \"role\": \"processor\"},\n  \"transfers\": [\n    {\"to\": \"US\", \"share\": 0.48, \"count\": -3, \"big\": 1E+400}\n  ],\n  \"ok\": true, \"none\": null\n}\n";
    let document = load_one("contract.json", text, Format::Json)?;
    let share = at(&document, &["transfers", "0", "share"])?;
    assert_eq!(share.value, NodeValue::Number("0.48".into()));
    assert_eq!(located(&document, share), "4:27 0.48");
    assert_eq!(
        at(&document, &["transfers", "0", "big"])?.value,
        NodeValue::Number("1E+400".into()),
        "number text is kept exactly, whatever its size"
    );
    assert_eq!(at(&document, &["vendor", "name"])?.value, NodeValue::String("Acmé".into()));
    let transfers = at(&document, &["transfers"])?;
    assert_eq!(document.source.line_col(transfers.span.start), (3, 16));
    assert_eq!(document.source.line_col(transfers.span.end), (5, 4));
    assert_eq!(document.root.span, DocSpan::new(0, text.len() - 1));
    Ok(())
}

#[test]
fn toml_values_and_spans() -> TestResult {
    let text = "\
title = \"contract\"

[vendor]
name = \"Acmé\"
role = \"processor\"

[dpa]
breach_notice_hours = 48
signed = 2025-06-30
reviewed = 2025-06-30T10:00:00Z
limits = { hours = [24, 48.5], note = 'x' }

[[transfers]]
to = \"US\"
share = 0.48

[[transfers]]
to = \"IN\"
share = 1_000
";
    let document = load_one("contract.toml", text, Format::Toml)?;
    let share = at(&document, &["transfers", "1", "share"])?;
    assert_eq!(share.value, NodeValue::Number("1_000".into()));
    assert_eq!(located(&document, share), "19:9 1_000");
    let hours = at(&document, &["dpa", "limits", "hours", "1"])?;
    assert_eq!(hours.value, NodeValue::Number("48.5".into()));
    assert_eq!(located(&document, hours), "11:25 48.5");
    assert_eq!(at(&document, &["dpa", "signed"])?.value, NodeValue::Date("2025-06-30".into()));
    assert_eq!(at(&document, &["dpa", "reviewed"])?.value, NodeValue::String("2025-06-30T10:00:00Z".into()));
    let vendor = at(&document, &["vendor"])?;
    assert_eq!(located(&document, vendor), "3:1 [vendor]");
    let NodeValue::Map(entries) = &document.root.value else {
        return Err("root is not a map".into());
    };
    let keys: Vec<_> = entries.iter().map(|entry| entry.key.as_str()).collect();
    assert_eq!(keys, ["title", "vendor", "dpa", "transfers"]);
    let role_key = at(&document, &["vendor"])?.value.clone();
    let NodeValue::Map(vendor_entries) = role_key else {
        return Err("vendor is not a map".into());
    };
    let role = vendor_entries.get(1).map(|entry| document.source.line_col(entry.key_span.start));
    assert_eq!(role, Some((5, 1)));
    Ok(())
}

#[test]
fn equality_ignores_spans() -> TestResult {
    let compact = load_one("a.json", "{\"a\":[1,\"x\"]}", Format::Json)?;
    let spaced = load_one("b.yaml", "a:\n  - 1\n  - x\n", Format::Yaml)?;
    assert_eq!(compact.root, spaced.root);
    Ok(())
}

/// Run `work` on a thread with a normal 2 MiB stack, proving it needs no deep recursion.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(work)
        .map_err(|error| error.to_string())?
        .join()
        .map_err(|_| "the thread panicked or overflowed".to_owned())
}

const DEEP: usize = 100_000;

fn assert_too_deep(result: Result<Vec<Document>, LoadError>, text: &str, expected_offset: usize) {
    match result {
        Ok(_) => panic_free_fail("a 100,000-deep document loaded"),
        Err(error) => {
            assert_eq!(code(&error), "tenet::input::too_deep", "{error}");
            assert_eq!(error.to_string(), "document nests deeper than 128 levels");
            let span = error.span().unwrap_or_default();
            assert_eq!(span.start, expected_offset, "{error}");
            assert!(text.get(span.range()).is_some_and(|found| found.starts_with('[') || found.starts_with('-')));
        }
    }
}

fn panic_free_fail(message: &str) {
    assert!(message.is_empty(), "{message}");
}

#[test]
fn deep_json_is_too_deep_not_a_stack_overflow() -> TestResult {
    let result = on_small_stack(|| {
        let text = "[".repeat(DEEP) + &"]".repeat(DEEP);
        let outcome = load(source("deep.json", &text, Format::Json), &Limits::default());
        (text, outcome)
    })?;
    // 128 levels are allowed, so the 129th `[` (offset 128) passes the limit.
    assert_too_deep(result.1, &result.0, 128);
    Ok(())
}

#[test]
fn deep_yaml_is_too_deep_not_a_stack_overflow() -> TestResult {
    let flow = on_small_stack(|| {
        let text = "[".repeat(DEEP) + &"]".repeat(DEEP);
        let outcome = load(source("deep.yaml", &text, Format::Yaml), &Limits::default());
        (text, outcome)
    })?;
    assert_too_deep(flow.1, &flow.0, 128);
    let block = on_small_stack(|| {
        let text = "- ".repeat(DEEP) + "x\n";
        let outcome = load(source("deep.yaml", &text, Format::Yaml), &Limits::default());
        (text, outcome)
    })?;
    assert_too_deep(block.1, &block.0, 256);
    // Two block maps, then flow lists: the 127th `[` is level 129.
    let mixed = on_small_stack(|| {
        let text = "a:\n  b: ".to_owned() + &"[".repeat(DEEP) + &"]".repeat(DEEP);
        let outcome = load(source("deep.yaml", &text, Format::Yaml), &Limits::default());
        (text, outcome)
    })?;
    assert_too_deep(mixed.1, &mixed.0, 8 + 126);
    Ok(())
}

#[test]
fn deep_toml_is_too_deep_not_a_stack_overflow() -> TestResult {
    let result = on_small_stack(|| {
        let text = "a = ".to_owned() + &"[".repeat(DEEP) + "1" + &"]".repeat(DEEP);
        let outcome = load(source("deep.toml", &text, Format::Toml), &Limits::default());
        (text, outcome)
    })?;
    // The root table is level 1, so the 128th `[` passes the limit.
    assert_too_deep(result.1, &result.0, 4 + 127);

    // With a huge limit, toml_edit's own recursion limit still stops it, as too_deep.
    let unlimited = on_small_stack(|| {
        let text = "a = ".to_owned() + &"[".repeat(DEEP) + "1" + &"]".repeat(DEEP);
        let limits = Limits { max_depth: usize::MAX, ..Limits::default() };
        load(source("deep.toml", &text, Format::Toml), &limits).map(|documents| documents.len())
    })?;
    let error = unlimited.err().ok_or("loaded")?;
    assert_eq!(code(&error), "tenet::input::too_deep");
    Ok(())
}

#[test]
fn depth_limit_is_exact_in_every_format() -> TestResult {
    let limits = Limits { max_depth: 3, ..Limits::default() };
    for (name, format, ok, deep) in [
        ("a.json", Format::Json, "[[[1]]]", "[[[[1]]]]"),
        ("a.yaml", Format::Yaml, "[[[1]]]", "[[[[1]]]]"),
        ("a.yaml", Format::Yaml, "a:\n  b:\n    c: 1\n", "a:\n  b:\n    c:\n      d: 1\n"),
        ("a.toml", Format::Toml, "a = [[1]]", "a = [[[1]]]"),
        ("a.toml", Format::Toml, "[a]\nb = {c = 1}", "[a]\nb = {c = {d = 1}}"),
        ("a.toml", Format::Toml, "[a.b]\nc = 1", "[a.b.c]\nd = 1"),
    ] {
        assert!(load(source(name, ok, format), &limits).is_ok(), "{ok}");
        let error = load(source(name, deep, format), &limits).err();
        assert_eq!(error.as_ref().map(code).as_deref(), Some("tenet::input::too_deep"), "{deep}");
    }
    Ok(())
}

#[test]
fn fifty_megabytes_is_too_large() -> TestResult {
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("huge.yaml");
    let mut file = std::fs::File::create(&path)?;
    let line = "key: value that repeats to fill the file\n".repeat(1024);
    while file.metadata()?.len() < 50 * 1024 * 1024 {
        file.write_all(line.as_bytes())?;
    }
    drop(file);
    let size = std::fs::metadata(&path)?.len();
    let error = read_source(&path, &Limits::default()).err().ok_or("read a 50 MB file")?;
    assert_eq!(code(&error), "tenet::input::too_large");
    assert_eq!(error.to_string(), format!("`{}` is {size} bytes, over the limit of 16777216 bytes", path.display()));
    // `load` enforces the limit too, for sources built in memory.
    let limits = Limits { max_bytes: 4, ..Limits::default() };
    let error = load(source("small.json", "[1, 2]", Format::Json), &limits).err();
    assert_eq!(error.as_ref().map(code).as_deref(), Some("tenet::input::too_large"));
    Ok(())
}

#[test]
fn invalid_utf8_is_reported_with_line_and_column() -> TestResult {
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("latin1.yaml");
    std::fs::write(&path, b"vendor:\n  name: Caf\xe9\n")?;
    let error = read_source(&path, &Limits::default()).err().ok_or("read invalid utf-8")?;
    assert_eq!(code(&error), "tenet::input::utf8");
    assert_eq!(error.line_col(), Some((2, 12)));
    assert_eq!(error.to_string(), format!("`{}` is not valid utf-8: invalid byte at 2:12", path.display()));
    Ok(())
}

#[test]
fn read_source_takes_format_from_extension_and_drops_bom() -> TestResult {
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("c.toml");
    std::fs::write(&path, "\u{feff}a = 1\n")?;
    let source = read_source(&path, &Limits::default())?;
    assert_eq!(source.format, Format::Toml);
    assert_eq!(&*source.text, "a = 1\n");
    let other = directory.path().join("c.txt");
    std::fs::write(&other, "a = 1\n")?;
    let error = read_source(&other, &Limits::default()).err().ok_or("read .txt")?;
    assert_eq!(code(&error), "tenet::input::format");
    let missing = read_source(&directory.path().join("none.yaml"), &Limits::default()).err();
    assert_eq!(missing.as_ref().map(code).as_deref(), Some("tenet::input::io"));
    Ok(())
}

#[test]
fn duplicate_keys_in_every_format() -> TestResult {
    for (name, format, text, line_col) in [
        ("d.yaml", Format::Yaml, "a: 1\nb:\n  c: 1\n  c: 2\n", (4, 3)),
        ("d.json", Format::Json, "{\"a\": {\"c\": 1,\n \"c\": 2}}", (2, 2)),
        ("d.toml", Format::Toml, "[a]\nc = 1\nc = 2\n", (3, 1)),
    ] {
        let error = load(source(name, text, format), &Limits::default()).err().ok_or("loaded")?;
        assert_eq!(code(&error), "tenet::input::duplicate_key");
        assert_eq!(error.to_string(), "duplicate key `c`");
        assert_eq!(error.line_col(), Some(line_col), "{name}");
        assert_eq!(error.file(), name);
    }
    Ok(())
}

#[test]
fn a_broken_yaml_document_keeps_the_documents_before_it() {
    let source = Arc::new(Source::new("s.yaml", "a: 1\n---\nb: 2\n---\nc: [3\n", Format::Yaml));
    let (documents, error) = tenet_input::load_partial(source, &Limits::default());
    assert_eq!(documents.len(), 2);
    assert!(error.is_some());
}
