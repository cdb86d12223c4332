//! `tenet fmt`: rewrite policy files in the canonical layout (see docs/formatting.md).
//!
//! Exit codes: 0 when every file is formatted (or was rewritten), 1 when `--check` or
//! `--diff` finds a file that would change, 2 when a path cannot be read, 3 when a file has
//! syntax errors (it is then left untouched).

use crate::exit::Exit;
use crate::options::paths_or_cwd;
use crate::render::Renderer;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tenet::load as policy;

/// Arguments of `tenet fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Policy files or directories (searched recursively for `.tenet` files); `-` formats
    /// standard input to standard output; default `.`.
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that would change, and exit 1 if there are any.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,
    /// Change nothing: print a unified diff of the changes, and exit 1 if there are any.
    #[arg(long)]
    pub diff: bool,
}

/// What to do with a file whose formatted text differs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

/// Runs `tenet fmt`.
pub fn run(args: &FmtArgs, renderer: &Renderer) -> Exit {
    let mode = if args.check {
        Mode::Check
    } else if args.diff {
        Mode::Diff
    } else {
        Mode::Write
    };
    let mut exit = Exit::Clean;
    let mut out = std::io::stdout().lock();
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths_or_cwd(&args.paths).into_iter().partition(|p| is_stdin(p));
    if !stdin.is_empty() {
        exit = exit.max(format_stdin(mode, renderer, &mut out));
    }
    if paths.is_empty() {
        return exit;
    }
    let (files, errors) = policy::collect(&paths);
    for error in &errors {
        eprint!("{}", renderer.report(error));
        exit = exit.max(Exit::Input);
    }
    let mut changed = 0;
    for file in &files {
        let display = file.display().to_string();
        let text = match read_text(file) {
            Ok(text) => text,
            Err(error) => {
                eprint!("{}", renderer.report(&error));
                exit = exit.max(Exit::Input);
                continue;
            }
        };
        let formatted = match tenet_fmt::format_source(&text) {
            Ok(formatted) => formatted,
            Err(error) => {
                report_syntax_errors(&error, &display, &text, renderer);
                exit = exit.max(Exit::Policy);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        match mode {
            Mode::Write => {
                if let Err(reason) = replace_file(file, &formatted) {
                    let error = policy::PolicyFileError::Io { path: display, reason };
                    eprint!("{}", renderer.report(&error));
                    exit = exit.max(Exit::Input);
                }
            }
            Mode::Check => {
                let _ = writeln!(out, "{display}");
                exit = exit.max(Exit::Findings);
            }
            Mode::Diff => {
                let _ = write!(out, "{}", unified_diff(&display, &text, &formatted));
                exit = exit.max(Exit::Findings);
            }
        }
    }
    if mode != Mode::Write && changed > 0 {
        let s = crate::check::plural(changed);
        eprintln!("{changed} file{s} would be reformatted");
    }
    exit
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Formats standard input: the result goes to standard output (or, with `--check` and
/// `--diff`, only the verdict or the diff).
fn format_stdin(mode: Mode, renderer: &Renderer, out: &mut impl Write) -> Exit {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        let error = policy::PolicyFileError::Io { path: "<stdin>".into(), reason: e.to_string() };
        eprint!("{}", renderer.report(&error));
        return Exit::Input;
    }
    let text = match decode("<stdin>", bytes) {
        Ok(text) => text,
        Err(error) => {
            eprint!("{}", renderer.report(&error));
            return Exit::Input;
        }
    };
    let formatted = match tenet_fmt::format_source(&text) {
        Ok(formatted) => formatted,
        Err(error) => {
            report_syntax_errors(&error, "<stdin>", &text, renderer);
            return Exit::Policy;
        }
    };
    let differs = formatted != text;
    match mode {
        Mode::Write => {
            let _ = write!(out, "{formatted}");
            Exit::Clean
        }
        Mode::Check if differs => {
            let _ = writeln!(out, "<stdin>");
            Exit::Findings
        }
        Mode::Diff if differs => {
            let _ = write!(out, "{}", unified_diff("<stdin>", &text, &formatted));
            Exit::Findings
        }
        Mode::Check | Mode::Diff => Exit::Clean,
    }
}

fn report_syntax_errors(error: &tenet_fmt::FormatError, path: &str, text: &str, renderer: &Renderer) {
    for diagnostic in &error.diagnostics {
        eprint!("{}", renderer.diagnostic(diagnostic, path, text));
    }
    let n = error.diagnostics.len();
    eprintln!("not formatted `{path}`: {n} syntax error{}", crate::check::plural(n));
}

fn read_text(path: &Path) -> Result<String, policy::PolicyFileError> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| policy::PolicyFileError::Io { path: display.clone(), reason: e.to_string() })?;
    decode(&display, bytes)
}

fn decode(path: &str, bytes: Vec<u8>) -> Result<String, policy::PolicyFileError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..valid).unwrap_or(&[]);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
        let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or(&[])).chars().count() + 1;
        policy::PolicyFileError::Utf8 { path: path.to_string(), line, column }
    })
}

/// A unified diff from `old` to `new`, headed with the path.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (formatted)"))
        .to_string()
}

/// Replaces a policy file's text all at once: the new text goes to a temporary file beside it,
/// which then takes the file's place, so a failed write leaves the old text whole. A file named
/// through a link is replaced where the link points (directories searched never yield links),
/// and keeps its permissions.
fn replace_file(file: &Path, text: &str) -> Result<(), String> {
    let target = std::fs::canonicalize(file).map_err(|e| e.to_string())?;
    let permissions = std::fs::metadata(&target).map_err(|e| e.to_string())?.permissions();
    tenet_pkg::fsutil::write_atomic(&target, text.as_bytes()).map_err(|e| e.to_string())?;
    std::fs::set_permissions(&target, permissions).map_err(|e| e.to_string())
}
