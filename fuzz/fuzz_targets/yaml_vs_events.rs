#![no_main]
// See tenet_fuzz::yaml_vs_events and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::yaml_vs_events(data));
