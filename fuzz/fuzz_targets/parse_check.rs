#![no_main]
// See tenet_fuzz::parse_check and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::parse_check(data));
