//! Full checks of items: each item type-checked and compiled on its own ([`check_item`]).

use crate::analysis::{Def, Occurrence, Occurrences};
use crate::check::{Checker, ConstLowered, const_def};
use crate::errors::ItemError;
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, item_syntax};
use crate::ir::*;
use crate::scope::{is_broken, lookup, missing_import, qualified, visible_names};
use crate::signatures::{
    BUILTIN_TYPES, deontic_kind, duplicate_names, enum_def, item_name, resolve_kind, rule_signature, schema_def,
};
use std::sync::Arc;
use tenet_syntax::ast::ItemSpan;
use tenet_syntax::ast::*;
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};

/// What an item compiles to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Compiled {
    Schema(SchemaDef),
    Enum(EnumDef),
    Rule(CompiledRule),
    /// An obligation, prohibition or recommendation.
    Obligation(CompiledObligation),
    Waiver(CompiledWaiver),
    /// A library parameter with its default.
    Param(CompiledParam),
    /// A new value for a parameter.
    Override(CompiledOverride),
    Test(CompiledTest),
}

/// The result of checking one item: diagnostics with item-relative spans, and what it
/// compiled to when it has no errors.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct CheckedItem {
    /// Problems found, spans relative to the item.
    pub diagnostics: Vec<Diagnostic<ItemSpan>>,
    /// The compiled item, when it has no errors and compiles to something.
    pub compiled: Option<Compiled>,
    /// Every name in the item and what it refers to, as checking resolved it, in source
    /// order, spans relative to the item.
    pub occurrences: Vec<Occurrence>,
}

/// Type-checks and compiles one item.
#[salsa::tracked(returns(ref))]
pub fn check_item(db: &dyn Db, id: ItemId) -> CheckedItem {
    let Some(item) = item_syntax(db, id) else { return CheckedItem::default() };
    let (workspace, file) = (id.workspace(db), id.file(db));
    let mut out = CheckedItem::default();
    let mut occ = Occurrences::default();
    let compiled = match item {
        Item::Package(q) => {
            occ.push(q.span, Def::Package(Arc::from(q.text())), false, None);
            None
        }
        Item::Use(q) => {
            occ.use_path(db, workspace, file, q);
            None
        }
        Item::Schema(s) => {
            let lowered = schema_def(db, id);
            out.diagnostics.extend(lowered.diagnostics.iter().cloned());
            occ.push(s.name.span, Def::Item(id), true, None);
            for field in &s.fields {
                let ty = lowered.def.field(&field.name.name).map(|(_, f)| f.ty.clone());
                let def = Def::Field { schema: id, name: Arc::from(field.name.name.as_str()) };
                occ.push(field.name.span, def, true, ty);
                record_type(&mut occ, db, workspace, file, &field.ty);
            }
            Some(Compiled::Schema(lowered.def.clone()))
        }
        Item::Enum(e) => {
            out.diagnostics.extend(duplicate_names("variant", e.variants.iter().map(|(v, _)| v)));
            let def = enum_def(db, id);
            occ.push(e.name.span, Def::Item(id), true, None);
            for (variant, _) in &e.variants {
                let name = Def::Variant { enumeration: id, name: Arc::from(variant.name.as_str()) };
                occ.push(variant.span, name, true, Some(Ty::Enum(def.name.clone())));
            }
            Some(Compiled::Enum(def.clone()))
        }
        Item::Const(c) => {
            let def = const_def(db, id);
            out.diagnostics.extend(def.diagnostics.iter().cloned());
            record_constant(&mut occ, db, id, c, def);
            None
        }
        Item::Param(p) => {
            let def = const_def(db, id);
            out.diagnostics.extend(def.diagnostics.iter().cloned());
            record_constant(&mut occ, db, id, p, def);
            def.value.clone().map(|default| {
                Compiled::Param(CompiledParam {
                    name: item_name(db, id),
                    ty: def.ty.clone(),
                    default,
                    docs: p.docs.clone(),
                })
            })
        }
        Item::Override(o) => crate::params::check_override(db, workspace, file, o, &mut out.diagnostics, &mut occ)
            .map(Compiled::Override),
        Item::Test(t) => {
            crate::testing::check_test(db, workspace, file, t, &mut out.diagnostics, &mut occ).map(Compiled::Test)
        }
        Item::Rule(rule) => check_rule(db, id, rule, &mut out.diagnostics, &mut occ),
        Item::Deontic(d) => check_deontic(db, id, d, &mut out.diagnostics, &mut occ),
        Item::Waiver(w) => check_waiver(db, id, w, &mut out.diagnostics, &mut occ),
    };
    if !out.diagnostics.iter().any(Diagnostic::is_error) {
        out.compiled = compiled;
    }
    out.occurrences = occ.finish();
    out
}

/// Every name in one item and what it refers to, as checking resolved it: in source order,
/// spans relative to the item.
pub fn item_occurrences(db: &dyn Db, id: ItemId) -> &[Occurrence] {
    &check_item(db, id).occurrences
}

/// Records the names in a written type: schemas and enums, through lists, sets and maps.
pub(crate) fn record_type(occ: &mut Occurrences, db: &dyn Db, workspace: Workspace, file: SourceFile, ty: &TypeExpr) {
    match &ty.kind {
        TypeKind::Named(q) if !BUILTIN_TYPES.contains(&q.text().as_str()) => {
            occ.reference(db, workspace, file, q, &[ItemKind::Schema, ItemKind::Enum]);
        }
        TypeKind::List(inner) | TypeKind::Set(inner) | TypeKind::Map(inner) => {
            record_type(occ, db, workspace, file, inner);
        }
        TypeKind::Named(_) | TypeKind::Duration(_) => {}
    }
}

/// Records a constant's or parameter's declaration, its type's names and its value's.
fn record_constant(occ: &mut Occurrences, db: &dyn Db, id: ItemId, c: &ConstDecl, def: &ConstLowered) {
    occ.push(c.name.span, Def::Item(id), true, Some(def.ty.clone()));
    record_type(occ, db, id.workspace(db), id.file(db), &c.ty);
    occ.0.extend(def.occurrences.iter().cloned());
}

pub(crate) fn root_schema<'db>(checker: &Checker<'db>, kind: Option<&QualName>) -> Option<(ItemId, &'db SchemaDef)> {
    kind.and_then(|k| checker.schema_named(k))
}

fn check_rule(
    db: &dyn Db,
    id: ItemId,
    rule: &RuleDecl,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
    occ: &mut Occurrences,
) -> Option<Compiled> {
    let (workspace, file) = (id.workspace(db), id.file(db));
    let sig = rule_signature(db, id);
    diagnostics.extend(sig.diagnostics.iter().cloned());
    let mut checker = Checker::new(db, workspace, file);
    checker.item = Some(id);
    checker.root = root_schema(&checker, sig.on.as_ref());
    // An unresolved `on KIND` is reported once; the body's field names would only repeat it.
    checker.quiet = rule.on.is_some() && checker.root.is_none();
    occ.push(rule.name.span, Def::Item(id), true, Some(Ty::Bool));
    for (param, (name, ty)) in rule.params.iter().zip(&sig.params) {
        checker.bind(name, ty.clone(), param.name.span);
        record_type(occ, db, workspace, file, &param.ty);
    }
    if let Some(on) = &rule.on {
        occ.reference(db, workspace, file, on, &[ItemKind::Schema]);
    }
    let body = checker.condition(&rule.body);
    diagnostics.append(&mut checker.diagnostics);
    occ.0.append(&mut checker.occurrences.0);
    let params = sig.params.iter().map(|(n, _)| n.clone()).collect();
    let calls = std::mem::take(&mut checker.calls);
    Some(Compiled::Rule(CompiledRule { name: item_name(db, id), params, locals: checker.slots(), body, calls }))
}

fn check_deontic(
    db: &dyn Db,
    id: ItemId,
    d: &DeonticDecl,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
    occ: &mut Occurrences,
) -> Option<Compiled> {
    let (workspace, file) = (id.workspace(db), id.file(db));
    let kind = resolve_kind(db, workspace, file, &d.on, diagnostics);
    let mut checker = Checker::new(db, workspace, file);
    checker.item = Some(id);
    checker.root = root_schema(&checker, kind.as_ref());
    checker.quiet = checker.root.is_none();
    occ.push(d.name.span, Def::Item(id), true, None);
    occ.reference(db, workspace, file, &d.on, &[ItemKind::Schema]);

    let mut area: Option<Area> = None;
    let mut severity: Option<Severity> = None;
    let mut cite: Vec<Arc<str>> = Vec::new();
    let mut when = None;
    let mut requirement = None;
    let mut message = Vec::new();
    let mut outcome_messages: Vec<(Outcome, Vec<CompiledMessagePart>)> = Vec::new();
    let mut seen: Vec<(&'static str, ItemSpan)> = Vec::new();
    let mut negated = d.modality.expected_requirement().is_negated();
    let mut exception_to: Vec<QualName> = Vec::new();

    for clause in &d.clauses {
        let (kw, span) = clause_head(clause);
        let group = match clause {
            Clause::Require { .. } => "requirement",
            Clause::OutcomeMessage { outcome, .. } => outcome_clause(&outcome.name),
            _ => kw,
        };
        let kw = if matches!(clause, Clause::OutcomeMessage { .. }) { group } else { kw };
        if let Some((_, first)) = seen.iter().find(|(g, _)| *g == group)
            && !matches!(clause, Clause::Cite(_) | Clause::Exception(_))
        {
            let requirement = group == "requirement";
            diagnostics.push(ItemError::DuplicateClause { keyword: kw, requirement, span, first: *first }.into());
            continue;
        }
        seen.push((group, span));
        match clause {
            Clause::Area(a) => occ.push(a.span, Def::Area(Arc::from(a.name.as_str())), false, None),
            Clause::Severity(s) => occ.push(s.span, Def::Severity(Arc::from(s.name.as_str())), false, None),
            Clause::Exception(target) => {
                occ.reference(db, workspace, file, target, &[ItemKind::Deontic]);
            }
            Clause::OutcomeMessage { outcome, .. } => {
                occ.push(outcome.span, Def::Outcome(Arc::from(outcome.name.as_str())), false, None);
            }
            _ => {}
        }
        match clause {
            Clause::Area(a) => {
                if let Some(named) = Area::parse(&a.name) {
                    area = Some(named);
                } else {
                    diagnostics.push(
                        Unresolved {
                            code: codes::UNKNOWN_AREA,
                            message: format!("unknown area `{}`", a.name),
                            span: a.span,
                            label: "not an area",
                            name: &a.name,
                            candidates: Area::names(),
                            otherwise: Some(format!("the areas are {}", Area::names().join(", "))),
                        }
                        .into(),
                    );
                }
            }
            Clause::Severity(s) => match Severity::parse(&s.name) {
                Some(level) => severity = Some(level),
                None => {
                    diagnostics.push(
                        Unresolved {
                            code: codes::UNKNOWN_SEVERITY,
                            message: format!("unknown severity `{}`", s.name),
                            span: s.span,
                            label: "not a severity",
                            name: &s.name,
                            candidates: Severity::ALL.map(Severity::as_str).to_vec(),
                            otherwise: Some("severities are info, low, medium, high, critical".into()),
                        }
                        .into(),
                    );
                }
            },
            Clause::Cite(list) => cite.extend(list.iter().map(|s| Arc::from(s.value.as_str()))),
            Clause::Exception(target) => {
                let this = item_name(db, id);
                if let Some(name) = crate::params::resolve_exception(db, id, &this, kind.as_ref(), target, diagnostics)
                {
                    exception_to.push(name);
                }
            }
            Clause::When(cond) => when = Some(checker.condition(cond)),
            Clause::Require { kw, kw_span, condition } => {
                let expected = d.modality.expected_requirement();
                let allowed =
                    *kw == expected || (d.modality == Modality::Recommendation && *kw == RequirementKw::ShouldNot);
                if allowed {
                    negated = kw.is_negated();
                } else {
                    let problem = ItemError::ModalityMismatch {
                        modality: d.modality,
                        written: *kw,
                        span: *kw_span,
                        declared_at: d.keyword_span,
                    };
                    diagnostics.push(problem.into());
                }
                requirement = Some(checker.condition(condition));
            }
            Clause::Because(m) => message = compile_message(&mut checker, m),
            Clause::OutcomeMessage { outcome, message: m } => {
                let compiled = compile_message(&mut checker, m);
                match Outcome::parse(&outcome.name) {
                    Some(written @ (Outcome::Satisfied | Outcome::Undetermined | Outcome::NotApplicable)) => {
                        outcome_messages.push((written, compiled));
                    }
                    Some(written) => {
                        diagnostics.push(ItemError::OutcomeMessageNotAllowed { outcome: written, span: outcome.span }.into());
                    }
                    None => diagnostics.push(
                        Unresolved {
                            code: codes::OUTCOME_MESSAGE,
                            message: format!("`{}` is not an outcome with a message of its own", outcome.name),
                            span: outcome.span,
                            label: "not an outcome",
                            name: &outcome.name,
                            candidates: MESSAGE_OUTCOMES.iter().map(|o| o.as_str()).collect(),
                            otherwise: Some(
                                "write `if undetermined`, `if satisfied` or `if not_applicable`; a violated finding's message is the `because`".into(),
                            ),
                        }
                        .into(),
                    ),
                }
            }
        }
    }
    diagnostics.append(&mut checker.diagnostics);
    occ.0.append(&mut checker.occurrences.0);
    let head = d.name.span;
    let (modality, name) = (d.modality, d.name.name.clone());
    if area.is_none() && !seen.iter().any(|(g, _)| *g == "area") {
        diagnostics.push(ItemError::MissingArea { modality, name: name.clone(), span: head }.into());
    }
    if cite.is_empty() {
        diagnostics.push(ItemError::MissingCite { modality, name: name.clone(), span: head }.into());
    }
    let Some(requirement) = requirement else {
        diagnostics.push(ItemError::MissingRequirement { modality, name, span: head }.into());
        return None;
    };
    let (kind, area) = (kind?, area?);
    Some(Compiled::Obligation(CompiledObligation {
        name: item_name(db, id),
        modality: d.modality,
        kind,
        area,
        severity: severity.unwrap_or(Severity::Medium),
        cite,
        docs: d.docs.clone(),
        when,
        negated,
        requirement,
        message,
        outcome_messages,
        locals: checker.slots(),
        calls: std::mem::take(&mut checker.calls),
        exception_to,
    }))
}

/// The outcomes that may have a message of their own (`if OUTCOME "…"`): a violated
/// finding's message is the `because`, a waived one's that of the outcome it waived.
const MESSAGE_OUTCOMES: [Outcome; 3] = [Outcome::Undetermined, Outcome::Satisfied, Outcome::NotApplicable];

/// The clause `if OUTCOME` as written, for "given twice" (one clause per outcome).
fn outcome_clause(outcome: &str) -> &'static str {
    match Outcome::parse(outcome) {
        Some(Outcome::Satisfied) => "if satisfied",
        Some(Outcome::Undetermined) => "if undetermined",
        Some(Outcome::NotApplicable) => "if not_applicable",
        Some(Outcome::Violated) => "if violated",
        Some(Outcome::Waived) => "if waived",
        None => "if",
    }
}

/// A message's text and values, its holes checked as expressions over the document.
fn compile_message(checker: &mut Checker<'_>, message: &Message) -> Vec<CompiledMessagePart> {
    message
        .parts
        .iter()
        .map(|part| match part {
            MessagePart::Text(t) => CompiledMessagePart::Text(Arc::from(t.as_str())),
            MessagePart::Hole(e) => CompiledMessagePart::Value(checker.check(e, None)),
        })
        .collect()
}

fn clause_head(clause: &Clause) -> (&'static str, ItemSpan) {
    let span = match clause {
        Clause::Area(i) | Clause::Severity(i) => i.span,
        Clause::Cite(list) => list.first().map(|s| s.span).unwrap_or_default(),
        Clause::When(e) => e.span,
        Clause::Require { kw_span, .. } => *kw_span,
        Clause::Because(m) => m.span,
        Clause::OutcomeMessage { outcome, .. } => outcome.span,
        Clause::Exception(q) => q.span,
    };
    (clause.keyword(), span)
}

fn check_waiver(
    db: &dyn Db,
    id: ItemId,
    w: &WaiverDecl,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
    occ: &mut Occurrences,
) -> Option<Compiled> {
    let (workspace, file) = (id.workspace(db), id.file(db));
    occ.reference(db, workspace, file, &w.target, &[ItemKind::Deontic]);
    for (span, message) in &w.field_errors {
        diagnostics.push(ItemError::BadWaiverField { message: message.clone(), span: *span }.into());
    }
    let target_name = w.target.text();
    let target = match lookup(db, workspace, file, &target_name, &[ItemKind::Deontic]).first() {
        Some(entry) => Some(entry),
        None if is_broken(db, workspace, file, &target_name) => None,
        None => {
            let names = visible_names(db, workspace, file, &[ItemKind::Deontic]);
            let d = Unresolved {
                code: codes::UNKNOWN_WAIVER_TARGET,
                message: format!("no obligation named `{target_name}` to waive"),
                span: w.target.span,
                label: "unknown obligation",
                name: &target_name,
                candidates: names.iter().map(|n| &**n).collect(),
                otherwise: None,
            }
            .into();
            diagnostics.push(match missing_import(db, workspace, file, &target_name, &[ItemKind::Deontic]) {
                Some(import) => import.help(d),
                None => d,
            });
            None
        }
    };
    let missing: Vec<&str> =
        [("reason", w.reason.is_none()), ("approved_by", w.approved_by.is_none()), ("until", w.until.is_none())]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| n)
            .collect();
    if !missing.is_empty() && w.field_errors.is_empty() {
        let problem = ItemError::IncompleteWaiver { target: target_name.clone(), missing, span: w.target.span };
        diagnostics.push(problem.into());
    }
    let Some(selector) = &w.selector else {
        diagnostics.push(ItemError::WaiverWithoutSelector { target: target_name, span: w.target.span }.into());
        return None;
    };
    let target = target?;
    let kind = deontic_kind(db, target.id);
    let mut checker = Checker::new(db, workspace, file);
    checker.item = Some(id);
    checker.root = root_schema(&checker, kind.as_ref());
    checker.quiet = checker.root.is_none();
    let selector_span = selector.span;
    let selector = checker.condition(selector);
    if checker.diagnostics.is_empty() && !selector.reads_document() {
        let severity = match &check_item(db, target.id).compiled {
            Some(Compiled::Obligation(o)) => o.severity.as_str(),
            _ => "unknown severity",
        };
        let problem = ItemError::ConstantWaiver { target: target_name.clone(), severity, span: selector_span };
        diagnostics.push(problem.into());
    }
    diagnostics.append(&mut checker.diagnostics);
    occ.0.append(&mut checker.occurrences.0);
    let (reason, approved_by, (until, _)) = (w.reason.as_ref()?, w.approved_by.as_ref()?, w.until?);
    Some(Compiled::Waiver(CompiledWaiver {
        target: qualified(db, &target),
        selector,
        locals: checker.slots(),
        reason: Arc::from(reason.value.as_str()),
        approved_by: Arc::from(approved_by.value.as_str()),
        until,
    }))
}
