//! A small JSON parser with byte spans and exact number text.
//!
//! Nesting is kept on an explicit stack, so depth is bounded by [`Limits::max_depth`] and never
//! by the thread's stack.

use std::collections::HashMap;

use crate::{Entry, Limits, LoadError, Node, NodeValue, Source};
use tenet_text::DocSpan;

/// Parse the one JSON value in `source`.
pub(crate) fn parse(source: &Source, limits: &Limits) -> Result<Node, LoadError> {
    let text: &str = &source.text;
    Parser { source, text, bytes: text.as_bytes(), pos: 0 }.document(limits.max_depth)
}

/// An open array or object.
enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        entries: Vec<Entry>,
        seen: HashMap<String, DocSpan>,
        /// The key whose value is being parsed.
        key: Option<(String, DocSpan)>,
    },
}

struct Parser<'a> {
    source: &'a Source,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn document(&mut self, max_depth: usize) -> Result<Node, LoadError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_whitespace();
            let start = self.pos;
            let mut node = match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if stack.len() >= max_depth {
                        return Err(LoadError::too_deep(self.source, start..start + 1, max_depth));
                    }
                    self.pos += 1;
                    self.skip_whitespace();
                    if open == b'[' {
                        if self.peek() == Some(b']') {
                            self.pos += 1;
                            Node { span: DocSpan::new(start, self.pos), value: NodeValue::List(Vec::new()) }
                        } else {
                            stack.push(Frame::Array { start, items: Vec::new() });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node { span: DocSpan::new(start, self.pos), value: NodeValue::Map(Vec::new()) }
                    } else {
                        let mut seen = HashMap::new();
                        let key = self.member_key(&mut seen)?;
                        stack.push(Frame::Object { start, entries: Vec::new(), seen, key: Some(key) });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let text = self.string()?;
                    Node { span: DocSpan::new(start, self.pos), value: NodeValue::String(text) }
                }
                Some(b't') => self.literal("true", NodeValue::Bool(true))?,
                Some(b'f') => self.literal("false", NodeValue::Bool(false))?,
                Some(b'n') => self.literal("null", NodeValue::Null)?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err(self.unexpected("expected a value", "expected a value")),
                None => {
                    return Err(self.unexpected("unexpected end of input, expected a value", "expected a value"));
                }
            };

            // Attach the finished value to its parent, closing every container that ends here.
            loop {
                let Some(mut frame) = stack.pop() else {
                    self.skip_whitespace();
                    if self.pos < self.bytes.len() {
                        return Err(
                            self.unexpected("unexpected content after the json value", "expected the end of input")
                        );
                    }
                    return Ok(node);
                };
                match &mut frame {
                    Frame::Array { start, items } => {
                        items.push(node);
                        if self.after_element(b']', "array element")? {
                            stack.push(frame);
                            continue 'value;
                        }
                        node = Node {
                            span: DocSpan::new(*start, self.pos),
                            value: NodeValue::List(std::mem::take(items)),
                        };
                    }
                    Frame::Object { start, entries, seen, key } => {
                        if let Some((key, key_span)) = key.take() {
                            entries.push(Entry { key, key_span, value: node });
                        }
                        if self.after_element(b'}', "object member")? {
                            *key = Some(self.member_key(seen)?);
                            stack.push(frame);
                            continue 'value;
                        }
                        node = Node {
                            span: DocSpan::new(*start, self.pos),
                            value: NodeValue::Map(std::mem::take(entries)),
                        };
                    }
                }
            }
        }
    }

    /// Parse `"key":`, rejecting a key already in `seen`.
    fn member_key(&mut self, seen: &mut HashMap<String, DocSpan>) -> Result<(String, DocSpan), LoadError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("expected a string key in object", "expected a string key"));
        }
        let start = self.pos;
        let key = self.string()?;
        let span = DocSpan::new(start, self.pos);
        if let Some(first) = seen.get(&key) {
            return Err(LoadError::duplicate_key(self.source, &key, span, Some(*first)));
        }
        seen.insert(key.clone(), span);
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("expected `:` after object key", "expected `:`"));
        }
        self.pos += 1;
        Ok((key, span))
    }

    /// Parse a string starting at the opening quote; `self.pos` ends after the closing quote.
    fn string(&mut self) -> Result<String, LoadError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => {
                    return Err(LoadError::syntax(
                        self.source,
                        open..open + 1,
                        "unterminated string",
                        "string starts here",
                        Some("close the string with `\"`"),
                    ));
                }
                Some(b'"') => {
                    out.push_str(self.text.get(run..self.pos).unwrap_or(""));
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..self.pos).unwrap_or(""));
                    let escape = self.pos;
                    self.pos += 1;
                    let decoded = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            self.unicode_escape(escape)?
                        }
                        _ => {
                            let end = self.char_end(self.pos);
                            return Err(LoadError::syntax(
                                self.source,
                                escape..end,
                                format!("invalid escape `{}` in string", self.text.get(escape..end).unwrap_or("\\")),
                                "invalid escape",
                                Some(
                                    "valid escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
                                ),
                            ));
                        }
                    };
                    if !matches!(self.bytes.get(escape + 1), Some(b'u')) {
                        self.pos += 1;
                    }
                    out.push(decoded);
                    run = self.pos;
                }
                Some(byte) if byte < 0x20 => {
                    return Err(LoadError::syntax(
                        self.source,
                        self.pos..self.pos + 1,
                        "control character in string",
                        "must be escaped",
                        Some("write a line break as `\\n` and a tab as `\\t`"),
                    ));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Decode the `XXXX` of `\uXXXX` (and a following low surrogate); `escape` is the `\`.
    fn unicode_escape(&mut self, escape: usize) -> Result<char, LoadError> {
        let high = self.hex4(escape)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            let low_start = self.pos;
            if self.bytes.get(self.pos) == Some(&b'\\') && self.bytes.get(self.pos + 1) == Some(&b'u') {
                self.pos += 2;
                let low = self.hex4(low_start)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.lone_surrogate(escape..self.pos));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            } else {
                return Err(self.lone_surrogate(escape..self.pos));
            }
        } else if (0xDC00..0xE000).contains(&high) {
            return Err(self.lone_surrogate(escape..self.pos));
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.lone_surrogate(escape..self.pos))
    }

    /// Read four hex digits at `self.pos`; `escape` is the `\` for the error span.
    fn hex4(&mut self, escape: usize) -> Result<u32, LoadError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self.peek().and_then(|byte| char::from(byte).to_digit(16)).ok_or_else(|| {
                let end = self.char_end(self.pos);
                LoadError::syntax(
                    self.source,
                    escape..end,
                    "invalid `\\u` escape: expected four hex digits",
                    "invalid escape",
                    Some("write a char as `\\u` followed by four hex digits, like `\\u00e9`"),
                )
            })?;
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    fn lone_surrogate(&self, span: std::ops::Range<usize>) -> LoadError {
        LoadError::syntax(
            self.source,
            span,
            "invalid `\\u` escape: unpaired surrogate",
            "unpaired surrogate",
            Some("a `\\uD800`-`\\uDBFF` escape must be followed by a `\\uDC00`-`\\uDFFF` escape"),
        )
    }

    /// Parse a number per RFC 8259, keeping its text.
    fn number(&mut self) -> Result<Node, LoadError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(LoadError::syntax(
                        self.source,
                        start..self.pos + 1,
                        "leading zeros are not allowed in json numbers",
                        "leading zero",
                        Some("remove the leading zero, or quote the value to make it a string"),
                    ));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("expected a digit in number", "expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit after `.` in number", "expected a digit"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit in the exponent of number", "expected a digit"));
            }
            self.digits();
        }
        Ok(Node {
            span: DocSpan::new(start, self.pos),
            value: NodeValue::Number(self.text.get(start..self.pos).unwrap_or("").to_owned()),
        })
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, value: NodeValue) -> Result<Node, LoadError> {
        let start = self.pos;
        if self.text.get(start..start + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(Node { span: DocSpan::new(start, self.pos), value })
        } else {
            let end = self
                .text
                .get(start..)
                .unwrap_or("")
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(self.text.len(), |len| start + len.max(1));
            Err(LoadError::syntax(
                self.source,
                start..end,
                format!("expected a value, found `{}`", self.text.get(start..end).unwrap_or("")),
                "expected a value",
                Some("strings must be quoted: write `\"...\"`"),
            ))
        }
    }

    /// After an array element or object member: `true` when a `,` introduced another one,
    /// `false` when `close` ended the container (both consumed).
    fn after_element(&mut self, close: u8, what: &str) -> Result<bool, LoadError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                let comma = self.pos;
                self.pos += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    return Err(self.trailing_comma(comma));
                }
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => {
                let close = char::from(close);
                Err(self.unexpected(
                    &format!("expected `,` or `{close}` after {what}"),
                    &format!("expected `,` or `{close}`"),
                ))
            }
        }
    }

    fn trailing_comma(&self, comma: usize) -> LoadError {
        LoadError::syntax(
            self.source,
            comma..comma + 1,
            "trailing comma is not allowed in json",
            "trailing comma",
            Some("remove the comma"),
        )
    }

    /// An error at the current position, naming what was found there.
    fn unexpected(&self, message: &str, label: &str) -> LoadError {
        if self.pos >= self.bytes.len() {
            // Point just after the last content rather than past trailing line breaks.
            let at = self.text.trim_end().len();
            let message = if message.contains("end of input") {
                message.to_owned()
            } else {
                format!("{message}, found end of input")
            };
            return LoadError::syntax(self.source, at..at, message, label, None);
        }
        let end = self.char_end(self.pos);
        let message = match self.text.get(self.pos..end) {
            Some(found) if found.chars().any(char::is_control) => {
                format!("{message}, found `{}`", found.escape_debug())
            }
            Some(found) if !found.is_empty() => format!("{message}, found `{found}`"),
            _ => message.to_owned(),
        };
        LoadError::syntax(self.source, self.pos..end, message, label, None)
    }

    /// The end of the char starting at `pos` (or `pos` at the end of input).
    fn char_end(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(pos.min(self.bytes.len()), |c| pos + c.len_utf8())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    fn load(text: &str) -> Result<Node, LoadError> {
        parse(&Source::new("t.json", text, Format::Json), &Limits::default())
    }

    fn error(text: &str) -> String {
        match load(text) {
            Ok(node) => format!("unexpectedly parsed: {node:?}"),
            Err(error) => {
                let (line, column) = error.line_col().unwrap_or((0, 0));
                format!("{line}:{column}: {error}")
            }
        }
    }

    #[test]
    fn values_and_spans() -> Result<(), LoadError> {
        let root = load(r#" {"a": [1, -2.5e3, true, null], "b": {"c": "x\u00e9\ud83d\ude00\n"}} "#)?;
        assert_eq!(root.span, DocSpan::new(1, 68));
        let a = root.get("a").map(|node| &node.value);
        let Some(NodeValue::List(items)) = a else {
            return Err(LoadError::syntax(&Source::new("", "", Format::Json), 0..0, "not a list", "", None));
        };
        let values: Vec<_> = items.iter().map(|node| node.value.clone()).collect();
        assert_eq!(
            values,
            vec![
                NodeValue::Number("1".into()),
                NodeValue::Number("-2.5e3".into()),
                NodeValue::Bool(true),
                NodeValue::Null,
            ]
        );
        assert_eq!(items.get(1).map(|node| node.span), Some(DocSpan::new(11, 17)));
        let c = root.get("b").and_then(|b| b.get("c"));
        assert_eq!(c.and_then(Node::as_str), Some("xé😀\n"));
        Ok(())
    }

    #[test]
    fn scalar_root_and_empty_collections() -> Result<(), LoadError> {
        assert_eq!(load("0")?.value, NodeValue::Number("0".into()));
        assert_eq!(load("[]")?.value, NodeValue::List(vec![]));
        assert_eq!(load("{ }")?.value, NodeValue::Map(vec![]));
        assert_eq!(load("\u{feff}\"s\"")?.value, NodeValue::String("s".into()));
        Ok(())
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(error("{\"a\": 1 \"b\": 2}"), "1:9: expected `,` or `}` after object member, found `\"`");
        assert_eq!(error("[1 2]"), "1:4: expected `,` or `]` after array element, found `2`");
        assert_eq!(error("[1,]"), "1:3: trailing comma is not allowed in json");
        assert_eq!(error("{\"a\" 1}"), "1:6: expected `:` after object key, found `1`");
        assert_eq!(error("{1: 2}"), "1:2: expected a string key in object, found `1`");
        assert_eq!(error("[01]"), "1:2: leading zeros are not allowed in json numbers");
        assert_eq!(error("[1.]"), "1:4: expected a digit after `.` in number, found `]`");
        assert_eq!(error("[-]"), "1:3: expected a digit in number, found `]`");
        assert_eq!(error("[tru]"), "1:2: expected a value, found `tru`");
        // The source drops one byte-order mark; a second is text, which JSON does not allow.
        assert!(error("\u{feff}\u{feff}{}").starts_with("1:1: expected a value"), "{}", error("\u{feff}\u{feff}{}"));
        assert_eq!(error("\"abc"), "1:1: unterminated string");
        assert_eq!(error("\"\\x\""), "1:2: invalid escape `\\x` in string");
        assert_eq!(error("\"\\ud800\""), "1:2: invalid `\\u` escape: unpaired surrogate");
        assert_eq!(error("\"\\udc00\""), "1:2: invalid `\\u` escape: unpaired surrogate");
        assert_eq!(error("\"\\u12\""), "1:2: invalid `\\u` escape: expected four hex digits");
        assert_eq!(error("\"a\nb\""), "1:3: control character in string");
        assert_eq!(error("1 2"), "1:3: unexpected content after the json value, found `2`");
        assert_eq!(error(""), "1:1: unexpected end of input, expected a value");
        assert_eq!(error("[1,"), "1:4: unexpected end of input, expected a value");
        assert_eq!(error("{\"a\":1"), "1:7: expected `,` or `}` after object member, found end of input");
        assert_eq!(error("\n  é"), "2:3: expected a value, found `é`");
        assert_eq!(error("{\"a\":1,\"a\":2}"), "1:8: duplicate key `a`");
    }

    #[test]
    fn depth_limit() {
        let limits = Limits { max_bytes: 1000, max_depth: 3, ..Limits::default() };
        let source = Source::new("t.json", "[[[]]]", Format::Json);
        assert!(parse(&source, &limits).is_ok());
        let source = Source::new("t.json", "[[[[]]]]", Format::Json);
        let error = parse(&source, &limits).err().and_then(|error| error.span());
        assert_eq!(error, Some(DocSpan::new(3, 4)));
    }
}
