//! The document input, its analysis, and what the analysis reports: diagnostics at the values
//! that decided each finding, and a summary of the outcomes.

use std::path::Path;
use std::sync::Arc;
use tenet_db::ir::QualName;
use tenet_db::{Db, Workspace, compile_program};
use tenet_eval::{DocumentResult, Evaluation, Explain, Finding, KindChoice, Outcome, Severity};
use tenet_input::{Document, Format, Limits, Source};
use tenet_syntax::Level;
use tenet_text::{DocSpan, Location};

/// A YAML, JSON or TOML file open in the editor.
#[salsa::input(debug)]
pub struct DocumentFile {
    /// The path, as shown in messages (its extension says the format).
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// The kind a project's `[inputs]` gives files at this path.
    #[returns(ref)]
    pub default_kind: Option<Arc<str>>,
    /// The date obligations are evaluated at.
    pub today: jiff::civil::Date,
}

/// Everything known about one document file.
#[derive(Debug)]
pub struct DocumentAnalysis {
    /// The text as loaded, into which every span points.
    pub source: Arc<Source>,
    /// The documents that loaded (a YAML stream holds several), in order.
    pub documents: Vec<AnalysedDocument>,
    /// Why the rest of the file did not load.
    pub load_error: Option<LoadProblem>,
    /// Whether the file is Tenet's to report on (see [`AnalysedDocument::served`]).
    pub served: bool,
}

/// A syntax error (or another load error) in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadProblem {
    pub span: DocSpan,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
}

/// One document of the file, validated and evaluated.
#[derive(Debug)]
pub struct AnalysedDocument {
    pub document: Document,
    /// Its report (every finding explained) and validation diagnostics.
    pub result: DocumentResult,
    /// The schema it was validated against, when its kind names exactly one.
    pub schema: Option<QualName>,
    /// Whether Tenet reports on it: its kind names a schema (or nearly: a misspelt kind is
    /// reported with a "did you mean"), or a project's `[inputs]` covers its file. Another
    /// tool's file (`kind: Deployment`) is left alone.
    pub served: bool,
}

/// Loads, validates and evaluates a document file against the workspace's compiled policies.
#[salsa::tracked(returns(ref), no_eq)]
pub fn analyse_document(db: &dyn Db, workspace: Workspace, file: DocumentFile) -> DocumentAnalysis {
    let program = compile_program(db, workspace);
    let path = file.path(db);
    let text = file.text(db);
    let format = Format::from_path(Path::new(path)).unwrap_or_else(|| Format::sniff(text));
    let source = Arc::new(Source::new(path.clone(), text, format));
    let (loaded, error) = tenet_input::load_partial(source.clone(), &Limits::default());
    let evaluation = Evaluation::new(program, *file.today(db)).with_explain(Explain::All);
    let default_kind = file.default_kind(db);
    let choice = default_kind.clone().map_or(KindChoice::Own, KindChoice::Default);
    let known = |kind: &str| {
        let names = program.schemas.keys().flat_map(|name| [&**name, name.rsplit('.').next().unwrap_or(name)]);
        tenet_eval::schema_of_kind(program, kind).is_ok() || tenet_syntax::did_you_mean(kind, names).is_some()
    };
    let documents: Vec<AnalysedDocument> = loaded
        .into_iter()
        .map(|document| {
            let result = evaluation.evaluate_as(&document, &choice);
            let schema = result
                .report
                .kind
                .as_deref()
                .and_then(|k| tenet_eval::schema_of_kind(program, k).ok())
                .map(|s| s.name.clone());
            let served = default_kind.is_some() || result.report.kind.as_deref().is_some_and(known);
            AnalysedDocument { document, result, schema, served }
        })
        .collect();
    let load_error = error.map(|e| {
        use miette::Diagnostic as _;
        LoadProblem {
            span: e.span().unwrap_or_default(),
            code: e.code().map_or_else(|| "tenet::input".to_string(), |c| c.to_string()),
            message: e.to_string(),
            help: e.help().map(|h| h.to_string()),
        }
    });
    // A file that does not load is Tenet's when what it says of its kind is.
    let says_known_kind = || {
        let at = load_error.as_ref().map_or(0, |e| e.span.start);
        super::cursor::written_kind(format, text, at).is_some_and(|k| known(&k))
    };
    let served = documents.iter().any(|d| d.served) || default_kind.is_some() || says_known_kind();
    DocumentAnalysis { source, documents, load_error, served }
}

impl DocumentAnalysis {
    /// The document at `offset`: the last one starting at or before it.
    pub fn document_at(&self, offset: usize) -> Option<&AnalysedDocument> {
        let mut found = self.documents.first();
        for doc in &self.documents {
            if doc.start() <= offset {
                found = Some(doc);
            }
        }
        found.filter(|d| d.served)
    }
}

impl AnalysedDocument {
    /// Where the document's content starts.
    pub fn start(&self) -> usize {
        self.document.root.span.start
    }

    /// Where a finding is best shown: at the value that decided it (for a violation, a value the
    /// failing requirement read; for an undetermined finding, where the missing value would
    /// go), else at the document's `kind:`, else at its start.
    pub fn finding_span(&self, finding: &Finding) -> DocSpan {
        let status = finding.waiver.as_ref().map_or(finding.status, |w| w.original_status);
        let deciding = match status {
            Outcome::Violated => Some(if finding.modality == "prohibition" { "true" } else { "false" }),
            Outcome::Undetermined => Some("unknown"),
            _ => None,
        };
        let in_requirement = |clause: &str| clause == "requirement" || clause == "forbidden";
        let decided_by = finding
            .explanation
            .iter()
            .filter(|c| !c.guard && in_requirement(c.clause) && Some(c.result) == deciding)
            .flat_map(|c| c.evidence.iter());
        let span = decided_by
            .filter_map(|e| e.span)
            .next()
            .or_else(|| finding.evidence.iter().find_map(|e| e.span))
            .map(|(start, end)| DocSpan::new(start as usize, end as usize));
        span.unwrap_or_else(|| self.kind_span())
    }

    /// The `kind:` value, else the document's start.
    pub fn kind_span(&self) -> DocSpan {
        self.document.root.get("kind").map_or(DocSpan::at(self.start()), |k| k.span)
    }
}

/// How much a diagnostic matters, as editors show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocumentSeverity {
    Error,
    Warning,
    Information,
    Hint,
}

/// A problem or finding in a document file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDiagnostic {
    pub span: DocSpan,
    pub severity: DocumentSeverity,
    /// A diagnostic code (`tenet::E0702`) or, for a finding, the obligation's qualified name.
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// For a finding: its outcome and where its obligation is declared.
    pub finding: Option<(Outcome, Location)>,
}

/// The diagnostics of a document file: load and validation problems, and the findings worth
/// showing (violated by severity, undetermined as information, waived and displaced as hints).
pub fn document_diagnostics(db: &dyn Db, workspace: Workspace, file: DocumentFile) -> Vec<DocumentDiagnostic> {
    let analysis = analyse_document(db, workspace, file);
    if !analysis.served {
        return Vec::new();
    }
    let mut out = Vec::new();
    for doc in analysis.documents.iter().filter(|d| d.served) {
        for d in &doc.result.diagnostics {
            out.push(DocumentDiagnostic {
                span: d.span,
                severity: match d.level {
                    Level::Error => DocumentSeverity::Error,
                    Level::Warning => DocumentSeverity::Warning,
                },
                code: d.code.to_string(),
                message: d.message.clone(),
                help: d.help.clone(),
                finding: None,
            });
        }
        for finding in &doc.result.report.findings {
            if let Some(diagnostic) = finding_diagnostic(doc, finding) {
                out.push(diagnostic);
            }
        }
    }
    if let Some(e) = &analysis.load_error {
        out.push(DocumentDiagnostic {
            span: e.span,
            severity: DocumentSeverity::Error,
            code: e.code.clone(),
            message: e.message.clone(),
            help: e.help.clone(),
            finding: None,
        });
    }
    out
}

fn finding_diagnostic(doc: &AnalysedDocument, finding: &Finding) -> Option<DocumentDiagnostic> {
    let (severity, what) = match (finding.status, &finding.displaced_by) {
        (Outcome::Violated, _) => (violation_severity(finding.severity), "violated"),
        (Outcome::Undetermined, _) => (DocumentSeverity::Information, "undetermined"),
        (Outcome::Waived, _) => (DocumentSeverity::Hint, "waived"),
        (Outcome::NotApplicable, Some(_)) => (DocumentSeverity::Hint, "displaced"),
        _ => return None,
    };
    let mut message = format!("{what}: {}", finding.message);
    if let Some(waiver) = &finding.waiver {
        let state = if waiver.expired { "expired on" } else { "until" };
        message.push_str(&format!(
            "\nwaiver {state} {}, approved by {}: {}",
            waiver.until, waiver.approved_by, waiver.reason
        ));
    }
    message.push_str(&format!("\n{} ({} · {})", finding.obligation, finding.severity.as_str(), finding.area.as_str()));
    if !finding.cite.is_empty() {
        let cites: Vec<&str> = finding.cite.iter().map(|c| &**c).collect();
        message.push_str(&format!("\n{}", cites.join("; ")));
    }
    Some(DocumentDiagnostic {
        span: doc.finding_span(finding),
        severity,
        code: finding.obligation.to_string(),
        message,
        help: None,
        finding: Some((finding.status, finding.defined_at.clone())),
    })
}

/// Violations of critical and high obligations are errors, of medium ones warnings, of low and
/// informational ones information.
fn violation_severity(severity: Severity) -> DocumentSeverity {
    match severity {
        Severity::Critical | Severity::High => DocumentSeverity::Error,
        Severity::Medium => DocumentSeverity::Warning,
        Severity::Low | Severity::Info => DocumentSeverity::Information,
    }
}

/// The outcomes of one document, counted, for a line at its top.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSummary {
    /// Where the document starts (its first line).
    pub span: DocSpan,
    /// Such as "3 violated · 2 undetermined · 14 satisfied".
    pub title: String,
}

/// The order outcomes are counted in a summary: what needs attention first.
const SUMMARY_ORDER: [Outcome; 5] =
    [Outcome::Violated, Outcome::Undetermined, Outcome::Waived, Outcome::Satisfied, Outcome::NotApplicable];

/// A summary line per served document of the file.
pub fn document_summaries(db: &dyn Db, workspace: Workspace, file: DocumentFile) -> Vec<DocumentSummary> {
    let analysis = analyse_document(db, workspace, file);
    let mut out = Vec::new();
    for doc in analysis.documents.iter().filter(|d| d.served) {
        let report = &doc.result.report;
        let title = if !report.evaluated {
            let errors = doc.result.diagnostics.iter().filter(|d| d.is_error()).count();
            format!("not evaluated: {errors} error{}", if errors == 1 { "" } else { "s" })
        } else if report.findings.is_empty() {
            format!("no obligation applies to `{}` documents", report.kind.as_deref().unwrap_or("these"))
        } else {
            SUMMARY_ORDER
                .iter()
                .filter_map(|o| {
                    let n = report.findings.iter().filter(|f| f.status == *o).count();
                    (n > 0).then(|| format!("{n} {}", o.as_str().replace('_', " ")))
                })
                .collect::<Vec<_>>()
                .join(" · ")
        };
        out.push(DocumentSummary { span: DocSpan::at(doc.start()), title });
    }
    out
}
