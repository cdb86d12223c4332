//! Baselines: adopting Tenet on a repository that already has findings. `--write-baseline FILE`
//! records the findings that would fail the gate, each by a fingerprint that survives edits
//! elsewhere in the document (the obligation, the document's identity and the document paths
//! the outcome read, never line numbers or values); `--baseline FILE` then fails only on
//! findings not in it, and reports the recorded ones that are gone, so the file can shrink.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tenet_eval::{DocumentReport, Finding};

/// The version of the baseline file's layout.
const FORMAT: u32 = 1;

/// A baseline file: the findings accepted when it was written.
#[derive(Serialize, Deserialize, Debug, Default)]
pub struct Baseline {
    /// The layout's version.
    pub format: u32,
    /// Sorted by fingerprint, so the file diffs well.
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub fingerprint: String,
    /// The obligation's qualified name, for people reading the file.
    pub obligation: String,
    /// The document: its `id`, or its file and position in a stream.
    pub document: String,
    /// `violated` or `undetermined` when it was recorded.
    pub status: String,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("`{path}` is not a Tenet baseline: {reason}")]
    Parse { path: String, reason: String },
    #[error("cannot write the baseline `{path}`: {reason}")]
    Write { path: String, reason: String },
}

impl BaselineError {
    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            BaselineError::Read { .. } => "write one first with `--write-baseline FILE`",
            BaselineError::Parse { .. } => "write it again with `--write-baseline FILE`",
            BaselineError::Write { .. } => "check that the directory exists and is writable",
        }
    }
}

/// The identity of a document in a baseline: its `id` when it has one (stable across moves),
/// else where it is.
pub fn document_key(report: &DocumentReport) -> String {
    match &report.id {
        Some(id) => format!("id:{id}"),
        None if report.index == 0 => format!("file:{}", report.source),
        None => format!("file:{}#{}", report.source, report.index),
    }
}

/// A finding's fingerprint: the obligation, the document's identity and the sorted, distinct
/// document paths its outcome read.
pub fn fingerprint(document: &str, finding: &Finding) -> String {
    let paths: BTreeSet<&str> = finding.evidence.iter().map(|e| e.path.as_str()).collect();
    let mut hasher = Sha256::new();
    hasher.update(finding.obligation.as_bytes());
    hasher.update([0]);
    hasher.update(document.as_bytes());
    for path in paths {
        hasher.update([0]);
        hasher.update(path.as_bytes());
    }
    hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| BaselineError::Read { path: shown.clone(), reason: e.to_string() })?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| BaselineError::Parse { path: shown.clone(), reason: e.to_string() })?;
        if baseline.format != FORMAT {
            return Err(BaselineError::Parse {
                path: shown,
                reason: format!("its format is {}, this Tenet reads format {FORMAT}", baseline.format),
            });
        }
        Ok(baseline)
    }

    /// Writes the entries, sorted and without repeats, as a baseline file.
    pub fn write(path: &Path, mut findings: Vec<Entry>) -> Result<(), BaselineError> {
        findings.sort();
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let baseline = Baseline { format: FORMAT, findings };
        let text = serde_json::to_string_pretty(&baseline).unwrap_or_default();
        std::fs::write(path, format!("{text}\n"))
            .map_err(|e| BaselineError::Write { path: path.display().to_string(), reason: e.to_string() })
    }
}

/// A run's findings compared with a baseline, as documents finish.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Recorded fingerprints, each with its entry and whether this run found it again.
    known: BTreeMap<String, (Entry, bool)>,
    /// Gate-failing findings also in the baseline.
    pub matched: usize,
}

impl Comparison {
    pub fn new(baseline: Baseline) -> Comparison {
        let known = baseline.findings.into_iter().map(|e| (e.fingerprint.clone(), (e, false))).collect();
        Comparison { known, matched: 0 }
    }

    /// Whether the finding is in the baseline (and marks it seen).
    pub fn knows(&mut self, fingerprint: &str) -> bool {
        match self.known.get_mut(fingerprint) {
            Some((_, seen)) => {
                *seen = true;
                self.matched += 1;
                true
            }
            None => false,
        }
    }

    /// The recorded findings this run did not find: fixed, or their documents gone.
    pub fn fixed(&self) -> Vec<&Entry> {
        self.known.values().filter(|(_, seen)| !seen).map(|(e, _)| e).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tenet_eval::{Area, Evidence, Location, Outcome, Severity};

    fn finding(obligation: &str, paths: &[&str]) -> Finding {
        Finding {
            obligation: Arc::from(obligation),
            modality: "obligation",
            area: Area::Privacy,
            severity: Severity::High,
            status: Outcome::Violated,
            message: String::new(),
            cite: Arc::from(Vec::new()),
            evidence: paths
                .iter()
                .map(|p| Evidence {
                    path: (*p).to_string(),
                    value: serde_json::Value::Null,
                    absent: true,
                    line: Some(3),
                    column: Some(1),
                    span: None,
                    shown: String::new(),
                })
                .collect(),
            explanation: Vec::new(),
            waiver: None,
            displaced_by: None,
            defined_at: Location::new(Arc::from("p.tenet"), tenet_text::LineCol { line: 1, column: 1 }),
        }
    }

    #[test]
    fn a_fingerprint_ignores_order_repeats_and_lines_but_not_what_was_read() {
        let a = fingerprint("id:x", &finding("std.privacy.a", &["dpa.x", "dpa.y", "dpa.x"]));
        let mut moved = finding("std.privacy.a", &["dpa.y", "dpa.x"]);
        if let Some(e) = moved.evidence.first_mut() {
            e.line = Some(40);
        }
        assert_eq!(a, fingerprint("id:x", &moved));
        assert_ne!(a, fingerprint("id:y", &moved));
        assert_ne!(a, fingerprint("id:x", &finding("std.privacy.b", &["dpa.x", "dpa.y"])));
        assert_ne!(a, fingerprint("id:x", &finding("std.privacy.a", &["dpa.x"])));
    }

    #[test]
    fn a_comparison_counts_known_findings_and_lists_fixed_ones() {
        let entry = |f: &str| Entry {
            fingerprint: f.into(),
            obligation: "o".into(),
            document: "d".into(),
            status: "violated".into(),
        };
        let mut comparison = Comparison::new(Baseline { format: FORMAT, findings: vec![entry("a"), entry("b")] });
        assert!(comparison.knows("a"));
        assert!(!comparison.knows("c"));
        assert_eq!(comparison.matched, 1);
        assert_eq!(comparison.fixed(), vec![&entry("b")]);
    }
}
