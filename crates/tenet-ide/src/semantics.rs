//! What each name in a file refers to, read from the checker: `tenet_db::check_item` records
//! an [`Occurrence`] for every name it resolves (see `tenet_db::Def`), so hover, definition,
//! references, rename and semantic tokens answer exactly as the checker resolved. This module
//! only places the checker's item-relative occurrences in the file.

use tenet_db::{Db, ItemId, SourceFile, Workspace};
use tenet_syntax::ast::FileSpan;

pub use tenet_db::{Def, Occurrence, item_occurrences};

/// Every occurrence in a file, placed in the file.
pub fn file_occurrences(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<(ItemId, Occurrence<FileSpan>)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut out = Vec::new();
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        for occ in tenet_db::item_occurrences(db, id) {
            out.push((id, occ.in_file(node.offset)));
        }
    }
    out
}

/// The occurrence under `offset` (a byte offset in the file), preferring a name that
/// contains it over one that ends at it.
pub fn occurrence_at(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    offset: u32,
) -> Option<(ItemId, Occurrence<FileSpan>)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut touching = None;
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        let Some(rel) = offset.checked_sub(node.offset) else { continue };
        for occ in tenet_db::item_occurrences(db, id) {
            if occ.span.start <= rel && rel < occ.span.end {
                return Some((id, occ.in_file(node.offset)));
            }
            if occ.span.end == rel && touching.is_none() {
                touching = Some((id, occ.in_file(node.offset)));
            }
        }
    }
    touching
}
