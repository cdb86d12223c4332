//! Workspace-wide results: duplicate names, rule cycles, and the compiled program.

use crate::errors::ParamError;
use crate::graph::cycles_of;
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, item_keys, parse};
use crate::ir::{
    CompiledObligation, CompiledOverride, CompiledParam, CompiledRule, CompiledTest, CompiledWaiver, ConstValue,
    EnumDef, QualName, SchemaDef,
};
use crate::items::{Compiled, check_item};
use crate::manifest::manifest_overrides;
use crate::scope::package_index;
use crate::signatures::{qualified_item_name, rule_calls};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::FileSpan;

/// A compiled item with where it came from, so explanations can quote the policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProgramItem<T> {
    pub item: T,
    /// The policy file's path (for an override from `[params]`, the manifest's).
    pub path: Arc<str>,
    /// That file's text.
    pub text: Arc<str>,
    /// The item's offset in that text (its spans are relative to it).
    pub offset: u32,
}

impl<T> ProgramItem<T> {
    fn new(item: T, (path, text, offset): &(Arc<str>, Arc<str>, u32)) -> Self {
        ProgramItem { item, path: path.clone(), text: text.clone(), offset: *offset }
    }
}

/// What the packages a project depends on would have changed in its run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct NotApplied {
    pub overrides: Vec<ProgramItem<CompiledOverride>>,
    pub waivers: Vec<ProgramItem<CompiledWaiver>>,
}

/// Everything evaluation needs, from items that checked without errors.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Program {
    pub schemas: BTreeMap<QualName, SchemaDef>,
    pub enums: BTreeMap<QualName, EnumDef>,
    pub rules: BTreeMap<QualName, ProgramItem<CompiledRule>>,
    /// Obligations in workspace order.
    pub obligations: Vec<ProgramItem<CompiledObligation>>,
    /// Waivers in workspace order.
    pub waivers: Vec<ProgramItem<CompiledWaiver>>,
    /// Obligations left out because they, or rules they call, have errors.
    pub skipped: Vec<QualName>,
    /// Library parameters by qualified name, with their defaults.
    pub params: BTreeMap<QualName, ProgramItem<CompiledParam>>,
    /// Overrides in workspace order, then a project's `[params]`; the first for a parameter
    /// wins (a second is an error).
    pub overrides: Vec<ProgramItem<CompiledOverride>>,
    /// Overrides and waivers of the packages the project depends on, which are not applied
    /// (see [`Workspace::dependency_files`]), in workspace order.
    pub not_applied: NotApplied,
    /// Obligation name → the obligations declared `exception to` it.
    pub exceptions: BTreeMap<QualName, Vec<QualName>>,
    /// Tests in workspace order.
    pub tests: Vec<ProgramItem<CompiledTest>>,
}

impl Program {
    /// A parameter's value: the first override's, else its default.
    pub fn param_value(&self, name: &str) -> Option<&ConstValue> {
        self.overrides
            .iter()
            .find(|o| &*o.item.param == name)
            .map(|o| &o.item.value)
            .or_else(|| self.params.get(name).map(|p| &p.item.default))
    }
}

/// Compiles the workspace into a program. Items with errors are left out, and so are
/// obligations that call (directly or not) a rule with errors or in a cycle.
#[salsa::tracked(returns(ref))]
pub fn program(db: &dyn Db, workspace: Workspace) -> Program {
    let mut program = Program::default();
    let mut all_rules: BTreeSet<QualName> = BTreeSet::new();
    let mut obligations = Vec::new();
    for &file in workspace.files(db) {
        let parsed = parse(db, file);
        let text: Arc<str> = Arc::from(file.text(db).as_str());
        let path: Arc<str> = Arc::from(file.path(db).as_str());
        let dependency = workspace.is_dependency(db, file);
        for (key, node) in item_keys(&parsed.items).into_iter().zip(&parsed.items) {
            let is_rule = key.kind == ItemKind::Rule;
            let is_deontic = key.kind == ItemKind::Deontic;
            let id = ItemId::new(db, workspace, file, key);
            if is_rule {
                all_rules.insert(qualified_item_name(db, id));
            }
            let checked = check_item(db, id);
            let origin = (path.clone(), text.clone(), node.offset);
            match checked.compiled.clone() {
                Some(Compiled::Schema(s)) => {
                    program.schemas.entry(s.name.clone()).or_insert(s);
                }
                Some(Compiled::Enum(e)) => {
                    program.enums.entry(e.name.clone()).or_insert(e);
                }
                Some(Compiled::Rule(r)) => {
                    program.rules.entry(r.name.clone()).or_insert_with(|| ProgramItem::new(r, &origin));
                }
                Some(Compiled::Obligation(o)) => obligations.push(ProgramItem::new(o, &origin)),
                Some(Compiled::Waiver(w)) if dependency => {
                    program.not_applied.waivers.push(ProgramItem::new(w, &origin))
                }
                Some(Compiled::Waiver(w)) => program.waivers.push(ProgramItem::new(w, &origin)),
                Some(Compiled::Param(p)) => {
                    program.params.entry(p.name.clone()).or_insert_with(|| ProgramItem::new(p, &origin));
                }
                Some(Compiled::Override(o)) if dependency => {
                    program.not_applied.overrides.push(ProgramItem::new(o, &origin));
                }
                Some(Compiled::Override(o)) => program.overrides.push(ProgramItem::new(o, &origin)),
                Some(Compiled::Test(t)) => program.tests.push(ProgramItem::new(t, &origin)),
                None if is_deontic => program.skipped.push(qualified_item_name(db, id)),
                None => {}
            }
        }
    }
    // A project's `[params]` come after every policy file's overrides.
    if let Some(manifest) = workspace.manifest_params(db) {
        for o in &manifest_overrides(db, workspace).overrides {
            program.overrides.push(ProgramItem {
                item: o.compiled.clone(),
                path: manifest.path.clone(),
                text: manifest.text.clone(),
                offset: o.entry.name_span.start,
            });
        }
    }
    let cyclic: BTreeSet<QualName> = rule_cycles(db, workspace).iter().flatten().cloned().collect();
    for rule in &cyclic {
        program.rules.remove(rule);
    }
    for ob in obligations {
        if calls_are_sound(&program.rules, &ob.item.calls) {
            program.obligations.push(ob);
        } else {
            program.skipped.push(ob.item.name.clone());
        }
    }
    for ob in &program.obligations {
        for target in &ob.item.exception_to {
            program.exceptions.entry(target.clone()).or_default().push(ob.item.name.clone());
        }
    }
    // Exceptions on a cycle are reported (`E0813`, found by `conflicts`) and left out.
    let cyclic: BTreeSet<QualName> = crate::conflicts::conflicts(db, workspace)
        .iter()
        .filter_map(|c| match c {
            crate::conflicts::Conflict::ExceptionCycle { item, .. } => Some(qualified_item_name(db, *item)),
            _ => None,
        })
        .collect();
    for exceptions in program.exceptions.values_mut() {
        exceptions.retain(|e| !cyclic.contains(e));
    }
    program.exceptions.retain(|_, e| !e.is_empty());
    program
}

/// Whether every rule reachable from `calls` compiled.
fn calls_are_sound(rules: &BTreeMap<QualName, ProgramItem<CompiledRule>>, calls: &[QualName]) -> bool {
    let mut stack: Vec<QualName> = calls.to_vec();
    let mut seen = BTreeSet::new();
    while let Some(rule) = stack.pop() {
        if !seen.insert(rule.clone()) {
            continue;
        }
        let Some(compiled) = rules.get(&rule) else { return false };
        stack.extend(compiled.item.calls.iter().cloned());
    }
    true
}

/// Every cycle among rules, each as the list of rules on it (sorted, deduplicated).
#[salsa::tracked(returns(ref))]
pub fn rule_cycles(db: &dyn Db, workspace: Workspace) -> Vec<Vec<QualName>> {
    let mut graph: BTreeMap<QualName, Vec<QualName>> = BTreeMap::new();
    for entries in package_index(db, workspace).packages.values() {
        for entry in entries.iter().filter(|e| e.kind == ItemKind::Rule) {
            let name = qualified_item_name(db, entry.id);
            let checked = check_item(db, entry.id);
            let calls = match &checked.compiled {
                Some(Compiled::Rule(r)) => r.calls.clone(),
                // A rule with errors still has its calls read from its syntax, so cycles show.
                _ => rule_calls(db, entry.id),
            };
            graph.entry(name).or_default().extend(calls);
        }
    }
    cycles_of(&graph)
}

/// A problem that needs the whole workspace to see.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PackageProblem {
    /// `item` declares a name that `first` already declares in `package`.
    Duplicate {
        /// The second declaration.
        item: ItemId,
        first: ItemId,
        package: Arc<str>,
    },
    /// Rule `item` is on a cycle with `others`.
    Cycle {
        item: ItemId,
        /// The other rules on the cycle (short names), at most [`MAX_CYCLE_NAMES`].
        others: Vec<Arc<str>>,
        /// How many more rules are on the cycle.
        more: usize,
    },
}

/// How many other rules a rule-cycle diagnostic names.
const MAX_CYCLE_NAMES: usize = 8;

/// Duplicate item names and rule cycles, found from the package index and the rules' calls
/// only, so an edit that changes neither leaves this unchanged (and every file's diagnostics
/// with it). Positions are added per file by [`package_diagnostics`].
#[salsa::tracked(returns(ref))]
pub fn package_problems(db: &dyn Db, workspace: Workspace) -> Vec<PackageProblem> {
    let mut out = Vec::new();
    let index = package_index(db, workspace);
    let cycles = rule_cycles(db, workspace);
    let cycle_of: std::collections::HashMap<&QualName, &Vec<QualName>> =
        cycles.iter().flat_map(|cycle| cycle.iter().map(move |name| (name, cycle))).collect();
    for (package, entries) in &index.packages {
        let mut first: BTreeMap<&str, &crate::scope::ItemEntry> = BTreeMap::new();
        for entry in entries {
            match first.get(&*entry.name) {
                Some(prev) => {
                    out.push(PackageProblem::Duplicate { item: entry.id, first: prev.id, package: package.clone() })
                }
                None => {
                    first.insert(&entry.name, entry);
                }
            }
            if entry.kind == ItemKind::Rule {
                let qualified = qualified_item_name(db, entry.id);
                if let Some(cycle) = cycle_of.get(&qualified) {
                    // A few of the others are named; on a cycle of 100,000 rules, naming every
                    // other one on every rule would be quadratic.
                    let others = cycle
                        .iter()
                        .filter(|r| **r != qualified)
                        .take(MAX_CYCLE_NAMES)
                        .map(|r| Arc::from(r.rsplit('.').next().unwrap_or(r)))
                        .collect();
                    let more = cycle.len().saturating_sub(1 + MAX_CYCLE_NAMES);
                    out.push(PackageProblem::Cycle { item: entry.id, others, more });
                }
            }
        }
    }
    out
}

/// The workspace-wide problems of one file as diagnostics placed in the file.
pub fn package_diagnostics(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for problem in package_problems(db, workspace) {
        match problem {
            PackageProblem::Duplicate { item, first, package } if item.file(db) == file => {
                let problem = ParamError::DuplicateInPackage {
                    name: item.key(db).name.to_string(),
                    package: package.to_string(),
                    span: name_span(db, *item),
                    first: (first.file(db) == file).then(|| name_span(db, *first)),
                };
                out.push(problem.into());
            }
            PackageProblem::Cycle { item, others, more } if item.file(db) == file => {
                let problem = ParamError::RuleCycle {
                    rule: item.key(db).name.to_string(),
                    others: others.iter().map(ToString::to_string).collect(),
                    more: *more,
                    span: name_span(db, *item),
                };
                out.push(problem.into());
            }
            _ => {}
        }
    }
    out
}

/// Where in its file an item is named.
fn name_span(db: &dyn Db, id: ItemId) -> FileSpan {
    crate::inputs::item_node(db, id)
        .and_then(|n| n.item.name().map(|name| name.span.in_file(n.offset)))
        .unwrap_or_default()
}
