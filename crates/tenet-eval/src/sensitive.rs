//! Values of fields a schema marks `@sensitive`: where they are written in a document, so
//! that reports show [`MASK`] in their place (evidence, messages, validation problems) and
//! quote the document with them blanked out.

use std::sync::Arc;
use tenet_input::Source;
use tenet_text::DocSpan;

/// What reports show instead of a sensitive value.
pub const MASK: &str = "‹sensitive›";

/// The byte ranges of a document's source that hold values of sensitive fields (a whole
/// record, list or map when the field holding it is sensitive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sensitive {
    spans: Vec<DocSpan>,
}

impl Sensitive {
    pub(crate) fn add(&mut self, span: DocSpan) {
        self.spans.push(span);
    }

    pub(crate) fn extend(&mut self, other: Sensitive) {
        self.spans.extend(other.spans);
    }

    /// Whether the document has no sensitive value.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether a value written at `(start, end)` is, is part of, or holds a sensitive value
    /// (a record or list read whole holds its sensitive fields).
    pub fn touches(&self, (start, end): (u32, u32)) -> bool {
        let (start, end) = (start as usize, end as usize);
        self.spans.iter().any(|s| s.start < end.max(start + 1) && start < s.end)
    }

    /// The text with every byte of a sensitive value replaced by `*` (line breaks kept), so
    /// every byte offset and line of the original still holds.
    pub fn mask_text(&self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for span in &self.spans {
            for b in bytes.iter_mut().take(span.end).skip(span.start) {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
        // Only whole characters were inside a span (spans start and end at characters), and
        // each of their bytes is now ASCII, so the text is still UTF-8; this never falls back.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The source as reports may quote it: the same source when nothing in it is sensitive,
    /// else a copy with the sensitive values blanked out by [`Sensitive::mask_text`].
    pub fn shown_source(&self, source: &Arc<Source>) -> Arc<Source> {
        if self.is_empty() {
            return source.clone();
        }
        let masked = Source::from_parts(source.name.clone(), Arc::from(self.mask_text(&source.text)), source.format)
            .with_line_offset(source.line_offset());
        Arc::new(masked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_offsets_and_lines() {
        let text = "name: Ann\nssn: \"123-45-ünï\"\nage: 3\n";
        let start = text.find('"').unwrap_or_default();
        let end = text.rfind('"').map_or(0, |i| i + 1);
        let mut s = Sensitive::default();
        s.add(DocSpan::new(start, end));
        let masked = s.mask_text(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("123-45"), "{masked}");
        assert_eq!(masked.lines().count(), 3);
        assert!(masked.starts_with("name: Ann\nssn: ****"));
        assert!(masked.ends_with("\nage: 3\n"));
        let (start, end) = (u32::try_from(start).unwrap_or(0), u32::try_from(end).unwrap_or(0));
        assert!(s.touches((start + 1, end - 1)));
        assert!(s.touches((0, u32::try_from(text.len()).unwrap_or(0))), "a value holding it");
        assert!(!s.touches((0, 4)));
    }
}
