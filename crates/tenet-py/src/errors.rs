//! Policy problems as the Python exception `tenet.PolicyError`, which carries every
//! diagnostic: code, severity, message, file, line, column and help.

use miette::Diagnostic as _;
use pyo3::prelude::*;
use tenet::PolicyErrors;
use tenet::load::PolicyFileError;

/// One diagnostic as handed to `tenet.PolicyError`: (code, severity, message, file, line,
/// column, help).
type Entry = (String, &'static str, String, Option<String>, Option<usize>, Option<usize>, Option<String>);

/// The exception for a failed build, or the error raised while building it.
fn raise(py: Python<'_>, entries: Vec<Entry>) -> PyErr {
    let made =
        py.import("tenet._errors").and_then(|m| m.getattr("PolicyError")).and_then(|class| class.call1((entries,)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

fn code_of(e: &dyn miette::Diagnostic, fallback: &str) -> String {
    e.code().map_or_else(|| fallback.to_string(), |c| c.to_string())
}

fn file_error(e: &PolicyFileError) -> Entry {
    let (path, line, column) = match e {
        PolicyFileError::Io { path, .. }
        | PolicyFileError::NotPolicy { path }
        | PolicyFileError::TooLarge { path, .. } => (path.clone(), None, None),
        PolicyFileError::Utf8 { path, line, column } => (path.clone(), Some(*line), Some(*column)),
    };
    let help = e.help().map(|h| h.to_string());
    (code_of(e, "tenet::policy::io"), "error", e.to_string(), Some(path), line, column, help)
}

fn entries(errors: &PolicyErrors) -> Vec<Entry> {
    let mut out: Vec<Entry> = errors.files.iter().map(file_error).collect();
    out.extend(errors.problems.iter().map(|p| {
        let d = &p.diagnostic;
        (
            d.code.to_string(),
            d.level.as_str(),
            d.message.clone(),
            Some(p.at.path.to_string()),
            Some(p.at.line),
            Some(p.at.column),
            d.help.clone(),
        )
    }));
    out
}

/// `tenet.PolicyError` for policies that could not be read or have errors.
pub fn policy_errors(py: Python<'_>, errors: &PolicyErrors) -> PyErr {
    raise(py, entries(errors))
}

/// `tenet.PolicyError` for a project that could not be loaded.
pub fn project_error(py: Python<'_>, error: &tenet::ProjectError) -> PyErr {
    let entries = match error {
        tenet::ProjectError::Policies(errors) => entries(errors),
        tenet::ProjectError::NoManifest(dir) => {
            vec![(
                code_of(error, "tenet::project::missing"),
                "error",
                error.to_string(),
                Some(dir.clone()),
                None,
                None,
                None,
            )]
        }
        tenet::ProjectError::Package(e) => {
            let (file, line, column) = e.location().map_or((None, None, None), |(f, l, c)| (Some(f), Some(l), Some(c)));
            let help = miette::Diagnostic::help(e).map(|h| h.to_string());
            vec![(code_of(error, "tenet::package"), "error", e.to_string(), file, line, column, help)]
        }
    };
    raise(py, entries)
}
