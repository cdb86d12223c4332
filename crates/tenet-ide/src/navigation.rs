//! Go to definition, find references and rename.

use crate::changes::{FileRange, SourceChange, TextEdit};
use crate::semantics::{Def, file_occurrences, item_occurrences, occurrence_at};
use std::collections::BTreeMap;
use tenet_db::ide_support::item_node;
use tenet_db::{Db, SourceFile, Workspace};
use tenet_syntax::ast::{FileSpan, Item};

/// Where the thing the name at `offset` refers to is declared.
pub fn definition(db: &dyn Db, workspace: Workspace, file: SourceFile, offset: u32) -> Vec<FileRange> {
    let Some((_, occ)) = occurrence_at(db, workspace, file, offset) else { return Vec::new() };
    def_location(db, workspace, &occ.def).into_iter().collect()
}

/// Where `def` is declared.
pub(crate) fn def_location(db: &dyn Db, workspace: Workspace, def: &Def) -> Option<FileRange> {
    match def {
        Def::Item(id) => {
            let node = item_node(db, *id)?;
            let span = node.item.name()?.span.in_file(node.offset);
            Some(FileRange { file: id.file(db), span })
        }
        Def::Field { schema, name } => {
            let node = item_node(db, *schema)?;
            let Item::Schema(s) = &node.item else { return None };
            let field = s.fields.iter().find(|f| f.name.name == **name)?;
            Some(FileRange { file: schema.file(db), span: field.name.span.in_file(node.offset) })
        }
        Def::Variant { enumeration, name } => {
            let node = item_node(db, *enumeration)?;
            let Item::Enum(e) = &node.item else { return None };
            let (variant, _) = e.variants.iter().find(|(v, _)| v.name == **name)?;
            Some(FileRange { file: enumeration.file(db), span: variant.span.in_file(node.offset) })
        }
        Def::Local { item, decl, .. } => {
            let node = item_node(db, *item)?;
            Some(FileRange { file: item.file(db), span: decl.in_file(node.offset) })
        }
        Def::Package(package) => workspace.files(db).iter().find_map(|&file| {
            tenet_db::parse(db, file).items.iter().find_map(|node| match &node.item {
                Item::Package(q) if q.text() == **package => {
                    Some(FileRange { file, span: q.span.in_file(node.offset) })
                }
                _ => None,
            })
        }),
        Def::Area(_) | Def::Severity(_) | Def::Outcome(_) => None,
    }
}

/// Every use of what the name at `offset` refers to, and its declaration when
/// `include_declaration` is set; in workspace file order, then source order.
pub fn references(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    offset: u32,
    include_declaration: bool,
) -> Vec<FileRange> {
    let Some((_, occ)) = occurrence_at(db, workspace, file, offset) else { return Vec::new() };
    let mut out: Vec<FileRange> = occurrences_of(db, workspace, &occ.def)
        .into_iter()
        .filter(|(_, is_decl)| include_declaration || !is_decl)
        .map(|(range, _)| range)
        .collect();
    if include_declaration
        && let Some(decl) = def_location(db, workspace, &occ.def)
        && !out.contains(&decl)
    {
        out.insert(0, decl);
    }
    out
}

/// Every occurrence of `def`, with whether it is a declaration.
fn occurrences_of(db: &dyn Db, workspace: Workspace, def: &Def) -> Vec<(FileRange, bool)> {
    if let Def::Local { item, .. } = def {
        let Some(node) = item_node(db, *item) else { return Vec::new() };
        return item_occurrences(db, *item)
            .iter()
            .filter(|o| o.def == *def)
            .map(|o| (FileRange { file: item.file(db), span: o.span.in_file(node.offset) }, o.is_decl))
            .collect();
    }
    let mut out = Vec::new();
    for &file in workspace.files(db) {
        for (_, occ) in file_occurrences(db, workspace, file) {
            if occ.def == *def {
                out.push((FileRange { file, span: occ.span }, occ.is_decl));
            }
        }
    }
    out
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenameError {
    /// The cursor is not on a name that can be renamed.
    #[error("there is nothing to rename here")]
    NothingToRename,
    /// The new name is not a valid name.
    #[error("`{0}` is not a valid name: names are ASCII letters, digits and `_`, not starting with a digit")]
    InvalidName(String),
    /// The new name is a reserved word.
    #[error("`{0}` is a reserved word")]
    Reserved(String),
}

/// The span of the name at `offset` if it can be renamed.
pub fn prepare_rename(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    offset: u32,
) -> Result<FileSpan, RenameError> {
    match occurrence_at(db, workspace, file, offset) {
        Some((_, occ)) if occ.def.is_renamable() => Ok(occ.span),
        _ => Err(RenameError::NothingToRename),
    }
}

/// The edits that rename what the name at `offset` refers to, everywhere it is used.
pub fn rename(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    offset: u32,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let valid = new_name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(RenameError::InvalidName(new_name.to_string()));
    }
    if tenet_syntax::split::is_reserved(new_name) {
        return Err(RenameError::Reserved(new_name.to_string()));
    }
    let Some((_, occ)) = occurrence_at(db, workspace, file, offset) else {
        return Err(RenameError::NothingToRename);
    };
    if !occ.def.is_renamable() {
        return Err(RenameError::NothingToRename);
    }
    let mut by_file: BTreeMap<usize, (SourceFile, Vec<TextEdit>)> = BTreeMap::new();
    let order: Vec<SourceFile> = workspace.files(db).clone();
    for (range, _) in occurrences_of(db, workspace, &occ.def) {
        let index = order.iter().position(|f| *f == range.file).unwrap_or(usize::MAX);
        let entry = by_file.entry(index).or_insert_with(|| (range.file, Vec::new()));
        let edit = TextEdit { span: range.span, new_text: new_name.to_string() };
        if !entry.1.contains(&edit) {
            entry.1.push(edit);
        }
    }
    Ok(SourceChange { edits: by_file.into_values().collect() })
}
