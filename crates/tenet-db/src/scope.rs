//! Packages and name lookup: which items a file can see by name.

use crate::errors::{ItemError, MissingImport};
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, file_outline, parse};
use crate::ir::QualName;
use std::collections::BTreeMap;
use std::sync::Arc;
use tenet_syntax::ast::{Item, ItemSpan};
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Supplied, Unresolved};

/// An item as the package index lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemEntry {
    pub id: ItemId,
    pub kind: ItemKind,
    pub name: Arc<str>,
}

/// Every package in the workspace and the named items each declares.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct PackageIndex {
    /// Package name → its named items, in file order.
    pub packages: BTreeMap<Arc<str>, Vec<ItemEntry>>,
    /// Package name → names of its items that failed to parse.
    pub broken: BTreeMap<Arc<str>, Vec<Arc<str>>>,
    /// Package name → item name → the positions of its items in `packages`, so a lookup
    /// does not walk a package of 100,000 items.
    by_name: BTreeMap<Arc<str>, BTreeMap<Arc<str>, Vec<usize>>>,
}

impl PackageIndex {
    /// The items a package declares under `name`.
    pub fn lookup<'a>(&'a self, package: &str, name: &str) -> impl Iterator<Item = &'a ItemEntry> + 'a {
        let entries = self.packages.get(package).map_or(&[][..], Vec::as_slice);
        let at = self.by_name.get(package).and_then(|names| names.get(name)).map_or(&[][..], Vec::as_slice);
        at.iter().filter_map(move |&i| entries.get(i))
    }
}

/// Builds the package index from every file's outline.
#[salsa::tracked(returns(ref))]
pub fn package_index(db: &dyn Db, workspace: Workspace) -> PackageIndex {
    let mut index = PackageIndex::default();
    for &file in workspace.files(db) {
        let outline = file_outline(db, file);
        let Some(package) = &outline.package else { continue };
        index.broken.entry(package.clone()).or_default().extend(outline.broken_names.iter().cloned());
        let entries = index.packages.entry(package.clone()).or_default();
        let names = index.by_name.entry(package.clone()).or_default();
        for key in &outline.items {
            if key.name.is_empty() || key.kind == ItemKind::Waiver {
                continue;
            }
            let id = ItemId::new(db, workspace, file, key.clone());
            names.entry(key.name.clone()).or_default().push(entries.len());
            entries.push(ItemEntry { id, kind: key.kind, name: key.name.clone() });
        }
    }
    index
}

/// What a file can see: its own package and its imports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileScope {
    /// The file's package, if it declares one.
    pub package: Option<Arc<str>>,
    /// Whole packages imported with `use pkg`.
    pub packages: Vec<Arc<str>>,
    /// Single items imported with `use pkg.item`.
    pub items: Vec<ItemEntry>,
}

/// Resolves a file's `use` declarations.
#[salsa::tracked(returns(ref))]
pub fn file_scope(db: &dyn Db, workspace: Workspace, file: SourceFile) -> FileScope {
    let outline = file_outline(db, file);
    let index = package_index(db, workspace);
    let mut scope = FileScope { package: outline.package.clone(), packages: Vec::new(), items: Vec::new() };
    for path in &outline.uses {
        if index.packages.contains_key(path) {
            scope.packages.push(path.clone());
        } else if let Some((package, name)) = path.rsplit_once('.') {
            scope.items.extend(index.lookup(package, name).cloned());
        }
    }
    scope
}

/// The qualified name of an item.
pub fn qualified(db: &dyn Db, entry: &ItemEntry) -> QualName {
    qualify(file_outline(db, entry.id.file(db)).package.as_deref(), &entry.name)
}

/// `package.name`, or just `name` in a file without a package.
pub fn qualify(package: Option<&str>, name: &str) -> QualName {
    match package {
        Some(p) if !p.is_empty() => Arc::from(format!("{p}.{name}")),
        _ => Arc::from(name),
    }
}

/// Looks `name` up as written (`Name` or `pkg.Name`) among items of the given kinds:
/// the file's package first, then its imports. Several matches from imports are ambiguous.
pub fn lookup(db: &dyn Db, workspace: Workspace, file: SourceFile, name: &str, kinds: &[ItemKind]) -> Lookup {
    let index = package_index(db, workspace);
    let scope = file_scope(db, workspace, file);
    let wanted = |e: &&ItemEntry| kinds.contains(&e.kind);
    if let Some((package, last)) = name.rsplit_once('.') {
        let found: Vec<ItemEntry> = index.lookup(package, last).filter(wanted).cloned().collect();
        return Lookup::from_candidates(found);
    }
    if let Some(package) = &scope.package {
        let local: Vec<ItemEntry> = index.lookup(package, name).filter(wanted).cloned().collect();
        if !local.is_empty() {
            return Lookup::from_candidates(local);
        }
    }
    let mut found: Vec<ItemEntry> = scope.items.iter().filter(|e| &*e.name == name).filter(wanted).cloned().collect();
    for package in &scope.packages {
        found.extend(index.lookup(package, name).filter(wanted).cloned());
    }
    found.dedup();
    Lookup::from_candidates(found)
}

/// The outcome of a name lookup.
#[derive(Debug)]
pub enum Lookup {
    /// No such item.
    None,
    /// Exactly one.
    Found(ItemEntry),
    /// More than one (from different imports, or a duplicate).
    Ambiguous(Vec<ItemEntry>),
}

/// E0206: `name` could mean any of `entries`.
pub fn ambiguous(db: &dyn Db, name: &str, span: ItemSpan, entries: &[ItemEntry]) -> Diagnostic<ItemSpan> {
    let candidates = entries.iter().map(|e| qualified(db, e).to_string()).collect();
    ItemError::Ambiguous { name: name.to_string(), candidates, span }.into()
}

impl Lookup {
    fn from_candidates(mut found: Vec<ItemEntry>) -> Lookup {
        match found.len() {
            0 => Lookup::None,
            1 => found.pop().map_or(Lookup::None, Lookup::Found),
            _ => Lookup::Ambiguous(found),
        }
    }

    /// The item, taking the first of duplicates (duplicates are reported where declared).
    pub fn first(self) -> Option<ItemEntry> {
        match self {
            Lookup::None => None,
            Lookup::Found(e) => Some(e),
            Lookup::Ambiguous(mut v) => (!v.is_empty()).then(|| v.swap_remove(0)),
        }
    }
}

/// Whether an unresolved `name` is explained by an item that failed to parse (or by the
/// file's own broken `package` line), so reporting it again would only repeat that error.
/// An item of that name that failed to parse in any package of the workspace counts, not
/// only in the packages the file sees: its one syntax error is the problem to fix first,
/// and the file that uses it may lack the `use` only because the item is broken.
pub fn is_broken(db: &dyn Db, workspace: Workspace, file: SourceFile, name: &str) -> bool {
    let outline = file_outline(db, file);
    if outline.broken_package {
        return true;
    }
    let index = package_index(db, workspace);
    let last = name.rsplit('.').next().unwrap_or(name);
    index.broken.values().any(|names| names.iter().any(|n| &**n == last))
}

/// The packages that declare an item `name` of one of `kinds` which the file does not see
/// (it imports neither the package nor the item), for help on an unknown name.
pub fn missing_import(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    name: &str,
    kinds: &[ItemKind],
) -> Option<MissingImport> {
    if name.contains('.') {
        return None;
    }
    let index = package_index(db, workspace);
    let scope = file_scope(db, workspace, file);
    let packages: Vec<Arc<str>> = index
        .packages
        .iter()
        .filter(|(package, _)| scope.package.as_ref() != Some(*package) && !scope.packages.contains(*package))
        .filter(|(_, items)| items.iter().any(|e| &*e.name == name && kinds.contains(&e.kind)))
        .map(|(package, _)| package.clone())
        .collect();
    (!packages.is_empty()).then(|| MissingImport { name: name.to_string(), packages })
}

/// Names of items of the given kinds that the file can see (for "did you mean").
pub fn visible_names(db: &dyn Db, workspace: Workspace, file: SourceFile, kinds: &[ItemKind]) -> Vec<Arc<str>> {
    let index = package_index(db, workspace);
    let scope = file_scope(db, workspace, file);
    let mut names: Vec<Arc<str>> = scope
        .package
        .iter()
        .chain(&scope.packages)
        .flat_map(|p| index.packages.get(p).into_iter().flatten())
        .chain(&scope.items)
        .filter(|e| kinds.contains(&e.kind))
        .map(|e| e.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Problems with a file's `package` and `use` declarations, placed in the file.
pub fn file_level_diagnostics(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let parsed = parse(db, file);
    let index = package_index(db, workspace);
    let mut out = Vec::new();
    let mut package_seen = false;
    for node in &parsed.items {
        match &node.item {
            Item::Package(q) => {
                if package_seen {
                    out.push(Diagnostic::from(ItemError::SecondPackage { span: q.span }).in_file(node.offset));
                }
                package_seen = true;
            }
            Item::Use(q) => {
                let path = q.text();
                let known = index.packages.contains_key(path.as_str())
                    || path.rsplit_once('.').is_some_and(|(p, n)| index.lookup(p, n).next().is_some());
                if !known {
                    let packages: Vec<&str> = index.packages.keys().map(|k| &**k).collect();
                    let (otherwise, supplied) = if path.starts_with("std") {
                        (
                            "the standard library's packages are std.model, std.privacy, std.bias, std.transparency, std.workers and std.accountability",
                            Supplied::StandardLibrary,
                        )
                    } else {
                        ("the file that declares it is not among the policies", Supplied::PolicyFiles)
                    };
                    let d = Unresolved {
                        code: codes::UNKNOWN_IMPORT,
                        message: format!("no package or item named `{path}`"),
                        span: q.span,
                        label: "not found in the workspace",
                        name: &path,
                        candidates: packages,
                        otherwise: Some(otherwise.into()),
                    }
                    .or_supplied(supplied);
                    out.push(d.in_file(node.offset));
                }
            }
            _ => {}
        }
    }
    if !package_seen && !parsed.items.is_empty() && !parsed.broken.iter().any(|b| b.keyword == "package") {
        // At the start of the first item.
        let at = parsed.items.first().map_or(0, |n| n.offset);
        out.push(Diagnostic::from(ItemError::MissingPackage { span: ItemSpan::at(0) }).in_file(at));
    }
    out
}
