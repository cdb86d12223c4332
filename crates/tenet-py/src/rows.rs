//! Reports as rows for data frames: one JSON line per document, shaped like
//! `tenet.RESULT_ARROW_SCHEMA` so that `pyarrow.json` reads a batch in one call. The shape is
//! the report's, except where a column needs one type: an evidence value (any JSON) and a
//! finding's explanation (nested conditions) are JSON text.

use serde::Serialize;
use std::sync::Arc;
use tenet::{DocumentReport, Evidence, Finding, InputProblem, WaiverNote};

#[derive(Serialize)]
struct Row<'a> {
    source: &'a str,
    id: Option<&'a str>,
    kind: Option<&'a str>,
    evaluated: bool,
    findings: Vec<RowFinding<'a>>,
    problems: &'a [InputProblem],
}

#[derive(Serialize)]
struct RowFinding<'a> {
    obligation: &'a str,
    modality: &'a str,
    area: &'static str,
    severity: &'static str,
    status: &'static str,
    message: &'a str,
    cite: &'a [Arc<str>],
    evidence: Vec<RowEvidence<'a>>,
    /// The conditions that decided the outcome, as JSON text.
    explanation: String,
    waiver: Option<&'a WaiverNote>,
    displaced_by: Option<&'a str>,
    defined_at: String,
}

#[derive(Serialize)]
struct RowEvidence<'a> {
    path: &'a str,
    /// The value as JSON text (`null` when absent).
    value: String,
    absent: bool,
    line: Option<u32>,
    column: Option<u32>,
}

fn evidence(e: &Evidence) -> RowEvidence<'_> {
    RowEvidence { path: &e.path, value: e.value.to_string(), absent: e.absent, line: e.line, column: e.column }
}

fn finding(f: &Finding) -> RowFinding<'_> {
    RowFinding {
        obligation: &f.obligation,
        modality: f.modality,
        area: f.area.as_str(),
        severity: f.severity.as_str(),
        status: f.status.as_str(),
        message: &f.message,
        cite: &f.cite,
        evidence: f.evidence.iter().map(evidence).collect(),
        explanation: serde_json::to_string(&f.explanation).unwrap_or_default(),
        waiver: f.waiver.as_ref(),
        displaced_by: f.displaced_by.as_deref(),
        defined_at: f.defined_at.to_string(),
    }
}

/// The report's row as one line of JSON, line break included.
pub fn line(r: &DocumentReport) -> Vec<u8> {
    let row = Row {
        source: &r.source,
        id: r.id.as_deref(),
        kind: r.kind.as_deref(),
        evaluated: r.evaluated,
        findings: r.findings.iter().map(finding).collect(),
        problems: &r.problems,
    };
    let mut out = Vec::with_capacity(4096);
    // Writing into a Vec fails only if serialisation does, which these types never do.
    if serde_json::to_writer(&mut out, &row).is_ok() {
        out.push(b'\n');
    }
    out
}
