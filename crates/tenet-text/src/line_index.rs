//! Byte offsets ↔ lines and columns, in the two ways Tenet reports them: 1-based lines and
//! columns counted in characters for people (`policy.tenet:3:7`), and 0-based lines and UTF-16
//! code units for the language server protocol.
//!
//! Offsets and positions are clamped, never trusted: an offset past the end is the end of the
//! text, an offset inside a multi-byte character is that character's start, and a protocol
//! position past the end of its line, past the last line or inside a surrogate pair is moved
//! to the nearest character start before it.

/// Where the lines of one text start, built once so that each conversion is a binary search
/// over lines and a walk along one line.
///
/// The index does not keep the text; every conversion takes it again and it must be the text
/// the index was built from (a different one gives clamped, meaningless positions, never a
/// panic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of each line's start: 0, then one past every `\n`, and past every `\r`
    /// not followed by `\n` (old Mac line endings, which YAML and the protocol also count).
    line_starts: Vec<usize>,
    /// Length of the indexed text in bytes.
    len: usize,
}

/// A position as people read it: 1-based line, 1-based column counted in characters (a `\r`
/// before the line's `\n` is a character like any other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A position as the language server protocol counts it by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Utf16Position {
    /// 0-based line.
    pub line: u32,
    /// 0-based offset within the line, in UTF-16 code units.
    pub character: u32,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let ends_line = |(i, b): (usize, &u8)| match b {
            b'\n' => Some(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i + 1),
            _ => None,
        };
        let line_starts = std::iter::once(0).chain(bytes.iter().enumerate().filter_map(ends_line)).collect();
        LineIndex { line_starts, len: text.len() }
    }

    /// How many lines the text has; an empty text, or one ending in `\n`, has a last line with
    /// nothing on it.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line `offset` is on (an offset past the end is on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// The byte offset where 0-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// The 1-based line and character column of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let (line, before) = self.line_and_prefix(text, offset);
        LineCol { line: line + 1, column: before.chars().count() + 1 }
    }

    /// The protocol position (0-based line, UTF-16 column) of byte `offset` in `text`.
    pub fn utf16_position(&self, text: &str, offset: usize) -> Utf16Position {
        let (line, before) = self.line_and_prefix(text, offset);
        let character: usize = before.chars().map(char::len_utf16).sum();
        Utf16Position { line: saturate(line), character: saturate(character) }
    }

    /// The byte offset in `text` of a protocol position. A line past the last is the end of
    /// the text; a character past the end of its line is the line's end (before a `\r\n`); a
    /// character inside a surrogate pair is the start of that character.
    pub fn offset_of_utf16(&self, text: &str, position: Utf16Position) -> usize {
        let line = usize::try_from(position.line).unwrap_or(usize::MAX);
        let Some(start) = self.line_start(line) else { return self.len };
        let end = self.line_start(line.saturating_add(1)).map_or(self.len, |next| next.saturating_sub(1));
        let line_text = text.get(start..end.max(start)).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let wanted = usize::try_from(position.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            units += c.len_utf16();
            if units > wanted {
                return start + i;
            }
        }
        start + line_text.len()
    }

    /// The 0-based line of `offset`, clamped into `text` and back to a character start, and
    /// the part of that line before it.
    fn line_and_prefix<'t>(&self, text: &'t str, offset: usize) -> (usize, &'t str) {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0).min(offset);
        (line, text.get(start..offset).unwrap_or(""))
    }
}

/// `value` as a protocol number, the largest one if it does not fit.
fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn human(text: &str, offset: usize) -> (usize, usize) {
        let at = LineIndex::new(text).line_col(text, offset);
        (at.line, at.column)
    }

    fn utf16(text: &str, offset: usize) -> (u32, u32) {
        let at = LineIndex::new(text).utf16_position(text, offset);
        (at.line, at.character)
    }

    fn offset(text: &str, line: u32, character: u32) -> usize {
        LineIndex::new(text).offset_of_utf16(text, Utf16Position { line, character })
    }

    #[test]
    fn ascii_lines_and_columns() {
        let text = "ab\ncd\n";
        assert_eq!(human(text, 0), (1, 1));
        assert_eq!(human(text, 2), (1, 3), "the newline ends its line");
        assert_eq!(human(text, 3), (2, 1));
        assert_eq!(human(text, 6), (3, 1), "after a final newline is an empty last line");
        assert_eq!(utf16(text, 4), (1, 1));
        assert_eq!(offset(text, 1, 1), 4);
        assert_eq!(LineIndex::new(text).line_count(), 3);
    }

    #[test]
    fn crlf_lines_count_the_carriage_return_but_positions_stop_before_it() {
        let text = "ab\r\ncd";
        assert_eq!(human(text, 2), (1, 3));
        assert_eq!(human(text, 3), (1, 4), "the `\\r` is a character of the first line");
        assert_eq!(human(text, 4), (2, 1));
        assert_eq!(utf16(text, 4), (1, 0));
        assert_eq!(offset(text, 0, 10), 2, "past the end of the line is before the `\\r\\n`");
        assert_eq!(offset(text, 1, 1), 5);
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line() {
        let text = "kind: Item\rid: cr\rn: \"x\"\r";
        assert_eq!(human(text, text.find("\"x").unwrap()), (3, 4));
        assert_eq!(utf16(text, text.find("id").unwrap()), (1, 0));
        assert_eq!(offset(text, 2, 99), text.len() - 1, "the end of a line is before its `\r`");
        assert_eq!(LineIndex::new(text).line_count(), 4);
        assert_eq!(LineIndex::new("a\r\nb").line_count(), 2, "`\r\n` is one line ending");
    }

    #[test]
    fn multi_byte_characters_are_one_column() {
        // `é` is two bytes, one character, one UTF-16 unit.
        let text = "ab\né: x\n";
        assert_eq!(human(text, 5), (2, 2));
        assert_eq!(utf16(text, 5), (1, 1));
        assert_eq!(offset(text, 1, 1), 5);
    }

    #[test]
    fn emoji_are_one_column_and_two_utf16_units() {
        // "/// café " is 10 bytes and 9 units; `😀` is 4 bytes and a surrogate pair.
        let text = "/// café 😀 x\nrule r = true\n";
        // `x`, at byte 15, follows 11 characters and 12 code units.
        assert_eq!(human(text, 15), (1, 12));
        assert_eq!(utf16(text, 15), (0, 12));
        assert_eq!(offset(text, 0, 9), 10);
        assert_eq!(offset(text, 0, 12), 15);
        assert_eq!(offset(text, 0, 10), 10, "inside the surrogate pair is the emoji's start");
    }

    #[test]
    fn an_offset_inside_a_character_is_that_characters_start() {
        let text = "x\nab😀c";
        for inside in 5..8 {
            assert_eq!(human(text, inside), (2, 3), "offset {inside}");
            assert_eq!(utf16(text, inside), (1, 2), "offset {inside}");
        }
        assert_eq!(human("ab\nçd", 4), (2, 1), "not 1:1");
    }

    #[test]
    fn positions_past_the_end_are_the_end() {
        let text = "a😀b\nxy";
        assert_eq!(human(text, 999), (2, 3));
        assert_eq!(utf16(text, 999), (1, 2));
        assert_eq!(offset(text, 0, 99), 6, "past the end of a line is its end");
        assert_eq!(offset(text, 9, 0), 9, "past the last line is the end of the text");
        assert_eq!(LineIndex::new(text).line_of(999), 1);
    }

    #[test]
    fn an_empty_text_has_one_empty_line() {
        let index = LineIndex::new("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(human("", 0), (1, 1));
        assert_eq!(human("", 5), (1, 1));
        assert_eq!(utf16("", 0), (0, 0));
        assert_eq!(offset("", 0, 3), 0);
        assert_eq!(offset("", 2, 0), 0);
    }

    #[test]
    fn line_starts_and_lines_of_offsets() {
        let index = LineIndex::new("a\nbc\n");
        assert_eq!(index.line_start(1), Some(2));
        assert_eq!(index.line_start(2), Some(5));
        assert_eq!(index.line_start(3), None);
        assert_eq!(index.line_of(1), 0, "a newline belongs to the line it ends");
        assert_eq!(index.line_of(2), 1);
    }
}
