//! Where `tenet eval` writes: standard output in `--format`, and each `--output FORMAT=FILE`,
//! all fed from one evaluation as documents finish; and `--status`, which keeps only some
//! outcomes in them.

use clap::ValueEnum;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use tenet_eval::{DocumentReport, Outcome};

/// Output formats of `tenet eval`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum EvalFormat {
    /// Readable text with source snippets.
    Human,
    /// One JSON object (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code-scanning tools (kept in memory until the run ends).
    Sarif,
    /// One JSON object per document, one per line, in input order, written as each is done
    /// (the fields of a document in the JSON report).
    Ndjson,
    /// GitHub Actions workflow commands (annotations), and a Markdown job summary appended to
    /// `$GITHUB_STEP_SUMMARY` when it is set.
    Github,
    /// A GitLab Code Quality report (JSON).
    Gitlab,
    /// JUnit XML: a test suite per document, a test case per obligation.
    Junit,
    /// One self-contained HTML page: charts, a documents × areas matrix, every finding with
    /// its explanation and evidence, filterable.
    Html,
}

/// A policy error of the run, as reports list it.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyProblem {
    /// The policy file.
    pub file: String,
    pub code: String,
    /// `error`, or `warning` (only `tenet check` reports policy warnings).
    pub severity: &'static str,
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// An `--output FORMAT=FILE`.
#[derive(Clone, Debug)]
pub struct OutputTarget {
    pub format: EvalFormat,
    pub path: PathBuf,
}

/// Parses `FORMAT=FILE`.
pub fn parse_output(text: &str) -> Result<OutputTarget, String> {
    let names = || {
        EvalFormat::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = text.split_once('=') else {
        return Err(format!("`{text}` is not FORMAT=FILE; write e.g. `sarif=tenet.sarif` (formats: {})", names()));
    };
    let format = EvalFormat::from_str(format, true)
        .map_err(|_| format!("`{format}` is not an output format; use one of {}", names()))?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file; write `{}=FILE`", text.trim_end_matches('=')));
    }
    Ok(OutputTarget { format, path: PathBuf::from(path) })
}

/// Parses an outcome for `--status`.
pub fn parse_status(text: &str) -> Result<Outcome, String> {
    Outcome::parse(&text.replace(['-', ' '], "_")).ok_or_else(|| {
        format!("`{text}` is not an outcome; use violated, undetermined, waived, satisfied or not_applicable")
    })
}

/// A document's report keeping only the findings whose outcome `--status` names, or `None`
/// when nothing of it is left (no finding kept and no problem) so the outputs leave it out.
/// Without `--status`, the report as it is.
pub fn filtered<'a>(report: &'a DocumentReport, status: &[Outcome]) -> Option<std::borrow::Cow<'a, DocumentReport>> {
    if status.is_empty() {
        return Some(std::borrow::Cow::Borrowed(report));
    }
    let findings: Vec<_> = report.findings.iter().filter(|f| status.contains(&f.status)).cloned().collect();
    if findings.is_empty() && report.problems.is_empty() {
        return None;
    }
    Some(std::borrow::Cow::Owned(DocumentReport { findings, ..report.clone() }))
}

/// One destination of the report.
pub struct Sink {
    pub format: EvalFormat,
    /// Whether human output is coloured (only ever on standard output).
    pub color: bool,
    /// The file, for `--output`; `None` for standard output.
    pub path: Option<PathBuf>,
    out: Box<dyn Write>,
    /// Per-document texts written so far (non-empty ones, for the array formats).
    pub items: usize,
    pub closed: bool,
}

impl Sink {
    /// Standard output in `format`, then a file per `--output` (created, or truncated).
    pub fn open_all(format: EvalFormat, color: bool, targets: &[OutputTarget]) -> Result<Vec<Sink>, String> {
        let stdout: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
        let mut sinks = vec![Sink { format, color, path: None, out: stdout, items: 0, closed: false }];
        for t in targets {
            let file = std::fs::File::create(&t.path).map_err(|e| {
                format!("error: cannot write the {} report to `{}`: {e}", name(t.format), t.path.display())
            })?;
            sinks.push(Sink {
                format: t.format,
                color: false,
                path: Some(t.path.clone()),
                out: Box::new(std::io::BufWriter::with_capacity(1 << 16, file)),
                items: 0,
                closed: false,
            });
        }
        Ok(sinks)
    }

    /// Writes text as it is.
    pub fn raw(&mut self, text: &str) {
        if !self.closed && self.out.write_all(text.as_bytes()).is_err() {
            self.closed = true;
        }
    }

    /// Writes one document's text, with the separator its format needs between the elements
    /// of an array (JSON's `documents`, GitLab's issues).
    pub fn item(&mut self, text: &str) {
        match self.format {
            EvalFormat::Json => {
                self.raw(if self.items == 0 { "\n" } else { ",\n" });
                self.raw(text);
                self.items += 1;
            }
            EvalFormat::Gitlab => {
                if !text.is_empty() {
                    self.raw(if self.items == 0 { "\n" } else { ",\n" });
                    self.raw(text);
                    self.items += 1;
                }
            }
            _ => {
                self.raw(text);
                self.items += 1;
            }
        }
    }

    /// Flushes; an error writing a file is reported (a closed standard output is not: `| head`).
    pub fn finish(&mut self) -> Result<(), String> {
        let flushed = self.out.flush();
        match (&self.path, flushed, self.closed) {
            (Some(path), Err(e), _) => Err(format!("error: cannot write `{}`: {e}", path.display())),
            (Some(path), Ok(()), true) => Err(format!("error: cannot write `{}`", path.display())),
            _ => Ok(()),
        }
    }
}

/// A format's name on the command line.
pub fn name(format: EvalFormat) -> String {
    format.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_targets_name_a_format_and_a_file() {
        let t = parse_output("sarif=out/tenet.sarif").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!((t.format, t.path), (EvalFormat::Sarif, PathBuf::from("out/tenet.sarif")));
        let e = parse_output("xml=a").err().unwrap_or_default();
        assert!(e.contains("`xml` is not an output format") && e.contains("junit"), "{e}");
        assert!(parse_output("sarif").is_err());
        assert!(parse_output("sarif=").is_err());
    }

    #[test]
    fn statuses_are_outcomes() {
        assert_eq!(parse_status("not-applicable"), Ok(Outcome::NotApplicable));
        assert!(parse_status("failed").is_err());
    }
}
