//! Evaluation: validates documents against the schemas of a compiled [`Program`] and decides
//! every applicable obligation with three-valued logic, explaining each outcome with the
//! conditions that decided it and the document values (with line:column) they read.
//!
//! Evaluation is total and deterministic: `today` is an input, rule calls cannot recurse,
//! and nothing here reads files, prints, or looks at the clock.

mod errors;
mod eval;
pub mod json_schema;
mod message;
pub mod report;
pub mod sensitive;
pub mod validate;
pub mod value;

pub use eval::{
    Atom, Evaluator, MAX_STEPS, Observation, ParamValues, Prepared, Problem, Read, Tri, const_value as value_of_const,
};
pub use report::*;

use jiff::civil::Date;
use std::sync::Arc;
use tenet_db::Program;
use tenet_db::ProgramItem;
use tenet_db::ir::{CompiledObligation, QualName};
use tenet_input::{Document, Source};
use tenet_syntax::Diagnostic;
use tenet_text::{DocSpan, FileSpan};

/// Which findings carry their explanation and evidence. Deciding an outcome is cheap;
/// explaining it (the conditions as written, the values read, their places) is not, so a run
/// over many documents explains only what it reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Explain {
    /// No finding: outcomes and messages only.
    None,
    /// Violated, undetermined and waived findings (and findings an expired waiver matched).
    #[default]
    Failing,
    /// Every finding, satisfied and not applicable included.
    All,
}

/// Evaluates documents against one program as of one date. It holds no per-document state,
/// so one `Evaluation` serves many threads (`&self`); what a run accumulates (waivers used,
/// totals) lives in a [`Tally`].
pub struct Evaluation<'p> {
    program: &'p Program,
    today: Date,
    /// Parameter values replacing the program's (a test's overrides).
    params: Option<&'p ParamValues>,
    /// Which obligations to evaluate (aligned with `program.obligations`).
    selected: Vec<bool>,
    /// Whether to record every condition's value, for test coverage.
    coverage: bool,
    explain: Explain,
    /// Where each obligation is declared, computed once.
    defined_at: Vec<Location>,
    /// The schema of each obligation's kind, found once (compared by address per document).
    schema_of: Vec<Option<&'p tenet_db::ir::SchemaDef>>,
    /// The exceptions declared to each obligation, with their items, found once.
    exceptions_of: Vec<Vec<(&'p QualName, &'p ProgramItem<CompiledObligation>)>>,
    /// The citations of each obligation, shared by its findings.
    cites: Vec<Arc<[Arc<str>]>>,
    /// Indexes of the waivers of each obligation, found once rather than per finding.
    waivers_of: std::collections::BTreeMap<&'p str, Vec<usize>>,
    /// Constants and parameter values, built once.
    prepared: Prepared,
    /// The schemas a document of each kind name is checked against (qualified and short
    /// names), found once rather than per document.
    kinds: std::collections::HashMap<&'p str, Vec<&'p tenet_db::ir::SchemaDef>>,
    /// Whether a field the schema does not declare is an error rather than a warning.
    strict: bool,
}

/// Everything one document gave: its report, the diagnostics behind its problems (spans into
/// its source, for rendering), which waivers it used, and coverage observations.
#[derive(Debug)]
pub struct DocumentResult {
    /// The report, as JSON output prints it.
    pub report: DocumentReport,
    /// The document's source (a whole YAML stream for its documents).
    pub source: Arc<Source>,
    /// Validation diagnostics, with spans in `source`.
    pub diagnostics: Vec<Diagnostic<DocSpan>>,
    /// Indexes into `program.waivers` of the waivers applied.
    pub waivers_used: Vec<usize>,
    /// Condition values seen, when coverage is recorded.
    pub observations: Vec<Observation>,
    /// Whether the document was skipped, not evaluated: found by searching a directory, it
    /// says no `kind:` (so is probably not a document at all).
    pub skipped: bool,
    /// Where the values of its `@sensitive` fields are: the report already masks them, and
    /// whatever quotes `source` quotes [`sensitive::Sensitive::shown_source`] instead.
    pub sensitive: sensitive::Sensitive,
}

impl<'p> Evaluation<'p> {
    /// An evaluation against `program` as of `today`, every obligation selected.
    pub fn new(program: &'p Program, today: Date) -> Self {
        let mut lines = FileLines::default();
        let defined_at = program.obligations.iter().map(|ob| lines.defined_at(&ob.path, &ob.text, ob.offset)).collect();
        let mut waivers_of: std::collections::BTreeMap<&'p str, Vec<usize>> = Default::default();
        for (i, w) in program.waivers.iter().enumerate() {
            waivers_of.entry(&*w.item.target).or_default().push(i);
        }
        Evaluation {
            program,
            today,
            params: None,
            selected: vec![true; program.obligations.len()],
            coverage: false,
            explain: Explain::default(),
            defined_at,
            cites: program.obligations.iter().map(|o| Arc::from(o.item.cite.as_slice())).collect(),
            exceptions_of: program
                .obligations
                .iter()
                .map(|o| {
                    let names = program.exceptions.get(&o.item.name).into_iter().flatten();
                    names
                        .filter_map(|name| {
                            program.obligations.iter().find(|e| e.item.name == *name).map(|item| (name, item))
                        })
                        .collect()
                })
                .collect(),
            schema_of: program.obligations.iter().map(|o| program.schemas.get(&o.item.kind)).collect(),
            waivers_of,
            prepared: Prepared::new(program, None),
            kinds: kinds_of(program),
            strict: false,
        }
    }

    /// Makes a field that a document's schema does not declare an error (the document is
    /// then not evaluated), not a warning: a misspelt field cannot pass a gate unnoticed.
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Uses `params` before the program's parameter values (for a test's overrides).
    pub fn with_params(mut self, params: &'p ParamValues) -> Self {
        self.params = Some(params);
        self.prepared = Prepared::new(self.program, Some(params));
        self
    }

    pub fn with_explain(mut self, explain: Explain) -> Self {
        self.explain = explain;
        self
    }

    /// Evaluates only the obligations for which `keep` is true (`--area`, `--only`,
    /// `--exclude`). Exceptions still displace what they displace.
    pub fn select(&mut self, keep: impl Fn(&CompiledObligation) -> bool) {
        self.selected = self.program.obligations.iter().map(|o| keep(&o.item)).collect();
    }

    /// Records the value of every condition evaluated, for test coverage.
    pub fn record_coverage(&mut self) {
        self.coverage = true;
    }

    /// The result for an input that could not be loaded at all (the caller renders the load
    /// error). `index` is the position in a YAML stream of the document that failed (0 otherwise).
    pub fn load_failed(&self, source: &str, index: usize, problem: InputProblem) -> DocumentResult {
        DocumentResult {
            report: DocumentReport {
                source: source.to_string(),
                index,
                id: None,
                kind: None,
                findings: Vec::new(),
                problems: vec![problem],
                evaluated: false,
            },
            source: Arc::new(Source::new(source, "", tenet_input::Format::Yaml)),
            diagnostics: Vec::new(),
            waivers_used: Vec::new(),
            observations: Vec::new(),
            skipped: false,
            sensitive: sensitive::Sensitive::default(),
        }
    }

    /// Evaluates one document as `choice` says: by its own `kind:`, as a kind given for it
    /// whatever it says, or as a project's default for its files (`[inputs]`), which must
    /// agree with the document's own `kind:` when it has one.
    pub fn evaluate_as(&self, doc: &Document, choice: &KindChoice) -> DocumentResult {
        match choice {
            KindChoice::Own => self.evaluate(doc, None),
            KindChoice::Found if doc.root.get("kind").is_none() => {
                let mut result = not_evaluated(doc, None, Vec::new());
                result.skipped = true;
                result
            }
            KindChoice::Found => self.evaluate(doc, None),
            KindChoice::Forced(kind) => self.evaluate(doc, Some(kind)),
            KindChoice::Default(kind) => {
                let written = doc.root.get("kind");
                match written.and_then(|k| k.as_str()) {
                    None => self.evaluate(doc, Some(kind)),
                    // The more qualified of the two names the schema.
                    Some(own) if kind_agrees(own, kind) => {
                        self.evaluate(doc, Some(if own.len() >= kind.len() { own } else { kind }))
                    }
                    Some(own) => {
                        let problem = errors::DocumentError::KindDisagrees {
                            written: own.to_string(),
                            given: kind.to_string(),
                            span: written.map_or_else(DocSpan::default, |k| k.span),
                        };
                        // Not validated or evaluated: which schema applies is the question.
                        not_evaluated(doc, Some(own.to_string()), vec![problem.into()])
                    }
                }
            }
        }
    }

    /// Validates and evaluates one document. `kind` overrides the document's `kind:` field.
    pub fn evaluate(&self, doc: &Document, kind: Option<&str>) -> DocumentResult {
        if matches!(doc.root.value, tenet_input::NodeValue::Null) {
            return not_evaluated(doc, kind.map(str::to_string), vec![empty_document(doc)]);
        }
        let source = doc.source.clone();
        let id = doc.root.get("id").and_then(|n| n.as_str()).map(str::to_string);
        let written_kind = doc.root.get("kind");
        let kind_name = kind.map(str::to_string).or_else(|| written_kind.and_then(|k| k.as_str()).map(str::to_string));
        let mut result = DocumentResult {
            report: DocumentReport {
                source: source.name.clone(),
                index: doc.index,
                id,
                kind: kind_name.clone(),
                findings: Vec::new(),
                problems: Vec::new(),
                evaluated: false,
            },
            source: source.clone(),
            diagnostics: Vec::new(),
            waivers_used: Vec::new(),
            observations: Vec::new(),
            skipped: false,
            sensitive: sensitive::Sensitive::default(),
        };
        let mut diagnostics = Vec::new();
        // A `kind:` that is there but not text is not a missing kind.
        let kind_not_text = match (kind, written_kind) {
            (None, Some(k)) if k.as_str().is_none() => {
                Some(errors::DocumentError::KindNotText { found: k.value.kind(), span: k.span })
            }
            _ => None,
        };
        let schemas = match kind_not_text {
            Some(problem) => Err(Box::new(Diagnostic::from(problem))),
            None => self.schemas_for(kind_name.as_deref(), kind.is_some()),
        };
        match schemas {
            Ok(schemas) => {
                let mut ok = true;
                let mut roots = Vec::new();
                for schema in schemas {
                    let mut validator = validate::Validator::new(self.program, self.strict);
                    let root = validator.root(&doc.root, schema);
                    result.sensitive.extend(std::mem::take(&mut validator.sensitive));
                    let found = validator.finish();
                    ok &= !found.iter().any(Diagnostic::is_error);
                    diagnostics.extend(found);
                    roots.push((*schema, root));
                }
                if ok {
                    result.report.evaluated = true;
                    // Obligations whose kind the document was validated as, in policy order.
                    for (i, ob) in self.program.obligations.iter().enumerate() {
                        if !self.selected.get(i).copied().unwrap_or(true) {
                            continue;
                        }
                        let Some(schema) = self.schema_of.get(i).copied().flatten() else { continue };
                        if let Some((_, root)) = roots.iter().find(|(s, _)| std::ptr::eq(*s, schema)) {
                            let finding = self.finding(i, ob, root, &mut result);
                            result.report.findings.push(finding);
                        }
                    }
                }
            }
            Err(d) => {
                // Blame the `kind:` value when it came from the document, else the document's start.
                let span = match (kind, written_kind) {
                    (None, Some(k)) => k.span,
                    _ => DocSpan::at(doc.root.span.start),
                };
                diagnostics.push(Diagnostic { span, ..*d });
            }
        }
        diagnostics.dedup();
        result.report.problems = diagnostics.iter().map(|d| problem(&source, d)).collect();
        result.diagnostics = diagnostics;
        result
    }

    /// The schemas a document of `kind` is checked against.
    fn schemas_for(
        &self,
        kind: Option<&str>,
        from_option: bool,
    ) -> Result<&[&'p tenet_db::ir::SchemaDef], Box<Diagnostic<DocSpan>>> {
        let Some(kind) = kind else {
            return Err(Box::new(
                Diagnostic::error(
                    tenet_syntax::codes::UNKNOWN_DOCUMENT_KIND,
                    "the document does not say what kind it is",
                    Default::default(),
                )
                .with_label("no `kind` field")
                .with_help(format!("add a top-level `kind:` field ({})", kind_names(self.program).join(", ")))
                .with_supplied(tenet_syntax::Supplied::DocumentKind { given: false }),
            ));
        };
        lookup_kind(self.program, &self.kinds, kind, from_option)
    }

    /// An evaluator over `root` with this evaluation's date, parameters and prepared values.
    fn evaluator(&self, root: &value::Node, sensitive: &sensitive::Sensitive) -> Evaluator<'_> {
        Evaluator::new(self.program, root.clone(), self.today)
            .with_params(self.params)
            .with_prepared(&self.prepared)
            .with_sensitive(sensitive)
    }

    /// Decides one obligation for one document, then explains it if it is to be reported
    /// with its explanation (a second, explaining evaluation: the same code path, so the
    /// outcome cannot differ).
    fn finding(
        &self,
        index: usize,
        ob: &'p ProgramItem<CompiledObligation>,
        root: &value::Node,
        result: &mut DocumentResult,
    ) -> Finding {
        let item = &ob.item;
        let mut ev = self.evaluator(root, &result.sensitive).deciding();
        if self.coverage {
            ev = ev.recording();
        }
        let decided = self.decide(index, ob, &mut ev);
        // A division by zero, an overflow or a spent budget is what leaves such a finding
        // undetermined, whatever the document gives; its message says so.
        let problem = ev.problem().filter(|_| decided.status == Outcome::Undetermined);
        result.observations.extend(ev.take_observations());
        let waiver = if matches!(decided.status, Outcome::Violated | Outcome::Undetermined) {
            self.matching_waiver(&item.name, decided.status, root)
        } else {
            None
        };
        // Waivers only match violated and undetermined findings, so these are the failing ones.
        let explained = match self.explain {
            Explain::None => false,
            Explain::Failing => matches!(decided.status, Outcome::Violated | Outcome::Undetermined),
            Explain::All => true,
        };
        // A spent budget would only be spent again: the finding keeps the first decision.
        let explained = explained && problem != Some(eval::Problem::Budget);
        let decided =
            if explained { self.decide(index, ob, &mut self.evaluator(root, &result.sensitive)) } else { decided };
        let mut explanation: Vec<Condition> = Vec::new();
        let requirement_clause = if item.negated { "forbidden" } else { "requirement" };
        for (clause, atoms) in [
            ("when", decided.when_atoms),
            ("exception", decided.exception_atoms),
            (requirement_clause, decided.req_atoms),
        ] {
            let only_guards = atoms.iter().all(|a| a.guard);
            for atom in atoms {
                explanation.push(Condition {
                    clause,
                    text: atom.text,
                    result: atom.result.as_str(),
                    note: atom.note,
                    evidence: atom.reads.into_iter().map(|r| evidence(r, &result.source, &result.sensitive)).collect(),
                    guard: atom.guard && !only_guards,
                });
            }
        }
        let message = match &decided.displaced_by {
            Some(by) => format!("displaced by the exception `{by}`, which applies to this document"),
            None => match problem {
                Some(problem) => format!("cannot be decided: {}", problem.describe()),
                None => {
                    self.message(index, ob, decided.status, explained.then_some(explanation.as_slice()), root, &mut ev)
                }
            },
        };
        let mut all_evidence: Vec<Evidence> = Vec::new();
        for e in explanation.iter().filter(|c| !c.guard).flat_map(|c| c.evidence.iter()) {
            if !all_evidence.iter().any(|x| x.path == e.path) {
                all_evidence.push(e.clone());
            }
        }
        let mut finding = Finding {
            obligation: item.name.clone(),
            modality: item.modality.keyword(),
            area: item.area,
            severity: item.severity,
            status: decided.status,
            message,
            cite: self.cites.get(index).cloned().unwrap_or_else(|| Arc::from(item.cite.as_slice())),
            evidence: all_evidence,
            explanation,
            waiver: None,
            displaced_by: decided.displaced_by,
            defined_at: self
                .defined_at
                .get(index)
                .cloned()
                .unwrap_or_else(|| Location::of(ob.path.clone(), &ob.text, ob.offset as usize)),
        };
        if let Some((i, note)) = waiver {
            if !note.expired {
                result.waivers_used.push(i);
                finding.status = Outcome::Waived;
            }
            finding.waiver = Some(note);
        }
        finding
    }

    /// The outcome of one obligation, with the atoms that decided it when `ev` explains.
    fn decide(&self, index: usize, ob: &ProgramItem<CompiledObligation>, ev: &mut Evaluator<'_>) -> Decided {
        let item = &ob.item;
        ev.set_item(&item.name);
        let (applies, when_atoms) = match &item.when {
            Some(w) => ev.condition_in(w, &ob.text, ob.offset, item.locals),
            None => (Tri::True, Vec::new()),
        };
        let (applies, exception_atoms, displaced_by) = self.exceptions(index, item, applies, ev);
        let (holds, req_atoms) = if applies == Tri::False {
            (Tri::Unknown, Vec::new())
        } else {
            let (r, atoms) = ev.condition_in(&item.requirement, &ob.text, ob.offset, item.locals);
            (if item.negated { r.negate() } else { r }, atoms)
        };
        let status = match (applies, holds) {
            (Tri::False, _) => Outcome::NotApplicable,
            (_, Tri::True) => Outcome::Satisfied,
            (Tri::True, Tri::False) => Outcome::Violated,
            _ => Outcome::Undetermined,
        };
        Decided { status, when_atoms, exception_atoms, req_atoms, displaced_by }
    }

    /// Applies the exceptions declared to `item`: its applicability becomes
    /// `when and not (any exception's when)`, in Kleene logic. Returns the new applicability,
    /// the exception conditions that were not false, and the exception that displaced it.
    fn exceptions(
        &self,
        index: usize,
        item: &CompiledObligation,
        applies: Tri,
        ev: &mut Evaluator<'_>,
    ) -> (Tri, Vec<Atom>, Option<String>) {
        let exceptions = self.exceptions_of.get(index).map_or(&[][..], Vec::as_slice);
        if exceptions.is_empty() || applies == Tri::False {
            return (applies, Vec::new(), None);
        }
        let mut any = Tri::False;
        let mut atoms = Vec::new();
        let mut displaced_by = None;
        for &(name, exception) in exceptions {
            ev.set_item(name);
            let (result, found) = match &exception.item.when {
                Some(w) => ev.condition_in(w, &exception.text, exception.offset, exception.item.locals),
                None => (Tri::True, Vec::new()),
            };
            if result != Tri::False {
                let short = name.rsplit('.').next().unwrap_or(name);
                atoms.extend(found.into_iter().map(|a| Atom {
                    note: Some(match a.note {
                        Some(n) => format!("{n}; exception `{short}`"),
                        None => format!("exception `{short}`"),
                    }),
                    ..a
                }));
            }
            if result == Tri::True && displaced_by.is_none() {
                displaced_by = Some(name.to_string());
            }
            any = any.or(result);
        }
        ev.set_item(&item.name);
        (applies.and(any.negate()), atoms, displaced_by)
    }

    /// The first active waiver of `obligation` whose selector holds for the document, else
    /// the last expired one that does (reported, not applied); with its index. `status` is the
    /// finding's outcome before any waiver.
    fn matching_waiver(&self, obligation: &str, status: Outcome, root: &value::Node) -> Option<(usize, WaiverNote)> {
        let mut found = None;
        for &i in self.waivers_of.get(obligation)? {
            let Some(w) = self.program.waivers.get(i) else { continue };
            // Waivers select with the program's own parameter values, not a test's overrides
            // (the prepared values include those), as they always have.
            let ev = Evaluator::new(self.program, root.clone(), self.today).deciding();
            let mut ev = if self.params.is_none() { ev.with_prepared(&self.prepared) } else { ev };
            let (selected, _) = ev.condition_in(&w.item.selector, &w.text, w.offset, w.item.locals);
            if selected != Tri::True {
                continue;
            }
            let until = value::civil_date(w.item.until);
            let expired = until.is_none_or(|u| u < self.today);
            let note = WaiverNote {
                reason: w.item.reason.to_string(),
                approved_by: w.item.approved_by.to_string(),
                until: w.item.until.to_string(),
                expired,
                original_status: status,
            };
            if !expired {
                return Some((i, note));
            }
            found = Some((i, note));
        }
        found
    }

    /// The finding's message (see the `message` module): the one its obligation writes for `status`,
    /// or one written from the fields the document does not give (read from `explanation`
    /// when the finding was explained, else from a second, explaining evaluation).
    fn message(
        &self,
        index: usize,
        ob: &ProgramItem<CompiledObligation>,
        status: Outcome,
        explanation: Option<&[Condition]>,
        root: &value::Node,
        ev: &mut Evaluator<'_>,
    ) -> String {
        if let Some(text) = message::written(ob, status, ev) {
            return text;
        }
        let summary = message::Summary::of(ob);
        if status != Outcome::Undetermined {
            return summary.message();
        }
        let missing = match explanation {
            Some(conditions) => message::missing_in_explanation(conditions),
            None => {
                let decided = self.decide(index, ob, &mut self.evaluator(root, ev.sensitive()));
                message::missing_in_atoms(
                    decided.when_atoms.iter().chain(&decided.exception_atoms).chain(&decided.req_atoms),
                )
            }
        };
        summary.undetermined(&missing)
    }

    /// The waivers to report at the end of a run: expired ones, and active ones no document
    /// used (`used` is indexed like `program.waivers`).
    pub fn waiver_reports(&self, used: &[bool]) -> Vec<WaiverReport> {
        let mut waivers = Vec::new();
        let mut lines = FileLines::default();
        for (i, w) in self.program.waivers.iter().enumerate() {
            // A waiver of an obligation the run left out (`--only`, `--area`) had no chance to apply.
            let selected = self
                .program
                .obligations
                .iter()
                .zip(&self.selected)
                .any(|(o, &selected)| selected && o.item.name == w.item.target);
            if !selected {
                continue;
            }
            let expired = value::civil_date(w.item.until).is_none_or(|u| u < self.today);
            let status = if expired {
                "expired"
            } else if !used.get(i).copied().unwrap_or(false) {
                "unused"
            } else {
                "applied"
            };
            waivers.push(WaiverReport {
                obligation: w.item.target.to_string(),
                status,
                approved_by: w.item.approved_by.to_string(),
                reason: w.item.reason.to_string(),
                until: w.item.until.to_string(),
                defined_at: lines.defined_at(&w.path, &w.text, w.offset),
            });
        }
        waivers
    }

    /// The waivers that break a project's `[waivers]` rules on the evaluation date: lasting
    /// more than `max_days` from it, or waiving a critical obligation when `allow_critical` is
    /// false. Each comes with the path and text of its file, for rendering.
    pub fn waiver_rule_problems(
        &self,
        max_days: Option<u32>,
        allow_critical: bool,
    ) -> Vec<(Arc<str>, Arc<str>, Diagnostic<FileSpan>)> {
        let mut out = Vec::new();
        for w in &self.program.waivers {
            let target = w.item.target.to_string();
            let span = FileSpan::new(w.offset, w.offset.saturating_add(6));
            let until = value::civil_date(w.item.until);
            if let (Some(max_days), Some(until)) = (max_days, until) {
                let limit = self.today.checked_add(jiff::Span::new().days(i64::from(max_days))).ok();
                if limit.is_some_and(|limit| until > limit) {
                    let problem = errors::WaiverRuleError::TooLong {
                        target: target.clone(),
                        until: until.to_string(),
                        today: self.today.to_string(),
                        max_days,
                        span,
                    };
                    out.push((w.path.clone(), w.text.clone(), problem.into()));
                }
            }
            let critical = self
                .program
                .obligations
                .iter()
                .any(|o| o.item.name == w.item.target && o.item.severity == Severity::Critical);
            if !allow_critical && critical {
                let problem = errors::WaiverRuleError::Critical { target, span };
                out.push((w.path.clone(), w.text.clone(), problem.into()));
            }
        }
        out
    }

    /// The overrides and waivers of the project's dependencies, which were not applied.
    pub fn not_applied_reports(&self) -> Vec<NotAppliedReport> {
        let mut lines = FileLines::default();
        let not_applied = &self.program.not_applied;
        let overrides = not_applied.overrides.iter().map(|o| NotAppliedReport {
            item: "override",
            target: o.item.param.to_string(),
            defined_at: lines.defined_at(&o.path, &o.text, o.offset),
        });
        let mut out: Vec<NotAppliedReport> = overrides.collect();
        out.extend(not_applied.waivers.iter().map(|w| NotAppliedReport {
            item: "waiver",
            target: w.item.target.to_string(),
            defined_at: lines.defined_at(&w.path, &w.text, w.offset),
        }));
        out
    }

    /// The library parameters given new values, with where.
    pub fn override_reports(&self) -> Vec<OverrideReport> {
        let mut overrides = Vec::new();
        let mut lines = FileLines::default();
        for o in &self.program.overrides {
            let Some(param) = self.program.params.get(&o.item.param) else { continue };
            if overrides.iter().any(|r: &OverrideReport| r.parameter == *o.item.param) {
                continue;
            }
            overrides.push(OverrideReport {
                parameter: o.item.param.to_string(),
                value: eval::const_value(&o.item.value).display(),
                default: eval::const_value(&param.item.default).display(),
                defined_at: lines.defined_at(&o.path, &o.text, o.offset),
            });
        }
        overrides
    }

    /// An empty tally for a run of this evaluation.
    pub fn tally(&self) -> Tally {
        Tally {
            summary: Summary::new(self.program.skipped.iter().map(|s| s.to_string()).collect()),
            waiver_used: vec![false; self.program.waivers.len()],
        }
    }
}

/// The schema documents of `kind` (a schema's qualified or short name) are validated
/// against, as evaluation finds it: an unknown kind is `E0705` with "did you mean", a short
/// name that several schemas answer to is `E0708`. The diagnostic has no span (the kind was
/// not read from a document).
pub fn schema_of_kind<'p>(
    program: &'p Program,
    kind: &str,
) -> Result<&'p tenet_db::ir::SchemaDef, Box<Diagnostic<DocSpan>>> {
    let kinds = kinds_of(program);
    let schemas = lookup_kind(program, &kinds, kind, false)?;
    schemas.first().copied().ok_or_else(|| Box::new(unknown_kind(program, kind, false)))
}

/// The names a document's `kind:` may give to be validated against `schema`: its qualified
/// name, and its short name when that selects it alone.
pub fn kind_names_of(program: &Program, schema: &tenet_db::ir::SchemaDef) -> Vec<String> {
    let kinds = kinds_of(program);
    let mut names: Vec<String> = kinds
        .iter()
        .filter(|(_, found)| matches!(found.as_slice(), [only] if only.name == schema.name))
        .map(|(name, _)| name.to_string())
        .collect();
    // The short name first: it is what documents usually say.
    names.sort_by_key(|n| (n.contains('.'), n.clone()));
    names
}

/// The schemas `kinds` (from [`kinds_of`]) gives `kind`, or why there are none or too many.
fn lookup_kind<'p, 'k>(
    program: &Program,
    kinds: &'k std::collections::HashMap<&'p str, Vec<&'p tenet_db::ir::SchemaDef>>,
    kind: &str,
    from_option: bool,
) -> Result<&'k [&'p tenet_db::ir::SchemaDef], Box<Diagnostic<DocSpan>>> {
    let Some(schemas) = kinds.get(kind) else {
        return Err(Box::new(unknown_kind(program, kind, from_option)));
    };
    if let [first, second, ..] = schemas.as_slice() {
        let problem = errors::DocumentError::AmbiguousKind {
            kind: kind.to_string(),
            schemas: schemas.iter().map(|s| s.name.to_string()).collect(),
            first: first.name.to_string(),
            second: second.name.to_string(),
            span: DocSpan::default(),
        };
        return Err(Box::new(problem.into()));
    }
    Ok(schemas)
}

/// `E0705` for a kind no schema answers to, with the closest kind or the known ones.
fn unknown_kind(program: &Program, kind: &str, from_option: bool) -> Diagnostic<DocSpan> {
    let names = kind_names(program);
    let unresolved = tenet_syntax::Unresolved {
        code: tenet_syntax::codes::UNKNOWN_DOCUMENT_KIND,
        message: format!("no schema for documents of kind `{kind}`"),
        span: Default::default(),
        label: if from_option { "evaluated as the kind given for it" } else { "unknown kind" },
        name: kind,
        candidates: names.iter().map(String::as_str).collect(),
        otherwise: Some(if names.is_empty() {
            "the policies declare no schemas".to_string()
        } else {
            format!("the policies know {}", names.join(", "))
        }),
    };
    // With no schemas at all (so no candidates), the missing policies matter more than
    // where the kind came from.
    let supplied = match (names.is_empty(), from_option) {
        (true, _) => Some(tenet_syntax::Supplied::PolicyFiles),
        (false, true) => Some(tenet_syntax::Supplied::DocumentKind { given: true }),
        (false, false) => None,
    };
    let mut d = Diagnostic::from(unresolved);
    d.supplied = supplied;
    d
}

/// The short names of the schemas obligations apply to: the kinds worth suggesting.
fn kind_names(program: &Program) -> Vec<String> {
    let mut names: Vec<String> = program
        .schemas
        .keys()
        .filter(|k| program.obligations.iter().any(|o| o.item.kind == **k))
        .map(|k| k.rsplit('.').next().unwrap_or(k).to_string())
        .collect();
    names.dedup();
    names
}

/// The schemas each kind name selects: by qualified or short name, preferring schemas that
/// obligations apply to and falling back to all that match.
fn kinds_of(program: &Program) -> std::collections::HashMap<&str, Vec<&tenet_db::ir::SchemaDef>> {
    let mut by_name: std::collections::HashMap<&str, Vec<&tenet_db::ir::SchemaDef>> = Default::default();
    for schema in program.schemas.values() {
        by_name.entry(&schema.name).or_default().push(schema);
        let short = schema.name.rsplit('.').next().unwrap_or(&schema.name);
        if short != &*schema.name {
            by_name.entry(short).or_default().push(schema);
        }
    }
    for found in by_name.values_mut() {
        let used: Vec<_> =
            found.iter().copied().filter(|s| program.obligations.iter().any(|o| o.item.kind == s.name)).collect();
        if !used.is_empty() {
            *found = used;
        }
    }
    by_name
}

/// What deciding one obligation gave.
struct Decided {
    status: Outcome,
    when_atoms: Vec<Atom>,
    exception_atoms: Vec<Atom>,
    req_atoms: Vec<Atom>,
    displaced_by: Option<String>,
}

/// A run's totals, accumulated document by document in constant space (the size of the
/// program, not of the input): the summary and which waivers were used.
#[derive(Clone, Debug)]
pub struct Tally {
    /// Totals so far.
    pub summary: Summary,
    /// Which waivers some document used, indexed like `program.waivers`.
    pub waiver_used: Vec<bool>,
}

impl Tally {
    /// Counts one document.
    pub fn add(&mut self, result: &DocumentResult) {
        if result.skipped {
            let report = &result.report;
            let name =
                if report.index == 0 { report.source.clone() } else { format!("{}#{}", report.source, report.index) };
            self.summary.skipped_files.push(name);
            return;
        }
        self.summary.add(&result.report);
        for &i in &result.waivers_used {
            if let Some(used) = self.waiver_used.get_mut(i) {
                *used = true;
            }
        }
    }
}

/// Evaluates documents one after another and keeps every result: the simple interface for a
/// handful of documents (tests, code lenses). Runs over many documents use [`Evaluation`]
/// and a [`Tally`] instead, and write each result as it comes.
pub struct Session<'p> {
    evaluation: Evaluation<'p>,
    results: Vec<DocumentResult>,
}

/// A document's source with the diagnostics found in it, for rendering.
pub type DocumentDiagnostics = (Arc<Source>, Vec<Diagnostic<DocSpan>>);

impl<'p> Session<'p> {
    /// A session evaluating against `program` as of `today`, explaining every finding.
    pub fn new(program: &'p Program, today: Date) -> Self {
        Session { evaluation: Evaluation::new(program, today).with_explain(Explain::All), results: Vec::new() }
    }

    /// Uses `params` before the program's parameter values (for a test's overrides).
    pub fn with_params(mut self, params: &'p ParamValues) -> Self {
        self.evaluation = self.evaluation.with_params(params);
        self
    }

    /// Evaluates only the obligations for which `keep` is true.
    pub fn select(&mut self, keep: impl Fn(&CompiledObligation) -> bool) {
        self.evaluation.select(keep);
    }

    /// Records the value of every condition evaluated, for test coverage.
    pub fn record_coverage(&mut self) {
        self.evaluation.record_coverage();
    }

    /// The condition values recorded so far, emptied.
    pub fn take_observations(&mut self) -> Vec<Observation> {
        self.results.iter_mut().flat_map(|r| std::mem::take(&mut r.observations)).collect()
    }

    /// Records an input that could not be loaded at all.
    pub fn load_failed(&mut self, source: &str, index: usize, problem: InputProblem) {
        self.results.push(self.evaluation.load_failed(source, index, problem));
    }

    /// Validates and evaluates one document. `kind` overrides the document's `kind:` field.
    pub fn evaluate(&mut self, doc: &Document, kind: Option<&str>) {
        self.results.push(self.evaluation.evaluate(doc, kind));
    }

    /// Finishes the run: the reports, unused and expired waivers, and totals.
    pub fn finish(self) -> (RunReport, Vec<DocumentDiagnostics>) {
        let mut tally = self.evaluation.tally();
        for r in &self.results {
            tally.add(r);
        }
        let mut documents = Vec::with_capacity(self.results.len());
        let mut diagnostics = Vec::with_capacity(self.results.len());
        for r in self.results {
            documents.push(r.report);
            diagnostics.push((r.source, r.diagnostics));
        }
        let report = RunReport {
            today: self.evaluation.today.to_string(),
            documents,
            waivers: self.evaluation.waiver_reports(&tally.waiver_used),
            overrides: self.evaluation.override_reports(),
            summary: tally.summary,
        };
        (report, diagnostics)
    }
}

/// What a finding shows of a value it read; a sensitive one (or one holding one) as the mask.
fn evidence(read: Read, source: &Source, sensitive: &sensitive::Sensitive) -> Evidence {
    let masked = read.origin.span.is_some_and(|span| sensitive.touches(span));
    let (line, column, span) = match read.origin.span {
        Some(span) => {
            let (line, column) = source.line_col(span.0 as usize);
            (u32::try_from(line).ok(), u32::try_from(column).ok(), Some(span))
        }
        None => (None, None, None),
    };
    Evidence {
        path: read.path.to_string(),
        value: if masked { serde_json::Value::String(sensitive::MASK.to_string()) } else { read.value.to_json() },
        absent: read.absent,
        line,
        column,
        span,
        shown: if masked { sensitive::MASK.to_string() } else { read.value.display() },
    }
}

/// The result of a document that was not evaluated, with the diagnostics that say why.
/// The error for a document with nothing in it: a file of nothing (or only comments), or an
/// empty or `null` document in a stream.
fn empty_document(doc: &Document) -> Diagnostic<DocSpan> {
    let message = if doc.root.span.is_empty() && doc.index == 0 && doc.root.span.start == 0 {
        format!("`{}` holds no document", doc.source.name)
    } else {
        format!("document {} of the stream is empty", doc.index + 1)
    };
    Diagnostic::error(tenet_syntax::codes::EMPTY_DOCUMENT, message, doc.root.span)
        .with_label("nothing to evaluate here")
        .with_help("write the document, or remove the empty one (an extra `---` in a YAML stream makes one)")
}

fn not_evaluated(doc: &Document, kind: Option<String>, diagnostics: Vec<Diagnostic<DocSpan>>) -> DocumentResult {
    DocumentResult {
        report: DocumentReport {
            source: doc.source.name.clone(),
            index: doc.index,
            id: doc.root.get("id").and_then(|n| n.as_str()).map(str::to_string),
            kind,
            findings: Vec::new(),
            problems: diagnostics.iter().map(|d| problem_of(&doc.source, d)).collect(),
            evaluated: false,
        },
        source: doc.source.clone(),
        diagnostics,
        waivers_used: Vec::new(),
        observations: Vec::new(),
        skipped: false,
        sensitive: sensitive::Sensitive::default(),
    }
}

/// What kind to evaluate a document as.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum KindChoice {
    /// Its own `kind:` field.
    #[default]
    Own,
    /// This kind, whatever its `kind:` says (`--kind`).
    Forced(Arc<str>),
    /// This kind when it has no `kind:`; when it has one, the two must agree (a project's
    /// `[inputs]`).
    Default(Arc<str>),
    /// Its own `kind:`; a document without one is skipped, not an error (a file found by
    /// searching a directory, which may hold files that are not documents).
    Found,
}

/// Whether a document's own kind names the kind given for it: the same name, or the given
/// short name qualified by a package.
fn kind_agrees(own: &str, given: &str) -> bool {
    own == given
        || own.strip_suffix(given).is_some_and(|p| p.ends_with('.'))
        || given.strip_suffix(own).is_some_and(|p| p.ends_with('.'))
}

/// Converts a document diagnostic into its report form.
pub fn problem(source: &Source, d: &Diagnostic<DocSpan>) -> InputProblem {
    problem_of(source, d)
}

fn problem_of(source: &Source, d: &Diagnostic<DocSpan>) -> InputProblem {
    let (line, column) = if source.text.is_empty() { (0, 0) } else { source.line_col(d.span.start) };
    InputProblem {
        code: d.code.to_string(),
        severity: d.level,
        message: d.message.clone(),
        help: d.help.clone(),
        supplied: d.supplied,
        line: (line > 0).then(|| u32::try_from(line).unwrap_or(u32::MAX)),
        column: (column > 0).then(|| u32::try_from(column).unwrap_or(u32::MAX)),
    }
}

/// The line index of each policy file a report names items of, built once per file.
#[derive(Default)]
struct FileLines(std::collections::HashMap<Arc<str>, tenet_text::LineIndex>);

impl FileLines {
    /// The location of byte `offset` in `text`, the text of the file at `path`.
    fn defined_at(&mut self, path: &Arc<str>, text: &str, offset: u32) -> Location {
        let index = self.0.entry(path.clone()).or_insert_with(|| tenet_text::LineIndex::new(text));
        Location::new(path.clone(), index.line_col(text, offset as usize))
    }
}
