//! Documents in the editor: a YAML, JSON or TOML file that Tenet checks, analysed as it is
//! typed. The document is a salsa input beside the policy files, and its analysis (load,
//! validation, evaluation of every applicable obligation) a query over it and the compiled
//! program: a keystroke in a document re-analyses that document only, and an edit to a policy
//! re-analyses the open documents once the program it compiles to has changed.
//!
//! Every feature here reads the analysis: diagnostics placed at the value that decided each
//! finding ([`document_diagnostics`]), a summary of the outcomes ([`document_summaries`]),
//! hover on a field ([`document_hover`]), completion of field names and values
//! ([`document_completions`]) and code actions ([`document_actions`]).

mod actions;
mod analysis;
mod completion;
mod cursor;
mod fields;
mod hover;

pub use actions::{DocumentAction, DocumentEdit, WaiverFile, document_actions};
pub use analysis::{
    AnalysedDocument, DocumentAnalysis, DocumentDiagnostic, DocumentFile, DocumentSeverity, DocumentSummary,
    analyse_document, document_diagnostics, document_summaries,
};
pub use completion::{DocumentCompletion, DocumentCompletionKind, document_completions};
pub use hover::{DocumentHover, document_hover};
