//! `tenet test`: run the `test` items of policy files, with coverage of outcomes and conditions.

use crate::check::plural;
use crate::coverage::Coverage;
use crate::eval_junit::xml;
use crate::exit::Exit;
use crate::options::paths_or_cwd;
use crate::render::Renderer;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet::load as policy;
use tenet_db::ProgramItem;
use tenet_db::ir::{CompiledTest, TestSource};
use tenet_eval::{Condition, Finding, Location, Outcome, ParamValues, Session};
use tenet_input::{Format as InputFormat, Limits, Source};

/// Arguments of `tenet test`.
#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Policy files or directories (searched recursively for `.tenet` files); default `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Also report, for each obligation, which outcomes the tests reached and which
    /// conditions of `when` and `must` were never true or never false.
    #[arg(long)]
    pub coverage: bool,
    /// The evaluation date for tests that do not fix one with `today` (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::eval::parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Run only tests whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Leave out the embedded standard library.
    #[arg(long)]
    pub no_std: bool,
}

/// Output formats of `tenet test`.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum TestFormat {
    /// ✓/✗ per test, with the explanation of each failure.
    Human,
    /// One JSON object.
    Json,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
}

/// One expectation's result.
#[derive(Serialize, Debug)]
pub struct ExpectResult {
    /// The obligation's qualified name.
    pub obligation: String,
    #[serde(serialize_with = "outcome_name")]
    pub expected: Outcome,
    /// The outcome evaluation gave (`null` when the obligation was not evaluated).
    #[serde(serialize_with = "optional_outcome_name")]
    pub actual: Option<Outcome>,
    /// Whether they agree.
    pub passed: bool,
    /// Where the `expect` line is.
    #[serde(serialize_with = "tenet_eval::as_text")]
    pub at: Location,
    /// Why evaluation gave `actual`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explanation: Vec<Condition>,
}

fn outcome_name<S: serde::Serializer>(outcome: &Outcome, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(outcome.as_str())
}

fn optional_outcome_name<S: serde::Serializer>(outcome: &Option<Outcome>, serializer: S) -> Result<S::Ok, S::Error> {
    outcome.map(Outcome::as_str).serialize(serializer)
}

/// One test's result.
#[derive(Serialize, Debug)]
pub struct TestResult {
    pub name: String,
    /// Where the test is.
    #[serde(serialize_with = "tenet_eval::as_text")]
    pub at: Location,
    /// `passed`, `failed`, or `error` (the document could not be loaded or validated).
    pub status: &'static str,
    pub expectations: Vec<ExpectResult>,
    /// What went wrong before evaluation, for `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    tests: &'a [TestResult],
    summary: Totals,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a Coverage>,
}

#[derive(Serialize, Default)]
struct Totals {
    tests: usize,
    passed: usize,
    failed: usize,
    errors: usize,
}

/// Runs `tenet test`.
pub fn run(args: &TestArgs, renderer: &Renderer) -> Exit {
    let std = if args.no_std { policy::Std::Exclude } else { policy::Std::Include };
    // With no path, a project in the current directory brings its dependencies and `[params]`.
    let project = match crate::project::current_project(!args.paths.is_empty(), renderer) {
        Ok(project) => project,
        Err(exit) => return exit,
    };
    let loaded = policy::load_with_project(&paths_or_cwd(&args.paths), std, project.as_ref());
    let mut policy_errors = String::new();
    for e in &loaded.errors {
        policy_errors.push_str(&renderer.report(e));
    }
    let mut error_count = loaded.errors.len();
    for located in loaded.diagnostics().into_iter().filter(|l| l.diagnostic.is_error()) {
        error_count += 1;
        policy_errors.push_str(&renderer.diagnostic(located.diagnostic, located.path, located.text));
    }
    if error_count > 0 {
        eprint!("{policy_errors}");
        eprintln!(
            "error: {error_count} policy error{} (run `tenet check` for details); no test was run",
            plural(error_count)
        );
        return Exit::Policy;
    }
    let program = tenet_db::compile_program(&loaded.db, loaded.workspace);
    let user_paths: Vec<&str> = loaded.files.iter().map(|f| f.path(&loaded.db).as_str()).collect();
    let today = args.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let mut coverage = Coverage::new(program, &user_paths);
    let package_of: BTreeMap<&str, Arc<str>> = loaded
        .files
        .iter()
        .chain(&loaded.std_files)
        .filter_map(|&f| {
            let package = tenet_db::file_outline(&loaded.db, f).package.clone()?;
            Some((f.path(&loaded.db).as_str(), package))
        })
        .collect();
    let mut results = Vec::new();
    for test in &program.tests {
        if args.filter.as_deref().is_some_and(|f| !test.item.name.contains(f)) {
            continue;
        }
        let params = test_params(program, test, &package_of, loaded.manifest_path());
        let coverage = args.coverage.then_some(&mut coverage);
        results.push(run_one(program, test, &params, today, coverage));
    }
    let totals = Totals {
        tests: results.len(),
        passed: results.iter().filter(|r| r.status == "passed").count(),
        failed: results.iter().filter(|r| r.status == "failed").count(),
        errors: results.iter().filter(|r| r.status == "error").count(),
    };
    match args.format {
        TestFormat::Junit => print!("{}", junit(&results)),
        TestFormat::Json => {
            let body = JsonOutput { tests: &results, summary: totals, coverage: args.coverage.then_some(&coverage) };
            println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
        }
        TestFormat::Human => {
            let mut out = String::new();
            for r in &results {
                out.push_str(&human_result(r));
            }
            if results.is_empty() {
                out.push_str("no tests found (a test is an item `test \"name\" { given … expect … }`)\n");
            }
            if args.coverage {
                out.push_str(&coverage.render());
            }
            out.push_str(&format!(
                "\n{} test{}: {} passed, {} failed, {} error{}\n",
                totals.tests,
                plural(totals.tests),
                totals.passed,
                totals.failed,
                totals.errors,
                plural(totals.errors)
            ));
            print!("{out}");
        }
    }
    if results.iter().any(|r| r.status != "passed") { Exit::Findings } else { Exit::Clean }
}

/// What stands between a package directory and its archive: its policy errors (rendered) and
/// the names of its tests that do not pass.
pub struct Readiness {
    /// Every policy error, rendered for the terminal.
    pub rendered: String,
    pub errors: usize,
    /// Tests that failed or could not run, by name.
    pub failing: Vec<String>,
}

/// Checks the package in `dir` as `tenet check` and `tenet test` would there (its locked
/// dependencies from the cache, its `[params]`), for `tenet package` and `tenet publish`.
pub fn readiness(dir: &Path, renderer: &Renderer) -> Result<Readiness, tenet_pkg::PkgError> {
    let project = tenet_pkg::project::load(dir)?;
    let loaded = policy::load_with_project(&[dir.to_path_buf()], policy::Std::Include, project.as_ref());
    let mut rendered = String::new();
    for e in &loaded.errors {
        rendered.push_str(&renderer.report(e));
    }
    let mut errors = loaded.errors.len();
    for located in loaded.diagnostics().into_iter().filter(|l| l.diagnostic.is_error()) {
        errors += 1;
        rendered.push_str(&renderer.diagnostic(located.diagnostic, located.path, located.text));
    }
    if errors > 0 {
        return Ok(Readiness { rendered, errors, failing: Vec::new() });
    }
    let program = tenet_db::compile_program(&loaded.db, loaded.workspace);
    let package_of: BTreeMap<&str, Arc<str>> = loaded
        .files
        .iter()
        .chain(&loaded.std_files)
        .filter_map(|&f| Some((f.path(&loaded.db).as_str(), tenet_db::file_outline(&loaded.db, f).package.clone()?)))
        .collect();
    let own: Vec<&str> = loaded.files.iter().map(|f| f.path(&loaded.db).as_str()).collect();
    let today = jiff::ZonedDateTime::now().date();
    let mut failing = Vec::new();
    for test in program.tests.iter().filter(|t| own.contains(&&*t.path)) {
        let params = test_params(program, test, &package_of, loaded.manifest_path());
        let result = run_one(program, test, &params, today, None);
        if result.status != "passed" {
            failing.push(test.item.name.to_string());
        }
    }
    Ok(Readiness { rendered, errors, failing })
}

/// The parameter values a test runs with: the library defaults, the project's `[params]` and
/// the overrides declared in the test's own package or a package enclosing it (`northwind`
/// for `northwind.tests`), then the test's own `override`s. Overrides in other packages of the workspace do not reach it, so a
/// library's tests keep passing beside a stricter user package.
fn test_params(
    program: &tenet_db::Program,
    test: &ProgramItem<CompiledTest>,
    package_of: &BTreeMap<&str, Arc<str>>,
    manifest: Option<&str>,
) -> ParamValues {
    let mut params: ParamValues =
        program.params.iter().map(|(name, p)| (name.clone(), p.item.default.clone())).collect();
    let own = package_of.get(&*test.path).map_or("", |p| &**p);
    let encloses = |package: &str| own == package || own.strip_prefix(package).is_some_and(|r| r.starts_with('.'));
    for o in program.overrides.iter().rev() {
        // A project's `[params]` apply to all of its tests.
        let from_manifest = manifest == Some(&*o.path);
        if from_manifest || package_of.get(&*o.path).is_some_and(|p| encloses(p)) {
            params.insert(o.item.param.clone(), o.item.value.clone());
        }
    }
    for o in &test.item.overrides {
        params.insert(o.param.clone(), o.value.clone());
    }
    params
}

/// The results as JUnit XML: one `testcase` per test, classed by its file; a failed test has a
/// `failure` with each unmet expectation, an error an `error` with what went wrong.
fn junit(results: &[TestResult]) -> String {
    let count = |status: &str| results.iter().filter(|r| r.status == status).count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n  <testsuite name=\"tenet test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        results.len(),
        count("failed"),
        count("error"),
        results.len(),
        count("failed"),
        count("error")
    );
    for r in results {
        out.push_str(&format!("    <testcase name=\"{}\" classname=\"{}\"", xml(&r.name), xml(&r.at.path)));
        match r.status {
            "passed" => out.push_str("/>\n"),
            "failed" => {
                let lines: Vec<String> = r
                    .expectations
                    .iter()
                    .filter(|e| !e.passed)
                    .map(|e| {
                        format!(
                            "{}: expected {}, got {} ({})",
                            e.obligation,
                            e.expected,
                            e.actual.map_or("not evaluated", Outcome::as_str),
                            e.at
                        )
                    })
                    .collect();
                let first = lines.first().cloned().unwrap_or_default();
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(&first),
                    xml(&lines.join("\n"))
                ));
            }
            _ => {
                let error = r.error.as_deref().unwrap_or("error");
                let first = error.lines().next().unwrap_or(error);
                out.push_str(&format!(
                    ">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
                    xml(first),
                    xml(error)
                ));
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn human_result(r: &TestResult) -> String {
    let mut out = String::new();
    match r.status {
        "passed" => out.push_str(&format!("✓ {} · {}\n", r.name, r.at)),
        _ => {
            out.push_str(&format!("✗ {} · {}\n", r.name, r.at));
            if let Some(e) = &r.error {
                for line in e.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
            for e in r.expectations.iter().filter(|e| !e.passed) {
                let actual = e.actual.map_or("not evaluated", Outcome::as_str);
                out.push_str(&format!("    {}: expected {}, got {actual}  ({})\n", e.obligation, e.expected, e.at));
                for c in &e.explanation {
                    out.push_str(&format!("      {} `{}` is {}", c.clause, c.text, c.result));
                    if let Some(note) = &c.note {
                        out.push_str(&format!(" ({note})"));
                    }
                    out.push('\n');
                    for ev in &c.evidence {
                        let at = match (ev.line, ev.column) {
                            (Some(l), Some(c)) => format!(" at {l}:{c}"),
                            _ => String::new(),
                        };
                        let value = if ev.absent { "absent".to_string() } else { ev.shown.clone() };
                        out.push_str(&format!("        {} = {value}{at}\n", ev.path));
                    }
                }
            }
        }
    }
    out
}

/// Runs one test: loads its document, evaluates it with the test's date and parameters, and
/// compares each expected outcome.
fn run_one(
    program: &tenet_db::Program,
    test: &ProgramItem<CompiledTest>,
    params: &ParamValues,
    default_today: jiff::civil::Date,
    coverage: Option<&mut Coverage>,
) -> TestResult {
    let t = &test.item;
    let at = Location::of(test.path.clone(), &test.text, test.offset as usize);
    let mut result =
        TestResult { name: t.name.to_string(), at, status: "passed", expectations: Vec::new(), error: None };
    let source = match test_source(test) {
        Ok(source) => source,
        Err(message) => {
            result.status = "error";
            result.error = Some(message);
            return result;
        }
    };
    let docs = match tenet_input::load(source.clone(), &Limits::default()) {
        Ok(docs) => docs,
        Err(e) => {
            result.status = "error";
            let (l, c) = e.line_col().unwrap_or((0, 0));
            result.error = Some(format!("{}:{l}:{c}: {e}", source.name));
            return result;
        }
    };
    let Some(doc) = docs.first() else {
        result.status = "error";
        result.error = Some(format!("{}: the document is empty", source.name));
        return result;
    };
    let given = t.kind.rsplit('.').next().unwrap_or(&t.kind);
    if let Some(written) = doc.root.get("kind").and_then(|k| k.as_str())
        && written != given
        && written != &*t.kind
    {
        result.status = "error";
        let (l, c) = doc.root.get("kind").map_or((0, 0), |k| source.line_col(k.span.start));
        result.error = Some(format!(
            "{}:{l}:{c}: the document says `kind: {written}`, but the test says `given {given}`; write `given {written}` or fix the document",
            source.name
        ));
        return result;
    }
    let today = t.today.and_then(tenet_eval::value::civil_date).unwrap_or(default_today);
    let mut session = Session::new(program, today).with_params(params);
    if coverage.is_some() {
        session.record_coverage();
    }
    session.evaluate(doc, Some(&t.kind));
    let observations = session.take_observations();
    let (report, _) = session.finish();
    let Some(document) = report.documents.first() else {
        result.status = "error";
        result.error = Some("the document was not evaluated".into());
        return result;
    };
    if !document.problems.is_empty() {
        result.status = "error";
        let lines: Vec<String> = document
            .problems
            .iter()
            .map(|p| {
                let help = p.help.as_deref().map(|h| format!(" (help: {h})")).unwrap_or_default();
                format!(
                    "{}:{}:{}: {} {}: {}{help}",
                    source.name,
                    p.line.unwrap_or(0),
                    p.column.unwrap_or(0),
                    p.severity,
                    p.code,
                    p.message
                )
            })
            .collect();
        result.error = Some(lines.join("\n"));
        return result;
    }
    if let Some(coverage) = coverage {
        coverage.record(&document.findings, &t.expects, observations);
    }
    for e in &t.expects {
        let finding: Option<&Finding> = document.findings.iter().find(|f| *f.obligation == *e.obligation);
        let actual = finding.map(|f| f.status);
        let passed = actual == Some(e.outcome);
        result.expectations.push(ExpectResult {
            obligation: e.obligation.to_string(),
            expected: e.outcome,
            actual,
            passed,
            at: Location::of(test.path.clone(), &test.text, (test.offset + e.span.start) as usize),
            explanation: if passed { Vec::new() } else { finding.map(|f| f.explanation.clone()).unwrap_or_default() },
        });
        if !passed {
            result.status = "failed";
        }
    }
    result
}

/// Refuses a test document outside the package of the test file that names it (`given … from
/// "../../…"` could otherwise read, and print in a failure, any file on the machine): the
/// package is the nearest directory above the test file with a `tenet.toml`; without one, the
/// directory `tenet test` runs in or the test file's own directory. Links are followed before
/// comparing.
fn confined_to_package(test_dir: &Path, document: &Path) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot load the test document `{}`: {e}", document.display());
    let resolved = document.canonicalize().map_err(cannot)?;
    let test_dir = test_dir.canonicalize().map_err(cannot)?;
    let manifest_dir = test_dir.ancestors().find(|dir| dir.join(tenet_pkg::manifest::MANIFEST_FILE).is_file());
    let (roots, what) = match manifest_dir {
        Some(dir) => (vec![dir.to_path_buf()], "the package (the directory of its `tenet.toml`)".to_string()),
        None => {
            let here = std::env::current_dir().and_then(|d| d.canonicalize()).map_err(cannot)?;
            let what = format!(
                "the directory `tenet test` runs in, `{}`, and the test file's own directory (the test file has no `tenet.toml` above it)",
                here.display()
            );
            (vec![here, test_dir.clone()], what)
        }
    };
    if roots.iter().any(|root| resolved.starts_with(root)) {
        return Ok(());
    }
    let shown = match manifest_dir {
        Some(dir) => format!("{what}, `{}`", dir.display()),
        None => what,
    };
    Err(format!(
        "refusing the test document `{}`: it is outside {shown}; test documents must be part of the package",
        document.display()
    ))
}

/// The test's document as a source: a file beside the test file, or the inline text placed
/// at its own position in a blanked copy of the policy file, so that every line:column in
/// messages and evidence points into the `.tenet` file.
fn test_source(test: &ProgramItem<CompiledTest>) -> Result<Arc<Source>, String> {
    match &test.item.source {
        TestSource::File(path) => {
            let base = Path::new(&*test.path).parent().unwrap_or(Path::new(""));
            let full = base.join(&**path);
            confined_to_package(base, &full)?;
            tenet_input::read_source(&full, &Limits::default())
                .map(Arc::new)
                .map_err(|e| format!("cannot load the test document `{}`: {e}", full.display()))
        }
        TestSource::Inline(_, span) => {
            let start = (test.offset + span.start) as usize;
            let end = (test.offset + span.end) as usize;
            let blanked: String = test
                .text
                .char_indices()
                .map(|(i, c)| if (start..end).contains(&i) || c == '\n' { c } else { ' ' })
                .collect();
            Ok(Arc::new(Source::new(test.path.to_string(), &blanked, InputFormat::Yaml)))
        }
    }
}
