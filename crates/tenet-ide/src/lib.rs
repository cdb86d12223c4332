//! Editor features for Tenet with no editor protocol types: hover, go to definition, find
//! references, rename, completion, document and workspace symbols, semantic tokens, folding,
//! code actions and code lenses. Positions are byte offsets into a file's text and spans are
//! absolute; `tenet-lsp` converts them to the protocol's UTF-16 positions.
//!
//! Every query takes the salsa database, so a feature re-uses what the checker already
//! computed and is cancelled with it when an edit arrives. The one query this crate adds,
//! [`semantics::item_occurrences`], records what each name in an item refers to.

mod actions;
mod completion;
mod context;
mod hover;
mod lens;
mod navigation;
pub mod semantics;
mod symbols;
mod tokens;

pub use actions::{ActionKind, CodeAction, code_actions};
pub use completion::{Completion, CompletionKind, completions};
pub use hover::{HoverResult, hover};
pub use lens::{CodeLens, code_lenses};
pub use navigation::{RenameError, definition, prepare_rename, references, rename};
pub use symbols::{
    Fold, FoldKind, Symbol, SymbolKind, WorkspaceSymbol, document_symbols, folding_ranges, workspace_symbols,
};
pub use tokens::{SemanticToken, TOKEN_MODIFIERS, TOKEN_TYPES, TokenType, semantic_tokens};

use tenet_db::SourceFile;
use tenet_syntax::ast::Span;

/// A range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileRange {
    /// The file.
    pub file: SourceFile,
    /// Byte range in its text.
    pub span: Span,
}

/// Replace `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    /// What to replace (empty to insert).
    pub span: Span,
    /// The replacement.
    pub new_text: String,
}

/// Edits to several files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    /// Per file, edits that do not overlap.
    pub edits: Vec<(SourceFile, Vec<TextEdit>)>,
}

/// Today's date for features that need one (code lenses, waiver skeletons); editors pass it in
/// because nothing below the server reads the clock.
pub type Date = jiff::civil::Date;

#[cfg(test)]
mod tests;
