//! Where the cursor is in a document being typed, read from the text rather than a parse: a
//! half-typed key (`  brea` under `dpa:`) is rarely well-formed YAML, JSON or TOML, yet it is
//! exactly where completion is asked for.

use tenet_input::Format;
use tenet_text::DocSpan;

/// What the cursor is typing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Typing {
    /// A key of the map whose keys from the root are `Cursor::parents`.
    Key,
    /// The value of `key` in that map.
    Value { key: String },
}

/// The cursor's place in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Cursor {
    /// The keys from the document's root to the map the cursor is in (list positions left out).
    pub parents: Vec<String>,
    pub typing: Typing,
    /// The partly typed word before the cursor, which a completion replaces (with its opening
    /// quote in JSON, and the closing quote an editor may have added).
    pub typed: DocSpan,
    /// Keys the map already has.
    pub siblings: Vec<String>,
}

/// The cursor at byte `offset` of `text`.
pub(super) fn cursor(format: Format, text: &str, offset: usize) -> Option<Cursor> {
    let offset = floor_char_boundary(text, offset);
    match format {
        Format::Yaml => yaml(text, offset),
        Format::Json | Format::Ndjson => json(text, offset),
        Format::Toml => toml(text, offset),
    }
}

/// The `kind` the document around `offset` declares, read from its text.
pub(super) fn written_kind(format: Format, text: &str, offset: usize) -> Option<String> {
    let (start, end) = match format {
        Format::Yaml => yaml_document_bounds(text, offset),
        _ => (0, text.len()),
    };
    let part = text.get(start..end)?;
    for line in part.lines() {
        let value = match format {
            Format::Yaml => line.strip_prefix("kind:"),
            Format::Toml => {
                line.trim_start().strip_prefix("kind").map(str::trim_start).and_then(|l| l.strip_prefix('='))
            }
            Format::Json | Format::Ndjson => line
                .find("\"kind\"")
                .and_then(|at| line.get(at + 6..))
                .map(str::trim_start)
                .and_then(|l| l.strip_prefix(':')),
        };
        if let Some(value) = value {
            let value = value.split('#').next().unwrap_or("").trim().trim_end_matches(',');
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            if !value.is_empty() {
                return Some(value.to_string());
            }
        }
    }
    None
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Whether `c` can be part of a key being typed.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The start of the word that ends at `offset`.
fn word_start(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or("");
    before.char_indices().rev().take_while(|(_, c)| is_word(*c)).last().map_or(offset, |(i, _)| i)
}

/// Where the line holding `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1)
}

// ---------------------------------------------------------------------------------------------
// YAML: block structure by indentation.

/// A line's content column (list dashes count as indentation: in `  - to: x` the key `to` is at
/// column 4), what follows it, and whether the line starts a list item.
fn yaml_content(line: &str) -> (usize, &str, bool) {
    let mut rest = line;
    let mut column = 0;
    let mut dashed = false;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        column += rest.len() - trimmed.len();
        rest = trimmed;
        match rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")) {
            Some(after) => {
                column += rest.len() - after.len();
                rest = after;
                dashed = true;
            }
            None => return (column, rest, dashed),
        }
    }
}

/// The key of `key: value` or `key:` (quotes removed), if the text starts with one.
fn yaml_key(rest: &str) -> Option<(&str, &str)> {
    let mut search = 0;
    while let Some(at) = rest.get(search..)?.find(':') {
        let colon = search + at;
        let after = rest.get(colon + 1..)?;
        if after.is_empty() || after.starts_with(' ') || after.starts_with('\t') {
            let key = rest.get(..colon)?.trim().trim_matches(|c| c == '"' || c == '\'');
            if key.is_empty() || key.starts_with('#') {
                return None;
            }
            return Some((key, after));
        }
        search = colon + 1;
    }
    None
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

fn is_document_marker(line: &str) -> bool {
    line.starts_with("---") || line.starts_with("...")
}

/// The bounds of the YAML document around `offset` in a stream.
fn yaml_document_bounds(text: &str, offset: usize) -> (usize, usize) {
    let mut start = 0;
    let mut end = text.len();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if is_document_marker(line) {
            if at + line.len() <= offset {
                start = at + line.len();
            } else if at > offset {
                end = at;
                break;
            }
        }
        at += line.len();
    }
    (start, end)
}

fn yaml(text: &str, offset: usize) -> Option<Cursor> {
    let start = line_start(text, offset);
    let line = text.get(start..offset)?;
    if line.trim_start().starts_with('#') || is_document_marker(line) {
        return None;
    }
    let (column, rest, _) = yaml_content(line);
    let (doc_start, doc_end) = yaml_document_bounds(text, offset);
    let before = text.get(doc_start..start)?;
    let after = text.get(offset..doc_end)?;
    let parents = yaml_parents(before, column);
    let siblings = yaml_siblings(before, after, column);
    let typing = match yaml_key(rest) {
        Some((key, _)) => Typing::Value { key: key.to_string() },
        None if rest.chars().all(is_word) => Typing::Key,
        None => return None,
    };
    Some(Cursor { parents, typing, typed: DocSpan::new(word_start(text, offset), offset), siblings })
}

/// The keys of the block maps enclosing a line whose content is at `column`, from the root.
fn yaml_parents(before: &str, column: usize) -> Vec<String> {
    let mut parents = Vec::new();
    let mut want = column;
    for line in before.lines().rev() {
        if want == 0 {
            break;
        }
        if is_blank_or_comment(line) {
            continue;
        }
        let (at, rest, _) = yaml_content(line);
        if at >= want {
            continue;
        }
        if let Some((key, value)) = yaml_key(rest) {
            let value = value.trim();
            if value.is_empty() || value.starts_with('#') {
                parents.push(key.to_string());
            }
        }
        want = at;
    }
    parents.reverse();
    parents
}

/// The keys at `column` in the same map (the same list item) as the cursor's line.
fn yaml_siblings(before: &str, after: &str, column: usize) -> Vec<String> {
    let mut keys = Vec::new();
    for line in before.lines().rev() {
        if is_blank_or_comment(line) {
            continue;
        }
        let (at, rest, dashed) = yaml_content(line);
        if at < column {
            break;
        }
        if at == column {
            if let Some((key, _)) = yaml_key(rest) {
                keys.push(key.to_string());
            }
            if dashed {
                break;
            }
        }
    }
    // The rest of the cursor's own line is not a sibling.
    for line in after.lines().skip(1) {
        if is_blank_or_comment(line) {
            continue;
        }
        let (at, rest, dashed) = yaml_content(line);
        if at < column || (at == column && dashed) {
            break;
        }
        if at == column
            && let Some((key, _)) = yaml_key(rest)
        {
            keys.push(key.to_string());
        }
    }
    keys
}

// ---------------------------------------------------------------------------------------------
// JSON: a scan of the tokens before the cursor.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Key,
    Colon,
    Value,
    Comma,
}

#[derive(Debug)]
struct Frame {
    object: bool,
    /// The key in the enclosing object this container is the value of.
    key: Option<String>,
    /// The last key read in this object.
    last_key: Option<String>,
    expect: Expect,
    keys: Vec<String>,
}

fn json(text: &str, offset: usize) -> Option<Cursor> {
    let before = text.get(..offset)?;
    let mut frames: Vec<Frame> = Vec::new();
    let mut chars = before.char_indices().peekable();
    let mut open_string: Option<usize> = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => {
                let key = frames.last().filter(|f| f.object).and_then(|f| f.last_key.clone());
                if let Some(parent) = frames.last_mut() {
                    parent.expect = Expect::Comma;
                }
                frames.push(Frame {
                    object: c == '{',
                    key,
                    last_key: None,
                    expect: if c == '{' { Expect::Key } else { Expect::Value },
                    keys: Vec::new(),
                });
            }
            '}' | ']' => {
                frames.pop();
            }
            ',' => {
                if let Some(top) = frames.last_mut() {
                    top.expect = if top.object { Expect::Key } else { Expect::Value };
                }
            }
            ':' => {
                if let Some(top) = frames.last_mut() {
                    top.expect = Expect::Value;
                }
            }
            '"' => {
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                if !closed {
                    open_string = Some(i);
                    break;
                }
                if let Some(top) = frames.last_mut() {
                    if top.object && top.expect == Expect::Key {
                        top.keys.push(value.clone());
                        top.last_key = Some(value);
                        top.expect = Expect::Colon;
                    } else {
                        top.expect = Expect::Comma;
                    }
                }
            }
            _ => {}
        }
    }
    let top = frames.last()?;
    let parents: Vec<String> = frames.iter().skip(1).filter_map(|f| f.key.clone()).collect();
    let typing = match (top.object, top.expect) {
        (true, Expect::Key) => Typing::Key,
        (true, Expect::Value) => Typing::Value { key: top.last_key.clone()? },
        // Typing a string value after `"key": "…` leaves the frame expecting a comma only once
        // the string closes; an open one is still the value.
        (true, Expect::Comma) if open_string.is_some() => Typing::Value { key: top.last_key.clone()? },
        (false, Expect::Value) => {
            let parent = frames.iter().rev().nth(1).filter(|f| f.object)?;
            Typing::Value { key: parent.last_key.clone()? }
        }
        _ => return None,
    };
    let typed = match open_string {
        Some(quote) => {
            // The closing quote an editor adds right after the cursor is replaced too.
            let end = if text.get(offset..).is_some_and(|t| t.starts_with('"')) { offset + 1 } else { offset };
            DocSpan::new(quote, end)
        }
        None => DocSpan::new(word_start(text, offset), offset),
    };
    let siblings = match typing {
        Typing::Key => {
            let mut keys = top.keys.clone();
            keys.extend(json_keys_after(text, typed.end));
            keys
        }
        Typing::Value { .. } => Vec::new(),
    };
    Some(Cursor { parents, typing, typed, siblings })
}

/// The keys of the object the cursor is in that are written after `from`: each string followed
/// by `:` before the object's closing brace, nested containers skipped.
fn json_keys_after(text: &str, from: usize) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut chars = text.get(from..).unwrap_or("").chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => break,
            '}' | ']' => depth -= 1,
            '"' => {
                let mut value = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => value.extend(chars.next()),
                        '"' => break,
                        c => value.push(c),
                    }
                }
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                if depth == 0 && chars.peek() == Some(&':') {
                    keys.push(value);
                }
            }
            _ => {}
        }
    }
    keys
}

// ---------------------------------------------------------------------------------------------
// TOML: the table header above the cursor, and dotted keys.

/// The keys of a `[table]` or `[[array.of.tables]]` header line.
fn toml_header(line: &str) -> Option<Vec<String>> {
    let trimmed = line.trim();
    let inner = trimmed
        .strip_prefix("[[")
        .and_then(|t| t.split("]]").next())
        .or_else(|| trimmed.strip_prefix('[').and_then(|t| t.split(']').next()))?;
    Some(toml_keys(inner))
}

fn toml_keys(dotted: &str) -> Vec<String> {
    dotted.split('.').map(|k| k.trim().trim_matches(|c| c == '"' || c == '\'').to_string()).collect()
}

fn toml(text: &str, offset: usize) -> Option<Cursor> {
    let start = line_start(text, offset);
    let line = text.get(start..offset)?;
    if line.trim_start().starts_with('#') || line.trim_start().starts_with('[') {
        return None;
    }
    let before = text.get(..start)?;
    let mut table: Vec<String> = Vec::new();
    let mut siblings = Vec::new();
    for line in before.lines().rev() {
        if let Some(keys) = toml_header(line) {
            table = keys;
            break;
        }
        if let Some((key, _)) = line.split_once('=') {
            siblings.push(key.trim().to_string());
        }
    }
    for line in text.get(offset..)?.lines().skip(1) {
        if toml_header(line).is_some() {
            break;
        }
        if let Some((key, _)) = line.split_once('=') {
            siblings.push(key.trim().to_string());
        }
    }
    let (typing, dotted) = match line.split_once('=') {
        Some((key, _)) => {
            let mut keys = toml_keys(key);
            let key = keys.pop()?;
            (Typing::Value { key }, keys)
        }
        None => {
            let typed = line.trim_start();
            if !typed.chars().all(|c| is_word(c) || c == '.') {
                return None;
            }
            let mut keys = toml_keys(typed);
            keys.pop();
            (Typing::Key, keys)
        }
    };
    let parents: Vec<String> = table.into_iter().chain(dotted.iter().cloned()).collect();
    let siblings = if dotted.is_empty() { siblings } else { Vec::new() };
    Some(Cursor { parents, typing, typed: DocSpan::new(word_start(text, offset), offset), siblings })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cursor where `|` is in `marked`.
    fn at(format: Format, marked: &str) -> Cursor {
        let offset = marked.find('|').unwrap_or(0);
        let text = marked.replacen('|', "", 1);
        cursor(format, &text, offset).unwrap_or_else(|| panic!("no cursor in {marked:?}"))
    }

    #[test]
    fn yaml_keys_under_a_block_map() {
        let c = at(Format::Yaml, "kind: Contract\ndpa:\n  audit_rights: true\n  brea|\nvendor:\n  name: x\n");
        assert_eq!(c.parents, ["dpa"]);
        assert_eq!(c.typing, Typing::Key);
        assert_eq!(c.siblings, ["audit_rights"]);
        assert_eq!(c.typed.len(), 4);
    }

    #[test]
    fn yaml_keys_in_a_list_item() {
        let c = at(Format::Yaml, "transfers:\n  - to: US\n    mech|\n  - to: IN\n    safeguards: x\n");
        assert_eq!(c.parents, ["transfers"]);
        assert_eq!(c.siblings, ["to"]);
        let c = at(Format::Yaml, "transfers:\n  - |\n");
        assert_eq!(c.parents, ["transfers"]);
    }

    #[test]
    fn yaml_values() {
        let c = at(Format::Yaml, "vendor:\n  role: proc|\n");
        assert_eq!(c.parents, ["vendor"]);
        assert_eq!(c.typing, Typing::Value { key: "role".into() });
    }

    #[test]
    fn yaml_documents_of_a_stream_are_apart() {
        let text = "kind: A\ndpa:\n  x: 1\n---\nkind: B\n  |";
        let c = at(Format::Yaml, text);
        assert!(c.parents.is_empty(), "{c:?}");
        assert_eq!(written_kind(Format::Yaml, &text.replace('|', ""), text.len() - 1).as_deref(), Some("B"));
    }

    #[test]
    fn json_keys_and_values() {
        let c = at(Format::Json, "{\"kind\": \"Contract\", \"dpa\": {\"audit_rights\": true, \"bre|\"}}");
        assert_eq!(c.parents, ["dpa"]);
        assert_eq!(c.typing, Typing::Key);
        assert_eq!(c.typed.len(), "\"bre\"".len(), "the quotes are replaced");
        assert_eq!(c.siblings, ["audit_rights"]);
        let c = at(Format::Json, "{\"transfers\": [{\"to\": \"US\", \"mechanism\": \"s|");
        assert_eq!(c.parents, ["transfers"]);
        assert_eq!(c.typing, Typing::Value { key: "mechanism".into() });
        let c = at(Format::Json, "{\"dpa\": {\n  |\n}}");
        assert_eq!(c.parents, ["dpa"]);
        assert_eq!(c.typing, Typing::Key);
        // Keys written after the cursor in the same object count too; those of nested objects
        // and of the enclosing one do not.
        let c = at(
            Format::Json,
            "{\"dpa\": {\"audit_rights\": true, \"bre|\", \"exit\": {\"deadline_days\": 3}, \"sub\\\"q\" : 1}, \"vendor\": {}}",
        );
        assert_eq!(c.parents, ["dpa"]);
        assert_eq!(c.siblings, ["audit_rights", "exit", "sub\"q"]);
    }

    #[test]
    fn toml_tables_and_dotted_keys() {
        let c = at(Format::Toml, "kind = \"Contract\"\n[dpa]\naudit_rights = true\nbre|\n[vendor]\nname = \"x\"\n");
        assert_eq!(c.parents, ["dpa"]);
        assert_eq!(c.siblings, ["audit_rights"]);
        let c = at(Format::Toml, "kind = \"Contract\"\nvendor.ro|");
        assert_eq!(c.parents, ["vendor"]);
        let c = at(Format::Toml, "[vendor]\nrole = |");
        assert_eq!(c.typing, Typing::Value { key: "role".into() });
        assert_eq!(written_kind(Format::Toml, "kind = \"Contract\"\n", 0).as_deref(), Some("Contract"));
        let json = "{\n  \"id\": \"x\",\n  \"kind\": \"Contract\",\n  \"dpa\": {\"b";
        assert_eq!(written_kind(Format::Json, json, json.len()).as_deref(), Some("Contract"), "not on the first line");
    }
}
