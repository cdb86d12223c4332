//! TOML through `toml_edit`, converted into [`Node`]s on an explicit stack.

use toml_edit::{ArrayOfTables, Item, Key, Table, TableLike, Value};

use crate::{Entry, Limits, LoadError, Node, NodeValue, Source};
use tenet_text::DocSpan;

/// The nesting `toml_edit` itself accepts before it reports a recursion error.
const PARSER_DEPTH_LIMIT: usize = 80;

/// Parse `source` as one TOML document.
pub(crate) fn parse(source: &Source, limits: &Limits) -> Result<Node, LoadError> {
    let text: &str = &source.text;
    check_bracket_depth(source, text, limits.max_depth)?;
    let document = toml_edit::Document::parse(text).map_err(|error| {
        let span = error.span().map_or(DocSpan::at(0), DocSpan::from);
        let message = error.message().trim();
        if message.contains("recurs") {
            LoadError::too_deep(source, span, PARSER_DEPTH_LIMIT.min(limits.max_depth))
        } else if message == "duplicate key" {
            let key = text.get(span.range()).unwrap_or("").trim().to_owned();
            LoadError::duplicate_key(source, &key, span, None)
        } else {
            let first_line = message.lines().next().unwrap_or("");
            LoadError::syntax(source, span, format!("invalid toml: {first_line}"), "here", None)
        }
    })?;
    Converter { source, max_depth: limits.max_depth }.convert(document.as_table(), DocSpan::new(0, text.len()))
}

/// Reject nesting of `[`/`{` deeper than the limit before `toml_edit` sees the text, so the
/// error names our limit and points at the exact bracket.
fn check_bracket_depth(source: &Source, text: &str, max_depth: usize) -> Result<(), LoadError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Comment,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
    }
    let bytes = text.as_bytes();
    let mut state = State::Code;
    // The root table is level 1.
    let mut depth = 1usize;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let starts = |pattern: &[u8]| bytes.get(at..at + pattern.len()) == Some(pattern);
        match state {
            State::Code => match byte {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > max_depth {
                        return Err(LoadError::too_deep(source, at..at + 1, max_depth));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1).max(1),
                b'#' => state = State::Comment,
                b'"' if starts(b"\"\"\"") => {
                    state = State::MultiBasic;
                    at += 2;
                }
                b'"' => state = State::Basic,
                b'\'' if starts(b"'''") => {
                    state = State::MultiLiteral;
                    at += 2;
                }
                b'\'' => state = State::Literal,
                _ => {}
            },
            State::Comment => {
                if byte == b'\n' {
                    state = State::Code;
                }
            }
            State::Basic | State::MultiBasic if byte == b'\\' => at += 1,
            State::Basic | State::Literal if byte == b'\n' => state = State::Code,
            State::Basic if byte == b'"' => state = State::Code,
            State::Literal if byte == b'\'' => state = State::Code,
            State::MultiBasic if starts(b"\"\"\"") => {
                state = State::Code;
                at += 2;
            }
            State::MultiLiteral if starts(b"'''") => {
                state = State::Code;
                at += 2;
            }
            State::Basic | State::Literal | State::MultiBasic | State::MultiLiteral => {}
        }
        at += 1;
    }
    Ok(())
}

/// A TOML value that may become a container.
#[derive(Clone, Copy)]
enum Part<'a> {
    Item(&'a Item),
    Value(&'a Value),
    Table(&'a Table),
}

/// A child of an open container: its key (in maps) and value.
type Child<'a> = (Option<(String, DocSpan)>, Part<'a>, DocSpan);

/// An open table or array being converted.
struct Frame<'a> {
    span: DocSpan,
    is_map: bool,
    /// The key this container is stored under in its parent map.
    key: Option<(String, DocSpan)>,
    children: std::vec::IntoIter<Child<'a>>,
    items: Vec<Node>,
    entries: Vec<Entry>,
}

impl Frame<'_> {
    fn attach(&mut self, key: Option<(String, DocSpan)>, value: Node) {
        match key {
            Some((key, key_span)) => self.entries.push(Entry { key, key_span, value }),
            None => self.items.push(value),
        }
    }

    fn finish(self) -> (Option<(String, DocSpan)>, Node) {
        let value = if self.is_map { NodeValue::Map(self.entries) } else { NodeValue::List(self.items) };
        (self.key, Node { span: self.span, value })
    }
}

struct Converter<'s> {
    source: &'s Source,
    max_depth: usize,
}

impl Converter<'_> {
    fn convert(&self, root: &Table, span: DocSpan) -> Result<Node, LoadError> {
        let mut stack = vec![Frame {
            span,
            is_map: true,
            key: None,
            children: self.table_children(root).into_iter(),
            items: Vec::new(),
            entries: Vec::new(),
        }];
        loop {
            let Some(top) = stack.last_mut() else {
                return Err(LoadError::syntax(self.source, 0..0, "invalid toml: empty document tree", "here", None));
            };
            if let Some((key, part, fallback)) = top.children.next() {
                match self.open(part, fallback)? {
                    Opened::Leaf(node) => top.attach(key, node),
                    Opened::Container(mut frame) => {
                        if stack.len() >= self.max_depth {
                            return Err(LoadError::too_deep(self.source, frame.span, self.max_depth));
                        }
                        frame.key = key;
                        stack.push(frame);
                    }
                }
            } else if let Some(frame) = stack.pop() {
                let (key, node) = frame.finish();
                match stack.last_mut() {
                    Some(parent) => parent.attach(key, node),
                    None => return Ok(node),
                }
            }
        }
    }

    /// Turn a part into a finished scalar or an open container; `fallback` is the span to use
    /// when `toml_edit` has none (implicit tables), normally the key's.
    fn open<'a>(&self, part: Part<'a>, fallback: DocSpan) -> Result<Opened<'a>, LoadError> {
        let container = |span: Option<std::ops::Range<usize>>, is_map, children: Vec<Child<'a>>| {
            Opened::Container(Frame {
                span: span.map_or(fallback, DocSpan::from),
                is_map,
                key: None,
                children: children.into_iter(),
                items: Vec::new(),
                entries: Vec::new(),
            })
        };
        Ok(match part {
            Part::Item(Item::Value(value)) | Part::Value(value) => match value {
                Value::Array(array) => container(
                    array.span(),
                    false,
                    array
                        .iter()
                        .map(|value| (None, Part::Value(value), self.span_or(value.span(), &fallback)))
                        .collect(),
                ),
                Value::InlineTable(table) => container(table.span(), true, self.table_children(table)),
                scalar => Opened::Leaf(self.scalar(scalar, &fallback)?),
            },
            Part::Item(Item::Table(table)) | Part::Table(table) => {
                container(table.span(), true, self.table_children(table))
            }
            Part::Item(Item::ArrayOfTables(tables)) => {
                container(tables.span(), false, self.array_of_tables_children(tables))
            }
            Part::Item(Item::None) => Opened::Leaf(Node { span: fallback, value: NodeValue::Null }),
        })
    }

    fn scalar(&self, value: &Value, fallback: &DocSpan) -> Result<Node, LoadError> {
        let span = self.span_or(value.span(), fallback);
        let raw_text =
            self.source.text.get(span.range()).map_or_else(|| value.to_string().trim().to_owned(), str::to_owned);
        let value = match value {
            Value::String(text) => NodeValue::String(text.value().clone()),
            Value::Integer(_) => NodeValue::Number(raw_text.clone()),
            Value::Float(float) => {
                if !float.value().is_finite() {
                    return Err(LoadError::syntax(
                        self.source,
                        span,
                        format!("`{}` is not a finite number", raw_text.clone()),
                        "not a finite number",
                        Some("quote it to make it a string"),
                    ));
                }
                NodeValue::Number(raw_text.clone())
            }
            Value::Boolean(flag) => NodeValue::Bool(*flag.value()),
            Value::Datetime(datetime) => {
                let datetime = datetime.value();
                if datetime.date.is_some() && datetime.time.is_none() && datetime.offset.is_none() {
                    NodeValue::Date(raw_text.clone())
                } else {
                    NodeValue::String(raw_text.clone())
                }
            }
            Value::Array(_) | Value::InlineTable(_) => NodeValue::Null,
        };
        Ok(Node { span, value })
    }

    /// The entries of a table or inline table, in document order.
    fn table_children<'a>(&self, table: &'a dyn TableLike) -> Vec<Child<'a>> {
        table
            .iter()
            .filter_map(|(name, _)| table.get_key_value(name))
            .filter(|(_, item)| !item.is_none())
            .map(|(key, item)| self.keyed(key, Part::Item(item)))
            .collect()
    }

    fn array_of_tables_children<'a>(&self, tables: &'a ArrayOfTables) -> Vec<Child<'a>> {
        let fallback = tables.span().map_or(DocSpan::at(0), DocSpan::from);
        tables.iter().map(|table| (None, Part::Table(table), self.span_or(table.span(), &fallback))).collect()
    }

    fn keyed<'a>(&self, key: &Key, part: Part<'a>) -> Child<'a> {
        let key_span = key.span().map_or(DocSpan::at(0), DocSpan::from);
        (Some((key.get().to_owned(), key_span)), part, key_span)
    }

    fn span_or(&self, span: Option<std::ops::Range<usize>>, fallback: &DocSpan) -> DocSpan {
        span.map_or(*fallback, DocSpan::from)
    }
}

enum Opened<'a> {
    Leaf(Node),
    Container(Frame<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn load(text: &str) -> Result<Node, LoadError> {
        parse(&Source::new("t.toml", text, Format::Toml), &Limits::default())
    }

    #[test]
    fn bracket_scan_ignores_strings_and_comments() -> Result<(), LoadError> {
        let limits = Limits { max_bytes: 1000, max_depth: 3, ..Limits::default() };
        let text = "a = \"[[[[\" # [[[[\nb = '''\n[[[[''' \nc = [[1]]\n";
        let source = Source::new("t.toml", text, Format::Toml);
        parse(&source, &limits)?;
        let source = Source::new("t.toml", "c = [[[1]]]", Format::Toml);
        let error = parse(&source, &limits).err().and_then(|error| error.span());
        assert_eq!(error, Some(DocSpan::new(6, 7)));
        Ok(())
    }

    #[test]
    fn values() -> Result<(), LoadError> {
        let root = load("a = 1_000\nb = 0.48\nc = 2026-03-31\nd = 2026-03-31T10:00:00Z\ne = true\nf = \"x\\u00e9\"\n")?;
        let value = |key: &str| root.get(key).map(|node| node.value.clone());
        assert_eq!(value("a"), Some(NodeValue::Number("1_000".into())));
        assert_eq!(value("b"), Some(NodeValue::Number("0.48".into())));
        assert_eq!(value("c"), Some(NodeValue::Date("2026-03-31".into())));
        assert_eq!(value("d"), Some(NodeValue::String("2026-03-31T10:00:00Z".into())));
        assert_eq!(value("e"), Some(NodeValue::Bool(true)));
        assert_eq!(value("f"), Some(NodeValue::String("xé".into())));
        Ok(())
    }

    #[test]
    fn not_finite_is_an_error() {
        let error = load("a = nan").err().map(|error| error.to_string());
        assert_eq!(error.as_deref(), Some("`nan` is not a finite number"));
    }
}
