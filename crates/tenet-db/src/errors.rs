//! The problems the checker finds, as data: each is created where checking fails, with the
//! names, types and places involved, and worded here, in one place, beside its code. Unknown
//! names are `tenet_syntax::Unresolved`; problems between items are `conflicts::Conflict`.

use crate::ir::{Area, Ty};
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::{FileSpan, ItemSpan, Modality, RequirementKw};
use tenet_syntax::codes;
use tenet_text::Location;

/// A problem with an item's declaration: packages, names, clauses, waivers and tests.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ItemError {
    /// A file without `package` before its first item (E0101).
    MissingPackage { span: ItemSpan },
    /// A second `package` in one file (E0102).
    SecondPackage { span: ItemSpan },
    /// A name that several imports provide (E0206).
    Ambiguous { name: String, candidates: Vec<String>, span: ItemSpan },
    /// An attribute written twice on one field (E0207); unknown ones are `Unresolved`.
    RepeatedAttribute { name: String, span: ItemSpan, first: ItemSpan },
    /// A field, variant or parameter declared twice in one item (E0204); `what` names the kind.
    DuplicateName { what: &'static str, name: String, span: ItemSpan, first: ItemSpan },
    /// A clause given twice (E0505); requirements (`must`, `should`, …) count as one clause.
    DuplicateClause { keyword: &'static str, requirement: bool, span: ItemSpan, first: ItemSpan },
    /// `if violated` or `if waived`: an outcome whose message is written elsewhere (E0509).
    OutcomeMessageNotAllowed { outcome: crate::ir::Outcome, span: ItemSpan },
    /// A requirement keyword that does not fit the form (E0504).
    ModalityMismatch { modality: Modality, written: RequirementKw, span: ItemSpan, declared_at: ItemSpan },
    /// An obligation without `area` (E0507).
    MissingArea { modality: Modality, name: String, span: ItemSpan },
    /// An obligation without `cite` (W0506).
    MissingCite { modality: Modality, name: String, span: ItemSpan },
    /// An obligation without its requirement (E0503).
    MissingRequirement { modality: Modality, name: String, span: ItemSpan },
    /// A waiver field the parser could not read; the parser's message (E0005).
    BadWaiverField { message: String, span: ItemSpan },
    /// A waiver without `reason`, `approved_by` or `until` (E0602).
    IncompleteWaiver { target: String, missing: Vec<&'static str>, span: ItemSpan },
    /// A waiver without `where` (E0603).
    WaiverWithoutSelector { target: String, span: ItemSpan },
    /// A waiver whose `where` reads nothing of the document (W0604); `severity` is the
    /// waived obligation's.
    ConstantWaiver { target: String, severity: &'static str, span: ItemSpan },
    /// A test with no `given` document (E0821).
    NoTestDocument { test: String, span: ItemSpan },
    /// A test with a second `given` document (E0821).
    SecondTestDocument { span: ItemSpan, first: ItemSpan },
    /// A test that expects nothing (W0825).
    TestWithoutExpect { test: String, span: ItemSpan },
    /// `expect` naming an obligation on another kind of document than the test gives (E0824).
    ExpectKindMismatch { name: String, target_kind: String, test_kind: String, span: ItemSpan },
}

/// A name that packages of the workspace declare but the file does not import: the `use`
/// lines that would bring it into scope. It words the help of the unknown-name diagnostic
/// it accompanies, in place of a "did you mean" (the name is right; the import is missing).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MissingImport {
    pub name: String,
    /// The packages that declare it, sorted.
    pub packages: Vec<std::sync::Arc<str>>,
}

impl MissingImport {
    /// `d` with help naming the `use` line to add.
    pub(crate) fn help(self, mut d: Diagnostic<ItemSpan>) -> Diagnostic<ItemSpan> {
        let uses: Vec<String> = self.packages.iter().map(|p| format!("`use {p}`")).collect();
        let help = match uses.as_slice() {
            [one] => format!(
                "`{}` is declared in `{}`: add {one} at the top of this file",
                self.name,
                self.packages.first().map_or("", |p| &**p)
            ),
            many => format!("`{}` is declared in several packages: add one of {}", self.name, many.join(", ")),
        };
        d.help = Some(help);
        d.supplied = None;
        d
    }
}

/// "a" or "an" for a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

impl From<ItemError> for Diagnostic<ItemSpan> {
    fn from(e: ItemError) -> Diagnostic<ItemSpan> {
        use ItemError as E;
        match e {
            E::MissingPackage { span } => {
                Diagnostic::error(codes::MISSING_PACKAGE, "this file does not declare its package", span)
                    .with_label("expected `package NAME` before the first item")
                    .with_help("start the file with a line such as `package acme.policies`")
            }
            E::SecondPackage { span } => {
                Diagnostic::error(codes::SECOND_PACKAGE, "a file declares its package once", span)
                    .with_label("second `package` declaration")
                    .with_help("split the file in two, one per package")
            }
            E::Ambiguous { name, candidates, span } => {
                let names: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
                Diagnostic::error(
                    codes::AMBIGUOUS_NAME,
                    format!("`{name}` could mean any of {}", names.join(", ")),
                    span,
                )
                .with_label("ambiguous")
                .with_help("import only the one you mean, with `use package.item`")
            }
            E::RepeatedAttribute { name, span, first } => {
                Diagnostic::error(codes::UNKNOWN_ATTRIBUTE, format!("`@{name}` is written twice on this field"), span)
                    .with_label("second time")
                    .with_note(first, "first written here")
                    .with_help("remove one of the two")
            }
            E::DuplicateName { what, name, span, first } => {
                Diagnostic::error(codes::DUPLICATE_NAME, format!("{what} `{name}` is declared twice"), span)
                    .with_label("second declaration")
                    .with_note(first, "first declared here")
                    .with_help(format!("remove or rename one of the two {what}s"))
            }
            E::DuplicateClause { keyword, requirement, span, first } => {
                Diagnostic::error(codes::DUPLICATE_CLAUSE, format!("`{keyword}` is given twice"), span)
                    .with_label("second clause")
                    .with_note(first, "first given here")
                    .with_help(if requirement { "join the conditions with `and`" } else { "keep one of them" })
            }
            E::OutcomeMessageNotAllowed { outcome, span } => {
                let (label, help) = match outcome {
                    crate::ir::Outcome::Waived => (
                        "a waived finding shows its waiver",
                        "a waived finding keeps the message of the outcome it waived, beside the waiver's reason; remove this clause",
                    ),
                    _ => (
                        "`because` writes this message",
                        "write the message of a violated finding with `because \"…\"`",
                    ),
                };
                Diagnostic::error(
                    codes::OUTCOME_MESSAGE,
                    format!("an obligation cannot give a message for `{}` with `if`", outcome.as_str()),
                    span,
                )
                .with_label(label)
                .with_help(help)
            }
            E::ModalityMismatch { modality, written, span, declared_at } => {
                let expected = modality.expected_requirement();
                let help = match (modality, written) {
                    (Modality::Obligation, RequirementKw::MustNot) => {
                        "to forbid something, declare a `prohibition … { must not … }`".to_string()
                    }
                    (Modality::Prohibition, RequirementKw::Must) => {
                        "a prohibition says what `must not` happen; to require something, declare an `obligation`"
                            .to_string()
                    }
                    (Modality::Recommendation, RequirementKw::Must | RequirementKw::MustNot) => {
                        "a recommendation is advisory: write `should`, or declare an `obligation`".to_string()
                    }
                    _ => format!("write `{}`", expected.text()),
                };
                let form = modality.keyword();
                Diagnostic::error(
                    codes::MODALITY_MISMATCH,
                    format!("{} {form} says `{}`, not `{}`", article(form), expected.text(), written.text()),
                    span,
                )
                .with_label(format!("`{}` here", written.text()))
                .with_note(declared_at, format!("declared as a {form}"))
                .with_help(help)
            }
            E::MissingArea { modality, name, span } => {
                Diagnostic::error(codes::MISSING_AREA, format!("{} `{name}` has no `area`", modality.keyword()), span)
                    .with_label("area missing")
                    .with_help(format!("add a line `area: …` with one of {}", Area::names().join(", ")))
            }
            E::MissingCite { modality, name, span } => Diagnostic::warning(
                codes::MISSING_CITE,
                format!("{} `{name}` cites no source", modality.keyword()),
                span,
            )
            .with_label("no `cite`")
            .with_help("add `cite: \"…\"` naming the law, contract clause or policy it encodes"),
            E::MissingRequirement { modality, name, span } => {
                let kw = modality.expected_requirement().text();
                Diagnostic::error(
                    codes::MISSING_REQUIREMENT,
                    format!("{} `{name}` has no `{kw}` clause", modality.keyword()),
                    span,
                )
                .with_label("says nothing is required")
                .with_help(format!("add `{kw} CONDITION`"))
            }
            E::BadWaiverField { message, span } => {
                Diagnostic::error(codes::BAD_CLAUSE, message, span).with_label("here")
            }
            E::IncompleteWaiver { target, missing, span } => {
                let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                Diagnostic::error(
                    codes::INCOMPLETE_WAIVER,
                    format!("waiver of `{target}` lacks {}", list.join(" and ")),
                    span,
                )
                .with_label("incomplete waiver")
                .with_help("every waiver needs a `reason`, an `approved_by` and an `until` date")
            }
            E::WaiverWithoutSelector { target, span } => Diagnostic::error(
                codes::WAIVER_WITHOUT_SELECTOR,
                format!("waiver of `{target}` does not say which documents it covers"),
                span,
            )
            .with_label("no `where`")
            .with_help("add `where id == \"…\"` after the obligation's name"),
            E::ConstantWaiver { target, severity, span } => Diagnostic::warning(
                codes::CONSTANT_WAIVER,
                format!("this waiver of `{target}` ({severity}) covers every document"),
                span,
            )
            .with_label("reads nothing of the document")
            .with_help("a waiver is for named exceptions: select them, such as `where id == \"vendor-1\"`"),
            E::NoTestDocument { test, span } => {
                Diagnostic::error(codes::TEST_DOCUMENT, format!("test \"{test}\" gives no document"), span)
                    .with_label("nothing to evaluate")
                    .with_help("add `given KIND from \"file.yaml\"` or `given KIND { … }`")
            }
            E::SecondTestDocument { span, first } => {
                Diagnostic::error(codes::TEST_DOCUMENT, "a test evaluates one document", span)
                    .with_label("second `given`")
                    .with_note(first, "first document")
                    .with_help("split this into two tests")
            }
            E::TestWithoutExpect { test, span } => {
                Diagnostic::warning(codes::TEST_WITHOUT_EXPECT, format!("test \"{test}\" expects nothing"), span)
                    .with_label("checks no outcome")
                    .with_help("add `expect OBLIGATION: OUTCOME`")
            }
            E::ExpectKindMismatch { name, target_kind, test_kind, span } => Diagnostic::error(
                codes::EXPECT_KIND_MISMATCH,
                format!("`{name}` applies to `{target_kind}` documents, but this test gives a `{test_kind}`"),
                span,
            )
            .with_label("never evaluated on this document")
            .with_help("expect outcomes of obligations on the test's document kind"),
        }
    }
}

/// A type problem in an expression (codes E0301, E0302, E0305, E0402, E0004).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypeError {
    /// A value where a condition (`bool`) is needed.
    NotACondition { found: Ty, span: ItemSpan },
    /// Expressions nested deeper than the checker follows.
    TooDeep { span: ItemSpan },
    /// A list or set element whose type differs from the first element's.
    MixedCollection { element: Ty, found: Ty, span: ItemSpan },
    /// `-` on something that is not a number, duration or percentage.
    CannotNegate { found: Ty, span: ItemSpan },
    /// `is empty` on something that cannot be empty.
    NeverEmpty { found: Ty, span: ItemSpan },
    /// An operand, argument or `within` part of the wrong type; `what` names it.
    Expected { what: String, want: Ty, found: Ty, span: ItemSpan },
    /// A constant or parameter called like a rule.
    NotARule { name: String, parameter: bool, span: ItemSpan },
    /// A rule called with the wrong number of arguments.
    Arity { rule: String, params: Vec<String>, given: usize, span: ItemSpan },
    /// A rule that reads one kind of document called from an item that reads another.
    WrongDocument { rule: String, reads: String, here: String, span: ItemSpan },
    /// A rule that reads a document called from an item that reads none.
    NoDocument { rule: String, reads: String, span: ItemSpan },
    /// `.field` read from a list or set.
    FieldOfCollection { field: String, found: Ty, span: ItemSpan },
    /// `.field` read from a value that has no fields.
    NoFields { field: String, found: Ty, span: ItemSpan },
    /// An order comparison between values that have no order.
    NotOrdered { op: &'static str, found: Ty, span: ItemSpan },
    /// Two operands that do not fit together; the left one is noted.
    Mismatch { kind: Mismatch, left: Ty, left_span: ItemSpan, right: Ty, right_span: ItemSpan },
    /// An operator that needs a list or set given something else.
    NotACollection { op: &'static str, found: Ty, span: ItemSpan },
    /// A quantifier or aggregate ranging over something that is not a list or set.
    CannotRange { found: Ty, span: ItemSpan },
    /// An aggregate with neither a binding nor a value.
    AggregateWithoutCollection { func: &'static str, span: ItemSpan },
    /// An aggregate over something that is not a list or set.
    AggregateOver { func: &'static str, found: Ty, span: ItemSpan },
    /// `count` given a value after `:`.
    CountWithValue { span: ItemSpan },
    /// `sum` or `avg` over values that cannot be added.
    CannotAdd { average: bool, found: Ty, span: ItemSpan },
    /// `min` or `max` over values that have no order.
    NoOrder { found: Ty, span: ItemSpan },
    /// A constant or parameter whose value does not have its declared type.
    ConstMismatch { what: &'static str, name: String, declared: Ty, found: Ty, span: ItemSpan, declared_at: ItemSpan },
    /// A constant or parameter whose value is computed, not literal.
    ConstNotLiteral { what: &'static str, name: String, span: ItemSpan },
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

impl From<TypeError> for Diagnostic<ItemSpan> {
    fn from(e: TypeError) -> Diagnostic<ItemSpan> {
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

/// A problem with a parameter's new value, an `exception to` clause, or a package as a whole.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ParamError<S = ItemSpan> {
    /// `override` (or `[params]`) names a constant (E0801).
    ConstantNotParameter { name: String, span: S },
    /// A new value of the wrong type (E0301).
    ValueType { name: String, declared: Ty, found: Ty, span: S },
    /// A new value that is computed, not literal (E0305).
    ValueNotLiteral { name: String, span: S },
    /// `[params]` sets a parameter overridden already; `first` says where (E0802).
    ManifestDuplicate { param: String, span: S, first: FirstOverride<S> },
    /// An obligation that is an exception to itself (E0813).
    SelfException { span: S },
    /// `exception to` an obligation on another kind of document (E0812).
    ExceptionKind { name: String, target_kind: String, this_kind: String, span: S },
    /// A name declared twice in one package (E0204); `first` when in the same file.
    DuplicateInPackage { name: String, package: String, span: S, first: Option<S> },
    /// A rule that calls itself, directly or through `others` (E0401).
    RuleCycle { rule: String, others: Vec<String>, more: usize, span: S },
}

/// Where a parameter was first overridden.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FirstOverride<S> {
    /// In a policy file, here.
    Policy(Location),
    /// Earlier in the same `[params]`, here.
    Manifest(S),
}

impl<S> From<ParamError<S>> for Diagnostic<S> {
    fn from(e: ParamError<S>) -> Diagnostic<S> {
        use ParamError as E;
        match e {
            E::ConstantNotParameter { name, span } => {
                Diagnostic::error(codes::UNKNOWN_PARAM, format!("no parameter named `{name}`"), span)
                    .with_label("a constant, not a parameter")
                    .with_help("only items declared with `param` can be overridden; constants are fixed")
            }
            E::ValueType { name, declared, found, span } => Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("parameter `{name}` is a `{declared}`, but this value is a `{found}`"),
                span,
            )
            .with_label(format!("this is a `{found}`"))
            .with_help(format!("write a `{declared}` value")),
            E::ValueNotLiteral { name, span } => Diagnostic::error(
                codes::CONST_NOT_LITERAL,
                format!("the new value of `{name}` must be made of literal values"),
                span,
            )
            .with_label("computed at evaluation time")
            .with_help("write a literal such as `24h`, `90`, `80%` or `{a, b}`"),
            E::ManifestDuplicate { param, span, first } => {
                let d = Diagnostic::error(
                    codes::DUPLICATE_OVERRIDE,
                    format!("parameter `{param}` is overridden twice"),
                    span,
                )
                .with_label("second override");
                match first {
                    FirstOverride::Policy(at) => {
                        d.with_help(format!("the first override is at `{at}`; keep one of them"))
                    }
                    FirstOverride::Manifest(first) => d
                        .with_note(first, "first overridden here")
                        .with_help("keep one override; the first one is used"),
                }
            }
            E::SelfException { span } => {
                Diagnostic::error(codes::EXCEPTION_CYCLE, "an obligation cannot be an exception to itself", span)
                    .with_label("names itself")
                    .with_help("name the obligation this one displaces")
            }
            E::ExceptionKind { name, target_kind, this_kind, span } => Diagnostic::error(
                codes::EXCEPTION_KIND_MISMATCH,
                format!("`{name}` applies to `{target_kind}` documents, but this applies to `{this_kind}` documents"),
                span,
            )
            .with_label("different document kind")
            .with_help("an exception displaces an obligation on the same document, so both need the same `on` kind"),
            E::DuplicateInPackage { name, package, span, first } => {
                let d = Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("`{name}` is declared twice in package `{package}`"),
                    span,
                )
                .with_label("second declaration")
                .with_help("rename one of them");
                match first {
                    Some(first) => d.with_note(first, "first declared here"),
                    None => d,
                }
            }
            E::RuleCycle { rule, others, more, span } => {
                let others: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
                let how = match (others.is_empty(), more) {
                    (true, _) => "itself".to_string(),
                    (false, 0) => format!("itself through {}", others.join(", ")),
                    (false, more) => format!("itself through {} and {more} more rules", others.join(", ")),
                };
                Diagnostic::error(codes::RULE_CYCLE, format!("rule `{rule}` calls {how}"), span)
                    .with_label("on a cycle")
                    .with_help(
                        "rules may call rules but never in a circle, so evaluation always ends; inline one of them",
                    )
            }
        }
    }
}

/// Items of the workspace that cannot stand together, placed in the file of the one reported
/// (codes E0802, E0826, E0813, E0814).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ConflictError {
    /// A second `override` of a parameter; `first` is the one that applies, when in this file.
    DuplicateOverride { param: String, span: FileSpan, first: Option<FileSpan>, first_file: String },
    /// A second test with one name in a package; `first` when in this file.
    DuplicateTest { span: FileSpan, first: Option<FileSpan> },
    /// Obligation `name` on a circle of exceptions with `others`.
    ExceptionCycle { name: String, others: Vec<String>, span: FileSpan },
    /// Obligation `name` forbids what `other` requires, or the reverse, and neither is an
    /// exception; `other_span` when `other` is in this file.
    Contradiction { name: String, other: String, span: FileSpan, other_span: Option<FileSpan> },
}

impl From<ConflictError> for Diagnostic {
    fn from(e: ConflictError) -> Diagnostic {
        use ConflictError as E;
        match e {
            E::DuplicateOverride { param, span, first, first_file } => {
                let d = Diagnostic::error(
                    codes::DUPLICATE_OVERRIDE,
                    format!("parameter `{param}` is overridden twice"),
                    span,
                )
                .with_label("second override")
                .with_help("keep one override; the first one is used");
                match first {
                    Some(first) => d.with_note(first, "first overridden here"),
                    None => d.with_help(format!("the first override is in `{first_file}`; keep one of them")),
                }
            }
            E::DuplicateTest { span, first } => {
                let d = Diagnostic::error(codes::DUPLICATE_TEST, "two tests in this package have this name", span)
                    .with_label("second test with this name")
                    .with_help("give each test a name that says what it checks");
                match first {
                    Some(first) => d.with_note(first, "first test with this name"),
                    None => d,
                }
            }
            E::ExceptionCycle { name, others, span } => {
                let others: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
                Diagnostic::error(
                    codes::EXCEPTION_CYCLE,
                    format!("`{name}` and {} are exceptions to each other", others.join(", ")),
                    span,
                )
                .with_label("on a circle of exceptions")
                .with_help("an exception displaces a more general rule; remove one of the `exception to` clauses")
            }
            E::Contradiction { name, other, span, other_span } => {
                let d = Diagnostic::error(
                    codes::CONTRADICTION,
                    format!("`{name}` and `{other}` contradict each other"),
                    span,
                )
                .with_label("one requires what the other forbids")
                .with_help(format!(
                    "if one applies instead of the other in some cases, declare it: add `exception to {other}` to `{name}` (or the reverse), or give them `when` conditions that exclude each other"
                ));
                match other_span {
                    Some(other_span) => d.with_note(other_span, "the other one"),
                    None => d,
                }
            }
        }
    }
}
