//! `tenet eval`: evaluate documents against policies.

use crate::check::plural;
use crate::render::Renderer;
use crate::select::Selection;
use crate::{Exit, policy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tenet_db::ir::Severity;
use tenet_eval::{InputProblem, Outcome, RunReport, Session};
use tenet_input::{InputPath, Limits, LoadError};

/// Arguments of `tenet eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Policy files or directories with `.tenet` files (repeatable), evaluated together with
    /// the embedded standard library.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Leave out the embedded standard library (then `--policy` is needed).
    #[arg(long)]
    pub no_std: bool,
    #[command(flatten)]
    pub selection: Selection,
    /// The evaluation date (YYYY-MM-DD); default: today's date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
    pub format: EvalFormat,
    /// Exit with status 1 when a finding of this severity or higher is violated
    /// (info, low, medium, high, critical, or none).
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// Treat every document as this kind, whatever its `kind:` field says.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Refuse input files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_BYTES)]
    pub max_file_size: usize,
    /// Documents to evaluate: YAML, JSON or TOML files, directories (searched recursively), or
    /// `-` for stdin. In a project (a `tenet.toml` in the current directory), the default is
    /// the files its `[inputs]` globs match, each evaluated as the kind its glob names.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

/// Output formats of `tenet eval`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum EvalFormat {
    /// Readable text with source snippets.
    Human,
    /// One JSON object (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// The `--fail-on` threshold.
#[derive(Clone, Copy, Debug)]
pub struct FailOn(Option<Severity>);

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s == "none" {
        return Ok(FailOn(None));
    }
    Severity::parse(s)
        .map(|s| FailOn(Some(s)))
        .ok_or_else(|| format!("`{s}` is not a severity; use info, low, medium, high, critical or none"))
}

pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    tenet_syntax::parse_date(s)
        .and_then(|d| jiff::civil::Date::new(d.year, d.month, d.day).ok())
        .ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

#[derive(Serialize)]
struct JsonPolicyDiagnostic {
    file: String,
    code: String,
    severity: &'static str,
    message: String,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    policy_diagnostics: Vec<JsonPolicyDiagnostic>,
}

/// Runs `tenet eval`.
pub fn run(args: &EvalArgs, renderer: &Renderer) -> Exit {
    if args.no_std && args.policies.is_empty() {
        eprintln!(
            "error: nothing to evaluate against: `--no-std` leaves out the standard library and no `--policy` was given\n\nhelp: pass your policies with `--policy PATH`, or drop `--no-std`"
        );
        return Exit::Input;
    }
    let std = if args.no_std { policy::Std::Exclude } else { policy::Std::Include };
    // Without `--policy`, a project in the current directory supplies the policies: its own
    // files, its locked dependencies (from the cache) and its `[params]`.
    let project = match policy::current_project(!args.policies.is_empty(), renderer) {
        Ok(project) => project,
        Err(exit) => return exit,
    };
    let policy_paths: Vec<PathBuf> = match &project {
        Some(p) => p.sources.iter().map(|s| s.path.clone()).collect(),
        None => args.policies.clone(),
    };
    let mut inputs_by_kind: Vec<(PathBuf, Option<String>)> =
        args.inputs.iter().map(|i| (i.clone(), args.kind.clone())).collect();
    if inputs_by_kind.is_empty() {
        if let Some(p) = &project {
            for glob in &p.inputs {
                for path in tenet_pkg::glob::expand(&p.dir, &[glob.pattern.as_str()]) {
                    if !inputs_by_kind.iter().any(|(q, _)| *q == path) {
                        inputs_by_kind.push((path, args.kind.clone().or_else(|| Some(glob.kind.clone()))));
                    }
                }
            }
        }
        if inputs_by_kind.is_empty() {
            eprintln!(
                "error: no documents to evaluate\n\nhelp: pass contracts or AI-system configs (files, directories or `-`), or run in a project whose `tenet.toml` lists `[inputs]`"
            );
            return Exit::Input;
        }
    }
    let loaded = policy::load_with_project(&policy_paths, std, project.as_ref());
    let mut out = String::new();
    let mut policy_errors = loaded.errors.len();
    let mut policy_warnings = 0;
    let mut json_policy = Vec::new();
    for e in &loaded.errors {
        out.push_str(&renderer.report(e));
    }
    if !args.policies.is_empty() && loaded.files.is_empty() && loaded.errors.is_empty() {
        eprintln!(
            "error: no `.tenet` files found under {}",
            args.policies.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ")
        );
        return Exit::Input;
    }
    for &file in loaded.files.iter().chain(&loaded.std_files) {
        for d in tenet_db::file_diagnostics(&loaded.db, loaded.workspace, file) {
            if !d.is_error() {
                policy_warnings += 1;
                continue;
            }
            policy_errors += 1;
            let (path, text, d) = loaded.locate(file, d);
            out.push_str(&renderer.diagnostic(&d, path, text));
            let (line, column) = tenet_eval::line_col(text, d.span.start as usize);
            json_policy.push(JsonPolicyDiagnostic {
                file: path.to_string(),
                code: d.code.to_string(),
                severity: "error",
                message: d.message.clone(),
                line,
                column,
            });
        }
    }
    let program = tenet_db::compile_program(&loaded.db, loaded.workspace);
    let today = args.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let mut session = Session::new(program, today);
    session.select(|ob| args.selection.keeps(ob));
    let names: Vec<&str> = program.obligations.iter().map(|o| &*o.item.name).collect();
    for pattern in args.selection.unmatched(&names) {
        eprintln!("warning: `{pattern}` matches no obligation");
    }
    let limits = Limits { max_bytes: args.max_file_size, ..Limits::default() };

    // Load errors are rendered by the CLI; `failures[i]` belongs to the i-th report.
    let mut failures: Vec<Option<LoadError>> = Vec::new();
    let mut inputs: Vec<(tenet_input::InputPath, Option<String>)> = Vec::new();
    for (path, kind) in &inputs_by_kind {
        let (found, input_errors) = tenet_input::collect_inputs(std::slice::from_ref(path));
        for e in input_errors {
            session.load_failed(e.file(), 0, load_problem(&e));
            failures.push(Some(e));
        }
        inputs.extend(found.into_iter().map(|i| (i, kind.clone())));
    }
    for (input, kind) in &inputs {
        let (docs, error) = match tenet_input::read_input(input, &limits) {
            Ok(source) => tenet_input::load_partial(Arc::new(source), &limits),
            Err(e) => (Vec::new(), Some(e)),
        };
        for doc in &docs {
            session.evaluate(doc, kind.as_deref());
            failures.push(None);
        }
        if let Some(e) = error {
            let name = match input {
                InputPath::Stdin => "<stdin>".to_string(),
                InputPath::File { path, .. } => path.display().to_string(),
            };
            session.load_failed(&name, docs.len(), load_problem(&e));
            failures.push(Some(e));
        }
    }
    let (mut report, diagnostics) = session.finish();
    // Overrides from a project's `[params]` are located in `tenet.toml`, not the generated file.
    if let Some(m) = &loaded.manifest_params {
        for o in &mut report.overrides {
            if let Some(p) = m.params.iter().find(|p| p.name == o.parameter) {
                let (line, column) = tenet_eval::line_col(&m.text, p.key_span.start);
                o.defined_at = format!("{}:{line}:{column}", m.path);
            }
        }
    }

    let input_errors = report.documents.iter().any(|d| !d.evaluated);
    let failing = report.documents.iter().flat_map(|d| &d.findings).any(|f| {
        f.status == Outcome::Violated
            && args.fail_on.0.is_some_and(|threshold| Severity::parse(f.severity).is_some_and(|s| s >= threshold))
    });

    match args.format {
        EvalFormat::Sarif => {
            println!("{}", serde_json::to_string_pretty(&crate::sarif::log(&report)).unwrap_or_default());
        }
        EvalFormat::Json => {
            let body = JsonOutput { report: &report, policy_diagnostics: json_policy };
            println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
        }
        EvalFormat::Human => {
            for (i, doc) in report.documents.iter().enumerate() {
                out.push_str(&document_header(doc));
                if let Some(Some(e)) = failures.get(i) {
                    out.push_str(&renderer.report(e));
                }
                if let Some((source, diags)) = diagnostics.get(i) {
                    for d in diags {
                        out.push_str(&renderer.diagnostic(d, &source.name, &source.text));
                    }
                    // Violated before undetermined, the most severe first; the JSON keeps policy order.
                    let mut shown: Vec<&tenet_eval::Finding> = doc
                        .findings
                        .iter()
                        .filter(|f| matches!(f.status, Outcome::Violated | Outcome::Undetermined))
                        .collect();
                    shown.sort_by_key(|f| {
                        (f.status != Outcome::Violated, std::cmp::Reverse(Severity::parse(f.severity)))
                    });
                    for f in shown {
                        out.push_str(&renderer.finding(f, &source.name, &source.text));
                    }
                }
                for f in doc.findings.iter().filter(|f| f.status == Outcome::Waived) {
                    if let Some(w) = &f.waiver {
                        out.push_str(&format!(
                            "  ~ waived {} (was {}; until {}, approved by {}: {})\n",
                            f.obligation,
                            w.original_status.as_str(),
                            w.until,
                            w.approved_by,
                            w.reason
                        ));
                    }
                }
                out.push('\n');
            }
            out.push_str(&summary(&report, policy_errors, policy_warnings));
            print!("{out}");
        }
    }
    if policy_errors > 0 {
        Exit::Policy
    } else if input_errors {
        Exit::Input
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn load_problem(e: &LoadError) -> InputProblem {
    use miette::Diagnostic as _;
    let (line, column) = e.line_col().map_or((None, None), |(l, c)| (u32::try_from(l).ok(), u32::try_from(c).ok()));
    InputProblem {
        code: e.code().map(|c| c.to_string()).unwrap_or_else(|| "tenet::input".into()),
        severity: "error",
        message: e.to_string(),
        help: e.help().map(|h| h.to_string()),
        line,
        column,
    }
}

fn document_header(doc: &tenet_eval::DocumentReport) -> String {
    let what = match (&doc.kind, &doc.id) {
        (Some(k), Some(id)) => format!("{k} `{id}`"),
        (Some(k), None) => k.clone(),
        (None, Some(id)) => format!("`{id}`"),
        (None, None) => "document".into(),
    };
    let index = if doc.index > 0 { format!(" (document {})", doc.index + 1) } else { String::new() };
    if !doc.evaluated {
        return format!("■ {}{index} · {what} · not evaluated: fix the errors below\n", doc.source);
    }
    let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
    for f in &doc.findings {
        *counts.entry(f.status).or_default() += 1;
    }
    let parts: Vec<String> = Outcome::ALL
        .iter()
        .filter_map(|o| counts.get(o).map(|n| format!("{n} {}", o.as_str().replace('_', " "))))
        .collect();
    let verdict = if parts.is_empty() {
        "·"
    } else if counts.contains_key(&Outcome::Violated) {
        "✗"
    } else if counts.contains_key(&Outcome::Undetermined) {
        "?"
    } else {
        "✓"
    };
    let body = if parts.is_empty() { "no obligation evaluated for this kind".to_string() } else { parts.join(" · ") };
    format!("{verdict} {}{index} · {what} · {body}\n", doc.source)
}

fn summary(report: &RunReport, policy_errors: usize, policy_warnings: usize) -> String {
    let mut out = String::new();
    let s = &report.summary;
    out.push_str(&format!(
        "Summary ({}): {} document{}, {} not evaluated\n",
        report.today,
        s.documents,
        plural(s.documents),
        s.documents_with_errors
    ));
    let mut areas: BTreeMap<&str, BTreeMap<Outcome, usize>> = BTreeMap::new();
    for f in report.documents.iter().flat_map(|d| &d.findings) {
        *areas.entry(&f.area).or_default().entry(f.status).or_default() += 1;
    }
    if !areas.is_empty() {
        let columns =
            [Outcome::Violated, Outcome::Undetermined, Outcome::Waived, Outcome::Satisfied, Outcome::NotApplicable];
        out.push_str(&format!(
            "  {:<16}{:>10}{:>14}{:>8}{:>11}{:>16}\n",
            "area", "violated", "undetermined", "waived", "satisfied", "not applicable"
        ));
        let mut totals = [0usize; 5];
        for (area, counts) in &areas {
            let row: Vec<usize> = columns.iter().map(|c| counts.get(c).copied().unwrap_or(0)).collect();
            for (t, r) in totals.iter_mut().zip(&row) {
                *t += r;
            }
            out.push_str(&format_row(area, &row));
        }
        out.push_str(&format_row("total", &totals));
    }
    // The few findings a compliance lead acts on first: violated at the two top severities.
    for level in ["critical", "high"] {
        let hits: Vec<String> = report
            .documents
            .iter()
            .flat_map(|d| d.findings.iter().map(move |f| (d, f)))
            .filter(|(_, f)| f.status == Outcome::Violated && f.severity == level)
            .map(|(d, f)| {
                let short = f.obligation.rsplit('.').next().unwrap_or(&f.obligation);
                format!("{short} ({})", d.id.as_deref().unwrap_or(&d.source))
            })
            .collect();
        if !hits.is_empty() {
            out.push_str(&format!("  {} {level} violation{}: {}\n", hits.len(), plural(hits.len()), hits.join(", ")));
        }
    }
    for w in &report.waivers {
        out.push_str(&format!("  waiver {} for {} (until {}) at {}\n", w.status, w.obligation, w.until, w.defined_at));
    }
    for o in &report.overrides {
        out.push_str(&format!(
            "  parameter {} = {} (library default {}) overridden at {}\n",
            o.parameter, o.value, o.default, o.defined_at
        ));
    }
    if !s.skipped_obligations.is_empty() {
        out.push_str(&format!(
            "  {} obligation{} not evaluated because of policy errors: {}\n",
            s.skipped_obligations.len(),
            plural(s.skipped_obligations.len()),
            s.skipped_obligations.join(", ")
        ));
    }
    if policy_errors > 0 || policy_warnings > 0 {
        out.push_str(&format!(
            "  policies: {policy_errors} error{}, {policy_warnings} warning{} (run `tenet check` for details)\n",
            plural(policy_errors),
            plural(policy_warnings)
        ));
    }
    out
}

fn format_row(label: &str, row: &[usize]) -> String {
    let cell = |i: usize| row.get(i).copied().unwrap_or(0);
    format!("  {:<16}{:>10}{:>14}{:>8}{:>11}{:>16}\n", label, cell(0), cell(1), cell(2), cell(3), cell(4))
}
