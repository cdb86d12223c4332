//! Small file-system helpers: atomic writes and unique temporary directories.

use crate::error::PkgError;
use std::path::{Path, PathBuf};

/// Writes `path` by writing a temporary file beside it and renaming it over `path`, so readers
/// see the old or the new content, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PkgError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", unique_suffix()));
    std::fs::write(&tmp, bytes).map_err(|e| PkgError::io(&tmp, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        PkgError::io(path, &e)
    })
}

/// A suffix unique within this machine: the process id and a random number.
pub fn unique_suffix() -> String {
    let mut bytes = [0u8; 8];
    let random = getrandom::fill(&mut bytes).map(|()| u64::from_le_bytes(bytes)).unwrap_or_else(|_| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    });
    format!("{}-{random:016x}", std::process::id())
}

/// A directory removed (with its contents) when dropped, unless kept.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a fresh directory `parent/.tmp-<unique>`.
    pub fn new_in(parent: &Path) -> Result<TempDir, PkgError> {
        std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
        let path = parent.join(format!(".tmp-{}", unique_suffix()));
        std::fs::create_dir(&path).map_err(|e| PkgError::io(&path, &e))?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        // Leave no empty staging directory behind (fails harmlessly when others use it).
        if let Some(parent) = self.path.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}
