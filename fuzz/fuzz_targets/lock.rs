#![no_main]
// See tenet_fuzz::lock and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::lock(data));
