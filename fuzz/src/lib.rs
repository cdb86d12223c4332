//! The checks behind Tenet's fuzz targets, one function per target (`fuzz_targets/*.rs` call
//! them; `tests/replay.rs` runs them over the kept inputs on stable Rust). Each takes the
//! fuzzer's bytes, drives one input surface, and panics when a property fails: a crash, a span
//! outside its text, a formatter that is not idempotent, a loader that disagrees with its
//! reference. See docs/fuzzing.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a failed check is a crash the fuzzer reports"
)]

use std::cell::RefCell;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use tenet_input::{Format, Limits, LoadError, Node, NodeValue, Source};

/// Every target, by name, as `fuzz_targets/NAME.rs` and `corpus/NAME` call it.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("parse_check", parse_check),
    ("evaluate", evaluate),
    ("load_yaml", load_yaml),
    ("load_json", load_json),
    ("load_toml", load_toml),
    ("load_ndjson", load_ndjson),
    ("manifest", manifest),
    ("lock", lock),
    ("archive", archive),
    ("format", format),
    ("lsp_transport", lsp_transport),
    ("json_vs_serde", json_vs_serde),
    ("yaml_vs_events", yaml_vs_events),
];

/// Limits small enough that one input cannot take the fuzzer's memory.
fn limits() -> Limits {
    Limits { max_bytes: 1 << 20, ..Limits::default() }
}

/// Every span in `text` must lie inside it, on character boundaries.
fn assert_in(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end && end <= text.len(), "{what}: span {start}..{end} outside a text of {} bytes", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{what}: span {start}..{end} cuts a character");
}

fn assert_node_spans(text: &str, node: &Node) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        assert_in(text, node.span.start, node.span.end, "node");
        match &node.value {
            NodeValue::List(items) => stack.extend(items),
            NodeValue::Map(entries) => {
                for entry in entries {
                    assert_in(text, entry.key_span.start, entry.key_span.end, "key");
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
}

/// A load error's span lies in the text it was found in (for NDJSON, its line).
fn assert_error_located(error: &LoadError) {
    let text = match error {
        LoadError::Syntax { src, .. } | LoadError::TooDeep { src, .. } | LoadError::DuplicateKey { src, .. } => {
            Some(&*src.text)
        }
        _ => None,
    };
    if let (Some(text), Some(span)) = (text, error.span()) {
        assert_in(text, span.start, span.end, "load error");
    }
    let _ = error.line_col();
    let _ = error.to_string();
}

// ------------------------------------------------------------------ policies

thread_local! {
    /// One workspace with two user files and the standard library, reused between inputs so
    /// the library is checked once (salsa re-checks only what an input changes).
    static WORKSPACE: RefCell<(tenet::load::LoadedPolicies, tenet_db::SourceFile, tenet_db::SourceFile)> =
        RefCell::new(workspace());
}

fn workspace() -> (tenet::load::LoadedPolicies, tenet_db::SourceFile, tenet_db::SourceFile) {
    let mut sources = tenet::load::load(&[], tenet::Std::Include).sources();
    for path in ["fuzz/a.tenet", "fuzz/b.tenet"] {
        sources.files.insert(0, tenet::PolicySource { path: path.into(), text: String::new(), library: false });
    }
    let loaded = tenet::load_sources(&sources);
    let (Some(&a), Some(&b)) = (loaded.files.first(), loaded.files.get(1)) else { unreachable!("two user files") };
    (loaded, a, b)
}

/// Parse and check arbitrary text (split at the first NUL into two files of one workspace,
/// beside the standard library), compile the program, and check that every diagnostic lies
/// inside its file.
pub fn parse_check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (first, second) = text.split_once('\0').unwrap_or((text, ""));
    // Parsing alone, without salsa, is what the formatter and the splitter use.
    let parsed = tenet_syntax::parse_file(first);
    for error in &parsed.errors {
        assert_in(first, error.span.start as usize, error.span.end as usize, "syntax error");
    }
    WORKSPACE.with_borrow_mut(|(loaded, a, b)| {
        use salsa::Setter as _;
        a.set_text(&mut loaded.db).to(first.to_string());
        b.set_text(&mut loaded.db).to(second.to_string());
        for located in loaded.diagnostics() {
            let span = located.diagnostic.span;
            assert_in(located.text, span.start as usize, span.end as usize, "diagnostic");
            let _ = tenet_text::LineIndex::new(located.text).line_col(located.text, span.start as usize);
        }
        let engine = tenet::Engine::from_loaded(loaded);
        let _ = engine.problems().len();
    });
}

// ------------------------------------------------------------------ evaluation

fn std_engine() -> &'static tenet::Engine {
    static ENGINE: OnceLock<tenet::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| tenet::Engine::standard_library().expect("the standard library checks"))
}

/// The format the first byte picks (`None`: by sniffing), and the rest as text.
fn format_and_text(data: &[u8]) -> Option<(Option<Format>, &str)> {
    let (&first, rest) = data.split_first()?;
    let format = match first % 5 {
        0 => Some(Format::Yaml),
        1 => Some(Format::Json),
        2 => Some(Format::Toml),
        3 => Some(Format::Ndjson),
        _ => None,
    };
    Some((format, std::str::from_utf8(rest).ok()?))
}

/// Evaluate an arbitrary document (its format picked by the first byte) against the embedded
/// standard library, explaining every finding; the result must not depend on the run, its
/// diagnostics must lie in the document, and its report must serialise to JSON that parses.
pub fn evaluate(data: &[u8]) {
    let Some((format, text)) = format_and_text(data) else { return };
    let engine = std_engine();
    let today = jiff::civil::date(2026, 11, 28);
    let evaluation = engine.evaluation(today).with_explain(tenet::Explain::All);
    let results = engine.evaluate_text_with(&evaluation, "fuzz", text, format, None);
    let again = engine.evaluate_text_with(&evaluation, "fuzz", text, format, None);
    let reports: Vec<_> = results.iter().map(|r| &r.report).collect();
    let reports_again: Vec<_> = again.iter().map(|r| &r.report).collect();
    assert_eq!(reports, reports_again, "evaluation is not deterministic");
    for result in &results {
        for diagnostic in &result.diagnostics {
            assert_in(&result.source.text, diagnostic.span.start, diagnostic.span.end, "document diagnostic");
        }
        let json = serde_json::to_string(&result.report).expect("a report serialises");
        let _: serde_json::Value = serde_json::from_str(&json).expect("a report's JSON parses");
    }
}

// ------------------------------------------------------------------ loaders

/// Load arbitrary text as `format`; every span must lie inside the text, a YAML stream loaded
/// one document at a time must give what loading it whole gives, and an error must be located.
fn load_as(format: Format, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = Arc::new(Source::new("fuzz", text, format));
    let (documents, error) = tenet_input::load_partial(Arc::clone(&source), &limits());
    // Spans are in each document's own source: the whole text, or for NDJSON its line.
    for document in &documents {
        assert_node_spans(&document.source.text, &document.root);
    }
    if let Some(error) = &error {
        assert_error_located(error);
    }
    let mut each = Vec::new();
    let each_error = tenet_input::load_each(source, &limits(), |document| {
        each.push(document);
        true
    });
    let roots: Vec<_> = documents.iter().map(|d| &d.root).collect();
    let each_roots: Vec<_> = each.iter().map(|d| &d.root).collect();
    assert_eq!(roots, each_roots, "load_each and load_partial give different documents");
    assert_eq!(error.is_some(), each_error.is_some(), "load_each and load_partial disagree on the error");
}

/// The YAML loader over arbitrary text.
pub fn load_yaml(data: &[u8]) {
    load_as(Format::Yaml, data);
}

/// The JSON loader over arbitrary text.
pub fn load_json(data: &[u8]) {
    load_as(Format::Json, data);
}

/// The TOML loader over arbitrary text.
pub fn load_toml(data: &[u8]) {
    load_as(Format::Toml, data);
}

/// The NDJSON loader over arbitrary text; each line must load as `load_json_line` loads it.
pub fn load_ndjson(data: &[u8]) {
    load_as(Format::Ndjson, data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (line, json) in tenet_input::ndjson_lines(text) {
        // Spans point into the document's source text (a line's byte-order mark is not part
        // of it), not into the raw line.
        if let Ok(document) = tenet_input::load_json_line("fuzz", line, json, &limits()) {
            assert_node_spans(&document.source.text, &document.root);
        }
    }
}

// ------------------------------------------------------------------ packages

/// A `tenet.toml` of arbitrary text: parsed or refused with located errors.
pub fn manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = tenet_pkg::Manifest::parse(Path::new("tenet.toml"), text) {
        for e in error.flatten() {
            let _ = (e.location(), e.message().len(), e.help_text());
        }
    }
}

/// A `tenet.lock` of arbitrary text: a lock file that parses is written back to text that
/// parses to the same lock file.
pub fn lock(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("tenet.lock");
    match tenet_pkg::Lockfile::parse(path, text) {
        Ok(lockfile) => {
            let written = lockfile.to_text();
            let again = tenet_pkg::Lockfile::parse(path, &written).expect("a written lock file parses");
            assert_eq!(again, lockfile, "a lock file changes when written and read back:\n{written}");
        }
        Err(error) => {
            for e in error.flatten() {
                let _ = (e.location(), e.message().len());
            }
        }
    }
}

/// A package archive of arbitrary bytes, extracted into a fresh directory. With an odd first
/// byte the rest is a tar stream that is gzipped first, so the fuzzer reaches the tar reader
/// and the checks behind it without having to get a gzip CRC right.
pub fn archive(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let bytes = if first % 2 == 1 {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(rest).expect("writing to memory");
        encoder.finish().expect("writing to memory")
    } else {
        rest.to_vec()
    };
    let dest = tempfile::tempdir().expect("a temporary directory");
    let limits =
        tenet_pkg::archive::Limits { max_archive_bytes: 1 << 20, max_unpacked_bytes: 4 << 20, max_entries: 256 };
    if let Err(error) = tenet_pkg::archive::extract(&bytes, "fuzz.tar.gz", dest.path(), &limits) {
        let _ = (error.location(), error.message().len());
    }
    // Nothing may be written outside the destination: it is the only thing in its parent.
    let parent = dest.path().parent().expect("a temporary directory has a parent");
    assert!(parent.join(dest.path().file_name().expect("a name")).is_dir());
}

// ------------------------------------------------------------------ formatter

#[path = "../../crates/tenet-fmt/tests/support/tree.rs"]
mod tree;
use tree::span_free_tree;

/// The formatter over arbitrary text: what it formats, it formats again to the same text, and
/// the syntax tree is unchanged.
pub fn format(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(formatted) = tenet_fmt::format_source(text) else { return };
    let again = match tenet_fmt::format_source(&formatted) {
        Ok(again) => again,
        Err(e) => panic!("the formatter's output does not parse: {:?}\n--- output:\n{formatted}", e.diagnostics),
    };
    assert_eq!(again, formatted, "formatting is not idempotent\n--- once:\n{formatted}\n--- twice:\n{again}");
    assert_eq!(span_free_tree(text), span_free_tree(&formatted), "the syntax tree changed\n--- output:\n{formatted}");
}

// ------------------------------------------------------------------ language server

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().expect("a runtime"))
}

/// Splits framed messages; each must have a length header and the body it announces.
fn split_frames(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let header_end = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a header ends");
        let header = std::str::from_utf8(&bytes[..header_end]).expect("a UTF-8 header");
        let length: usize =
            header.strip_prefix("Content-Length: ").and_then(|n| n.parse().ok()).expect("a Content-Length header");
        let body_start = header_end + 4;
        out.push(&bytes[body_start..body_start + length]);
        bytes = &bytes[body_start + length..];
    }
    out
}

/// Arbitrary bytes from a client into the language server's transport: what it forwards to
/// the server are whole messages the server can read, and what it answers are JSON-RPC 2.0
/// error responses, each framed; the relay in the other direction passes frames whole.
pub fn lsp_transport(data: &[u8]) {
    use tenet_lsp::transport;
    let output = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut forwarded = Vec::new();
    runtime()
        .block_on(transport::screen(tokio::io::BufReader::new(data), &mut forwarded, Arc::clone(&output)))
        .expect("reading from memory");
    for body in split_frames(&forwarded) {
        assert_eq!(transport::judge(body), transport::Verdict::Forward);
        let message: serde_json::Value = serde_json::from_slice(body).expect("a forwarded message is JSON");
        assert_eq!(message["jsonrpc"], "2.0");
    }
    let answered = runtime().block_on(async { output.lock().await.clone() });
    for body in split_frames(&answered) {
        let response: serde_json::Value = serde_json::from_slice(body).expect("an answer is JSON");
        assert_eq!(response["jsonrpc"], "2.0");
        assert!(response["error"]["code"].is_i64(), "an answer is an error response: {response}");
    }
    let relayed = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    runtime()
        .block_on(transport::relay(tokio::io::BufReader::new(data), Arc::clone(&relayed)))
        .expect("reading from memory");
    let relayed = runtime().block_on(async { relayed.lock().await.clone() });
    let _ = split_frames(&relayed);
}

// ------------------------------------------------------------------ differential: JSON

/// Compares a loaded JSON node with serde_json's value of the same text.
fn same_json(node: &Node, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (&node.value, value) {
        (NodeValue::Null, Value::Null) => true,
        (NodeValue::Bool(a), Value::Bool(b)) => a == b,
        (NodeValue::String(a), Value::String(b)) => a == b,
        (NodeValue::Number(text), Value::Number(number)) => {
            if let Some(i) = number.as_i64() {
                text.parse::<i128>().ok() == Some(i128::from(i))
            } else if let Some(u) = number.as_u64() {
                text.parse::<i128>().ok() == Some(i128::from(u))
            } else {
                // serde_json's float parsing may differ from the correctly rounded value in
                // the last place; the loader keeps the text, so compare closely, not exactly.
                let (Ok(ours), Some(theirs)) = (text.parse::<f64>(), number.as_f64()) else { return false };
                ours == theirs || ((ours - theirs) / theirs).abs() < 1e-12
            }
        }
        (NodeValue::List(items), Value::Array(values)) => {
            items.len() == values.len() && items.iter().zip(values).all(|(a, b)| same_json(a, b))
        }
        (NodeValue::Map(entries), Value::Object(object)) => {
            entries.len() == object.len()
                && entries.iter().all(|e| object.get(&e.key).is_some_and(|v| same_json(&e.value, v)))
        }
        _ => false,
    }
}

/// Differential: the JSON loader against serde_json. Each must accept what the other accepts,
/// apart from the loader's documented refusals (duplicate keys, nesting past its limit) and
/// serde_json's (numbers beyond `f64`, its own nesting limit); what both accept must be the
/// same value.
pub fn json_vs_serde(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = Source::new("fuzz", text, Format::Json);
    let ours = tenet_input::load(Arc::new(source), &limits()).map(|mut documents| documents.remove(0).root);
    // The source drops one byte-order mark (and only one), serde_json none.
    let theirs = serde_json::from_str::<serde_json::Value>(text.strip_prefix('\u{feff}').unwrap_or(text));
    match (&ours, &theirs) {
        (Ok(node), Ok(value)) => assert!(same_json(node, value), "different values: {node:?} and {value}"),
        (Ok(_), Err(e)) => {
            let why = e.to_string();
            assert!(
                why.contains("number out of range") || why.contains("recursion limit"),
                "the loader accepts what serde_json refuses: {why}"
            );
        }
        (Err(e), Ok(_)) => {
            assert!(
                matches!(e, LoadError::DuplicateKey { .. } | LoadError::TooDeep { .. }),
                "the loader refuses what serde_json accepts: {e}"
            );
        }
        (Err(_), Err(_)) => {}
    }
}

// ------------------------------------------------------------------ differential: YAML

/// A step of a document's shape: what the loader's tree and the parser's events both say.
#[derive(Debug, PartialEq)]
enum Step {
    Open,
    Close,
    /// A scalar; `None` for one the loader turned into null or a boolean.
    Scalar(Option<String>),
}

fn steps_of(node: &Node, out: &mut Vec<Step>) {
    match &node.value {
        NodeValue::List(items) => {
            out.push(Step::Open);
            for item in items {
                steps_of(item, out);
            }
            out.push(Step::Close);
        }
        NodeValue::Map(entries) => {
            out.push(Step::Open);
            for entry in entries {
                out.push(Step::Scalar(Some(entry.key.clone())));
                steps_of(&entry.value, out);
            }
            out.push(Step::Close);
        }
        NodeValue::String(s) | NodeValue::Number(s) | NodeValue::Date(s) => out.push(Step::Scalar(Some(s.clone()))),
        NodeValue::Null | NodeValue::Bool(_) => out.push(Step::Scalar(None)),
    }
}

/// Differential: the YAML loader against saphyr's own event stream. The loader fails where
/// the parser fails, fails with a parser error ("invalid yaml") only where the parser fails,
/// and otherwise gives one document per document the parser reports, with the same shape
/// and the same scalars.
pub fn yaml_vs_events(data: &[u8]) {
    use saphyr_parser::{Event, Parser};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parser = Parser::new_from_str(text);
    let mut documents: Vec<Vec<Step>> = Vec::new();
    let mut current: Vec<Step> = Vec::new();
    let mut parser_failed = false;
    let mut events = 0usize;
    while let Some(next) = parser.next_event() {
        events += 1;
        let Ok((event, _)) = next else {
            parser_failed = true;
            break;
        };
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => current.clear(),
            Event::DocumentEnd => {
                if !current.is_empty() {
                    documents.push(std::mem::take(&mut current));
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => current.push(Step::Open),
            Event::SequenceEnd | Event::MappingEnd => current.push(Step::Close),
            Event::Scalar(value, ..) => current.push(Step::Scalar(Some(value.into_owned()))),
            Event::Alias(_) | Event::Nothing | Event::StreamStart => {}
        }
        // A runaway stream is the parser's business, not a difference.
        if events > 1_000_000 {
            return;
        }
    }
    let source = Arc::new(Source::new("fuzz", text, Format::Yaml));
    let loaded = tenet_input::load(source, &limits());
    match loaded {
        Err(error) => {
            let message = error.to_string();
            assert!(
                !message.starts_with("invalid yaml") || parser_failed,
                "the loader reports a parser error the parser does not: {message}"
            );
        }
        Ok(loaded) => {
            assert!(!parser_failed, "the loader accepts a stream the parser refuses");
            let ours: Vec<Vec<Step>> = loaded
                .iter()
                .map(|document| {
                    let mut steps = Vec::new();
                    steps_of(&document.root, &mut steps);
                    steps
                })
                .collect();
            // A stream without a document loads as one null document, so that evaluation
            // can say the file is empty (E0711).
            let stream_without_documents = documents.is_empty()
                && matches!(loaded.as_slice(), [only] if matches!(only.root.value, NodeValue::Null));
            let ours = if stream_without_documents { Vec::new() } else { ours };
            assert_eq!(ours.len(), documents.len(), "a different number of documents");
            for (mine, theirs) in ours.iter().zip(&documents) {
                assert_eq!(mine.len(), theirs.len(), "a different shape: {mine:?} and {theirs:?}");
                for (a, b) in mine.iter().zip(theirs) {
                    let same = match (a, b) {
                        (Step::Scalar(None), Step::Scalar(_)) => true,
                        (a, b) => a == b,
                    };
                    assert!(same, "different documents: {mine:?} and {theirs:?}");
                }
            }
        }
    }
}
