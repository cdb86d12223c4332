#![no_main]
// See tenet_fuzz::format and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::format(data));
