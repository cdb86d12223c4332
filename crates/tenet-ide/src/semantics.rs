//! What each name in a file refers to, read from the checker: `tenet_db::check_item` records
//! an [`Occurrence`] for every name it resolves (see `tenet_db::Def`), so hover, definition,
//! references, rename and semantic tokens answer exactly as the checker resolved. This module
//! only places the checker's item-relative occurrences in the file.

use tenet_db::{Db, ItemId, SourceFile, Workspace};

pub use tenet_db::{Def, Occurrence, item_occurrences};

/// Every occurrence in a file with absolute spans.
pub fn file_occurrences(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<(ItemId, Occurrence)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut out = Vec::new();
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        for occ in tenet_db::item_occurrences(db, id) {
            let mut occ = occ.clone();
            occ.span = occ.span.shifted(node.offset);
            out.push((id, occ));
        }
    }
    out
}

/// The occurrence under `offset` (a byte offset in the file), preferring a name that
/// contains it over one that ends at it.
pub fn occurrence_at(db: &dyn Db, workspace: Workspace, file: SourceFile, offset: u32) -> Option<(ItemId, Occurrence)> {
    let parsed = tenet_db::parse(db, file);
    let ids = tenet_db::ide_support::file_items(db, workspace, file);
    let mut touching = None;
    for (id, node) in ids.into_iter().zip(&parsed.items) {
        let Some(rel) = offset.checked_sub(node.offset) else { continue };
        for occ in tenet_db::item_occurrences(db, id) {
            if occ.span.start <= rel && rel < occ.span.end {
                let mut occ = occ.clone();
                occ.span = occ.span.shifted(node.offset);
                return Some((id, occ));
            }
            if occ.span.end == rel && touching.is_none() {
                let mut occ = occ.clone();
                occ.span = occ.span.shifted(node.offset);
                touching = Some((id, occ));
            }
        }
    }
    touching
}
