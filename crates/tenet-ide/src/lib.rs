//! Editor features for Tenet with no editor protocol types: hover, go to definition, find
//! references, rename, completion, document and workspace symbols, semantic tokens, folding,
//! code actions and code lenses; and for the YAML, JSON and TOML documents the policies check,
//! diagnostics, hover, completion, code actions and a summary of outcomes ([`documents`]).
//! Positions are byte offsets into a file's text and spans are absolute; `tenet-lsp` converts
//! them to the protocol's UTF-16 positions.

mod actions;
mod changes;
mod completion;
mod context;
pub mod documents;
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
