#![no_main]
// See tenet_fuzz::evaluate and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::evaluate(data));
