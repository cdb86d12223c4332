//! The one workspace loader: finding and reading policy files, the embedded standard library,
//! a project's locked dependencies and `[params]`, into a salsa database. The command line,
//! the language server and the [`crate::Engine`] all read a workspace through it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet_db::{Database, SourceFile, Workspace};
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::FileSpan;

/// A policy file that could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PolicyFileError {
    /// The path does not exist or cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(tenet::policy::io))]
    Io { path: String, reason: String },
    /// The file is not UTF-8.
    #[error("`{path}` is not valid UTF-8 (first bad byte at line {line}, column {column})")]
    #[diagnostic(code(tenet::policy::utf8), help("save the file as UTF-8"))]
    Utf8 {
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
    NotPolicy { path: String },
    /// The file is larger than [`MAX_POLICY_BYTES`].
    #[error("`{path}` is larger than {limit} bytes, the limit for a policy file")]
    #[diagnostic(code(tenet::policy::too_large), help("split the policies into several files"))]
    TooLarge { path: String, limit: u64 },
}

/// The largest policy file read: 8 MiB, hundreds of times the size of the standard library.
pub const MAX_POLICY_BYTES: u64 = 8 * 1024 * 1024;

/// A policy file's bytes: a regular file (a FIFO or a device named `x.tenet` could block or
/// never end) of at most [`MAX_POLICY_BYTES`].
pub fn read_policy_bytes(path: &Path) -> Result<Vec<u8>, PolicyFileError> {
    use std::io::Read as _;
    let shown = || path.display().to_string();
    let io = |e: std::io::Error| PolicyFileError::Io { path: shown(), reason: e.to_string() };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        return Err(PolicyFileError::Io { path: shown(), reason: "not a regular file".into() });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_POLICY_BYTES.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(PolicyFileError::TooLarge { path: shown(), limit: MAX_POLICY_BYTES });
    }
    Ok(bytes)
}

/// The policy files under `paths`: `.tenet` files as given, directories searched recursively
/// as [`policy_files_under`] does.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PolicyFileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            let (found, walk_errors) = policy_files_under(path);
            files.extend(found);
            errors.extend(walk_errors);
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

/// The `.tenet` files under `dir`, sorted, as the command line and the language server both
/// find them: hidden entries, what `.gitignore` (and `.ignore`, `.git/info/exclude`) files
/// leave out, and `target` and `node_modules` directories are skipped; symbolic links to
/// directories are not followed.
pub fn policy_files_under(dir: &Path) -> (Vec<PathBuf>, Vec<PolicyFileError>) {
    let (files, errors, _) = policy_files_under_at_most(dir, usize::MAX);
    (files, errors)
}

/// As [`policy_files_under`], visiting at most `max_entries` directory entries (files and
/// directories alike, in the order the walk meets them); the last value says whether the
/// search stopped there. What an editor opened at `/` or a home directory uses, so it answers
/// in a bounded time.
pub fn policy_files_under_at_most(dir: &Path, max_entries: usize) -> (Vec<PathBuf>, Vec<PolicyFileError>, bool) {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let build_output = entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && matches!(entry.file_name().to_str(), Some("target" | "node_modules"));
            !build_output
        })
        .build();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut truncated = false;
    for (visited, entry) in walker.enumerate() {
        if visited >= max_entries {
            truncated = true;
            break;
        }
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.path().extension().is_some_and(|e| e == "tenet") {
                    files.push(entry.into_path());
                }
            }
            Err(e) => errors.push(PolicyFileError::Io { path: dir.display().to_string(), reason: e.to_string() }),
        }
    }
    files.sort();
    (files, errors, truncated)
}

/// A workspace holding the policy files under `paths`.
pub struct LoadedPolicies {
    pub db: Database,
    pub workspace: Workspace,
    /// Each file the user gave, with its input handle (the standard library's files are in
    /// the workspace but not here).
    pub files: Vec<SourceFile>,
    /// The embedded standard library's files in the workspace, and the sources of a project's
    /// locked dependencies.
    pub std_files: Vec<SourceFile>,
    /// Files that could not be read.
    pub errors: Vec<PolicyFileError>,
}

/// A diagnostic with the path and text its span points into.
pub struct Located<'a> {
    /// The file's path as shown to users.
    pub path: &'a str,
    pub text: &'a str,
    pub diagnostic: &'a Diagnostic,
}

impl LoadedPolicies {
    /// Every diagnostic of the workspace, located: the user's files, the project's `[params]`
    /// (in `tenet.toml`), then the libraries.
    pub fn diagnostics(&self) -> Vec<Located<'_>> {
        let db = &self.db;
        let of_files = |files: &'_ [SourceFile]| -> Vec<Located<'_>> {
            files
                .iter()
                .flat_map(|&file| {
                    tenet_db::file_diagnostics(db, self.workspace, file).iter().map(move |diagnostic| Located {
                        path: file.path(db),
                        text: file.text(db),
                        diagnostic,
                    })
                })
                .collect()
        };
        let mut out = of_files(&self.files);
        if let Some(manifest) = self.workspace.manifest_params(db) {
            out.extend(tenet_db::manifest_diagnostics(db, self.workspace).iter().map(|diagnostic| Located {
                path: &manifest.path,
                text: &manifest.text,
                diagnostic,
            }));
        }
        out.extend(of_files(&self.std_files));
        out
    }

    /// The path of the project's manifest, when its `[params]` are part of the workspace.
    pub fn manifest_path(&self) -> Option<&str> {
        self.workspace.manifest_params(&self.db).as_ref().map(|m| &*m.path)
    }
}

/// Whether to add the embedded standard library to the user's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Std {
    /// Add it (packages the user's files declare themselves are not added twice).
    Include,
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
        match read_policy_bytes(&path) {
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
            Err(e) => errors.push(e),
        }
    }
    let mut std_files = Vec::new();
    let mut manifest_params = None;
    let mut dependency_files = Vec::new();
    if let Some(project) = project {
        let (dependencies, params) = project_files(&db, project);
        dependency_files.extend(dependencies.into_iter().map(|(_, file)| file));
        std_files.extend(dependency_files.iter().copied());
        manifest_params = params;
    }
    if std == Std::Include {
        // A package the user's files declare (say, a checkout of `policies/std` being
        // developed) replaces the embedded copy.
        let declared: Vec<_> =
            files.iter().chain(&std_files).filter_map(|f| tenet_db::file_outline(&db, *f).package.clone()).collect();
        std_files.extend(std_files_except(&db, &declared).into_iter().map(|(_, file)| file));
    }
    let workspace = Workspace::builder(files.iter().chain(&std_files).copied().collect())
        .manifest_params(manifest_params)
        .dependency_files(dependency_files)
        .new(&db);
    LoadedPolicies { db, workspace, files, std_files, errors }
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
/// inputs of `db` (with their paths), and its `[params]` as the workspace's
/// [`tenet_db::ManifestParams`].
pub fn project_files(
    db: &Database,
    project: &tenet_pkg::Project,
) -> (Vec<(PathBuf, SourceFile)>, Option<tenet_db::ManifestParams>) {
    let mut dependencies = Vec::new();
    for dep in &project.dependencies {
        for source in &dep.sources {
            let file = SourceFile::library(db, source.path.display().to_string(), source.text.clone());
            dependencies.push((source.path.clone(), file));
        }
    }
    (dependencies, manifest_params(project))
}

/// A project's `[params]` with the manifest's path and text, which their spans point into.
fn manifest_params(project: &tenet_pkg::Project) -> Option<tenet_db::ManifestParams> {
    if project.params.is_empty() {
        return None;
    }
    let entries = project
        .params
        .iter()
        .map(|p| tenet_db::ManifestParam {
            name: Arc::from(p.name.as_str()),
            literal: Arc::from(p.literal.as_str()),
            name_span: FileSpan::from_range(p.key_span.clone()),
            value_span: FileSpan::from_range(p.span.clone()),
        })
        .collect();
    Some(tenet_db::ManifestParams {
        path: Arc::from(project.manifest.path.display().to_string()),
        text: Arc::from(project.manifest_text.as_str()),
        entries,
    })
}
