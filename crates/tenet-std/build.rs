//! Embeds every `.tenet` file directly under `policies/std` (not its `tests/`) in the crate.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("../../policies/std");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tenet"))
            .collect(),
        Err(e) => {
            println!("cargo:warning=cannot read {}: {e}", dir.display());
            Vec::new()
        }
    };
    files.sort();
    let mut out = String::from(
        "/// The standard library's files: (name, text), sorted by name.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let path = file.canonicalize().unwrap_or_else(|_| file.clone());
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("files.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
