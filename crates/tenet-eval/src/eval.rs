//! The interpreter: Kleene three-valued logic over compiled IR, recording which document
//! values each condition read so that every outcome can be explained.

use crate::sensitive::{MASK, Sensitive};
use crate::value::{DateSpan, Duration, Node, Origin, Value, civil_date, order};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use tenet_db::Program;
use tenet_db::ir::{ConstValue, Ir, IrKind, QualName};
use tenet_syntax::ast::{AggFn, BinOp, DurationLitUnit, IsTest, ItemSpan, Quant};

/// How deeply rule calls may nest (cycles are rejected by the checker; this is a backstop).
const MAX_CALL_DEPTH: usize = 64;

/// How many elements the quantifiers, aggregates and set operations of one obligation may
/// visit on one document (an evaluator's budget): about a second of work. A quantifier over a
/// list of four million elements fits; quantifiers nested over large lists, whose cost
/// multiplies, stop here and leave the condition unknown instead of running for hours.
pub const MAX_STEPS: u64 = 1 << 22;

/// Why a value could not be computed although every value it needs is known: what makes a
/// finding undetermined without any missing data, and what its message then says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A division whose divisor is zero.
    DivisionByZero,
    /// A result too large (or small) to hold exactly: an integer past ±9,223,372,036,854,775,807,
    /// a decimal past 28 digits, a date outside the calendar.
    Overflow,
    /// The evaluation visited more than [`MAX_STEPS`] elements.
    Budget,
}

impl Problem {
    /// What happened, as a message and explanation note say it.
    pub fn describe(self) -> String {
        match self {
            Problem::DivisionByZero => "division by zero".to_string(),
            Problem::Overflow => {
                "arithmetic overflow: the result is out of the range Tenet computes exactly".to_string()
            }
            Problem::Budget => format!(
                "evaluation stopped after {MAX_STEPS} steps (elements visited by quantifiers and aggregates), the limit for one obligation on one document"
            ),
        }
    }
}

/// Kleene's three truth values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    True,
    False,
    /// Cannot be decided from the document.
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Kleene negation.
    pub fn negate(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    /// Kleene conjunction.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Kleene disjunction.
    pub fn or(self, other: Tri) -> Tri {
        self.negate().and(other.negate()).negate()
    }

    /// As written in explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }

    fn of(value: &Value) -> Tri {
        match value {
            Value::Bool(b) => Tri::from_bool(*b),
            _ => Tri::Unknown,
        }
    }
}

/// A document value an evaluation read.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    /// The document path.
    pub path: Arc<str>,
    /// The value (`Unknown` when absent).
    pub value: Value,
    /// Where the value is, or for absent values where its nearest present parent is.
    pub origin: Origin,
    /// Whether the value was absent.
    pub absent: bool,
}

/// A condition that helped decide an outcome: the policy text, its truth value, what it read.
#[derive(Clone, Debug, PartialEq)]
pub struct Atom {
    /// The condition as written in the policy.
    pub text: String,
    pub result: Tri,
    /// The document values it read.
    pub reads: Vec<Read>,
    /// Extra detail (which element failed, why it is unknown).
    pub note: Option<String>,
    /// An `x is absent` test that holds: a guard that lets another branch decide (as in
    /// `(x is absent and y) or …`), shown only when nothing else explains the clause.
    pub guard: bool,
}

impl Atom {
    /// The atom seen through a `not`.
    fn negated(self) -> Atom {
        let text = match self.text.strip_prefix("not (").and_then(|t| t.strip_suffix(')')) {
            Some(inner) => inner.to_string(),
            None => format!("not ({})", self.text),
        };
        Atom { text, result: self.result.negate(), ..self }
    }

    /// The atom with a note saying which rule it was evaluated in.
    fn within(self, context: &str) -> Atom {
        let note = match self.note {
            Some(n) => format!("{n}; {context}"),
            None => context.to_string(),
        };
        Atom { note: Some(note), ..self }
    }
}

/// Where the IR being evaluated came from, so atoms can quote it.
#[derive(Clone)]
struct SourceRef {
    text: Arc<str>,
    offset: u32,
}

impl SourceRef {
    fn quote(&self, span: ItemSpan) -> String {
        let raw = self.text.get(span.in_file(self.offset).range()).unwrap_or("?");
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The truth value one condition took once: which item (obligation or rule) and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The obligation or rule the condition is written in.
    pub item: QualName,
    /// The condition, relative to that item.
    pub span: ItemSpan,
    pub result: Tri,
}

/// Parameter values that replace the program's (a test's `override`s).
pub type ParamValues = BTreeMap<QualName, ConstValue>;

/// What evaluation would otherwise rebuild every time it meets it, built once per program:
/// the runtime value of every constant that costs something to build (sets and lists such as
/// the EEA's countries, decimals and percentages parsed from their text), by the address of
/// the constant in the program's IR, and the value of every parameter in force.
#[derive(Debug, Default)]
pub struct Prepared {
    constants: std::collections::HashMap<usize, Value>,
    params: std::collections::HashMap<QualName, Value>,
}

impl Prepared {
    /// Walks every expression of `program` once; `params` replace the program's parameter
    /// values (a test's overrides).
    pub fn new(program: &Program, params: Option<&ParamValues>) -> Prepared {
        let mut prepared = Prepared::default();
        let mut pending: Vec<&Ir> = Vec::new();
        for ob in &program.obligations {
            pending.extend(ob.item.when.iter());
            pending.push(&ob.item.requirement);
            for part in &ob.item.message {
                if let tenet_db::ir::CompiledMessagePart::Value(ir) = part {
                    pending.push(ir);
                }
            }
        }
        pending.extend(program.rules.values().map(|r| &r.item.body));
        pending.extend(program.waivers.iter().map(|w| &w.item.selector));
        while let Some(ir) = pending.pop() {
            if let IrKind::Const(c) = &ir.kind
                && matches!(
                    c,
                    ConstValue::List(_) | ConstValue::Set(_) | ConstValue::Decimal(_) | ConstValue::Percent(_)
                )
            {
                prepared.constants.insert(std::ptr::from_ref(c) as usize, const_value(c));
            }
            pending.extend(ir.children());
        }
        for name in program.params.keys() {
            let value = params.and_then(|p| p.get(name)).or_else(|| program.param_value(name));
            prepared.params.insert(name.clone(), value.map_or(Value::Unknown, const_value));
        }
        prepared
    }
}

/// Evaluates compiled conditions against one document.
pub struct Evaluator<'p> {
    program: &'p Program,
    params: Option<&'p ParamValues>,
    prepared: Option<&'p Prepared>,
    root: Node,
    today: Date,
    locals: Vec<Node>,
    reads: Vec<Read>,
    source: Option<SourceRef>,
    depth: usize,
    /// The obligation or rule being evaluated, for observations.
    item: Option<QualName>,
    /// Every condition's value, when coverage is recorded.
    observations: Option<Vec<Observation>>,
    /// Whether to build explanations (atoms, reads, notes). Without, conditions only decide,
    /// and `and`, `or` and quantifiers stop as soon as their value is known.
    explain: bool,
    /// The document's sensitive values, masked where explanations show values.
    sensitive: Sensitive,
    /// Elements visited by quantifiers and aggregates so far (see [`MAX_STEPS`]).
    steps: u64,
    /// The first computation that failed with known operands.
    problem: Option<Problem>,
}

impl<'p> Evaluator<'p> {
    /// An evaluator over `root` (a validated document) with the evaluation date `today`.
    pub fn new(program: &'p Program, root: Node, today: Date) -> Self {
        Evaluator {
            program,
            params: None,
            prepared: None,
            root,
            today,
            locals: Vec::new(),
            reads: Vec::new(),
            source: None,
            depth: 0,
            item: None,
            observations: None,
            explain: true,
            sensitive: Sensitive::default(),
            steps: 0,
            problem: None,
        }
    }

    /// The document's sensitive values (see [`Evaluator::with_sensitive`]).
    pub(crate) fn sensitive(&self) -> &Sensitive {
        &self.sensitive
    }

    /// Masks the values in `sensitive` where explanations show values (a rule's arguments).
    pub fn with_sensitive(mut self, sensitive: &Sensitive) -> Self {
        if !sensitive.is_empty() {
            self.sensitive = sensitive.clone();
        }
        self
    }

    /// The first computation that failed although its operands were known (a division by
    /// zero, an overflow, the step budget), if any.
    pub fn problem(&self) -> Option<Problem> {
        self.problem
    }

    /// Counts one element visited; `false` once the budget is spent.
    fn step(&mut self) -> bool {
        self.spend(1)
    }

    /// Counts `cost` elements visited; `false` once the budget is spent.
    fn spend(&mut self, cost: u64) -> bool {
        self.steps = self.steps.saturating_add(cost);
        if self.steps > MAX_STEPS {
            self.problem.get_or_insert(Problem::Budget);
            return false;
        }
        true
    }

    fn note_problem(&mut self, problem: Problem) {
        self.problem.get_or_insert(problem);
    }

    /// Decides conditions without explaining them: no atoms, no reads, no notes, and
    /// short-circuit evaluation (unless coverage is recorded, which must see every condition).
    pub fn deciding(mut self) -> Self {
        self.explain = false;
        self
    }

    /// Whether evaluation may stop once a connective's value is known.
    fn short_circuits(&self) -> bool {
        !self.explain && self.observations.is_none()
    }

    /// Uses `params` before the program's own parameter values.
    pub fn with_params(mut self, params: Option<&'p ParamValues>) -> Self {
        self.params = params;
        self
    }

    /// Takes constants and parameter values from `prepared` (built for the same program and
    /// parameters) instead of building them on every use.
    pub fn with_prepared(mut self, prepared: &'p Prepared) -> Self {
        self.prepared = Some(prepared);
        self
    }

    /// Records the value of every condition evaluated from now on (see `observations`).
    pub fn recording(mut self) -> Self {
        self.observations = Some(Vec::new());
        self
    }

    /// Says which obligation the next conditions belong to, for observations.
    pub fn set_item(&mut self, name: &QualName) {
        // Only observations and explanations name the item.
        if self.observations.is_some() || self.explain {
            self.item = Some(name.clone());
        }
    }

    /// The observations recorded so far, emptied.
    pub fn take_observations(&mut self) -> Vec<Observation> {
        self.observations.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn observe(&mut self, span: ItemSpan, result: Tri) {
        if let Some(obs) = &mut self.observations {
            let item = self.item.clone().unwrap_or_else(|| Arc::from(""));
            obs.push(Observation { item, span, result });
        }
    }

    /// Evaluates a condition of an item whose source is `text` at `offset`, with `locals`
    /// free slots; returns its truth value and the atoms that decided it.
    pub fn condition_in(&mut self, ir: &Ir, text: &Arc<str>, offset: u32, locals: u32) -> (Tri, Vec<Atom>) {
        self.enter(text, offset, locals);
        self.cond(ir)
    }

    /// Starts evaluating an item: its source, `locals` fresh slots, no reads yet.
    fn enter(&mut self, text: &Arc<str>, offset: u32, locals: u32) {
        if self.explain {
            self.source = Some(SourceRef { text: text.clone(), offset });
        }
        self.locals.clear();
        self.locals.resize(locals as usize, Node::unknown());
        self.reads.clear();
    }

    /// Evaluates a value expression (for message holes) of an item.
    pub fn value_in(&mut self, ir: &Ir, text: &Arc<str>, offset: u32, locals: u32) -> Node {
        self.enter(text, offset, locals);
        self.eval(ir)
    }

    /// A condition with its explanation: boolean connectives pass on the atoms of the
    /// operands that decided them; anything else is an atom of its own.
    fn cond(&mut self, ir: &Ir) -> (Tri, Vec<Atom>) {
        let (result, atoms) = self.cond_unobserved(ir);
        self.observe(ir.span, result);
        (result, atoms)
    }

    fn cond_unobserved(&mut self, ir: &Ir) -> (Tri, Vec<Atom>) {
        if !self.explain {
            return (self.decide(ir), Vec::new());
        }
        match &ir.kind {
            IrKind::Binary(BinOp::And, a, b) => {
                let (ra, ea) = self.cond(a);
                let (rb, eb) = self.cond(b);
                let result = ra.and(rb);
                (result, decisive(result, ra, ea, rb, eb, Tri::False))
            }
            IrKind::Binary(BinOp::Or, a, b) => {
                let (ra, ea) = self.cond(a);
                let (rb, eb) = self.cond(b);
                let result = ra.or(rb);
                (result, decisive(result, ra, ea, rb, eb, Tri::True))
            }
            IrKind::Not(inner) => {
                let (r, atoms) = self.cond(inner);
                (r.negate(), atoms.into_iter().map(Atom::negated).collect())
            }
            IrKind::Call { rule, args } => {
                let Some(compiled) = self.program.rules.get(rule) else { return (Tri::Unknown, Vec::new()) };
                if self.depth >= MAX_CALL_DEPTH {
                    return (Tri::Unknown, Vec::new());
                }
                let arg_values: Vec<Node> = args.iter().map(|a| self.eval(a)).collect();
                let bindings: Vec<String> = compiled
                    .item
                    .params
                    .iter()
                    .zip(&arg_values)
                    .map(|(name, value)| {
                        if value.origin.span.is_some_and(|span| self.sensitive.touches(span)) {
                            format!("{name} = {MASK}")
                        } else {
                            format!("{name} = {}", value.value.display())
                        }
                    })
                    .collect();
                let short = rule.rsplit('.').next().unwrap_or(rule);
                let context = if bindings.is_empty() {
                    format!("in rule `{short}`")
                } else {
                    format!("in rule `{short}` with {}", bindings.join(", "))
                };
                let saved_locals =
                    std::mem::replace(&mut self.locals, vec![Node::unknown(); compiled.item.locals as usize]);
                for (slot, v) in arg_values.into_iter().enumerate() {
                    if let Some(l) = self.locals.get_mut(slot) {
                        *l = v;
                    }
                }
                let saved_source =
                    self.source.replace(SourceRef { text: compiled.text.clone(), offset: compiled.offset });
                let saved_item = self.item.replace(rule.clone());
                self.depth += 1;
                let result = self.cond(&compiled.item.body);
                self.depth -= 1;
                self.item = saved_item;
                self.source = saved_source;
                self.locals = saved_locals;
                let (r, atoms) = result;
                (r, atoms.into_iter().map(|a| a.within(&context)).collect())
            }
            _ => {
                let mark = self.reads.len();
                let earlier = self.problem.take();
                let (value, note) = self.eval_noted(ir);
                let problem = self.problem;
                self.problem = earlier.or(problem);
                let note = match problem {
                    Some(problem) if matches!(value.value, Value::Unknown) => Some(problem.describe()),
                    _ => note,
                };
                let reads = self.reads.split_off(mark.min(self.reads.len()));
                let result = Tri::of(&value.value);
                let text = self.source.as_ref().map_or_else(|| "?".to_string(), |s| s.quote(ir.span));
                let guard = matches!(ir.kind, IrKind::Is(IsTest::Absent, _)) && result == Tri::True;
                let atom = Atom { text, result, reads: dedup_reads(reads), note, guard };
                (result, vec![atom])
            }
        }
    }

    /// A condition's truth value alone: no atoms, and `and`/`or` skip their second operand
    /// when the first decides (Kleene: false and x = false, true or x = true).
    fn decide(&mut self, ir: &Ir) -> Tri {
        match &ir.kind {
            IrKind::Binary(BinOp::And, a, b) => {
                let ra = self.cond(a).0;
                if ra == Tri::False && self.short_circuits() {
                    return Tri::False;
                }
                ra.and(self.cond(b).0)
            }
            IrKind::Binary(BinOp::Or, a, b) => {
                let ra = self.cond(a).0;
                if ra == Tri::True && self.short_circuits() {
                    return Tri::True;
                }
                ra.or(self.cond(b).0)
            }
            IrKind::Not(inner) => self.cond(inner).0.negate(),
            IrKind::Call { rule, args } => {
                let Some(compiled) = self.program.rules.get(rule) else { return Tri::Unknown };
                if self.depth >= MAX_CALL_DEPTH {
                    return Tri::Unknown;
                }
                let mut locals = vec![Node::unknown(); compiled.item.locals as usize];
                for (slot, arg) in locals.iter_mut().zip(args) {
                    *slot = self.eval(arg);
                }
                let saved_locals = std::mem::replace(&mut self.locals, locals);
                let saved_item = self.observations.is_some().then(|| self.item.replace(rule.clone()));
                self.depth += 1;
                let result = self.cond(&compiled.item.body).0;
                self.depth -= 1;
                if let Some(item) = saved_item {
                    self.item = item;
                }
                self.locals = saved_locals;
                result
            }
            _ => Tri::of(&self.eval(ir).value),
        }
    }

    /// Evaluates with an optional note explaining the result (used for quantifiers).
    fn eval_noted(&mut self, ir: &Ir) -> (Node, Option<String>) {
        match &ir.kind {
            IrKind::Quantified { quant, slot, collection, filter, body } => {
                self.quantified(*quant, *slot, collection, filter.as_deref(), body)
            }
            _ => {
                let v = self.eval(ir);
                let note = match (&ir.kind, &v.value) {
                    (
                        IrKind::Binary(BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne, _, _),
                        Value::Unknown,
                    ) if self.reads.iter().all(|r| !r.absent) => {
                        Some("business days do not compare with hours or calendar days".to_string())
                    }
                    _ => None,
                };
                (v, note)
            }
        }
    }

    fn read(&mut self, path: impl FnOnce() -> Arc<str>, node: &Node, parent: &Origin) {
        if !self.explain {
            return;
        }
        let absent = matches!(node.value, Value::Unknown);
        // Records, and lists of records, are steps on the way to the values that matter.
        let is_structure = match &node.value {
            Value::Record(_) | Value::Map(_) => true,
            Value::List(items) => items.first().is_some_and(|n| matches!(n.value, Value::Record(_) | Value::Map(_))),
            _ => false,
        };
        if is_structure {
            return;
        }
        let origin = if node.origin.span.is_some() { node.origin.clone() } else { parent.clone() };
        self.reads.push(Read { path: path(), value: node.value.clone(), origin, absent });
    }

    /// Evaluates an expression to a value.
    pub fn eval(&mut self, ir: &Ir) -> Node {
        let computed = Node::computed;
        match &ir.kind {
            IrKind::Const(c) => {
                let cached = self.prepared.and_then(|p| p.constants.get(&(std::ptr::from_ref(c) as usize)));
                computed(cached.cloned().unwrap_or_else(|| const_value(c)))
            }
            IrKind::Today => computed(Value::Date(DateSpan::day(self.today))),
            IrKind::Param(name) => {
                if let Some(value) = self.prepared.and_then(|p| p.params.get(name)) {
                    return computed(value.clone());
                }
                let value = self.params.and_then(|p| p.get(name)).or_else(|| self.program.param_value(name));
                computed(value.map_or(Value::Unknown, const_value))
            }
            IrKind::Root => self.root.clone(),
            IrKind::Local(slot) => self.locals.get(*slot as usize).cloned().unwrap_or_else(Node::unknown),
            IrKind::Field { base, slot, name } => {
                let base = self.eval(base);
                match &base.value {
                    Value::Record(fields) => {
                        let field = fields.get(*slot as usize).cloned().unwrap_or_else(Node::unknown);
                        self.read(|| child_path(&base, name), &field, &base.origin);
                        field
                    }
                    _ => Node::unknown(),
                }
            }
            IrKind::MapGet(base, key) => {
                let base = self.eval(base);
                match &base.value {
                    Value::Map(entries) => {
                        let found = entries
                            .iter()
                            .find(|(k, _)| k == key)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_else(Node::unknown);
                        self.read(|| child_path(&base, key), &found, &base.origin);
                        found
                    }
                    _ => Node::unknown(),
                }
            }
            IrKind::Call { .. } => {
                let (r, atoms) = self.cond(ir);
                self.reads.extend(atoms.into_iter().flat_map(|a| a.reads));
                computed(tri_value(r))
            }
            IrKind::List(items) | IrKind::Set(items) => {
                let mut values: Vec<Node> = Vec::with_capacity(items.len());
                for item in items {
                    let v = self.eval(item);
                    if matches!(ir.kind, IrKind::Set(_))
                        && values.iter().any(|x| x.value.equals(&v.value) == Some(true))
                    {
                        continue;
                    }
                    values.push(v);
                }
                computed(Value::List(values.into()))
            }
            IrKind::Not(inner) => {
                let v = self.eval(inner);
                computed(tri_value(Tri::of(&v.value).negate()))
            }
            IrKind::Neg(inner) => {
                let v = self.eval(inner);
                computed(match v.value {
                    Value::Int(n) => n.checked_neg().map_or(Value::Unknown, Value::Int),
                    Value::Decimal(d) => Value::Decimal(-d),
                    Value::Percent(p) => Value::Percent(-p),
                    Value::Duration(d) => d.times(-1).map_or(Value::Unknown, Value::Duration),
                    _ => Value::Unknown,
                })
            }
            IrKind::Binary(op, a, b) => self.binary(*op, a, b),
            IrKind::Is(test, inner) => {
                let v = self.eval(inner);
                computed(match (test, &v.value) {
                    (IsTest::Present, value) => Value::Bool(!matches!(value, Value::Unknown)),
                    (IsTest::Absent, value) => Value::Bool(matches!(value, Value::Unknown)),
                    (_, Value::Unknown) => Value::Unknown,
                    (IsTest::Empty, value) => length(value).map_or(Value::Unknown, |n| Value::Bool(n == 0)),
                    (IsTest::NotEmpty, value) => length(value).map_or(Value::Unknown, |n| Value::Bool(n > 0)),
                })
            }
            IrKind::Within { subject, window, anchor } => {
                let (s, w, a) = (self.eval(subject), self.eval(window), self.eval(anchor));
                computed(match (&s.value, &w.value, &a.value) {
                    (Value::Date(s), Value::Duration(w), Value::Date(a)) => {
                        s.within(*w, *a).map_or(Value::Unknown, Value::Bool)
                    }
                    _ => Value::Unknown,
                })
            }
            IrKind::Quantified { quant, slot, collection, filter, body } => {
                self.quantified(*quant, *slot, collection, filter.as_deref(), body).0
            }
            IrKind::Aggregate { func, slot, collection, filter, value } => {
                self.aggregate(*func, *slot, collection, filter.as_deref(), value.as_deref())
            }
        }
    }

    fn binary(&mut self, op: BinOp, a: &Ir, b: &Ir) -> Node {
        let (l, r) = (self.eval(a), self.eval(b));
        let (l, r) = (&l.value, &r.value);
        let unknown = matches!(l, Value::Unknown) || matches!(r, Value::Unknown);
        let value = match op {
            BinOp::And => tri_value(Tri::of(l).and(Tri::of(r))),
            BinOp::Or => tri_value(Tri::of(l).or(Tri::of(r))),
            _ if unknown => Value::Unknown,
            BinOp::Eq => l.equals(r).map_or(Value::Unknown, Value::Bool),
            BinOp::Ne => l.equals(r).map_or(Value::Unknown, |e| Value::Bool(!e)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let less = matches!(op, BinOp::Lt | BinOp::Le);
                order(less, matches!(op, BinOp::Le | BinOp::Ge), l, r).map_or(Value::Unknown, Value::Bool)
            }
            BinOp::In | BinOp::NotIn => {
                let found = member(r, l);
                let found = if op == BinOp::NotIn { found.negate() } else { found };
                tri_value(found)
            }
            BinOp::Contains => match (l, r) {
                (Value::String(hay), Value::String(needle)) => Value::Bool(hay.contains(&**needle)),
                _ => tri_value(member(l, r)),
            },
            BinOp::ContainsAny | BinOp::ContainsAll => {
                let Value::List(wanted) = r else { return Node::unknown() };
                if !self.spend(pairs(wanted.len(), length(l).unwrap_or(0))) {
                    return Node::unknown();
                }
                let mut acc = if op == BinOp::ContainsAll { Tri::True } else { Tri::False };
                for w in wanted.iter() {
                    let m = member(l, &w.value);
                    acc = if op == BinOp::ContainsAll { acc.and(m) } else { acc.or(m) };
                }
                tri_value(acc)
            }
            BinOp::Union | BinOp::Intersect | BinOp::Except => {
                // Each element is compared with the others: quadratic, so it counts as such.
                let n = length(l).unwrap_or(0).saturating_add(length(r).unwrap_or(0));
                if !self.spend(pairs(n, n)) {
                    return Node::unknown();
                }
                set_op(op, l, r)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let value = arithmetic(op, l, r);
                if matches!(value, Value::Unknown) {
                    let zero = r.as_decimal().is_some_and(|d| d.is_zero());
                    if op == BinOp::Div && zero {
                        self.note_problem(Problem::DivisionByZero);
                    } else if arithmetic_applies(op, l, r) {
                        self.note_problem(Problem::Overflow);
                    }
                }
                value
            }
        };
        Node::computed(value)
    }

    fn elements(&mut self, collection: &Ir) -> Option<Arc<[Node]>> {
        match self.eval(collection).value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    fn quantified(
        &mut self,
        quant: Quant,
        slot: u32,
        collection: &Ir,
        filter: Option<&Ir>,
        body: &Ir,
    ) -> (Node, Option<String>) {
        let Some(items) = self.elements(collection) else {
            return (Node::unknown(), self.explain.then(|| "the list is absent".into()));
        };
        if !self.explain {
            return (Node::computed(tri_value(self.decide_quantified(quant, slot, &items, filter, body))), None);
        }
        let mark = self.reads.len();
        let mut acc = if quant == Quant::All { Tri::True } else { Tri::False };
        let mut deciding: Vec<(usize, Vec<Read>)> = Vec::new();
        let mut selected = 0usize;
        for (i, item) in items.iter().enumerate() {
            if !self.step() {
                acc = Tri::Unknown;
                break;
            }
            if let Some(l) = self.locals.get_mut(slot as usize) {
                *l = item.clone();
            }
            let item_mark = self.reads.len();
            let applies = filter.map_or(Tri::True, |f| Tri::of(&self.eval(f).value));
            selected += usize::from(applies != Tri::False);
            let holds = if applies == Tri::False { Tri::True } else { Tri::of(&self.eval(body).value) };
            // all: each element contributes (not filter) or body; any: filter and body.
            let element = match quant {
                Quant::All => applies.negate().or(holds),
                Quant::Any => {
                    if applies == Tri::False {
                        Tri::False
                    } else {
                        applies.and(holds)
                    }
                }
            };
            let item_reads = self.reads.split_off(item_mark.min(self.reads.len()));
            let decides = match quant {
                Quant::All => element != Tri::True,
                Quant::Any => element != Tri::False,
            };
            if decides && deciding.len() < 3 && deciding.iter().all(|(_, r)| !r.is_empty() || element == Tri::Unknown) {
                deciding.push((i, item_reads));
            }
            acc = if quant == Quant::All { acc.and(element) } else { acc.or(element) };
        }
        self.reads.truncate(mark.min(self.reads.len()));
        let note = if deciding.is_empty() {
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            Some(match filter {
                Some(_) => format!(
                    "{selected} of {} element{} matched `where` and {} checked",
                    items.len(),
                    plural(items.len()),
                    if selected == 1 { "was" } else { "were" }
                ),
                None => format!("{} element{} checked", items.len(), plural(items.len())),
            })
        } else {
            let which: Vec<String> = deciding.iter().map(|(i, _)| format!("[{i}]")).collect();
            let verb = match (quant, acc) {
                (Quant::All, Tri::False) => "fails for element",
                (Quant::Any, Tri::True) => "holds for element",
                _ => "cannot be decided for element",
            };
            Some(format!("{verb} {}", which.join(", ")))
        };
        for (_, reads) in deciding {
            self.reads.extend(reads);
        }
        (Node::computed(tri_value(acc)), note)
    }

    /// A quantifier's value alone, stopping at the first element that decides it.
    fn decide_quantified(&mut self, quant: Quant, slot: u32, items: &[Node], filter: Option<&Ir>, body: &Ir) -> Tri {
        let mut acc = if quant == Quant::All { Tri::True } else { Tri::False };
        for item in items {
            if !self.step() {
                return Tri::Unknown;
            }
            if let Some(l) = self.locals.get_mut(slot as usize) {
                *l = item.clone();
            }
            let applies = filter.map_or(Tri::True, |f| Tri::of(&self.eval(f).value));
            let element = match (quant, applies) {
                (Quant::All, Tri::False) => Tri::True,
                (Quant::Any, Tri::False) => Tri::False,
                (Quant::All, _) => applies.negate().or(Tri::of(&self.eval(body).value)),
                (Quant::Any, _) => applies.and(Tri::of(&self.eval(body).value)),
            };
            acc = if quant == Quant::All { acc.and(element) } else { acc.or(element) };
            let decided = match quant {
                Quant::All => acc == Tri::False,
                Quant::Any => acc == Tri::True,
            };
            if decided && self.short_circuits() {
                break;
            }
        }
        acc
    }

    fn aggregate(
        &mut self,
        func: AggFn,
        slot: Option<u32>,
        collection: &Ir,
        filter: Option<&Ir>,
        value: Option<&Ir>,
    ) -> Node {
        let Some(items) = self.elements(collection) else { return Node::unknown() };
        let mut values: Vec<Value> = Vec::with_capacity(items.len());
        let mut unknown_filter = false;
        for item in items.iter() {
            if !self.step() {
                return Node::unknown();
            }
            if let Some(s) = slot
                && let Some(l) = self.locals.get_mut(s as usize)
            {
                *l = item.clone();
            }
            match filter.map_or(Tri::True, |f| Tri::of(&self.eval(f).value)) {
                Tri::False => continue,
                Tri::Unknown => {
                    unknown_filter = true;
                    continue;
                }
                Tri::True => {}
            }
            values.push(match value {
                Some(v) => self.eval(v).value,
                None => item.value.clone(),
            });
        }
        if unknown_filter {
            return Node::unknown();
        }
        Node::computed(match func {
            AggFn::Count => Value::Int(i64::try_from(values.len()).unwrap_or(i64::MAX)),
            _ if values.iter().any(|v| matches!(v, Value::Unknown)) => Value::Unknown,
            AggFn::Min | AggFn::Max => {
                let want = if func == AggFn::Min { Ordering::Less } else { Ordering::Greater };
                let mut best: Option<Value> = None;
                for v in values {
                    best = match best {
                        None => Some(v),
                        Some(b) => match v.compare(&b) {
                            Some(o) if o == want => Some(v),
                            Some(_) => Some(b),
                            None => return Node::unknown(),
                        },
                    };
                }
                best.unwrap_or(Value::Unknown)
            }
            AggFn::Sum | AggFn::Avg => {
                let n = values.len();
                let mut total: Option<Value> = None;
                for v in values {
                    total = Some(match total {
                        None => v,
                        Some(t) => arithmetic(BinOp::Add, &t, &v),
                    });
                }
                let total = total.unwrap_or(Value::Int(0));
                if func == AggFn::Sum {
                    total
                } else if n == 0 {
                    Value::Unknown
                } else {
                    arithmetic(BinOp::Div, &total, &Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
                }
            }
        })
    }
}

/// The atoms that decided a connective: for `and` the false operands when false; for `or`
/// the true operands when true; otherwise the operands that are not yet decided.
fn decisive(result: Tri, ra: Tri, ea: Vec<Atom>, rb: Tri, eb: Vec<Atom>, dominant: Tri) -> Vec<Atom> {
    let mut out = Vec::new();
    let wanted = |r: Tri| {
        if result == dominant {
            r == dominant
        } else if result == Tri::Unknown {
            r == Tri::Unknown
        } else {
            true
        }
    };
    if wanted(ra) {
        out.extend(ea);
    }
    if wanted(rb) {
        out.extend(eb);
    }
    out
}

fn dedup_reads(reads: Vec<Read>) -> Vec<Read> {
    let mut out: Vec<Read> = Vec::with_capacity(reads.len());
    for r in reads {
        if !out.iter().any(|o| o.path == r.path) {
            out.push(r);
        }
    }
    out
}

fn child_path(base: &Node, name: &str) -> Arc<str> {
    match base.origin.path.as_deref() {
        Some("") | None => Arc::from(name),
        Some(p) => Arc::from(format!("{p}.{name}")),
    }
}

fn tri_value(t: Tri) -> Value {
    match t {
        Tri::True => Value::Bool(true),
        Tri::False => Value::Bool(false),
        Tri::Unknown => Value::Unknown,
    }
}

fn length(value: &Value) -> Option<usize> {
    match value {
        Value::List(items) => Some(items.len()),
        Value::Map(entries) => Some(entries.len()),
        Value::String(s) => Some(s.chars().count()),
        _ => None,
    }
}

/// Whether `collection` holds `needle`, in three-valued logic.
fn member(collection: &Value, needle: &Value) -> Tri {
    let Value::List(items) = collection else { return Tri::Unknown };
    if matches!(needle, Value::Unknown) {
        return Tri::Unknown;
    }
    let mut acc = Tri::False;
    for item in items.iter() {
        acc = acc.or(match item.value.equals(needle) {
            Some(b) => Tri::from_bool(b),
            None => Tri::Unknown,
        });
        if acc == Tri::True {
            break;
        }
    }
    acc
}

fn set_op(op: BinOp, l: &Value, r: &Value) -> Value {
    let (Value::List(a), Value::List(b)) = (l, r) else { return Value::Unknown };
    let contains = |items: &[Node], v: &Value| items.iter().any(|x| x.value.equals(v) == Some(true));
    let mut out: Vec<Node> = Vec::new();
    let push = |n: &Node, out: &mut Vec<Node>| {
        if !contains(out, &n.value) {
            out.push(n.clone());
        }
    };
    match op {
        BinOp::Union => a.iter().chain(b.iter()).for_each(|n| push(n, &mut out)),
        BinOp::Intersect => a.iter().filter(|n| contains(b, &n.value)).for_each(|n| push(n, &mut out)),
        _ => a.iter().filter(|n| !contains(b, &n.value)).for_each(|n| push(n, &mut out)),
    }
    Value::List(out.into())
}

/// The number of pairs between collections of `a` and `b` elements, as a step count.
fn pairs(a: usize, b: usize) -> u64 {
    u64::try_from(a).unwrap_or(u64::MAX).saturating_mul(u64::try_from(b).unwrap_or(u64::MAX))
}

/// Whether `arithmetic` has a rule for these operand types (so an unknown result from it is
/// an overflow, not a combination it does not compute).
fn arithmetic_applies(op: BinOp, l: &Value, r: &Value) -> bool {
    use Value as V;
    match (op, l, r) {
        (_, a, b) if a.as_decimal().is_some() && b.as_decimal().is_some() => true,
        (BinOp::Add | BinOp::Sub, V::Percent(_), V::Percent(_))
        | (BinOp::Add | BinOp::Sub, V::Duration(_), V::Duration(_))
        | (BinOp::Add, V::Date(_), V::Duration(_))
        | (BinOp::Add, V::Duration(_), V::Date(_))
        | (BinOp::Sub, V::Date(_), V::Duration(_))
        | (BinOp::Mul, V::Duration(_), V::Int(_))
        | (BinOp::Mul, V::Int(_), V::Duration(_)) => true,
        (BinOp::Mul, V::Percent(_), n) | (BinOp::Mul, n, V::Percent(_)) => n.as_decimal().is_some(),
        _ => false,
    }
}

fn arithmetic(op: BinOp, l: &Value, r: &Value) -> Value {
    use Value as V;
    let dec = |d: Option<Decimal>| d.map_or(V::Unknown, V::Decimal);
    match (op, l, r) {
        (BinOp::Add, V::Int(a), V::Int(b)) => a.checked_add(*b).map_or(V::Unknown, V::Int),
        (BinOp::Sub, V::Int(a), V::Int(b)) => a.checked_sub(*b).map_or(V::Unknown, V::Int),
        (BinOp::Mul, V::Int(a), V::Int(b)) => a.checked_mul(*b).map_or(V::Unknown, V::Int),
        (_, a, b) if a.as_decimal().is_some() && b.as_decimal().is_some() => {
            let (Some(x), Some(y)) = (a.as_decimal(), b.as_decimal()) else { return V::Unknown };
            dec(match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                _ => x.checked_div(y),
            })
        }
        (BinOp::Add, V::Percent(a), V::Percent(b)) => a.checked_add(*b).map_or(V::Unknown, V::Percent),
        (BinOp::Sub, V::Percent(a), V::Percent(b)) => a.checked_sub(*b).map_or(V::Unknown, V::Percent),
        (BinOp::Mul, V::Percent(p), n) | (BinOp::Mul, n, V::Percent(p)) => {
            n.as_decimal().and_then(|n| p.checked_mul(n)).map_or(V::Unknown, V::Percent)
        }
        (BinOp::Add | BinOp::Sub, V::Duration(a), V::Duration(b)) => {
            a.plus(*b, if op == BinOp::Add { 1 } else { -1 }).map_or(V::Unknown, V::Duration)
        }
        (BinOp::Mul, V::Duration(d), V::Int(n)) | (BinOp::Mul, V::Int(n), V::Duration(d)) => {
            d.times(*n).map_or(V::Unknown, V::Duration)
        }
        (BinOp::Add, V::Date(d), V::Duration(x)) | (BinOp::Add, V::Duration(x), V::Date(d)) => {
            d.shifted(*x, 1).map_or(V::Unknown, V::Date)
        }
        (BinOp::Sub, V::Date(d), V::Duration(x)) => d.shifted(*x, -1).map_or(V::Unknown, V::Date),
        // Only between single days: the days between a month and a date are not one number.
        (BinOp::Sub, V::Date(a), V::Date(b)) => match (a.exact(), b.exact()) {
            (Some(a), Some(b)) => match a.since(b) {
                // Between civil dates the span's largest unit is days.
                Ok(span) => V::Duration(Duration::Days(i64::from(span.get_days()))),
                Err(_) => V::Unknown,
            },
            _ => V::Unknown,
        },
        _ => V::Unknown,
    }
}

/// The runtime value of a compile-time constant.
pub fn const_value(c: &ConstValue) -> Value {
    match c {
        ConstValue::Bool(b) => Value::Bool(*b),
        ConstValue::Int(n) => Value::Int(*n),
        ConstValue::Decimal(d) => Decimal::from_str(d).map_or(Value::Unknown, Value::Decimal),
        ConstValue::String(s) => Value::String(s.clone()),
        ConstValue::Date(d) => civil_date(*d).map_or(Value::Unknown, |d| Value::Date(DateSpan::day(d))),
        ConstValue::Duration(n, unit) => Value::Duration(match unit {
            DurationLitUnit::Hours => Duration::Hours(*n),
            DurationLitUnit::Days => Duration::Days(*n),
            DurationLitUnit::BusinessDays => Duration::BusinessDays(*n),
        }),
        ConstValue::Percent(p) => {
            Decimal::from_str(p).map_or(Value::Unknown, |d| Value::Percent(d / Decimal::ONE_HUNDRED))
        }
        ConstValue::Variant(v) => Value::Enum(v.clone()),
        ConstValue::List(items) | ConstValue::Set(items) => {
            let mut out: Vec<Node> = Vec::with_capacity(items.len());
            for item in items {
                let v = const_value(item);
                if matches!(c, ConstValue::Set(_)) && out.iter().any(|o| o.value.equals(&v) == Some(true)) {
                    continue;
                }
                out.push(Node::computed(v));
            }
            Value::List(out.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_tables() {
        use Tri::*;
        assert_eq!(False.and(Unknown), False);
        assert_eq!(True.and(Unknown), Unknown);
        assert_eq!(True.or(Unknown), True);
        assert_eq!(False.or(Unknown), Unknown);
        assert_eq!(Unknown.negate(), Unknown);
    }

    #[test]
    fn membership_is_three_valued() {
        let list = Value::List(vec![Node::computed(Value::Int(1)), Node::unknown()].into());
        assert_eq!(member(&list, &Value::Int(1)), Tri::True);
        assert_eq!(member(&list, &Value::Int(2)), Tri::Unknown);
        let known = Value::List(vec![Node::computed(Value::Int(1))].into());
        assert_eq!(member(&known, &Value::Int(2)), Tri::False);
    }

    #[test]
    fn date_difference_is_in_days() {
        let (Ok(a), Ok(b)) = (Date::new(2026, 3, 1), Date::new(2026, 2, 1)) else { unreachable!() };
        assert_eq!(
            arithmetic(BinOp::Sub, &Value::Date(DateSpan::day(a)), &Value::Date(DateSpan::day(b))),
            Value::Duration(Duration::Days(28))
        );
    }
}
