//! Editor features for Tenet with no editor protocol types: hover, go to definition, find
//! references, rename, completion, document and workspace symbols, semantic tokens, folding,
//! code actions and code lenses. Positions are byte offsets into a file's text and spans are
//! absolute; `tenet-lsp` converts them to the protocol's UTF-16 positions.
//!
//! Every query takes the salsa database, so a feature re-uses what the checker already
//! computed and is cancelled with it when an edit arrives. What each name refers to is the
//! checker's own record (`tenet_db::item_occurrences`); this crate resolves no names itself.

mod actions;
mod changes;
mod completion;
mod context;
mod hover;
mod lens;
mod navigation;
pub mod semantics;
mod symbols;
mod tokens;

pub use actions::{ActionKind, CodeAction, code_actions};
pub use changes::{Date, FileRange, SourceChange, TextEdit};
pub use completion::{Completion, CompletionKind, completions};
pub use hover::{HoverResult, hover};
pub use lens::{CodeLens, code_lenses};
pub use navigation::{RenameError, definition, prepare_rename, references, rename};
pub use symbols::{
    Fold, FoldKind, Symbol, SymbolKind, WorkspaceSymbol, document_symbols, folding_ranges, workspace_symbols,
};
pub use tokens::{SemanticToken, TOKEN_MODIFIERS, TokenType, semantic_tokens};

#[cfg(test)]
mod tests;
