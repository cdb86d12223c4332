//! What the agreement tests share: Tenet's own outcomes for a document, the reference the
//! other engines' encodings are checked against.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "shared by several test binaries, each using part of it; a test fails loudly on unexpected input"
)]

use std::collections::BTreeMap;
use tenet::Engine;

/// The evaluation date of every comparison.
pub const TODAY: &str = "2026-11-28";

/// Every obligation's outcome for one JSON document, by qualified name.
pub fn tenet_outcomes(engine: &Engine, doc: &str) -> BTreeMap<String, String> {
    let results = engine.evaluate_text("doc.json", doc, Some(tenet::Format::Json), jiff::civil::date(2026, 11, 28));
    assert_eq!(results.len(), 1);
    let report = &results[0].report;
    assert!(report.evaluated && report.problems.is_empty(), "generated documents are valid: {:?}", report.problems);
    report.findings.iter().map(|f| (f.obligation.to_string(), f.status.as_str().to_owned())).collect()
}
