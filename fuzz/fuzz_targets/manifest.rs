#![no_main]
// See tenet_fuzz::manifest and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::manifest(data));
