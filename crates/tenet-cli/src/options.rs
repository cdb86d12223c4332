//! Options several commands share.

use clap::ValueEnum;
use std::path::PathBuf;

/// Colour output choice.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colours when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Output formats of `tenet check`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable text with source snippets.
    Human,
    /// One JSON object (see docs/json-output.md).
    Json,
    /// GitHub Actions workflow commands: an annotation per diagnostic.
    Github,
    /// SARIF 2.1.0: a result per diagnostic, for code-scanning tools.
    Sarif,
    /// A GitLab Code Quality report: an issue per diagnostic.
    Gitlab,
}

/// Paths given on the command line, defaulting to the current directory.
pub fn paths_or_cwd(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() }
}
