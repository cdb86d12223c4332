//! What the checker produces: resolved types, schema definitions, and the compiled,
//! slot-resolved expression tree that `tenet-eval` interprets.
//!
//! Spans in compiled items are relative to the item's start, like the syntax tree's.

use std::fmt;
use std::sync::Arc;
use tenet_syntax::ast::{AggFn, BinOp, DateLit, DurationLitUnit, DurationUnit, IsTest, ItemSpan, Modality, Quant};

/// A fully qualified item name such as `acme.outsourcing.Contract`.
pub type QualName = Arc<str>;

/// A resolved type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int,
    Decimal,
    String,
    Date,
    Duration,
    Percent,
    /// An enum, by qualified name.
    Enum(QualName),
    /// A schema (record), by qualified name.
    Record(QualName),
    List(Box<Ty>),
    Set(Box<Ty>),
    /// `map<T>`: string keys, values of `T`.
    Map(Box<Ty>),
    /// `[]` or `{}`: a collection of no known element type.
    EmptyCollection,
    /// The type of something already reported as wrong; compatible with everything.
    Error,
}

impl Ty {
    /// The element type, for lists and sets.
    pub fn element(&self) -> Option<&Ty> {
        match self {
            Ty::List(t) | Ty::Set(t) => Some(t),
            Ty::EmptyCollection | Ty::Error => Some(&Ty::Error),
            _ => None,
        }
    }

    /// Whether values of this type are numbers (`int`, `decimal`).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal | Ty::Error)
    }

    /// Whether two types can be compared with `==` (numbers mix; errors match anything).
    pub fn compatible(&self, other: &Ty) -> bool {
        match (self, other) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (a, b) if a.is_numeric() && b.is_numeric() => true,
            (Ty::EmptyCollection, b) | (b, Ty::EmptyCollection) => {
                matches!(b, Ty::List(_) | Ty::Set(_) | Ty::EmptyCollection)
            }
            (Ty::List(a) | Ty::Set(a), Ty::List(b) | Ty::Set(b)) => a.compatible(b),
            (Ty::Map(a), Ty::Map(b)) => a.compatible(b),
            (a, b) => a == b,
        }
    }

    /// Whether `<`, `>` and friends apply.
    pub fn is_ordered(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal | Ty::String | Ty::Date | Ty::Duration | Ty::Percent | Ty::Error)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Decimal => f.write_str("decimal"),
            Ty::String => f.write_str("string"),
            Ty::Date => f.write_str("date"),
            Ty::Duration => f.write_str("duration"),
            Ty::Percent => f.write_str("percent"),
            Ty::Enum(n) | Ty::Record(n) => f.write_str(n.rsplit('.').next().unwrap_or(n)),
            Ty::List(t) => write!(f, "list<{t}>"),
            Ty::Set(t) => write!(f, "set<{t}>"),
            Ty::Map(t) => write!(f, "map<{t}>"),
            Ty::EmptyCollection => f.write_str("empty collection"),
            Ty::Error => f.write_str("unknown type"),
        }
    }
}

/// A field of a schema, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldDef {
    pub name: Arc<str>,
    pub ty: Ty,
    /// Whether the schema marks it optional (`T?`).
    pub optional: bool,
    /// For `duration(hours|days)`: the unit of bare numbers in documents.
    pub unit: Option<DurationUnit>,
    /// The `///` lines above the field; empty when there are none.
    pub docs: String,
    /// Marked `@sensitive`: reports show a mask instead of its values.
    pub sensitive: bool,
    /// Where it is declared, relative to the schema item.
    pub span: ItemSpan,
}

/// A schema, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaDef {
    pub name: QualName,
    /// Fields in declaration order; a field's position is its slot.
    pub fields: Vec<FieldDef>,
}

impl SchemaDef {
    /// The slot and definition of a field.
    pub fn field(&self, name: &str) -> Option<(usize, &FieldDef)> {
        self.fields.iter().enumerate().find(|(_, f)| &*f.name == name)
    }
}

/// An enum, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    pub name: QualName,
    /// Variant names in order.
    pub variants: Vec<Arc<str>>,
}

/// A constant value computed at compile time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstValue {
    Bool(bool),
    Int(i64),
    /// An exact decimal, as written.
    Decimal(Arc<str>),
    String(Arc<str>),
    Date(DateLit),
    /// An amount in the unit it was written in.
    Duration(i64, DurationLitUnit),
    /// A percentage, as written without `%`.
    Percent(Arc<str>),
    /// A variant by its bare name, not qualified by its enum.
    Variant(Arc<str>),
    List(Vec<ConstValue>),
    /// A set (duplicates removed at evaluation).
    Set(Vec<ConstValue>),
}

/// A compiled expression node.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ir {
    pub kind: IrKind,
    /// The static type.
    pub ty: Ty,
    /// Where it came from, relative to its item.
    pub span: ItemSpan,
}

/// The operations of the compiled tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IrKind {
    Const(ConstValue),
    /// The evaluation date.
    Today,
    /// A library parameter's value (its default, or an override), by qualified name.
    Param(QualName),
    /// The document being checked.
    Root,
    /// A variable: a rule parameter or a quantifier's element, by slot.
    Local(u32),
    /// A field by slot, with its name for explanations.
    Field {
        /// The record.
        base: Box<Ir>,
        /// The field's slot in its schema.
        slot: u32,
        name: Arc<str>,
    },
    /// A map lookup by key.
    MapGet(Box<Ir>, Arc<str>),
    /// A call of a rule.
    Call {
        rule: QualName,
        /// The arguments, one per parameter.
        args: Vec<Ir>,
    },
    List(Vec<Ir>),
    Set(Vec<Ir>),
    Not(Box<Ir>),
    /// unary `-`
    Neg(Box<Ir>),
    Binary(BinOp, Box<Ir>, Box<Ir>),
    /// `is present`, `is empty`, …
    Is(IsTest, Box<Ir>),
    /// `subject within window before anchor`
    Within {
        /// The date tested.
        subject: Box<Ir>,
        /// The window length.
        window: Box<Ir>,
        /// The window's end.
        anchor: Box<Ir>,
    },
    /// `all`/`any x in coll where filter: body`
    Quantified {
        quant: Quant,
        /// The element's slot.
        slot: u32,
        collection: Box<Ir>,
        /// The `where` condition; `None` when every element counts.
        filter: Option<Box<Ir>>,
        /// The condition per element.
        body: Box<Ir>,
    },
    /// `count`, `sum`, `min`, `max`, `avg`
    Aggregate {
        func: AggFn,
        /// The element's slot when there is a binding.
        slot: Option<u32>,
        collection: Box<Ir>,
        /// The `where` condition; `None` when every element counts.
        filter: Option<Box<Ir>>,
        /// The value per element (the element itself when absent).
        value: Option<Box<Ir>>,
    },
}

impl Ir {
    /// Whether the value depends on the document: it reads a field, a rule, or a variable
    /// bound to part of it. A condition that does not holds for every document or none.
    pub fn reads_document(&self) -> bool {
        matches!(
            self.kind,
            IrKind::Root | IrKind::Local(_) | IrKind::Field { .. } | IrKind::MapGet(..) | IrKind::Call { .. }
        ) || self.children().into_iter().any(Ir::reads_document)
    }

    /// The direct sub-expressions, in evaluation order.
    pub fn children(&self) -> Vec<&Ir> {
        match &self.kind {
            IrKind::Const(_) | IrKind::Today | IrKind::Param(_) | IrKind::Root | IrKind::Local(_) => Vec::new(),
            IrKind::Field { base, .. } | IrKind::MapGet(base, _) => vec![base],
            IrKind::Call { args: items, .. } | IrKind::List(items) | IrKind::Set(items) => items.iter().collect(),
            IrKind::Not(inner) | IrKind::Neg(inner) | IrKind::Is(_, inner) => vec![inner],
            IrKind::Binary(_, l, r) => vec![l, r],
            IrKind::Within { subject, window, anchor } => vec![subject, window, anchor],
            IrKind::Quantified { collection, filter, body, .. } => {
                let mut out: Vec<&Ir> = vec![collection];
                out.extend(filter.as_deref());
                out.push(body);
                out
            }
            IrKind::Aggregate { collection, filter, value, .. } => {
                let mut out: Vec<&Ir> = vec![collection];
                out.extend(filter.as_deref());
                out.extend(value.as_deref());
                out
            }
        }
    }

    /// The parameters this expression reads, in order of first use.
    pub fn params_read(&self) -> Vec<QualName> {
        let mut out: Vec<QualName> = Vec::new();
        let mut stack = vec![self];
        while let Some(ir) = stack.pop() {
            if let IrKind::Param(name) = &ir.kind
                && !out.contains(name)
            {
                out.push(name.clone());
            }
            stack.extend(ir.children().into_iter().rev());
        }
        out
    }

    /// The same tree with every span cleared, to compare conditions by shape alone.
    pub fn without_spans(&self) -> Ir {
        let b = |ir: &Ir| Box::new(ir.without_spans());
        let all = |items: &[Ir]| items.iter().map(Ir::without_spans).collect::<Vec<_>>();
        let kind = match &self.kind {
            IrKind::Const(_) | IrKind::Today | IrKind::Param(_) | IrKind::Root | IrKind::Local(_) => self.kind.clone(),
            IrKind::Field { base, slot, name } => IrKind::Field { base: b(base), slot: *slot, name: name.clone() },
            IrKind::MapGet(base, key) => IrKind::MapGet(b(base), key.clone()),
            IrKind::Call { rule, args } => IrKind::Call { rule: rule.clone(), args: all(args) },
            IrKind::List(items) => IrKind::List(all(items)),
            IrKind::Set(items) => IrKind::Set(all(items)),
            IrKind::Not(inner) => IrKind::Not(b(inner)),
            IrKind::Neg(inner) => IrKind::Neg(b(inner)),
            IrKind::Binary(op, l, r) => IrKind::Binary(*op, b(l), b(r)),
            IrKind::Is(test, inner) => IrKind::Is(*test, b(inner)),
            IrKind::Within { subject, window, anchor } => {
                IrKind::Within { subject: b(subject), window: b(window), anchor: b(anchor) }
            }
            IrKind::Quantified { quant, slot, collection, filter, body } => IrKind::Quantified {
                quant: *quant,
                slot: *slot,
                collection: b(collection),
                filter: filter.as_deref().map(b),
                body: b(body),
            },
            IrKind::Aggregate { func, slot, collection, filter, value } => IrKind::Aggregate {
                func: *func,
                slot: *slot,
                collection: b(collection),
                filter: filter.as_deref().map(b),
                value: value.as_deref().map(b),
            },
        };
        Ir { kind, ty: self.ty.clone(), span: ItemSpan::default() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledRule {
    pub name: QualName,
    /// Parameter names, in slot order.
    pub params: Vec<Arc<str>>,
    /// How many local slots the body needs (parameters first).
    pub locals: u32,
    /// The condition.
    pub body: Ir,
    /// Rules it calls, directly.
    pub calls: Vec<QualName>,
}

/// One piece of a compiled message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompiledMessagePart {
    /// Literal text.
    Text(Arc<str>),
    /// A document value.
    Value(Ir),
}

/// A compiled obligation, prohibition or recommendation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledObligation {
    pub name: QualName,
    pub modality: Modality,
    /// The document kind (schema) it applies to.
    pub kind: QualName,
    pub area: Area,
    pub severity: Severity,
    /// The `cite` strings, in the order written.
    pub cite: Vec<Arc<str>>,
    /// The `///` lines above the item; empty when there are none.
    pub docs: String,
    /// The `when` condition; `None` when it always applies.
    pub when: Option<Ir>,
    /// The required condition as written (before negation for `must not`).
    pub requirement: Ir,
    /// Whether the condition is forbidden (`must not`, `should not`).
    pub negated: bool,
    /// The `because` message; empty when there is none.
    pub message: Vec<CompiledMessagePart>,
    /// Messages for other outcomes (`if undetermined "…"`), at most one per outcome, in the
    /// order written.
    pub outcome_messages: Vec<(Outcome, Vec<CompiledMessagePart>)>,
    /// Local slots needed.
    pub locals: u32,
    /// Rules it calls, directly.
    pub calls: Vec<QualName>,
    /// The obligations it displaces where it applies (`exception to …`).
    pub exception_to: Vec<QualName>,
}

/// A library parameter: a typed value with a default that a user's package may override.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledParam {
    /// Its qualified name.
    pub name: QualName,
    /// Its declared type.
    pub ty: Ty,
    /// The value the library gives it.
    pub default: ConstValue,
    /// The `///` lines above the item; empty when there are none.
    pub docs: String,
}

/// `override a.b.NAME = value`, checked against the parameter's type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledOverride {
    pub param: QualName,
    pub value: ConstValue,
}

/// Where a test's document comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TestSource {
    /// A file path as written, relative to the test's own file.
    File(Arc<str>),
    /// An inline YAML flow mapping and where it stands (relative to the test item).
    Inline(Arc<str>, ItemSpan),
}

/// One `expect name: outcome` line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expectation {
    /// The obligation's qualified name.
    pub obligation: QualName,
    pub outcome: Outcome,
    /// The line, relative to the test item.
    pub span: ItemSpan,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledTest {
    /// What the test is about.
    pub name: Arc<str>,
    /// The document kind.
    pub kind: QualName,
    pub source: TestSource,
    /// The evaluation date, if the test fixes one.
    pub today: Option<DateLit>,
    /// Parameter values for this test.
    pub overrides: Vec<CompiledOverride>,
    pub expects: Vec<Expectation>,
}

/// The outcome of one obligation for one document: what evaluation decides and what a test
/// expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// The requirement holds.
    Satisfied,
    /// The requirement does not hold.
    Violated,
    /// The `when` condition is false.
    NotApplicable,
    /// The document lacks data needed to decide.
    Undetermined,
    /// Violated or undetermined, but covered by an active waiver.
    Waived,
}

impl Outcome {
    /// All outcomes, in report order.
    pub const ALL: [Outcome; 5] =
        [Outcome::Violated, Outcome::Undetermined, Outcome::Waived, Outcome::Satisfied, Outcome::NotApplicable];

    /// All outcomes, in the order messages and coverage tables list them.
    pub const LISTED: [Outcome; 5] =
        [Outcome::Satisfied, Outcome::Violated, Outcome::NotApplicable, Outcome::Undetermined, Outcome::Waived];

    /// As written in tests and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Satisfied => "satisfied",
            Outcome::Violated => "violated",
            Outcome::NotApplicable => "not_applicable",
            Outcome::Undetermined => "undetermined",
            Outcome::Waived => "waived",
        }
    }

    /// The names of all outcomes, in [`Outcome::LISTED`] order.
    pub fn names() -> Vec<&'static str> {
        Outcome::LISTED.into_iter().map(Outcome::as_str).collect()
    }

    /// The outcome named `name`, as written in a test's `expect` line.
    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledWaiver {
    /// The obligation it waives.
    pub target: QualName,
    /// The selector over the target's document kind.
    pub selector: Ir,
    /// Local slots needed.
    pub locals: u32,
    pub reason: Arc<str>,
    /// Who approved it.
    pub approved_by: Arc<str>,
    /// Until when (inclusive).
    pub until: DateLit,
}

/// Severities, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// As written in policies and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five areas of concern. Declared in alphabetical order, so that maps keyed by area list
/// them as reports always have; [`Area::ALL`] gives the order documentation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    Accountability,
    Bias,
    Privacy,
    Transparency,
    Workers,
}

impl Area {
    /// All areas, in the order documentation and messages list them.
    pub const ALL: [Area; 5] = [Area::Privacy, Area::Bias, Area::Transparency, Area::Workers, Area::Accountability];

    /// As written in policies and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Accountability => "accountability",
            Area::Bias => "bias",
            Area::Privacy => "privacy",
            Area::Transparency => "transparency",
            Area::Workers => "workers",
        }
    }

    pub fn parse(name: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The names of all areas, in [`Area::ALL`] order.
    pub fn names() -> Vec<&'static str> {
        Area::ALL.into_iter().map(Area::as_str).collect()
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
