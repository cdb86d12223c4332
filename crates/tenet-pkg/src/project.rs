//! A project on disk: its own policy sources, the sources of every locked dependency (from the
//! cache, never the network), its `[params]` overrides and `[inputs]` globs.

use crate::cache::Cache;
use crate::error::{PkgError, codes};
use crate::lock::{LockedSource, Lockfile};
use crate::manifest::{DepSource, InputGlob, MANIFEST_FILE, Manifest, Param};
use semver::Version;
use std::path::{Path, PathBuf};

/// A policy source file and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: String,
}

/// A dependency's policy sources.
#[derive(Clone, Debug)]
pub struct DependencySources {
    pub name: String,
    /// The locked version.
    pub version: Version,
    /// The directory the package was read from (in the cache, or a path dependency's directory).
    pub dir: PathBuf,
    /// Its `.tenet` files, `tests/` excluded, sorted by path.
    pub sources: Vec<SourceText>,
}

#[derive(Clone, Debug)]
pub struct Project {
    pub manifest: Manifest,
    /// The manifest's text, into which the spans of `params` point.
    pub manifest_text: String,
    /// The directory holding `tenet.toml`.
    pub dir: PathBuf,
    /// The project's own `.tenet` files, `tests/` excluded, sorted by path.
    pub sources: Vec<SourceText>,
    /// Every locked dependency, sorted by name.
    pub dependencies: Vec<DependencySources>,
    /// `[params]` overrides.
    pub params: Vec<Param>,
    /// `[inputs]` globs.
    pub inputs: Vec<InputGlob>,
}

/// Loads the project whose `tenet.toml` is in `dir`, with dependencies from the cache named by
/// the environment ([`Cache::from_env`]). `Ok(None)` when `dir` has no `tenet.toml`.
pub fn load(dir: &Path) -> Result<Option<Project>, PkgError> {
    if !dir.join(MANIFEST_FILE).is_file() {
        return Ok(None);
    }
    load_with_cache(dir, &Cache::from_env()?).map(Some)
}

/// Loads the project in `dir` with dependencies from `cache`.
pub fn load_with_cache(dir: &Path, cache: &Cache) -> Result<Project, PkgError> {
    let (manifest, manifest_text) = Manifest::load_with_text(dir)?;
    let sources = policy_sources(dir)?;
    let lock = Lockfile::load(dir)?.unwrap_or_default();
    for dep in &manifest.dependencies {
        let fetch_help = "run `tenet fetch` in the project directory (once, with network access)";
        let Some(locked) = lock.get(&dep.name) else {
            return Err(PkgError::new(codes::NOT_FETCHED, format!("dependency `{}` is not in `tenet.lock`", dep.name))
                .with_help(fetch_help));
        };
        let same_kind = matches!(
            (&dep.source, &locked.source),
            (DepSource::Registry(_), LockedSource::Registry(_))
                | (DepSource::Git { .. }, LockedSource::Git { .. })
                | (DepSource::Path(_), LockedSource::Path(_))
        );
        let fits = dep.version.as_ref().is_none_or(|r| r.matches(&locked.version));
        if !same_kind || !fits {
            return Err(PkgError::new(
                codes::NOT_FETCHED,
                format!(
                    "`tenet.lock` is out of date: it has `{}` {}, which `tenet.toml` no longer asks for",
                    dep.name, locked.version
                ),
            )
            .with_help(fetch_help));
        }
    }
    let mut dependencies = Vec::new();
    for locked in &lock.packages {
        let pkg_dir = match (&locked.source, &locked.digest) {
            (LockedSource::Path(p), _) => dir.join(p),
            (_, Some(digest)) => cache.package_dir(digest),
            (_, None) => {
                return Err(PkgError::new(codes::LOCK, format!("locked package `{}` has no digest", locked.name))
                    .with_help("delete `tenet.lock` and run `tenet fetch`"));
            }
        };
        if !pkg_dir.join(MANIFEST_FILE).is_file() {
            return Err(PkgError::new(
                codes::NOT_FETCHED,
                format!(
                    "`{}` {} is locked but not in the cache (`{}`)",
                    locked.name,
                    locked.version,
                    pkg_dir.display()
                ),
            )
            .with_help("run `tenet fetch` in the project directory (once, with network access)"));
        }
        dependencies.push(DependencySources {
            name: locked.name.clone(),
            version: locked.version.clone(),
            sources: policy_sources(&pkg_dir)?,
            dir: pkg_dir,
        });
    }
    Ok(Project {
        params: manifest.params.clone(),
        inputs: manifest.inputs.clone(),
        manifest,
        manifest_text,
        dir: dir.to_path_buf(),
        sources,
        dependencies,
    })
}

/// The `.tenet` files of the package in `dir`, sorted, without `tests/`, hidden entries or `target/`.
pub fn policy_sources(dir: &Path) -> Result<Vec<SourceText>, PkgError> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), true)];
    while let Some((current, top)) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| PkgError::io(&current, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| PkgError::io(&current, &e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || (top && (name == "tests" || name == "target")) {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| PkgError::io(&path, &e))?;
            if kind.is_dir() {
                stack.push((path, false));
            } else if name.ends_with(".tenet") {
                let bytes = std::fs::read(&path).map_err(|e| PkgError::io(&path, &e))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    PkgError::new(codes::BAD_VALUE, format!("`{}` is not valid UTF-8", path.display()))
                        .with_help("save the file as UTF-8")
                })?;
                out.push(SourceText { path, text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_manifest_is_no_project() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none());
    }
}
