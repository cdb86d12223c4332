//! Load the embedded standard library once, then evaluate documents from text on several
//! threads and print each finding that needs attention.
//!
//! ```sh
//! cargo run -p tenet --example evaluate
//! ```

use std::process::ExitCode;
use tenet::{Engine, Outcome};

const DOCUMENTS: [&str; 2] = [
    r#"{"kind": "AiSystem", "id": "screening", "purposes": ["candidate_screening"],
        "bias_audit": {"date": "2025-01-10", "independent_auditor": true}}"#,
    r#"{"kind": "Contract", "id": "acme", "vendor": {"name": "Acme", "role": "processor"},
        "dpa": {"breach_notice_hours": "72h"}}"#,
];

fn main() -> ExitCode {
    let engine = match Engine::standard_library() {
        Ok(engine) => engine,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let today = jiff::civil::date(2026, 11, 28);
    // `Engine` is `Send + Sync`: every thread evaluates against the same checked policies.
    let reports: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = DOCUMENTS
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let engine = &engine;
                scope.spawn(move || engine.evaluate_text(&format!("doc-{i}.json"), text, None, today))
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).flatten().collect()
    });
    for result in &reports {
        let report = &result.report;
        println!("{} ({})", report.id.as_deref().unwrap_or("?"), report.kind.as_deref().unwrap_or("?"));
        for finding in &report.findings {
            if matches!(finding.status, Outcome::Violated | Outcome::Undetermined) {
                println!("  {:<13} {} — {}", finding.status.as_str(), finding.obligation, finding.message);
            }
        }
    }
    if reports.len() == DOCUMENTS.len() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
