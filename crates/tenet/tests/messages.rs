//! A finding's message is the same whether or not the run explains its findings: an
//! undetermined finding the obligation writes no message for names the fields the document
//! does not give, read from a second, explaining evaluation when the first did not explain.
//! No message ever shows a placeholder for an absent value.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use tenet::{Engine, Explain, Format};

/// Each finding's obligation (short name), outcome and message.
fn messages(explain: Explain, yaml: &str) -> Vec<(String, String, String)> {
    let engine = Engine::standard_library().unwrap();
    let today = jiff::civil::Date::new(2026, 11, 28).unwrap();
    let evaluation = engine.evaluation(today).with_explain(explain);
    let results = engine.evaluate_text_with(&evaluation, "doc.yaml", yaml, Some(Format::Yaml), None);
    results
        .iter()
        .flat_map(|r| &r.report.findings)
        .map(|f| {
            let short = f.obligation.rsplit('.').next().unwrap().to_string();
            (short, f.status.as_str().to_string(), f.message.clone())
        })
        .collect()
}

const SILENT_PROCESSOR: &str = "kind: Contract\nid: silent\nvendor: { name: Quiet Ltd, role: processor }\ndpa: {}\n";

#[test]
fn messages_do_not_depend_on_explaining() {
    let explained = messages(Explain::Failing, SILENT_PROCESSOR);
    assert!(!explained.is_empty());
    assert_eq!(messages(Explain::None, SILENT_PROCESSOR), explained);
    assert_eq!(messages(Explain::All, SILENT_PROCESSOR), explained);
}

#[test]
fn undetermined_findings_say_what_is_missing_and_never_show_a_placeholder() {
    let found = messages(Explain::None, SILENT_PROCESSOR);
    let (_, _, confidentiality) = found.iter().find(|(name, _, _)| name == "staff_confidentiality").unwrap();
    assert!(confidentiality.starts_with("`dpa.staff_confidentiality` is not given: "), "{confidentiality}");
    let (_, status, breach) = found.iter().find(|(name, _, _)| name == "breach_notice_to_controller").unwrap();
    assert_eq!(status, "undetermined");
    assert!(breach.starts_with("Say how soon Quiet Ltd must tell us about a breach"), "{breach}");
    for (name, _, message) in &found {
        assert!(!message.contains("(not given)") && !message.contains("absent"), "{name}: {message}");
    }
}
