//! Type-checking and compiling expressions, and computing constants (whose values the
//! checker inlines, so the two belong together).

use crate::analysis::{Def, Occurrence, Occurrences};
use crate::errors::{Mismatch, TypeError};
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, item_syntax};
use crate::ir::{ConstValue, Ir, IrKind, QualName, SchemaDef, Ty};
use crate::scope::{Lookup, ambiguous, is_broken, lookup, missing_import, qualified, visible_names};
use crate::signatures::{enum_def, resolve_type, rule_signature, schema_def};
use std::sync::Arc;
use tenet_syntax::ast::{AggFn, BinOp, Binding, Expr, ExprKind, Ident, IsTest, Item, ItemSpan, Literal, Quant};
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};

/// Items an expression can name: rules, constants and parameters.
const VALUE_ITEMS: &[ItemKind] = &[ItemKind::Rule, ItemKind::Const, ItemKind::Param];

/// How deeply expressions may nest before the checker refuses them (the parser's bracket
/// limit keeps real programs far below this).
const MAX_DEPTH: usize = 200;

/// Checks expressions of one item.
pub(crate) struct Checker<'db> {
    pub db: &'db dyn Db,
    pub workspace: Workspace,
    pub file: SourceFile,
    /// The schema of the document the expressions read, if any.
    pub root: Option<(ItemId, &'db SchemaDef)>,
    /// Variables in scope: name, type, slot, and where declared (relative to the item).
    locals: Vec<(Arc<str>, Ty, u32, ItemSpan)>,
    next_slot: u32,
    depth: usize,
    pub diagnostics: Vec<Diagnostic<ItemSpan>>,
    /// Rules called, directly.
    pub calls: Vec<QualName>,
    /// Set when the document kind could not be resolved (already reported): unknown names
    /// are then not reported again.
    pub quiet: bool,
    /// The item being checked, when it is one (not a constant read by another item).
    pub item: Option<ItemId>,
    /// What each name resolved to, as the checker resolved it.
    pub occurrences: Occurrences,
}

impl<'db> Checker<'db> {
    pub fn new(db: &'db dyn Db, workspace: Workspace, file: SourceFile) -> Self {
        Checker {
            db,
            workspace,
            file,
            root: None,
            locals: Vec::new(),
            next_slot: 0,
            depth: 0,
            diagnostics: Vec::new(),
            calls: Vec::new(),
            quiet: false,
            item: None,
            occurrences: Occurrences::default(),
        }
    }

    /// Binds a new local (a parameter or an element variable) declared at `decl`, and returns
    /// its slot.
    pub fn bind(&mut self, name: &str, ty: Ty, decl: ItemSpan) -> u32 {
        let slot = self.next_slot;
        self.next_slot += 1;
        let name: Arc<str> = Arc::from(name);
        if let Some(item) = self.item {
            self.occurrences.push(decl, Def::Local { item, decl, name: name.clone() }, true, Some(ty.clone()));
        }
        self.locals.push((name, ty, slot, decl));
        slot
    }

    /// How many local slots the item needs.
    pub fn slots(&self) -> u32 {
        self.next_slot
    }

    fn error(&mut self, d: Diagnostic<ItemSpan>) -> Ir {
        let span = d.span;
        self.diagnostics.push(d);
        Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span }
    }

    /// Checks a condition: an expression of type `bool`.
    pub fn condition(&mut self, expr: &Expr) -> Ir {
        let ir = self.check(expr, Some(&Ty::Bool));
        if !Ty::Bool.compatible(&ir.ty) {
            return self.error(TypeError::NotACondition { found: ir.ty.clone(), span: expr.span }.into());
        }
        ir
    }

    /// Checks an expression, using `expected` to resolve bare enum variants.
    pub fn check(&mut self, expr: &Expr, expected: Option<&Ty>) -> Ir {
        self.depth += 1;
        let ir = if self.depth > MAX_DEPTH {
            self.error(TypeError::TooDeep { span: expr.span }.into())
        } else {
            self.check_inner(expr, expected)
        };
        self.depth -= 1;
        ir
    }

    fn check_inner(&mut self, expr: &Expr, expected: Option<&Ty>) -> Ir {
        let span = expr.span;
        let ir = |kind, ty| Ir { kind, ty, span };
        match &expr.kind {
            ExprKind::Error => Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span },
            ExprKind::Paren(inner) => self.check(inner, expected),
            ExprKind::Literal(lit) => {
                let (value, ty) = literal(lit);
                ir(IrKind::Const(value), ty)
            }
            ExprKind::Today => ir(IrKind::Today, Ty::Date),
            ExprKind::Name(id) => self.name(id, expected),
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::Call(name, args) => self.call(name, args, span),
            ExprKind::List(items) | ExprKind::Set(items) => {
                let is_set = matches!(expr.kind, ExprKind::Set(_));
                let elem_expected = expected.and_then(Ty::element).filter(|t| **t != Ty::Error).cloned();
                let mut elem: Option<Ty> = None;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let want = elem.clone().or_else(|| elem_expected.clone());
                    let checked = self.check(item, want.as_ref());
                    match &elem {
                        Some(t) if !t.compatible(&checked.ty) => {
                            let problem = TypeError::MixedCollection {
                                element: t.clone(),
                                found: checked.ty.clone(),
                                span: item.span,
                            };
                            self.diagnostics.push(problem.into());
                        }
                        None if checked.ty != Ty::Error => elem = Some(checked.ty.clone()),
                        _ => {}
                    }
                    out.push(checked);
                }
                match (elem, is_set) {
                    (None, _) => ir(if is_set { IrKind::Set(out) } else { IrKind::List(out) }, Ty::EmptyCollection),
                    (Some(t), true) => ir(IrKind::Set(out), Ty::Set(Box::new(t))),
                    (Some(t), false) => ir(IrKind::List(out), Ty::List(Box::new(t))),
                }
            }
            ExprKind::Not(inner) => {
                let operand = self.condition(inner);
                ir(IrKind::Not(Box::new(operand)), Ty::Bool)
            }
            ExprKind::Neg(inner) => {
                let operand = self.check(inner, None);
                if !(operand.ty.is_numeric() || matches!(operand.ty, Ty::Duration | Ty::Percent)) {
                    return self.error(TypeError::CannotNegate { found: operand.ty.clone(), span: inner.span }.into());
                }
                let ty = operand.ty.clone();
                ir(IrKind::Neg(Box::new(operand)), ty)
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, span),
            ExprKind::Is(test, inner) => {
                let operand = self.check(inner, None);
                if matches!(test, IsTest::Empty | IsTest::NotEmpty)
                    && !matches!(
                        operand.ty,
                        Ty::List(_) | Ty::Set(_) | Ty::Map(_) | Ty::String | Ty::EmptyCollection | Ty::Error
                    )
                {
                    return self.error(TypeError::NeverEmpty { found: operand.ty.clone(), span: inner.span }.into());
                }
                ir(IrKind::Is(*test, Box::new(operand)), Ty::Bool)
            }
            ExprKind::Within { subject, window, anchor } => {
                let subject = self.expect(subject, &Ty::Date, "the value tested by `within`");
                let window = self.expect(window, &Ty::Duration, "a `within` window");
                let anchor = self.expect(anchor, &Ty::Date, "the end of a `within` window");
                ir(
                    IrKind::Within { subject: Box::new(subject), window: Box::new(window), anchor: Box::new(anchor) },
                    Ty::Bool,
                )
            }
            ExprKind::Quantified(quant, binding, body) => self.quantified(*quant, binding, body, span),
            ExprKind::Aggregate { func, binding, value } => {
                self.aggregate(*func, binding.as_ref(), value.as_deref(), span)
            }
        }
    }

    /// Checks that `expr` has type `want`.
    fn expect(&mut self, expr: &Expr, want: &Ty, what: &str) -> Ir {
        let checked = self.check(expr, Some(want));
        if !want.compatible(&checked.ty) {
            let problem =
                TypeError::Expected { what: what.to_string(), want: want.clone(), found: checked.ty, span: expr.span };
            return self.error(problem.into());
        }
        checked
    }

    fn name(&mut self, id: &Ident, expected: Option<&Ty>) -> Ir {
        let span = id.span;
        if let Some((name, ty, slot, decl)) = self.locals.iter().rev().find(|(n, _, _, _)| **n == *id.name) {
            let ir = Ir { kind: IrKind::Local(*slot), ty: ty.clone(), span };
            if let Some(item) = self.item {
                let def = Def::Local { item, decl: *decl, name: name.clone() };
                self.occurrences.push(span, def, false, Some(ir.ty.clone()));
            }
            return ir;
        }
        if let Some((schema, root)) = self.root
            && let Some((slot, field)) = root.field(&id.name)
        {
            let def = Def::Field { schema, name: field.name.clone() };
            self.occurrences.push(span, def, false, Some(field.ty.clone()));
            let base = Ir {
                kind: IrKind::Root,
                ty: Ty::Record(root.name.clone()),
                span: ItemSpan::new(span.start, span.start),
            };
            return Ir {
                kind: IrKind::Field {
                    base: Box::new(base),
                    slot: u32::try_from(slot).unwrap_or(u32::MAX),
                    name: field.name.clone(),
                },
                ty: field.ty.clone(),
                span,
            };
        }
        if let Some(Ty::Enum(enum_name)) = expected
            && let Some((enumeration, def)) = self.enum_named(enum_name)
            && def.variants.iter().any(|v| **v == *id.name)
        {
            let def = Def::Variant { enumeration, name: Arc::from(id.name.as_str()) };
            self.occurrences.push(span, def, false, Some(Ty::Enum(enum_name.clone())));
            return Ir {
                kind: IrKind::Const(ConstValue::Variant(Arc::from(id.name.as_str()))),
                ty: Ty::Enum(enum_name.clone()),
                span,
            };
        }
        match lookup(self.db, self.workspace, self.file, &id.name, VALUE_ITEMS) {
            Lookup::Found(entry) => {
                let ir = self.item_ref(&entry, None, span);
                let ty = if ir.ty == Ty::Error { None } else { Some(ir.ty.clone()) };
                self.occurrences.push(span, Def::Item(entry.id), false, ty);
                ir
            }
            Lookup::Ambiguous(entries) => self.error(ambiguous(self.db, &id.name, span, &entries)),
            // The other operand has no type (its error is reported): a bare variant cannot be
            // resolved against it, and reporting the name too would only repeat that error.
            Lookup::None if expected == Some(&Ty::Error) => {
                Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span }
            }
            Lookup::None => self.unknown_name(id, expected),
        }
    }

    fn unknown_name(&mut self, id: &Ident, expected: Option<&Ty>) -> Ir {
        if self.quiet || is_broken(self.db, self.workspace, self.file, &id.name) {
            return Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span: id.span };
        }
        let mut candidates: Vec<Arc<str>> = self.locals.iter().map(|(n, _, _, _)| n.clone()).collect();
        if let Some((_, root)) = &self.root {
            candidates.extend(root.fields.iter().map(|f| f.name.clone()));
        }
        candidates.extend(visible_names(self.db, self.workspace, self.file, VALUE_ITEMS));
        let mut variant_of = None;
        if let Some(Ty::Enum(enum_name)) = expected
            && let Some((_, def)) = self.enum_named(enum_name)
        {
            candidates.extend(def.variants.iter().cloned());
            variant_of = Some((enum_name.clone(), def.variants.clone()));
        }
        let (code, message, otherwise) = match &variant_of {
            Some((enum_name, variants)) => {
                let list: Vec<&str> = variants.iter().map(|v| &**v).collect();
                (
                    codes::UNKNOWN_VARIANT,
                    format!("`{}` is not a variant of `{}`", id.name, Ty::Enum(enum_name.clone())),
                    Some(format!("the variants are {}", list.join(", "))),
                )
            }
            None => (
                codes::UNKNOWN_NAME,
                format!("unknown name `{}`", id.name),
                self.root
                    .is_none()
                    .then(|| "if this is a document field, say which document the rule reads with `on KIND`".into()),
            ),
        };
        let candidates = candidates.iter().map(|c| &**c).collect();
        let d = Unresolved { code, message, span: id.span, label: "not found", name: &id.name, candidates, otherwise }
            .into();
        let import = variant_of
            .is_none()
            .then(|| missing_import(self.db, self.workspace, self.file, &id.name, VALUE_ITEMS))
            .flatten();
        self.error(match import {
            Some(import) => import.help(d),
            None => d,
        })
    }

    /// The enum a qualified name names, with its item.
    fn enum_named(&self, name: &QualName) -> Option<(ItemId, &'db crate::ir::EnumDef)> {
        let entry = lookup(self.db, self.workspace, self.file, name, &[ItemKind::Enum]).first()?;
        Some((entry.id, enum_def(self.db, entry.id)))
    }

    /// A reference to a rule or constant by name, with call arguments.
    /// A reference to a rule or constant: `args` is `None` for a bare name, `Some` for a call.
    fn item_ref(&mut self, entry: &crate::scope::ItemEntry, call: Option<&[Expr]>, span: ItemSpan) -> Ir {
        let args = call.unwrap_or(&[]);
        match entry.kind {
            ItemKind::Const | ItemKind::Param => {
                let def = const_def(self.db, entry.id);
                if call.is_some() {
                    let parameter = entry.kind == ItemKind::Param;
                    return self.error(TypeError::NotARule { name: entry.name.to_string(), parameter, span }.into());
                }
                match &def.value {
                    // A parameter's value is looked up at evaluation time, so an override in
                    // another package does not re-check the items that read it.
                    Some(_) if entry.kind == ItemKind::Param => {
                        Ir { kind: IrKind::Param(qualified(self.db, entry)), ty: def.ty.clone(), span }
                    }
                    Some(v) => Ir { kind: IrKind::Const(v.clone()), ty: def.ty.clone(), span },
                    None => Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span },
                }
            }
            _ => {
                let sig = rule_signature(self.db, entry.id);
                let rule = qualified(self.db, entry);
                if sig.params.len() != args.len() {
                    let params = sig.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                    let problem = TypeError::Arity { rule: entry.name.to_string(), params, given: args.len(), span };
                    return self.error(problem.into());
                }
                if let (Some(kind), Some((_, root))) = (&sig.on, &self.root) {
                    if *kind != root.name {
                        let problem = TypeError::WrongDocument {
                            rule: entry.name.to_string(),
                            reads: short(kind).to_string(),
                            here: short(&root.name).to_string(),
                            span,
                        };
                        return self.error(problem.into());
                    }
                } else if let (Some(kind), None) = (&sig.on, &self.root) {
                    let problem =
                        TypeError::NoDocument { rule: entry.name.to_string(), reads: short(kind).to_string(), span };
                    return self.error(problem.into());
                }
                let mut compiled = Vec::with_capacity(args.len());
                for (arg, (pname, pty)) in args.iter().zip(sig.params.clone()) {
                    compiled.push(self.expect(arg, &pty, &format!("argument `{pname}`")));
                }
                self.calls.push(rule.clone());
                Ir { kind: IrKind::Call { rule, args: compiled }, ty: Ty::Bool, span }
            }
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: ItemSpan) -> Ir {
        match lookup(self.db, self.workspace, self.file, &name.name, VALUE_ITEMS).first() {
            Some(entry) => {
                self.occurrences.push(name.span, Def::Item(entry.id), false, Some(Ty::Bool));
                self.item_ref(&entry, Some(args), span)
            }
            None if is_broken(self.db, self.workspace, self.file, &name.name) => {
                Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span }
            }
            None => {
                let rules = visible_names(self.db, self.workspace, self.file, &[ItemKind::Rule]);
                let d = Unresolved {
                    code: codes::UNKNOWN_NAME,
                    message: format!("unknown rule `{}`", name.name),
                    span: name.span,
                    label: "not found",
                    name: &name.name,
                    candidates: rules.iter().map(|r| &**r).collect(),
                    otherwise: None,
                }
                .into();
                self.error(match missing_import(self.db, self.workspace, self.file, &name.name, &[ItemKind::Rule]) {
                    Some(import) => import.help(d),
                    None => d,
                })
            }
        }
    }

    fn field(&mut self, base: &Expr, field: &Ident, span: ItemSpan) -> Ir {
        // `Enum.variant`
        if let ExprKind::Name(id) = &base.unparen().kind {
            let shadowed = self.locals.iter().any(|(n, _, _, _)| **n == *id.name)
                || self.root.is_some_and(|(_, r)| r.field(&id.name).is_some());
            if !shadowed
                && let Some(entry) = lookup(self.db, self.workspace, self.file, &id.name, &[ItemKind::Enum]).first()
            {
                let def = enum_def(self.db, entry.id);
                let ty = Ty::Enum(def.name.clone());
                self.occurrences.push(id.span, Def::Item(entry.id), false, Some(ty.clone()));
                if def.variants.iter().any(|v| **v == *field.name) {
                    let variant = Def::Variant { enumeration: entry.id, name: Arc::from(field.name.as_str()) };
                    self.occurrences.push(field.span, variant, false, Some(ty.clone()));
                    return Ir { kind: IrKind::Const(ConstValue::Variant(Arc::from(field.name.as_str()))), ty, span };
                }
                return self.error(
                    Unresolved {
                        code: codes::UNKNOWN_VARIANT,
                        message: format!("`{}` is not a variant of `{}`", field.name, id.name),
                        span: field.span,
                        label: "no such variant",
                        name: &field.name,
                        candidates: def.variants.iter().map(|v| &**v).collect(),
                        otherwise: None,
                    }
                    .into(),
                );
            }
        }
        let base_ir = self.check(base, None);
        match base_ir.ty.clone() {
            Ty::Error => Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span },
            Ty::Record(schema_name) => {
                let Some((schema_id, schema)) = self.schema_named(&schema_name) else {
                    return Ir { kind: IrKind::Const(ConstValue::Bool(false)), ty: Ty::Error, span };
                };
                if let Some((_, def)) = schema.field(&field.name) {
                    let occurrence = Def::Field { schema: schema_id, name: def.name.clone() };
                    self.occurrences.push(field.span, occurrence, false, Some(def.ty.clone()));
                }
                match schema.field(&field.name) {
                    Some((slot, def)) => Ir {
                        kind: IrKind::Field {
                            base: Box::new(base_ir),
                            slot: u32::try_from(slot).unwrap_or(u32::MAX),
                            name: def.name.clone(),
                        },
                        ty: def.ty.clone(),
                        span,
                    },
                    None => {
                        let names: Vec<&str> = schema.fields.iter().map(|f| &*f.name).collect();
                        let otherwise = format!("`{}` has fields {}", short(&schema_name), names.join(", "));
                        self.error(
                            Unresolved {
                                code: codes::UNKNOWN_FIELD,
                                message: format!("`{}` has no field `{}`", short(&schema_name), field.name),
                                span: field.span,
                                label: "unknown field",
                                name: &field.name,
                                candidates: names,
                                otherwise: Some(otherwise),
                            }
                            .into(),
                        )
                    }
                }
            }
            Ty::Map(value) => {
                Ir { kind: IrKind::MapGet(Box::new(base_ir), Arc::from(field.name.as_str())), ty: *value, span }
            }
            found @ (Ty::List(_) | Ty::Set(_)) => {
                self.error(TypeError::FieldOfCollection { field: field.name.clone(), found, span: field.span }.into())
            }
            found => self.error(TypeError::NoFields { field: field.name.clone(), found, span: field.span }.into()),
        }
    }

    /// The schema a qualified name names, with its item.
    pub fn schema_named(&self, name: &QualName) -> Option<(ItemId, &'db SchemaDef)> {
        let entry = lookup(self.db, self.workspace, self.file, name, &[ItemKind::Schema]).first()?;
        Some((entry.id, &schema_def(self.db, entry.id).def))
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, span: ItemSpan) -> Ir {
        let ir = |kind, ty| Ir { kind, ty, span };
        match op {
            BinOp::And | BinOp::Or => {
                let l = self.condition(lhs);
                let r = self.condition(rhs);
                ir(IrKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let l = self.check(lhs, None);
                let r = self.check(rhs, Some(&l.ty));
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
                if !l.ty.compatible(&r.ty) {
                    return self.mismatch(Mismatch::Compare, lhs, &l.ty, rhs, &r.ty);
                }
                if ordered && !(l.ty.is_ordered() && r.ty.is_ordered()) {
                    let found = if l.ty.is_ordered() { r.ty.clone() } else { l.ty.clone() };
                    return self.error(TypeError::NotOrdered { op: op.text(), found, span }.into());
                }
                ir(IrKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool)
            }
            BinOp::In | BinOp::NotIn => {
                let l = self.check(lhs, None);
                let r = self.check(rhs, Some(&Ty::Set(Box::new(l.ty.clone()))));
                match r.ty.element() {
                    Some(elem) if elem.compatible(&l.ty) => ir(IrKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool),
                    Some(elem) => self.mismatch(Mismatch::NeverIn { element: elem.clone() }, lhs, &l.ty, rhs, &r.ty),
                    None => self.not_a_collection(rhs, &r.ty, op),
                }
            }
            BinOp::Contains => {
                let l = self.check(lhs, None);
                if l.ty == Ty::String {
                    let r = self.expect(rhs, &Ty::String, "the text searched for");
                    return ir(IrKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool);
                }
                let Some(elem) = l.ty.element().cloned() else {
                    return self.not_a_collection(lhs, &l.ty, op);
                };
                let r = self.check(rhs, Some(&elem));
                if !elem.compatible(&r.ty) {
                    return self.mismatch(Mismatch::NeverContains { element: elem }, lhs, &l.ty, rhs, &r.ty);
                }
                ir(IrKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool)
            }
            BinOp::ContainsAny | BinOp::ContainsAll | BinOp::Union | BinOp::Intersect | BinOp::Except => {
                let l = self.check(lhs, None);
                let Some(elem) = l.ty.element().cloned() else {
                    return self.not_a_collection(lhs, &l.ty, op);
                };
                let r = self.check(rhs, Some(&Ty::Set(Box::new(elem.clone()))));
                let Some(relem) = r.ty.element().cloned() else {
                    return self.not_a_collection(rhs, &r.ty, op);
                };
                if !elem.compatible(&relem) {
                    let kind = Mismatch::CannotCombine { left: elem, right: relem };
                    return self.mismatch(kind, lhs, &l.ty, rhs, &r.ty);
                }
                let ty = if matches!(op, BinOp::ContainsAny | BinOp::ContainsAll) {
                    Ty::Bool
                } else {
                    let e = if elem == Ty::Error { relem } else { elem };
                    if e == Ty::Error { Ty::EmptyCollection } else { Ty::Set(Box::new(e)) }
                };
                ir(IrKind::Binary(op, Box::new(l), Box::new(r)), ty)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let l = self.check(lhs, None);
                let r = self.check(rhs, Some(&l.ty));
                match arithmetic(op, &l.ty, &r.ty) {
                    Some(ty) => ir(IrKind::Binary(op, Box::new(l), Box::new(r)), ty),
                    None => self.mismatch(Mismatch::Arithmetic { op: op.text() }, lhs, &l.ty, rhs, &r.ty),
                }
            }
        }
    }

    fn mismatch(&mut self, kind: Mismatch, lhs: &Expr, lty: &Ty, rhs: &Expr, rty: &Ty) -> Ir {
        let problem = TypeError::Mismatch {
            kind,
            left: lty.clone(),
            left_span: lhs.span,
            right: rty.clone(),
            right_span: rhs.span,
        };
        self.error(problem.into())
    }

    fn not_a_collection(&mut self, expr: &Expr, ty: &Ty, op: BinOp) -> Ir {
        self.error(TypeError::NotACollection { op: op.text(), found: ty.clone(), span: expr.span }.into())
    }

    fn bind_collection(&mut self, binding: &Binding) -> (Ir, u32, Option<Box<Ir>>) {
        let collection = self.check(&binding.collection, None);
        let elem = match collection.ty.element() {
            Some(e) => e.clone(),
            None => {
                let problem = TypeError::CannotRange { found: collection.ty.clone(), span: binding.collection.span };
                self.diagnostics.push(problem.into());
                Ty::Error
            }
        };
        let slot = self.bind(&binding.var.name, elem, binding.var.span);
        let filter = binding.filter.as_ref().map(|f| Box::new(self.condition(f)));
        (collection, slot, filter)
    }

    fn quantified(&mut self, quant: Quant, binding: &Binding, body: &Expr, span: ItemSpan) -> Ir {
        let depth = self.locals.len();
        let (collection, slot, filter) = self.bind_collection(binding);
        let body = self.condition(body);
        self.locals.truncate(depth);
        Ir {
            kind: IrKind::Quantified { quant, slot, collection: Box::new(collection), filter, body: Box::new(body) },
            ty: Ty::Bool,
            span,
        }
    }

    fn aggregate(&mut self, func: AggFn, binding: Option<&Binding>, value: Option<&Expr>, span: ItemSpan) -> Ir {
        let depth = self.locals.len();
        let (collection, slot, filter, value_ir) = match binding {
            Some(b) => {
                let (collection, slot, filter) = self.bind_collection(b);
                let value_ir = value.map(|v| Box::new(self.check(v, None)));
                (collection, Some(slot), filter, value_ir)
            }
            None => match value {
                Some(v) => (self.check(v, None), None, None, None),
                None => return self.error(TypeError::AggregateWithoutCollection { func: func.text(), span }.into()),
            },
        };
        self.locals.truncate(depth);
        let elem_ty = match &value_ir {
            Some(v) => Some(v.ty.clone()),
            None => collection.ty.element().cloned(),
        };
        let Some(elem_ty) = elem_ty else {
            let problem = TypeError::AggregateOver { func: func.text(), found: collection.ty.clone(), span };
            return self.error(problem.into());
        };
        let ty = match func {
            AggFn::Count => {
                if let Some(v) = &value_ir {
                    return self.error(TypeError::CountWithValue { span: v.span }.into());
                }
                Ty::Int
            }
            AggFn::Sum | AggFn::Avg if !(elem_ty.is_numeric() || matches!(elem_ty, Ty::Duration | Ty::Percent)) => {
                return self.error(TypeError::CannotAdd { average: func == AggFn::Avg, found: elem_ty, span }.into());
            }
            AggFn::Avg if elem_ty == Ty::Int => Ty::Decimal,
            AggFn::Min | AggFn::Max if !elem_ty.is_ordered() => {
                return self.error(TypeError::NoOrder { found: elem_ty, span }.into());
            }
            _ => elem_ty,
        };
        Ir {
            kind: IrKind::Aggregate { func, slot, collection: Box::new(collection), filter, value: value_ir },
            ty,
            span,
        }
    }
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The compile-time value and type of a literal.
pub(crate) fn literal(lit: &Literal) -> (ConstValue, Ty) {
    match lit {
        Literal::Bool(b) => (ConstValue::Bool(*b), Ty::Bool),
        Literal::Int(n) => (ConstValue::Int(*n), Ty::Int),
        Literal::Decimal(d) => (ConstValue::Decimal(Arc::from(d.as_str())), Ty::Decimal),
        Literal::String(s) => (ConstValue::String(Arc::from(s.as_str())), Ty::String),
        Literal::Date(d) => (ConstValue::Date(*d), Ty::Date),
        Literal::Duration(n, unit) => (ConstValue::Duration(*n, *unit), Ty::Duration),
        Literal::Percent(p) => (ConstValue::Percent(Arc::from(p.as_str())), Ty::Percent),
    }
}

/// The result type of arithmetic, or `None` when the operands do not mix.
fn arithmetic(op: BinOp, l: &Ty, r: &Ty) -> Option<Ty> {
    use Ty::*;
    Some(match (op, l, r) {
        (_, Error, _) | (_, _, Error) => Error,
        (BinOp::Add | BinOp::Sub | BinOp::Mul, Int, Int) => Int,
        (BinOp::Div, Int | Decimal, Int | Decimal) => Decimal,
        (_, Int | Decimal, Int | Decimal) => Decimal,
        (BinOp::Add | BinOp::Sub, Percent, Percent) => Percent,
        (BinOp::Mul, Percent, Int | Decimal) | (BinOp::Mul, Int | Decimal, Percent) => Percent,
        (BinOp::Add | BinOp::Sub, Duration, Duration) => Duration,
        (BinOp::Mul, Duration, Int) | (BinOp::Mul, Int, Duration) => Duration,
        (BinOp::Add | BinOp::Sub, Date, Duration) => Date,
        (BinOp::Add, Duration, Date) => Date,
        (BinOp::Sub, Date, Date) => Duration,
        _ => return None,
    })
}

/// A constant's type and value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConstLowered {
    pub ty: Ty,
    /// Its value, if it checked.
    pub value: Option<ConstValue>,
    /// Problems found, spans relative to the item.
    pub diagnostics: Vec<Diagnostic<ItemSpan>>,
    /// The names in its value, as checking resolved them.
    pub occurrences: Vec<Occurrence>,
}

/// Checks and computes a constant, or a parameter's default value.
#[salsa::tracked(returns(ref))]
pub fn const_def(db: &dyn Db, id: ItemId) -> ConstLowered {
    let mut out = ConstLowered { ty: Ty::Error, value: None, diagnostics: Vec::new(), occurrences: Vec::new() };
    let (what, c) = match item_syntax(db, id) {
        Some(Item::Const(c)) => ("constant", c),
        Some(Item::Param(c)) => ("parameter", c),
        _ => return out,
    };
    let (workspace, file) = (id.workspace(db), id.file(db));
    out.ty = resolve_type(db, workspace, file, &c.ty, &mut out.diagnostics);
    let mut checker = Checker::new(db, workspace, file);
    checker.item = Some(id);
    let ir = checker.check(&c.value, Some(&out.ty));
    out.diagnostics.append(&mut checker.diagnostics);
    out.occurrences = std::mem::take(&mut checker.occurrences.0);
    if !out.ty.compatible(&ir.ty) {
        let problem = TypeError::ConstMismatch {
            what,
            name: c.name.name.clone(),
            declared: out.ty.clone(),
            found: ir.ty,
            span: c.value.span,
            declared_at: c.ty.span,
        };
        out.diagnostics.push(problem.into());
        return out;
    }
    match const_value(&ir) {
        Some(v) => out.value = Some(v),
        None if out.diagnostics.is_empty() => {
            let problem = TypeError::ConstNotLiteral { what, name: c.name.name.clone(), span: c.value.span };
            out.diagnostics.push(problem.into());
        }
        None => {}
    }
    out
}

fn const_value(ir: &Ir) -> Option<ConstValue> {
    match &ir.kind {
        IrKind::Const(v) => Some(v.clone()),
        IrKind::List(items) => items.iter().map(const_value).collect::<Option<_>>().map(ConstValue::List),
        IrKind::Set(items) => items.iter().map(const_value).collect::<Option<_>>().map(ConstValue::Set),
        _ => None,
    }
}
