//! The one workspace loader: finding and reading policy files, the embedded standard library,
//! a project's locked dependencies and `[params]`, into a salsa database. The command line,
//! the language server and the [`crate::Engine`] all read a workspace through it.

use std::path::{Path, PathBuf};
use tenet_db::{Database, SourceFile, Workspace};
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::Span;

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
        help("policy files end in `.tenet`; documents to evaluate are inputs, not policies")
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
    /// The embedded standard library's files in the workspace, and the sources of a project's
    /// locked dependencies.
    pub std_files: Vec<SourceFile>,
    /// Files that could not be read.
    pub errors: Vec<PolicyFileError>,
    /// The `override`s written for a project's `[params]`, to locate their problems in `tenet.toml`.
    pub manifest_params: Option<ManifestParams>,
}

/// A project's `[params]` as a generated policy file: line `i + 3` overrides `params[i]`.
pub struct ManifestParams {
    /// The generated file.
    pub file: SourceFile,
    /// The manifest's path.
    pub path: String,
    /// The manifest's text.
    pub text: String,
    /// The entries, in order.
    pub params: Vec<tenet_pkg::Param>,
}

impl LoadedPolicies {
    /// Where a diagnostic of `file` should be shown: its own path and text, except for the
    /// generated `[params]` file, whose problems are moved onto the value in `tenet.toml`.
    pub fn locate(&self, file: SourceFile, d: &Diagnostic) -> (&str, &str, Diagnostic) {
        if let Some(m) = &self.manifest_params
            && m.file == file
        {
            let text = file.text(&self.db);
            let line = text.get(..d.span.start as usize).map_or(0, |t| t.matches('\n').count());
            if let Some(param) = line.checked_sub(2).and_then(|i| m.params.get(i)) {
                let span = if d.code == tenet_syntax::codes::UNKNOWN_PARAM { &param.key_span } else { &param.span };
                let moved = Diagnostic {
                    span: Span::new(u32::try_from(span.start).unwrap_or(0), u32::try_from(span.end).unwrap_or(0)),
                    label: d.label.clone(),
                    notes: Vec::new(),
                    ..d.clone()
                };
                return (&m.path, &m.text, moved);
            }
        }
        (file.path(&self.db), file.text(&self.db), d.clone())
    }
}

/// Whether to add the embedded standard library to the user's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Std {
    /// Add it (packages the user's files declare themselves are not added twice).
    Include,
    /// Leave it out.
    Exclude,
}

/// Reads every policy file under `paths` into a fresh database, with the standard library.
pub fn load(paths: &[PathBuf], std: Std) -> LoadedPolicies {
    load_with_project(paths, std, None)
}

/// As [`load`], adding a project's locked dependencies and its `[params]` as overrides.
pub fn load_with_project(paths: &[PathBuf], std: Std, project: Option<&tenet_pkg::Project>) -> LoadedPolicies {
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
    let mut manifest_params = None;
    if let Some(project) = project {
        let (dependencies, params) = project_files(&db, project);
        std_files.extend(dependencies.into_iter().map(|(_, file)| file));
        if let Some(params) = params {
            files.push(params.file);
            manifest_params = Some(params);
        }
    }
    if std == Std::Include {
        // A package the user's files declare (say, a checkout of `policies/std` being
        // developed) replaces the embedded copy.
        let declared: Vec<_> =
            files.iter().chain(&std_files).filter_map(|f| tenet_db::file_outline(&db, *f).package.clone()).collect();
        std_files.extend(std_files_except(&db, &declared).into_iter().map(|(_, file)| file));
    }
    let workspace = Workspace::new(&db, files.iter().chain(&std_files).copied().collect());
    LoadedPolicies { db, workspace, files, std_files, errors, manifest_params }
}

/// The embedded standard library's files as library inputs of `db` (salsa `Durability::HIGH`),
/// with their names under `policies/std`, leaving out the packages in `declared` (a workspace
/// that declares `std.privacy` itself replaces the embedded copy).
pub fn std_files_except(db: &Database, declared: &[std::sync::Arc<str>]) -> Vec<(&'static str, SourceFile)> {
    let mut out = Vec::new();
    for (name, text) in tenet_std::FILES {
        let file = SourceFile::library(db, tenet_std::path_of(name), (*text).to_string());
        let package = tenet_db::file_outline(db, file).package.clone();
        if package.is_none_or(|p| !declared.contains(&p)) {
            out.push((*name, file));
        }
    }
    out
}

/// What a project brings beside its own files: its locked dependencies' sources as library
/// inputs of `db` (with their paths), and its `[params]` as a generated file of `override`s.
pub fn project_files(
    db: &Database,
    project: &tenet_pkg::Project,
) -> (Vec<(PathBuf, SourceFile)>, Option<ManifestParams>) {
    let mut dependencies = Vec::new();
    for dep in &project.dependencies {
        for source in &dep.sources {
            let file = SourceFile::library(db, source.path.display().to_string(), source.text.clone());
            dependencies.push((source.path.clone(), file));
        }
    }
    let params = (!project.params.is_empty()).then(|| {
        let text = tenet_db::manifest_overrides_source(project.params.iter().map(|p| (&*p.name, &*p.literal)));
        let path = project.manifest.path.display().to_string();
        let file = SourceFile::new(db, format!("{path} [params]"), text);
        let manifest_text = std::fs::read_to_string(&project.manifest.path).unwrap_or_default();
        ManifestParams { file, path, text: manifest_text, params: project.params.clone() }
    });
    (dependencies, params)
}
