//! Terminal rendering with miette: diagnostics and findings as snippets into their files.
//! This is the only place that turns on miette's `fancy` output.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::sync::Arc;
use tenet_eval::{Finding, Outcome};
use tenet_input::{DocSpan, Source};
use tenet_syntax::{Diagnostic, Supplied};

/// Renders diagnostics and findings, with or without colour, at a fixed width.
pub struct Renderer {
    handler: GraphicalReportHandler,
    color: bool,
}

impl Renderer {
    /// A renderer; without colour it uses a fixed-width theme, so output is stable for tests.
    pub fn new(color: bool) -> Self {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        Renderer { handler: GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false), color }
    }

    /// Whether it colours its output.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Renders any miette diagnostic, with columns in its header counted in characters.
    pub fn report(&self, diagnostic: &(dyn miette::Diagnostic + Send + Sync)) -> String {
        self.render(View::new(diagnostic, None, None))
    }

    /// Renders a Tenet diagnostic with a snippet of the file it points into.
    pub fn diagnostic(&self, diagnostic: &Diagnostic, path: &str, text: &str) -> String {
        let source = NamedSource::new(path, text.to_string());
        self.render(View::new(diagnostic, Some(&source), help_of(diagnostic)))
    }

    /// Renders a diagnostic in a document, with a snippet read through the document's line
    /// index (so rendering stays linear in a long YAML stream).
    pub fn document_diagnostic(&self, diagnostic: &Diagnostic<DocSpan>, source: &Source) -> String {
        self.render(View::new(diagnostic, Some(source), help_of(diagnostic)))
    }

    /// Renders a violated or undetermined finding with snippets of the document values it read.
    pub fn finding(&self, finding: &Finding, source: &Arc<Source>) -> String {
        self.report(&FindingReport::new(finding, Arc::clone(source)))
    }

    fn render(&self, mut view: View<'_>) -> String {
        view.location = snippet_too_wide(&view);
        let mut out = String::new();
        if self.handler.render_report(&mut out, &view).is_err() {
            out = format!("{view}\n");
        }
        out
    }
}

/// A diagnostic that points into no text (a kind given on the command line) as plain text:
/// its code, message and help, with which flag supplies what it found missing.
pub fn detached<S>(diagnostic: &Diagnostic<S>) -> String {
    let mut out = format!("error[{}]: {}\n", diagnostic.code, diagnostic.message);
    if let Some(help) = help_of(diagnostic) {
        out.push_str(&format!("\nhelp: {help}\n"));
    }
    out
}

/// A diagnostic's help as the command line gives it: the help of the layer that found the
/// problem, then which flag supplies what it found missing (only the CLI knows its flags).
pub fn help_of<S>(d: &Diagnostic<S>) -> Option<String> {
    cli_help(d.help.as_deref(), d.supplied)
}

/// `help`, followed by which flag supplies `supplied`.
pub fn cli_help(help: Option<&str>, supplied: Option<Supplied>) -> Option<String> {
    let flag = supplied.map(|s| match s {
        Supplied::PolicyFiles => "policies are given with `--policy`",
        Supplied::StandardLibrary => "the standard library is left out with `--no-std`",
        Supplied::DocumentKind { given: true } => "the kind was given with `--kind`",
        Supplied::DocumentKind { given: false } => "a document's kind can also be given with `--kind`",
    });
    match (help, flag) {
        (Some(help), Some(flag)) => Some(format!("{help}; {flag}")),
        (Some(help), None) => Some(help.to_string()),
        (None, flag) => flag.map(str::to_string),
    }
}

/// Lines longer than this are not shown as snippets (a 100,000-character line of brackets
/// would flood the terminal); the diagnostic names its location instead.
const MAX_SNIPPET_BYTES: usize = 1_000;

/// The `file:line:column` of the primary label when its snippet would be too wide to show.
fn snippet_too_wide(view: &View<'_>) -> Option<String> {
    use miette::SourceCode as _;
    let label = view.inner.labels()?.next()?;
    let around = view.source()?.read_span(label.inner(), 1, 1).ok()?;
    if around.data().len() <= MAX_SNIPPET_BYTES {
        return None;
    }
    let at = view.read_span(label.inner(), 0, 0).ok()?;
    Some(format!("{}:{}:{}", at.name().unwrap_or("input"), at.line() + 1, at.column() + 1))
}

/// A diagnostic as the renderer shows it: the inner diagnostic's code, severity, help and
/// labels, with its source (or one supplied here) read so that the `file:line:column` miette
/// prints counts columns in characters, as every other position Tenet reports does (miette
/// counts bytes). With `location` set, the snippet is left out and the location named instead.
struct View<'a> {
    inner: &'a (dyn miette::Diagnostic + Send + Sync),
    source: Option<&'a dyn miette::SourceCode>,
    location: Option<String>,
    /// Help that replaces the inner diagnostic's (see [`help_of`]).
    help: Option<String>,
    /// Snippets whose control characters were made harmless (see [`safe_snippet`]), kept
    /// as long as the view so miette can borrow them.
    safe: [std::sync::OnceLock<Vec<u8>>; SAFE_SNIPPETS],
    /// The next free entry of `safe`.
    next_safe: std::sync::atomic::AtomicUsize,
}

/// How many snippets with control characters one diagnostic can show (miette reads a few
/// per label); past these, the snippet is left out.
const SAFE_SNIPPETS: usize = 64;

impl<'a> View<'a> {
    fn new(
        inner: &'a (dyn miette::Diagnostic + Send + Sync),
        source: Option<&'a dyn miette::SourceCode>,
        help: Option<String>,
    ) -> Self {
        View {
            inner,
            source,
            location: None,
            help,
            safe: std::array::from_fn(|_| std::sync::OnceLock::new()),
            next_safe: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl View<'_> {
    fn source(&self) -> Option<&dyn miette::SourceCode> {
        match self.source {
            Some(s) => Some(s),
            None => self.inner.source_code(),
        }
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{} (at {at})", Escaped(self.inner)),
            None => fmt::Display::fmt(&Escaped(self.inner), f),
        }
    }
}

/// Text from documents shown on a terminal: control characters (an escape sequence that
/// would recolour, retitle or clear the terminal, a carriage return that would overwrite
/// the line) and bidirectional controls are written as escapes (`\x1b`, `\u{202e}`), line
/// breaks and tabs kept.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_hidden_control(c) {
            out.push(c);
        } else if c.is_ascii() {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A control character a terminal acts on rather than shows, other than a line break or a tab.
fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Displays its inner value with [`escape_controls`].
struct Escaped<D>(D);

impl<D: fmt::Display> fmt::Display for Escaped<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.0.to_string()))
    }
}

/// Whether a snippet holds a control character the terminal would act on.
fn needs_safe_snippet(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|text| text.chars().any(|c| is_hidden_control(c) && c != '\r'))
}

/// A snippet's bytes with every control character replaced by characters of the same length
/// (`?` for each byte of a C0 or C1 control, `�` for a bidirectional control), so labels still
/// point at the right bytes and nothing reaches the terminal that it would act on.
fn safe_snippet(data: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(data) else { return data.to_vec() };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\r' || !is_hidden_control(c) {
            out.push(c);
        } else if c.len_utf8() == '\u{FFFD}'.len_utf8() {
            out.push('\u{FFFD}');
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    out.into_bytes()
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match &self.help {
            Some(help) => Some(Box::new(Escaped(help))),
            None => self.inner.help().map(|help| Box::new(Escaped(help)) as Box<dyn fmt::Display + 'a>),
        }
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.location.is_some() {
            return None;
        }
        let labels = self.inner.labels()?;
        Some(Box::new(labels.map(|label| {
            let text = label.label().map(|l| escape_controls(l).into_owned());
            if label.primary() {
                LabeledSpan::new_primary_with_span(text, *label.inner())
            } else {
                LabeledSpan::new_with_span(text, *label.inner())
            }
        })))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        if self.location.is_some() { None } else { self.source().map(|_| self as &dyn miette::SourceCode) }
    }
}

impl miette::SourceCode for View<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let source = self.source().ok_or(miette::MietteError::OutOfBounds)?;
        let contents = source.read_span(span, before, after)?;
        let column = if before == 0 {
            // Read one line of context, which starts at a line start, to count the characters
            // before the span on its own line.
            let wider = source.read_span(span, 1, 0)?;
            let into = span.offset().saturating_sub(wider.span().offset());
            let prefix = wider.data().get(..into).unwrap_or(&[]);
            let line = prefix.rsplit(|b| *b == b'\n').next().unwrap_or(&[]);
            String::from_utf8_lossy(line).chars().count()
        } else {
            contents.column()
        };
        let name = contents.name().map(str::to_string).unwrap_or_default();
        let data: &'a [u8] = if needs_safe_snippet(contents.data()) {
            let slot = self.next_safe.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let safe = self.safe.get(slot).ok_or(miette::MietteError::OutOfBounds)?;
            safe.get_or_init(|| safe_snippet(contents.data()))
        } else {
            contents.data()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            name,
            data,
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// A finding as a miette report: its labels point at the evidence in the document.
struct FindingReport {
    title: String,
    severity: miette::Severity,
    labels: Vec<LabeledSpan>,
    help: String,
    source: Arc<Source>,
}

impl FindingReport {
    fn new(finding: &Finding, source: Arc<Source>) -> Self {
        let len = source.text.len();
        let status = match finding.status {
            Outcome::Violated => "violated",
            Outcome::Undetermined => "undetermined",
            Outcome::Waived => "waived",
            Outcome::Satisfied => "satisfied",
            Outcome::NotApplicable => "not applicable",
        };
        let title = format!("{status} [{}] {}\n{}", finding.severity, finding.obligation, finding.message);
        let mut labels = Vec::new();
        for e in &finding.evidence {
            let Some((start, end)) = e.span else { continue };
            let (start, end) = (start as usize, end as usize);
            let (start, end, label) = if e.absent {
                (start, start.saturating_add(1).min(len.max(1)), absent_label(&e.path))
            } else {
                (start, end, format!("{} = {}", e.path, e.shown))
            };
            if start <= len {
                labels.push(LabeledSpan::new_with_span(Some(label), start..end.min(len).max(start)));
            }
        }
        let mut help = Vec::new();
        if !finding.cite.is_empty() {
            help.push(format!("cite: {}", finding.cite.join("; ")));
        }
        for c in finding.explanation.iter().filter(|c| !c.guard) {
            let note = c.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            let clause = match c.clause {
                "when" => "applies when",
                "exception" => "displaced if",
                "forbidden" => "forbidden",
                _ => "requires",
            };
            help.push(format!("{clause}: `{}` is {}{note}", c.text, c.result));
        }
        if let Some(w) = &finding.waiver {
            let state = if w.expired { "expired" } else { "applies" };
            help.push(format!("waiver {state}: until {} approved by {} ({})", w.until, w.approved_by, w.reason));
        }
        help.push(format!("defined at {}", finding.defined_at));
        let severity = match finding.status {
            Outcome::Violated => miette::Severity::Error,
            Outcome::Undetermined => miette::Severity::Warning,
            _ => miette::Severity::Advice,
        };
        FindingReport { title, severity, labels, help: help.join("\n"), source }
    }
}

/// "this document has no `audit`", "`dpa.subprocessors[0]` has no `flowdown`".
fn absent_label(path: &str) -> String {
    match path.rfind(['.', '[']) {
        Some(i) if path.get(i..i + 1) == Some(".") => {
            format!("`{}` has no `{}`", path.get(..i).unwrap_or(""), path.get(i + 1..).unwrap_or(""))
        }
        Some(_) => format!("`{path}` is absent"),
        None => format!("this document has no `{path}`"),
    }
}

impl fmt::Debug for FindingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Display for FindingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for FindingReport {}

impl miette::Diagnostic for FindingReport {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() { None } else { Some(Box::new(self.labels.iter().cloned())) }
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        if self.labels.is_empty() { None } else { Some(&*self.source) }
    }
}
