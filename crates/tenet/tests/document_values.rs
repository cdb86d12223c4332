//! Document values that do not mean what they seem are errors, never read into a verdict: a
//! share over 100%, a date not written YYYY-MM-DD, and durations whose limit depends on
//! whether they were written with a unit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use tenet::{Engine, Format};

/// The codes of the problems found in a one-document YAML text.
fn problems(yaml: &str) -> Vec<String> {
    let engine = Engine::standard_library().unwrap();
    let today = jiff::civil::Date::new(2026, 11, 28).unwrap();
    let results = engine.evaluate_text("doc.yaml", yaml, Some(Format::Yaml), today);
    results.iter().flat_map(|r| r.report.problems.iter().map(|p| format!("{} {}", p.code, p.message))).collect()
}

#[test]
fn a_share_over_one_hundred_percent_is_not_read() {
    let found = problems("kind: AiSystem\nid: s\nworkers: { ai_literacy_trained_pct: \"150%\" }\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("tenet::E0706") && found[0].contains("`150%`"), "{found:?}");
    assert!(problems("kind: AiSystem\nid: s\nworkers: { ai_literacy_trained_pct: \"100%\" }\n").is_empty());
    assert!(problems("kind: AiSystem\nid: s\nworkers: { ai_literacy_trained_pct: \"-5%\" }\n").len() == 1);
}

#[test]
fn a_date_must_be_written_year_month_day() {
    for bad in ["2026-1-5", "2026-001-5", "+026-01-05", "2026-01-5 "] {
        let found = problems(&format!("kind: Contract\nid: d\nsigned_on: \"{bad}\"\n"));
        assert_eq!(found.len(), 1, "`{bad}` should not be read as a date: {found:?}");
        assert!(found[0].starts_with("tenet::E0706"), "{found:?}");
    }
    assert!(problems("kind: Contract\nid: d\nsigned_on: \"2026-01-05\"\n").is_empty());
}

#[test]
fn a_duration_has_the_same_limit_with_or_without_its_unit() {
    // `breach_notice_hours` is `duration(hours)`: a bare number is hours.
    let bare = problems("kind: Contract\nid: b\ndpa: { breach_notice_hours: 2000000 }\n");
    let with_unit = problems("kind: Contract\nid: b\ndpa: { breach_notice_hours: \"2000000h\" }\n");
    assert_eq!(bare.is_empty(), with_unit.is_empty(), "bare {bare:?}, with unit {with_unit:?}");
    let too_long = problems("kind: Contract\nid: b\ndpa: { breach_notice_hours: 30000000 }\n");
    let too_long_unit = problems("kind: Contract\nid: b\ndpa: { breach_notice_hours: \"30000000h\" }\n");
    assert_eq!(too_long.len(), 1, "{too_long:?}");
    assert_eq!(too_long_unit.len(), 1, "{too_long_unit:?}");
}

#[test]
fn a_kind_that_is_not_text_is_named_as_such_not_as_missing() {
    let found = problems("kind: 5\nid: k\n");
    assert_eq!(found, ["tenet::E0705 the document's `kind` must be the name of a schema, found number"]);
    let found = problems("kind: [Contract]\nid: k\n");
    assert!(found[0].contains("found list"), "{found:?}");
    let found = problems("id: k\n");
    assert!(found[0].contains("does not say what kind it is"), "{found:?}");
}

#[test]
fn a_number_with_more_digits_than_can_be_held_is_an_error_not_a_rounded_verdict() {
    // 29 significant digits: rounded to 28 it would read as 0.8, the four-fifths threshold.
    let found = problems(
        "kind: AiSystem\nid: n\nbias_audit:\n  categories:\n    - { name: female, dimension: sex, impact_ratio: 0.79999999999999999999999999999 }\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("tenet::E0701"), "{found:?}");
}
