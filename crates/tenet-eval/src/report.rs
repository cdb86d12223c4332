//! Findings and reports: what evaluation produces, in the shape `--format json` prints.

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use tenet_db::ir::{Area, Outcome, Severity};
use tenet_syntax::Level;
pub use tenet_text::Location;

/// A document value that an outcome depended on, with its place in the input file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The document path, such as `dpa.breach_notice_hours`.
    pub path: String,
    /// The value (`null` when absent).
    pub value: serde_json::Value,
    /// Whether the value was absent from the document.
    pub absent: bool,
    /// 1-based line of the value (for absent values: of its nearest present parent).
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// Byte range in the input file, for rendering snippets.
    #[serde(skip)]
    pub span: Option<(u32, u32)>,
    /// The value as shown to people.
    #[serde(skip)]
    pub shown: String,
}

/// A condition that decided an outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    /// Which clause it came from: `when` or `requirement`.
    pub clause: &'static str,
    /// The condition as written in the policy.
    pub text: String,
    /// `true`, `false` or `unknown`.
    pub result: &'static str,
    /// Detail, such as which list element failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The document values it read.
    pub evidence: Vec<Evidence>,
    /// An `x is absent` test that holds beside other conditions of its clause: a guard that
    /// lets another branch decide (`(x is absent and y) or …`). Reports keep it in the
    /// explanation but leave it out of the finding's evidence and the human help.
    #[serde(skip)]
    pub guard: bool,
}

/// The waiver applied to a finding (or found expired).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaiverNote {
    /// Why the waiver was granted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Its last day.
    pub until: String,
    /// Whether it had expired on the evaluation date (and so was not applied).
    pub expired: bool,
    /// The outcome before the waiver.
    #[serde(serialize_with = "by_name")]
    pub original_status: Outcome,
}

/// The result of one obligation for one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Fully qualified obligation name.
    pub obligation: Arc<str>,
    /// `obligation`, `prohibition` or `recommendation`.
    pub modality: &'static str,
    #[serde(serialize_with = "by_name")]
    pub area: Area,
    #[serde(serialize_with = "by_name")]
    pub severity: Severity,
    #[serde(serialize_with = "by_name")]
    pub status: Outcome,
    /// What it means for this document, with values filled in.
    pub message: String,
    pub cite: Arc<[Arc<str>]>,
    /// Every document value the outcome depended on.
    pub evidence: Vec<Evidence>,
    /// The conditions that decided it.
    pub explanation: Vec<Condition>,
    /// A waiver that applied, or an expired one that did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// The exception that displaced this obligation (its outcome is then `not_applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displaced_by: Option<String>,
    /// Where the obligation is declared (written `path:line:column`).
    #[serde(serialize_with = "as_text")]
    pub defined_at: Location,
}

/// A library parameter whose value a package changed with `override`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverrideReport {
    /// The parameter's qualified name.
    pub parameter: String,
    /// The value used.
    pub value: String,
    /// The library's default.
    pub default: String,
    /// Where the override is declared (written `path:line:column`).
    #[serde(serialize_with = "as_text")]
    pub defined_at: Location,
}

/// A problem with an input document (load or validation), located in the input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    /// Stable code.
    pub code: String,
    /// Whether it keeps the document from being evaluated.
    #[serde(serialize_with = "by_name")]
    pub severity: Level,
    pub message: String,
    /// How to fix it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// What the front end supplies that bears on it, for the front end to word in `help`.
    #[serde(skip)]
    pub supplied: Option<tenet_syntax::Supplied>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
}

/// Everything about one input document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentReport {
    /// The input file as given.
    pub source: String,
    /// Position in a multi-document YAML stream (0 otherwise).
    pub index: usize,
    /// The document's `id`, if it has one.
    pub id: Option<String>,
    /// The document kind, as the caller or its `kind:` field gives it; `None` when neither does.
    pub kind: Option<String>,
    /// Findings, in policy order.
    pub findings: Vec<Finding>,
    /// Load and validation problems.
    pub problems: Vec<InputProblem>,
    /// Whether the document could be evaluated.
    pub evaluated: bool,
}

/// A waiver of the run: applied, unused, or expired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaiverReport {
    /// The obligation it targets.
    pub obligation: String,
    /// `applied` (it waived at least one finding), `unused` or `expired`.
    pub status: &'static str,
    /// Who approved it.
    pub approved_by: String,
    /// Why it was granted.
    pub reason: String,
    /// Its last day.
    pub until: String,
    /// Where it is declared (written `path:line:column`).
    #[serde(serialize_with = "as_text")]
    pub defined_at: Location,
}

/// An `override` or waiver of a package the project depends on, which the run did not apply:
/// only the project decides its own parameter values and waivers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotAppliedReport {
    /// `override` or `waiver`.
    pub item: &'static str,
    /// The parameter overridden, or the obligation waived.
    pub target: String,
    /// Where it is declared (written `path:line:column`).
    #[serde(serialize_with = "as_text")]
    pub defined_at: Location,
}

/// Totals for a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Documents seen (evaluated or not).
    pub documents: usize,
    /// Documents that could not be evaluated.
    pub documents_with_errors: usize,
    /// Findings per status.
    #[serde(serialize_with = "keyed_by_name")]
    pub by_status: BTreeMap<Outcome, usize>,
    /// Violated findings per area.
    #[serde(serialize_with = "keyed_by_name")]
    pub violated_by_area: BTreeMap<Area, usize>,
    /// Violated findings per severity.
    #[serde(serialize_with = "keyed_by_name")]
    pub violated_by_severity: BTreeMap<Severity, usize>,
    /// Obligations left out because of policy errors.
    pub skipped_obligations: Vec<String>,
    /// Files (and documents of YAML streams, as `file#index`) found by searching directories
    /// that say no `kind:`, so were not taken for documents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_files: Vec<String>,
}

/// The whole run, as `tenet eval --format json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    /// The evaluation date.
    pub today: String,
    /// One entry per input document.
    pub documents: Vec<DocumentReport>,
    /// Unused and expired waivers.
    pub waivers: Vec<WaiverReport>,
    /// Library parameters given new values.
    pub overrides: Vec<OverrideReport>,
    pub summary: Summary,
}

impl Summary {
    /// Empty totals, naming the obligations left out because of policy errors.
    pub fn new(skipped_obligations: Vec<String>) -> Summary {
        let mut s = Summary { skipped_obligations, ..Summary::default() };
        for outcome in Outcome::ALL {
            s.by_status.insert(outcome, 0);
        }
        s
    }

    /// Counts one document's findings.
    pub fn add(&mut self, doc: &DocumentReport) {
        self.documents += 1;
        if !doc.evaluated {
            self.documents_with_errors += 1;
        }
        for f in &doc.findings {
            *self.by_status.entry(f.status).or_default() += 1;
            if f.status == Outcome::Violated {
                *self.violated_by_area.entry(f.area).or_default() += 1;
                *self.violated_by_severity.entry(f.severity).or_default() += 1;
            }
        }
    }
}

/// A word of the report vocabulary, serialised as the name it is written with.
trait Named: Copy {
    fn name(self) -> &'static str;
}

impl Named for Outcome {
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Named for Area {
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Named for Severity {
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Named for Level {
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// A location as it is written, `path:line:column`.
pub fn as_text<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(location)
}

fn by_name<T: Named, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.name())
}

/// A count per word, with its keys in alphabetical order of their names (as reports have
/// always listed them), whatever order the words themselves sort in.
fn keyed_by_name<K: Named, S: Serializer>(counts: &BTreeMap<K, usize>, serializer: S) -> Result<S::Ok, S::Error> {
    let named: BTreeMap<&'static str, usize> = counts.iter().map(|(k, n)| (k.name(), *n)).collect();
    named.serialize(serializer)
}
