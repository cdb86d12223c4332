//! The Tenet formatter: one canonical layout for `.tenet` files.
//!
//! It works from the parser's syntax tree plus the positions of the comments, which the tree
//! does not hold: the tree decides the layout, and each comment is written back next to the
//! code it was next to. Literals, strings and inline test documents are copied as written.
//! Formatting is idempotent (`format_source(format_source(x)) == format_source(x)`) and keeps
//! the syntax tree (parsing the result gives the same tree, spans aside). A file with syntax
//! errors is not formatted: [`FormatError`] carries the parser's diagnostics.
//!
//! The style is described in `docs/formatting.md`.

mod comments;
mod exprs;
mod items;
mod printer;

pub use printer::{INDENT, MAX_WIDTH};

use tenet_syntax::ast::Item;
use tenet_syntax::{Diagnostic, Level, codes};

/// Why a file was not formatted: it has syntax errors.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the file has syntax errors, so it was not formatted")]
pub struct FormatError {
    /// The syntax errors, with spans in the text given to [`format_source`].
    pub diagnostics: Vec<Diagnostic>,
}

impl miette::Diagnostic for FormatError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(codes::SYNTAX))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(self.diagnostics.iter().map(|d| d as &dyn miette::Diagnostic)))
    }
}

/// Formats a whole policy file. The result ends with exactly one newline (or is empty when
/// the file holds nothing but whitespace).
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let parsed = tenet_syntax::parse_file(text);
    let mut diagnostics: Vec<Diagnostic> = parsed.errors.into_iter().filter(|d| d.level == Level::Error).collect();
    // A waiver field given twice, or with the wrong kind of value, is not in the tree:
    // formatting would drop it, so such a file is left alone like a syntax error.
    for node in &parsed.items {
        if let Item::Waiver(waiver) = &node.item {
            for (span, message) in &waiver.field_errors {
                diagnostics.push(
                    Diagnostic::error(codes::BAD_CLAUSE, message.clone(), span.in_file(node.offset)).with_label("here"),
                );
            }
        }
    }
    // A second `today` in a test is a parser error (`E0005`), so it is among `parsed.errors`.
    if !diagnostics.is_empty() {
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        return Err(FormatError { diagnostics });
    }
    Ok(items::format_items(text, &parsed.items))
}
