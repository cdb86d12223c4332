//! Problems between items of different packages: a parameter overridden twice, obligations
//! that are exceptions to each other in a circle, an obligation and a prohibition that require
//! and forbid the same thing with no declared exception, tests with the same name.

use crate::errors::ConflictError;
use crate::graph::exception_cycles;
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, file_outline};
use crate::ir::{Ir, IrKind, QualName};
use crate::items::{Compiled, check_item};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::{Clause, FileSpan, Item};

/// A conflict between items, positioned per file by `conflict_diagnostics`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Conflict {
    /// A second `override` of `param`.
    DuplicateOverride {
        /// The second override.
        item: ItemId,
        /// The override read first, the one that applies.
        first: ItemId,
        param: QualName,
    },
    /// Obligation `item` is on a circle of exceptions with `others`.
    ExceptionCycle {
        /// The obligation the diagnostic is reported on.
        item: ItemId,
        /// The others on the circle (qualified names).
        others: Vec<QualName>,
    },
    /// `item` forbids what `other` requires (or the reverse), and neither is an exception.
    Contradiction {
        /// The later of the two.
        item: ItemId,
        /// The other obligation, declared earlier.
        other: ItemId,
        /// The earlier's qualified name.
        other_name: QualName,
    },
    /// A second test with the same name in one package.
    DuplicateTest {
        /// The second test.
        item: ItemId,
        /// The test declared first with that name.
        first: ItemId,
    },
}

/// What [`conflicts`] needs to know about one item: small, position-free, and equal after an
/// edit that does not change it, so the workspace-wide query is skipped when it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConflictKey {
    /// An override of this parameter.
    Override(QualName),
    /// A test with this name.
    Test(Arc<str>),
    /// An obligation, prohibition or recommendation.
    Obligation(ObligationKey),
}

/// An obligation as the conflict checks see it: conditions by the hash of their shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObligationKey {
    pub name: QualName,
    pub kind: QualName,
    /// Hash of the requirement with spans cleared.
    pub requirement: u64,
    /// Whether the requirement is forbidden (`must not`, `should not`).
    pub negated: bool,
    /// `exception to` targets.
    pub exception_to: Vec<QualName>,
    /// Hash of `when` with spans cleared.
    pub when: Option<u64>,
    /// For a `when` of the form `not X`: the hash of `X`.
    pub when_negates: Option<u64>,
}

fn shape_hash(ir: &Ir) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    ir.without_spans().hash(&mut hasher);
    hasher.finish()
}

/// The conflict key of one item, from its compiled form (none when it has errors).
#[salsa::tracked(returns(ref))]
pub fn conflict_key(db: &dyn Db, id: ItemId) -> Option<ConflictKey> {
    Some(match check_item(db, id).compiled.as_ref()? {
        Compiled::Override(o) => ConflictKey::Override(o.param.clone()),
        Compiled::Test(t) => ConflictKey::Test(t.name.clone()),
        Compiled::Obligation(o) => ConflictKey::Obligation(ObligationKey {
            name: o.name.clone(),
            kind: o.kind.clone(),
            requirement: shape_hash(&o.requirement),
            negated: o.negated,
            exception_to: o.exception_to.clone(),
            when: o.when.as_ref().map(shape_hash),
            when_negates: match o.when.as_ref().map(|w| &w.kind) {
                Some(IrKind::Not(inner)) => Some(shape_hash(inner)),
                _ => None,
            },
        }),
        _ => return None,
    })
}

/// The conflict keys of one file's items, with its package: one query per file, so that after
/// an edit [`conflicts`] revalidates one input per file rather than one per item.
#[salsa::tracked(returns(ref))]
pub fn file_conflict_keys(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
) -> (Option<Arc<str>>, Vec<(ItemId, ConflictKey)>) {
    let outline = file_outline(db, file);
    let keys = outline
        .items
        .iter()
        .filter(|key| matches!(key.kind, ItemKind::Override | ItemKind::Deontic | ItemKind::Test))
        .filter_map(|key| {
            let id = ItemId::new(db, workspace, file, key.clone());
            conflict_key(db, id).clone().map(|k| (id, k))
        })
        .collect();
    (outline.package.clone(), keys)
}

/// Finds the conflicts of a workspace.
#[salsa::tracked(returns(ref))]
pub fn conflicts(db: &dyn Db, workspace: Workspace) -> Vec<Conflict> {
    let mut out = Vec::new();
    let mut overridden: BTreeMap<&QualName, ItemId> = BTreeMap::new();
    let mut tests: HashMap<(&Option<Arc<str>>, &Arc<str>), ItemId> = HashMap::new();
    let mut obligations: Vec<(ItemId, &ObligationKey)> = Vec::new();
    for &file in workspace.files(db) {
        let (package, keys) = file_conflict_keys(db, workspace, file);
        // A dependency's overrides are not applied, so they cannot clash with the project's.
        let dependency = workspace.is_dependency(db, file);
        for (id, key) in keys {
            let id = *id;
            match key {
                ConflictKey::Override(_) if dependency => {}
                ConflictKey::Override(param) => match overridden.get(param) {
                    Some(first) => {
                        out.push(Conflict::DuplicateOverride { item: id, first: *first, param: param.clone() })
                    }
                    None => {
                        overridden.insert(param, id);
                    }
                },
                ConflictKey::Test(name) => match tests.get(&(package, name)) {
                    Some(first) => out.push(Conflict::DuplicateTest { item: id, first: *first }),
                    None => {
                        tests.insert((package, name), id);
                    }
                },
                ConflictKey::Obligation(o) => obligations.push((id, o)),
            }
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
fn contradictions(obligations: &[(ItemId, &ObligationKey)]) -> Vec<Conflict> {
    // Only a requirement that is both required somewhere and forbidden somewhere can
    // contradict; those are few, so group only them.
    let forbidden: std::collections::HashSet<u64> =
        obligations.iter().filter(|(_, o)| o.negated).map(|(_, o)| o.requirement).collect();
    let required: std::collections::HashSet<u64> =
        obligations.iter().filter(|(_, o)| !o.negated).map(|(_, o)| o.requirement).collect();
    let mut by_shape: HashMap<(&QualName, u64), Vec<(ItemId, &ObligationKey)>> = HashMap::new();
    for (id, o) in obligations {
        if forbidden.contains(&o.requirement) && required.contains(&o.requirement) {
            by_shape.entry((&o.kind, o.requirement)).or_default().push((*id, o));
        }
    }
    let mut out = Vec::new();
    for group in by_shape.values().filter(|g| g.len() > 1) {
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
fn exclusive(a: &ObligationKey, b: &ObligationKey) -> bool {
    (a.when_negates.is_some() && a.when_negates == b.when) || (b.when_negates.is_some() && b.when_negates == a.when)
}

/// Where in its file an item is named: its name, an override's target, a test's title.
fn head_span(db: &dyn Db, id: ItemId) -> FileSpan {
    let Some(node) = crate::inputs::item_node(db, id) else {
        return FileSpan::default();
    };
    let span = match &node.item {
        Item::Override(o) => o.target.span,
        Item::Test(t) => t.name.span,
        Item::Deontic(d) => d.name.span,
        other => other.name().map(|n| n.span).unwrap_or_default(),
    };
    span.in_file(node.offset)
}

/// Where in its file an obligation has's `exception to` clause naming `target`, if it has one.
fn exception_clause_span(db: &dyn Db, id: ItemId, target_short: &str) -> Option<FileSpan> {
    let node = crate::inputs::item_node(db, id)?;
    let Item::Deontic(d) = &node.item else { return None };
    d.clauses.iter().find_map(|c| match c {
        Clause::Exception(q) if q.last().is_some_and(|l| l.name == target_short) => Some(q.span.in_file(node.offset)),
        _ => None,
    })
}

/// The conflicts that concern `file`, as diagnostics placed in the file.
pub fn conflict_diagnostics(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    // Where another item is named, when it is in this file.
    let here = |other: ItemId| (other.file(db) == file).then(|| head_span(db, other));
    let mut out = Vec::new();
    for conflict in conflicts(db, workspace) {
        let error = match conflict {
            Conflict::DuplicateOverride { item, first, param } if item.file(db) == file => {
                ConflictError::DuplicateOverride {
                    param: param.to_string(),
                    span: head_span(db, *item),
                    first: here(*first),
                    first_file: first.file(db).path(db).to_string(),
                }
            }
            Conflict::DuplicateTest { item, first } if item.file(db) == file => {
                ConflictError::DuplicateTest { span: head_span(db, *item), first: here(*first) }
            }
            Conflict::ExceptionCycle { item, others } if item.file(db) == file => {
                let span = others
                    .iter()
                    .find_map(|o| exception_clause_span(db, *item, &short(o)))
                    .unwrap_or_else(|| head_span(db, *item));
                ConflictError::ExceptionCycle {
                    name: item.key(db).name.to_string(),
                    others: others.iter().map(|o| short(o)).collect(),
                    span,
                }
            }
            Conflict::Contradiction { item, other, other_name } if item.file(db) == file => {
                ConflictError::Contradiction {
                    name: item.key(db).name.to_string(),
                    other: short(other_name),
                    span: head_span(db, *item),
                    other_span: here(*other),
                }
            }
            _ => continue,
        };
        out.push(error.into());
    }
    out
}
