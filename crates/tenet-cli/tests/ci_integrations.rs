//! The CI integrations at the repository root, run for real: the GitHub Action's evaluation
//! step (`scripts/action/eval.sh`, what `action.yml` runs) in a project, and the pre-commit hooks
//! of `.pre-commit-hooks.yaml` through `pre-commit try-repo` (Debian's `pre-commit`, which
//! `scripts/test` installs), each with the `tenet` built for these tests first on `PATH`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails loudly on unexpected input")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `PATH` with the directory of the `tenet` under test first.
fn path_with_tenet() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_tenet")).parent().unwrap().to_path_buf();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

struct Output {
    code: i32,
    text: String,
}

fn run(command: &mut Command) -> Output {
    let output = command.env("PATH", path_with_tenet()).output().unwrap();
    Output {
        code: output.status.code().unwrap_or(-1),
        text: format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
    }
}

fn new_project(dir: &Path) -> PathBuf {
    let out = run(Command::new("tenet").args(["new", "acme"]).current_dir(dir));
    assert_eq!(out.code, 0, "{}", out.text);
    dir.join("acme")
}

const LATE: &str = "kind: Contract\nid: late-vendor\ndpa:\n  breach_notice_hours: 72\n";

#[test]
fn the_action_evaluates_a_project_and_fails_on_findings() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("using: composite"));
    for script in ["scripts/action/install.sh", "scripts/action/eval.sh"] {
        assert!(action.contains(&format!("$GITHUB_ACTION_PATH/{script}")), "action.yml runs {script}");
        assert!(root().join(script).is_file());
        // The install step builds a release binary (minutes), so it is only syntax-checked here.
        let syntax = run(Command::new("bash").arg("-n").arg(root().join(script)));
        assert_eq!(syntax.code, 0, "{script}: {}", syntax.text);
    }
    for input in ["documents", "policy", "fail-on", "today", "fetch", "args"] {
        assert!(action.contains(&format!("${{{{ inputs.{input} }}}}")), "input `{input}` is passed on");
    }

    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path());
    let eval = |env: &[(&str, &str)]| {
        let mut command = Command::new(root().join("scripts/action/eval.sh"));
        command.current_dir(&project).env("TENET_TODAY", "2026-11-28");
        for (k, v) in env {
            command.env(k, v);
        }
        run(&mut command)
    };
    // The project's own documents (its `[inputs]`), after `tenet fetch --locked`.
    std::fs::write(project.join("tenet.lock"), "version = 1\n").unwrap();
    let out = eval(&[]);
    assert_eq!(out.code, 0, "{}", out.text);
    assert!(out.text.contains("satisfied"), "{}", out.text);

    std::fs::write(project.join("documents/late.yaml"), LATE).unwrap();
    let out = eval(&[]);
    assert_eq!(out.code, 1, "a high finding fails the step\n{}", out.text);
    assert!(out.text.contains("acme.breach_notice"), "{}", out.text);
    assert!(!out.text.contains("\u{1b}["), "plain output, no colours");
    let out = eval(&[("TENET_FAIL_ON", "none")]);
    assert_eq!(out.code, 0, "{}", out.text);
    // Named documents and extra arguments.
    let out = eval(&[("TENET_DOCUMENTS", "documents/example.yaml"), ("TENET_ARGS", "--format json")]);
    assert_eq!(out.code, 0, "{}", out.text);
    assert!(out.text.contains("\"documents\""), "{}", out.text);
    // Policies named explicitly: the repository's examples.
    let out = eval(&[
        ("TENET_POLICY", root().join("examples/policies").to_str().unwrap()),
        ("TENET_DOCUMENTS", root().join("examples/documents").to_str().unwrap()),
        ("TENET_FAIL_ON", "none"),
    ]);
    assert_eq!(out.code, 0, "{}", out.text);
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(Command::new("git")
        .args(["-c", "user.name=Tenet Tests", "-c", "user.email=tests@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir));
    assert_eq!(out.code, 0, "git {args:?}: {}", out.text);
}

#[test]
fn the_pre_commit_hooks_format_check_and_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path());
    git(&project, &["init", "--quiet"]);
    let cache = dir.path().join("pre-commit-cache");
    let hook = |id: &str| {
        git(&project, &["add", "--all"]);
        run(Command::new("pre-commit")
            .args(["try-repo", root().to_str().unwrap(), id, "--all-files", "--color", "never"])
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", &cache)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path()))
    };
    let policy = project.join("policies/main.tenet");
    let formatted = std::fs::read_to_string(&policy).unwrap();
    assert_eq!(hook("tenet-fmt").code, 0, "a formatted project passes");
    std::fs::write(&policy, formatted.replace("  area: privacy", "     area:    privacy")).unwrap();
    let out = hook("tenet-fmt");
    assert_eq!(out.code, 1, "{}", out.text);
    assert!(out.text.contains("files were modified by this hook"), "{}", out.text);
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), formatted, "the hook reformatted the file");

    let out = hook("tenet-check");
    assert_eq!(out.code, 0, "{}", out.text);
    std::fs::write(&policy, formatted.replace("dpa.breach_notice_hours", "dpa.breach_notice_hour")).unwrap();
    let out = hook("tenet-check");
    assert_eq!(out.code, 1, "{}", out.text);
    assert!(out.text.contains("breach_notice_hour"), "{}", out.text);
    std::fs::write(&policy, &formatted).unwrap();

    let out = hook("tenet-eval");
    assert_eq!(out.code, 0, "{}", out.text);
    std::fs::write(project.join("documents/late.yaml"), LATE).unwrap();
    let out = hook("tenet-eval");
    assert_eq!(out.code, 1, "{}", out.text);
    assert!(out.text.contains("acme.breach_notice"), "{}", out.text);
}
