//! `tenet._native`: the facade (`tenet::Engine`) as a Python extension module. The Python
//! package (`python/tenet`) wraps it: the public `tenet.Engine`, reports, errors, and the
//! Spark and Dask helpers. Nothing here knows Spark or Dask; rows for them are JSON text that
//! `pyarrow` reads against `tenet.RESULT_ARROW_SCHEMA` (see `rows`).

mod errors;
mod rows;
mod state;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::PyBytes;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tenet::{DocumentReport, Engine, Evaluation, Explain, Format, InputProblem, PolicySources, Std};

// Evaluation allocates and frees many small values; mimalloc does that several times faster
// than the C library's allocator that Python would give us. It serves only this module's Rust
// allocations: values cross to Python by copy, so nothing is freed by the other allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Engines compiled in this process (from paths, a project or pickled sources).
static COMPILED: AtomicU64 = AtomicU64::new(0);

/// Checked, compiled policies and the sources they came from (for pickling).
#[pyclass(frozen, module = "tenet._native", name = "NativeEngine")]
struct NativeEngine {
    engine: Engine,
    sources: Arc<PolicySources>,
    digest: String,
}

/// A document as Python hands it over: text, or bytes that should be UTF-8.
#[derive(FromPyObject)]
enum Text {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Text {
    fn bytes(&self) -> &[u8] {
        match self {
            Text::Str(s) => s.as_bytes(),
            Text::Bytes(b) => b,
        }
    }
}

/// How one call evaluates: the date, the format to read texts in, the kind to evaluate them
/// as, how much to explain, on how many threads.
struct Run<'e> {
    evaluation: Evaluation<'e>,
    format: Option<Format>,
    kind: Option<String>,
    jobs: usize,
}

impl NativeEngine {
    fn new(engine: Engine, sources: PolicySources) -> NativeEngine {
        COMPILED.fetch_add(1, Ordering::Relaxed);
        let digest = state::digest(&sources);
        NativeEngine { engine, sources: Arc::new(sources), digest }
    }

    fn run(
        &self,
        today: &str,
        format: Option<&str>,
        kind: Option<String>,
        explain: &str,
        jobs: usize,
    ) -> PyResult<Run<'_>> {
        let today: jiff::civil::Date =
            today.parse().map_err(|e| PyValueError::new_err(format!("`today` is not a date (YYYY-MM-DD): {e}")))?;
        let explain = match explain {
            "failing" => Explain::Failing,
            "none" => Explain::None,
            "all" => Explain::All,
            other => {
                return Err(PyValueError::new_err(format!("`explain` is `failing`, `none` or `all`, not `{other}`")));
            }
        };
        let format = match format {
            None => None,
            Some(name) => match Format::from_extension(name) {
                Some(Format::Ndjson) | None => {
                    return Err(PyValueError::new_err(format!("`format` is `yaml`, `json` or `toml`, not `{name}`")));
                }
                Some(format) => Some(format),
            },
        };
        Ok(Run { evaluation: self.engine.evaluation(today).with_explain(explain), format, kind, jobs: jobs.max(1) })
    }

    /// What `out` makes of each input's report, in input order, on `run.jobs` threads. Each
    /// report is turned into its output as soon as it is made and then dropped, so a batch
    /// never holds all its reports at once (which made evaluation markedly slower).
    fn each<T: Send>(
        &self,
        run: &Run<'_>,
        names: &[String],
        texts: &[Text],
        out: impl Fn(&DocumentReport) -> T + Sync,
    ) -> Vec<T> {
        let name_of = |i: usize| names.get(i).map_or(DEFAULT_NAME, String::as_str);
        let one = |i: usize, text: &Text| out(&self.report(run, name_of(i), text.bytes()));
        if run.jobs == 1 || texts.len() < 2 {
            return texts.iter().enumerate().map(|(i, t)| one(i, t)).collect();
        }
        let chunk = texts.len().div_ceil(run.jobs);
        std::thread::scope(|scope| {
            let handles: Vec<_> = texts
                .chunks(chunk)
                .enumerate()
                .map(|(c, part)| {
                    let one = &one;
                    scope.spawn(move || part.iter().enumerate().map(|(i, t)| one(c * chunk + i, t)).collect::<Vec<_>>())
                })
                .collect();
            let mut outputs = Vec::with_capacity(texts.len());
            for (c, handle) in handles.into_iter().enumerate() {
                match handle.join() {
                    Ok(part) => outputs.extend(part),
                    // Not expected: evaluation does not panic. Keep one output per input anyway.
                    Err(_) => outputs.extend((c * chunk..texts.len().min((c + 1) * chunk)).map(|i| {
                        out(&self.failed(
                            run,
                            name_of(i),
                            "tenet::internal",
                            "evaluation stopped unexpectedly".into(),
                            "",
                        ))
                    })),
                }
            }
            outputs
        })
    }

    /// The report of one input: its one document's, or the problem that kept it from being
    /// evaluated (not UTF-8, no document, several documents).
    fn report(&self, run: &Run<'_>, name: &str, bytes: &[u8]) -> DocumentReport {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let mut report = self.failed(
                    run,
                    name,
                    "tenet::input::utf8",
                    format!("`{name}` is not valid UTF-8 (first bad byte at line {line})"),
                    "pass text, or bytes encoded as UTF-8",
                );
                if let Some(p) = report.problems.first_mut() {
                    p.line = u32::try_from(line).ok();
                }
                return report;
            }
        };
        let mut results = self.engine.evaluate_text_with(&run.evaluation, name, text, run.format, run.kind.as_deref());
        if results.len() == 1
            && let Some(result) = results.pop()
        {
            return result.report;
        }
        match results.len() {
            0 => self.failed(
                run,
                name,
                "tenet::input::empty",
                format!("`{name}` holds no document"),
                "pass one YAML, JSON or TOML document",
            ),
            n => self.failed(
                run,
                name,
                "tenet::input::several_documents",
                format!("`{name}` holds {n} documents; each input is one document"),
                "split the YAML stream and pass its documents separately",
            ),
        }
    }

    /// The report of an input that could not be evaluated, with its one problem.
    fn failed(&self, run: &Run<'_>, name: &str, code: &str, message: String, help: &str) -> DocumentReport {
        let problem = InputProblem {
            code: code.to_string(),
            severity: tenet::Level::Error,
            message,
            help: (!help.is_empty()).then(|| help.to_string()),
            supplied: None,
            line: None,
            column: None,
        };
        run.evaluation.load_failed(name, 0, problem).report
    }
}

/// The source name of a document given without one.
const DEFAULT_NAME: &str = "<document>";

#[pymethods]
impl NativeEngine {
    /// The policy files under `paths`, with the embedded standard library when `std`.
    #[staticmethod]
    fn from_paths(py: Python<'_>, paths: Vec<PathBuf>, std: bool) -> PyResult<NativeEngine> {
        let std = if std { Std::Include } else { Std::Exclude };
        let built = py.detach(|| {
            let loaded = tenet::load::load(&paths, std);
            let sources = loaded.sources();
            Engine::checked(loaded).map(|engine| (engine, sources))
        });
        match built {
            Ok((engine, sources)) => Ok(NativeEngine::new(engine, sources)),
            Err(e) => Err(errors::policy_errors(py, &e)),
        }
    }

    /// The project whose `tenet.toml` is in `dir`.
    #[staticmethod]
    fn from_project(py: Python<'_>, dir: PathBuf) -> PyResult<NativeEngine> {
        let built = py.detach(|| {
            let loaded = Engine::load_project(&dir)?;
            let sources = loaded.sources();
            Engine::checked(loaded).map(|engine| (engine, sources)).map_err(tenet::ProjectError::Policies)
        });
        match built {
            Ok((engine, sources)) => Ok(NativeEngine::new(engine, sources)),
            Err(e) => Err(errors::project_error(py, &e)),
        }
    }

    /// The engine a pickled state compiles to.
    #[staticmethod]
    fn from_state(py: Python<'_>, state: state::State) -> PyResult<NativeEngine> {
        let sources = state::sources(state)?;
        match py.detach(|| Engine::from_sources(&sources)) {
            Ok(engine) => Ok(NativeEngine::new(engine, sources)),
            Err(e) => Err(errors::policy_errors(py, &e)),
        }
    }

    /// The sources as plain Python values, for pickling.
    fn state(&self) -> state::State {
        state::state(&self.sources)
    }

    /// SHA-256 of the sources: equal digests, equal engines.
    #[getter]
    fn digest(&self) -> &str {
        &self.digest
    }

    /// The obligations' qualified names, in policy order.
    fn obligations(&self) -> Vec<String> {
        self.engine.program().obligations.iter().map(|o| o.item.name.to_string()).collect()
    }

    /// The paths of the policy files (the standard library's start with `<std>`).
    fn files(&self) -> Vec<String> {
        self.sources.files.iter().map(|f| f.path.clone()).collect()
    }

    /// Each input's report as JSON text, exactly as `tenet eval --format ndjson` writes a
    /// document (without its line break and its run record, `run`). The GIL is released while Rust works.
    #[pyo3(signature = (texts, names, today, format=None, kind=None, explain="failing", jobs=1))]
    #[expect(clippy::too_many_arguments, reason = "keyword arguments of the Python API")]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        texts: Vec<Text>,
        names: Vec<String>,
        today: &str,
        format: Option<&str>,
        kind: Option<String>,
        explain: &str,
        jobs: usize,
    ) -> PyResult<Vec<String>> {
        let run = self.run(today, format, kind, explain, jobs)?;
        Ok(py.detach(|| self.each(&run, &names, &texts, |r| serde_json::to_string(r).unwrap_or_default())))
    }

    /// Each input's report as one line of JSON shaped like `tenet.RESULT_ARROW_SCHEMA` (for
    /// `pyarrow.json`), all in one `bytes`. The GIL is released while Rust works.
    #[pyo3(signature = (texts, names, today, format=None, kind=None, explain="failing", jobs=1))]
    #[expect(clippy::too_many_arguments, reason = "keyword arguments of the Python API")]
    fn evaluate_rows<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Text>,
        names: Vec<String>,
        today: &str,
        format: Option<&str>,
        kind: Option<String>,
        explain: &str,
        jobs: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let run = self.run(today, format, kind, explain, jobs)?;
        let out = py.detach(|| self.each(&run, &names, &texts, rows::line).concat());
        Ok(PyBytes::new(py, &out))
    }
}

/// How many engines this process has compiled (built from paths, a project or a pickle).
#[pyfunction]
fn engines_compiled() -> u64 {
    COMPILED.load(Ordering::Relaxed)
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeEngine>()?;
    m.add_function(wrap_pyfunction!(engines_compiled, m)?)?;
    m.add("DEFAULT_NAME", DEFAULT_NAME)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
