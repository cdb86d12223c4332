//! The Rego encoding of the standard library (`benches/rego/std.rego`) that the benchmark
//! runs in regorus must decide every obligation as Tenet does, or the comparison means
//! nothing. This checks it on generated documents of both kinds, outcome for outcome, with
//! regorus's interpreter and its bytecode VM.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod support;

#[path = "../benches/support/rego.rs"]
mod rego;

use std::collections::BTreeMap;
use support::{TODAY, tenet_outcomes};
use tenet::Engine;

#[test]
fn regorus_and_tenet_agree_on_every_outcome() {
    let engine = Engine::standard_library().unwrap();
    let mut interpreter = rego::Rego::new(rego::Mode::Interpreter, TODAY).unwrap();
    let mut vm = rego::Rego::new(rego::Mode::Vm, TODAY).unwrap();
    let mut compared = 0;
    let mut statuses = BTreeMap::<String, usize>::new();
    for seed in 1..=3 {
        for (i, doc) in tenet_gen::documents(tenet_gen::Kind::Mixed, seed).take(400).enumerate() {
            let text = doc.to_string();
            let expected = tenet_outcomes(&engine, &text);
            assert_eq!(interpreter.outcomes(&text).unwrap(), expected, "seed {seed}, document {i}: {text}");
            if i % 4 == 0 {
                assert_eq!(vm.outcomes(&text).unwrap(), expected, "VM, seed {seed}, document {i}: {text}");
            }
            compared += expected.len();
            for status in expected.values() {
                *statuses.entry(status.clone()).or_default() += 1;
            }
        }
    }
    // The documents exercise every outcome the encoding must get right.
    for status in ["satisfied", "violated", "not_applicable", "undetermined"] {
        assert!(statuses.get(status).copied().unwrap_or(0) > 100, "too few `{status}`: {statuses:?}");
    }
    assert!(compared > 20_000, "{compared}");
}
