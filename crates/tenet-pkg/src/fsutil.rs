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
    /// Whether to remove its parent too when that is left empty (a staging directory).
    tidy_parent: bool,
}

impl TempDir {
    /// Creates a fresh directory `parent/.tmp-<unique>`.
    pub fn new_in(parent: &Path) -> Result<TempDir, PkgError> {
        std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
        let path = parent.join(format!(".tmp-{}", unique_suffix()));
        std::fs::create_dir(&path).map_err(|e| PkgError::io(&path, &e))?;
        Ok(TempDir { path, tidy_parent: true })
    }

    /// Creates a fresh directory in the system's temporary directory that only this user can
    /// enter, under a name no one can guess beforehand. It is created, never reused: a file or a
    /// link someone placed at that name makes creation fail rather than be followed.
    pub fn private() -> Result<TempDir, PkgError> {
        let path = std::env::temp_dir().join(format!("tenet-{}", unique_suffix()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&path).map_err(|e| PkgError::io(&path, &e))?;
        Ok(TempDir { path, tidy_parent: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        // Leave no empty staging directory behind (fails harmlessly when others use it).
        if let Some(parent) = self.path.parent().filter(|_| self.tidy_parent) {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_directories_are_fresh_unguessable_and_removed() {
        let a = TempDir::private().unwrap();
        let b = TempDir::private().unwrap();
        assert_ne!(a.path(), b.path());
        assert!(a.path().is_dir() && a.path().starts_with(std::env::temp_dir()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(a.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let path = a.path().to_path_buf();
        drop(a);
        assert!(!path.exists());
        assert!(std::env::temp_dir().is_dir(), "the system's temporary directory stays");
    }
}
