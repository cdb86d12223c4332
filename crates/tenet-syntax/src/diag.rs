//! Diagnostics shared by every layer: a stable code, a message, a primary span, optional
//! secondary labels and help. Rendering (colours, snippets) is the CLI's business.

use crate::ast::{FileSpan, ItemSpan, TextSpan};
use crate::codes::Code;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Worth knowing; never fails a run.
    Warning,
    /// The policy cannot be used as written.
    Error,
}

impl Level {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the program running Tenet supplies and a diagnostic found missing or wrong.
/// Lower layers name it; each front end says how its user supplies it (the CLI names its
/// flags, which no other layer mentions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Supplied {
    /// The policy files checked together.
    PolicyFiles,
    /// The embedded standard library, which can be left out.
    StandardLibrary,
    /// A document's kind given from outside the document (`true` when it was, and is the
    /// one at fault).
    DocumentKind {
        /// Whether this document's kind was given from outside it.
        given: bool,
    },
}

/// A secondary location with a note.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note<S = FileSpan> {
    /// Where the note's label goes; [`Diagnostic::in_file`] moves it with the primary span.
    pub span: S,
    pub message: String,
}

/// One problem found in a policy (or, from validation, in a document).
///
/// `S` says what its spans are relative to: the checker makes diagnostics about an item with
/// [`ItemSpan`]s, [`Diagnostic::in_file`] places them in their file, and everything above the
/// checker sees [`FileSpan`]s, the default. Validation's diagnostics point into a document's
/// source with `tenet_text::DocSpan`s.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{message}")]
pub struct Diagnostic<S = FileSpan> {
    /// Its stable code, such as `tenet::E0202`.
    pub code: Code,
    pub level: Level,
    /// Lowercase, no trailing period, user text in backticks.
    pub message: String,
    /// The exact place.
    pub span: S,
    /// Text on the primary label.
    pub label: String,
    /// Other places worth showing.
    pub notes: Vec<Note<S>>,
    /// How to fix it, when known.
    pub help: Option<String>,
    /// What the front end supplies that bears on it, for the front end to word.
    pub supplied: Option<Supplied>,
}

impl<S> Diagnostic<S> {
    /// An error with a code, a message and a labelled span.
    pub fn error(code: Code, message: impl Into<String>, span: S) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            message: fix_articles(message.into()),
            span,
            label: String::new(),
            notes: Vec::new(),
            help: None,
            supplied: None,
        }
    }

    /// A warning with a code, a message and a labelled span.
    pub fn warning(code: Code, message: impl Into<String>, span: S) -> Self {
        Diagnostic { level: Level::Warning, ..Diagnostic::error(code, message, span) }
    }

    /// Sets the primary label's text.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = fix_articles(label.into());
        self
    }

    /// Adds help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says what the front end supplies that bears on the problem.
    pub fn with_supplied(mut self, supplied: Supplied) -> Self {
        self.supplied = Some(supplied);
        self
    }

    /// Adds a secondary label.
    pub fn with_note(mut self, span: S, message: impl Into<String>) -> Self {
        self.notes.push(Note { span, message: fix_articles(message.into()) });
        self
    }

    /// Whether this is an error rather than a warning.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The same diagnostic with its spans mapped by `place`.
    pub fn map_spans<T>(self, mut place: impl FnMut(S) -> T) -> Diagnostic<T> {
        let Diagnostic { code, level, message, span, label, notes, help, supplied } = self;
        let notes = notes.into_iter().map(|Note { span, message }| Note { span: place(span), message }).collect();
        Diagnostic { code, level, message, span: place(span), label, notes, help, supplied }
    }
}

impl Diagnostic<ItemSpan> {
    /// The same diagnostic placed in its file, for an item that starts at byte `item_start`.
    pub fn in_file(self, item_start: u32) -> Diagnostic<FileSpan> {
        self.map_spans(|span| span.in_file(item_start))
    }
}

impl<S: TextSpan + fmt::Debug + Send + Sync + 'static> miette::Diagnostic for Diagnostic<S> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = miette::LabeledSpan::new_primary_with_span(
            (!self.label.is_empty()).then(|| self.label.clone()),
            self.span.range(),
        );
        let notes =
            self.notes.iter().map(|n| miette::LabeledSpan::new_with_span(Some(n.message.clone()), n.span.range()));
        Some(Box::new(std::iter::once(primary).chain(notes)))
    }
}

/// Messages are built as "a `{type}`"; this turns "a `int`" into "an `int`".
fn fix_articles(text: String) -> String {
    if !text.contains("a `") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut rest = text.as_str();
    while let Some(i) = rest.find("a `") {
        let (before, after) = rest.split_at(i);
        let standalone = before.is_empty() || before.ends_with(' ') || before.ends_with('(');
        let vowel = after.get(3..4).is_some_and(|c| "aeiouAEIOU".contains(c));
        out.push_str(before);
        out.push_str(if standalone && vowel { "an `" } else { "a `" });
        rest = after.get(3..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// A name that resolved to nothing, with the names it could have meant: the one shape of every
/// "unknown …" diagnostic (an error, or a warning when its code is one). It becomes a
/// [`Diagnostic`] in one place, which suggests the
/// closest candidate ("did you mean `x`?") or, when none is close, says `otherwise`.
#[derive(Clone, Debug)]
pub struct Unresolved<'a, S = ItemSpan> {
    pub code: Code,
    /// What is wrong, such as "unknown type `Contrakt`".
    pub message: String,
    /// Where the name is written.
    pub span: S,
    /// Text on the name, such as "not a type".
    pub label: &'a str,
    /// The name as written.
    pub name: &'a str,
    /// The names it could have meant.
    pub candidates: Vec<&'a str>,
    /// Help when no candidate is close enough to suggest.
    pub otherwise: Option<String>,
}

impl<S> Unresolved<'_, S> {
    /// The diagnostic, saying, when no candidate is close, that the front end's `supplied`
    /// may provide the name (the policy files that declare it, the standard library).
    pub fn or_supplied(self, supplied: Supplied) -> Diagnostic<S> {
        let close = did_you_mean(self.name, self.candidates.iter().copied()).is_some();
        let d = Diagnostic::from(self);
        if close { d } else { d.with_supplied(supplied) }
    }
}

impl<S> From<Unresolved<'_, S>> for Diagnostic<S> {
    fn from(u: Unresolved<'_, S>) -> Diagnostic<S> {
        let d = if u.code.is_warning() {
            Diagnostic::warning(u.code, u.message, u.span)
        } else {
            Diagnostic::error(u.code, u.message, u.span)
        }
        .with_label(u.label);
        match (did_you_mean(u.name, u.candidates), u.otherwise) {
            (Some(close), _) => d.with_help(format!("did you mean `{close}`?")),
            (None, Some(otherwise)) => d.with_help(otherwise),
            (None, None) => d,
        }
    }
}

/// The closest candidate to `name` among `candidates`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::normalized_damerau_levenshtein(name, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["retention_days", "categories", "role"];
        assert_eq!(did_you_mean("retention_day", fields), Some("retention_days"));
        assert_eq!(did_you_mean("rol", fields), Some("role"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn articles_follow_the_sound_of_the_type() {
        assert_eq!(fix_articles("found a `int`, expected a `date`".into()), "found an `int`, expected a `date`");
        assert_eq!(fix_articles("declared as a `AiSystem` (a `Enum`)".into()), "declared as an `AiSystem` (an `Enum`)");
        assert_eq!(fix_articles("has a `x` and a `ünique`".into()), "has a `x` and a `ünique`");
    }

    #[test]
    fn placing_in_the_file_moves_every_span() {
        let d = Diagnostic::error(crate::codes::SYNTAX, "x", ItemSpan::new(1, 2)).with_note(ItemSpan::new(3, 4), "n");
        let d = d.in_file(10);
        assert_eq!(d.span, FileSpan::new(11, 12));
        assert_eq!(d.notes.first().map(|n| n.span), Some(FileSpan::new(13, 14)));
    }
}
