//! Finding the comments of a file. The syntax tree has no comments, so the formatter takes
//! them from the lexer's tokens, skipping inline test documents (whose text is not Tenet).

use std::ops::Range;
use tenet_syntax::lexer::{Lexer, TokenKind};

/// One `//` or `///` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Byte offset of the first `/`.
    pub start: usize,
    /// One past the last byte of the comment's text (the newline is not part of it).
    pub end: usize,
    /// The comment as written, trailing whitespace removed.
    pub text: String,
    /// Whether the comment is alone on its line (otherwise it follows code).
    pub own_line: bool,
}

/// The comments of `text` in order. `verbatim` ranges (sorted) hold text that is not Tenet
/// and is skipped; they count as code on their lines.
pub(crate) fn scan(text: &str, verbatim: &[Range<usize>]) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut skips = verbatim.iter().peekable();
    let mut code_on_line = false;
    let mut tokens = Lexer::new(text);
    while let Some(token) = tokens.next() {
        while skips.peek().is_some_and(|r| r.end <= token.start) {
            skips.next();
        }
        if let Some(range) = skips.peek()
            && range.start <= token.start
        {
            // Text that is not Tenet: lex again after it; a newline inside starts a fresh line.
            let skipped = text.get(token.start..range.end).unwrap_or("");
            code_on_line = true;
            if let Some(last_newline) = skipped.rfind('\n') {
                code_on_line = skipped.get(last_newline + 1..).is_some_and(|rest| !rest.trim().is_empty());
            }
            tokens = Lexer::starting_at(text, range.end.max(token.start + 1));
            continue;
        }
        match token.kind {
            TokenKind::Newline => code_on_line = false,
            TokenKind::Whitespace => {}
            TokenKind::LineComment | TokenKind::DocComment => {
                let trimmed = token.text(text).trim_end();
                comments.push(Comment {
                    start: token.start,
                    end: token.start + trimmed.len(),
                    text: trimmed.to_string(),
                    own_line: !code_on_line,
                });
            }
            _ => code_on_line = true,
        }
    }
    comments
}

/// Whether the text between `from` and `to` holds a blank line (two line breaks with only
/// whitespace between them).
pub(crate) fn blank_line_between(text: &str, from: usize, to: usize) -> bool {
    let Some(between) = text.get(from.min(to)..to) else { return false };
    let mut lines = between.split('\n');
    lines.next();
    let middle: Vec<&str> = lines.collect();
    match middle.split_last() {
        Some((_, inner)) => inner.iter().any(|line| line.trim().is_empty()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_and_knows_which_follow_code() {
        let text = "// lead\nrule r = a // trailing\n  /// doc\n";
        let found = scan(text, &[]);
        let summary: Vec<(&str, bool)> = found.iter().map(|c| (c.text.as_str(), c.own_line)).collect();
        assert_eq!(summary, [("// lead", true), ("// trailing", false), ("/// doc", true)]);
    }

    #[test]
    fn skips_strings_and_verbatim_text() {
        let text = "const U: string = \"http://x\\\"//\" // real\ngiven K { url: http://y }\n";
        let start = text.find("{ url").unwrap_or(0);
        let end = text.find("y }").unwrap_or(0) + 3;
        let inline = start..end;
        let found = scan(text, std::slice::from_ref(&inline));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "// real");
        assert!(!found[0].own_line);
    }

    #[test]
    fn blank_lines() {
        assert!(blank_line_between("a\n\nb", 1, 4));
        assert!(blank_line_between("a\n  \n  b", 1, 7));
        assert!(!blank_line_between("a\n  b", 1, 4));
        assert!(!blank_line_between("a b", 1, 2));
    }
}
