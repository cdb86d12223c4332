//! `tenet explain NAME INPUT`: the whole decision for one obligation on each document of one
//! input, in plain language: whether it applies and why, each condition with the values it
//! read and where, exceptions, waivers and parameter overrides in force.

use crate::exit::Exit;
use crate::render::Renderer;
use std::path::PathBuf;
use std::sync::Arc;
use tenet::stream::{self, InputSpec};
use tenet_eval::{Condition, DocumentReport, Finding, Outcome};
use tenet_input::Limits;

/// Arguments of `tenet explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The obligation: its qualified name (`std.privacy.breach_notice_to_controller`) or, when
    /// only one has it, its short name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The document file (every document of a YAML stream or NDJSON file is explained).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Policy files or directories (repeatable), beside the embedded standard library.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Leave out the embedded standard library.
    #[arg(long)]
    pub no_std: bool,
    /// The evaluation date (YYYY-MM-DD); default: today's date.
    #[arg(long, value_name = "DATE", value_parser = crate::eval::parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Evaluate the document as this kind, whatever its `kind:` says.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
}

/// Runs `tenet explain`.
pub fn run(args: &ExplainArgs, renderer: &Renderer) -> Exit {
    let (_, loaded) = match crate::project::load_policies(&args.policies, args.no_std, renderer) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    for e in &loaded.errors {
        eprint!("{}", renderer.report(e));
    }
    let engine = tenet::Engine::from_loaded(&loaded);
    let policy_errors = loaded.errors.len() + engine.problems().len();
    let obligations = &engine.program().obligations;
    let exact: Vec<_> = obligations.iter().filter(|o| *o.item.name == *args.name).collect();
    let candidates: Vec<_> = if exact.is_empty() {
        obligations.iter().filter(|o| crate::select::name_matches(&args.name, &o.item.name)).collect()
    } else {
        exact
    };
    let obligation = match candidates.as_slice() {
        [one] => &one.item,
        [] => {
            eprintln!(
                "error: no obligation named `{}`{}\n\nhelp: `tenet doc` lists the obligations; give a qualified name (`package.name`) or a short one",
                args.name,
                if policy_errors > 0 { " (the policies have errors: `tenet check` shows them)" } else { "" }
            );
            return if policy_errors > 0 { Exit::Policy } else { Exit::Input };
        }
        many => {
            let names: Vec<String> = many.iter().map(|o| format!("`{}`", o.item.name)).collect();
            eprintln!(
                "error: `{}` names {} obligations: {}\n\nhelp: give the qualified name",
                args.name,
                many.len(),
                names.join(", ")
            );
            return Exit::Input;
        }
    };
    let today = args.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let mut evaluation = engine.evaluation(today).with_explain(tenet::Explain::All);
    let chosen = obligation.name.clone();
    evaluation.select(|ob| ob.name == chosen);
    let limits = Limits::default();
    let spec = InputSpec {
        path: args.input.clone(),
        kind: args.kind.as_deref().map(Arc::from),
        default_kind: None,
        format: None,
    };
    let exceptions: Vec<&str> =
        obligations.iter().filter(|o| o.item.exception_to.contains(&chosen)).map(|o| &*o.item.name).collect();
    let mut tally = evaluation.tally();
    let mut out = String::new();
    let mut exit = if policy_errors > 0 { Exit::Policy } else { Exit::Clean };
    for unit in stream::Reader::excluding(std::slice::from_ref(&spec), limits, &[]) {
        let evaluated = unit.evaluate(&evaluation, &limits);
        tally.add(&evaluated.result);
        let report = &evaluated.result.report;
        out.push_str(&heading(report));
        if !report.evaluated {
            out.push_str("  It could not be evaluated:\n");
            for p in &report.problems {
                out.push_str(&format!(
                    "  - {} at line {}, column {}: {}\n",
                    p.code,
                    p.line.unwrap_or(1),
                    p.column.unwrap_or(1),
                    p.message
                ));
            }
            out.push('\n');
            exit = exit.max(Exit::Input);
            continue;
        }
        match report.findings.iter().find(|f| f.obligation == chosen) {
            Some(f) => out.push_str(&decision(f, obligation.when.is_some(), &exceptions)),
            None => out.push_str(&format!(
                "  `{}` applies to documents of kind `{}`; this one is {}, so it is not evaluated here.\n",
                chosen,
                obligation.kind,
                report.kind.as_deref().map_or("of no kind".to_string(), |k| format!("a `{k}`"))
            )),
        }
        out.push('\n');
    }
    // Exceptions that can displace it, waivers of it, and the overrides of the run.
    out.push_str(&format!(
        "{} ({}, {}, {}) is declared at {}; it cites {}.\n",
        chosen,
        obligation.modality.keyword(),
        obligation.area.as_str(),
        obligation.severity.as_str(),
        defined_at(&engine, &chosen),
        if obligation.cite.is_empty() { "nothing".to_string() } else { obligation.cite.join("; ") }
    ));
    if exceptions.is_empty() {
        out.push_str("No exception is declared to it.\n");
    } else {
        out.push_str(&format!(
            "Exceptions declared to it (they displace it where their `when` holds): {}.\n",
            exceptions.join(", ")
        ));
    }
    let waivers: Vec<_> =
        evaluation.waiver_reports(&tally.waiver_used).into_iter().filter(|w| *w.obligation == *chosen).collect();
    if waivers.is_empty() {
        out.push_str("No waiver names it.\n");
    }
    for w in waivers {
        out.push_str(&format!(
            "Waiver at {} ({}): approved by {}, until {}: {}\n",
            w.defined_at, w.status, w.approved_by, w.until, w.reason
        ));
    }
    let overrides = evaluation.override_reports();
    if overrides.is_empty() {
        out.push_str("Every library parameter has its default value.\n");
    }
    for o in overrides {
        out.push_str(&format!(
            "Parameter {} = {} (library default {}), overridden at {}.\n",
            o.parameter, o.value, o.default, o.defined_at
        ));
    }
    print!("{out}");
    exit
}

fn defined_at(engine: &tenet::Engine, name: &str) -> String {
    engine
        .program()
        .obligations
        .iter()
        .find(|o| &*o.item.name == name)
        .map_or_else(String::new, |o| tenet_text::Location::of(o.path.clone(), &o.text, o.offset as usize).to_string())
}

fn heading(report: &DocumentReport) -> String {
    let which = match (&report.kind, &report.id) {
        (Some(k), Some(id)) => format!("{k} `{id}`"),
        (Some(k), None) => k.clone(),
        (None, Some(id)) => format!("`{id}`"),
        (None, None) => "the document".into(),
    };
    let index = if report.index > 0 { format!(", document {}", report.index + 1) } else { String::new() };
    format!("{which} ({}{index}):\n", report.source)
}

/// The decision in sentences: applicability, the requirement, the exceptions declared to it
/// (`exceptions`, qualified names) and whether one displaced it, the waiver, the outcome.
fn decision(f: &Finding, has_when: bool, exceptions: &[&str]) -> String {
    let mut out = String::new();
    let clause = |name: &str| f.explanation.iter().filter(|c| c.clause == name).collect::<Vec<_>>();
    let when = clause("when");
    if !has_when {
        out.push_str("  It applies to every document of its kind (it has no `when`).\n");
    } else if when.is_empty() {
        out.push_str("  Its `when` was not needed to decide.\n");
    } else {
        let verdict = match when.first().map(|c| c.result) {
            Some("true") => "It applies, because",
            Some("false") => "It does not apply, because",
            _ => "Whether it applies is unknown, because",
        };
        out.push_str(&format!("  {verdict}:\n"));
        for c in &when {
            out.push_str(&condition(c));
        }
    }
    for (name, what) in [("requirement", "It requires"), ("forbidden", "It forbids")] {
        let conditions = clause(name);
        if conditions.is_empty() {
            continue;
        }
        out.push_str(&format!("  {what}:\n"));
        for c in conditions {
            out.push_str(&condition(c));
        }
    }
    let considered = clause("exception");
    if !considered.is_empty() {
        out.push_str("  Exceptions considered (the conditions of their `when` that were not false):\n");
        for c in &considered {
            out.push_str(&condition(c));
        }
    }
    let names = exceptions.join(", ");
    match &f.displaced_by {
        Some(by) => out.push_str(&format!("  The exception {by} displaces it here: its `when` holds.\n")),
        None if exceptions.is_empty() => {}
        None if when.first().is_some_and(|c| c.result == "false") => {
            out.push_str(&format!("  Its exceptions ({names}) were not needed: it does not apply anyway.\n"));
        }
        None if considered.is_empty() => {
            out.push_str(&format!("  No exception displaces it: the `when` of {names} is false here.\n"));
        }
        None => out
            .push_str(&format!("  No exception displaces it: the `when` of {names} does not hold for certain here.\n")),
    }
    if let Some(w) = &f.waiver {
        let state = if w.expired { "expired, so not applied" } else { "applied" };
        out.push_str(&format!(
            "  A waiver matched ({state}): approved by {}, until {}: {}; the outcome before it was {}.\n",
            w.approved_by,
            w.until,
            w.reason,
            w.original_status.as_str().replace('_', " ")
        ));
    }
    let why = match f.status {
        Outcome::Satisfied => "its requirement holds",
        Outcome::Violated => "it applies and its requirement does not hold",
        Outcome::NotApplicable => "it does not apply here",
        Outcome::Undetermined => "the document does not say enough to decide",
        Outcome::Waived => "a waiver covers what it found",
    };
    let status = f.status.as_str().replace('_', " ");
    match &f.displaced_by {
        // The message would only repeat which exception displaced it.
        Some(by) => out.push_str(&format!("  Outcome: {status}, because the exception {by} displaces it.\n")),
        None => out.push_str(&format!("  Outcome: {status}, because {why}. {}\n", f.message)),
    }
    out
}

fn condition(c: &Condition) -> String {
    let mut out = format!("    `{}` is {}", c.text, c.result);
    if let Some(note) = &c.note {
        out.push_str(&format!(" ({note})"));
    }
    out.push('\n');
    for e in &c.evidence {
        let place = match (e.line, e.column) {
            (Some(l), Some(col)) if e.absent => format!(", absent (its nearest parent is at line {l}, column {col})"),
            (Some(l), Some(col)) => format!(" at line {l}, column {col}"),
            _ => String::new(),
        };
        let value = if e.absent { String::new() } else { format!(" = {}", e.value) };
        out.push_str(&format!("      {}{value}{place}\n", e.path));
    }
    out
}
