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
/// recursively for `.yaml`, `.yml`, `.json` and `.toml` files, skipping hidden entries (names
/// starting with `.`) and not following symbolic links to directories, and each directory's
/// files are sorted by path; `-` is standard input. Problems are returned alongside the inputs
/// that could be collected.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<LoadError>) {
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
            Ok(metadata) if metadata.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut errors);
                found.sort_by(|a, b| a.0.cmp(&b.0));
                inputs.extend(found.into_iter().map(|(path, format)| InputPath::File { path, format }));
            }
            Ok(_) => match Format::from_path(path) {
                Some(format) => inputs.push(InputPath::File { path: path.clone(), format }),
                None => errors.push(LoadError::unknown_extension(&name)),
            },
        }
    }
    (inputs, errors)
}

/// Collect the document files under `root`, iteratively.
fn walk(root: &Path, found: &mut Vec<(PathBuf, Format)>, errors: &mut Vec<LoadError>) {
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let entries = match fs::read_dir(&directory) {
            Ok(entries) => entries,
            Err(error) => {
                errors.push(LoadError::Io { file: directory.display().to_string(), error });
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    errors.push(LoadError::Io { file: directory.display().to_string(), error });
                    continue;
                }
            };
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                pending.push(path);
            } else if let Some(format) = Format::from_path(&path) {
                // Symbolic links are followed to files only, so a link cycle cannot loop.
                let is_file = file_type.is_file() || fs::metadata(&path).is_ok_and(|m| m.is_file());
                if is_file {
                    found.push((path, format));
                }
            }
        }
    }
}
