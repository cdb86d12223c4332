//! `--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues), which
//! GitLab shows in merge requests and on the changed lines. Fingerprints are stable across
//! runs, so GitLab can tell new issues from old ones.

use crate::outputs::PolicyProblem;
use serde_json::{Value, json};
use tenet_eval::{DocumentReport, Finding, Outcome, Severity};
use tenet_syntax::Level;

/// Code Quality severities: a violated finding keeps its weight (`critical` → `blocker`,
/// `high` → `critical`, `medium` → `major`, `low` → `minor`, `info` → `info`); an undetermined
/// one is a step lighter, as the document may still comply.
fn severity(f: &Finding) -> Option<&'static str> {
    let violated = match f.severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    };
    match f.status {
        Outcome::Violated => Some(violated),
        Outcome::Undetermined => Some(match f.severity {
            Severity::Critical => "critical",
            Severity::High => "major",
            Severity::Medium => "minor",
            Severity::Low | Severity::Info => "info",
        }),
        Outcome::Satisfied | Outcome::NotApplicable | Outcome::Waived => None,
    }
}

/// The issues of one document (violated and undetermined findings, load and validation
/// problems), as array elements separated by commas; empty when it has none.
pub fn document(report: &DocumentReport) -> String {
    let document = crate::baseline::document_key(report);
    let mut issues = Vec::new();
    for p in &report.problems {
        let level = if p.severity == Level::Error { "critical" } else { "minor" };
        let fingerprint = crate::sarif::digest(&["problem", &document, &p.code, &p.message]);
        let mut description = format!("{}: {}", p.code, p.message);
        if let Some(help) = &p.help {
            description.push_str(&format!(" (help: {help})"));
        }
        issues.push(issue(&description, &p.code, &fingerprint, level, &report.source, p.line.unwrap_or(1)));
    }
    for f in &report.findings {
        let Some(level) = severity(f) else { continue };
        // The baseline's fingerprint, widened to the 32 hex digits GitLab's own tools use.
        let fingerprint = crate::sarif::digest(&["finding", &crate::baseline::fingerprint(&document, f)]);
        let (line, _) = crate::sarif::anchor(f);
        let mut description = format!("{} ({}): {}", f.status.as_str().replace('_', " "), f.obligation, f.message);
        if !f.cite.is_empty() {
            description.push_str(&format!(" [{}]", f.cite.join("; ")));
        }
        let mut entry = issue(&description, &f.obligation, &fingerprint, level, &report.source, line);
        if let Some(object) = entry.as_object_mut() {
            object.insert("content".into(), json!({ "body": body(f) }));
        }
        issues.push(entry);
    }
    issues.iter().map(|i| indent(&serde_json::to_string_pretty(i).unwrap_or_default())).collect::<Vec<_>>().join(",\n")
}

/// Policy errors (`blocker`) and, from `tenet check`, warnings (`minor`) as issues of the
/// policy files.
pub fn policy_problems(problems: &[PolicyProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let fingerprint = crate::sarif::digest(&["policy", &p.file, &p.code, &p.message]);
            let line = u32::try_from(p.line).unwrap_or(u32::MAX);
            indent(
                &serde_json::to_string_pretty(&issue(
                    &format!("{}: {}", p.code, p.message),
                    &p.code,
                    &fingerprint,
                    if p.severity == "error" { "blocker" } else { "minor" },
                    &p.file,
                    line,
                ))
                .unwrap_or_default(),
            )
        })
        .collect::<Vec<_>>()
        .join(",\n")
}

fn issue(description: &str, check: &str, fingerprint: &str, severity: &str, path: &str, line: u32) -> Value {
    json!({
        "type": "issue",
        "description": description,
        "check_name": check,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": { "path": path, "lines": { "begin": line } },
    })
}

/// The finding's explanation in Markdown, shown when the issue is opened.
fn body(f: &Finding) -> String {
    let mut out = format!("**{}** · {} · {}\n\n{}\n", f.obligation, f.area.as_str(), f.severity.as_str(), f.message);
    if !f.cite.is_empty() {
        out.push_str(&format!("\nCites: {}\n", f.cite.join("; ")));
    }
    for e in &f.evidence {
        let place = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
            _ => String::new(),
        };
        let value = if e.absent { "absent".to_string() } else { format!("`{}`", e.value) };
        out.push_str(&format!("\n- `{}` = {value}{place}", e.path));
    }
    out
}

/// Indented as an element of the top-level array.
fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
