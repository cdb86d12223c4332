//! Expanding command-line paths into the inputs to read.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Format, LoadError};

/// One input to read: a file with its format, or standard input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InputPath {
    /// Standard input (`-` on the command line); its format is sniffed when read.
    Stdin,
    /// A file, with the format its extension names.
    File {
        /// The path, as given or as found under a given directory.
        path: PathBuf,
        /// The format from the extension.
        format: Format,
    },
}

/// Expand command-line inputs, in the order given.
///
/// Files are taken as given (their extension must name a format); directories are searched
/// recursively for `.yaml`, `.yml`, `.json`, `.toml`, `.ndjson` and `.jsonl` files as `git`
/// would see them: hidden entries (names starting with `.`) and what `.gitignore`, `.ignore`
/// and `.git/info/exclude` files leave out are skipped (also outside a git repository), so are
/// a project's `tenet.toml` and `tenet.lock`; symbolic links to directories are not followed,
/// and the files found are sorted by path. `-` is standard input. Problems are returned
/// alongside the inputs that could be collected.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<LoadError>) {
    collect_inputs_excluding(paths, &[])
}

/// As [`collect_inputs`], also skipping, in directories searched, the paths that match one of
/// `exclude` (globs in `.gitignore` syntax, relative to the directory searched, such as
/// `vendor/**` or `*.draft.yaml`). An invalid glob is an error and nothing is collected.
pub fn collect_inputs_excluding(paths: &[PathBuf], exclude: &[String]) -> (Vec<InputPath>, Vec<LoadError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(InputPath::Stdin);
            continue;
        }
        let name = path.display().to_string();
        match fs::metadata(path) {
            Err(error) => errors.push(LoadError::Io { file: name, error }),
            Ok(metadata) if metadata.is_dir() => match walk(path, exclude) {
                Ok((mut found, walk_errors)) => {
                    found.sort_by(|a, b| a.0.cmp(&b.0));
                    inputs.extend(found.into_iter().map(|(path, format)| InputPath::File { path, format }));
                    errors.extend(walk_errors);
                }
                Err(error) => errors.push(error),
            },
            Ok(_) => match Format::from_path(path) {
                Some(format) => inputs.push(InputPath::File { path: path.clone(), format }),
                None => errors.push(LoadError::unknown_extension(&name)),
            },
        }
    }
    (inputs, errors)
}

/// The files of a project that are never documents, wherever a search finds them.
const NOT_DOCUMENTS: &[&str] = &["tenet.toml", "tenet.lock"];

/// The files a search found, with their formats, and the problems met on the way.
type Found = (Vec<(PathBuf, Format)>, Vec<LoadError>);

/// The document files under `root`.
fn walk(root: &Path, exclude: &[String]) -> Result<Found, LoadError> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for glob in exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| LoadError::BadExclude { glob: glob.clone(), reason: e.to_string() })?;
    }
    let overrides =
        overrides.build().map_err(|e| LoadError::BadExclude { glob: exclude.join(", "), reason: e.to_string() })?;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .build();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let file = error_path(&error).unwrap_or_else(|| root.display().to_string());
                errors.push(LoadError::Io { file, error: std::io::Error::other(error.to_string()) });
                continue;
            }
        };
        let path = entry.path();
        let Some(file_type) = entry.file_type() else { continue };
        if file_type.is_dir() || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| NOT_DOCUMENTS.contains(&n)) {
            continue;
        }
        let Some(format) = Format::from_path(path) else { continue };
        // Symbolic links are followed to files only, so a link cycle cannot loop.
        if file_type.is_file() || fs::metadata(path).is_ok_and(|m| m.is_file()) {
            found.push((path.to_path_buf(), format));
        }
    }
    Ok((found, errors))
}

/// The path an error of the walk is about, when it names one.
fn error_path(error: &ignore::Error) -> Option<String> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}
