//! `tenet eval --format html`: one self-contained page for people. Charts of the findings by
//! area and severity, a matrix of documents × areas coloured by the worst outcome, and every
//! finding with its explanation, the evidence quoted from the document, citations, waiver and
//! exception, filterable in the page. Each document's section is written as it finishes; the
//! summary comes at the end and CSS places it first.
//!
//! Everything taken from documents and policies goes through maud, which escapes it; the
//! page's own CSS and script are inline, and its Content-Security-Policy allows only them (by
//! hash), so the page loads nothing and runs nothing else.

use crate::decision_log::RunReport;
use crate::outputs::PolicyProblem;
use base64::Engine as _;
use maud::{Markup, html};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tenet_eval::{
    Area, Condition, DocumentReport, Evidence, Finding, Outcome, OverrideReport, Severity, Summary, WaiverReport,
};
use tenet_syntax::Level;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// How much of a long line (minified JSON) a quote keeps on each side of the value, in characters.
const QUOTE_CONTEXT: usize = 60;

/// The page up to the documents' sections.
pub fn header(today: &str) -> String {
    let csp = format!("default-src 'none'; style-src '{}'; script-src '{}'", csp_hash(STYLE), csp_hash(SCRIPT));
    let title = html! { title { "Tenet report · " (today) } };
    let csp = html! { meta http-equiv="Content-Security-Policy" content=(csp); };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{}\n{}\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<section id=\"findings\">\n<h2>Findings</h2>\n",
        csp.into_string(),
        title.into_string()
    )
}

/// A CSP source expression for an inline element's exact text.
fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// The element id of a document's section, unique in the page (the file, its place in the
/// file, its `id`).
pub fn anchor(report: &DocumentReport) -> String {
    let mut hasher = Sha256::new();
    hasher.update(report.source.as_bytes());
    hasher.update([0]);
    hasher.update(report.index.to_le_bytes());
    hasher.update(report.id.as_deref().unwrap_or("").as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("doc-{hex}")
}

/// How a document is named in the page: its file, place in a stream, kind and `id`.
fn label(report: &DocumentReport) -> String {
    let mut out = report.source.clone();
    if report.index > 0 {
        out.push_str(&format!(" (document {})", report.index + 1));
    }
    match (&report.kind, &report.id) {
        (Some(kind), Some(id)) => out.push_str(&format!(" · {kind} {id}")),
        (Some(kind), None) => out.push_str(&format!(" · {kind}")),
        (None, Some(id)) => out.push_str(&format!(" · {id}")),
        (None, None) => {}
    }
    out
}

/// One document's section: its problems and its findings (those `--status` keeps), the worst
/// outcomes and the most severe first.
pub fn document(report: &DocumentReport, text: &str) -> String {
    let id = anchor(report);
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_key(|f| (std::cmp::Reverse(rank(f.status)), std::cmp::Reverse(f.severity)));
    html! {
        section.document id=(id) {
            h3 { (label(report)) }
            @if !report.evaluated {
                p.muted { "Not evaluated: the problems below stop it." }
            }
            @for p in &report.problems {
                @let level = if p.severity == Level::Error { "error" } else { "warning" };
                div.problem.(level) {
                    strong { (level) " " (p.code) } ": " (p.message)
                    @if let Some(line) = p.line {
                        span.muted { " (line " (line) ", column " (p.column.unwrap_or(1)) ")" }
                    }
                    @if let Some(help) = &p.help { br; span.muted { "help: " (help) } }
                }
            }
            @for f in findings {
                (finding(f, &id, text))
            }
        }
    }
    .into_string()
}

fn finding(f: &Finding, doc: &str, text: &str) -> Markup {
    let status = f.status.as_str();
    html! {
        article.finding.(status) data-doc=(doc) data-area=(f.area.as_str()) data-severity=(f.severity.as_str()) data-outcome=(status) {
            header {
                span.badge.(status) { (outcome_label(f.status)) }
                span.badge.sev.(f.severity.as_str()) { (f.severity.as_str()) }
                span.muted { (f.area.as_str()) " · " (f.modality) }
                code.name { (f.obligation) }
            }
            p.message { (f.message) }
            @if !f.cite.is_empty() {
                p { strong { "Cite: " } (f.cite.join("; ")) }
            }
            @if let Some(w) = &f.waiver {
                p.waiver {
                    @if w.expired {
                        strong { "Expired waiver" } " (not applied): "
                    } @else {
                        strong { "Waived" } " (was " (outcome_label(w.original_status)) "): "
                    }
                    (w.reason) " Approved by " (w.approved_by) ", until " (w.until) "."
                }
            }
            @if let Some(exception) = &f.displaced_by {
                p.exception { strong { "Exception: " } "displaced by " code { (exception) } }
            }
            @if !f.explanation.is_empty() {
                ol.conditions {
                    @for c in &f.explanation { (condition(c, text)) }
                }
            }
            p.defined { "Defined at " (f.defined_at) }
        }
    }
}

fn condition(c: &Condition, text: &str) -> Markup {
    html! {
        li {
            span.muted { (c.clause) " " }
            code { (c.text) } " is "
            span class=(format!("result-{}", c.result)) { (c.result) }
            @if let Some(note) = &c.note { span.muted { " (" (note) ")" } }
            @if !c.evidence.is_empty() {
                ul.evidence {
                    @for e in &c.evidence { (evidence(e, text)) }
                }
            }
        }
    }
}

fn evidence(e: &Evidence, text: &str) -> Markup {
    let shown = if e.shown.is_empty() { e.value.to_string() } else { e.shown.clone() };
    html! {
        li {
            code { (e.path) }
            @if e.absent {
                " is absent"
                @if let Some(line) = e.line { " (its nearest parent is at line " (line) ")" }
            } @else {
                " = " code { (shown) }
                @if let Some(line) = e.line { " at line " (line) ", column " (e.column.unwrap_or(1)) }
            }
            @if let (Some(line), Some(span)) = (e.line, e.span) && let Some(q) = quote(text, span, e.absent) {
                pre.quote {
                    span.ln { (line) } (q.before) @if q.value.is_empty() {} @else { mark { (q.value) } } (q.after)
                }
            }
        }
    }
}

/// The line of the document a value is on, cut into what precedes it, the value (its first
/// line) and what follows; long lines keep [`QUOTE_CONTEXT`] characters each side.
struct Quote {
    before: String,
    value: String,
    after: String,
}

fn quote(text: &str, (start, end): (u32, u32), absent: bool) -> Option<Quote> {
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?.max(start);
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(start..)?.find('\n').map_or(text.len(), |i| start + i);
    // An absent value is quoted at its parent, whose span may cover many lines: no mark.
    let value_end = if absent { start } else { end.min(line_end) };
    let before = text.get(line_start..start)?;
    let value = text.get(start..value_end)?;
    let after = text.get(value_end..line_end)?;
    let before = match before.char_indices().rev().nth(QUOTE_CONTEXT) {
        Some((i, _)) => format!("…{}", before.get(i..).unwrap_or_default()),
        None => before.to_string(),
    };
    let after = match after.char_indices().nth(QUOTE_CONTEXT) {
        Some((i, _)) => format!("{}…", after.get(..i).unwrap_or_default()),
        None => after.to_string(),
    };
    Some(Quote {
        before: before.trim_end_matches('\r').to_string(),
        value: value.to_string(),
        after: after.trim_end_matches('\r').to_string(),
    })
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Violated => "violated",
        Outcome::Undetermined => "undetermined",
        Outcome::Waived => "waived",
        Outcome::Satisfied => "satisfied",
        Outcome::NotApplicable => "not applicable",
    }
}

/// How bad an outcome is, for the matrix: a document's cell shows its worst.
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Violated => 4,
        Outcome::Undetermined => 3,
        Outcome::Waived => 2,
        Outcome::Satisfied => 1,
        Outcome::NotApplicable => 0,
    }
}

/// A row of the matrix.
struct Row {
    anchor: String,
    label: String,
    evaluated: bool,
    /// The worst outcome per area of the document's findings.
    worst: BTreeMap<Area, Outcome>,
}

/// What the page's summary needs, gathered from every document (whatever `--status` keeps):
/// the counts per area and per severity, and one matrix row per document.
#[derive(Default)]
pub struct Totals {
    areas: BTreeMap<Area, BTreeMap<Outcome, usize>>,
    severities: BTreeMap<Severity, BTreeMap<Outcome, usize>>,
    rows: Vec<Row>,
}

impl Totals {
    /// Counts a document's findings and adds its row.
    pub fn add(&mut self, report: &DocumentReport) {
        let mut worst: BTreeMap<Area, Outcome> = BTreeMap::new();
        for f in &report.findings {
            *self.areas.entry(f.area).or_default().entry(f.status).or_default() += 1;
            *self.severities.entry(f.severity).or_default().entry(f.status).or_default() += 1;
            let cell = worst.entry(f.area).or_insert(f.status);
            if rank(f.status) > rank(*cell) {
                *cell = f.status;
            }
        }
        self.rows.push(Row { anchor: anchor(report), label: label(report), evaluated: report.evaluated, worst });
    }
}

/// What the end of the page shows beyond the documents.
pub struct Page<'a> {
    pub today: &'a str,
    pub summary: &'a Summary,
    pub totals: &'a Totals,
    pub run: &'a RunReport,
    pub waivers: &'a [WaiverReport],
    pub overrides: &'a [OverrideReport],
    pub policy_problems: &'a [PolicyProblem],
    /// `--status`: the outcomes the findings list keeps (empty: all).
    pub status: &'a [Outcome],
}

/// The rest of the page: the title, summary, matrix and filters (placed first by CSS), the
/// policy errors, waivers, overrides and run record, and the script.
pub fn footer(page: &Page<'_>) -> String {
    let s = page.summary;
    let count = |o: Outcome| s.by_status.get(&o).copied().unwrap_or(0);
    let area_rows: Vec<(&str, &BTreeMap<Outcome, usize>)> =
        Area::ALL.iter().filter_map(|a| page.totals.areas.get(a).map(|counts| (a.as_str(), counts))).collect();
    let severity_rows: Vec<(&str, &BTreeMap<Outcome, usize>)> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|v| page.totals.severities.get(v).map(|counts| (v.as_str(), counts)))
        .collect();
    let body = html! {
        header #title {
            h1 { "Tenet report" }
            p.muted {
                "Evaluated on " (page.today) " · Tenet " (page.run.record.tenet_version)
                " · run " code { (page.run.record.run_id) }
            }
        }
        section #summary {
            h2 { "Summary" }
            div.tiles {
                div.tile { span.n #count-documents { (s.documents) } "documents" }
                div.tile { span.n #count-not-evaluated { (s.documents_with_errors) } "not evaluated" }
                @for o in Outcome::ALL {
                    div.tile.(o.as_str()) {
                        span.n id=(format!("count-{}", o.as_str())) { (count(o)) } (outcome_label(o))
                    }
                }
                @if !page.policy_problems.is_empty() {
                    div.tile.violated { span.n #count-policy-errors { (page.policy_problems.len()) } "policy errors" }
                }
            }
            (legend())
            div.charts {
                div.chart { h3 { "Findings by area" } (bars("Findings by area and outcome", &area_rows)) }
                div.chart { h3 { "Findings by severity" } (bars("Findings by severity and outcome", &severity_rows)) }
            }
        }
        section #matrix {
            h2 { "Documents × areas" }
            p.muted { "Each cell is the worst outcome of the document's findings in that area." }
            div.table-wrap {
                table.matrix {
                    thead { tr { th { "Document" } @for a in Area::ALL { th { (a.as_str()) } } } }
                    tbody {
                        @for row in &page.totals.rows {
                            tr {
                                th { a href=(format!("#{}", row.anchor)) { (row.label) } }
                                @if row.evaluated {
                                    @for a in Area::ALL {
                                        @match row.worst.get(&a) {
                                            Some(o) => td.cell.(o.as_str()) title=(format!("{}: {}", a.as_str(), outcome_label(*o))) { (outcome_label(*o)) },
                                            None => td.cell.none { "—" },
                                        }
                                    }
                                } @else {
                                    td.cell.error colspan=(Area::ALL.len()) { "not evaluated" }
                                }
                            }
                        }
                    }
                }
            }
        }
        nav #filters aria-label="Filters" hidden {
            fieldset {
                legend { "Outcome" }
                @for o in Outcome::ALL {
                    label { input type="checkbox" name="outcome" value=(o.as_str()) checked; " " (outcome_label(o)) }
                }
            }
            fieldset {
                legend { "Area" }
                @for a in Area::ALL {
                    label { input type="checkbox" name="area" value=(a.as_str()) checked; " " (a.as_str()) }
                }
            }
            fieldset {
                legend { "Severity" }
                @for v in Severity::ALL.iter().rev() {
                    label { input type="checkbox" name="severity" value=(v.as_str()) checked; " " (v.as_str()) }
                }
            }
            label {
                "Document "
                select #doc-filter {
                    option value="" { "all documents" }
                    @for row in &page.totals.rows { option value=(row.anchor) { (row.label) } }
                }
            }
            span #shown-count {}
            @if !page.status.is_empty() {
                span.muted {
                    "The findings listed are those with outcome "
                    (page.status.iter().map(|o| outcome_label(*o)).collect::<Vec<_>>().join(", "))
                    " (--status); the summary counts them all."
                }
            }
        }
        section #run {
            @if !page.policy_problems.is_empty() {
                h2 { "Policy errors" }
                @for p in page.policy_problems {
                    div.problem { strong { (p.code) } " " (p.file) ":" (p.line) ":" (p.column) ": " (p.message) }
                }
            }
            @if !page.waivers.is_empty() {
                h2 { "Waivers" }
                ul {
                    @for w in page.waivers {
                        li { (w.status) " waiver for " code { (w.obligation) } ", approved by " (w.approved_by)
                            ", until " (w.until) ": " (w.reason) span.muted { " (" (w.defined_at) ")" } }
                    }
                }
            }
            @if !page.overrides.is_empty() {
                h2 { "Parameters overridden" }
                ul {
                    @for o in page.overrides {
                        li { code { (o.parameter) } " = " (o.value) " (library default " (o.default) ") "
                            span.muted { (o.defined_at) } }
                    }
                }
            }
            @if !s.skipped_obligations.is_empty() {
                p.muted { "Not evaluated because of policy errors: " (s.skipped_obligations.join(", ")) }
            }
            h2 { "Run record" }
            ul.muted {
                li { "Tenet " (page.run.record.tenet_version) ", run " code { (page.run.record.run_id) } ", evaluated on " (page.run.record.today) }
                li { "Policies: " code { (page.run.record.policy_digest) } }
                @for i in &page.run.inputs {
                    li { (i.source) ": " code { (i.sha256.as_deref().unwrap_or("not kept (standard input)")) } }
                }
            }
        }
    };
    format!("</section>\n{}\n<script>{SCRIPT}</script>\n</main>\n</body>\n</html>\n", body.into_string())
}

fn legend() -> Markup {
    html! {
        div.legend {
            @for o in Outcome::ALL {
                span { span.swatch.(o.as_str()) {} (outcome_label(o)) }
            }
        }
    }
}

/// Colours of the outcomes in the charts (the CSS variables of the same names).
fn colour(o: Outcome) -> &'static str {
    match o {
        Outcome::Violated => "#c62828",
        Outcome::Undetermined => "#b26a00",
        Outcome::Waived => "#6a4fb3",
        Outcome::Satisfied => "#2e7d32",
        Outcome::NotApplicable => "#757575",
    }
}

/// A segment of a bar: an outcome's count, where it starts and how wide it is.
struct Segment {
    outcome: Outcome,
    count: usize,
    x: f64,
    width: f64,
}

/// A horizontal stacked bar per row (an area or a severity), its segments the outcomes,
/// scaled to the largest row; each segment has a tooltip with its count.
fn bars(title: &str, rows: &[(&str, &BTreeMap<Outcome, usize>)]) -> Markup {
    const LABEL: f64 = 110.0;
    const WIDTH: f64 = 380.0;
    const ROW: usize = 28;
    let total = |counts: &BTreeMap<Outcome, usize>| counts.values().sum::<usize>();
    let max = rows.iter().map(|(_, c)| total(c)).max().unwrap_or(0).max(1);
    let scale = WIDTH / max as f64;
    let bars: Vec<(&str, Vec<Segment>, usize, f64)> = rows
        .iter()
        .map(|(name, counts)| {
            let mut x = LABEL;
            let mut segments = Vec::new();
            for outcome in Outcome::ALL {
                let count = counts.get(&outcome).copied().unwrap_or(0);
                if count > 0 {
                    let width = count as f64 * scale;
                    segments.push(Segment { outcome, count, x, width });
                    x += width;
                }
            }
            (*name, segments, total(counts), x)
        })
        .collect();
    let height = rows.len().max(1) * ROW + 4;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {height}", LABEL + WIDTH + 60.0)) role="img" aria-label=(title) {
            @if bars.is_empty() {
                text x="0" y="18" { "no findings" }
            }
            @for (i, (name, segments, sum, end)) in bars.iter().enumerate() {
                @let y = i * ROW + 4;
                text x="0" y=(y + 15) { (name) }
                @for s in segments {
                    rect x=(format!("{:.1}", s.x)) y=(y) width=(format!("{:.1}", s.width)) height="20" fill=(colour(s.outcome)) {
                        title { (name) ", " (outcome_label(s.outcome)) ": " (s.count) }
                    }
                }
                text x=(format!("{:.1}", end + 6.0)) y=(y + 15) { (sum) }
            }
        }
    }
}
