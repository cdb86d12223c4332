//! Byte ranges whose type says what they are relative to.
//!
//! A policy's syntax tree keeps its spans relative to the start of the item they are in, so an
//! edit to one item leaves every other item's tree equal and the checker can reuse its work; the
//! editor, the renderers and the line index want positions in the whole file; a document's values
//! point into the text of the document's source. Three types keep the three apart: an
//! [`ItemSpan`] becomes a [`FileSpan`] only through [`ItemSpan::in_file`], given the item's start,
//! and a [`DocSpan`] never meets either.

use std::ops::Range;

/// A byte range of some text, whatever it is relative to: what renderers and line indexes need.
pub trait TextSpan: Copy {
    /// The byte range.
    fn range(self) -> Range<usize>;
}

macro_rules! span_type {
    ($(#[$doc:meta])* $name:ident($offset:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            /// First byte.
            pub start: $offset,
            /// One past the last byte.
            pub end: $offset,
        }

        impl $name {
            /// A span from `start` to `end`.
            pub const fn new(start: $offset, end: $offset) -> Self {
                Self { start, end }
            }

            /// An empty span at `at`.
            pub const fn at(at: $offset) -> Self {
                Self { start: at, end: at }
            }

            /// The smallest span covering both.
            pub fn to(self, other: Self) -> Self {
                Self::new(self.start.min(other.start), self.end.max(other.end))
            }

            /// Whether `offset` is inside, counting the end (a cursor just after a name is on it).
            pub fn touches(self, offset: $offset) -> bool {
                self.start <= offset && offset <= self.end
            }

            /// Whether `other` lies wholly inside this span.
            pub fn contains(self, other: Self) -> bool {
                self.start <= other.start && other.end <= self.end
            }

            /// Its length in bytes.
            pub fn len(self) -> $offset {
                self.end.saturating_sub(self.start)
            }

            /// Whether it covers no bytes.
            pub fn is_empty(self) -> bool {
                self.end <= self.start
            }

            /// The byte range, to slice the text it is relative to.
            pub fn range(self) -> Range<usize> {
                usize::try_from(self.start).unwrap_or(usize::MAX)..usize::try_from(self.end).unwrap_or(usize::MAX)
            }
        }

        impl TextSpan for $name {
            fn range(self) -> Range<usize> {
                $name::range(self)
            }
        }
    };
}

span_type! {
    /// A byte range in a policy item, relative to the item's first byte. Every span in a syntax
    /// tree is one.
    ItemSpan(u32)
}

span_type! {
    /// A byte range in a policy file, from the file's first byte.
    FileSpan(u32)
}

span_type! {
    /// A byte range in the text of a document's source (a YAML, JSON, TOML or NDJSON file, or
    /// standard input), from its first byte.
    DocSpan(usize)
}

impl ItemSpan {
    /// Where this span is in the file, for an item that starts at byte `item_start` of it.
    pub fn in_file(self, item_start: u32) -> FileSpan {
        FileSpan::new(self.start.saturating_add(item_start), self.end.saturating_add(item_start))
    }
}

impl FileSpan {
    /// Where this span is in the item that starts at byte `item_start`, if it starts no earlier.
    pub fn in_item(self, item_start: u32) -> Option<ItemSpan> {
        Some(ItemSpan::new(self.start.checked_sub(item_start)?, self.end.checked_sub(item_start)?))
    }

    /// A range of `usize` offsets, such as a loader's, clamped to what a policy file can hold.
    pub fn from_range(range: Range<usize>) -> Self {
        FileSpan::new(u32::try_from(range.start).unwrap_or(u32::MAX), u32::try_from(range.end).unwrap_or(u32::MAX))
    }
}

impl From<Range<usize>> for DocSpan {
    fn from(range: Range<usize>) -> Self {
        DocSpan::new(range.start, range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_span_moves_into_the_file_and_back() {
        let span = ItemSpan::new(3, 7);
        let placed = span.in_file(100);
        assert_eq!(placed, FileSpan::new(103, 107));
        assert_eq!(placed.in_item(100), Some(span));
        assert_eq!(placed.in_item(104), None);
    }

    #[test]
    fn spans_cover_and_touch() {
        let a = DocSpan::new(2, 5);
        assert_eq!(a.to(DocSpan::new(8, 9)), DocSpan::new(2, 9));
        assert!(a.touches(5) && !a.touches(6));
        assert!(a.contains(DocSpan::new(3, 4)) && !a.contains(DocSpan::new(3, 6)));
        assert_eq!((a.len(), a.is_empty(), DocSpan::at(4).is_empty()), (3, false, true));
        assert_eq!(FileSpan::new(1, 4).range(), 1..4);
    }
}
