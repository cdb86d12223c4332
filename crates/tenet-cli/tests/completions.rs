//! `tenet completions SHELL` and `tenet man`: the scripts are valid for their shell (bash checks
//! the syntax of its own) and know every command; the man pages cover every command.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly on unexpected input")]

use std::process::Command;

fn tenet(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tenet")).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const COMMANDS: &[&str] =
    &["check", "eval", "test", "schema", "fmt", "publish", "fetch", "login", "logout", "completions", "man"];

#[test]
fn completion_scripts_name_every_command_and_bash_accepts_its_own() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, script, stderr) = tenet(&["completions", shell]);
        assert_eq!(code, 0, "{stderr}");
        for command in COMMANDS {
            assert!(script.contains(command), "the {shell} script does not complete `{command}`");
        }
    }
    let (_, script, _) = tenet(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenet.bash");
    std::fs::write(&path, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().expect("bash is needed for this test");
    assert!(check.status.success(), "bash rejects the script: {}", String::from_utf8_lossy(&check.stderr));
    // Sourced, it registers the completion function for `tenet`.
    let registered = Command::new("bash")
        .arg("-c")
        .arg(format!("source '{}' && complete -p tenet", path.display()))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&registered.stdout).contains("_tenet"), "{registered:?}");

    let (code, _, stderr) = tenet(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values: bash, elvish, fish, powershell, zsh"), "{stderr}");
}

#[test]
fn man_pages_cover_every_command() {
    let (code, page, stderr) = tenet(&["man"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(page.contains(".TH tenet 1"));
    for command in COMMANDS {
        assert!(page.contains(command), "the man page does not list `{command}`");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let (code, stdout, stderr) = tenet(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote the man pages"), "{stdout}");
    for command in COMMANDS {
        let page = std::fs::read_to_string(out.join(format!("tenet-{command}.1"))).unwrap();
        assert!(page.contains(&format!(".TH tenet-{command} 1")), "{page}");
    }
    let login = std::fs::read_to_string(out.join("tenet-login.1")).unwrap();
    assert!(login.contains("password\\-stdin"), "{login}");
}
