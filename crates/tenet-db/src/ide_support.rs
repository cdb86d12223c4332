//! Read-only lookups for editor features (`tenet-ide`): the same name resolution and
//! signatures the checker uses, exposed without the checker's diagnostics.

use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, item_keys, parse};
use crate::ir::{EnumDef, QualName, SchemaDef, Ty};
use crate::scope::{ItemEntry, package_index};
use crate::scope::{file_scope, lookup, qualified};
use tenet_syntax::ast::{ItemNode, TypeExpr};

pub use crate::signatures::deontic_kind;
use crate::signatures::{enum_def, schema_def};

/// Looks `name` up (short or qualified) among items of the given kinds as `file` sees it;
/// the first match when several items answer.
pub fn lookup_item(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    name: &str,
    kinds: &[ItemKind],
) -> Option<ItemEntry> {
    lookup(db, workspace, file, name, kinds).first()
}

/// The qualified name of an item (`package.name`).
pub fn qualified_name(db: &dyn Db, entry: &ItemEntry) -> QualName {
    qualified(db, entry)
}

/// Every named item `file` can see: its own package's, then its imports'.
pub fn visible_items(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<ItemEntry> {
    let index = package_index(db, workspace);
    let scope = file_scope(db, workspace, file);
    let mut out: Vec<ItemEntry> = scope
        .package
        .iter()
        .chain(&scope.packages)
        .flat_map(|p| index.packages.get(p).into_iter().flatten())
        .chain(&scope.items)
        .cloned()
        .collect();
    out.dedup();
    out
}

/// The parsed item behind an id, with its absolute offset.
pub fn item_node(db: &dyn Db, id: ItemId) -> Option<&ItemNode> {
    crate::inputs::item_node(db, id)
}

/// The ids of a file's parsed items, aligned with `parse(file).items`.
pub fn file_items(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<ItemId> {
    item_keys(&parse(db, file).items).into_iter().map(|key| ItemId::new(db, workspace, file, key)).collect()
}

/// A schema's resolved fields.
pub fn schema_of(db: &dyn Db, id: ItemId) -> &SchemaDef {
    &schema_def(db, id).def
}

pub fn enum_of(db: &dyn Db, id: ItemId) -> &EnumDef {
    enum_def(db, id)
}

/// Resolves a written type without reporting anything (unknown names give `Ty::Error`).
pub fn resolve_type(db: &dyn Db, workspace: Workspace, file: SourceFile, ty: &TypeExpr) -> Ty {
    crate::signatures::resolve_type(db, workspace, file, ty, &mut Vec::new())
}

/// The type the checker gives a dotted path (`vendor.name`, `t.to`) read in an item whose
/// document is a `root` schema, with `locals` (rule parameters, quantifier variables) in
/// scope; `None` when the checker cannot type it. Completion reads types through this, so it
/// types exactly as the checker does.
pub fn type_of_path(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    root: Option<ItemId>,
    locals: &[(String, Ty)],
    path: &str,
) -> Option<Ty> {
    use tenet_syntax::ast::{Expr, ExprKind, Ident, ItemSpan};
    let mut segments = path.split('.');
    let name = |text: &str| Ident { name: text.to_string(), span: ItemSpan::default() };
    let mut expr = Expr { kind: ExprKind::Name(name(segments.next()?)), span: ItemSpan::default() };
    for segment in segments {
        expr = Expr { kind: ExprKind::Field(Box::new(expr), name(segment)), span: ItemSpan::default() };
    }
    let mut checker = crate::check::Checker::new(db, workspace, file);
    checker.root = root.map(|id| (id, schema_of(db, id)));
    for (local, ty) in locals {
        checker.bind(local, ty.clone(), ItemSpan::default());
    }
    let ty = checker.check(&expr, None).ty;
    (ty != Ty::Error).then_some(ty)
}
