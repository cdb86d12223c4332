//! How long package handling takes: packaging the standard library (`policies/std`), verifying
//! and extracting that archive, and resolving a generated graph of 200 registry packages.
//!
//! Run with `cargo bench -p tenet-pkg --bench packages`; figures are recorded in
//! `docs/performance.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark is not library code: a broken setup should stop it loudly"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use semver::Version;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tenet_pkg::archive::{self, Limits};
use tenet_pkg::manifest::{GitPin, Manifest, RegistryRef};
use tenet_pkg::resolve::{Candidate, Index, resolve};
use tenet_pkg::{LockedSource, PkgError};

/// Packages in the generated graph; package `i` depends on `i+1` and `i+2`.
const GRAPH: usize = 200;

fn std_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/std")
}

/// An in-memory registry where every package has versions 1.0.0 to 1.4.0.
struct Generated;

fn name(i: usize) -> String {
    format!("p{i}")
}

impl Index for Generated {
    fn versions(&mut self, _: &str, _: &RegistryRef) -> Result<Vec<Version>, PkgError> {
        Ok((0..5).map(|minor| Version::new(1, minor, 0)).collect())
    }

    fn registry(&mut self, pkg: &str, r: &RegistryRef, version: &Version) -> Result<Candidate, PkgError> {
        let i: usize = pkg[1..].parse().unwrap();
        let mut text = format!("[package]\nname = \"{pkg}\"\nversion = \"{version}\"\n[dependencies]\n");
        for j in [i + 1, i + 2].into_iter().filter(|j| *j < GRAPH) {
            text.push_str(&format!("{} = {{ registry = \"{r}\", version = \"^1.{}\" }}\n", name(j), j % 3));
        }
        Ok(Candidate {
            manifest: Manifest::parse(Path::new("tenet.toml"), &text).unwrap(),
            source: LockedSource::Registry(r.clone()),
            digest: Some(format!("sha256:{}", "0".repeat(64))),
            signed_by: None,
            dir: PathBuf::new(),
        })
    }

    fn git(&mut self, _: &str, _: &str, _: &GitPin) -> Result<Candidate, PkgError> {
        unreachable!("the generated graph has no git packages")
    }

    fn path(&mut self, _: &str, _: &Path, _: &Path) -> Result<Candidate, PkgError> {
        unreachable!("the generated graph has no path packages")
    }
}

fn benches(c: &mut Criterion) {
    let built = archive::build(&std_dir()).unwrap();
    c.bench_function("package_std", |b| b.iter(|| black_box(archive::build(&std_dir()).unwrap())));
    c.bench_function("extract_std", |b| {
        b.iter(|| {
            let dest = tempfile::tempdir().unwrap();
            black_box(archive::extract(&built.bytes, "std", dest.path(), &Limits::default()).unwrap())
        })
    });
    let root_text = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\np0 = { registry = \"127.0.0.1:5000/all\", version = \"^1.0\" }\n";
    let root = Manifest::parse(Path::new("tenet.toml"), root_text).unwrap();
    let resolved = resolve(&root, Path::new("."), None, &mut Generated).unwrap();
    assert_eq!(resolved.len(), GRAPH);
    c.bench_function("resolve_200_packages", |b| {
        b.iter(|| black_box(resolve(&root, Path::new("."), None, &mut Generated).unwrap()))
    });
}

criterion_group!(packages, benches);
criterion_main!(packages);
