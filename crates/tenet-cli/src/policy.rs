//! Finding and loading policy files into the salsa database.

use std::path::{Path, PathBuf};
use tenet_db::{Database, SourceFile, Workspace};

/// A policy file that could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PolicyFileError {
    /// The path does not exist or cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(tenet::policy::io))]
    Io {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not UTF-8.
    #[error("`{path}` is not valid UTF-8 (first bad byte at line {line}, column {column})")]
    #[diagnostic(code(tenet::policy::utf8), help("save the file as UTF-8"))]
    Utf8 {
        /// The path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A file given explicitly is not a `.tenet` file.
    #[error("`{path}` is not a policy file")]
    #[diagnostic(
        code(tenet::policy::extension),
        help("policy files end in `.tenet`; documents to evaluate go after the options, without `--policy`")
    )]
    NotPolicy {
        /// The path.
        path: String,
    },
}

/// The policy files under `paths`: `.tenet` files as given, directories searched recursively
/// (sorted, hidden entries skipped).
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PolicyFileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files, &mut errors);
        } else if path.extension().is_some_and(|e| e == "tenet") {
            files.push(path.clone());
        } else if path.exists() {
            errors.push(PolicyFileError::NotPolicy { path: path.display().to_string() });
        } else {
            errors.push(PolicyFileError::Io {
                path: path.display().to_string(),
                reason: "no such file or directory".into(),
            });
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<PolicyFileError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(PolicyFileError::Io { path: dir.display().to_string(), reason: e.to_string() });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') || n == "target");
        if hidden {
            continue;
        }
        if path.is_dir() && !path.is_symlink() {
            walk(&path, files, errors);
        } else if path.extension().is_some_and(|e| e == "tenet") {
            files.push(path);
        }
    }
}

/// A workspace holding the policy files under `paths`.
pub struct LoadedPolicies {
    /// The database.
    pub db: Database,
    /// The workspace input.
    pub workspace: Workspace,
    /// Each file the user gave, with its input handle (the standard library's files are in
    /// the workspace but not here).
    pub files: Vec<SourceFile>,
    /// The embedded standard library's files in the workspace.
    pub std_files: Vec<SourceFile>,
    /// Files that could not be read.
    pub errors: Vec<PolicyFileError>,
}

/// Whether to add the embedded standard library to the user's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Std {
    /// Add it (packages the user's files declare themselves are not added twice).
    Include,
    /// Leave it out (`--no-std`).
    Exclude,
}

/// Reads every policy file under `paths` into a fresh database, with the standard library.
pub fn load(paths: &[PathBuf], std: Std) -> LoadedPolicies {
    let (found, mut errors) = collect(paths);
    let db = Database::default();
    let mut files = Vec::new();
    for path in found {
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceFile::new(&db, path.display().to_string(), text)),
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.as_bytes();
                    let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[]));
                    let line = prefix.matches('\n').count() + 1;
                    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    errors.push(PolicyFileError::Utf8 { path: path.display().to_string(), line, column });
                }
            },
            Err(e) => errors.push(PolicyFileError::Io { path: path.display().to_string(), reason: e.to_string() }),
        }
    }
    let mut std_files = Vec::new();
    if std == Std::Include {
        // A package the user's files declare (say, a checkout of `policies/std` being
        // developed) replaces the embedded copy.
        let declared: Vec<_> = files.iter().filter_map(|f| tenet_db::file_outline(&db, *f).package.clone()).collect();
        for (name, text) in tenet_std::FILES {
            let file = SourceFile::library(&db, tenet_std::path_of(name), (*text).to_string());
            let package = tenet_db::file_outline(&db, file).package.clone();
            if package.is_none_or(|p| !declared.contains(&p)) {
                std_files.push(file);
            }
        }
    }
    let workspace = Workspace::new(&db, files.iter().chain(&std_files).copied().collect());
    LoadedPolicies { db, workspace, files, std_files, errors }
}
