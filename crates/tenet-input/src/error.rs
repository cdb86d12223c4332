//! Errors from reading and loading inputs.

use std::sync::Arc;

use miette::{Diagnostic, SourceSpan};

use crate::Source;
use tenet_text::DocSpan;

/// Why an input could not be read or loaded.
///
/// Each kind has a stable code (`tenet::input::...`); errors about a place in a text carry that
/// text and a label on the exact span.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LoadError {
    /// The text is not well-formed YAML, JSON or TOML, or uses a feature Tenet does not read.
    #[error("{message}")]
    #[diagnostic(code(tenet::input::syntax))]
    Syntax {
        message: String,
        /// The input the span points into.
        #[source_code]
        src: Arc<crate::Source>,
        /// The bytes of `src` the label points at.
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        /// How to fix it, where known.
        #[help]
        help: Option<String>,
    },

    /// The file is not UTF-8.
    #[error("`{file}` is not valid utf-8: invalid byte at {line}:{column}")]
    #[diagnostic(code(tenet::input::utf8), help("save the file as utf-8"))]
    Utf8 {
        /// The file name as given.
        file: String,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in chars) of the first invalid byte.
        column: usize,
        /// The text, with invalid bytes replaced.
        #[source_code]
        src: Arc<crate::Source>,
        /// The first invalid byte.
        #[label("first invalid byte")]
        span: SourceSpan,
    },

    /// The input is larger than [`crate::Limits::max_bytes`].
    #[error("`{file}` is {size}, over the limit of {limit} bytes")]
    #[diagnostic(code(tenet::input::too_large), help("split the document into smaller files"))]
    TooLarge {
        /// The file name as given.
        file: String,
        /// The size, as text (`52428800 bytes`, or `at least 16777217 bytes` for a stream).
        size: String,
        /// The limit in bytes.
        limit: usize,
    },

    /// The document nests lists and maps deeper than the limit.
    #[error("document nests deeper than {limit} levels")]
    #[diagnostic(
        code(tenet::input::too_deep),
        help("flatten the document: Tenet reads at most {limit} nested lists and maps")
    )]
    TooDeep {
        /// The limit passed: [`crate::Limits::max_depth`].
        limit: usize,
        /// The input the span points into.
        #[source_code]
        src: Arc<crate::Source>,
        /// The collection that passes the limit.
        #[label("this passes the nesting limit")]
        span: SourceSpan,
    },

    /// A YAML stream holds more documents than the limit.
    #[error("more than {limit} documents in one yaml stream")]
    #[diagnostic(
        code(tenet::input::too_many_documents),
        help(
            "split the stream into several files, or write many documents as NDJSON (one JSON document per line), which has no such limit"
        )
    )]
    TooManyDocuments {
        /// The limit passed: [`crate::Limits::max_documents`].
        limit: usize,
        /// The input the span points into.
        #[source_code]
        src: Arc<crate::Source>,
        /// The start of the first document past the limit.
        #[label("this document passes the limit")]
        span: SourceSpan,
    },

    /// A map has the same key twice.
    #[error("duplicate key `{key}`")]
    #[diagnostic(code(tenet::input::duplicate_key), help("remove or rename one of the two entries"))]
    DuplicateKey {
        key: String,
        /// The input the spans point into.
        #[source_code]
        src: Arc<crate::Source>,
        /// The second occurrence.
        #[label("duplicate key")]
        span: SourceSpan,
        /// The first occurrence, where known.
        #[label("first defined here")]
        first: Option<SourceSpan>,
    },

    /// The file or directory could not be read.
    #[error("cannot read `{file}`: {error}")]
    #[diagnostic(code(tenet::input::io))]
    Io {
        /// The path as given.
        file: String,
        error: std::io::Error,
    },

    /// The path names something that is not a regular file: a FIFO, a device, a socket (or a
    /// link to one, such as `/dev/stdin`). Reading it could block forever or never end.
    #[error("`{file}` is {what}, not a regular file")]
    #[diagnostic(code(tenet::input::not_a_file), help("only regular files are read; to read standard input, give `-`"))]
    NotAFile {
        /// The path as given.
        file: String,
        /// What it is instead: "a FIFO", "a character device", …
        what: &'static str,
    },

    /// The format of an input cannot be determined.
    #[error("{message}")]
    #[diagnostic(code(tenet::input::format))]
    Format {
        /// The path as given.
        file: String,
        message: String,
        /// How to fix it, when known.
        #[help]
        help: Option<String>,
    },
    /// An `--exclude-path` glob that is not one.
    #[error("`{glob}` is not a glob: {reason}")]
    #[diagnostic(
        code(tenet::input::exclude),
        help("write globs as in `.gitignore`, such as `vendor/**` or `*.draft.yaml`")
    )]
    BadExclude { glob: String, reason: String },
}

impl LoadError {
    /// The error for a named file whose extension is not one Tenet reads.
    pub(crate) fn unknown_extension(name: &str) -> LoadError {
        LoadError::Format {
            file: name.to_owned(),
            message: format!("cannot tell the format of `{name}` from its extension"),
            help: Some("name the file with a `.yaml`, `.yml`, `.json` or `.toml` extension".to_owned()),
        }
    }

    /// The file (or `<stdin>`) the error is about, as given.
    pub fn file(&self) -> &str {
        match self {
            Self::Syntax { src, .. }
            | Self::TooDeep { src, .. }
            | Self::TooManyDocuments { src, .. }
            | Self::DuplicateKey { src, .. } => &src.name,
            Self::Utf8 { file, .. }
            | Self::TooLarge { file, .. }
            | Self::Io { file, .. }
            | Self::NotAFile { file, .. }
            | Self::Format { file, .. } => file,
            Self::BadExclude { glob, .. } => glob,
        }
    }

    /// The byte span the error points at, if it is about a place in a text.
    pub fn span(&self) -> Option<DocSpan> {
        match self {
            Self::Syntax { span, .. }
            | Self::TooDeep { span, .. }
            | Self::TooManyDocuments { span, .. }
            | Self::DuplicateKey { span, .. }
            | Self::Utf8 { span, .. } => Some(DocSpan::new(span.offset(), span.offset() + span.len())),
            Self::TooLarge { .. }
            | Self::Io { .. }
            | Self::NotAFile { .. }
            | Self::Format { .. }
            | Self::BadExclude { .. } => None,
        }
    }

    /// The 1-based line and column (in chars) the error points at, if any.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            Self::Utf8 { line, column, .. } => Some((*line, *column)),
            Self::Syntax { src, span, .. }
            | Self::TooDeep { src, span, .. }
            | Self::TooManyDocuments { src, span, .. }
            | Self::DuplicateKey { src, span, .. } => Some(src.line_col(span.offset())),
            Self::TooLarge { .. }
            | Self::Io { .. }
            | Self::NotAFile { .. }
            | Self::Format { .. }
            | Self::BadExclude { .. } => None,
        }
    }

    /// A syntax error at `span` of `source`.
    pub(crate) fn syntax(
        source: &Source,
        span: impl Into<DocSpan>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<&str>,
    ) -> Self {
        Self::Syntax {
            message: message.into(),
            src: source.named(),
            span: source_span(span.into()),
            label: label.into(),
            help: help.map(str::to_owned),
        }
    }

    /// A nesting error at `span` of `source`.
    pub(crate) fn too_deep(source: &Source, span: impl Into<DocSpan>, limit: usize) -> Self {
        Self::TooDeep { limit, src: source.named(), span: source_span(span.into()) }
    }

    /// A stream with more than `limit` documents; `span` is where the first one past it starts.
    pub(crate) fn too_many_documents(source: &Source, span: impl Into<DocSpan>, limit: usize) -> Self {
        Self::TooManyDocuments { limit, src: source.named(), span: source_span(span.into()) }
    }

    /// A duplicate key at `span`, first written at `first`.
    pub(crate) fn duplicate_key(source: &Source, key: &str, span: DocSpan, first: Option<DocSpan>) -> Self {
        Self::DuplicateKey {
            key: key.to_owned(),
            src: source.named(),
            span: source_span(span),
            first: first.map(source_span),
        }
    }
}

/// The span as miette labels it.
fn source_span(span: DocSpan) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.len())
}
