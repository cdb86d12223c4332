//! One manifest per file under `tests/manifest/`, its problems snapshotted: code, line:column,
//! message and help. Adding a case is adding a file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use std::path::Path;
use tenet_pkg::Manifest;

fn render(path: &Path, text: &str) -> String {
    match Manifest::parse(Path::new(path.file_name().unwrap()), text) {
        Ok(m) => format!(
            "ok: {} {} ({} dependencies, {} params, {} inputs, {} samples, {} keys)\n",
            m.package.name,
            m.package.version,
            m.dependencies.len(),
            m.params.len(),
            m.inputs.len(),
            m.samples.len(),
            m.trust.keys.len()
        ),
        Err(e) => {
            let mut out = String::new();
            for e in e.all() {
                let at = e.location().map(|(f, l, c)| format!("{f}:{l}:{c}")).unwrap_or_else(|| "-".into());
                out.push_str(&format!("{} at {at}: {}\n", e.code(), e.message()));
                if let Some(h) = e.help_text() {
                    out.push_str(&format!("  help: {h}\n"));
                }
            }
            out
        }
    }
}

#[test]
fn manifest_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifest");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 5, "the corpus went missing");
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({ snapshot_path => "manifest/snapshots", prepend_module_to_snapshot => false, input_file => path }, {
            insta::assert_snapshot!(name, render(path, &text));
        });
    }
}
