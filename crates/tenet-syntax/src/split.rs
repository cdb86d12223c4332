//! Splits a file into item chunks before parsing, which is what gives item-level error
//! recovery: each chunk is parsed on its own, so a broken item yields one diagnostic and the
//! items around it still parse.
//!
//! An item starts at a line whose first word is an item keyword, either at column 0 (whatever
//! the bracket depth, so an unclosed brace cannot swallow the rest of the file) or at bracket
//! depth 0. Brackets are counted on the lexer's tokens, so those in strings and comments do
//! not count.

use crate::lexer::{Lexer, TokenKind, tokenize};

pub use crate::lexer::{EXPRESSION_KEYWORDS, ITEM_KEYWORDS, is_reserved};

/// One item's text: `start..end` in the file, and the `///` lines directly above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Byte offset of the item's first keyword.
    pub start: usize,
    /// One past the item's last byte (the next item's doc comments belong to the next item).
    pub end: usize,
    /// The doc comment above the item, `///` markers and one following space removed.
    pub docs: String,
}

/// Splits `text` into item chunks. Text before the first item becomes a chunk of its own
/// when it holds anything but whitespace and comments.
pub fn split_items(text: &str) -> Vec<Chunk> {
    let starts = item_starts(text);
    let mut chunks = Vec::with_capacity(starts.len() + 1);
    let first = starts.first().copied().unwrap_or(text.len());
    let lead = text.get(..first).unwrap_or("");
    if let Some(start) = first_code(lead) {
        chunks.push(Chunk { start, end: doc_block_start(text, first), docs: String::new() });
    }
    for (i, &start) in starts.iter().enumerate() {
        let next = starts.get(i + 1).copied().unwrap_or(text.len());
        let end = doc_block_start(text, next);
        chunks.push(Chunk { start, end: end.max(start), docs: docs_above(text, start) });
    }
    chunks
}

/// Where the first thing other than whitespace and comments in `text` is.
fn first_code(text: &str) -> Option<usize> {
    tokenize(text).find(|t| !t.kind.is_trivia()).map(|t| t.start)
}

/// Byte offsets of item keywords that begin items. A misspelt item keyword at column 0
/// followed by a name or string on its line (`obligaton foo on Contract {`) begins an item
/// too, so the parser reports the misspelling on that item alone, and the name it declares
/// is known to be broken, instead of the item being swallowed by the one above.
fn item_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth: i64 = 0;
    // Whether the next token is the line's first, and whether nothing at all precedes it.
    let mut line_start = true;
    let mut column_zero = true;
    let mut tokens = tokenize(text).peekable();
    while let Some(token) = tokens.next() {
        match token.kind {
            TokenKind::Newline => {
                line_start = true;
                column_zero = true;
                continue;
            }
            TokenKind::Whitespace => {
                column_zero = false;
                continue;
            }
            _ => {}
        }
        if line_start {
            line_start = false;
            let keyword = token.kind == TokenKind::Keyword
                && ITEM_KEYWORDS.contains(&token.text(text))
                && (column_zero || depth <= 0);
            let misspelt = column_zero
                && token.kind == TokenKind::Ident
                && misspelt_item_keyword(token.text(text)).is_some()
                && next_on_line_declares(&mut tokens);
            if keyword || misspelt {
                starts.push(token.start);
                depth = 0;
            }
        }
        if token.kind.is_open_bracket() {
            depth += 1;
        } else if token.kind.is_close_bracket() {
            depth -= 1;
        }
    }
    starts
}

/// The item keyword `word` is a likely misspelling of, if any (`obligaton`: `obligation`).
pub fn misspelt_item_keyword(word: &str) -> Option<&'static str> {
    crate::diag::did_you_mean(word, ITEM_KEYWORDS.iter().copied())
}

/// Whether the next token on the line after whitespace is a name or a string, as after an
/// item keyword (`obligation NAME`, `test "…"`). Consumes only the whitespace.
fn next_on_line_declares(tokens: &mut std::iter::Peekable<impl Iterator<Item = crate::lexer::Token>>) -> bool {
    while tokens.peek().is_some_and(|t| t.kind == TokenKind::Whitespace) {
        tokens.next();
    }
    tokens.peek().is_some_and(|t| matches!(t.kind, TokenKind::Ident | TokenKind::Keyword | TokenKind::String))
}

/// The doc comment a line holds when it holds nothing else but whitespace. No token spans a
/// line break, so a line lexes on its own as it does in the whole text.
fn doc_line(line: &str) -> Option<&str> {
    Lexer::new(line)
        .find(|t| t.kind != TokenKind::Whitespace)
        .filter(|t| t.kind == TokenKind::DocComment)
        .map(|t| t.text(line))
}

/// Where the run of `///` lines directly above the line holding `pos` begins (or `pos`'s line
/// start if there is none). Positions at end of text stay put.
fn doc_block_start(text: &str, pos: usize) -> usize {
    if pos >= text.len() {
        return text.len();
    }
    let mut start = line_start_of(text, pos);
    loop {
        if start == 0 {
            return start;
        }
        let prev = line_start_of(text, start - 1);
        if doc_line(text.get(prev..start).unwrap_or("")).is_some() {
            start = prev;
        } else {
            return start;
        }
    }
}

fn line_start_of(text: &str, pos: usize) -> usize {
    text.get(..pos).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1)
}

/// The doc comment directly above the line holding `pos`, when `pos` is the first thing on
/// that line (the doc comment of `first` in `first, second` is not also `second`'s).
pub fn docs_above(text: &str, pos: usize) -> String {
    let until = line_start_of(text, pos);
    if !text.get(until..pos).unwrap_or("").trim().is_empty() {
        return String::new();
    }
    let from = doc_block_start(text, pos);
    text.get(from..until)
        .unwrap_or("")
        .split_inclusive('\n')
        .filter_map(doc_line)
        .filter_map(|comment| comment.trim_end().strip_prefix("///"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, chunks: &[Chunk]) -> Vec<&'a str> {
        chunks.iter().map(|c| text.get(c.start..c.end).unwrap_or("?").trim_end()).collect()
    }

    #[test]
    fn splits_at_item_keywords_and_keeps_docs() {
        let text = "package a\n\n/// Doc one.\n/// Doc two.\nrule r = true\nrule s =\n  true\n";
        let chunks = split_items(text);
        assert_eq!(texts(text, &chunks), ["package a", "rule r = true", "rule s =\n  true"]);
        assert_eq!(chunks.get(1).map(|c| c.docs.as_str()), Some("Doc one.\nDoc two."));
    }

    #[test]
    fn an_unclosed_brace_does_not_swallow_the_next_item() {
        let text = "schema A {\n  x: int\nrule r = true\n";
        assert_eq!(texts(text, &split_items(text)), ["schema A {\n  x: int", "rule r = true"]);
    }

    #[test]
    fn indented_keywords_inside_braces_do_not_split() {
        let text = "schema A {\n  use: int\n}\n";
        assert_eq!(split_items(text).len(), 1);
    }

    #[test]
    fn a_misspelt_item_keyword_starts_an_item() {
        let text = "schema A {\n  x: int\n}\n\nobligaton o on A {\n}\nrules: x\n";
        assert_eq!(texts(text, &split_items(text)), ["schema A {\n  x: int\n}", "obligaton o on A {\n}\nrules: x"]);
    }

    #[test]
    fn leading_garbage_is_its_own_chunk() {
        let text = "// c\nfoo bar\npackage a\n";
        assert_eq!(texts(text, &split_items(text)), ["foo bar", "package a"]);
    }
}
