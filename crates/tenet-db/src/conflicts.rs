//! Problems between items of different packages: a parameter overridden twice, obligations
//! that are exceptions to each other in a circle, an obligation and a prohibition that require
//! and forbid the same thing with no declared exception, tests with the same name.

use crate::ir::{CompiledObligation, QualName};
use crate::program::exception_cycles;
use crate::{Compiled, Db, ItemId, ItemKind, SourceFile, Workspace, check_item, codes, file_outline, item_keys, parse};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::{Clause, Item, Span};

/// A conflict between items, positioned per file by [`conflict_diagnostics`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Conflict {
    /// A second `override` of `param`.
    DuplicateOverride {
        /// The second override.
        item: ItemId,
        /// The first.
        first: ItemId,
        /// The parameter.
        param: QualName,
    },
    /// Obligation `item` is on a circle of exceptions with `others`.
    ExceptionCycle {
        /// The obligation.
        item: ItemId,
        /// The others on the circle (qualified names).
        others: Vec<QualName>,
    },
    /// `item` forbids what `other` requires (or the reverse), and neither is an exception.
    Contradiction {
        /// The later of the two.
        item: ItemId,
        /// The earlier.
        other: ItemId,
        /// The earlier's qualified name.
        other_name: QualName,
    },
    /// A second test with the same name in one package.
    DuplicateTest {
        /// The second test.
        item: ItemId,
        /// The first.
        first: ItemId,
    },
}

/// Every item of the workspace with its compiled form, in workspace order.
fn compiled_items(db: &dyn Db, workspace: Workspace) -> Vec<(ItemId, Option<Arc<str>>, Compiled)> {
    let mut out = Vec::new();
    for &file in workspace.files(db) {
        let outline = file_outline(db, file);
        for key in &outline.items {
            if !matches!(key.kind, ItemKind::Override | ItemKind::Deontic | ItemKind::Test) {
                continue;
            }
            let id = ItemId::new(db, workspace, file, key.clone());
            if let Some(compiled) = &check_item(db, id).compiled {
                out.push((id, outline.package.clone(), compiled.clone()));
            }
        }
    }
    out
}

/// Finds the conflicts of a workspace.
#[salsa::tracked(returns(ref))]
pub fn conflicts(db: &dyn Db, workspace: Workspace) -> Vec<Conflict> {
    let items = compiled_items(db, workspace);
    let mut out = Vec::new();
    let mut overridden: BTreeMap<QualName, ItemId> = BTreeMap::new();
    let mut tests: HashMap<(Option<Arc<str>>, Arc<str>), ItemId> = HashMap::new();
    let mut obligations: Vec<(ItemId, &CompiledObligation)> = Vec::new();
    for (id, package, compiled) in &items {
        match compiled {
            Compiled::Override(o) => match overridden.get(&o.param) {
                Some(first) => {
                    out.push(Conflict::DuplicateOverride { item: *id, first: *first, param: o.param.clone() })
                }
                None => {
                    overridden.insert(o.param.clone(), *id);
                }
            },
            Compiled::Test(t) => match tests.get(&(package.clone(), t.name.clone())) {
                Some(first) => out.push(Conflict::DuplicateTest { item: *id, first: *first }),
                None => {
                    tests.insert((package.clone(), t.name.clone()), *id);
                }
            },
            Compiled::Obligation(o) => obligations.push((*id, o)),
            _ => {}
        }
    }
    let mut exceptions: BTreeMap<QualName, Vec<QualName>> = BTreeMap::new();
    for (_, o) in &obligations {
        for target in &o.exception_to {
            exceptions.entry(target.clone()).or_default().push(o.name.clone());
        }
    }
    for cycle in exception_cycles(&exceptions) {
        for (id, o) in obligations.iter().filter(|(_, o)| cycle.contains(&o.name)) {
            let others = cycle.iter().filter(|n| **n != o.name).cloned().collect();
            out.push(Conflict::ExceptionCycle { item: *id, others });
        }
    }
    out.extend(contradictions(&obligations));
    out
}

/// Pairs on the same document kind where one requires what the other forbids, unless one is
/// declared an exception to the other or their `when` conditions exclude each other.
fn contradictions(obligations: &[(ItemId, &CompiledObligation)]) -> Vec<Conflict> {
    let mut by_shape: HashMap<(QualName, crate::ir::Ir), Vec<(ItemId, &CompiledObligation)>> = HashMap::new();
    for (id, o) in obligations {
        by_shape.entry((o.kind.clone(), o.requirement.without_spans())).or_default().push((*id, o));
    }
    let mut out = Vec::new();
    for group in by_shape.values() {
        for (i, (id, later)) in group.iter().enumerate() {
            let earlier = group.iter().take(i).find(|(_, earlier)| {
                earlier.negated != later.negated
                    && !earlier.exception_to.contains(&later.name)
                    && !later.exception_to.contains(&earlier.name)
                    && !exclusive(earlier, later)
            });
            if let Some((other, o)) = earlier {
                out.push(Conflict::Contradiction { item: *id, other: *other, other_name: o.name.clone() });
            }
        }
    }
    out.sort_by_key(|c| match c {
        Conflict::Contradiction { other_name, .. } => other_name.clone(),
        _ => Arc::from(""),
    });
    out
}

/// Whether two `when` conditions can never hold together: one is the other negated.
fn exclusive(a: &CompiledObligation, b: &CompiledObligation) -> bool {
    use crate::ir::IrKind;
    let (Some(wa), Some(wb)) = (&a.when, &b.when) else { return false };
    let (wa, wb) = (wa.without_spans(), wb.without_spans());
    matches!(&wa.kind, IrKind::Not(inner) if **inner == wb) || matches!(&wb.kind, IrKind::Not(inner) if **inner == wa)
}

/// The absolute span that names an item: its name, an override's target, a test's title.
fn head_span(db: &dyn Db, id: ItemId) -> Span {
    let parsed = parse(db, id.file(db));
    let key = id.key(db);
    let Some((_, node)) = item_keys(&parsed.items).into_iter().zip(&parsed.items).find(|(k, _)| k == key) else {
        return Span::default();
    };
    let span = match &node.item {
        Item::Override(o) => o.target.span,
        Item::Test(t) => t.name.span,
        Item::Deontic(d) => d.name.span,
        other => other.name().map(|n| n.span).unwrap_or_default(),
    };
    span.shifted(node.offset)
}

/// The absolute span of an obligation's `exception to` clause naming `target`, if it has one.
fn exception_clause_span(db: &dyn Db, id: ItemId, target_short: &str) -> Option<Span> {
    let parsed = parse(db, id.file(db));
    let key = id.key(db);
    let (_, node) = item_keys(&parsed.items).into_iter().zip(&parsed.items).find(|(k, _)| k == key)?;
    let Item::Deontic(d) = &node.item else { return None };
    d.clauses.iter().find_map(|c| match c {
        Clause::Exception(q) if q.last().is_some_and(|l| l.name == target_short) => Some(q.span.shifted(node.offset)),
        _ => None,
    })
}

/// The conflicts that concern `file`, as diagnostics with absolute spans.
pub fn conflict_diagnostics(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    let mut out = Vec::new();
    for conflict in conflicts(db, workspace) {
        match conflict {
            Conflict::DuplicateOverride { item, first, param } if item.file(db) == file => {
                let mut d = Diagnostic::error(
                    codes::DUPLICATE_OVERRIDE,
                    format!("parameter `{param}` is overridden twice"),
                    head_span(db, *item),
                )
                .with_label("second override")
                .with_help("keep one override; the first one is used");
                if first.file(db) == file {
                    d = d.with_note(head_span(db, *first), "first overridden here");
                } else {
                    d = d
                        .with_help(format!("the first override is in `{}`; keep one of them", first.file(db).path(db)));
                }
                out.push(d);
            }
            Conflict::DuplicateTest { item, first } if item.file(db) == file => {
                let mut d = Diagnostic::error(
                    codes::DUPLICATE_TEST,
                    "two tests in this package have this name",
                    head_span(db, *item),
                )
                .with_label("second test with this name")
                .with_help("give each test a name that says what it checks");
                if first.file(db) == file {
                    d = d.with_note(head_span(db, *first), "first test with this name");
                }
                out.push(d);
            }
            Conflict::ExceptionCycle { item, others } if item.file(db) == file => {
                let names: Vec<String> = others.iter().map(|o| format!("`{}`", short(o))).collect();
                let span = others
                    .iter()
                    .find_map(|o| exception_clause_span(db, *item, &short(o)))
                    .unwrap_or_else(|| head_span(db, *item));
                out.push(
                    Diagnostic::error(
                        codes::EXCEPTION_CYCLE,
                        format!("`{}` and {} are exceptions to each other", item.key(db).name, names.join(", ")),
                        span,
                    )
                    .with_label("on a circle of exceptions")
                    .with_help("an exception displaces a more general rule; remove one of the `exception to` clauses"),
                );
            }
            Conflict::Contradiction { item, other, other_name } if item.file(db) == file => {
                let this = item.key(db).name.clone();
                let mut d = Diagnostic::error(
                    codes::CONTRADICTION,
                    format!("`{this}` and `{}` contradict each other", short(other_name)),
                    head_span(db, *item),
                )
                .with_label("one requires what the other forbids")
                .with_help(format!(
                    "if one applies instead of the other in some cases, declare it: add `exception to {}` to `{this}` (or the reverse), or give them `when` conditions that exclude each other",
                    short(other_name)
                ));
                if other.file(db) == file {
                    d = d.with_note(head_span(db, *other), "the other one");
                }
                out.push(d);
            }
            _ => {}
        }
    }
    out
}
