#![no_main]
// See tenet_fuzz::load_toml and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::load_toml(data));
