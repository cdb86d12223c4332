//! The one error type of package handling: a stable code, a message, help, and, for problems in
//! a file (a manifest, a lock file), the exact place in it.

use miette::{LabeledSpan, NamedSource};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Stable error codes (`tenet::pkg::…`), listed in docs/packages.md.
pub mod codes {
    /// The manifest or lock file is not valid TOML.
    pub const TOML: &str = "tenet::pkg::toml";
    /// A key the manifest does not know.
    pub const UNKNOWN_KEY: &str = "tenet::pkg::unknown_key";
    /// A required key is missing.
    pub const MISSING_KEY: &str = "tenet::pkg::missing_key";
    /// A value of the wrong type or form.
    pub const BAD_VALUE: &str = "tenet::pkg::bad_value";
    /// A file or directory could not be read or written.
    pub const IO: &str = "tenet::pkg::io";
    /// No `tenet.toml` where one is needed.
    pub const NO_MANIFEST: &str = "tenet::pkg::no_manifest";
    /// Requirements on one package that no version satisfies together.
    pub const CONFLICT: &str = "tenet::pkg::conflict";
    /// A dependency that depends, directly or through others, on the project itself.
    pub const CYCLE: &str = "tenet::pkg::cycle";
    /// No published version matches a requirement.
    pub const NO_VERSION: &str = "tenet::pkg::no_version";
    /// `--locked` and the lock file would have to change.
    pub const LOCKED: &str = "tenet::pkg::locked";
    /// The lock file is malformed.
    pub const LOCK: &str = "tenet::pkg::lock";
    /// A dependency is locked but not in the cache.
    pub const NOT_FETCHED: &str = "tenet::pkg::not_fetched";
    /// A registry could not be reached or answered with an error.
    pub const REGISTRY: &str = "tenet::pkg::registry";
    /// A registry refused the credentials, needs some, or denied access.
    pub const AUTH: &str = "tenet::pkg::auth";
    /// A TLS connection failed (an unknown CA, a bad certificate) or plain HTTP was refused.
    pub const TLS: &str = "tenet::pkg::tls";
    /// Downloaded bytes do not have the digest they should.
    pub const DIGEST_MISMATCH: &str = "tenet::pkg::digest_mismatch";
    /// An archive that is malformed or unsafe to extract.
    pub const UNSAFE_ARCHIVE: &str = "tenet::pkg::unsafe_archive";
    /// A package without a signature where signatures are required.
    pub const UNSIGNED: &str = "tenet::pkg::unsigned";
    /// A signature by a key the manifest does not trust.
    pub const UNTRUSTED: &str = "tenet::pkg::untrusted";
    /// A signature that does not verify.
    pub const BAD_SIGNATURE: &str = "tenet::pkg::bad_signature";
    /// A key file that cannot be used.
    pub const KEY: &str = "tenet::pkg::key";
    /// A git command failed.
    pub const GIT: &str = "tenet::pkg::git";
    /// A dependency whose package is not what its entry says.
    pub const MISMATCH: &str = "tenet::pkg::mismatch";
    /// A package with policy errors or failing tests, refused by `tenet package` and `tenet publish`.
    pub const NOT_READY: &str = "tenet::pkg::not_ready";
}

/// A place in a file: its text, the byte span and the label shown there.
#[derive(Clone, Debug)]
struct Location {
    source: Arc<NamedSource<String>>,
    span: Range<usize>,
    label: String,
}

/// A package problem. Messages are lowercase without a trailing period, user text in backticks.
#[derive(Clone, Debug)]
pub struct PkgError(Box<Inner>);

#[derive(Clone, Debug)]
struct Inner {
    code: &'static str,
    message: String,
    help: Option<String>,
    location: Option<Location>,
    related: Vec<PkgError>,
}

impl PkgError {
    /// An error with a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        PkgError(Box::new(Inner { code, message: message.into(), help: None, location: None, related: Vec::new() }))
    }

    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, error: &std::io::Error) -> Self {
        PkgError::new(codes::IO, format!("cannot access `{}`: {}", path.display(), io_reason(error)))
    }

    /// Adds help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Places the error at `span` in `source`, with a label.
    pub fn at(mut self, source: &Arc<NamedSource<String>>, span: Range<usize>, label: impl Into<String>) -> Self {
        self.0.location = Some(Location { source: Arc::clone(source), span, label: label.into() });
        self
    }

    /// Adds further errors found in the same pass, shown after this one.
    pub fn with_related(mut self, related: Vec<PkgError>) -> Self {
        self.0.related.extend(related);
        self
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn help_text(&self) -> Option<&str> {
        self.0.help.as_deref()
    }

    /// Other errors found in the same pass.
    pub fn related_errors(&self) -> &[PkgError] {
        &self.0.related
    }

    /// The file name, 1-based line and 1-based column (in characters) of the error, if it has a place.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let at = self.0.location.as_ref()?;
        let text = at.source.inner();
        let position = tenet_text::LineIndex::new(text).line_col(text, at.span.start);
        Some((at.source.name().to_string(), position.line, position.column))
    }

    /// The byte offset of the error's place, for ordering errors of one file.
    pub(crate) fn offset(&self) -> usize {
        self.0.location.as_ref().map_or(0, |l| l.span.start)
    }

    /// This error and its related errors as separate errors without related ones, for
    /// renderers that show one diagnostic at a time.
    pub fn flatten(&self) -> Vec<PkgError> {
        self.all()
            .map(|e| {
                let mut single = e.clone();
                single.0.related.clear();
                single
            })
            .collect()
    }

    /// This error and its related errors, one after the other.
    pub fn all(&self) -> impl Iterator<Item = &PkgError> {
        std::iter::once(self).chain(self.0.related.iter())
    }
}

/// An I/O error's reason, lowercase and without the OS error number.
pub(crate) fn io_reason(error: &std::io::Error) -> String {
    let text = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

impl fmt::Display for PkgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for PkgError {}

impl miette::Diagnostic for PkgError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.0.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.location.as_ref().map(|l| l.source.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let at = self.0.location.as_ref()?;
        let label = (!at.label.is_empty()).then(|| at.label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(label, at.span.clone()))))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.0.related.is_empty() {
            return None;
        }
        Some(Box::new(self.0.related.iter().map(|e| e as &dyn miette::Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_names_the_file() {
        let source = Arc::new(NamedSource::new("tenet.toml", "[package]\nnam = 1\n".to_string()));
        let e = PkgError::new(codes::UNKNOWN_KEY, "unknown key `nam`").at(&source, 10..13, "here");
        assert_eq!(e.location(), Some(("tenet.toml".to_string(), 2, 1)));
    }

    #[test]
    fn location_counts_characters() {
        let source = Arc::new(NamedSource::new("tenet.toml", "[package]\nnamé = 1\n".to_string()));
        let e = PkgError::new(codes::UNKNOWN_KEY, "unknown key `namé`").at(&source, 16..17, "here");
        assert_eq!(e.location(), Some(("tenet.toml".to_string(), 2, 6)));
    }
}
