//! Streaming evaluation: inputs are read in order, one document (or one NDJSON line) at a
//! time, evaluated on worker threads, and handed back in input order. Memory is
//! bounded by the window, not by the input: a run over a million documents keeps a window's
//! worth of them.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use tenet_eval::{DocumentResult, Evaluation, KindChoice};
use tenet_input::{Document, Format, InputPath, Limits, LoadError, Source};

/// One input as the user named it: a file, a directory (searched recursively) or `-` for
/// standard input, with the kind its documents are evaluated as (overriding their `kind:`)
/// and, for standard input, the format to read it in.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// The path, or `-`.
    pub path: PathBuf,
    /// The kind to evaluate its documents as; `None` to go by their own `kind:`.
    pub kind: Option<Arc<str>>,
    /// The kind of its documents that have no `kind:` (a project's `[inputs]`); a document
    /// that has one must agree with it. Ignored when `kind` is given.
    pub default_kind: Option<Arc<str>>,
    /// The format of standard input (sniffed when `None`).
    pub format: Option<Format>,
}

impl InputSpec {
    fn kind_choice(&self) -> KindChoice {
        match (&self.kind, &self.default_kind) {
            (Some(kind), _) => KindChoice::Forced(kind.clone()),
            (None, Some(kind)) => KindChoice::Default(kind.clone()),
            (None, None) => KindChoice::Own,
        }
    }
}

/// One unit of work, in input order: a loaded document, an NDJSON line still to parse (parsing
/// happens on the worker threads), or an input that could not be read.
#[derive(Debug)]
pub enum Unit {
    /// A document loaded from a YAML, JSON or TOML file.
    Document {
        document: Document,
        /// The kind to evaluate it as.
        kind: KindChoice,
    },
    /// One line of an NDJSON input.
    Line {
        /// The input's name.
        name: Arc<str>,
        /// The 0-based line number.
        line: usize,
        text: String,
        /// The kind to evaluate it as.
        kind: KindChoice,
    },
    /// An input, or one document of a stream, that could not be read or loaded.
    Failed {
        /// The input's name.
        name: String,
        /// The position of the failed document in its stream (0 otherwise).
        index: usize,
        error: LoadError,
    },
}

/// A document's result, with the load error that stopped it, if any (for rendering).
#[derive(Debug)]
pub struct Evaluated {
    pub result: DocumentResult,
    /// The load error behind a document that could not be loaded.
    pub error: Option<LoadError>,
}

impl Unit {
    /// Loads (for NDJSON lines) and evaluates the unit.
    pub fn evaluate(self, evaluation: &Evaluation<'_>, limits: &Limits) -> Evaluated {
        match self {
            Unit::Document { document, kind } => {
                Evaluated { result: evaluation.evaluate_as(&document, &kind), error: None }
            }
            Unit::Line { name, line, text, kind } => match tenet_input::load_json_line(&name, line, &text, limits) {
                Ok(document) => Evaluated { result: evaluation.evaluate_as(&document, &kind), error: None },
                Err(error) => Evaluated {
                    result: evaluation.load_failed(&name, line, crate::input::load_problem(&error)),
                    error: Some(error),
                },
            },
            Unit::Failed { name, index, error } => Evaluated {
                result: evaluation.load_failed(&name, index, crate::input::load_problem(&error)),
                error: Some(error),
            },
        }
    }
}

/// Reads inputs in order and yields their [`Unit`]s lazily: a YAML, JSON or TOML file is read
/// when the previous input is done (a YAML stream over a megabyte is loaded a document at a
/// time, ahead of evaluation, on a thread of its own); an NDJSON input (`.ndjson`, `.jsonl`,
/// or standard input read as NDJSON) one line at a time, so its size does not matter. Paths that cannot be
/// collected come first, as the command line has always reported them.
pub struct Reader {
    inputs: VecDeque<(InputPath, KindChoice, Option<Format>)>,
    pending: VecDeque<Unit>,
    lines: Option<LineReader>,
    /// The documents of a long YAML stream, loaded one by one on a thread of their own.
    stream: Option<std::sync::mpsc::Receiver<Unit>>,
    limits: Limits,
}

/// YAML files larger than this are loaded document by document on a thread of their own, so
/// that a long stream is never held as trees all at once; smaller ones are loaded whole.
const STREAMED_YAML_BYTES: usize = 1 << 20;

/// Documents of a streamed YAML file loaded ahead of evaluation.
const STREAMED_YAML_AHEAD: usize = 256;

struct LineReader {
    name: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    next_line: usize,
    kind: KindChoice,
}

impl Reader {
    /// A reader over `specs`, reading files with `limits` (for NDJSON, the size limit applies
    /// to each line).
    pub fn new(specs: &[InputSpec], limits: Limits) -> Reader {
        Reader::excluding(specs, limits, &[])
    }

    /// As [`Reader::new`], skipping the paths under directories that match one of `exclude`
    /// (globs in `.gitignore` syntax; see [`tenet_input::collect_inputs_excluding`]). A file
    /// found by searching a directory that says no `kind:` (and is given none) is skipped, not
    /// an error: directories hold other files too.
    pub fn excluding(specs: &[InputSpec], limits: Limits, exclude: &[String]) -> Reader {
        let mut pending = VecDeque::new();
        let mut inputs = VecDeque::new();
        for spec in specs {
            let (found, errors) = tenet_input::collect_inputs_excluding(std::slice::from_ref(&spec.path), exclude);
            for error in errors {
                pending.push_back(Unit::Failed { name: error.file().to_string(), index: 0, error });
            }
            let choice = match spec.kind_choice() {
                KindChoice::Own if spec.path.is_dir() => KindChoice::Found,
                choice => choice,
            };
            inputs.extend(found.into_iter().map(|i| (i, choice.clone(), spec.format)));
        }
        Reader { inputs, pending, lines: None, stream: None, limits }
    }

    fn open_next(&mut self) -> bool {
        let Some((input, kind, format)) = self.inputs.pop_front() else { return false };
        let ndjson = match &input {
            InputPath::Stdin => format == Some(Format::Ndjson),
            InputPath::File { format, .. } => *format == Format::Ndjson,
        };
        if ndjson {
            let opened: Result<(Arc<str>, Box<dyn BufRead + Send>), LoadError> = match &input {
                InputPath::Stdin => Ok((Arc::from(Source::STDIN_NAME), Box::new(BufReader::new(std::io::stdin())))),
                InputPath::File { path, .. } => {
                    let name = path.display().to_string();
                    tenet_input::open_regular(path)
                        .map(|f| (Arc::from(name.as_str()), Box::new(BufReader::new(f)) as Box<dyn BufRead + Send>))
                }
            };
            match opened {
                Ok((name, reader)) => self.lines = Some(LineReader { name, reader, next_line: 0, kind }),
                Err(error) => self.pending.push_back(Unit::Failed { name: error.file().to_string(), index: 0, error }),
            }
            return true;
        }
        let name = match &input {
            InputPath::Stdin => Source::STDIN_NAME.to_string(),
            InputPath::File { path, .. } => path.display().to_string(),
        };
        let read = match (&input, format) {
            (InputPath::Stdin, Some(f)) => {
                tenet_input::read_source_as(std::path::Path::new("-"), Some(f), &self.limits)
            }
            _ => tenet_input::read_input(&input, &self.limits),
        };
        let source = match read {
            Ok(source) if source.format == Format::Yaml && source.text.len() > STREAMED_YAML_BYTES => {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Unit>(STREAMED_YAML_AHEAD);
                let limits = self.limits;
                std::thread::spawn(move || {
                    let mut loaded = 0usize;
                    let error = tenet_input::load_each(Arc::new(source), &limits, |document| {
                        loaded += 1;
                        // A closed channel means the reader is gone: stop loading.
                        tx.send(Unit::Document { document, kind: kind.clone() }).is_ok()
                    });
                    if let Some(error) = error {
                        let _ = tx.send(Unit::Failed { name, index: loaded, error });
                    }
                });
                self.stream = Some(rx);
                return true;
            }
            other => other,
        };
        let (documents, error) = match source {
            Ok(source) => tenet_input::load_partial(Arc::new(source), &self.limits),
            Err(e) => (Vec::new(), Some(e)),
        };
        let failed_at = documents.len();
        self.pending.extend(documents.into_iter().map(|document| Unit::Document { document, kind: kind.clone() }));
        if let Some(error) = error {
            self.pending.push_back(Unit::Failed { name, index: failed_at, error });
        }
        true
    }

    fn next_line(&mut self) -> Option<Unit> {
        let lines = self.lines.as_mut()?;
        let max = self.limits.max_bytes;
        loop {
            let mut bytes = Vec::new();
            let line = lines.next_line;
            // One byte past the limit tells a line that is too long without reading it all.
            let read = (&mut lines.reader)
                .take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
                .read_until(b'\n', &mut bytes);
            match read {
                Ok(0) => {
                    self.lines = None;
                    return None;
                }
                Ok(_) => {}
                Err(error) => {
                    let name = lines.name.to_string();
                    self.lines = None;
                    return Some(Unit::Failed {
                        name: name.clone(),
                        index: line,
                        error: LoadError::Io { file: name, error },
                    });
                }
            }
            lines.next_line += 1;
            if bytes.len() > max && bytes.last() != Some(&b'\n') {
                // Skip the rest of the overlong line, then report it.
                let mut rest = Vec::new();
                let _ = lines.reader.read_until(b'\n', &mut rest);
                let name = lines.name.to_string();
                let error = LoadError::TooLarge {
                    file: format!("{name}:{}", line + 1),
                    size: format!("a line of at least {} bytes", max.saturating_add(1)),
                    limit: max,
                };
                return Some(Unit::Failed { name, index: line, error });
            }
            if bytes.ends_with(b"\n") {
                bytes.pop();
            }
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let name = lines.name.clone();
            let kind = lines.kind.clone();
            return Some(match String::from_utf8(bytes) {
                Ok(text) => Unit::Line { name, line, text, kind },
                Err(e) => {
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let bad = e.utf8_error().valid_up_to();
                    let source = Source::new(&*name, &text, Format::Json).with_line_offset(line);
                    let (line_no, column) = source.line_col(bad);
                    let error = LoadError::Utf8 {
                        src: Arc::new(source),
                        file: name.to_string(),
                        line: line_no,
                        column,
                        span: (bad..bad + '\u{fffd}'.len_utf8()).into(),
                    };
                    Unit::Failed { name: name.to_string(), index: line, error }
                }
            });
        }
    }
}

impl Iterator for Reader {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if let Some(unit) = self.pending.pop_front() {
                return Some(unit);
            }
            if let Some(stream) = &self.stream {
                match stream.recv() {
                    Ok(unit) => return Some(unit),
                    Err(_) => {
                        self.stream = None;
                        continue;
                    }
                }
            }
            if self.lines.is_some() {
                if let Some(unit) = self.next_line() {
                    return Some(unit);
                }
                continue;
            }
            if !self.open_next() {
                return None;
            }
        }
    }
}

/// Units handed to a worker at a time: enough to make the hand-over cost nothing next to the
/// evaluation, few enough that the order of the output is restored quickly.
const CHUNK: usize = 32;

/// Runs `work` over `units` on `jobs` threads and hands each output to `consume` in input
/// order; `consume` returns `false` to stop (the output was closed). The calling thread reads
/// the units, consumes the outputs, and evaluates chunks itself whenever it would otherwise
/// wait, beside `jobs - 1` worker threads: `jobs` threads in all, so as many cores as jobs are
/// busy and none is oversubscribed. At most `window` units are in flight, which bounds memory
/// whatever the input's size. Outputs are freed by the thread that made them (a worker's go
/// back to the workers once consumed): memory freed across threads is what made an allocator
/// keep more and more of it over a long run. With one job, everything runs on the calling
/// thread.
pub fn for_each_ordered<T: Send>(
    units: impl Iterator<Item = Unit>,
    jobs: usize,
    window: usize,
    work: impl Fn(Unit) -> T + Sync,
    mut consume: impl FnMut(&mut T) -> bool,
) {
    if jobs <= 1 {
        for unit in units {
            if !consume(&mut work(unit)) {
                return;
            }
        }
        return;
    }
    let max_in_flight = window.div_ceil(CHUNK).max(jobs);
    let mut units = units.peekable();
    // Both channels hold every chunk that can be in flight, so no send ever blocks: the
    // workers wait only for work, the calling thread only for results.
    let (task_tx, task_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Unit>)>(max_in_flight);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<T>)>(max_in_flight);
    let task_rx = &std::sync::Mutex::new(task_rx);
    // Consumed outputs of the workers, for a worker to free.
    let (grave_tx, grave_rx) = std::sync::mpsc::channel::<Vec<T>>();
    let grave_rx = &std::sync::Mutex::new(grave_rx);
    let work = &work;
    // The next chunk nobody has started yet, if any. A worker waiting for work holds the lock
    // (and then the queue is empty); never wait for the lock, or the calling thread could
    // wait on a worker that waits on it.
    let take_task = || task_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok());
    std::thread::scope(move |scope| {
        for _ in 1..jobs {
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    if let Ok(graves) = grave_rx.try_lock() {
                        while let Ok(consumed) = graves.try_recv() {
                            drop(consumed);
                        }
                    }
                    let next = match task_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, chunk)) = next else { return };
                    let outputs: Vec<T> = chunk.into_iter().map(work).collect();
                    if done_tx.send((seq, outputs)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut sent = 0usize;
        let mut written = 0usize;
        // Outputs waiting for their turn, and whether the calling thread made them.
        let mut finished: std::collections::BTreeMap<usize, (Vec<T>, bool)> = std::collections::BTreeMap::new();
        'run: loop {
            while sent - written < max_in_flight && units.peek().is_some() {
                let chunk: Vec<Unit> = units.by_ref().take(CHUNK).collect();
                if task_tx.send((sent, chunk)).is_err() {
                    break 'run;
                }
                sent += 1;
            }
            if sent == written {
                break;
            }
            if !finished.contains_key(&written) {
                match done_rx.try_recv() {
                    Ok((seq, outputs)) => {
                        finished.insert(seq, (outputs, false));
                    }
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                    Err(std::sync::mpsc::TryRecvError::Empty) => match take_task() {
                        // Rather than wait, evaluate a chunk here.
                        Some((seq, chunk)) => {
                            finished.insert(seq, (chunk.into_iter().map(work).collect(), true));
                        }
                        None => match done_rx.recv() {
                            Ok((seq, outputs)) => {
                                finished.insert(seq, (outputs, false));
                            }
                            Err(_) => break,
                        },
                    },
                }
            }
            while let Some((mut outputs, made_here)) = finished.remove(&written) {
                written += 1;
                let open = outputs.iter_mut().all(&mut consume);
                if !made_here {
                    // A worker frees it; if none is left, it is freed here.
                    let _ = grave_tx.send(outputs);
                }
                if !open {
                    break 'run;
                }
            }
        }
        // Closing the task channel ends the workers once they finish their chunk.
        drop(task_tx);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The units a reader yields for `text` written to a `.ndjson` file named after `test`.
    fn ndjson_units(test: &str, text: &str, limits: Limits) -> Vec<Unit> {
        let dir = std::env::temp_dir().join(format!("tenet-{test}-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("docs.ndjson");
        let _ = std::fs::write(&path, text);
        let units = Reader::new(&[InputSpec { path, kind: None, default_kind: None, format: None }], limits).collect();
        let _ = std::fs::remove_dir_all(&dir);
        units
    }

    #[test]
    fn ndjson_lines_stream_with_their_numbers_and_bad_lines_do_not_stop_the_others() {
        let units = ndjson_units("lines", "{\"a\": 1}\n\n{\"a\": \n{\"a\": 3}\r\n", Limits::default());
        let lines: Vec<usize> = units
            .iter()
            .map(|u| match u {
                Unit::Line { line, .. } | Unit::Failed { index: line, .. } => *line,
                Unit::Document { .. } => usize::MAX,
            })
            .collect();
        assert_eq!(lines, [0, 2, 3]);
        let Some(Unit::Line { name, line, text, .. }) = units.get(1) else { unreachable!("line 3 is read as a line") };
        let error = tenet_input::load_json_line(name, *line, text, &Limits::default()).err();
        assert_eq!(error.and_then(|e| e.line_col()).map(|(l, _)| l), Some(3), "the error names the file's line");
    }

    #[test]
    fn an_overlong_ndjson_line_is_refused_and_the_next_is_read() {
        let limits = Limits { max_bytes: 8, ..Limits::default() };
        let units = ndjson_units("long", "{\"a\": \"a long line\"}\n{}\n", limits);
        let Some(Unit::Failed { index: 0, error, .. }) = units.first() else { unreachable!("line 1 is refused") };
        assert!(error.to_string().contains("docs.ndjson:1` is a line of at least 9 bytes"), "{error}");
        assert!(matches!(units.get(1), Some(Unit::Line { line: 1, .. })), "line 2 is still read");
    }

    #[test]
    fn a_long_yaml_stream_is_loaded_document_by_document_in_order_up_to_its_error() {
        let dir = std::env::temp_dir().join(format!("tenet-yaml-stream-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("docs.yaml");
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("---\nkind: Contract\nid: doc-{i}\nnote: \"{}\"\n", "x".repeat(40)));
        }
        text.push_str("---\nkind: [unclosed\n");
        assert!(text.len() > STREAMED_YAML_BYTES);
        let _ = std::fs::write(&path, &text);
        let units: Vec<Unit> =
            Reader::new(&[InputSpec { path, kind: None, default_kind: None, format: None }], Limits::default())
                .collect();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(units.len(), 20_001);
        for (i, unit) in units.iter().take(20_000).enumerate() {
            let Unit::Document { document, .. } = unit else { unreachable!("document {i} loads") };
            assert_eq!(document.index, i);
        }
        assert!(matches!(units.last(), Some(Unit::Failed { index: 20_000, .. })));
    }

    #[test]
    fn ordered_output_whatever_the_jobs() {
        let units =
            (0..1000).map(|i| Unit::Line { name: Arc::from("x"), line: i, text: String::new(), kind: KindChoice::Own });
        let mut seen = Vec::new();
        for_each_ordered(
            units,
            2,
            7,
            |u| match u {
                Unit::Line { line, .. } => line,
                _ => usize::MAX,
            },
            |n| {
                seen.push(*n);
                true
            },
        );
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }
}
