//! Library parameters and their overrides, and `exception to` clauses: the items that let one
//! package adjust or displace what another declares.

use crate::analysis::Occurrences;
use crate::check::{Checker, const_def};
use crate::errors::ParamError;
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace};
use crate::ir::{CompiledOverride, ConstValue, Ir, IrKind, QualName, Ty};
use crate::scope::package_index;
use crate::scope::{is_broken, lookup, missing_import, qualified, visible_names};
use crate::signatures::deontic_kind;
use std::sync::Arc;
use tenet_syntax::ast::{ItemSpan, OverrideDecl, QName};
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};

/// Every parameter in the workspace, by qualified name (for suggestions).
fn all_params(db: &dyn Db, workspace: Workspace) -> Vec<String> {
    package_index(db, workspace)
        .packages
        .iter()
        .flat_map(|(package, entries)| {
            entries.iter().filter(|e| e.kind == ItemKind::Param).map(move |e| format!("{package}.{}", e.name))
        })
        .collect()
}

/// Checks `override NAME = value`: the name is a parameter and the value a literal of its type.
pub(crate) fn check_override(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    o: &OverrideDecl,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
    occ: &mut Occurrences,
) -> Option<CompiledOverride> {
    let name = o.target.text();
    occ.reference(db, workspace, file, &o.target, &[ItemKind::Param]);
    let entry = match lookup(db, workspace, file, &name, &[ItemKind::Param]).first() {
        Some(entry) => entry,
        None if is_broken(db, workspace, file, &name) => return None,
        None => {
            let is_const = lookup(db, workspace, file, &name, &[ItemKind::Const]).first().is_some();
            let message = format!("no parameter named `{name}`");
            let d = if is_const {
                ParamError::ConstantNotParameter { name: name.clone(), span: o.target.span }.into()
            } else {
                let mut candidates = all_params(db, workspace);
                candidates.extend(visible_names(db, workspace, file, &[ItemKind::Param]).iter().map(|n| n.to_string()));
                Unresolved {
                    code: codes::UNKNOWN_PARAM,
                    message,
                    span: o.target.span,
                    label: "unknown parameter",
                    name: &name,
                    candidates: candidates.iter().map(String::as_str).collect(),
                    otherwise: Some(
                        "name the parameter with its package, such as `std.privacy.max_breach_notice`".into(),
                    ),
                }
                .into()
            };
            diagnostics.push(d);
            return None;
        }
    };
    let def = const_def(db, entry.id);
    let mut checker = Checker::new(db, workspace, file);
    let ir = checker.check(&o.value, Some(&def.ty));
    let had_errors = !checker.diagnostics.is_empty();
    diagnostics.append(&mut checker.diagnostics);
    occ.0.append(&mut checker.occurrences.0);
    if had_errors {
        return None;
    }
    match override_value(&name, &def.ty, &ir, o.value.span) {
        Ok(value) => Some(CompiledOverride { param: qualified(db, &entry), value }),
        Err(problem) => {
            diagnostics.push(problem.into());
            None
        }
    }
}

/// The literal a parameter's new value checked to (`ir`), or why it cannot be one: it has
/// another type than the parameter's `declared` one, or it is computed. Shared by `override`
/// items and a project's `[params]`.
pub(crate) fn override_value<S: Copy>(
    name: &str,
    declared: &Ty,
    ir: &Ir,
    span: S,
) -> Result<ConstValue, ParamError<S>> {
    if !declared.compatible(&ir.ty) {
        return Err(ParamError::ValueType {
            name: name.to_string(),
            declared: declared.clone(),
            found: ir.ty.clone(),
            span,
        });
    }
    literal_value(ir).ok_or_else(|| ParamError::ValueNotLiteral { name: name.to_string(), span })
}

fn literal_value(ir: &Ir) -> Option<ConstValue> {
    match &ir.kind {
        IrKind::Const(v) => Some(v.clone()),
        IrKind::List(items) => items.iter().map(literal_value).collect::<Option<_>>().map(ConstValue::List),
        IrKind::Set(items) => items.iter().map(literal_value).collect::<Option<_>>().map(ConstValue::Set),
        _ => None,
    }
}

/// Resolves `exception to NAME` in obligation `this` (of document kind `kind`).
pub(crate) fn resolve_exception(
    db: &dyn Db,
    id: ItemId,
    this: &QualName,
    kind: Option<&QualName>,
    target: &QName,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
) -> Option<QualName> {
    let (workspace, file) = (id.workspace(db), id.file(db));
    let name = target.text();
    let entry = match lookup(db, workspace, file, &name, &[ItemKind::Deontic]).first() {
        Some(entry) => entry,
        None if is_broken(db, workspace, file, &name) => return None,
        None => {
            let names = visible_names(db, workspace, file, &[ItemKind::Deontic]);
            let d = Unresolved {
                code: codes::UNKNOWN_EXCEPTION_TARGET,
                message: format!("no obligation named `{name}` for this to be an exception to"),
                span: target.span,
                label: "unknown obligation",
                name: &name,
                candidates: names.iter().map(|n| &**n).collect(),
                otherwise: None,
            }
            .into();
            diagnostics.push(match missing_import(db, workspace, file, &name, &[ItemKind::Deontic]) {
                Some(import) => import.help(d),
                None => d,
            });
            return None;
        }
    };
    let target_name = qualified(db, &entry);
    if target_name == *this {
        diagnostics.push(ParamError::SelfException { span: target.span }.into());
        return None;
    }
    let target_kind = deontic_kind(db, entry.id);
    if let (Some(mine), Some(theirs)) = (kind, &target_kind)
        && mine != theirs
    {
        let short = |n: &Arc<str>| n.rsplit('.').next().unwrap_or(n).to_string();
        let problem = ParamError::ExceptionKind {
            name: name.clone(),
            target_kind: short(theirs),
            this_kind: short(mine),
            span: target.span,
        };
        diagnostics.push(problem.into());
        return None;
    }
    Some(target_name)
}
