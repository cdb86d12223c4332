//! What the end-to-end tests share: the workspace root and running the real binary.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "shared by several test binaries, each using part of it; a test fails loudly on unexpected input"
)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root; every run starts there so that `examples/…` paths resolve.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The result of one run of the binary.
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, that the process was not killed by a signal, and that it did
    /// not panic or overflow its stack.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code (None = killed by a signal)\n--- stdout\n{}\n--- stderr\n{}",
            tail(&self.stdout),
            tail(&self.stderr)
        );
        self.assert_no_crash();
    }

    #[track_caller]
    pub fn assert_no_crash(&self) {
        assert!(self.code.is_some(), "killed by a signal; stderr:\n{}", tail(&self.stderr));
        for bad in ["panicked", "stack overflow", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(bad), "stderr mentions `{bad}`:\n{}", tail(&self.stderr));
            assert!(!self.stdout.contains(bad), "stdout mentions `{bad}`:\n{}", tail(&self.stdout));
        }
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not JSON ({e}):\n{}\n--- stderr\n{}", tail(&self.stdout), self.stderr)
        })
    }
}

/// The end of a long output, so that failure messages stay readable.
pub fn tail(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 6000 {
        s.to_string()
    } else {
        format!("…{}", chars[chars.len() - 6000..].iter().collect::<String>())
    }
}

pub fn tenet_with_stdin(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenet"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env("RUST_BACKTRACE", "0")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn tenet");
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // The binary may stop reading early (too-large input); a broken pipe is fine then.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let output = child.wait_with_output().expect("wait for tenet");
    if let Some(writer) = writer {
        writer.join().expect("stdin writer thread");
    }
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary from the workspace root.
pub fn tenet(args: &[&str]) -> Run {
    tenet_with_stdin(args, None)
}

/// Runs the binary in `dir` with extra environment variables.
pub fn tenet_in(dir: &Path, env: &[(&str, &Path)], args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenet"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env("RUST_BACKTRACE", "0").stdin(Stdio::null());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("run tenet");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The outcomes a document without waivers can have.
pub const STATUSES: [&str; 4] = ["satisfied", "violated", "not_applicable", "undetermined"];

/// Reads a suite's `expected.toml` (`[documents."file"]` tables of `"obligation" = "status"`)
/// in file order, rejecting unknown statuses, empty tables and duplicates, so that a typo
/// cannot quietly drop an expectation. `check` vets each obligation name.
pub fn read_expectations(
    suite: &str,
    check: impl Fn(&str, &str),
) -> Vec<(String, std::collections::BTreeMap<String, String>)> {
    let path = root().join(suite).join("expected.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: toml_edit::DocumentMut = text.parse().unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()));
    let documents = doc
        .get("documents")
        .and_then(|d| d.as_table_like())
        .unwrap_or_else(|| panic!("{} has no [documents] table", path.display()));
    let mut out: Vec<(String, std::collections::BTreeMap<String, String>)> = Vec::new();
    for (key, item) in documents.iter() {
        let table = item.as_table_like().unwrap_or_else(|| panic!("expected.toml: `{key}` is not a table"));
        let mut obligations = std::collections::BTreeMap::new();
        for (obligation, status) in table.iter() {
            let status =
                status.as_str().unwrap_or_else(|| panic!("expected.toml: `{key}`.`{obligation}` is not a string"));
            check(key, obligation);
            assert!(STATUSES.contains(&status), "expected.toml: `{key}`.`{obligation}` has unknown status `{status}`");
            obligations.insert(obligation.to_string(), status.to_string());
        }
        assert!(!obligations.is_empty(), "expected.toml: `{key}` expects nothing");
        assert!(out.iter().all(|(k, _)| k != key), "expected.toml: `{key}` is listed twice");
        out.push((key.to_string(), obligations));
    }
    out
}

/// The document files of a suite directory (relative to the workspace root), by file name.
pub fn document_files(dir: &str) -> std::collections::BTreeSet<String> {
    let dir = root().join(dir);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| [".yaml", ".yml", ".json", ".toml"].iter().any(|ext| name.ends_with(ext)))
        .collect()
}

/// A finding's message and one line per explanation entry (`clause: text = result (note)`),
/// for reporting a mismatch.
pub fn explanation(finding: &Value) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if let Some(message) = finding["message"].as_str() {
        let _ = writeln!(out, "      message: {message}");
    }
    for entry in finding["explanation"].as_array().into_iter().flatten() {
        let _ = write!(
            out,
            "      {}: {} = {}",
            entry["clause"].as_str().unwrap_or("?"),
            entry["text"].as_str().unwrap_or("?"),
            entry["result"].as_str().unwrap_or("?")
        );
        if let Some(note) = entry["note"].as_str() {
            let _ = write!(out, " ({note})");
        }
        out.push('\n');
    }
    out
}
