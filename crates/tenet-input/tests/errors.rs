//! Corpus of malformed inputs: each file in `tests/errors/` must fail to load, and the rendered
//! diagnostic is snapshotted. Adding a case is adding a file.

use std::path::Path;
use std::sync::Arc;

use miette::{Diagnostic, NarratableReportHandler};
use tenet_input::{Limits, LoadError, load, read_source};

/// `file:line:column: message [code]` followed by miette's narrated report.
fn render(error: &LoadError) -> String {
    let (line, column) = error.line_col().unwrap_or((0, 0));
    let code = error.code().map(|code| code.to_string()).unwrap_or_default();
    let mut narrated = String::new();
    let narration = NarratableReportHandler::new().render_report(&mut narrated, error);
    if narration.is_err() {
        narrated = "<render failed>".to_owned();
    }
    format!("{}:{line}:{column}: {error} [{code}]\n\n{}", error.file(), narrated.trim_end())
}

#[test]
fn every_malformed_input_is_reported_at_its_place() -> Result<(), Box<dyn std::error::Error>> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let mut paths: Vec<_> =
        std::fs::read_dir(&directory)?.map(|entry| entry.map(|entry| entry.path())).collect::<Result<_, _>>()?;
    paths.sort();
    assert!(paths.len() >= 10, "the corpus is missing");
    let limits = Limits::default();
    for path in paths {
        let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        // Name sources relative to the corpus so snapshots do not depend on the checkout.
        let mut source = read_source(&path, &limits)?;
        source.name = format!("errors/{name}");
        let outcome = load(Arc::new(source), &limits);
        let rendered = match outcome {
            Ok(documents) => format!("unexpectedly loaded {} document(s)", documents.len()),
            Err(error) => {
                assert!(error.line_col().is_some(), "{name}: error has no position");
                render(&error)
            }
        };
        insta::assert_snapshot!(name, rendered);
    }
    Ok(())
}
