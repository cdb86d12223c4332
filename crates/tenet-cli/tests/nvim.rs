//! End-to-end test with a real editor: headless Neovim (Debian's `neovim`, installed by
//! `scripts/test`) starts `tenet lsp` through its built-in client, receives the diagnostic for
//! a misspelt field, hovers, and jumps to a definition. The Lua script writes what Neovim saw
//! to a JSON file that this test checks.

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

#[test]
fn neovim_shows_the_diagnostic_hovers_and_jumps_to_the_definition() {
    let version = Command::new("nvim").arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "`nvim` is not installed: scripts/test installs Debian's `neovim` package (apt-get install -y neovim)"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lsp/nvim").canonicalize().expect("fixture");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let out = scratch.path().join("results.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", root.join("test.lua").display()))
        .env("TENET_BIN", env!("CARGO_BIN_EXE_tenet"))
        .env("TENET_ROOT", &root)
        .env("TENET_OUT", &out)
        // Keep Neovim's logs and the server's library copy out of the home directory.
        .env("XDG_CACHE_HOME", scratch.path().join("cache"))
        .env("XDG_STATE_HOME", scratch.path().join("state"))
        .env("XDG_DATA_HOME", scratch.path().join("data"))
        .env("XDG_CONFIG_HOME", scratch.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nvim starts");
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
