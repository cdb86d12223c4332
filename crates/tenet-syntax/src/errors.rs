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
    /// A word close to a keyword the grammar expects there (E0003).
    Misspelt { written: String, meant: &'static str, what: Keyword, span: ItemSpan },
    /// A number with a unit Tenet does not have, such as `1y` or `6 months` (E0006).
    UnknownUnit { written: String, unit: String, amount: Option<u64>, span: ItemSpan },
    /// A date written as in prose, with `/` (`2026/01/01`) or one-digit parts (`2026-1-5`);
    /// `iso` is it as `YYYY-MM-DD` when its year comes first (E0006).
    ProseDate { written: String, separator: char, iso: Option<String>, span: ItemSpan },
    /// A bidirectional control character, which can display text in another order than it is
    /// read (W0007).
    BidiControl { character: char, span: ItemSpan },
    /// Something the grammar should never produce: a bug in Tenet.
    Internal { what: String, span: ItemSpan },
}

/// The kinds of keyword a misspelling is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    /// `schema`, `obligation`, … at the start of an item.
    Item,
    /// `area`, `severity`, `when`, … inside an obligation.
    Clause,
    /// `reason`, `approved_by`, `until` inside a waiver.
    WaiverField,
    /// `given`, `expect`, `today` inside a test.
    TestStatement,
}

impl Keyword {
    /// The words of this kind.
    pub(crate) fn words(self) -> &'static [&'static str] {
        match self {
            Keyword::Item => crate::lexer::ITEM_KEYWORDS,
            Keyword::Clause => &["area", "severity", "cite", "when", "must", "should", "because", "if", "exception"],
            Keyword::WaiverField => &["reason", "approved_by", "until"],
            Keyword::TestStatement => &["given", "expect", "today", "override"],
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Keyword::Item => "item keyword",
            Keyword::Clause => "clause",
            Keyword::WaiverField => "waiver field",
            Keyword::TestStatement => "test statement",
        }
    }
}

/// A duration in a unit Tenet has, for a number written in one it does not (`6 months`):
/// a year is 365 days, a month 30, a week 7. `None` for a unit it cannot convert.
pub(crate) fn in_known_units(amount: u64, unit: &str) -> Option<String> {
    let unit = unit.to_ascii_lowercase();
    let unit = unit.trim_end_matches('s');
    let (factor, suffix) = match unit {
        "y" | "yr" | "year" => (365, "d"),
        "mo" | "mon" | "month" => (30, "d"),
        "w" | "wk" | "week" => (7, "d"),
        "day" => (1, "d"),
        "hr" | "hour" => (1, "h"),
        "business_day" | "businessday" => (1, "bd"),
        _ => return None,
    };
    let counting = match factor {
        365 => " (counting 365 days a year)",
        30 => " (counting 30 days a month)",
        _ => "",
    };
    Some(format!("`{}{suffix}`{counting}", amount.checked_mul(factor)?))
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
            E::Misspelt { written, meant, what, span } => {
                let noun = what.noun();
                let words: Vec<String> = what.words().iter().map(|w| format!("`{w}`")).collect();
                let help = match what {
                    Keyword::Item => format!("did you mean `{meant}`?"),
                    _ => format!("did you mean `{meant}`? (the {noun}s are {})", words.join(", ")),
                };
                Diagnostic::error(codes::MISSPELT_KEYWORD, format!("unknown {noun} `{written}`"), span)
                    .with_label(format!("not {} {noun}", if noun.starts_with('i') { "an" } else { "a" }))
                    .with_help(help)
            }
            E::UnknownUnit { written, unit, amount, span } => {
                let converted = amount.and_then(|n| in_known_units(n, &unit));
                let help = match converted {
                    Some(known) => format!(
                        "durations are written with `h` (hours), `d` (days) or `bd` (business days), as in `48h`, `30d`, `10bd`: write {known}"
                    ),
                    None => "durations are written with `h` (hours), `d` (days) or `bd` (business days), as in `48h`, `30d`, `10bd`; dates are written YYYY-MM-DD".to_string(),
                };
                Diagnostic::error(codes::BAD_UNIT, format!("`{written}` is not a duration"), span)
                    .with_label(format!("`{unit}` is not a unit"))
                    .with_help(help)
            }
            E::ProseDate { written, separator, iso, span } => {
                let help = match iso {
                    Some(iso) => format!("dates in policies are written YYYY-MM-DD: `{iso}`"),
                    None => "dates in policies are written YYYY-MM-DD, such as `2026-01-31`".to_string(),
                };
                let label = match separator {
                    '/' => "a date written with `/` (here it would divide numbers)",
                    _ => "a month or day written with one digit (here it would subtract numbers)",
                };
                Diagnostic::error(codes::BAD_UNIT, format!("`{written}` is not a date"), span)
                    .with_label(label)
                    .with_help(help)
            }
            E::BidiControl { character, span } => Diagnostic::warning(
                codes::BIDI_CONTROL,
                format!("bidirectional control character U+{:04X} in the text", u32::from(character)),
                span,
            )
            .with_label("may make this line display differently from how it is read")
            .with_help("remove it; to show right-to-left text, write it without control characters"),
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
