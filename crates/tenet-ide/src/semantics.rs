//! What each name in an item refers to: a walk over the item's syntax that mirrors the
//! checker's lookup order (locals, document fields, expected enum variants, rules and
//! constants) and records one [`Occurrence`] per name, with the type it has where known.
//!
//! Unlike the checker, this walk reports nothing and keeps going past errors, so editor
//! features work in items that do not check.

use std::sync::Arc;
use tenet_db::ide_support::{const_def, deontic_kind, enum_of, lookup_item, resolve_type, rule_signature, schema_of};
use tenet_db::ir::Ty;
use tenet_db::{Db, ItemId, ItemKind, SourceFile, Workspace, package_index};
use tenet_syntax::ast::{
    AggFn, BinOp, Binding, Clause, Expr, ExprKind, Ident, Item, Literal, MessagePart, QName, Span, TypeExpr, TypeKind,
};

/// How deep expressions may nest before the walk stops descending.
const MAX_DEPTH: usize = 256;

/// Item kinds a `use` or a qualified name may name.
pub const NAMED_KINDS: [ItemKind; 6] =
    [ItemKind::Schema, ItemKind::Enum, ItemKind::Const, ItemKind::Param, ItemKind::Rule, ItemKind::Deontic];

/// Item kinds a bare name in a condition may name.
const VALUE_KINDS: [ItemKind; 3] = [ItemKind::Rule, ItemKind::Const, ItemKind::Param];

/// What a name refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Def {
    /// A schema, enum, constant, rule or obligation.
    Item(ItemId),
    /// A field of a schema.
    Field {
        /// The schema.
        schema: ItemId,
        /// The field's name.
        name: Arc<str>,
    },
    /// A variant of an enum.
    Variant {
        /// The enum.
        enumeration: ItemId,
        /// The variant's name.
        name: Arc<str>,
    },
    /// A rule parameter or a variable bound by a quantifier or aggregate.
    Local {
        /// The item it is declared in.
        item: ItemId,
        /// Where it is declared, relative to the item.
        decl: Span,
        /// Its name.
        name: Arc<str>,
    },
    /// A package, by name.
    Package(Arc<str>),
    /// One of the five areas.
    Area(Arc<str>),
    /// One of the five severities.
    Severity(Arc<str>),
    /// An outcome named in a test's `expect`.
    Outcome(Arc<str>),
}

impl Def {
    /// Whether renaming this is supported.
    pub fn is_renamable(&self) -> bool {
        matches!(self, Def::Item(_) | Def::Field { .. } | Def::Variant { .. } | Def::Local { .. })
    }
}

/// One name in an item and what it refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Occurrence {
    /// The name, relative to the item's start.
    pub span: Span,
    /// What it refers to.
    pub def: Def,
    /// Whether this is where it is declared.
    pub is_decl: bool,
    /// The type of the value it names, where known.
    pub ty: Option<Ty>,
}

/// Every name in one item, in source order.
#[salsa::tracked(returns(ref))]
pub fn item_occurrences(db: &dyn Db, item: ItemId) -> Vec<Occurrence> {
    // The item's span-relative syntax, not the file's parse: an edit elsewhere in the file
    // leaves it equal, so this query is not re-run for it.
    let Some(syntax) = tenet_db::item_syntax(db, item) else { return Vec::new() };
    let mut walker = Walker::new(db, item);
    walker.item(syntax);
    let mut out = walker.out;
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out
}

/// Every occurrence in a file with absolute spans.
pub fn file_occurrences(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<(ItemId, Occurrence)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut out = Vec::new();
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        for occ in item_occurrences(db, id) {
            let mut occ = occ.clone();
            occ.span = occ.span.shifted(node.offset);
            out.push((id, occ));
        }
    }
    out
}

/// The occurrence under `offset` (a byte offset in the file), preferring a name that
/// contains it over one that ends at it.
pub fn occurrence_at(db: &dyn Db, workspace: Workspace, file: SourceFile, offset: u32) -> Option<(ItemId, Occurrence)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut touching = None;
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        let Some(rel) = offset.checked_sub(node.offset) else { continue };
        for occ in item_occurrences(db, id) {
            if occ.span.start <= rel && rel < occ.span.end {
                let mut occ = occ.clone();
                occ.span = occ.span.shifted(node.offset);
                return Some((id, occ));
            }
            if occ.span.end == rel && touching.is_none() {
                let mut occ = occ.clone();
                occ.span = occ.span.shifted(node.offset);
                touching = Some((id, occ));
            }
        }
    }
    touching
}

struct Walker<'db> {
    db: &'db dyn Db,
    workspace: Workspace,
    file: SourceFile,
    item: ItemId,
    root: Option<ItemId>,
    locals: Vec<(Arc<str>, Span, Ty)>,
    out: Vec<Occurrence>,
    depth: usize,
}

impl<'db> Walker<'db> {
    fn new(db: &'db dyn Db, item: ItemId) -> Self {
        Walker {
            db,
            workspace: item.workspace(db),
            file: item.file(db),
            item,
            root: None,
            locals: Vec::new(),
            out: Vec::new(),
            depth: 0,
        }
    }

    fn push(&mut self, span: Span, def: Def, is_decl: bool, ty: Option<Ty>) {
        self.out.push(Occurrence { span, def, is_decl, ty });
    }

    fn lookup(&self, name: &str, kinds: &[ItemKind]) -> Option<ItemId> {
        lookup_item(self.db, self.workspace, self.file, name, kinds).map(|e| e.id)
    }

    fn item(&mut self, item: &Item) {
        let me = self.item;
        match item {
            Item::Package(q) => self.push(q.span, Def::Package(Arc::from(q.text())), false, None),
            Item::Use(q) => self.use_path(q),
            Item::Schema(s) => {
                self.push(s.name.span, Def::Item(me), true, None);
                for field in &s.fields {
                    let ty = resolve_type(self.db, self.workspace, self.file, &field.ty);
                    let def = Def::Field { schema: me, name: Arc::from(field.name.name.as_str()) };
                    self.push(field.name.span, def, true, Some(ty));
                    self.type_expr(&field.ty);
                }
            }
            Item::Enum(e) => {
                self.push(e.name.span, Def::Item(me), true, None);
                let qualified = enum_of(self.db, me).name.clone();
                for (variant, _) in &e.variants {
                    let def = Def::Variant { enumeration: me, name: Arc::from(variant.name.as_str()) };
                    self.push(variant.span, def, true, Some(Ty::Enum(qualified.clone())));
                }
            }
            Item::Const(c) | Item::Param(c) => {
                let ty = resolve_type(self.db, self.workspace, self.file, &c.ty);
                self.push(c.name.span, Def::Item(me), true, Some(ty.clone()));
                self.type_expr(&c.ty);
                self.expr(&c.value, Some(&ty));
            }
            Item::Override(o) => self.override_(&o.target, &o.value),
            Item::Rule(rule) => {
                self.push(rule.name.span, Def::Item(me), true, Some(Ty::Bool));
                let sig = rule_signature(self.db, me);
                for (param, (_, ty)) in rule.params.iter().zip(sig.params.iter()) {
                    let def = Def::Local { item: me, decl: param.name.span, name: Arc::from(param.name.name.as_str()) };
                    self.push(param.name.span, def, true, Some(ty.clone()));
                    self.type_expr(&param.ty);
                    self.locals.push((Arc::from(param.name.name.as_str()), param.name.span, ty.clone()));
                }
                if let Some(on) = &rule.on {
                    self.root = self.reference(on, &[ItemKind::Schema]);
                }
                self.expr(&rule.body, Some(&Ty::Bool));
            }
            Item::Deontic(d) => {
                self.push(d.name.span, Def::Item(me), true, None);
                self.root = self.reference(&d.on, &[ItemKind::Schema]);
                for clause in &d.clauses {
                    match clause {
                        Clause::Area(id) => self.push(id.span, Def::Area(Arc::from(id.name.as_str())), false, None),
                        Clause::Severity(id) => {
                            self.push(id.span, Def::Severity(Arc::from(id.name.as_str())), false, None)
                        }
                        Clause::When(e) | Clause::Require { condition: e, .. } => {
                            self.expr(e, Some(&Ty::Bool));
                        }
                        Clause::Because(message) => {
                            for part in &message.parts {
                                if let MessagePart::Hole(e) = part {
                                    self.expr(e, None);
                                }
                            }
                        }
                        Clause::Exception(q) => {
                            self.reference(q, &[ItemKind::Deontic]);
                        }
                        Clause::Cite(_) => {}
                    }
                }
            }
            Item::Waiver(w) => {
                let target = self.reference(&w.target, &[ItemKind::Deontic]);
                let kind = target.and_then(|t| deontic_kind(self.db, t).clone());
                self.root = kind.and_then(|k| self.lookup(&k, &[ItemKind::Schema]));
                if let Some(selector) = &w.selector {
                    self.expr(selector, Some(&Ty::Bool));
                }
            }
            Item::Test(t) => {
                for o in &t.overrides {
                    self.override_(&o.target, &o.value);
                }
                for given in &t.given {
                    self.reference(&given.kind, &[ItemKind::Schema]);
                }
                for expect in &t.expects {
                    self.reference(&expect.target, &[ItemKind::Deontic]);
                    self.push(expect.outcome.span, Def::Outcome(Arc::from(expect.outcome.name.as_str())), false, None);
                }
            }
        }
    }

    fn override_(&mut self, target: &QName, value: &Expr) {
        let id = self.reference(target, &[ItemKind::Param]);
        let ty = id.map(|id| const_def(self.db, id).ty.clone());
        self.expr(value, ty.as_ref());
    }

    /// `use a.b`: a package, or an item of a package.
    fn use_path(&mut self, q: &QName) {
        let path = q.text();
        if package_index(self.db, self.workspace).packages.contains_key(path.as_str()) {
            self.push(q.span, Def::Package(Arc::from(path)), false, None);
            return;
        }
        self.reference(q, &NAMED_KINDS);
    }

    /// A possibly qualified reference to an item: the last segment names the item, the ones
    /// before it the package.
    fn reference(&mut self, q: &QName, kinds: &[ItemKind]) -> Option<ItemId> {
        let id = self.lookup(&q.text(), kinds)?;
        let last = q.last()?;
        if let (Some(first), Some(before_last)) = (q.parts.first(), q.parts.iter().rev().nth(1)) {
            let package: Vec<&str> = q.parts.iter().rev().skip(1).rev().map(|p| p.name.as_str()).collect();
            self.push(first.span.to(before_last.span), Def::Package(Arc::from(package.join("."))), false, None);
        }
        self.push(last.span, Def::Item(id), false, None);
        Some(id)
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeKind::Named(q) => {
                if !matches!(q.text().as_str(), "bool" | "int" | "decimal" | "string" | "date" | "duration" | "percent")
                {
                    self.reference(q, &[ItemKind::Schema, ItemKind::Enum]);
                }
            }
            TypeKind::List(inner) | TypeKind::Set(inner) | TypeKind::Map(inner) => self.type_expr(inner),
            TypeKind::Duration(_) => {}
        }
    }

    fn root_field(&self, name: &str) -> Option<(ItemId, Ty)> {
        let root = self.root?;
        let (_, field) = schema_of(self.db, root).field(name)?;
        Some((root, field.ty.clone()))
    }

    fn schema_field(&self, schema: &str, name: &str) -> Option<(ItemId, Ty)> {
        let id = self.lookup(schema, &[ItemKind::Schema])?;
        let (_, field) = schema_of(self.db, id).field(name)?;
        Some((id, field.ty.clone()))
    }

    fn variant(&self, enumeration: &str, name: &str) -> Option<ItemId> {
        let id = self.lookup(enumeration, &[ItemKind::Enum])?;
        enum_of(self.db, id).variants.iter().any(|v| **v == *name).then_some(id)
    }

    fn local(&self, name: &str) -> Option<(Span, Ty)> {
        self.locals.iter().rev().find(|(n, _, _)| **n == *name).map(|(_, span, ty)| (*span, ty.clone()))
    }

    fn expr(&mut self, expr: &Expr, expected: Option<&Ty>) -> Ty {
        if self.depth >= MAX_DEPTH {
            return Ty::Error;
        }
        self.depth += 1;
        let ty = self.expr_inner(expr, expected);
        self.depth -= 1;
        ty
    }

    fn expr_inner(&mut self, expr: &Expr, expected: Option<&Ty>) -> Ty {
        match &expr.kind {
            ExprKind::Literal(lit) => literal_type(lit),
            ExprKind::Today => Ty::Date,
            ExprKind::Error => Ty::Error,
            ExprKind::Paren(inner) => self.expr(inner, expected),
            ExprKind::Name(id) => self.name(id, expected),
            ExprKind::Field(base, field) => self.field(base, field),
            ExprKind::Call(name, args) => {
                let id = self.lookup(&name.name, &VALUE_KINDS);
                let params = id.map(|id| rule_signature(self.db, id).params.clone()).unwrap_or_default();
                if let Some(id) = id {
                    self.push(name.span, Def::Item(id), false, Some(Ty::Bool));
                }
                for (i, arg) in args.iter().enumerate() {
                    let want = params.get(i).map(|(_, t)| t.clone());
                    self.expr(arg, want.as_ref());
                }
                Ty::Bool
            }
            ExprKind::List(items) | ExprKind::Set(items) => {
                let want = expected.and_then(Ty::element).cloned();
                let mut elem = None;
                for item in items {
                    let ty = self.expr(item, want.as_ref().or(elem.as_ref()));
                    if elem.is_none() && ty != Ty::Error {
                        elem = Some(ty);
                    }
                }
                match (elem, matches!(expr.kind, ExprKind::Set(_))) {
                    (None, _) => Ty::EmptyCollection,
                    (Some(t), true) => Ty::Set(Box::new(t)),
                    (Some(t), false) => Ty::List(Box::new(t)),
                }
            }
            ExprKind::Not(inner) => {
                self.expr(inner, Some(&Ty::Bool));
                Ty::Bool
            }
            ExprKind::Neg(inner) => self.expr(inner, None),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs),
            ExprKind::Is(_, inner) => {
                self.expr(inner, None);
                Ty::Bool
            }
            ExprKind::Within { subject, window, anchor } => {
                self.expr(subject, Some(&Ty::Date));
                self.expr(window, Some(&Ty::Duration));
                self.expr(anchor, Some(&Ty::Date));
                Ty::Bool
            }
            ExprKind::Quantified(_, binding, body) => {
                let depth = self.locals.len();
                self.bind(binding);
                self.expr(body, Some(&Ty::Bool));
                self.locals.truncate(depth);
                Ty::Bool
            }
            ExprKind::Aggregate { func, binding, value } => {
                let depth = self.locals.len();
                let elem = binding.as_ref().map(|b| self.bind(b));
                let value_ty = value.as_ref().map(|v| self.expr(v, None));
                self.locals.truncate(depth);
                let value_ty = match (binding.is_some(), value_ty) {
                    (true, Some(t)) => t,
                    (true, None) => elem.unwrap_or(Ty::Error),
                    (false, Some(t)) => t.element().cloned().unwrap_or(Ty::Error),
                    (false, None) => Ty::Error,
                };
                match func {
                    AggFn::Count => Ty::Int,
                    AggFn::Avg if value_ty == Ty::Int => Ty::Decimal,
                    _ => value_ty,
                }
            }
        }
    }

    /// Binds a quantifier's variable; returns the element type.
    fn bind(&mut self, binding: &Binding) -> Ty {
        let collection = self.expr(&binding.collection, None);
        let elem = collection.element().cloned().unwrap_or(Ty::Error);
        let name: Arc<str> = Arc::from(binding.var.name.as_str());
        let def = Def::Local { item: self.item, decl: binding.var.span, name: name.clone() };
        self.push(binding.var.span, def, true, Some(elem.clone()));
        self.locals.push((name, binding.var.span, elem.clone()));
        if let Some(filter) = &binding.filter {
            self.expr(filter, Some(&Ty::Bool));
        }
        elem
    }

    fn name(&mut self, id: &Ident, expected: Option<&Ty>) -> Ty {
        let me = self.item;
        if let Some((decl, ty)) = self.local(&id.name) {
            let def = Def::Local { item: me, decl, name: Arc::from(id.name.as_str()) };
            self.push(id.span, def, false, Some(ty.clone()));
            return ty;
        }
        if let Some((schema, ty)) = self.root_field(&id.name) {
            self.push(id.span, Def::Field { schema, name: Arc::from(id.name.as_str()) }, false, Some(ty.clone()));
            return ty;
        }
        if let Some(Ty::Enum(enumeration)) = expected
            && let Some(enum_id) = self.variant(enumeration, &id.name)
        {
            let ty = Ty::Enum(enumeration.clone());
            let def = Def::Variant { enumeration: enum_id, name: Arc::from(id.name.as_str()) };
            self.push(id.span, def, false, Some(ty.clone()));
            return ty;
        }
        match lookup_item(self.db, self.workspace, self.file, &id.name, &VALUE_KINDS) {
            Some(entry) => {
                let ty = if entry.kind != ItemKind::Rule { const_def(self.db, entry.id).ty.clone() } else { Ty::Bool };
                self.push(id.span, Def::Item(entry.id), false, Some(ty.clone()));
                ty
            }
            None => Ty::Error,
        }
    }

    fn field(&mut self, base: &Expr, field: &Ident) -> Ty {
        if let ExprKind::Name(id) = &base.unparen().kind {
            let shadowed = self.local(&id.name).is_some() || self.root_field(&id.name).is_some();
            if !shadowed && let Some(enum_id) = self.lookup(&id.name, &[ItemKind::Enum]) {
                let qualified = enum_of(self.db, enum_id).name.clone();
                let ty = Ty::Enum(qualified.clone());
                self.push(id.span, Def::Item(enum_id), false, Some(ty.clone()));
                if self.variant(&qualified, &field.name).is_some() {
                    let def = Def::Variant { enumeration: enum_id, name: Arc::from(field.name.as_str()) };
                    self.push(field.span, def, false, Some(ty.clone()));
                }
                return ty;
            }
        }
        match self.expr(base, None) {
            Ty::Record(schema) => match self.schema_field(&schema, &field.name) {
                Some((schema_id, ty)) => {
                    let def = Def::Field { schema: schema_id, name: Arc::from(field.name.as_str()) };
                    self.push(field.span, def, false, Some(ty.clone()));
                    ty
                }
                None => Ty::Error,
            },
            Ty::Map(value) => *value,
            _ => Ty::Error,
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr) -> Ty {
        match op {
            BinOp::And | BinOp::Or => {
                self.expr(lhs, Some(&Ty::Bool));
                self.expr(rhs, Some(&Ty::Bool));
                Ty::Bool
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let l = self.expr(lhs, None);
                self.expr(rhs, Some(&l));
                Ty::Bool
            }
            BinOp::In | BinOp::NotIn => {
                let l = self.expr(lhs, None);
                self.expr(rhs, Some(&Ty::Set(Box::new(l))));
                Ty::Bool
            }
            BinOp::Contains => {
                let l = self.expr(lhs, None);
                let want = if l == Ty::String { Some(Ty::String) } else { l.element().cloned() };
                self.expr(rhs, want.as_ref());
                Ty::Bool
            }
            BinOp::ContainsAny | BinOp::ContainsAll | BinOp::Union | BinOp::Intersect | BinOp::Except => {
                let l = self.expr(lhs, None);
                let elem = l.element().cloned().unwrap_or(Ty::Error);
                self.expr(rhs, Some(&Ty::Set(Box::new(elem.clone()))));
                if matches!(op, BinOp::ContainsAny | BinOp::ContainsAll) { Ty::Bool } else { Ty::Set(Box::new(elem)) }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.expr(lhs, None);
                let r = self.expr(rhs, Some(&l));
                match (op, &l, &r) {
                    (BinOp::Div, _, _) => Ty::Decimal,
                    (BinOp::Sub, Ty::Date, Ty::Date) => Ty::Duration,
                    (_, Ty::Duration, Ty::Date) => Ty::Date,
                    (_, Ty::Int, Ty::Decimal) => Ty::Decimal,
                    (_, Ty::Int | Ty::Decimal, Ty::Percent | Ty::Duration) => r,
                    _ => l,
                }
            }
        }
    }
}

/// The type of a literal.
pub fn literal_type(lit: &Literal) -> Ty {
    match lit {
        Literal::Bool(_) => Ty::Bool,
        Literal::Int(_) => Ty::Int,
        Literal::Decimal(_) => Ty::Decimal,
        Literal::String(_) => Ty::String,
        Literal::Date(_) => Ty::Date,
        Literal::Duration(..) => Ty::Duration,
        Literal::Percent(_) => Ty::Percent,
    }
}
