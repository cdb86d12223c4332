//! Positions in text, below every other crate: the policy layers, the document loaders, the
//! package manager and the language server all turn byte offsets into lines and columns, and
//! they do it with the one [`LineIndex`] defined here, so they cannot disagree about where an
//! offset is.
//!
//! This crate knows nothing but `str`: no policies, documents, protocols or terminals.

mod line_index;
mod location;
mod span;

pub use line_index::{LineCol, LineIndex, Utf16Position};
pub use location::Location;
pub use span::{DocSpan, FileSpan, ItemSpan, TextSpan};
