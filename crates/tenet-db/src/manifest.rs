//! A project's `[params]`: the overrides its `tenet.toml` writes for library parameters. They
//! are data of the workspace input (name, literal, places in the manifest), not policy text:
//! each value is parsed as an expression, type-checked against the parameter it sets as if
//! written beside that parameter's declaration, and compiled to the [`CompiledOverride`] a
//! policy file's `override` gives. Problems are located in the manifest itself.

use crate::check::{Checker, const_def};
use crate::conflicts::ConflictKey;
use crate::conflicts::file_conflict_keys;
use crate::errors::{FirstOverride, ParamError};
use crate::inputs::{Db, ItemId, ItemKind, ManifestParam, Workspace};
use crate::ir::{CompiledOverride, QualName};
use crate::params::override_value;
use crate::scope::{ItemEntry, PackageIndex, package_index, qualified};
use std::sync::Arc;
use tenet_syntax::ast::{FileSpan, Item, ItemSpan};
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};
use tenet_text::Location;

/// One `[params]` entry that checked, with what it compiles to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ManifestOverride {
    pub entry: ManifestParam,
    pub compiled: CompiledOverride,
}

/// The manifest's `[params]` after checking.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ManifestOverrides {
    /// The entries that checked, in file order.
    pub overrides: Vec<ManifestOverride>,
    /// Problems of single entries (unknown parameter, wrong type), with spans in the manifest.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks each `[params]` entry against the parameter it names.
#[salsa::tracked(returns(ref))]
pub fn manifest_overrides(db: &dyn Db, workspace: Workspace) -> ManifestOverrides {
    let mut out = ManifestOverrides::default();
    let Some(manifest) = workspace.manifest_params(db) else { return out };
    let index = package_index(db, workspace);
    for entry in &manifest.entries {
        if let Some(compiled) = check_entry(db, workspace, index, entry, &mut out.diagnostics) {
            out.overrides.push(ManifestOverride { entry: entry.clone(), compiled });
        }
    }
    out
}

fn check_entry(
    db: &dyn Db,
    workspace: Workspace,
    index: &PackageIndex,
    entry: &ManifestParam,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledOverride> {
    let name = &*entry.name;
    let (package, last) = name.rsplit_once('.').unwrap_or(("", name));
    let param = index.lookup(package, last).find(|e| e.kind == ItemKind::Param);
    let Some(param) = param else {
        // A declaration that failed to parse is reported where it is.
        if !index.broken.get(package).is_some_and(|names| names.iter().any(|n| &**n == last)) {
            diagnostics.push(unknown_param(db, index, entry));
        }
        return None;
    };
    let at_value = |d: Diagnostic<ItemSpan>| Diagnostic { notes: Vec::new(), ..d }.map_spans(|_| entry.value_span);
    let expr = match tenet_syntax::parse_expression(&entry.literal) {
        Ok(expr) => expr,
        Err(error) => {
            diagnostics.push(at_value(*error));
            return None;
        }
    };
    let def = const_def(db, param.id);
    let mut checker = Checker::new(db, workspace, param.id.file(db));
    let ir = checker.check(&expr, Some(&def.ty));
    if !checker.diagnostics.is_empty() {
        diagnostics.extend(checker.diagnostics.drain(..).map(at_value));
        return None;
    }
    match override_value(name, &def.ty, &ir, entry.value_span) {
        Ok(value) => Some(CompiledOverride { param: qualified(db, param), value }),
        Err(problem) => {
            diagnostics.push(problem.into());
            None
        }
    }
}

/// `[params]` names no parameter: perhaps a constant, perhaps a misspelling.
fn unknown_param(db: &dyn Db, index: &PackageIndex, entry: &ManifestParam) -> Diagnostic {
    let name = &*entry.name;
    let (package, last) = name.rsplit_once('.').unwrap_or(("", name));
    if index.lookup(package, last).any(|e| e.kind == ItemKind::Const) {
        return ParamError::ConstantNotParameter { name: name.to_string(), span: entry.name_span }.into();
    }
    let params: Vec<QualName> = index
        .packages
        .values()
        .flatten()
        .filter(|e| e.kind == ItemKind::Param)
        .map(|e: &ItemEntry| qualified(db, e))
        .collect();
    Unresolved {
        code: codes::UNKNOWN_PARAM,
        message: format!("no parameter named `{name}`"),
        span: entry.name_span,
        label: "unknown parameter",
        name,
        candidates: params.iter().map(|p| &**p).collect(),
        otherwise: Some("name the parameter with its package, such as `std.privacy.max_breach_notice`".into()),
    }
    .into()
}

/// Every problem of the manifest's `[params]`, with spans in the manifest: the entries' own,
/// and a parameter that a policy file, or an earlier entry, already overrides (the first
/// override is the one used, as between policy files).
#[salsa::tracked(returns(ref))]
pub fn manifest_diagnostics(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic> {
    let checked = manifest_overrides(db, workspace);
    let mut out = checked.diagnostics.clone();
    for (i, o) in checked.overrides.iter().enumerate() {
        let param = &o.compiled.param;
        let first = match first_policy_override(db, workspace, param) {
            Some(at) => Some(FirstOverride::Policy(at)),
            None => checked
                .overrides
                .iter()
                .take(i)
                .find(|f| f.compiled.param == *param)
                .map(|f| FirstOverride::Manifest(f.entry.name_span)),
        };
        if let Some(first) = first {
            let problem = ParamError::ManifestDuplicate { param: param.to_string(), span: o.entry.name_span, first };
            out.push(problem.into());
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// Where the first policy file that overrides `param` names it.
fn first_policy_override(db: &dyn Db, workspace: Workspace, param: &QualName) -> Option<Location> {
    let id = workspace.files(db).iter().filter(|&&file| !workspace.is_dependency(db, file)).find_map(|&file| {
        let (_, keys) = file_conflict_keys(db, workspace, file);
        keys.iter().find(|(_, key)| matches!(key, ConflictKey::Override(p) if p == param)).map(|(id, _)| *id)
    })?;
    let file = id.file(db);
    let span = override_target_span(db, id);
    Some(Location::of(Arc::from(file.path(db).as_str()), file.text(db), span.start as usize))
}

/// Where in its file an `override` item names its parameter.
fn override_target_span(db: &dyn Db, id: ItemId) -> FileSpan {
    match crate::inputs::item_node(db, id) {
        Some(node) => match &node.item {
            Item::Override(o) => o.target.span.in_file(node.offset),
            _ => FileSpan::default(),
        },
        None => FileSpan::default(),
    }
}
