#![no_main]
// See tenet_fuzz::archive and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::archive(data));
