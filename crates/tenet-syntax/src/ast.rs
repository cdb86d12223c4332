//! The pest-free syntax tree.
//!
//! Spans inside an item are relative to the item's start (see [`ItemNode::offset`]), so an
//! edit to one item leaves every other item's tree equal and the checker can reuse its work.

use std::fmt;

pub use tenet_text::{FileSpan, ItemSpan, TextSpan};

/// A name with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// As written in the source.
    pub name: String,
    /// Where the name is written, relative to the enclosing item.
    pub span: ItemSpan,
}

/// A dotted name such as `std.privacy` or `Contract`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QName {
    /// The segments, in order.
    pub parts: Vec<Ident>,
    /// All segments and the dots between them.
    pub span: ItemSpan,
}

impl QName {
    /// The name as written, segments joined by dots.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(".")
    }

    /// The last segment.
    pub fn last(&self) -> Option<&Ident> {
        self.parts.last()
    }
}

/// One top-level item with its absolute position in the file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemNode {
    /// Byte offset of the item's first keyword in the file.
    pub offset: u32,
    /// The item; its spans are relative to `offset`.
    pub item: Item,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// `package a.b`
    Package(QName),
    /// `use a.b`
    Use(QName),
    /// `schema Name { field: type, … }`
    Schema(SchemaDecl),
    /// `enum Name { a, b }`
    Enum(EnumDecl),
    /// `const NAME: type = expr`
    Const(ConstDecl),
    /// `rule name(params) on Kind = expr`
    Rule(RuleDecl),
    /// `obligation`, `prohibition` or `recommendation`
    Deontic(DeonticDecl),
    /// `waiver target where selector { … }`
    Waiver(WaiverDecl),
    /// `param NAME: type = value`: a library parameter a user's package may override
    Param(ConstDecl),
    /// `override a.b.NAME = value`: a new value for a library parameter
    Override(OverrideDecl),
    /// `test "…" { given … expect … }`
    Test(TestDecl),
}

impl Item {
    /// The name the item declares, if it declares one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Item::Package(_) | Item::Use(_) | Item::Waiver(_) | Item::Override(_) | Item::Test(_) => None,
            Item::Schema(s) => Some(&s.name),
            Item::Param(p) => Some(&p.name),
            Item::Enum(e) => Some(&e.name),
            Item::Const(c) => Some(&c.name),
            Item::Rule(r) => Some(&r.name),
            Item::Deontic(d) => Some(&d.name),
        }
    }

    /// What kind of item this is, in words (for messages).
    pub fn describe(&self) -> &'static str {
        match self {
            Item::Package(_) => "package declaration",
            Item::Use(_) => "use declaration",
            Item::Schema(_) => "schema",
            Item::Enum(_) => "enum",
            Item::Const(_) => "constant",
            Item::Rule(_) => "rule",
            Item::Deontic(d) => d.modality.keyword(),
            Item::Waiver(_) => "waiver",
            Item::Param(_) => "parameter",
            Item::Override(_) => "override",
            Item::Test(_) => "test",
        }
    }

    /// The doc comment, if the item kind keeps one.
    pub fn docs(&self) -> Option<&str> {
        let docs = match self {
            Item::Schema(s) => &s.docs,
            Item::Enum(e) => &e.docs,
            Item::Const(c) => &c.docs,
            Item::Rule(r) => &r.docs,
            Item::Deontic(d) => &d.docs,
            Item::Param(p) => &p.docs,
            Item::Test(t) => &t.docs,
            Item::Package(_) | Item::Use(_) | Item::Waiver(_) | Item::Override(_) => return None,
        };
        (!docs.is_empty()).then_some(docs.as_str())
    }
}

/// `schema Name { … }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaDecl {
    /// `///` lines above the item.
    pub docs: String,
    pub name: Ident,
    /// Its fields in order.
    pub fields: Vec<FieldDecl>,
}

/// `name: type` inside a schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldDecl {
    /// `///` lines above the field.
    pub docs: String,
    /// The `@name` attributes before it, in order (the checker knows which names exist).
    pub attributes: Vec<Attribute>,
    pub name: Ident,
    pub ty: TypeExpr,
}

/// An attribute on a field, such as `@sensitive`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// The name after `@`.
    pub name: Ident,
    /// The whole attribute, `@` included.
    pub span: ItemSpan,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    /// The type before any `?`.
    pub kind: TypeKind,
    /// Whether it ends in `?`.
    pub optional: bool,
    /// The whole type, `?` included.
    pub span: ItemSpan,
}

/// The shapes of a written type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// A built-in scalar, a schema or an enum, by name.
    Named(QName),
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `set<T>`
    Set(Box<TypeExpr>),
    /// `map<T>` (string keys)
    Map(Box<TypeExpr>),
    /// `duration(hours)` or `duration(days)`: a duration that documents may write as a bare number
    Duration(DurationUnit),
}

/// The unit a document's bare number is read in, for `duration(unit)` fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Hours,
    /// Calendar days.
    Days,
}

/// `enum Name { a, b }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDecl {
    /// `///` lines above the item.
    pub docs: String,
    pub name: Ident,
    /// Its variants in order, each with its doc comment.
    pub variants: Vec<(Ident, String)>,
}

/// `const NAME: type = expr`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConstDecl {
    /// `///` lines above the item.
    pub docs: String,
    pub name: Ident,
    pub ty: TypeExpr,
    /// Its value (literals only).
    pub value: Expr,
}

/// `override a.b.NAME = value`, at the top level or inside a test.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OverrideDecl {
    /// The parameter, as written (qualified or imported).
    pub target: QName,
    /// Its new value (literals only).
    pub value: Expr,
}

/// `test "name" { today …  override …  given …  expect … }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TestDecl {
    /// `///` lines above the item.
    pub docs: String,
    /// What the test is about, as written in its string.
    pub name: StringLit,
    /// `today 2026-11-28`: the evaluation date, if the test fixes one.
    pub today: Option<(DateLit, ItemSpan)>,
    /// Parameter values for this test only.
    pub overrides: Vec<OverrideDecl>,
    /// The documents under test, in order (a test normally has one).
    pub given: Vec<Given>,
    pub expects: Vec<Expect>,
    /// The whole body, braces included.
    pub body_span: ItemSpan,
}

/// `given Kind from "file"` or `given Kind { inline YAML flow mapping }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Given {
    /// The document kind (a schema).
    pub kind: QName,
    pub source: GivenSource,
    /// The whole statement.
    pub span: ItemSpan,
}

/// Where a test's document comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GivenSource {
    /// A file, relative to the directory of the test's own file.
    File(StringLit),
    /// The text of a YAML flow mapping written in the test, braces included.
    Inline {
        /// The raw text, braces included.
        text: String,
        /// Where the mapping is written, braces included.
        span: ItemSpan,
    },
}

/// `expect name: outcome`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expect {
    /// The obligation, prohibition or recommendation.
    pub target: QName,
    /// The expected outcome's name as written.
    pub outcome: Ident,
    /// The whole statement.
    pub span: ItemSpan,
}

/// `rule name(params) on Kind = condition`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleDecl {
    /// `///` lines above the item.
    pub docs: String,
    pub name: Ident,
    /// Typed parameters (empty without parentheses).
    pub params: Vec<Param>,
    /// The document kind whose fields the body reads, if any.
    pub on: Option<QName>,
    /// The condition.
    pub body: Expr,
}

/// `name: type` in a rule's parameter list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// The three deontic forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modality {
    /// `obligation … must`
    Obligation,
    /// `prohibition … must not`
    Prohibition,
    /// `recommendation … should`
    Recommendation,
}

impl Modality {
    /// The keyword that introduces the item.
    pub fn keyword(self) -> &'static str {
        match self {
            Modality::Obligation => "obligation",
            Modality::Prohibition => "prohibition",
            Modality::Recommendation => "recommendation",
        }
    }

    /// The requirement keyword this form expects.
    pub fn expected_requirement(self) -> RequirementKw {
        match self {
            Modality::Obligation => RequirementKw::Must,
            Modality::Prohibition => RequirementKw::MustNot,
            Modality::Recommendation => RequirementKw::Should,
        }
    }
}

/// `must`, `must not`, `should`, `should not`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequirementKw {
    Must,
    MustNot,
    Should,
    ShouldNot,
}

impl RequirementKw {
    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            RequirementKw::Must => "must",
            RequirementKw::MustNot => "must not",
            RequirementKw::Should => "should",
            RequirementKw::ShouldNot => "should not",
        }
    }

    /// Whether the condition that follows is forbidden rather than required.
    pub fn is_negated(self) -> bool {
        matches!(self, RequirementKw::MustNot | RequirementKw::ShouldNot)
    }
}

/// An `obligation`, `prohibition` or `recommendation`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeonticDecl {
    /// `///` lines above the item.
    pub docs: String,
    pub modality: Modality,
    /// Where the form's keyword is.
    pub keyword_span: ItemSpan,
    pub name: Ident,
    /// The document kind it applies to.
    pub on: QName,
    /// The clauses in the order written.
    pub clauses: Vec<Clause>,
    /// The whole body, braces included.
    pub body_span: ItemSpan,
}

/// A clause inside an obligation's braces.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Clause {
    /// `area: name`
    Area(Ident),
    /// `severity: name`
    Severity(Ident),
    /// `cite: "…", "…"`
    Cite(Vec<StringLit>),
    /// `when condition`
    When(Expr),
    /// `must condition` (or `must not`, `should`, `should not`)
    Require { kw: RequirementKw, kw_span: ItemSpan, condition: Expr },
    /// `because "message with {path}"`: the message of a violated finding, and of any
    /// outcome without a message of its own
    Because(Message),
    /// `if undetermined "message"`: the message of the named outcome
    OutcomeMessage {
        /// The outcome as written (`undetermined`, `satisfied`, `not_applicable`).
        outcome: Ident,
        message: Message,
    },
    /// `exception to name`: where this item applies, the named one is displaced
    Exception(QName),
}

impl Clause {
    /// The clause keyword, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            Clause::Area(_) => "area",
            Clause::Severity(_) => "severity",
            Clause::Cite(_) => "cite",
            Clause::When(_) => "when",
            Clause::Require { kw, .. } => kw.text(),
            Clause::Because(_) => "because",
            Clause::OutcomeMessage { .. } => "if",
            Clause::Exception(_) => "exception to",
        }
    }
}

/// A string literal with its unescaped value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StringLit {
    /// The value, escapes resolved.
    pub value: String,
    /// The literal including its quotes.
    pub span: ItemSpan,
}

/// A message (`because`, `if OUTCOME`): text with `{path}` holes, written as one string
/// or several in a row (joined as written, so a message may span lines).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    /// Literal text and interpolated paths, in order.
    pub parts: Vec<MessagePart>,
    /// From the first string's opening quote to the last one's closing quote.
    pub span: ItemSpan,
    /// Each string literal, quotes included, in order.
    pub strings: Vec<ItemSpan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MessagePart {
    /// Literal text, escapes resolved.
    Text(String),
    /// `{a.b.c}`: a document value.
    Hole(Expr),
}

/// `waiver target where selector { reason: …, approved_by: …, until: … }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WaiverDecl {
    /// The obligation it waives.
    pub target: QName,
    /// Which documents it covers; `None` when the `where` is missing (E0603).
    pub selector: Option<Expr>,
    /// `reason: "…"`
    pub reason: Option<StringLit>,
    /// `approved_by: "…"`
    pub approved_by: Option<StringLit>,
    /// `until: 2027-03-31`
    pub until: Option<(DateLit, ItemSpan)>,
    /// Where the fields' braces are.
    pub body_span: ItemSpan,
    /// Fields written twice or with the wrong kind of value.
    pub field_errors: Vec<(ItemSpan, String)>,
}

/// A calendar date as written, checked to be a real date by the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateLit {
    pub year: i16,
    /// Month, 1–12.
    pub month: i8,
    /// Day, 1–31.
    pub day: i8,
}

impl fmt::Display for DateLit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An expression with its span (the derived equality compares spans too).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    /// Relative to the enclosing item; may run past the last token over whitespace and comments.
    pub span: ItemSpan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationLitUnit {
    /// `h`
    Hours,
    /// `d`
    Days,
    /// `bd`: Monday to Friday
    BusinessDays,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    /// `0.8`, kept as written so no precision is lost
    Decimal(String),
    /// `"text"`, escapes resolved
    String(String),
    /// `2026-03-31`
    Date(DateLit),
    /// `48h`, `30d`, `10bd`
    Duration(i64, DurationLitUnit),
    /// `2%`, kept as written
    Percent(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    In,
    NotIn,
    Contains,
    /// `contains any of`
    ContainsAny,
    /// `contains all of`
    ContainsAll,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    Union,
    Intersect,
    Except,
}

impl BinOp {
    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Contains => "contains",
            BinOp::ContainsAny => "contains any of",
            BinOp::ContainsAll => "contains all of",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Union => "union",
            BinOp::Intersect => "intersect",
            BinOp::Except => "except",
        }
    }
}

/// `x is present`, `x is empty`, and their negations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsTest {
    /// `is present` (also `present(x)`); never unknown
    Present,
    /// `is absent`; never unknown
    Absent,
    Empty,
    NotEmpty,
}

/// `all` or `any`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quant {
    All,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggFn {
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

impl AggFn {
    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::Sum => "sum",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::Avg => "avg",
        }
    }
}

/// `x in collection where filter`, the binding part of quantifiers and aggregates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    /// The element variable.
    pub var: Ident,
    pub collection: Box<Expr>,
    /// The `where` condition, if written.
    pub filter: Option<Box<Expr>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Literal(Literal),
    Today,
    /// A bare name: a field of the document, a variable, a rule, a constant or an enum variant.
    Name(Ident),
    /// `base.field`
    Field(Box<Expr>, Ident),
    /// `rule(args)`
    Call(Ident, Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}`
    Set(Vec<Expr>),
    Not(Box<Expr>),
    /// `-x`
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x is present` etc.
    Is(IsTest, Box<Expr>),
    /// `x within d before y`
    Within {
        /// The date tested.
        subject: Box<Expr>,
        /// The duration `d`.
        window: Box<Expr>,
        /// The end of the window.
        anchor: Box<Expr>,
    },
    /// `all x in xs where f: body`
    Quantified(Quant, Binding, Box<Expr>),
    /// `count(x in xs where f)`, `sum(x in xs: value)`, `max(xs)`
    Aggregate {
        func: AggFn,
        /// `x in xs where f`, or absent for the plain form.
        binding: Option<Binding>,
        /// The value per element (`: value`), or the collection in the plain form.
        value: Option<Box<Expr>>,
    },
    /// `(x)`, kept so spans and formatting follow the source.
    Paren(Box<Expr>),
    /// A part that failed to lower (already reported).
    Error,
}

impl Expr {
    /// The expression without surrounding parentheses.
    pub fn unparen(&self) -> &Expr {
        match &self.kind {
            ExprKind::Paren(inner) => inner.unparen(),
            _ => self,
        }
    }

    /// The dotted path this expression names (`a.b.c`), if it is one.
    pub fn as_path(&self) -> Option<Vec<&Ident>> {
        match &self.kind {
            ExprKind::Name(id) => Some(vec![id]),
            ExprKind::Field(base, field) => {
                let mut path = base.as_path()?;
                path.push(field);
                Some(path)
            }
            _ => None,
        }
    }
}
