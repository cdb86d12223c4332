//! [`Engine`]: policies loaded and checked once, then evaluated against any number of
//! documents, from any number of threads.

use crate::load::{self, LoadedPolicies, PolicyFileError, Std};
use jiff::civil::Date;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet_db::Program;
use tenet_eval::json_schema::JsonSchemaOptions;
use tenet_eval::{DocumentResult, Evaluation, Explain};
use tenet_input::{Format, Limits, Source};
use tenet_syntax::Diagnostic;
use tenet_text::Location;

/// A problem in the policies, located in the file it was found in.
#[derive(Clone, Debug)]
pub struct PolicyProblem {
    /// Where the diagnostic's primary span starts: in a policy file (`<std>/…` for the
    /// embedded library) or in the project's `tenet.toml`.
    pub at: Location,
    /// The file's text, for rendering the diagnostic's snippet.
    pub text: Arc<str>,
    /// The diagnostic, with spans in `text`.
    pub diagnostic: Diagnostic,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        write!(f, "{}: {} {}", self.at, d.code, d.message)
    }
}

/// Why an engine could not be built: files that could not be read, or policies with errors.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("the policies have {} error{}", self.count(), if self.count() == 1 { "" } else { "s" })]
#[diagnostic(code(tenet::policy::errors), help("run `tenet check` on the policies for the full report"))]
pub struct PolicyErrors {
    /// Files that could not be read.
    pub files: Vec<PolicyFileError>,
    /// Errors found by the checker.
    pub problems: Vec<PolicyProblem>,
}

impl PolicyErrors {
    fn count(&self) -> usize {
        self.files.len() + self.problems.len()
    }
}

/// Checked, compiled policies, ready to evaluate documents. Cheap to share: `Send + Sync`,
/// and evaluation takes `&self`.
///
/// ```no_run
/// let engine = tenet::Engine::standard_library()?;
/// let today = jiff::civil::date(2026, 11, 28);
/// let results = engine.evaluate_text("system.json", r#"{"kind": "AiSystem", "id": "a"}"#, None, today);
/// for finding in &results[0].report.findings {
///     println!("{} {}", finding.obligation, finding.status.as_str());
/// }
/// # Ok::<(), tenet::PolicyErrors>(())
/// ```
#[derive(Clone, Debug)]
pub struct Engine {
    program: Arc<Program>,
    problems: Vec<PolicyProblem>,
    warnings: usize,
    limits: Limits,
}

impl Engine {
    /// The embedded standard library alone.
    pub fn standard_library() -> Result<Engine, PolicyErrors> {
        Engine::from_paths(&[], Std::Include)
    }

    /// The policy files under `paths` (files and directories), with the embedded standard
    /// library unless `std` is [`Std::Exclude`]. Fails on unreadable files and policy errors.
    pub fn from_paths(paths: &[PathBuf], std: Std) -> Result<Engine, PolicyErrors> {
        Engine::checked(load::load(paths, std))
    }

    /// The project whose `tenet.toml` is in `dir`: its own policy files, its locked
    /// dependencies (from the package cache, never the network) and its `[params]`, with the
    /// embedded standard library.
    pub fn from_project(dir: &Path) -> Result<Engine, ProjectError> {
        Engine::checked(Engine::load_project(dir)?).map_err(ProjectError::Policies)
    }

    /// The workspace [`Engine::from_project`] compiles, not yet checked (for a caller that
    /// also keeps its [`LoadedPolicies::sources`]).
    pub fn load_project(dir: &Path) -> Result<LoadedPolicies, ProjectError> {
        let project = match tenet_pkg::project::load(dir) {
            Ok(Some(project)) => project,
            Ok(None) => return Err(ProjectError::NoManifest(dir.display().to_string())),
            Err(e) => return Err(ProjectError::Package(e)),
        };
        let paths: Vec<PathBuf> = project.sources.iter().map(|s| s.path.clone()).collect();
        Ok(load::load_with_project(&paths, Std::Include, Some(&project)))
    }

    /// The engine of a loaded workspace, or every problem that keeps it from being one: files
    /// that could not be read and policy errors.
    pub fn checked(loaded: LoadedPolicies) -> Result<Engine, PolicyErrors> {
        let engine = Engine::from_loaded(&loaded);
        if loaded.errors.is_empty() && !engine.has_errors() {
            return Ok(engine);
        }
        Err(PolicyErrors { files: loaded.errors, problems: engine.problems })
    }

    /// An engine over policies already loaded, keeping their problems (errors and warnings)
    /// for the caller to report; obligations with errors are left out of the program.
    pub fn from_loaded(loaded: &LoadedPolicies) -> Engine {
        let mut problems = Vec::new();
        let mut warnings = 0;
        for located in loaded.diagnostics() {
            if !located.diagnostic.is_error() {
                warnings += 1;
                continue;
            }
            problems.push(PolicyProblem {
                at: Location::of(Arc::from(located.path), located.text, located.diagnostic.span.start as usize),
                text: Arc::from(located.text),
                diagnostic: located.diagnostic.clone(),
            });
        }
        let program = Arc::new(tenet_db::compile_program(&loaded.db, loaded.workspace).clone());
        Engine { program, problems, warnings, limits: Limits::default() }
    }

    /// The same engine, reading documents with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// The limits documents are read with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether the policies have errors (their obligations are then left out).
    pub fn has_errors(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The policy errors, located.
    pub fn problems(&self) -> &[PolicyProblem] {
        &self.problems
    }

    /// How many warnings the policies have.
    pub fn warnings(&self) -> usize {
        self.warnings
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The JSON Schema (draft 2020-12) of documents of `kind`, as validation reads them (see
    /// `tenet_eval::json_schema`). An unknown kind is `E0705` with "did you mean", a kind
    /// several schemas answer to `E0708`; the diagnostic has no span.
    pub fn json_schema(
        &self,
        kind: &str,
        options: &JsonSchemaOptions,
    ) -> Result<serde_json::Value, Box<Diagnostic<tenet_text::DocSpan>>> {
        tenet_eval::json_schema::json_schema(&self.program, kind, options)
    }

    /// The document kinds: the qualified names of the schemas obligations apply to, sorted.
    pub fn document_kinds(&self) -> Vec<&str> {
        let program = &self.program;
        program
            .schemas
            .keys()
            .filter(|k| program.obligations.iter().any(|o| o.item.kind == **k))
            .map(|k| &**k)
            .collect()
    }

    /// An evaluation as of `today`, to configure (selection, explanations) and run over many
    /// documents, from many threads.
    pub fn evaluation(&self, today: Date) -> Evaluation<'_> {
        Evaluation::new(&self.program, today)
    }

    /// Loads one text (a YAML stream gives several documents; `format` defaults to the one
    /// the name's extension says, else to sniffing the text) and evaluates each document as of
    /// `today`, explaining failing findings. A text that does not load gives one result with
    /// its problem, never an error.
    pub fn evaluate_text(&self, name: &str, text: &str, format: Option<Format>, today: Date) -> Vec<DocumentResult> {
        self.evaluate_text_with(&self.evaluation(today).with_explain(Explain::Failing), name, text, format, None)
    }

    /// As [`Engine::evaluate_text`], with a configured evaluation and a kind that overrides
    /// the documents' `kind:` fields.
    pub fn evaluate_text_with(
        &self,
        evaluation: &Evaluation<'_>,
        name: &str,
        text: &str,
        format: Option<Format>,
        kind: Option<&str>,
    ) -> Vec<DocumentResult> {
        let format = format.or_else(|| Format::from_path(Path::new(name))).unwrap_or_else(|| Format::sniff(text));
        let source = Arc::new(Source::new(name, text, format));
        let (documents, error) = tenet_input::load_partial(source, &self.limits);
        let mut results: Vec<DocumentResult> = documents.iter().map(|d| evaluation.evaluate(d, kind)).collect();
        if let Some(e) = error {
            results.push(evaluation.load_failed(name, documents.len(), crate::input::load_problem(&e)));
        }
        results
    }
}

/// Why a project could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The directory has no `tenet.toml`.
    #[error("no `tenet.toml` in `{0}`; create one with `tenet new`")]
    NoManifest(String),
    /// The manifest, lock file or a dependency is broken or missing.
    #[error(transparent)]
    Package(tenet_pkg::PkgError),
    /// The policies have errors.
    #[error(transparent)]
    Policies(PolicyErrors),
}

impl miette::Diagnostic for ProjectError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            ProjectError::NoManifest(_) => Some(Box::new("tenet::project::missing")),
            ProjectError::Package(e) => miette::Diagnostic::code(e),
            ProjectError::Policies(e) => e.code(),
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            ProjectError::NoManifest(_) => None,
            ProjectError::Package(e) => miette::Diagnostic::help(e),
            ProjectError::Policies(e) => e.help(),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        match self {
            ProjectError::Package(e) => miette::Diagnostic::labels(e),
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            ProjectError::Package(e) => miette::Diagnostic::source_code(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_shared_across_threads() {
        assert_send_sync::<Engine>();
        assert_send_sync::<Evaluation<'static>>();
    }

    #[test]
    fn policy_errors_are_located() {
        let dir = std::env::temp_dir().join(format!("tenet-engine-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("bad.tenet");
        let _ = std::fs::write(&file, "package bad\n\nrule r = missing_name > 1\n");
        let Err(errors) = Engine::from_paths(&[file], Std::Exclude) else {
            let _ = std::fs::remove_dir_all(&dir);
            unreachable!("a policy with an unknown name has errors");
        };
        let _ = std::fs::remove_dir_all(&dir);
        let first = errors.problems.first().map(ToString::to_string).unwrap_or_default();
        assert!(first.contains("bad.tenet:3:"), "{first}");
    }
}
