//! Every diagnostic of a file, gathered from the layers below in source order.

use crate::inputs::{Db, ItemId, SourceFile, Workspace, item_keys, parse};
use crate::{conflicts, items, program, scope};
use tenet_syntax::Diagnostic;

/// Every diagnostic for one file, placed in the file, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let parsed = parse(db, file);
    let mut diagnostics = parsed.errors.clone();
    diagnostics.extend(scope::file_level_diagnostics(db, workspace, file));
    for (key, node) in item_keys(&parsed.items).into_iter().zip(&parsed.items) {
        let id = ItemId::new(db, workspace, file, key);
        let checked = items::check_item(db, id);
        diagnostics.extend(checked.diagnostics.iter().cloned().map(|d| d.in_file(node.offset)));
    }
    diagnostics.extend(program::package_diagnostics(db, workspace, file));
    diagnostics.extend(conflicts::conflict_diagnostics(db, workspace, file));
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup();
    diagnostics
}
