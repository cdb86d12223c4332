//! End-to-end tests with a real editor: headless Neovim (Debian's `neovim`, installed by
//! `scripts/test`) starts `tenet lsp` through its built-in client, receives the diagnostic for
//! a misspelt field, hovers, and jumps to a definition; and, on a contract YAML inside a
//! project, receives a finding. The Lua scripts write what Neovim saw to a JSON file that these
//! tests check.

// Test code: a broken setup should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long Neovim may take in all.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `script` (under `tests/lsp/nvim`) in headless Neovim with `env`, and returns the JSON
/// it wrote.
fn run_neovim(script: &str, env: &[(&str, &Path)]) -> Value {
    let version = Command::new("nvim").arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "`nvim` is not installed: scripts/test installs Debian's `neovim` package (apt-get install -y neovim)"
    );
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lsp/nvim").canonicalize().expect("fixture");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let out = scratch.path().join("results.json");
    let mut command = Command::new("nvim");
    command
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", scripts.join(script).display()))
        .env("TENET_BIN", env!("CARGO_BIN_EXE_tenet"))
        .env("TENET_OUT", &out)
        // Keep Neovim's logs and the server's library copy out of the home directory.
        .env("XDG_CACHE_HOME", scratch.path().join("cache"))
        .env("XDG_STATE_HOME", scratch.path().join("state"))
        .env("XDG_DATA_HOME", scratch.path().join("data"))
        .env("XDG_CONFIG_HOME", scratch.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("nvim starts");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if child.try_wait().expect("wait for nvim").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Neovim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).expect("the Lua script wrote its results");
    let results: Value = serde_json::from_str(&text).expect("results are JSON");
    assert_eq!(results["errors"], serde_json::json!([]), "{results:#}");
    results
}

#[test]
fn neovim_shows_the_diagnostic_hovers_and_jumps_to_the_definition() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lsp/nvim").canonicalize().expect("fixture");
    let results = run_neovim("test.lua", &[("TENET_ROOT", &root)]);
    let diagnostics = results["diagnostics"].as_array().expect("diagnostics");
    let misspelt = diagnostics.iter().find(|d| d["code"] == "E0202").unwrap_or_else(|| panic!("{results:#}"));
    assert_eq!(misspelt["line"], 9, "0-based line of `dpa.breach_notice_hour`");
    assert_eq!(misspelt["col"], 11, "the diagnostic starts at the misspelt field");
    assert_eq!(misspelt["severity"], 1, "an error");
    let message = misspelt["message"].as_str().unwrap_or_default();
    assert!(message.contains("`Dpa` has no field `breach_notice_hour`"), "{message}");
    assert!(message.contains("did you mean `breach_notice_hours`?"), "{message}");

    let hover = results["hover"].as_str().unwrap_or_else(|| panic!("no hover: {results:#}"));
    assert!(hover.contains("dpa: Dpa?"), "{hover}");
    assert!(hover.contains("The data-processing agreement attached to the contract."), "{hover}");

    let definition = &results["definition"];
    assert_eq!(definition["file"], "model.tenet", "{results:#}");
    assert_eq!(definition["line"], 4, "1-based line of `schema Contract`");
    assert_eq!(definition["column"], 7, "the cursor is on the schema's name");
    assert_eq!(definition["text"], "schema Contract {");
}

#[test]
fn neovim_shows_a_finding_in_a_contract_inside_a_project_and_leaves_other_yaml_alone() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository");
    let file = repo.join("tests/lsp/vendors/contracts/north.yaml");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let outside = scratch.path().join("compose.yaml");
    std::fs::write(&outside, "kind: Contract\nservices: {}\n").expect("write");
    let runtime = repo.join("editors/nvim");
    let results =
        run_neovim("document.lua", &[("TENET_FILE", &file), ("TENET_OUTSIDE", &outside), ("TENET_RUNTIME", &runtime)]);
    assert_eq!(results["filetype"], "yaml");
    assert_eq!(results["attached"], true);
    let diagnostics = results["diagnostics"].as_array().expect("diagnostics");
    let violated = diagnostics
        .iter()
        .find(|d| d["code"] == "vendors.privacy.breach_notice")
        .unwrap_or_else(|| panic!("{results:#}"));
    assert_eq!(violated["line"], 6, "0-based line of `breach_notice_hours: 72`");
    assert_eq!(violated["col"], 23, "at the value 72");
    assert_eq!(violated["severity"], 1, "a high-severity violation is an error");
    let message = violated["message"].as_str().unwrap_or_default();
    assert!(message.contains("North Ltd may take 72"), "{message}");
    assert_eq!(results["outside_filetype"], "yaml");
    assert_eq!(results["outside_attached"], false, "a YAML file outside any project is left alone");
}
