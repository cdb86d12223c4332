#![no_main]
// See tenet_fuzz::json_vs_serde and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::json_vs_serde(data));
