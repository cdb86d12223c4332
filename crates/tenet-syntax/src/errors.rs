//! The problems the parser and the prescan find, as data: each is created where reading
//! fails, with the places involved, and worded here, in one place, beside its code.

use crate::ast::ItemSpan;
use crate::codes;
use crate::diag::Diagnostic;

/// A syntax problem (codes E0001, E0002, E0004, E0005).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SyntaxError {
    /// The text does not follow the grammar; `expected` says what would (pest's words).
    Grammar { expected: String, span: ItemSpan, reserved: Option<String> },
    /// A file with no item where one is expected.
    NoItem,
    /// A bracket never closed; `stopped` is where parsing stopped and why.
    Unclosed { bracket: char, at: ItemSpan, stopped: ItemSpan, why: String },
    /// A string not closed on its line.
    UnterminatedString { span: ItemSpan },
    /// A non-ASCII character in a name.
    NonAsciiName { character: char, span: ItemSpan },
    /// A `{` in a message that is never closed.
    UnclosedHole { span: ItemSpan },
    /// A message hole that is not a field path.
    HoleNotAPath { hole: String, span: ItemSpan },
    /// A test's `today` given twice.
    SecondToday { span: ItemSpan },
    /// An escape the language does not have.
    UnknownEscape { escape: String, span: ItemSpan },
    /// A date that is not a calendar day.
    NotADate { text: String, span: ItemSpan },
    /// A literal that parses but means nothing; the parser says why.
    BadLiteral { message: String, span: ItemSpan },
    /// Brackets nested deeper than the parser follows.
    TooDeeplyNested { limit: usize, span: ItemSpan },
    /// More quantifiers and aggregates in one item than the parser follows.
    TooManyQuantifiers { limit: usize, span: ItemSpan },
    /// A chain (of `not`s, signs, steps or operands) longer than the parser follows.
    ChainTooLong { limit: usize, what: String, span: ItemSpan },
    /// Something the grammar should never produce: a bug in Tenet.
    Internal { what: String, span: ItemSpan },
}

impl From<SyntaxError> for Diagnostic<ItemSpan> {
    fn from(e: SyntaxError) -> Diagnostic<ItemSpan> {
        use SyntaxError as E;
        match e {
            E::Grammar { expected, span, reserved } => {
                let d = Diagnostic::error(codes::SYNTAX, expected, span).with_label("here");
                match reserved {
                    Some(word) => d.with_help(format!("`{word}` is a reserved word; choose another name")),
                    None => d,
                }
            }
            E::NoItem => Diagnostic::error(codes::SYNTAX, "expected an item", ItemSpan::new(0, 0)),
            E::Unclosed { bracket, at, stopped, why } => {
                let close = match bracket {
                    '{' => '}',
                    '(' => ')',
                    _ => ']',
                };
                Diagnostic::error(codes::SYNTAX, format!("unclosed `{bracket}`"), at)
                    .with_label(format!("this `{bracket}` is never closed"))
                    .with_note(stopped, format!("parsing stopped here: {why}"))
                    .with_help(format!("add the missing `{close}`"))
            }
            E::UnterminatedString { span } => Diagnostic::error(codes::SYNTAX, "unterminated string", span)
                .with_label("this string is not closed on its line")
                .with_help("close it with `\"`; a string is written on one line (write a long message as several strings in a row)"),
            E::NonAsciiName { character, span } => {
                Diagnostic::error(codes::SYNTAX, format!("`{character}` cannot appear in a name"), span)
                    .with_label("not an ASCII letter, digit or `_`")
                    .with_help(
                        "names use ASCII letters, digits and `_`; non-ASCII text belongs in strings, such as `cite` and `because`",
                    )
            }
            E::UnclosedHole { span } => Diagnostic::error(codes::SYNTAX, "unclosed `{` in message", span)
                .with_label("this `{` starts a value")
                .with_help("close it with `}`, or write `\\{` for a literal brace"),
            E::HoleNotAPath { hole, span } => {
                Diagnostic::error(codes::SYNTAX, format!("`{{{hole}}}` is not a field path"), span)
                    .with_label("expected a path such as `vendor.name`")
                    .with_help("messages can show document values by path; write `\\{` for a literal brace")
            }
            E::SecondToday { span } => Diagnostic::error(codes::BAD_CLAUSE, "`today` is given twice", span)
                .with_label("second `today`")
                .with_help("a test has one evaluation date; keep one line"),
            E::UnknownEscape { escape, span } => {
                Diagnostic::error(codes::BAD_LITERAL, format!("unknown escape `{escape}`"), span)
                    .with_label("not an escape")
                    .with_help("the escapes are \\\" \\\\ \\n \\t \\{ \\}")
            }
            E::NotADate { text, span } => {
                Diagnostic::error(codes::BAD_LITERAL, format!("`{text}` is not a calendar date"), span)
                    .with_label("no such day")
                    .with_help("dates are written YYYY-MM-DD")
            }
            E::BadLiteral { message, span } => Diagnostic::error(codes::BAD_LITERAL, message, span).with_label("here"),
            E::TooDeeplyNested { limit, span } => {
                Diagnostic::error(codes::TOO_DEEP, format!("brackets nest more than {limit} levels deep"), span)
                    .with_label("too deep here")
                    .with_help("split the condition into named rules")
            }
            E::TooManyQuantifiers { limit, span } => Diagnostic::error(
                codes::TOO_DEEP,
                format!("more than {limit} quantifiers and aggregates in one item"),
                span,
            )
            .with_label("one too many")
            .with_help("split the condition into named rules"),
            E::ChainTooLong { limit, what, span } => {
                Diagnostic::error(codes::TOO_DEEP, format!("more than {limit} {what}"), span)
                    .with_label("one too many")
                    .with_help("split the condition into named rules")
            }
            E::Internal { what, span } => Diagnostic::error(
                codes::SYNTAX,
                format!("internal error: the grammar produced an unexpected {what}"),
                span,
            )
            .with_label("here")
            .with_help("this is a bug in Tenet; please report it with this file"),
        }
    }
}
