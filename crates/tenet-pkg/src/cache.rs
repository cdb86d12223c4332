//! The local package cache: extracted packages stored by the digest of their archive, so a
//! locked project loads offline. Default `~/.cache/tenet`; `TENET_CACHE` overrides it.

use crate::error::{PkgError, codes};
use std::path::{Path, PathBuf};

/// The environment variable that names the cache directory.
pub const CACHE_ENV: &str = "TENET_CACHE";

/// Where fetched packages are kept: one directory per archive digest, under a root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    pub fn at(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The cache named by `TENET_CACHE`, else `$XDG_CACHE_HOME/tenet`, else `~/.cache/tenet`.
    pub fn from_env() -> Result<Cache, PkgError> {
        if let Some(dir) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
            return Ok(Cache::at(dir));
        }
        if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            return Ok(Cache::at(PathBuf::from(dir).join("tenet")));
        }
        match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
            Some(home) => Ok(Cache::at(PathBuf::from(home).join(".cache").join("tenet"))),
            None => Err(PkgError::new(codes::IO, "cannot find a cache directory: `HOME` is not set")
                .with_help(format!("set `{CACHE_ENV}` to a directory for downloaded packages"))),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the package whose archive has `digest` (`sha256:<hex>`) is extracted.
    pub fn package_dir(&self, digest: &str) -> PathBuf {
        self.root.join("packages").join(digest.replace(':', "-"))
    }

    /// The directory temporary downloads and extractions go to before they are moved in.
    pub fn staging_root(&self) -> PathBuf {
        self.root.join("tmp")
    }
}
