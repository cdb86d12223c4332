#![no_main]
// See tenet_fuzz::lsp_transport and docs/fuzzing.md.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tenet_fuzz::lsp_transport(data));
