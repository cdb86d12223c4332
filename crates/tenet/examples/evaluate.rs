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
    match run() {
        Ok(lines) => {
            print!("{lines}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The report this example prints.
fn run() -> Result<String, String> {
    let engine = Engine::standard_library().map_err(|e| e.to_string())?;
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
    if reports.len() != DOCUMENTS.len() {
        return Err("a thread did not finish".into());
    }
    let mut out = String::new();
    for result in &reports {
        let report = &result.report;
        out += &format!("{} ({})\n", report.id.as_deref().unwrap_or("?"), report.kind.as_deref().unwrap_or("?"));
        for finding in &report.findings {
            if matches!(finding.status, Outcome::Violated | Outcome::Undetermined) {
                out += &format!("  {:<13} {} — {}\n", finding.status.as_str(), finding.obligation, finding.message);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    /// `cargo test` runs the example (it is declared with `test = true`).
    #[test]
    fn the_example_reports_the_late_breach_notice_and_the_stale_audit() {
        let out = super::run().unwrap_or_else(|e| panic!("{e}"));
        assert!(out.contains("violated      std.privacy.breach_notice_deadline"), "{out}");
        assert!(out.contains("screening (AiSystem)"), "{out}");
    }
}
