//! A linear scan of an item's tokens before pest sees it. It rejects what would make the
//! recursive-descent parser recurse too deeply (deep brackets, long quantifier nests), and
//! finds problems pest reports poorly: unterminated strings, non-ASCII names, unclosed brackets.

use crate::ast::ItemSpan;
use crate::diag::Diagnostic;
use crate::errors::SyntaxError;
use crate::lexer::{TokenKind, tokenize};

/// How deeply brackets may nest inside one item.
pub const MAX_NESTING: usize = 64;

/// How many quantifiers and aggregates one item may hold (each nests the parser one level).
pub const MAX_QUANTIFIERS: usize = 64;

fn at(i: usize, len: usize) -> ItemSpan {
    let start = u32::try_from(i).unwrap_or(u32::MAX);
    ItemSpan::new(start, start.saturating_add(u32::try_from(len).unwrap_or(1)))
}

/// What the scan learned about an item.
pub(crate) struct Scan {
    /// A problem to report instead of parsing.
    pub error: Option<Diagnostic<ItemSpan>>,
    /// The innermost bracket left open at the end, with its position.
    pub unclosed: Option<(usize, char)>,
}

/// Scans the tokens of `text`; strings and comments hold no brackets or names.
pub(crate) fn scan(text: &str) -> Scan {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quantifiers = 0usize;
    for token in tokenize(text) {
        let kind = token.kind;
        if kind == TokenKind::UnterminatedString {
            return Scan {
                error: Some(SyntaxError::UnterminatedString { span: at(token.start, 1) }.into()),
                unclosed: None,
            };
        } else if kind.is_open_bracket()
            && let Some(bracket) = token.text(text).chars().next()
        {
            open.push((token.start, bracket));
            if open.len() > MAX_NESTING {
                return Scan {
                    error: Some(SyntaxError::TooDeeplyNested { limit: MAX_NESTING, span: at(token.start, 1) }.into()),
                    unclosed: None,
                };
            }
        } else if kind.is_close_bracket() {
            open.pop();
        } else if kind == TokenKind::Keyword {
            let word = token.text(text);
            if matches!(word, "all" | "any" | "count" | "sum" | "min" | "max" | "avg") {
                quantifiers += 1;
                if quantifiers > MAX_QUANTIFIERS {
                    return Scan {
                        error: Some(
                            SyntaxError::TooManyQuantifiers {
                                limit: MAX_QUANTIFIERS,
                                span: at(token.start, word.len()),
                            }
                            .into(),
                        ),
                        unclosed: None,
                    };
                }
            }
        } else if kind == TokenKind::Unknown
            && let Some(c) = token.text(text).chars().next()
            && !c.is_ascii()
            && c.is_alphanumeric()
        {
            return Scan { error: Some(non_ascii(token.start, c)), unclosed: None };
        }
    }
    Scan { error: None, unclosed: open.pop() }
}

fn non_ascii(i: usize, c: char) -> Diagnostic<ItemSpan> {
    SyntaxError::NonAsciiName { character: c, span: at(i, c.len_utf8()) }.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let scan = scan("rule r = \"((((\" // ((((\n  == \"x\"");
        assert!(scan.error.is_none());
        assert!(scan.unclosed.is_none());
    }

    #[test]
    fn finds_the_unclosed_bracket() {
        let scan = scan("schema A {\n  x: list<int>\n");
        assert_eq!(scan.unclosed, Some((9, '{')));
    }

    #[test]
    fn an_unterminated_string_points_at_its_quote() {
        let error = scan("obligation o on K {\n  cite: \"GDPR\n}").error;
        assert_eq!(
            error.map(|e| (e.message, e.span)),
            Some(("unterminated string".to_string(), ItemSpan::new(28, 29)))
        );
    }

    #[test]
    fn non_ascii_names_point_at_the_character() {
        let error = scan("rule jährlich = true").error;
        assert_eq!(error.map(|e| e.span), Some(ItemSpan::new(6, 8)));
    }

    #[test]
    fn non_ascii_in_strings_is_fine() {
        assert!(scan("rule r on K = name == \"Zürich\"").error.is_none());
    }
}
