#![no_main]
// See tenet_fuzz::load_json and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::load_json(data));
