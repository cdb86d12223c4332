//! Replays every target's kept inputs, `fuzz/regressions/TARGET` (and `fuzz/corpus/TARGET`
//! with `FUZZ_REPLAY_CORPUS=1`), as an ordinary test on stable Rust, without libFuzzer:
//! `cargo test --manifest-path fuzz/Cargo.toml`. See docs/fuzzing.md.

use std::path::Path;

#[test]
fn kept_inputs_pass_every_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (name, check) in tenet_fuzz::TARGETS {
        let with_corpus = std::env::var_os("FUZZ_REPLAY_CORPUS").is_some();
        for dir in ["regressions", "corpus"].into_iter().take(if with_corpus { 2 } else { 1 }) {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else { continue };
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let bytes = std::fs::read(&path).unwrap();
                println!("{name}: {}", path.display());
                check(&bytes);
                replayed += 1;
            }
        }
    }
    println!("{replayed} inputs replayed");
}
