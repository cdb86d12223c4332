//! End-to-end tests of `tenet fmt`: rewriting in place, `--check`, `--diff`, standard input,
//! and the exit codes (0 formatted, 1 would change, 2 unreadable, 3 syntax errors).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const MESSY: &str = "package acme.fmt\nrule   r   on Contract=a and    b // keep me\n";
const TIDY: &str = "package acme.fmt\n\nrule r on Contract = a and b  // keep me\n";
const BROKEN: &str = "package acme.fmt\n\nrule bad = (a and\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn tenet(args: &[&str], dir: &Path, stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tenet binary starts");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    let out = child.wait_with_output().expect("the tenet binary finishes");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("read back")
}

#[test]
fn rewrites_files_in_place_and_leaves_formatted_ones_alone() {
    let dir = workspace(&[("a.tenet", MESSY), ("sub/b.tenet", TIDY), ("notes.txt", MESSY)]);
    let run = tenet(&["fmt"], dir.path(), None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(read(dir.path(), "a.tenet"), TIDY);
    assert_eq!(read(dir.path(), "sub/b.tenet"), TIDY);
    assert_eq!(read(dir.path(), "notes.txt"), MESSY, "only .tenet files are formatted");
    // A second run changes nothing and still succeeds.
    let again = tenet(&["fmt", "--check", "."], dir.path(), None);
    assert_eq!(again.code, Some(0), "{}{}", again.stdout, again.stderr);
    assert_eq!(again.stdout, "");
}

#[test]
fn check_lists_the_files_that_would_change_and_exits_1() {
    let dir = workspace(&[("a.tenet", MESSY), ("b.tenet", TIDY)]);
    let run = tenet(&["fmt", "--check", "a.tenet", "b.tenet"], dir.path(), None);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "a.tenet\n");
    assert!(run.stderr.contains("1 file would be reformatted"), "{}", run.stderr);
    assert_eq!(read(dir.path(), "a.tenet"), MESSY, "--check writes nothing");
}

#[test]
fn diff_prints_a_unified_diff_and_exits_1() {
    let dir = workspace(&[("a.tenet", MESSY)]);
    let run = tenet(&["fmt", "--diff", "a.tenet"], dir.path(), None);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let expected = "\
--- a.tenet
+++ a.tenet (formatted)
@@ -1,2 +1,3 @@
 package acme.fmt
-rule   r   on Contract=a and    b // keep me
+
+rule r on Contract = a and b  // keep me
";
    assert_eq!(run.stdout, expected);
    assert_eq!(read(dir.path(), "a.tenet"), MESSY, "--diff writes nothing");
    let clean = workspace(&[("a.tenet", TIDY)]);
    let run = tenet(&["fmt", "--diff", "a.tenet"], clean.path(), None);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
}

#[test]
fn check_and_diff_cannot_be_combined() {
    let dir = workspace(&[("a.tenet", MESSY)]);
    let run = tenet(&["fmt", "--check", "--diff", "a.tenet"], dir.path(), None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let dir = workspace(&[]);
    let run = tenet(&["fmt", "-"], dir.path(), Some(MESSY));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, TIDY);
    let check = tenet(&["fmt", "--check", "-"], dir.path(), Some(MESSY));
    assert_eq!((check.code, check.stdout.as_str()), (Some(1), "<stdin>\n"));
    let tidy = tenet(&["fmt", "--check", "-"], dir.path(), Some(TIDY));
    assert_eq!((tidy.code, tidy.stdout.as_str()), (Some(0), ""));
    let diff = tenet(&["fmt", "--diff", "-"], dir.path(), Some(MESSY));
    assert_eq!(diff.code, Some(1));
    assert!(diff.stdout.starts_with("--- <stdin>\n+++ <stdin> (formatted)\n"), "{}", diff.stdout);
}

#[test]
fn syntax_errors_are_reported_and_the_file_is_not_rewritten() {
    let dir = workspace(&[("bad.tenet", BROKEN), ("good.tenet", MESSY)]);
    let run = tenet(&["fmt", "."], dir.path(), None);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert_eq!(read(dir.path(), "bad.tenet"), BROKEN);
    assert_eq!(read(dir.path(), "good.tenet"), TIDY, "the other files are still formatted");
    assert!(run.stderr.contains("tenet::E0001"), "{}", run.stderr);
    assert!(run.stderr.contains("unclosed `(`"), "{}", run.stderr);
    assert!(run.stderr.contains("bad.tenet:3:"), "the error names file, line and column: {}", run.stderr);
    assert!(run.stderr.contains("not formatted `./bad.tenet`: 1 syntax error"), "{}", run.stderr);
    let stdin = tenet(&["fmt", "-"], dir.path(), Some(BROKEN));
    assert_eq!((stdin.code, stdin.stdout.as_str()), (Some(3), ""));
    assert!(stdin.stderr.contains("<stdin>"), "{}", stdin.stderr);
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = workspace(&[("latin1.tenet", "")]);
    std::fs::write(dir.path().join("latin1.tenet"), b"package a\n// caf\xe9\n").expect("write");
    let run = tenet(&["fmt", "latin1.tenet", "missing.tenet"], dir.path(), None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("missing.tenet"), "{}", run.stderr);
}

#[test]
fn the_standard_library_and_examples_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let run = tenet(&["fmt", "--check", "policies", "examples"], &root, None);
    assert_eq!(run.code, Some(0), "run `tenet fmt policies examples`:\n{}{}", run.stdout, run.stderr);
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_tree_is_not_followed_and_writes_leave_no_temporary_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let outside = workspace(&[("elsewhere.tenet", MESSY)]);
    let dir = workspace(&[("a.tenet", MESSY)]);
    std::os::unix::fs::symlink(outside.path().join("elsewhere.tenet"), dir.path().join("linked.tenet")).expect("link");
    std::fs::set_permissions(dir.path().join("a.tenet"), std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = tenet(&["fmt", "."], dir.path(), None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(read(dir.path(), "a.tenet"), TIDY);
    assert_eq!(read(outside.path(), "elsewhere.tenet"), MESSY, "formatting a directory never writes through a link");
    let mode = std::fs::metadata(dir.path().join("a.tenet")).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "the rewritten file keeps its permissions");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}
