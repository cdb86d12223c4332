//! The problems the expression checker finds, as data: each is created where the checker
//! fails, with the types and places involved, and worded here, in one place, beside its code.

use crate::ir::Ty;
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::Span;
use tenet_syntax::codes;

/// A type problem in an expression (codes E0301, E0302, E0305, E0402, E0004).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypeError {
    /// A value where a condition (`bool`) is needed.
    NotACondition { found: Ty, span: Span },
    /// Expressions nested deeper than the checker follows.
    TooDeep { span: Span },
    /// A list or set element whose type differs from the first element's.
    MixedCollection { element: Ty, found: Ty, span: Span },
    /// `-` on something that is not a number, duration or percentage.
    CannotNegate { found: Ty, span: Span },
    /// `is empty` on something that cannot be empty.
    NeverEmpty { found: Ty, span: Span },
    /// An operand, argument or `within` part of the wrong type; `what` names it.
    Expected { what: String, want: Ty, found: Ty, span: Span },
    /// A constant or parameter called like a rule.
    NotARule { name: String, parameter: bool, span: Span },
    /// A rule called with the wrong number of arguments.
    Arity { rule: String, params: Vec<String>, given: usize, span: Span },
    /// A rule that reads one kind of document called from an item that reads another.
    WrongDocument { rule: String, reads: String, here: String, span: Span },
    /// A rule that reads a document called from an item that reads none.
    NoDocument { rule: String, reads: String, span: Span },
    /// `.field` read from a list or set.
    FieldOfCollection { field: String, found: Ty, span: Span },
    /// `.field` read from a value that has no fields.
    NoFields { field: String, found: Ty, span: Span },
    /// An order comparison between values that have no order.
    NotOrdered { op: &'static str, found: Ty, span: Span },
    /// Two operands that do not fit together; the left one is noted.
    Mismatch { kind: Mismatch, left: Ty, left_span: Span, right: Ty, right_span: Span },
    /// An operator that needs a list or set given something else.
    NotACollection { op: &'static str, found: Ty, span: Span },
    /// A quantifier or aggregate ranging over something that is not a list or set.
    CannotRange { found: Ty, span: Span },
    /// An aggregate with neither a binding nor a value.
    AggregateWithoutCollection { func: &'static str, span: Span },
    /// An aggregate over something that is not a list or set.
    AggregateOver { func: &'static str, found: Ty, span: Span },
    /// `count` given a value after `:`.
    CountWithValue { span: Span },
    /// `sum` or `avg` over values that cannot be added.
    CannotAdd { average: bool, found: Ty, span: Span },
    /// `min` or `max` over values that have no order.
    NoOrder { found: Ty, span: Span },
    /// A constant or parameter whose value does not have its declared type.
    ConstMismatch { what: &'static str, name: String, declared: Ty, found: Ty, span: Span, declared_at: Span },
    /// A constant or parameter whose value is computed, not literal.
    ConstNotLiteral { what: &'static str, name: String, span: Span },
}

/// Which two operands do not fit together.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mismatch {
    /// `==`, `<` and the other comparisons.
    Compare,
    /// `in`: the collection's element type.
    NeverIn { element: Ty },
    /// `contains`: the collection's element type.
    NeverContains { element: Ty },
    /// `union`, `contains any of` and the like: the two element types.
    CannotCombine { left: Ty, right: Ty },
    /// Arithmetic: the operator.
    Arithmetic { op: &'static str },
}

impl From<TypeError> for Diagnostic {
    fn from(e: TypeError) -> Diagnostic {
        use TypeError as E;
        let mismatch = codes::TYPE_MISMATCH;
        match e {
            E::NotACondition { found, span } => {
                Diagnostic::error(mismatch, format!("expected a condition, found a `{found}`"), span)
                    .with_label(format!("this is a `{found}`"))
                    .with_help("compare it with something, for example `… > 0` or `… is present`")
            }
            E::TooDeep { span } => Diagnostic::error(codes::TOO_DEEP, "expression nests too deeply", span)
                .with_help("split it into named rules"),
            E::MixedCollection { element, found, span } => {
                Diagnostic::error(mismatch, format!("a collection of `{element}` cannot hold a `{found}`"), span)
                    .with_label(format!("this is a `{found}`"))
                    .with_help("every element of a list or set has the same type")
            }
            E::CannotNegate { found, span } => Diagnostic::error(mismatch, format!("cannot negate a `{found}`"), span)
                .with_label(format!("this is a `{found}`")),
            E::NeverEmpty { found, span } => Diagnostic::error(mismatch, format!("a `{found}` is never empty"), span)
                .with_label(format!("this is a `{found}`"))
                .with_help(
                    "`is empty` applies to lists, sets, maps and strings; use `is absent` to test for a missing value",
                ),
            E::Expected { what, want, found, span } => {
                let d = Diagnostic::error(mismatch, format!("{what} must be a `{want}`, found a `{found}`"), span)
                    .with_label(format!("this is a `{found}`"));
                if want == Ty::Duration && found.is_numeric() {
                    d.with_help("write a duration with its unit, such as `365d`, `48h` or `10bd`")
                } else {
                    d
                }
            }
            E::NotARule { name, parameter, span } => {
                let what = if parameter { "a parameter" } else { "a constant" };
                Diagnostic::error(codes::WRONG_ARITY, format!("`{name}` is {what}, not a rule"), span)
                    .with_label("called here")
            }
            E::Arity { rule, params, given, span } => {
                let expected = params.len();
                let plural = if expected == 1 { "" } else { "s" };
                Diagnostic::error(
                    codes::WRONG_ARITY,
                    format!("rule `{rule}` takes {expected} argument{plural}, given {given}"),
                    span,
                )
                .with_label("wrong number of arguments")
                .with_help(format!("call it as `{rule}({})`", params.join(", ")))
            }
            E::WrongDocument { rule, reads, here, span } => {
                Diagnostic::error(mismatch, format!("rule `{rule}` reads a `{reads}` document, not a `{here}`"), span)
                    .with_label("called on the wrong kind of document")
            }
            E::NoDocument { rule, reads, span } => Diagnostic::error(
                codes::RULE_WITHOUT_KIND,
                format!("rule `{rule}` reads a `{reads}` document, but this item reads none"),
                span,
            )
            .with_label("no document here")
            .with_help("add `on KIND` to the calling rule"),
            E::FieldOfCollection { field, found, span } => {
                Diagnostic::error(mismatch, format!("cannot read field `{field}` of a `{found}`"), span)
                    .with_label("the value before `.` is a collection")
                    .with_help(format!("test every element with `all x in …: x.{field}` or some element with `any`"))
            }
            E::NoFields { field, found, span } => {
                Diagnostic::error(mismatch, format!("a `{found}` has no fields"), span)
                    .with_label(format!("`{field}` is read from a `{found}`"))
            }
            E::NotOrdered { op, found, span } => {
                Diagnostic::error(mismatch, format!("`{op}` does not apply to `{found}` values"), span)
                    .with_label("not ordered")
                    .with_help("order comparisons apply to numbers, dates, durations, percentages and strings")
            }
            E::Mismatch { kind, left, left_span, right, right_span } => {
                let message = match &kind {
                    Mismatch::Compare => format!("cannot compare `{left}` with `{right}`"),
                    Mismatch::NeverIn { element } => format!("a `{left}` is never in a collection of `{element}`"),
                    Mismatch::NeverContains { element } => {
                        format!("a collection of `{element}` never contains a `{right}`")
                    }
                    Mismatch::CannotCombine { left, right } => {
                        format!("cannot combine collections of `{left}` and `{right}`")
                    }
                    Mismatch::Arithmetic { op } => format!("cannot apply `{op}` to `{left}` and `{right}`"),
                };
                let d = Diagnostic::error(mismatch, message, right_span)
                    .with_label(format!("this is a `{right}`"))
                    .with_note(left_span, format!("this is a `{left}`"));
                match mismatch_help(&left, &right) {
                    Some(help) => d.with_help(help),
                    None => d,
                }
            }
            E::NotACollection { op, found, span } => {
                Diagnostic::error(mismatch, format!("`{op}` needs a list or set, found a `{found}`"), span)
                    .with_label(format!("this is a `{found}`"))
            }
            E::CannotRange { found, span } => {
                Diagnostic::error(mismatch, format!("cannot range over a `{found}`"), span)
                    .with_label(format!("this is a `{found}`, not a list or set"))
            }
            E::AggregateWithoutCollection { func, span } => {
                Diagnostic::error(codes::WRONG_ARITY, format!("`{func}` needs a collection"), span)
            }
            E::AggregateOver { func, found, span } => {
                Diagnostic::error(mismatch, format!("`{func}` needs a list or set, found a `{found}`"), span)
                    .with_label(format!("this ranges over a `{found}`"))
            }
            E::CountWithValue { span } => {
                Diagnostic::error(mismatch, "`count` takes a condition after `where`, not a value after `:`", span)
                    .with_label("value not used by count")
                    .with_help("write `count(x in xs where condition)`")
            }
            E::CannotAdd { average, found, span } => {
                let verb = if average { "average" } else { "add up" };
                Diagnostic::error(mismatch, format!("cannot {verb} `{found}` values"), span)
                    .with_label(format!("the values are `{found}`"))
                    .with_help("give a number per element with `: value`, as in `sum(x in xs: x.amount)`")
            }
            E::NoOrder { found, span } => {
                Diagnostic::error(mismatch, format!("`{found}` values have no order"), span).with_label("not ordered")
            }
            E::ConstMismatch { what, name, declared, found, span, declared_at } => Diagnostic::error(
                mismatch,
                format!("{what} `{name}` is declared `{declared}` but its value is a `{found}`"),
                span,
            )
            .with_label(format!("this is a `{found}`"))
            .with_note(declared_at, "declared here"),
            E::ConstNotLiteral { what, name, span } => Diagnostic::error(
                codes::CONST_NOT_LITERAL,
                format!("{what} `{name}` must be made of literal values"),
                span,
            )
            .with_label("computed at evaluation time")
            .with_help("use literals, lists and sets of literals, and enum variants; write a `rule` for conditions"),
        }
    }
}

/// Help for two operand types that users often mix up.
fn mismatch_help(l: &Ty, r: &Ty) -> Option<String> {
    use Ty::*;
    match (l, r) {
        (Date, Int | Decimal) | (Int | Decimal, Date) => Some("dates compare with dates; to test an age, write `x within 365d before today`".into()),
        (Duration, Int | Decimal) | (Int | Decimal, Duration) => {
            Some("write the number with a unit (`48h`, `30d`), or declare the field as `duration(hours)` so documents give bare numbers".into())
        }
        (Percent, Int | Decimal) | (Int | Decimal, Percent) => Some("write percentages with `%`, such as `80%`, and declare the field as `percent`".into()),
        (Duration, Percent) | (Percent, Duration) => Some("a duration is a length of time and a percentage a share; they never compare".into()),
        (String, Enum(_)) | (Enum(_), String) => Some("write the variant without quotes".into()),
        _ => None,
    }
}
