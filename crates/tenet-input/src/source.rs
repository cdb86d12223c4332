//! Source texts and their formats.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use tenet_text::LineIndex;

/// The byte-order mark some editors put at the start of UTF-8 files.
pub(crate) const BOM: &str = "\u{feff}";

/// The format a source is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML 1.2 (core schema), possibly several documents separated by `---`.
    Yaml,
    /// JSON (RFC 8259).
    Json,
    /// TOML 1.0.
    Toml,
    /// Newline-delimited JSON (`.ndjson`, `.jsonl`): one JSON document per line.
    Ndjson,
}

impl Format {
    /// The format for a file extension (`yaml`, `yml`, `json`, `toml`; any case).
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Self::Yaml),
            "json" => Some(Self::Json),
            "toml" => Some(Self::Toml),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }

    /// The format for a path, from its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension().and_then(|extension| extension.to_str()).and_then(Self::from_extension)
    }

    /// Guess the format of text whose name says nothing (standard input).
    ///
    /// `{` starts JSON; `[` starts JSON unless the line is a TOML table header; a first line of
    /// the form `key = ...` is TOML; anything else is YAML.
    pub fn sniff(text: &str) -> Self {
        let text = text.strip_prefix(BOM).unwrap_or(text);
        let first_line =
            text.lines().map(str::trim).find(|line| !line.is_empty() && !line.starts_with('#')).unwrap_or("");
        if first_line.starts_with('{') {
            return Self::Json;
        }
        if let Some(rest) = first_line.strip_prefix('[') {
            let header = rest.strip_prefix('[').unwrap_or(rest);
            let name_end = header.find(']').unwrap_or(header.len());
            let name = header.get(..name_end).unwrap_or("");
            let looks_like_header = !name.trim().is_empty()
                && name.trim().chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
            return if looks_like_header { Self::Toml } else { Self::Json };
        }
        if let Some((key, _)) = first_line.split_once('=') {
            let key = key.trim();
            if !key.is_empty()
                && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' '))
            {
                return Self::Toml;
            }
        }
        Self::Yaml
    }

    /// The lowercase name of the format (`yaml`, `json`, `toml`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Yaml => "yaml",
            Self::Json => "json",
            Self::Toml => "toml",
            Self::Ndjson => "ndjson",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The text of one input, with the name it was given by.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given on the command line, or `<stdin>`.
    pub name: String,
    /// The full text; every [`crate::DocSpan`] is a byte range into it.
    pub text: Arc<str>,
    /// The format the text is parsed as.
    pub format: Format,
    /// The text's lines, indexed on first use so positions cost a binary search.
    lines: std::sync::OnceLock<LineIndex>,
    /// Lines before the text in the file it came from (a line of an NDJSON file is a source
    /// of its own, and its positions still name the file's line).
    first_line: usize,
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text && self.format == other.format
    }
}

impl Eq for Source {}

impl Source {
    /// The name used for standard input.
    pub const STDIN_NAME: &'static str = "<stdin>";

    /// A source from in-memory text; a leading byte-order mark is dropped.
    pub fn new(name: impl Into<String>, text: &str, format: Format) -> Self {
        Self::from_parts(name.into(), Arc::from(text), format)
    }

    /// A source from its parts. A leading byte-order mark is dropped here, the one place that
    /// does it, so every parser and every span sees the same text (a second mark is text).
    pub fn from_parts(name: String, text: Arc<str>, format: Format) -> Self {
        let text = match text.strip_prefix(BOM) {
            Some(rest) => Arc::from(rest),
            None => text,
        };
        Self { name, text, format, lines: std::sync::OnceLock::new(), first_line: 0 }
    }

    /// The same source, positioned `lines` lines into its file: every line number it reports
    /// (positions and snippets) is moved down by `lines`.
    pub fn with_line_offset(mut self, lines: usize) -> Self {
        self.first_line = lines;
        self
    }

    /// Lines before this text in its file (0 unless it is part of a file).
    pub fn line_offset(&self) -> usize {
        self.first_line
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The 1-based line (in the file, see [`Self::with_line_offset`]) and 1-based column
    /// (counted in chars) of a byte offset; offsets past the end or inside a char are moved
    /// back to the nearest char boundary.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let at = self.lines().line_col(&self.text, offset);
        (at.line + self.first_line, at.column)
    }

    /// The source as miette wants it for diagnostics.
    pub(crate) fn named(&self) -> Arc<Source> {
        Arc::new(self.clone())
    }
}

/// Snippets for diagnostics in time proportional to the snippet, not to the text before it:
/// miette's own reading of a `str` scans from the start of the text for every snippet, which
/// made rendering the findings of a long YAML stream quadratic. Here the line index finds the
/// first line of context, miette reads from there, and line numbers are moved back into place
/// (with the source's line offset).
impl miette::SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let lines = self.lines();
        let first = lines.line_of(span.offset()).saturating_sub(context_lines_before);
        let base = lines.line_start(first).unwrap_or(0).min(self.text.len());
        let window = self.text.get(base..).ok_or(miette::MietteError::OutOfBounds)?;
        let shifted = miette::SourceSpan::new(span.offset().saturating_sub(base).into(), span.len());
        let contents = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let moved = miette::SourceSpan::new((contents.span().offset() + base).into(), contents.span().len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            moved,
            contents.line() + first + self.first_line,
            contents.column(),
            contents.line_count() + first + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let source = Source::new("t", "ab\né: x\n", Format::Yaml);
        assert_eq!(source.line_col(0), (1, 1));
        assert_eq!(source.line_col(3), (2, 1));
        // `:` comes after the two-byte `é`.
        assert_eq!(source.line_col(5), (2, 2));
        assert_eq!(source.line_col(4), (2, 1), "inside a char moves back");
        assert_eq!(source.line_col(999), (3, 1));
    }

    #[test]
    fn new_drops_bom() {
        let source = Source::new("t", "\u{feff}a: 1", Format::Yaml);
        assert_eq!(&*source.text, "a: 1");
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b.YML")), Some(Format::Yaml));
        assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("b.toml")), Some(Format::Toml));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("yaml")), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(Format::sniff("  {\"a\": 1}"), Format::Json);
        assert_eq!(Format::sniff("[1, 2]"), Format::Json);
        assert_eq!(Format::sniff("[vendor]\nname = 1"), Format::Toml);
        assert_eq!(Format::sniff("[[items]]\nname = 1"), Format::Toml);
        assert_eq!(Format::sniff("# c\nname = \"x\""), Format::Toml);
        assert_eq!(Format::sniff("name: x"), Format::Yaml);
        assert_eq!(Format::sniff("- a"), Format::Yaml);
        assert_eq!(Format::sniff(""), Format::Yaml);
    }
}
