//! The positions and edits editor features return.

use tenet_db::SourceFile;
use tenet_syntax::ast::FileSpan;

/// A range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileRange {
    pub file: SourceFile,
    /// Byte range in its text.
    pub span: FileSpan,
}

/// Replace `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    /// What to replace (empty to insert).
    pub span: FileSpan,
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
