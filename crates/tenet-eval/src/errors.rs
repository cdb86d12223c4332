//! The problems validation finds in a document, as data: each is created where a value does
//! not fit its schema, with the path and place involved, and worded here, in one place, beside
//! its code. Unknown fields and enum values are `tenet_syntax::Unresolved`.

use tenet_syntax::Diagnostic;
use tenet_syntax::codes;
use tenet_text::{DocSpan, FileSpan};

/// A document value that does not fit its schema (codes E0701, E0703, E0706).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DocumentError {
    /// A value of the wrong type; `expected` is the schema's type in words ("a date").
    WrongType { path: String, expected: String, found: &'static str, hint: Option<WrongTypeHint>, span: DocSpan },
    /// A whole number too large (or small) to hold exactly, for an `int` field.
    IntegerTooLarge { path: String, text: String, span: DocSpan },
    /// A record written as something other than a mapping; `record` is the schema's name.
    NotAMapping { path: String, record: String, found: &'static str, span: DocSpan },
    /// A required field missing from a record.
    MissingField { path: String, field: String, ty: String, span: DocSpan },
    /// A date, duration or percentage written in a form Tenet does not read.
    BadFormat { form: Form, text: String, path: String, span: DocSpan },
    /// A kind that more than one schema with obligations answers to; `first` and `second`
    /// are two of `schemas`, for the help.
    AmbiguousKind { kind: String, schemas: Vec<String>, first: String, second: String, span: DocSpan },
    /// A document whose own `kind:` disagrees with the kind a project's `[inputs]` gives it.
    KindDisagrees { written: String, given: String, span: DocSpan },
    /// A `kind:` that is not text (`found` is what it is: a number, a list…).
    KindNotText { found: &'static str, span: DocSpan },
}

/// What would make a wrong-typed value right.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WrongTypeHint {
    /// A number with a fraction or too many digits for a whole number.
    NotWhole { text: String },
    /// A decimal beyond what can be represented exactly.
    OutOfRange { text: String },
    /// A bare number for a duration field that has no unit.
    DurationNeedsUnit { text: String },
    /// A negative or fractional count of hours or days.
    NotACount,
    /// A number where text is expected.
    QuoteIt { text: String },
    /// `yes`, `no`, `on` or `off` for a boolean.
    TrueOrFalse,
}

/// The written forms Tenet reads for dates, durations and percentages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    Date,
    Duration,
    /// A number outside 0..1 for a percentage.
    Share,
    Percent,
    /// A percentage outside 0% to 100%.
    PercentOutOfRange,
}

impl From<DocumentError> for Diagnostic<DocSpan> {
    fn from(e: DocumentError) -> Diagnostic<DocSpan> {
        use DocumentError as E;
        match e {
            E::IntegerTooLarge { path, text, span } => {
                let shown: String = text.chars().take(40).collect();
                let more = if text.chars().count() > 40 { "…" } else { "" };
                Diagnostic::error(
                    codes::WRONG_TYPE,
                    format!("`{path}` is too large for a whole number: `{shown}{more}`"),
                    span,
                )
                .with_label("out of range")
                .with_help(format!(
                    "whole numbers are held exactly between {} and {}; a larger value is refused rather than rounded",
                    i64::MIN,
                    i64::MAX
                ))
            }
            E::WrongType { path, expected, found, hint, span } => {
                let d =
                    Diagnostic::error(codes::WRONG_TYPE, format!("`{path}` must be {expected}, found {found}"), span)
                        .with_label(format!("expected {expected}"));
                let help = hint.map(|h| match h {
                    WrongTypeHint::NotWhole { text } => format!("`{text}` is not a whole number"),
                    WrongTypeHint::OutOfRange { text } => format!("`{text}` is out of range"),
                    WrongTypeHint::DurationNeedsUnit { text } => format!(
                        "write it with a unit, such as \"{text}h\" or \"{text}d\", or declare the field `duration(hours)`"
                    ),
                    WrongTypeHint::NotACount => "give a whole, non-negative number".to_string(),
                    WrongTypeHint::QuoteIt { text } => format!("quote it to make it text: \"{text}\""),
                    WrongTypeHint::TrueOrFalse => "write `true` or `false`".to_string(),
                });
                match help {
                    Some(help) => d.with_help(help),
                    None => d,
                }
            }
            E::NotAMapping { path, record, found, span } => {
                let what = if path.is_empty() { "the document".to_string() } else { path };
                Diagnostic::error(codes::WRONG_TYPE, format!("{what} must be a mapping of fields, found {found}"), span)
                    .with_label(format!("expected the fields of `{record}`"))
            }
            E::MissingField { path, field, ty, span } => {
                let where_ = if path.is_empty() { "the document".to_string() } else { format!("`{path}`") };
                Diagnostic::error(codes::MISSING_FIELD, format!("{where_} lacks the required field `{field}`"), span)
                    .with_label(format!("`{field}` expected here"))
                    .with_help(format!("add `{field}`, or mark the field optional (`{ty}?`) in the schema"))
            }
            E::BadFormat { form, text, path, span } => {
                let (problem, help) = match form {
                    Form::Date => (
                        "is not a date",
                        "write dates as YYYY-MM-DD (`2026-03-01`); when only the month, quarter or year is known, \
                         as `2026-03`, `03/2026`, `2026-Q1` or `2026`; a range as `2026-01/2026-03`",
                    ),
                    Form::Duration => {
                        ("is not a duration", "write durations with a unit: `48h`, `30d` or `10bd` (business days)")
                    }
                    Form::Share => (
                        "is not a share between 0 and 1",
                        "write a fraction such as `0.48`, or a string such as \"48%\"",
                    ),
                    Form::Percent => {
                        ("is not a percentage", "write a fraction such as `0.48`, or a string such as \"48%\"")
                    }
                    Form::PercentOutOfRange => (
                        "is not a share between 0% and 100%",
                        "a share is at most the whole: write a percentage from 0% to 100%",
                    ),
                };
                Diagnostic::error(codes::BAD_FORMAT, format!("`{text}` {problem} (at `{path}`)"), span)
                    .with_label("cannot read this value")
                    .with_help(help)
            }
            E::AmbiguousKind { kind, schemas, first, second, span } => {
                let named: Vec<String> = schemas.iter().map(|s| format!("`{s}`")).collect();
                Diagnostic::error(
                    codes::AMBIGUOUS_DOCUMENT_KIND,
                    format!("the kind `{kind}` is ambiguous: {} all answer to it", named.join(" and ")),
                    span,
                )
                .with_label("more than one schema has this name")
                .with_help(format!(
                    "write the qualified kind (`kind: {first}` or `kind: {second}`), or do not declare a second schema named `{kind}`"
                ))
            }
            E::KindNotText { found, span } => Diagnostic::error(
                codes::UNKNOWN_DOCUMENT_KIND,
                format!("the document's `kind` must be the name of a schema, found {found}"),
                span,
            )
            .with_label("not a kind")
            .with_help("write the kind as text, such as `kind: Contract`"),
            E::KindDisagrees { written, given, span } => Diagnostic::error(
                codes::KIND_DISAGREES,
                format!("the document says it is a `{written}`, but the project's `[inputs]` make its files `{given}`"),
                span,
            )
            .with_label("the document's own kind")
            .with_help(format!(
                "correct the document's `kind:`, or move it out of the files that `[inputs]` gives the kind `{given}`"
            )),
        }
    }
}

/// A waiver the project's `[waivers]` rules do not allow, found on the evaluation date (codes
/// E0605, E0606).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WaiverRuleError {
    /// It lasts until `until`, more than `max_days` after `today`.
    TooLong { target: String, until: String, today: String, max_days: u32, span: FileSpan },
    /// It waives a critical obligation.
    Critical { target: String, span: FileSpan },
}

impl From<WaiverRuleError> for Diagnostic<FileSpan> {
    fn from(e: WaiverRuleError) -> Diagnostic<FileSpan> {
        match e {
            WaiverRuleError::TooLong { target, until, today, max_days, span } => Diagnostic::error(
                codes::WAIVER_TOO_LONG,
                format!("the waiver of `{target}` lasts until {until}, more than {max_days} days after {today}"),
                span,
            )
            .with_label("too long for this project")
            .with_help(format!(
                "set `until` no later than {max_days} days from today, and renew the waiver when it ends; the limit is `[waivers] max_days` in `tenet.toml`"
            )),
            WaiverRuleError::Critical { target, span } => Diagnostic::error(
                codes::CRITICAL_WAIVER,
                format!("`{target}` is critical, and this project does not waive critical obligations"),
                span,
            )
            .with_label("waives a critical obligation")
            .with_help("fix what the obligation finds, or change `[waivers] allow_critical` in `tenet.toml` with the approval that needs"),
        }
    }
}
