//! Tenet policy packages: the `tenet.toml` manifest, dependency resolution and the `tenet.lock`
//! file, deterministic signed archives, OCI registries, git and path dependencies, and the local
//! cache that makes later runs work offline.
//!
//! Nothing here prints or reads the terminal; the CLI (`tenet-cli`) renders [`PkgError`]s.

pub mod error;
pub mod glob;
pub mod manifest;

pub use error::{PkgError, codes};
pub use manifest::{
    DepSource, Dependency, GATE_LEVELS, Gate, GitPin, InputGlob, Manifest, PackageInfo, Param, Registries, RegistryRef,
    SampleGlob, Trust, TrustedKey, WaiverRules,
};
pub mod archive;
pub mod cache;
pub mod fetch;
pub mod fsutil;
pub mod lock;
pub mod project;
pub mod registry;
pub mod resolve;
pub mod sign;

pub use cache::Cache;
pub use fetch::{FetchOptions, FetchReport, fetch};
pub use lock::{LockedPackage, LockedSource, Lockfile};
pub use project::{DependencySources, Project, SourceText};
