//! `--format github`: GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`), so
//! findings and problems become annotations on the exact line of the document, and the
//! Markdown job summary appended to `$GITHUB_STEP_SUMMARY`.

use crate::outputs::PolicyProblem;
use std::collections::BTreeMap;
use tenet_eval::{Area, DocumentReport, Finding, Outcome, Severity, Summary};
use tenet_syntax::Level;

/// The annotation level of a workflow command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Annotation {
    Error,
    Warning,
    Notice,
}

impl Annotation {
    fn command(self) -> &'static str {
        match self {
            Annotation::Error => "error",
            Annotation::Warning => "warning",
            Annotation::Notice => "notice",
        }
    }
}

/// Violated findings by severity: `high` and `critical` are errors, `medium` warnings, the rest
/// notices; an undetermined finding (the document does not say enough) is a warning at `high`
/// and `critical`, a notice below. Other outcomes are not annotated.
fn annotation(f: &Finding) -> Option<Annotation> {
    match (f.status, f.severity) {
        (Outcome::Violated, Severity::Critical | Severity::High) => Some(Annotation::Error),
        (Outcome::Violated, Severity::Medium) => Some(Annotation::Warning),
        (Outcome::Violated, Severity::Low | Severity::Info) => Some(Annotation::Notice),
        (Outcome::Undetermined, Severity::Critical | Severity::High) => Some(Annotation::Warning),
        (Outcome::Undetermined, _) => Some(Annotation::Notice),
        (Outcome::Satisfied | Outcome::NotApplicable | Outcome::Waived, _) => None,
    }
}

/// The workflow commands for one document: one per violated or undetermined finding, at the
/// value its requirement read, and one per load or validation problem.
pub fn document(report: &DocumentReport) -> String {
    let mut out = String::new();
    for p in &report.problems {
        let level = if p.severity == Level::Error { Annotation::Error } else { Annotation::Warning };
        let mut message = p.message.clone();
        if let Some(help) = &p.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&command(
            level,
            &report.source,
            p.line.unwrap_or(1),
            p.column.unwrap_or(1),
            &format!("{} ({})", p.code, what(report)),
            &message,
        ));
    }
    for f in &report.findings {
        let Some(level) = annotation(f) else { continue };
        let (line, column) = crate::sarif::anchor(f);
        let mut message = f.message.clone();
        if !f.cite.is_empty() {
            message.push_str("\ncite: ");
            message.push_str(&f.cite.join("; "));
        }
        out.push_str(&command(
            level,
            &report.source,
            line,
            column,
            &format!(
                "{} {} {} ({})",
                f.severity.as_str(),
                f.status.as_str().replace('_', " "),
                f.obligation,
                what(report)
            ),
            &message,
        ));
    }
    out
}

/// The workflow commands for policy errors, at their place in the policy file.
pub fn policy_problems(problems: &[PolicyProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let line = u32::try_from(p.line).unwrap_or(u32::MAX);
            let column = u32::try_from(p.column).unwrap_or(u32::MAX);
            command(Annotation::Error, &p.file, line, column, &format!("{} (policy error)", p.code), &p.message)
        })
        .collect()
}

/// Which document of the file, for the annotation's title.
fn what(report: &DocumentReport) -> String {
    match (&report.kind, &report.id) {
        (Some(kind), Some(id)) => format!("{kind} {id}"),
        (None, Some(id)) => id.clone(),
        (Some(kind), None) if report.index > 0 => format!("{kind}, document {}", report.index + 1),
        (Some(kind), None) => kind.clone(),
        (None, None) => format!("document {}", report.index + 1),
    }
}

/// The workflow command for a diagnostic of `tenet check`.
pub fn diagnostic(error: bool, file: &str, line: usize, column: usize, code: &str, message: &str) -> String {
    let level = if error { Annotation::Error } else { Annotation::Warning };
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    let column = u32::try_from(column).unwrap_or(u32::MAX);
    command(level, file, line, column, code, message)
}

fn command(level: Annotation, file: &str, line: u32, column: u32, title: &str, message: &str) -> String {
    format!(
        "::{} file={},line={line},col={column},title={}::{}\n",
        level.command(),
        property(file),
        property(title),
        data(message)
    )
}

/// A command's message: `%`, carriage returns and newlines are escaped, as the runner
/// unescapes them.
pub(crate) fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: also `:` and `,`, which would end it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Findings per area and outcome, for the job summary.
pub type AreaCounts = BTreeMap<Area, BTreeMap<Outcome, usize>>;

/// The Markdown job summary: totals, findings per area and outcome, the most severe
/// violations, policy errors and documents that could not be evaluated.
pub fn job_summary(
    today: &str,
    summary: &Summary,
    areas: &AreaCounts,
    named: &[(Severity, usize, &[String])],
    policy_errors: usize,
) -> String {
    let count = |o: Outcome| summary.by_status.get(&o).copied().unwrap_or(0);
    let violated = count(Outcome::Violated);
    let undetermined = count(Outcome::Undetermined);
    let mark = if policy_errors > 0 || summary.documents_with_errors > 0 || violated > 0 {
        "❌"
    } else if undetermined > 0 {
        "❔"
    } else {
        "✅"
    };
    let mut out = format!(
        "## {mark} Tenet: {} document{}, {violated} violated, {undetermined} undetermined\n\nEvaluated on {today}.",
        summary.documents,
        plural(summary.documents)
    );
    if summary.documents_with_errors > 0 {
        out.push_str(&format!(" {} could not be evaluated.", summary.documents_with_errors));
    }
    if policy_errors > 0 {
        out.push_str(&format!(
            " The policies have {policy_errors} error{}: their obligations were not all evaluated.",
            plural(policy_errors)
        ));
    }
    out.push_str("\n\n");
    let columns =
        [Outcome::Violated, Outcome::Undetermined, Outcome::Waived, Outcome::Satisfied, Outcome::NotApplicable];
    if !areas.is_empty() {
        out.push_str("| area | violated | undetermined | waived | satisfied | not applicable |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|\n");
        let mut sums = [0usize; 5];
        for (area, counts) in areas {
            let cells: Vec<String> = columns
                .iter()
                .zip(sums.iter_mut())
                .map(|(o, sum)| {
                    let n = counts.get(o).copied().unwrap_or(0);
                    *sum += n;
                    n.to_string()
                })
                .collect();
            out.push_str(&format!("| {} | {} |\n", area.as_str(), cells.join(" | ")));
        }
        let cells: Vec<String> = sums.iter().map(|n| format!("**{n}**")).collect();
        out.push_str(&format!("| **total** | {} |\n\n", cells.join(" | ")));
    }
    for (severity, total, names) in named {
        if *total == 0 {
            continue;
        }
        out.push_str(&format!("**{total} {} violation{}**\n\n", severity.as_str(), plural(*total)));
        for name in names.iter() {
            out.push_str(&format!("- {}\n", markdown(name)));
        }
        if *total > names.len() {
            out.push_str(&format!("- … and {} more\n", total - names.len()));
        }
        out.push('\n');
    }
    out
}

/// "s" unless there is exactly one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text shown literally in Markdown.
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_the_runner_unescapes_them() {
        assert_eq!(data("50% of\r\nit"), "50%25 of%0D%0Ait");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
