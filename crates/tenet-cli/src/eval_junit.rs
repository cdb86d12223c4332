//! `tenet eval --format junit`: JUnit XML for CI systems that show test reports, one
//! `testsuite` per document and one `testcase` per document × obligation, written as each
//! document is done.

use crate::outputs::PolicyProblem;
use tenet_eval::{DocumentReport, Finding, Outcome};

/// The start of the report.
pub const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet eval\">\n";

/// One document's `testsuite`: a satisfied finding passes; violated is a `failure`;
/// undetermined is an `error` (the document does not say enough to decide); not applicable
/// and waived are `skipped`, with the reason. A document that could not be evaluated has one
/// `testcase` named `load` with an `error` listing its problems.
pub fn document(report: &DocumentReport) -> String {
    let name = match (&report.id, report.index) {
        (Some(id), _) => format!("{} ({id})", report.source),
        (None, 0) => report.source.clone(),
        (None, index) => format!("{} (document {})", report.source, index + 1),
    };
    let count = |o: Outcome| report.findings.iter().filter(|f| f.status == o).count();
    let skipped = count(Outcome::NotApplicable) + count(Outcome::Waived);
    if !report.evaluated {
        let problems: Vec<String> = report
            .problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}: {}: {}",
                    report.source,
                    p.line.unwrap_or(1),
                    p.column.unwrap_or(1),
                    p.code,
                    p.message
                )
            })
            .collect();
        let first = problems.first().cloned().unwrap_or_else(|| "the document could not be evaluated".into());
        return format!(
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase name=\"load\" classname=\"{}\">\n      <error message=\"{}\" type=\"not_evaluated\">{}</error>\n    </testcase>\n  </testsuite>\n",
            xml(&name),
            xml(&report.source),
            xml(&first),
            xml(&problems.join("\n"))
        );
    }
    let mut out = format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{skipped}\">\n",
        xml(&name),
        report.findings.len(),
        count(Outcome::Violated),
        count(Outcome::Undetermined),
    );
    for f in &report.findings {
        out.push_str(&format!("    <testcase name=\"{}\" classname=\"{}\"", xml(&f.obligation), xml(&name)));
        match f.status {
            Outcome::Satisfied => out.push_str("/>\n"),
            Outcome::Violated | Outcome::Undetermined => {
                let element = if f.status == Outcome::Violated { "failure" } else { "error" };
                out.push_str(&format!(
                    ">\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>\n",
                    xml(&f.message),
                    f.status.as_str(),
                    xml(&details(f))
                ));
            }
            Outcome::NotApplicable | Outcome::Waived => {
                let why = match (&f.waiver, &f.displaced_by) {
                    (Some(w), _) if f.status == Outcome::Waived => format!(
                        "waived (was {}): {} (approved by {}, until {})",
                        w.original_status.as_str().replace('_', " "),
                        w.reason,
                        w.approved_by,
                        w.until
                    ),
                    (_, Some(exception)) => format!("not applicable: displaced by {exception}"),
                    _ => "not applicable".into(),
                };
                out.push_str(&format!(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", xml(&why)));
            }
        }
    }
    out.push_str("  </testsuite>\n");
    out
}

/// The body of a failure: severity, area, citations, the deciding conditions and the values
/// they read, and where the obligation is declared.
fn details(f: &Finding) -> String {
    let mut out = format!("{} · {} · {}\n", f.severity.as_str(), f.area.as_str(), f.modality);
    if !f.cite.is_empty() {
        out.push_str(&format!("cites: {}\n", f.cite.join("; ")));
    }
    for c in &f.explanation {
        out.push_str(&format!("{} `{}` is {}", c.clause, c.text, c.result));
        if let Some(note) = &c.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
        for e in &c.evidence {
            let place = match (e.line, e.column) {
                (Some(l), Some(col)) => format!(" at line {l}, column {col}"),
                _ => String::new(),
            };
            let value = if e.absent { "absent".to_string() } else { e.value.to_string() };
            out.push_str(&format!("  {} = {value}{place}\n", e.path));
        }
    }
    out.push_str(&format!("defined at {}", f.defined_at));
    out
}

/// Policy errors as a `policies` suite of errors, and the end of the report.
pub fn footer(problems: &[PolicyProblem]) -> String {
    let mut out = String::new();
    if !problems.is_empty() {
        out.push_str(&format!(
            "  <testsuite name=\"policies\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">\n",
            problems.len()
        ));
        for p in problems {
            let place = format!("{}:{}:{}", p.file, p.line, p.column);
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"policies\">\n      <error message=\"{}\" type=\"policy_error\">{}</error>\n    </testcase>\n",
                xml(&format!("{} at {place}", p.code)),
                xml(&p.message),
                xml(&format!("{place}: {}: {}", p.code, p.message))
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text escaped for XML attributes and content.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
