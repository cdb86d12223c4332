//! A place in a named text, as messages and reports show it: `policy.tenet:3:7`.

use crate::{LineCol, LineIndex};
use std::fmt;
use std::sync::Arc;

/// A place in a file (or another named text) as people read it: a path, a 1-based line and a
/// 1-based column counted in characters. Shown as `path:line:column`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The path as given, used in messages.
    pub path: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`, a text read from `path`; builds a line index,
    /// so a caller locating many offsets in one text should keep its own [`LineIndex`] and
    /// use [`Location::new`].
    pub fn of(path: Arc<str>, text: &str, offset: usize) -> Location {
        Location::new(path, LineIndex::new(text).line_col(text, offset))
    }

    /// The location of `at` in the text read from `path`.
    pub fn new(path: Arc<str>, at: LineCol) -> Location {
        Location { path, line: at.line, column: at.column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_path_line_and_column() {
        let location = Location::of(Arc::from("p.tenet"), "package a\n  é x", 15);
        assert_eq!(location.to_string(), "p.tenet:2:5");
    }
}
