//! `tenet eval`: evaluate documents against policies.

use crate::check::plural;
use crate::exit::Exit;
pub use crate::outputs::{EvalFormat, PolicyProblem};
use crate::render::Renderer;
use crate::select::Selection;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tenet::load as policy;
use tenet::stream::{self, InputSpec};
use tenet_db::ir::{Area, Severity};
use tenet_eval::Outcome;
use tenet_input::Limits;

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
    /// Output format (on standard output).
    #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
    pub format: EvalFormat,
    /// Also write the report in FORMAT to FILE (repeatable: one run, several formats), e.g.
    /// `--output sarif=tenet.sarif --output junit=tenet.xml`.
    #[arg(long = "output", value_name = "FORMAT=FILE", value_parser = crate::outputs::parse_output)]
    pub outputs: Vec<crate::outputs::OutputTarget>,
    /// Keep only findings with this outcome in the output (repeatable): violated,
    /// undetermined, waived, satisfied, not_applicable. Summaries and gates still count every
    /// finding.
    #[arg(long = "status", value_name = "OUTCOME", value_parser = crate::outputs::parse_status)]
    pub status: Vec<Outcome>,
    /// Exit with status 1 when a finding of this severity or higher is violated (info, low,
    /// medium, high, critical, or none). Default: the project's `[gate] fail_on`, else high.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// Exit with status 1 when a finding of this severity or higher is undetermined (the
    /// document lacks what it needs). Default: the project's `[gate] fail_on_undetermined`,
    /// else none.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on_undetermined: Option<FailOn>,
    /// Make a document field that its schema does not declare an error (the document is not
    /// evaluated and the run exits with status 2), not a warning. Default: the project's
    /// `[gate] strict`.
    #[arg(long)]
    pub strict: bool,
    /// Fail only on findings not recorded in this baseline file, and report the recorded ones
    /// that are gone.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings that fail the gate in this file (to adopt Tenet on a repository
    /// that already has findings; then run with `--baseline FILE`). The run then exits 0
    /// unless the policies or documents have errors.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Append one JSON line per evaluated document to this decision log (the run record, the
    /// document's digest, its outcomes), chained by hashes; `tenet log verify FILE` checks it.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Encrypt the decision log's payloads with this key file (64 hex digits); the hash chain
    /// stays verifiable without it, and `tenet log show --key` reads them.
    #[arg(long, value_name = "KEYFILE", requires = "log")]
    pub log_key: Option<PathBuf>,
    /// Treat every document as this kind, whatever its `kind:` field says.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Refuse input files larger than this many bytes (for NDJSON: lines).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_BYTES)]
    pub max_file_size: usize,
    /// Which findings carry their explanation and evidence: `failing` (violated, undetermined
    /// and waived), `all`, or `none` (outcomes and messages only).
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = ExplainChoice::Failing)]
    pub explain: ExplainChoice,
    /// The format of standard input (`-`): auto (sniffed), yaml, json, toml, or ndjson (one
    /// JSON document per line, read as a stream). Files are read by their extension; `.ndjson`
    /// and `.jsonl` files are streamed.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Leave out, in directories searched, the paths that match this glob (as in
    /// `.gitignore`, relative to the directory; repeatable), beside what `.gitignore` files,
    /// hidden names, `tenet.toml` and `tenet.lock` leave out.
    #[arg(long, value_name = "GLOB")]
    pub exclude_path: Vec<String>,
    /// Evaluate on this many threads (default: all cores). Output stays in input order.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
    /// No progress bar (it is shown only on a terminal, for runs longer than a second).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Documents to evaluate: YAML, JSON or TOML files, directories (searched recursively), or
    /// `-` for stdin. In a project (a `tenet.toml` in the current directory), the default is
    /// the files its `[inputs]` globs match, each evaluated as the kind its glob names.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

/// `--explain`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum ExplainChoice {
    /// No finding.
    None,
    /// Violated, undetermined and waived findings.
    Failing,
    /// Every finding.
    All,
}

/// `--input-format`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum InputFormat {
    /// Sniffed from the text.
    Auto,
    /// YAML (a stream of documents separated by `---`).
    Yaml,
    /// One JSON document.
    Json,
    /// TOML.
    Toml,
    /// One JSON document per line.
    Ndjson,
}

/// A `--fail-on` or `--fail-on-undetermined` threshold: `None` never fails.
#[derive(Clone, Copy, Debug)]
pub struct FailOn(Option<Severity>);

/// When findings fail the run: from the command line, else the project's `[gate]`, else the
/// defaults (violated high or critical; never for undetermined; unknown fields warned).
#[derive(Clone, Copy, Debug)]
struct Gate {
    violated: Option<Severity>,
    undetermined: Option<Severity>,
    strict: bool,
}

impl Gate {
    fn new(args: &EvalArgs, project: Option<&tenet_pkg::Project>) -> Gate {
        let configured = project.map(|p| &p.manifest.gate);
        let from_manifest = |level: Option<&String>| level.and_then(|l| parse_fail_on(l).ok());
        let violated = args
            .fail_on
            .or_else(|| from_manifest(configured.and_then(|g| g.fail_on.as_ref())))
            .unwrap_or(FailOn(Some(Severity::High)));
        let undetermined = args
            .fail_on_undetermined
            .or_else(|| from_manifest(configured.and_then(|g| g.fail_on_undetermined.as_ref())))
            .unwrap_or(FailOn(None));
        let strict = args.strict || configured.and_then(|g| g.strict).unwrap_or(false);
        Gate { violated: violated.0, undetermined: undetermined.0, strict }
    }

    /// Whether a finding fails the run (before any baseline).
    fn fails(&self, finding: &tenet_eval::Finding) -> bool {
        let at_least = |threshold: Option<Severity>| threshold.is_some_and(|t| finding.severity >= t);
        match finding.status {
            Outcome::Violated => at_least(self.violated),
            Outcome::Undetermined => at_least(self.undetermined),
            _ => false,
        }
    }
}

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
    let project = match crate::project::current_project(!args.policies.is_empty(), renderer) {
        Ok(project) => project,
        Err(exit) => return exit,
    };
    let policy_paths: Vec<PathBuf> = match &project {
        Some(p) => p.sources.iter().map(|s| s.path.clone()).collect(),
        None => args.policies.clone(),
    };
    // Each input with the kind `--kind` forces on it, and the kind `[inputs]` gives its files.
    let mut inputs_by_kind: Vec<(PathBuf, Option<String>, Option<String>)> =
        args.inputs.iter().map(|i| (i.clone(), args.kind.clone(), None)).collect();
    if inputs_by_kind.is_empty() {
        if let Some(p) = &project {
            for glob in &p.inputs {
                for path in tenet_pkg::glob::expand(&p.dir, &[glob.pattern.as_str()]) {
                    if !inputs_by_kind.iter().any(|(q, _, _)| *q == path) {
                        inputs_by_kind.push((path, args.kind.clone(), Some(glob.kind.clone())));
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
    // The policy errors as the human report shows them, coloured (for standard output) and
    // plain (for `--output human=FILE`).
    let mut out = String::new();
    let mut plain_out = String::new();
    let plain_renderer = Renderer::new(false);
    let mut json_policy = Vec::new();
    for e in &loaded.errors {
        out.push_str(&renderer.report(e));
        plain_out.push_str(&plain_renderer.report(e));
    }
    if !args.policies.is_empty() && loaded.files.is_empty() && loaded.errors.is_empty() {
        eprintln!(
            "error: no `.tenet` files found under {}",
            args.policies.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ")
        );
        return Exit::Input;
    }
    let engine =
        tenet::Engine::from_loaded(&loaded).with_limits(Limits { max_bytes: args.max_file_size, ..Limits::default() });
    let mut policy_errors = loaded.errors.len() + engine.problems().len();
    let policy_warnings = engine.warnings();
    for p in engine.problems() {
        out.push_str(&renderer.diagnostic(&p.diagnostic, &p.at.path, &p.text));
        plain_out.push_str(&plain_renderer.diagnostic(&p.diagnostic, &p.at.path, &p.text));
        json_policy.push(PolicyProblem {
            file: p.at.path.to_string(),
            code: p.diagnostic.code.to_string(),
            severity: "error",
            message: p.diagnostic.message.clone(),
            line: p.at.line,
            column: p.at.column,
        });
    }
    let today = args.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let explain = match args.explain {
        ExplainChoice::None => tenet::Explain::None,
        ExplainChoice::Failing => tenet::Explain::Failing,
        ExplainChoice::All => tenet::Explain::All,
    };
    let gate = Gate::new(args, project.as_ref());
    let mut comparison = match &args.baseline {
        Some(path) => match crate::baseline::Baseline::read(path) {
            Ok(baseline) => Some(crate::baseline::Comparison::new(baseline)),
            Err(e) => {
                eprintln!(
                    "error: {e}

help: {}",
                    e.help()
                );
                return Exit::Input;
            }
        },
        None => None,
    };
    let mut recorded: Vec<crate::baseline::Entry> = Vec::new();
    let run_record = {
        let policies: Vec<(String, String)> =
            loaded.files.iter().map(|f| (f.path(&loaded.db).clone(), f.text(&loaded.db).clone())).collect();
        let lock = project.as_ref().and_then(|p| std::fs::read_to_string(p.dir.join("tenet.lock")).ok());
        crate::decision_log::RunRecord::new(today.to_string(), &policies, lock.as_deref())
    };
    let mut inputs: Vec<crate::decision_log::InputDigest> = Vec::new();
    let mut log = match &args.log {
        Some(path) => {
            let opened = args
                .log_key
                .as_deref()
                .map(crate::decision_log::LogKey::read)
                .transpose()
                .and_then(|key| crate::decision_log::Log::open(path, &run_record, key));
            match opened {
                Ok(log) => Some(log),
                Err(e) => {
                    eprintln!("{e}");
                    return Exit::Input;
                }
            }
        }
        None => None,
    };
    let mut log_error: Option<String> = None;
    let mut evaluation = engine.evaluation(today).with_explain(explain).with_strict(gate.strict);
    // The project's rules for its waivers, checked on the evaluation date.
    if let Some(rules) = project.as_ref().map(|p| &p.manifest.waivers) {
        for (path, text, d) in evaluation.waiver_rule_problems(rules.max_days, rules.allow_critical.unwrap_or(true)) {
            out.push_str(&renderer.diagnostic(&d, &path, &text));
            plain_out.push_str(&plain_renderer.diagnostic(&d, &path, &text));
            let at = tenet_text::Location::of(path.clone(), &text, d.span.start as usize);
            json_policy.push(PolicyProblem {
                file: path.to_string(),
                code: d.code.to_string(),
                severity: "error",
                message: d.message.clone(),
                line: at.line,
                column: at.column,
            });
            policy_errors += 1;
        }
    }
    evaluation.select(|ob| args.selection.keeps(ob));
    let names: Vec<&str> = engine.program().obligations.iter().map(|o| &*o.item.name).collect();
    for pattern in args.selection.unmatched(&names) {
        eprintln!("warning: `{pattern}` matches no obligation");
    }
    // A selection that keeps nothing would pass every gate while checking nothing.
    let obligations = &engine.program().obligations;
    if policy_errors == 0 && !obligations.is_empty() && !obligations.iter().any(|o| args.selection.keeps(&o.item)) {
        eprintln!(
            "error: `--area`, `--only` and `--exclude` together select none of the {} obligations, so nothing would be checked\n\nhelp: `tenet doc` lists the obligations with their areas; widen the selection",
            obligations.len()
        );
        return Exit::Input;
    }
    let stdin_format = match args.input_format {
        InputFormat::Auto => None,
        InputFormat::Yaml => Some(tenet::Format::Yaml),
        InputFormat::Json => Some(tenet::Format::Json),
        InputFormat::Toml => Some(tenet::Format::Toml),
        InputFormat::Ndjson => Some(tenet::Format::Ndjson),
    };
    let specs: Vec<InputSpec> = inputs_by_kind
        .iter()
        .map(|(path, kind, default_kind)| InputSpec {
            path: path.clone(),
            kind: kind.as_deref().map(Arc::from),
            default_kind: default_kind.as_deref().map(Arc::from),
            format: stdin_format,
        })
        .collect();
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n.get());

    let plain = plain_renderer;
    let mut sinks = match crate::outputs::Sink::open_all(args.format, renderer.color(), &args.outputs) {
        Ok(sinks) => sinks,
        Err(e) => {
            eprintln!("{e}");
            return Exit::Input;
        }
    };
    for sink in &mut sinks {
        match sink.format {
            EvalFormat::Human => sink.raw(if sink.color { &out } else { &plain_out }),
            EvalFormat::Json => sink.raw(&format!(
                "{{\n  \"today\": {},\n  \"documents\": [",
                serde_json::Value::String(today.to_string())
            )),
            EvalFormat::Gitlab => {
                sink.raw("[");
                sink.item(&crate::gitlab::policy_problems(&json_policy));
            }
            EvalFormat::Junit => sink.raw(crate::eval_junit::HEADER),
            EvalFormat::Github => sink.raw(&crate::github::policy_problems(&json_policy)),
            EvalFormat::Html => sink.raw(&crate::html::header(&today.to_string())),
            EvalFormat::Sarif | EvalFormat::Ndjson => {}
        }
    }
    let styles: Vec<(EvalFormat, bool)> = sinks.iter().map(|s| (s.format, s.color)).collect();
    let keep_reports = styles.iter().any(|(f, _)| *f == EvalFormat::Sarif);
    let count_totals = styles.iter().any(|(f, _)| matches!(f, EvalFormat::Human | EvalFormat::Github));
    let count_html = styles.iter().any(|(f, _)| *f == EvalFormat::Html);
    let mut tally = evaluation.tally();
    let mut totals = HumanTotals::default();
    let mut html_totals = crate::html::Totals::default();
    let mut failing = false;
    let mut input_errors = false;
    let mut kept: Vec<tenet_eval::DocumentReport> = Vec::new();
    let mut progress = crate::progress::Progress::start(args.quiet);
    let limits = *engine.limits();
    let status = &args.status;
    stream::for_each_ordered(
        stream::Reader::excluding(&specs, limits, &args.exclude_path),
        jobs,
        WINDOW_PER_JOB * jobs,
        |unit| {
            let evaluated = unit.evaluate(&evaluation, &limits);
            let mut texts = Vec::with_capacity(styles.len());
            let mut shown = None;
            if !evaluated.result.skipped
                && let Some(report) = crate::outputs::filtered(&evaluated.result.report, status)
            {
                for (format, color) in &styles {
                    let with = if *color { renderer } else { &plain };
                    texts.push(render_document(*format, with, &evaluated, &report, &run_record));
                }
                if keep_reports {
                    shown = Some(report.into_owned());
                }
            }
            (evaluated.result, texts, shown)
        },
        |(result, texts, shown)| {
            tally.add(result);
            let open = |sinks: &[crate::outputs::Sink]| sinks.iter().any(|s| !s.closed);
            if result.skipped {
                return open(&sinks);
            }
            let report = &result.report;
            input_errors |= !report.evaluated;
            if inputs.last().is_none_or(|i| i.source != report.source) {
                inputs.push(crate::decision_log::InputDigest::of(&result.source));
            }
            let document = crate::baseline::document_key(report);
            for finding in report.findings.iter().filter(|f| gate.fails(f)) {
                let fingerprint = crate::baseline::fingerprint(&document, finding);
                if args.write_baseline.is_some() {
                    recorded.push(crate::baseline::Entry {
                        fingerprint,
                        obligation: finding.obligation.to_string(),
                        document: document.clone(),
                        status: finding.status.as_str().to_string(),
                    });
                } else if !comparison.as_mut().is_some_and(|c| c.knows(&fingerprint)) {
                    failing = true;
                }
            }
            if count_totals {
                totals.add(report);
            }
            if count_html {
                html_totals.add(report);
            }
            if let Some(log) = log.as_mut()
                && log_error.is_none()
                && let Err(e) = log.append(report, crate::decision_log::document_digest(&result.source).as_deref())
            {
                log_error = Some(e);
            }
            progress.document(report);
            for (sink, text) in sinks.iter_mut().zip(texts.iter()) {
                sink.item(text);
            }
            if let Some(report) = shown.take() {
                kept.push(report);
            }
            open(&sinks)
        },
    );
    progress.finish();
    let baseline = match (&args.write_baseline, &comparison, &args.baseline) {
        (Some(path), _, _) => {
            let written = recorded.len();
            if let Err(e) = crate::baseline::Baseline::write(path, recorded) {
                eprintln!(
                    "error: {e}

help: {}",
                    e.help()
                );
                return Exit::Input;
            }
            Some(BaselineReport {
                file: path.display().to_string(),
                written: Some(written),
                known: 0,
                fixed: Vec::new(),
            })
        }
        (None, Some(comparison), Some(path)) => Some(BaselineReport {
            file: path.display().to_string(),
            written: None,
            known: comparison.matched,
            fixed: comparison.fixed().into_iter().cloned().collect(),
        }),
        _ => None,
    };
    let overrides = evaluation.override_reports();
    let tail = Tail {
        run: crate::decision_log::RunReport { record: run_record, inputs },
        waivers: evaluation.waiver_reports(&tally.waiver_used),
        not_applied: evaluation.not_applied_reports(),
        overrides,
        summary: tally.summary,
        policy_diagnostics: json_policy,
        baseline,
    };
    let mut summary_written = false;
    let mut write_errors = false;
    if let Some(e) = log_error.or_else(|| log.and_then(|l| l.finish().err())) {
        eprintln!("{e}");
        write_errors = true;
    }
    for sink in &mut sinks {
        match sink.format {
            EvalFormat::Sarif => {
                let date = today.to_string();
                let run = crate::sarif::Run {
                    today: Some(&date),
                    documents: &kept,
                    policy_problems: &tail.policy_diagnostics,
                };
                sink.raw(&format!("{}\n", serde_json::to_string_pretty(&crate::sarif::log(&run)).unwrap_or_default()));
            }
            EvalFormat::Json => {
                let body = serde_json::to_string_pretty(&tail).unwrap_or_default();
                let fields = body.strip_prefix('{').unwrap_or(&body);
                let close = if sink.items == 0 { "]," } else { "\n  ]," };
                sink.raw(&format!("{close}{fields}\n"));
            }
            EvalFormat::Human => {
                sink.raw(&summary(today, &tail, &totals, policy_errors, policy_warnings));
            }
            EvalFormat::Gitlab => sink.raw(if sink.items == 0 { "]\n" } else { "\n]\n" }),
            EvalFormat::Junit => sink.raw(&crate::eval_junit::footer(&tail.policy_diagnostics)),
            EvalFormat::Github => {
                // One job summary per run, however many GitHub outputs.
                if !summary_written {
                    summary_written = true;
                    if let Err(e) = append_job_summary(&today.to_string(), &tail, &totals, policy_errors) {
                        eprintln!("{e}");
                        write_errors = true;
                    }
                }
            }
            EvalFormat::Html => sink.raw(&crate::html::footer(&crate::html::Page {
                today: &today.to_string(),
                summary: &tail.summary,
                totals: &html_totals,
                run: &tail.run,
                waivers: &tail.waivers,
                overrides: &tail.overrides,
                policy_problems: &tail.policy_diagnostics,
                status: &args.status,
            })),
            EvalFormat::Ndjson => {}
        }
        if let Err(e) = sink.finish() {
            eprintln!("{e}");
            write_errors = true;
        }
    }
    if policy_errors > 0 {
        Exit::Policy
    } else if input_errors || write_errors {
        Exit::Input
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Appends the Markdown job summary to the file `$GITHUB_STEP_SUMMARY` names, when it is set.
fn append_job_summary(today: &str, tail: &Tail, totals: &HumanTotals, policy_errors: usize) -> Result<(), String> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let named = [
        (Severity::Critical, totals.critical.0, totals.critical.1.as_slice()),
        (Severity::High, totals.high.0, totals.high.1.as_slice()),
    ];
    let text = crate::github::job_summary(today, &tail.summary, &totals.areas, &named, policy_errors);
    let path = PathBuf::from(path);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| format!("error: cannot append the job summary to `{}` (GITHUB_STEP_SUMMARY): {e}", path.display()))
}

/// Documents evaluated together per thread: enough to keep every core busy between the
/// ordered writes, few enough that memory stays small.
const WINDOW_PER_JOB: usize = 256;

/// What a baseline did to a run.
#[derive(Serialize)]
struct BaselineReport {
    /// The baseline file.
    file: String,
    /// With `--write-baseline`: how many findings were recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<usize>,
    /// With `--baseline`: gate-failing findings found in it, so not failing the run.
    known: usize,
    /// With `--baseline`: recorded findings this run did not find (fixed, or their document
    /// is gone); remove them by writing the baseline again.
    fixed: Vec<crate::baseline::Entry>,
}

/// The end of a JSON report, after the documents.
#[derive(Serialize)]
struct Tail {
    /// What identifies the run and its inputs.
    run: crate::decision_log::RunReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineReport>,
    /// Overrides and waivers of dependencies, not applied to this run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_applied: Vec<tenet_eval::NotAppliedReport>,
    waivers: Vec<tenet_eval::WaiverReport>,
    overrides: Vec<tenet_eval::OverrideReport>,
    summary: tenet_eval::Summary,
    policy_diagnostics: Vec<PolicyProblem>,
}

/// The report with the help of its problems worded for the command line (see
/// [`crate::render::help_of`]).
fn with_cli_help(report: &tenet_eval::DocumentReport) -> tenet_eval::DocumentReport {
    let mut report = report.clone();
    for p in &mut report.problems {
        if p.supplied.is_some() {
            p.help = crate::render::cli_help(p.help.as_deref(), p.supplied);
        }
    }
    report
}

/// A line of `--format ndjson`: a document's report and the run record, so each line says
/// which run, policies and date decided it.
#[derive(Serialize)]
struct NdjsonLine<'a> {
    #[serde(flatten)]
    report: &'a tenet_eval::DocumentReport,
    run: &'a crate::decision_log::RunRecord,
}

/// One document's output, made on the worker thread that evaluated it.
fn render_document(
    format: EvalFormat,
    renderer: &Renderer,
    evaluated: &stream::Evaluated,
    shown: &tenet_eval::DocumentReport,
    run: &crate::decision_log::RunRecord,
) -> String {
    let worded;
    let mut report = shown;
    if report.problems.iter().any(|p| p.supplied.is_some()) {
        worded = with_cli_help(report);
        report = &worded;
    }
    match format {
        EvalFormat::Sarif => String::new(),
        EvalFormat::Github => crate::github::document(report),
        EvalFormat::Gitlab => crate::gitlab::document(report),
        EvalFormat::Junit => crate::eval_junit::document(report),
        EvalFormat::Html => {
            let shown = evaluated.result.sensitive.shown_source(&evaluated.result.source);
            crate::html::document(report, &shown.text)
        }
        EvalFormat::Ndjson => {
            let mut line = serde_json::to_string(&NdjsonLine { report, run }).unwrap_or_default();
            line.push('\n');
            line
        }
        EvalFormat::Json => {
            // Indented as an element of the report's `documents` array.
            let pretty = serde_json::to_string_pretty(report).unwrap_or_default();
            let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
            for (i, line) in pretty.lines().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str("    ");
                out.push_str(line);
            }
            out
        }
        EvalFormat::Human => {
            // The header counts every finding, also those `--status` leaves out.
            let mut out = document_header(&evaluated.result.report);
            if let Some(e) = &evaluated.error {
                out.push_str(&renderer.report(e));
            }
            // Snippets quote the document with its sensitive values blanked out.
            let source = &evaluated.result.sensitive.shown_source(&evaluated.result.source);
            if evaluated.error.is_none() {
                for d in &evaluated.result.diagnostics {
                    out.push_str(&renderer.document_diagnostic(d, source));
                }
                // Violated before undetermined, the most severe first; the JSON keeps policy order.
                let mut shown: Vec<&tenet_eval::Finding> = report
                    .findings
                    .iter()
                    .filter(|f| matches!(f.status, Outcome::Violated | Outcome::Undetermined))
                    .collect();
                shown.sort_by_key(|f| (f.status != Outcome::Violated, std::cmp::Reverse(f.severity)));
                for f in shown {
                    out.push_str(&renderer.finding(f, source));
                }
            }
            for f in report.findings.iter().filter(|f| f.status == Outcome::Waived) {
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
            out
        }
    }
}

/// How many of the most severe violations the human summary names, per severity.
const NAMED_VIOLATIONS: usize = 20;

/// What the human summary shows beyond the JSON summary, accumulated in constant space.
#[derive(Default)]
struct HumanTotals {
    /// Findings per area and outcome.
    areas: BTreeMap<Area, BTreeMap<Outcome, usize>>,
    /// Critical and high violations: how many, and the first few by name.
    critical: (usize, Vec<String>),
    high: (usize, Vec<String>),
}

impl HumanTotals {
    fn add(&mut self, doc: &tenet_eval::DocumentReport) {
        for f in &doc.findings {
            *self.areas.entry(f.area).or_default().entry(f.status).or_default() += 1;
            if f.status != Outcome::Violated {
                continue;
            }
            let named = match f.severity {
                Severity::Critical => &mut self.critical,
                Severity::High => &mut self.high,
                Severity::Medium | Severity::Low | Severity::Info => continue,
            };
            named.0 += 1;
            if named.1.len() < NAMED_VIOLATIONS {
                let short = f.obligation.rsplit('.').next().unwrap_or(&f.obligation);
                let which = crate::render::escape_controls(doc.id.as_deref().unwrap_or(&doc.source)).into_owned();
                named.1.push(format!("{short} ({which})"));
            }
        }
    }
}

fn document_header(doc: &tenet_eval::DocumentReport) -> String {
    let header = document_header_raw(doc);
    crate::render::escape_controls(&header).into_owned()
}

/// The header line as the document's own values give it, before escaping.
fn document_header_raw(doc: &tenet_eval::DocumentReport) -> String {
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

fn summary(
    today: jiff::civil::Date,
    tail: &Tail,
    totals: &HumanTotals,
    policy_errors: usize,
    policy_warnings: usize,
) -> String {
    let mut out = String::new();
    let s = &tail.summary;
    out.push_str(&format!(
        "Summary ({today}): {} document{}, {} not evaluated\n",
        s.documents,
        plural(s.documents),
        s.documents_with_errors
    ));
    if !totals.areas.is_empty() {
        let columns =
            [Outcome::Violated, Outcome::Undetermined, Outcome::Waived, Outcome::Satisfied, Outcome::NotApplicable];
        out.push_str(&format!(
            "  {:<16}{:>10}{:>14}{:>8}{:>11}{:>16}\n",
            "area", "violated", "undetermined", "waived", "satisfied", "not applicable"
        ));
        let mut sums = [0usize; 5];
        for (area, counts) in &totals.areas {
            let row: Vec<usize> = columns.iter().map(|c| counts.get(c).copied().unwrap_or(0)).collect();
            for (t, r) in sums.iter_mut().zip(&row) {
                *t += r;
            }
            out.push_str(&format_row(area.as_str(), &row));
        }
        out.push_str(&format_row("total", &sums));
    }
    // The few findings a compliance lead acts on first: violated at the two top severities.
    for (level, (count, names)) in [("critical", &totals.critical), ("high", &totals.high)] {
        if *count == 0 {
            continue;
        }
        let more = if *count > names.len() { format!(", … and {} more", count - names.len()) } else { String::new() };
        out.push_str(&format!("  {count} {level} violation{}: {}{more}\n", plural(*count), names.join(", ")));
    }
    for w in &tail.waivers {
        out.push_str(&format!(
            "  waiver {} for {} (approved by {}, until {}) at {}\n",
            w.status, w.obligation, w.approved_by, w.until, w.defined_at
        ));
    }
    for n in &tail.not_applied {
        out.push_str(&format!(
            "  {} of {} from a dependency not applied (only the project's own apply) at {}\n",
            n.item, n.target, n.defined_at
        ));
    }
    if let Some(b) = &tail.baseline {
        match b.written {
            Some(n) => out.push_str(&format!("  baseline written to {}: {n} finding{}\n", b.file, plural(n))),
            None => {
                out.push_str(&format!(
                    "  baseline {}: {} known finding{} not counted against the gate\n",
                    b.file,
                    b.known,
                    plural(b.known)
                ));
                if !b.fixed.is_empty() {
                    out.push_str(&format!(
                        "  {} finding{} in the baseline no longer found (write it again to drop them):\n",
                        b.fixed.len(),
                        plural(b.fixed.len())
                    ));
                    for f in &b.fixed {
                        out.push_str(&format!("    {} on {}\n", f.obligation, f.document));
                    }
                }
            }
        }
    }
    for o in &tail.overrides {
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
    if !s.skipped_files.is_empty() {
        const SHOWN: usize = 10;
        let n = s.skipped_files.len();
        let more = if n > SHOWN { format!(", … and {} more", n - SHOWN) } else { String::new() };
        let names: Vec<&str> = s.skipped_files.iter().take(SHOWN).map(String::as_str).collect();
        out.push_str(&format!(
            "  skipped {n} file{} found in directories with no `kind:` (not documents): {}{more}\n",
            plural(n),
            names.join(", ")
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
