//! Byte offsets ↔ LSP positions (0-based line, UTF-16 code units), robust to positions a
//! client gets wrong: a line past the end is the end of the text, a character past the end
//! of its line is the line's end, and a position inside a surrogate pair or a multi-byte
//! character moves back to the character's start.

/// Line starts of one text, for conversions.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of each line's start.
    line_starts: Vec<u32>,
    text_len: u32,
}

/// A position in the protocol's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Utf16Position {
    /// 0-based line.
    pub line: u32,
    /// 0-based UTF-16 code unit within the line.
    pub character: u32,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex { line_starts, text_len: u32::try_from(text.len()).unwrap_or(u32::MAX) }
    }

    fn line_range(&self, line: usize) -> (u32, u32) {
        let start = self.line_starts.get(line).copied().unwrap_or(self.text_len);
        let end = self.line_starts.get(line + 1).map_or(self.text_len, |next| next.saturating_sub(1));
        (start, end.max(start))
    }

    /// The byte offset of a protocol position, clamped into the text.
    pub fn offset(&self, text: &str, position: Utf16Position) -> u32 {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return self.text_len;
        }
        let (start, end) = self.line_range(line);
        let line_text = text.get(start as usize..end as usize).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0u32;
        for (i, c) in line_text.char_indices() {
            let next = units + u32::try_from(c.len_utf16()).unwrap_or(2);
            if next > position.character {
                return start + u32::try_from(i).unwrap_or(0);
            }
            units = next;
        }
        start + u32::try_from(line_text.len()).unwrap_or(0)
    }

    /// The protocol position of a byte offset (clamped, and moved back to a character start).
    pub fn position(&self, text: &str, offset: u32) -> Utf16Position {
        let mut offset = offset.min(self.text_len) as usize;
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let offset = u32::try_from(offset).unwrap_or(0);
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let character =
            text.get(start as usize..offset as usize).map_or(0, |t| t.chars().map(char::len_utf16).sum::<usize>());
        Utf16Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.line_starts.len()
    }

    /// Whether the text is empty of lines (never: an empty text has one line).
    pub fn is_empty(&self) -> bool {
        self.line_starts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Utf16Position {
        Utf16Position { line, character }
    }

    #[test]
    fn converts_non_ascii_lines_in_utf16_units() {
        let text = "/// café 😀 x\nrule r = true\n";
        let index = LineIndex::new(text);
        // "/// café " is 9 UTF-16 units, 10 bytes; the emoji is 2 units, 4 bytes.
        assert_eq!(index.offset(text, pos(0, 9)), 10);
        assert_eq!(index.offset(text, pos(0, 12)), 15);
        assert_eq!(index.position(text, 15), pos(0, 12));
        assert_eq!(index.offset(text, pos(1, 5)), text.find(" r =").map(|i| i as u32 + 1).unwrap_or(0));
    }

    #[test]
    fn clamps_positions_a_client_gets_wrong() {
        let text = "a😀b\nxy";
        let index = LineIndex::new(text);
        // inside the surrogate pair: back to the emoji's start
        assert_eq!(index.offset(text, pos(0, 2)), 1);
        // past the end of the line: the line's end
        assert_eq!(index.offset(text, pos(0, 99)), 6);
        // past the last line: the end of the text
        assert_eq!(index.offset(text, pos(9, 0)), 9);
        // an offset inside a multi-byte character moves back
        assert_eq!(index.position(text, 3), pos(0, 1));
        assert_eq!(index.position(text, 999), pos(1, 2));
    }

    #[test]
    fn crlf_lines_end_before_the_carriage_return() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 10)), 2);
        assert_eq!(index.position(text, 4), pos(1, 0));
    }
}
