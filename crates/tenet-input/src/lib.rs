//! Loads the documents Tenet checks — vendor contracts, AI-system configurations — from YAML,
//! JSON and TOML into one tree of [`Node`]s that keep byte spans into their [`Source`], and
//! expands command-line input paths.
//!
//! This crate knows nothing about policies, schemas or evaluation. It guarantees that no input
//! makes it panic or overflow the stack: nesting deeper than [`Limits::max_depth`] and files
//! larger than [`Limits::max_bytes`] are reported as [`LoadError`]s.

mod collect;
mod error;
mod json;
mod limits;
mod node;
mod read;
mod source;
mod toml;
mod yaml;

use std::sync::Arc;

pub use collect::{InputPath, collect_inputs, collect_inputs_excluding};
pub use error::LoadError;
pub use limits::Limits;
pub use node::{Document, Entry, Node, NodeValue};
pub use read::{open_regular, read_input, read_source, read_source_as};
pub use source::{Format, Source};
pub use tenet_text::DocSpan;

/// Load every document in one source, in the format recorded on it.
///
/// A YAML stream with `---` separators yields several documents (a stream with none, such as
/// an empty file, yields one empty document, whose root is null);
/// JSON and TOML always yield exactly one, with index 0.
pub fn load(source: Arc<Source>, limits: &Limits) -> Result<Vec<Document>, LoadError> {
    match load_partial(source, limits) {
        (documents, None) => Ok(documents),
        (_, Some(error)) => Err(error),
    }
}

/// The documents of NDJSON text: each non-blank line with its 0-based line number (a `\r`
/// before the newline is dropped).
pub fn ndjson_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| (i, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty())
}

/// Loads one line of an NDJSON file (`line` is 0-based) as a JSON document whose positions
/// name the file's line; the document's index is its line number.
pub fn load_json_line(name: &str, line: usize, text: &str, limits: &Limits) -> Result<Document, LoadError> {
    let source = Arc::new(Source::new(name, text, Format::Json).with_line_offset(line));
    let root = json::parse(&source, limits)?;
    Ok(Document { source, index: line, root })
}

/// Hands each document of `source` to `each` as soon as it is loaded (for a YAML stream, as
/// each document ends, so a long stream is never held as trees all at once); `each` returns
/// `false` to stop. Returns the error that ended the source early, after the documents before
/// it, as [`load_partial`] does.
pub fn load_each(source: Arc<Source>, limits: &Limits, mut each: impl FnMut(Document) -> bool) -> Option<LoadError> {
    if source.format != Format::Yaml || source.text.len() > limits.max_bytes {
        let (documents, error) = load_partial(source, limits);
        for document in documents {
            if !each(document) {
                return None;
            }
        }
        return error;
    }
    yaml::load_each(&source, limits, each).err()
}

/// Like [`load`], but keeps the documents of a YAML stream that precede an error, so one
/// broken document in a stream does not hide the others.
pub fn load_partial(source: Arc<Source>, limits: &Limits) -> (Vec<Document>, Option<LoadError>) {
    if source.text.len() > limits.max_bytes {
        let error = LoadError::TooLarge {
            file: source.name.clone(),
            size: format!("{} bytes", source.text.len()),
            limit: limits.max_bytes,
        };
        return (Vec::new(), Some(error));
    }
    let mut documents = Vec::new();
    let result = match source.format {
        Format::Yaml => yaml::load(&source, limits, &mut documents),
        Format::Json => json::parse(&source, limits).map(|root| documents.push(Document { source, index: 0, root })),
        Format::Toml => toml::parse(&source, limits).map(|root| documents.push(Document { source, index: 0, root })),
        Format::Ndjson => ndjson_lines(&source.text).try_for_each(|(line, text)| {
            let document = load_json_line(&source.name, line, text, limits)?;
            documents.push(document);
            Ok(())
        }),
    };
    (documents, result.err())
}
