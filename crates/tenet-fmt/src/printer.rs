//! The output buffer: lines, indentation, and comments written back as the code around them
//! is printed.

use crate::comments::{Comment, blank_line_between};

/// The widest line the formatter aims for (strings and comments may run past it).
pub const MAX_WIDTH: usize = 100;

/// Spaces per indentation level.
pub const INDENT: usize = 2;

/// Builds the formatted text line by line.
pub(crate) struct Printer<'s> {
    /// The file being formatted.
    pub src: &'s str,
    /// Its comments, in order; `next_comment` is the first not yet written.
    comments: Vec<Comment>,
    next_comment: usize,
    /// Finished lines, without newlines.
    lines: Vec<String>,
    /// The line being built; empty until something is written on it.
    current: String,
    /// Indentation for the next line started.
    pub indent: usize,
    /// Offset into `src` of the item being printed: its spans are relative to it.
    pub base: usize,
    /// End of the last piece of source (code or comment) written, for blank-line decisions.
    last_pos: usize,
    /// Whether the last finished line ends in a comment (nothing may be appended to it).
    trailing_on_last: bool,
}

impl<'s> Printer<'s> {
    pub fn new(src: &'s str, comments: Vec<Comment>) -> Self {
        Printer {
            src,
            comments,
            next_comment: 0,
            lines: Vec::new(),
            current: String::new(),
            indent: 0,
            base: 0,
            last_pos: 0,
            trailing_on_last: false,
        }
    }

    /// The finished text, ending in one newline unless empty.
    pub fn finish(mut self) -> String {
        let rest = self.src.len();
        self.comments_before(rest);
        self.break_line();
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        if self.lines.is_empty() {
            return String::new();
        }
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }

    /// The column the next text would start at.
    pub fn column(&self) -> usize {
        if self.current.is_empty() { self.indent } else { self.current.chars().count() }
    }

    /// The indentation of the line being built (or of the next line, if it is empty).
    pub fn line_indent(&self) -> usize {
        if self.current.is_empty() { self.indent } else { self.current.len() - self.current.trim_start().len() }
    }

    /// Writes `text` on the current line (indenting it if it is the line's first text).
    pub fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.current.is_empty() {
            self.current = " ".repeat(self.indent);
        }
        self.current.push_str(text);
        self.trailing_on_last = false;
    }

    /// Indents the current line now if nothing is on it yet, so text written at a deeper
    /// indentation later still starts at this one.
    pub fn start_line(&mut self) {
        if self.current.is_empty() {
            self.current = " ".repeat(self.indent);
        }
    }

    /// Ends the current line if anything is on it.
    pub fn break_line(&mut self) {
        if !self.current.is_empty() {
            let line = std::mem::take(&mut self.current);
            self.lines.push(line.trim_end().to_string());
        }
    }

    /// Ends the current line and leaves one blank line (never two, never at the top).
    pub fn blank_line(&mut self) {
        self.break_line();
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Ends the current line keeping its trailing whitespace (verbatim text).
    pub fn raw_break(&mut self) {
        let line = std::mem::take(&mut self.current);
        self.lines.push(line);
    }

    /// Whether nothing has been written since a block's `{` (or since the start).
    pub fn just_opened(&self) -> bool {
        self.current.is_empty() && self.lines.last().is_none_or(|l| l.is_empty() || l.ends_with('{'))
    }

    /// If the next comment to write starts before `pos` and follows code, a position just
    /// past its start (so `comments_before` writes exactly it).
    pub fn next_trailing_before(&self, pos: usize) -> Option<usize> {
        self.comments.get(self.next_comment).filter(|c| c.start < pos && !c.own_line).map(|c| c.start + 1)
    }

    /// Appends to the current line without indentation rules (continuing verbatim text).
    pub fn raw_text(&mut self, text: &str) {
        self.current.push_str(text);
    }

    /// Absolute offset of an item-relative position.
    pub fn abs(&self, relative: u32) -> usize {
        self.base + relative as usize
    }

    /// Records that source up to `pos` (absolute) has been written. Whitespace and comments
    /// just before `pos` are not counted as written: the parser's spans often run past the
    /// last token, over the whitespace and comments that follow it.
    pub fn mark(&mut self, pos: usize) {
        let end = self.tight_end(self.last_pos, pos);
        self.last_pos = self.last_pos.max(end);
    }

    /// `end` moved back over whitespace and comments, but not before `start`.
    pub fn tight_end(&self, start: usize, end: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut pos = end.min(self.src.len());
        while pos > start {
            let before = self.comments.partition_point(|c| c.start < pos);
            if let Some(comment) = before.checked_sub(1).and_then(|i| self.comments.get(i))
                && pos <= comment.end
            {
                pos = comment.start;
                continue;
            }
            match bytes.get(pos - 1) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => pos -= 1,
                _ => break,
            }
        }
        pos.max(start)
    }

    /// Whether the source has a blank line between what was last written and `pos`.
    /// Only the whitespace (and separating commas) right after the last thing written counts:
    /// a blank line between a clause's keyword and its value is not a blank line between
    /// clauses, but one before or after the comma between two members is.
    pub fn blank_before(&self, pos: usize) -> bool {
        let from = self.last_pos.min(pos);
        let gap = self.src.get(from..pos).unwrap_or("");
        let code = gap.find(|c: char| !c.is_whitespace() && c != ',').map_or(pos, |n| from + n);
        blank_line_between(self.src, from, code)
    }

    /// The end of the run of own-line comments that starts right after what was last written
    /// (no blank line before it) and has no blank line inside, if such comments come before
    /// `pos`.
    pub fn comment_run_under(&self, pos: usize) -> Option<usize> {
        let mut from = self.last_pos;
        let mut end = None;
        for comment in self.comments.get(self.next_comment..).unwrap_or(&[]) {
            if comment.start >= pos || !comment.own_line || blank_line_between(self.src, from, comment.start) {
                break;
            }
            from = comment.end;
            end = Some(comment.end);
        }
        end
    }

    /// Where the next comment (or else `pos`) starts, from `from` on.
    pub fn next_code_or_comment(&self, from: usize, pos: usize) -> usize {
        self.comments
            .get(self.next_comment..)
            .unwrap_or(&[])
            .iter()
            .map(|c| c.start)
            .find(|&s| s >= from)
            .map_or(pos, |s| s.min(pos))
    }

    /// Whether a comment starts inside `start..end` (absolute).
    pub fn has_comment_in(&self, start: usize, end: usize) -> bool {
        self.comments.get(self.next_comment..).unwrap_or(&[]).iter().any(|c| c.start >= start && c.start < end)
    }

    /// Whether any comment before `pos` is still to be written.
    pub fn has_comment_before(&self, pos: usize) -> bool {
        self.comments.get(self.next_comment).is_some_and(|c| c.start < pos)
    }

    /// Writes every comment that starts before `pos`. A comment that followed code stays at
    /// the end of the line holding that code; one alone on its line gets a line of its own
    /// at the current indentation, after a blank line if the source had one.
    pub fn comments_before(&mut self, pos: usize) {
        while let Some(comment) = self.comments.get(self.next_comment).filter(|c| c.start < pos).cloned() {
            self.next_comment += 1;
            // A comment that followed code whose line now ends in another comment (the code
            // between them moved) gets a line of its own.
            let own_line = comment.own_line || (self.current.is_empty() && self.trailing_on_last);
            if own_line {
                self.break_line();
                let after_open = self.lines.last().is_none_or(|l| l.is_empty() || l.ends_with('{'));
                if !after_open && blank_line_between(self.src, self.last_pos, comment.start) {
                    self.blank_line();
                }
                self.text(&comment.text);
                self.break_line();
                self.trailing_on_last = true;
            } else if !self.current.is_empty() {
                self.current.push_str("  ");
                self.current.push_str(&comment.text);
                self.break_line();
                self.trailing_on_last = true;
            } else if let Some(last) = self.lines.iter_mut().rev().find(|l| !l.is_empty()) {
                last.push_str("  ");
                last.push_str(&comment.text);
                self.trailing_on_last = true;
            } else {
                self.text(&comment.text);
                self.break_line();
            }
            self.last_pos = self.last_pos.max(comment.end);
        }
    }

    /// Runs `f` with the indentation raised by `by`.
    pub fn indented<T>(&mut self, by: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.indent += by;
        let result = f(self);
        self.indent -= by;
        result
    }
}
