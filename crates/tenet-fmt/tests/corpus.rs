//! The formatter corpus: every `tests/corpus/*.tenet` file is formatted and the result
//! snapshotted (`snapshots/corpus__NAME.snap`). Each case must also be a fixed point: the
//! formatted text formats to itself. A file with syntax errors snapshots its diagnostics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use std::path::Path;

fn render(name: &str, input: &str) -> String {
    match tenet_fmt::format_source(input) {
        Ok(formatted) => {
            let again = tenet_fmt::format_source(&formatted)
                .unwrap_or_else(|e| panic!("{name}: formatted text does not parse: {:?}\n{formatted}", e.diagnostics));
            assert_eq!(again, formatted, "{name}: formatting is not idempotent");
            formatted
        }
        Err(error) => {
            let mut out = String::from("not formatted: syntax errors\n");
            for d in &error.diagnostics {
                out.push_str(&format!("{} {}..{}: {}\n", d.code, d.span.start, d.span.end, d.message));
            }
            out
        }
    }
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tenet"))
        .collect();
    cases.sort();
    let count = cases.len();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for case in cases {
            let name = case.file_stem().and_then(|s| s.to_str()).expect("file name").to_string();
            let input = std::fs::read_to_string(&case).expect("readable case");
            insta::with_settings!({ description => input.clone(), omit_expression => true }, {
                insta::assert_snapshot!(name.clone(), render(&name, &input));
            });
        }
    });
    assert!(count >= 25, "the corpus has {count} cases; it should cover every construct");
}
