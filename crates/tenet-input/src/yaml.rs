//! YAML through `saphyr-parser`'s event stream, built into [`Node`]s on an explicit stack.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::{Document, Entry, Limits, LoadError, Node, NodeValue, Source};
use tenet_text::DocSpan;

/// Load every document of a YAML stream into `documents`. On an error, the documents that
/// ended before it are already in `documents`.
pub(crate) fn load(source: &Arc<Source>, limits: &Limits, documents: &mut Vec<Document>) -> Result<(), LoadError> {
    load_each(source, limits, |document| {
        documents.push(document);
        true
    })
}

/// Hands each document of a YAML stream to `each` as soon as it ends; `each` returns `false`
/// to stop. An error ends the stream after the documents before it.
pub(crate) fn load_each(
    source: &Arc<Source>,
    limits: &Limits,
    mut each: impl FnMut(Document) -> bool,
) -> Result<(), LoadError> {
    let mut count = 0usize;
    let mut started = 0usize;
    let text: &str = &source.text;
    let offsets = CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|error| {
            let at = offsets.byte(error.marker().index());
            let end = char_end(text, at);
            if error.info().contains("recursion limit") {
                return flow_too_deep(source, &stack, at, limits.max_depth);
            }
            if error.info().contains("tab")
                && let Some(tab) = tab_near(text, at)
            {
                return LoadError::syntax(
                    source,
                    tab..tab + 1,
                    format!("invalid yaml: {}", error.info()),
                    "tab",
                    Some("indent YAML with spaces, not tabs"),
                );
            }
            // In a stream, the reader cannot find its way past a syntax error: say so.
            let rest = text.get(at..).unwrap_or("");
            let lost = if rest.contains("\n---") { "; the documents after it in the stream are not read" } else { "" };
            LoadError::syntax(source, at..end, format!("invalid yaml: {}{lost}", error.info()), "here", None)
        })?;
        let range = DocSpan::new(offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        let is_map = matches!(event, Event::MappingStart(..));
        match event {
            Event::Nothing | Event::StreamStart => {}
            Event::StreamEnd => {
                // A file of nothing (or only comments) is one empty document, reported as such
                // rather than silently giving none.
                if started == 0 {
                    let root = Node { span: DocSpan::new(0, 0), value: NodeValue::Null };
                    each(Document { source: Arc::clone(source), index: 0, root });
                }
                break;
            }
            Event::DocumentStart(_) => {
                // Counted as they start, so empty documents count too.
                if started >= limits.max_documents {
                    let end = char_end(text, range.start).max(range.end);
                    return Err(LoadError::too_many_documents(source, range.start..end, limits.max_documents));
                }
                started += 1;
                stack.clear();
                root = None;
            }
            Event::DocumentEnd => {
                if let Some(root) = root.take() {
                    if !each(Document { source: Arc::clone(source), index: count, root }) {
                        return Ok(());
                    }
                    count += 1;
                }
            }
            Event::Alias(_) => {
                return Err(LoadError::syntax(
                    source,
                    range,
                    "yaml aliases are not supported",
                    "alias",
                    Some("write the value out in full instead of referring to an anchor"),
                ));
            }
            Event::Scalar(value, style, _anchor, tag) => {
                if let Some(Frame::Map { seen, key, .. }) = stack.last_mut()
                    && key.is_none()
                {
                    let text = mapping_key(source, &value, style, tag.as_deref(), &range)?;
                    if let Some(first) = seen.get(&text) {
                        return Err(LoadError::duplicate_key(source, &text, range, Some(*first)));
                    }
                    seen.insert(text.clone(), range);
                    *key = Some((text, range));
                    continue;
                }
                let value = scalar(source, &value, style, tag.as_deref(), &range)?;
                attach(&mut stack, &mut root, Node { span: range, value });
            }
            Event::SequenceStart(_, tag) | Event::MappingStart(_, tag) => {
                if let Some(Frame::Map { key: None, .. }) = stack.last() {
                    return Err(LoadError::syntax(
                        source,
                        range,
                        "mapping keys must be strings, not lists or maps",
                        "complex key",
                        None,
                    ));
                }
                check_collection_tag(source, tag.as_deref(), is_map, &range)?;
                if stack.len() >= limits.max_depth {
                    let end = range.end.max(char_end(text, range.start));
                    return Err(LoadError::too_deep(source, range.start..end, limits.max_depth));
                }
                stack.push(if is_map {
                    Frame::Map { start: range, entries: Vec::new(), seen: HashMap::new(), key: None }
                } else {
                    Frame::Seq { start: range, items: Vec::new() }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else {
                    continue;
                };
                let node = frame.finish(range);
                attach(&mut stack, &mut root, node);
            }
        }
    }
    Ok(())
}

/// The tab a "tabs disallowed" error is about: the scanner reports the place after the tab, or
/// the start of a scalar whose continuation line begins with one. Looks on the error's line up
/// to the error, then in the indentation of the next line.
fn tab_near(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
    if let Some(i) = text.get(line_start..at)?.find('\t') {
        return Some(line_start + i);
    }
    let next_line = at + text.get(at..)?.find('\n')? + 1;
    let indentation = text.get(next_line..)?.bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
    text.get(next_line..next_line + indentation)?.find('\t').map(|i| next_line + i)
}

/// How many flow collections the scanner nests before it gives up.
const SCANNER_FLOW_LIMIT: usize = 256;

/// The scanner reads ahead and stops at 256 nested flow collections, possibly before we have
/// seen the collection that passes our limit; find that collection's bracket by walking back
/// from where the scanner stopped.
fn flow_too_deep(source: &Source, stack: &[Frame], scanner_at: usize, max_depth: usize) -> LoadError {
    let limit = max_depth.min(SCANNER_FLOW_LIMIT - 1);
    let text: &str = &source.text;
    let is_flow = |frame: &Frame| {
        let start = match frame {
            Frame::Seq { start, .. } | Frame::Map { start, .. } => start.start,
        };
        matches!(text.as_bytes().get(start), Some(b'[' | b'{'))
    };
    let block_depth = stack.iter().take_while(|frame| !is_flow(frame)).count();
    // The flow level (1 = outermost flow collection) whose opening bracket passes the limit.
    let wanted_level = (limit + 1).saturating_sub(block_depth).max(1);
    let mut at = scanner_at;
    let mut level = SCANNER_FLOW_LIMIT;
    let mut closers = 0usize;
    while level > wanted_level && at > 0 {
        at -= 1;
        match text.as_bytes().get(at) {
            Some(b']' | b'}') => closers += 1,
            Some(b'[' | b'{') if closers > 0 => closers -= 1,
            Some(b'[' | b'{') => level -= 1,
            _ => {}
        }
    }
    let at = if level == wanted_level { at } else { scanner_at };
    LoadError::too_deep(source, at..char_end(text, at), limit)
}

/// An open sequence or mapping.
enum Frame {
    Seq {
        start: DocSpan,
        items: Vec<Node>,
    },
    Map {
        start: DocSpan,
        entries: Vec<Entry>,
        seen: HashMap<String, DocSpan>,
        /// The key whose value is being parsed.
        key: Option<(String, DocSpan)>,
    },
}

impl Frame {
    /// Close the collection; `end` is the span of its end event, empty for block collections.
    fn finish(self, end: DocSpan) -> Node {
        let (start, last, value) = match self {
            Self::Seq { start, items } => {
                let last = items.last().map(|node| node.span.end);
                (start, last, NodeValue::List(items))
            }
            Self::Map { start, entries, .. } => {
                let last = entries.last().map(|entry| entry.value.span.end);
                (start, last, NodeValue::Map(entries))
            }
        };
        let end = if end.is_empty() { last.unwrap_or(start.end) } else { end.end };
        Node { span: DocSpan::new(start.start, end.max(start.end)), value }
    }
}

fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map { entries, key, .. }) => {
            if let Some((key, key_span)) = key.take() {
                entries.push(Entry { key, key_span, value: node });
            }
        }
    }
}

/// What a scalar is, after tags and the core schema are applied.
fn scalar(
    source: &Source,
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: &DocSpan,
) -> Result<NodeValue, LoadError> {
    if let Some(tag) = tag {
        match (tag.is_yaml_core_schema(), tag.suffix.as_str()) {
            (true, "str") => return Ok(NodeValue::String(text.to_owned())),
            (true, "null" | "bool" | "int" | "float") => {}
            _ => return Err(unsupported_tag(source, tag, span)),
        }
    }
    if style != ScalarStyle::Plain {
        return Ok(NodeValue::String(text.to_owned()));
    }
    Ok(match resolve_plain(text) {
        Plain::Null => NodeValue::Null,
        Plain::Bool(value) => NodeValue::Bool(value),
        Plain::Number => NodeValue::Number(text.to_owned()),
        Plain::NotFinite => {
            return Err(LoadError::syntax(
                source,
                *span,
                format!("`{text}` is not a finite number"),
                "not a finite number",
                Some("quote it to make it a string"),
            ));
        }
        Plain::String => NodeValue::String(text.to_owned()),
    })
}

/// The text of a scalar used as a mapping key: any string, number or boolean, but not null.
fn mapping_key(
    source: &Source,
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: &DocSpan,
) -> Result<String, LoadError> {
    if let Some(tag) = tag {
        if !(tag.is_yaml_core_schema() && matches!(tag.suffix.as_str(), "str" | "int" | "bool")) {
            return Err(unsupported_tag(source, tag, span));
        }
    } else if style == ScalarStyle::Plain && matches!(resolve_plain(text), Plain::Null) {
        return Err(LoadError::syntax(
            source,
            *span,
            "mapping keys must be strings, not null",
            "null key",
            Some("quote the key to make it a string"),
        ));
    }
    Ok(text.to_string())
}

fn check_collection_tag(source: &Source, tag: Option<&Tag>, is_map: bool, span: &DocSpan) -> Result<(), LoadError> {
    match tag {
        None => Ok(()),
        Some(tag) if tag.is_yaml_core_schema() && tag.suffix == if is_map { "map" } else { "seq" } => Ok(()),
        Some(tag) => Err(unsupported_tag(source, tag, span)),
    }
}

fn unsupported_tag(source: &Source, tag: &Tag, span: &DocSpan) -> LoadError {
    let shown = if tag.is_yaml_core_schema() { format!("!!{}", tag.suffix) } else { tag.to_string() };
    LoadError::syntax(
        source,
        *span,
        format!("unsupported yaml tag `{shown}`"),
        "unsupported tag",
        Some("remove the tag: Tenet reads plain yaml values (`!!str` is allowed on scalars)"),
    )
}

/// The YAML 1.2 core-schema reading of a plain scalar.
#[derive(Debug, PartialEq, Eq)]
enum Plain {
    Null,
    Bool(bool),
    Number,
    NotFinite,
    String,
}

fn resolve_plain(text: &str) -> Plain {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Plain::Null,
        "true" | "True" | "TRUE" => Plain::Bool(true),
        "false" | "False" | "FALSE" => Plain::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Plain::NotFinite,
        _ => {
            let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
            if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
                Plain::NotFinite
            } else if is_core_int(text) || is_core_float(text) {
                Plain::Number
            } else {
                Plain::String
            }
        }
    }
}

/// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
fn is_core_int(text: &str) -> bool {
    if let Some(octal) = text.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| matches!(b, b'0'..=b'7'));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (text.get(..at).unwrap_or(""), text.get(at + 1..)),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            whole.bytes().all(|b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
                && (!fraction.is_empty() || !whole.is_empty())
                && (!whole.is_empty() || !fraction.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// The end of the char starting at `at`, or `at` at the end of the text.
fn char_end(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(at, |c| at + c.len_utf8())
}

/// Converts the parser's char indices into byte offsets.
///
/// Keeps the byte offset of every 64th char, so memory stays small for large inputs.
struct CharOffsets<'a> {
    text: &'a str,
    /// `None` when the text is ASCII and char indices are byte offsets.
    checkpoints: Option<Vec<usize>>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let checkpoints = (!text.is_ascii())
            .then(|| text.char_indices().step_by(CHECKPOINT_EVERY).map(|(offset, _)| offset).collect());
        Self { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return char_index.min(self.text.len());
        };
        let Some(&base) = checkpoints.get(char_index / CHECKPOINT_EVERY) else {
            return self.text.len();
        };
        self.text
            .get(base..)
            .and_then(|rest| rest.char_indices().nth(char_index % CHECKPOINT_EVERY))
            .map_or(self.text.len(), |(offset, _)| base + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema() {
        for null in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(null), Plain::Null, "{null}");
        }
        assert_eq!(resolve_plain("TRUE"), Plain::Bool(true));
        assert_eq!(resolve_plain("False"), Plain::Bool(false));
        for number in ["0", "-3", "+4", "0.48", ".5", "1.", "1e3", "-2.5E-3", "0x1F", "0o17"] {
            assert_eq!(resolve_plain(number), Plain::Number, "{number}");
        }
        for string in ["yes", "no", "1.2.3", "0x", "e3", ".", "-", "1e", "24h", "2026-01-01", "0b1"] {
            assert_eq!(resolve_plain(string), Plain::String, "{string}");
        }
        for not_finite in [".inf", "-.inf", "+.INF", ".nan"] {
            assert_eq!(resolve_plain(not_finite), Plain::NotFinite, "{not_finite}");
        }
    }

    #[test]
    fn char_offsets() {
        let text = "é".repeat(200) + "x";
        let offsets = CharOffsets::new(&text);
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(1), 2);
        assert_eq!(offsets.byte(130), 260);
        assert_eq!(offsets.byte(200), 400);
        assert_eq!(offsets.byte(201), 401);
        assert_eq!(offsets.byte(5000), 401);
    }
}
