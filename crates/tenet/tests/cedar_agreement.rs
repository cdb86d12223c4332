//! The Cedar encoding of the standard library (`benches/cedar/`) that the benchmark runs in
//! cedar-policy only decides "violated or not", one request per obligation it encodes. For the
//! comparison to mean anything, Cedar must deny exactly the obligations Tenet reports `violated`
//! and allow all others. This checks it on generated documents of both kinds, decision for
//! decision.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

#[path = "../benches/support/cedar.rs"]
mod cedar;

use std::collections::BTreeMap;
use support::{TODAY, tenet_outcomes};
use tenet::Engine;

#[test]
fn cedar_denies_exactly_what_tenet_finds_violated() {
    let engine = Engine::standard_library().unwrap();
    let cedar = cedar::Cedar::new(TODAY).unwrap();
    let encoded: usize = cedar::Kind::ALL.into_iter().map(|kind| cedar.obligations(kind).count()).sum();
    assert_eq!(encoded, 37, "the encoding covers 37 of the 41 obligations");

    let (mut documents, mut representable, mut decisions) = (0usize, 0usize, 0usize);
    let mut denied = BTreeMap::<&str, usize>::new();
    let mut disagreements = Vec::new();
    for seed in 1..=3 {
        for (i, doc) in tenet_gen::documents(tenet_gen::Kind::Mixed, seed).take(400).enumerate() {
            documents += 1;
            let text = doc.to_string();
            let violated = match cedar.evaluate_text(&text).unwrap() {
                cedar::Outcome::Violated(violated) => violated,
                cedar::Outcome::NotRepresentable(_) => continue,
            };
            representable += 1;
            let expected = tenet_outcomes(&engine, &text);
            for name in cedar.obligations(cedar::Kind::of(&doc).unwrap()) {
                let tenet = expected.get(name).unwrap_or_else(|| panic!("Tenet reports no {name}: {text}"));
                let denies = violated.contains(&name);
                decisions += 1;
                if denies {
                    *denied.entry(name).or_default() += 1;
                }
                if denies != (tenet == "violated") {
                    let cedar = if denies { "Deny" } else { "Allow" };
                    let at = format!("seed {seed}, document {i}, {name}");
                    disagreements.push(format!("{at}: Tenet {tenet}, Cedar {cedar}: {text}"));
                }
            }
        }
    }

    assert!(
        disagreements.is_empty(),
        "{} disagreements; the first:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(5)].join("\n")
    );
    assert!(representable * 10 >= documents * 9, "only {representable} of {documents} documents representable");
    // Cedar must deny, and on most obligations, for the agreement to show anything (there are
    // about 2,700 denials on 30 obligations: `tenet-gen` does not write the fields that
    // `assistive_editing_exemption`, `emotion_recognition_for_medical_or_safety`,
    // `human_decision_on_termination`, `human_oversight_assigned`, `aedt_test_data_explained`,
    // `retention_after_exit` and `subprocessor_change_notice` need to be violated).
    let denies: usize = denied.values().sum();
    assert!(denies > 1_500, "too few denials: {denied:?}");
    assert!(denied.len() >= 25, "denials on too few obligations: {denied:?}");
    assert!(decisions > 15_000, "{decisions}");
}

#[test]
fn values_are_normalised_as_cedar_writes_them() {
    assert_eq!(cedar::decimal("79.5", 2).as_deref(), Some("0.795"));
    assert_eq!(cedar::decimal("100", 2).as_deref(), Some("1.0"));
    assert_eq!(cedar::decimal("0.45", 0).as_deref(), Some("0.45"));
    assert_eq!(cedar::decimal("0.00001", 0), None);
    assert_eq!(cedar::decimal("1e-5", 0), None);
    assert_eq!(cedar::date("2026-1-5").as_deref(), Some("2026-01-05"));
    assert_eq!(cedar::date("2026-01"), None);
    assert_eq!(cedar::duration(" 48h "), Ok(Some("48h".to_owned())));
    assert_eq!(cedar::duration("10bd"), Ok(None));
    assert!(cedar::duration("two days").is_err());
}
