//! Package archives: deterministic `.tar.gz` files (the same sources give the same bytes) and
//! their safe extraction.
//!
//! An archive holds `tenet.toml`, every `.tenet` file, everything under `tests/`, the top-level
//! README, LICENSE and CHANGELOG files, and `tenet.sums` (the sha256 of every other file). Entries
//! are regular files only, sorted by path, with mode 0644, mtime 0, uid/gid 0 and no user names;
//! gzip is written with mtime 0, no file name and OS byte 255.

use crate::error::{PkgError, codes};
use crate::manifest::{MANIFEST_FILE, Manifest};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The checksums file inside every archive.
pub const SUMS_FILE: &str = "tenet.sums";

/// Limits on what an archive may hold; anything above is refused before it is written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest compressed archive, in bytes.
    pub max_archive_bytes: u64,
    /// Largest total size of the files once decompressed, in bytes.
    pub max_unpacked_bytes: u64,
    /// Most entries an archive may hold.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_archive_bytes: 32 << 20, max_unpacked_bytes: 128 << 20, max_entries: 10_000 }
    }
}

/// A built archive.
#[derive(Clone, Debug)]
pub struct Archive {
    /// The `.tar.gz` bytes.
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of the bytes.
    pub digest: String,
    pub manifest: Manifest,
    /// The paths inside, sorted (`tenet.sums` included).
    pub files: Vec<String>,
}

impl Archive {
    /// The conventional file name, `NAME-VERSION.tar.gz`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.tar.gz", self.manifest.package.name, self.manifest.package.version)
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds the archive of the package in `dir`.
pub fn build(dir: &Path) -> Result<Archive, PkgError> {
    let manifest = Manifest::load(dir)?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    collect(dir, "", &mut files)?;
    if files.len() > Limits::default().max_entries {
        return Err(PkgError::new(
            codes::UNSAFE_ARCHIVE,
            format!("the package has {} files, more than the limit of {}", files.len(), Limits::default().max_entries),
        ));
    }
    let sums = sums_text(&files);
    files.insert(SUMS_FILE.to_string(), sums.into_bytes());
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, data.as_slice()).map_err(|e| archive_io(&e))?;
    }
    let tar_bytes = tar.into_inner().map_err(|e| archive_io(&e))?;
    let mut gz = flate2::GzBuilder::new().mtime(0).operating_system(255).write(Vec::new(), flate2::Compression::new(6));
    std::io::Write::write_all(&mut gz, &tar_bytes).map_err(|e| archive_io(&e))?;
    let bytes = gz.finish().map_err(|e| archive_io(&e))?;
    Ok(Archive { digest: digest_of(&bytes), bytes, manifest, files: files.into_keys().collect() })
}

fn archive_io(e: &std::io::Error) -> PkgError {
    PkgError::new(codes::IO, format!("cannot write the archive: {}", crate::error::io_reason(e)))
}

fn sums_text(files: &BTreeMap<String, Vec<u8>>) -> String {
    files.iter().map(|(path, data)| format!("{}  {path}\n", hex(&Sha256::digest(data)))).collect()
}

/// Whether `relative` (a `/`-separated path inside the package) belongs in the archive.
fn included(relative: &str) -> bool {
    if relative == MANIFEST_FILE || relative.ends_with(".tenet") || relative.starts_with("tests/") {
        return true;
    }
    let top_level = !relative.contains('/');
    let upper = relative.to_ascii_uppercase();
    top_level && ["README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"].iter().any(|p| upper.starts_with(p))
}

fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) -> Result<(), PkgError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PkgError::io(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| PkgError::io(dir, &e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return Err(PkgError::new(codes::BAD_VALUE, format!("`{}` is not a UTF-8 file name", path.display()))
                .with_help("rename the file; package paths are UTF-8"));
        };
        if name.starts_with('.') || (prefix.is_empty() && name == "target") {
            continue;
        }
        let relative = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(|e| PkgError::io(&path, &e))?;
        if kind.is_symlink() && path.is_dir() {
            return Err(PkgError::new(
                codes::UNSAFE_ARCHIVE,
                format!("`{}` is a symbolic link to a directory", path.display()),
            )
            .with_help("packages hold regular files only; move the directory into the package instead of linking it"));
        }
        if kind.is_dir() {
            collect(&path, &format!("{relative}/"), files)?;
        } else if included(&relative) {
            if kind.is_symlink() {
                return Err(PkgError::new(codes::UNSAFE_ARCHIVE, format!("`{}` is a symbolic link", path.display()))
                    .with_help("packages hold regular files only; copy the file instead of linking it"));
            }
            if !kind.is_file() {
                return Err(PkgError::new(
                    codes::UNSAFE_ARCHIVE,
                    format!("`{}` is not a regular file", path.display()),
                ));
            }
            let data = std::fs::read(&path).map_err(|e| PkgError::io(&path, &e))?;
            files.insert(relative, data);
        }
    }
    Ok(())
}

/// Checks an entry path: relative, `/`-separated, no `..`, `.`, empty or drive components.
fn safe_path(raw: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "a path that is not UTF-8".to_string())?;
    let shown = text.escape_debug().to_string();
    if text.is_empty() {
        return Err("an empty path".into());
    }
    if text.starts_with('/') {
        return Err(format!("the absolute path `{shown}`"));
    }
    if text.contains('\\') || text.contains('\0') || text.get(1..2) == Some(":") {
        return Err(format!("the path `{shown}`, which is not a plain relative path"));
    }
    let trimmed = text.strip_suffix('/').unwrap_or(text);
    for segment in trimmed.split('/') {
        match segment {
            ".." => return Err(format!("the path `{shown}`, which leaves the package directory")),
            "" | "." => return Err(format!("the path `{shown}`, which has an empty or `.` segment")),
            _ => {}
        }
    }
    if Path::new(trimmed).components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!("the path `{shown}`, which is not a plain relative path"));
    }
    Ok(trimmed.to_string())
}

fn refuse(what: &str, why: impl std::fmt::Display) -> PkgError {
    PkgError::new(codes::UNSAFE_ARCHIVE, format!("refusing {what}: it contains {why}"))
        .with_help("the archive was not extracted; ask the publisher to rebuild it with `tenet package`")
}

/// A reader that fails once more than `left` bytes have been read.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| std::io::Error::other("size limit"))?;
        Ok(n)
    }
}

/// Extracts `bytes` (named `what` in errors) into the empty directory `dest`, refusing links,
/// devices, unsafe or duplicate paths, sizes above `limits`, files the checksums do not cover or
/// that do not match them, and archives without a valid manifest. On error, `dest` may hold part
/// of the files: callers extract into a staging directory and delete it.
pub fn extract(bytes: &[u8], what: &str, dest: &Path, limits: &Limits) -> Result<Manifest, PkgError> {
    if bytes.len() as u64 > limits.max_archive_bytes {
        return Err(refuse(
            what,
            format_args!("{} bytes, more than the limit of {}", bytes.len(), limits.max_archive_bytes),
        ));
    }
    let too_large = || refuse(what, format_args!("more than {} bytes once decompressed", limits.max_unpacked_bytes));
    // The slice-reading decoder reads nothing past its stream, so what follows can be checked.
    let capped =
        Capped { inner: flate2::bufread::GzDecoder::new(bytes), left: limits.max_unpacked_bytes.saturating_mul(2) };
    let mut archive = tar::Archive::new(capped);
    let entries = archive.entries().map_err(|e| refuse(what, format_args!("a malformed tar stream ({e})")))?;
    let mut seen = BTreeSet::new();
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    let mut total = 0u64;
    for entry in entries {
        let mut entry = entry.map_err(|e| {
            if e.to_string().contains("size limit") {
                too_large()
            } else {
                refuse(what, format_args!("a malformed entry ({e})"))
            }
        })?;
        if seen.len() >= limits.max_entries {
            return Err(refuse(what, format_args!("more than {} entries", limits.max_entries)));
        }
        let path = safe_path(&entry.path_bytes()).map_err(|why| refuse(what, why))?;
        if !seen.insert(path.clone()) {
            return Err(refuse(what, format_args!("the path `{path}` twice")));
        }
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Directory => continue,
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(refuse(what, format_args!("a link at `{path}`")));
            }
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo => {
                return Err(refuse(what, format_args!("a device or pipe at `{path}`")));
            }
            other => return Err(refuse(what, format_args!("an entry of type {other:?} at `{path}`"))),
        }
        let mut ancestors = path.match_indices('/').map(|(at, _)| path.get(..at).unwrap_or(""));
        if let Some(parent) = ancestors.find(|a| written.contains_key(*a)) {
            return Err(refuse(what, format_args!("`{path}` inside the file `{parent}`")));
        }
        if dest.join(&path).is_dir() {
            return Err(refuse(what, format_args!("`{path}` both as a file and as a directory")));
        }
        let size = entry.header().size().map_err(|e| refuse(what, format_args!("a bad size field ({e})")))?;
        total = total.saturating_add(size);
        if total > limits.max_unpacked_bytes {
            return Err(too_large());
        }
        let mut data = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
        (&mut entry).take(size.saturating_add(1)).read_to_end(&mut data).map_err(|e| {
            if e.to_string().contains("size limit") {
                too_large()
            } else {
                refuse(what, format_args!("a truncated entry ({e})"))
            }
        })?;
        let target = dest.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
        }
        std::fs::write(&target, &data).map_err(|e| PkgError::io(&target, &e))?;
        written.insert(path, hex(&Sha256::digest(&data)));
    }
    // The tar reader stops at its end marker; reading the compressed stream to its end checks
    // its CRC and length, and nothing may follow it.
    let mut rest = archive.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(|e| {
        if e.to_string().contains("size limit") {
            too_large()
        } else {
            refuse(what, format_args!("a damaged compressed stream ({e})"))
        }
    })?;
    let trailing = rest.inner.into_inner().len();
    if trailing > 0 {
        return Err(refuse(what, format_args!("{trailing} bytes after the end of its compressed stream")));
    }
    check_sums(what, dest, &written)?;
    let manifest_path = dest.join(MANIFEST_FILE);
    if !written.contains_key(MANIFEST_FILE) {
        return Err(refuse(what, format_args!("no `{MANIFEST_FILE}`")));
    }
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| PkgError::io(&manifest_path, &e))?;
    // Problems are named in the archive, not in the directory it was extracted into (a
    // temporary one the user never sees).
    let shown = PathBuf::from(format!("{MANIFEST_FILE} in {}", what.replace('`', "")));
    let mut manifest = Manifest::parse(&shown, &text)?;
    manifest.path = manifest_path;
    Ok(manifest)
}

fn check_sums(what: &str, dest: &Path, written: &BTreeMap<String, String>) -> Result<(), PkgError> {
    if !written.contains_key(SUMS_FILE) {
        return Err(refuse(what, format_args!("no `{SUMS_FILE}` checksums file")));
    }
    let path = dest.join(SUMS_FILE);
    let text =
        std::fs::read_to_string(&path).map_err(|_| refuse(what, format_args!("a `{SUMS_FILE}` that is not text")))?;
    let mut listed = BTreeMap::new();
    for line in text.lines() {
        let Some((sum, file)) = line.split_once("  ") else {
            // Quoted in part: a line can be of any length.
            let shown: String = line.chars().take(80).collect();
            let more = if line.chars().count() > 80 { "…" } else { "" };
            return Err(refuse(what, format_args!("a malformed `{SUMS_FILE}` line `{}{more}`", shown.escape_debug())));
        };
        listed.insert(file.to_string(), sum.to_string());
    }
    for (file, sum) in written.iter().filter(|(f, _)| f.as_str() != SUMS_FILE) {
        match listed.remove(file) {
            Some(expected) if expected == *sum => {}
            Some(_) => return Err(refuse(what, format_args!("`{file}`, whose content does not match `{SUMS_FILE}`"))),
            None => return Err(refuse(what, format_args!("`{file}`, which `{SUMS_FILE}` does not list"))),
        }
    }
    if let Some(missing) = listed.keys().next() {
        return Err(refuse(what, format_args!("no `{missing}`, which `{SUMS_FILE}` lists")));
    }
    Ok(())
}

#[cfg(test)]
#[path = "../tests/support/raw_archive.rs"]
mod raw_archive;

#[cfg(test)]
mod tests {
    use super::raw_archive::raw_archive;
    use super::*;

    fn package(dir: &Path) {
        std::fs::create_dir_all(dir.join("policies/eu")).unwrap();
        std::fs::create_dir_all(dir.join("tests/fixtures")).unwrap();
        std::fs::create_dir_all(dir.join("target")).unwrap();
        std::fs::write(dir.join("tenet.toml"), "[package]\nname = \"lib\"\nversion = \"1.0.0\"\n").unwrap();
        std::fs::write(dir.join("policies/a.tenet"), "package lib\n").unwrap();
        std::fs::write(dir.join("policies/eu/b.tenet"), "package lib.eu\n").unwrap();
        std::fs::write(dir.join("tests/fixtures/x.yaml"), "kind: X\n").unwrap();
        std::fs::write(dir.join("README.md"), "# lib\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "left out\n").unwrap();
        std::fs::write(dir.join("target/junk.tenet"), "left out\n").unwrap();
        std::fs::write(dir.join(".hidden.tenet"), "left out\n").unwrap();
    }

    /// The error extracting `bytes` into a fresh directory, as text.
    fn refusal(bytes: &[u8]) -> String {
        let dest = tempfile::tempdir().unwrap();
        match extract(bytes, "`x.tar.gz`", dest.path(), &Limits::default()) {
            Ok(_) => "extracted".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_damaged_checksum_or_trailing_bytes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        package(dir.path());
        let good = build(dir.path()).unwrap().bytes;
        assert_eq!(refusal(&good), "extracted");
        // The gzip trailer is the CRC-32 of the data, then its length.
        let mut bad_crc = good.clone();
        let at = bad_crc.len() - 8;
        bad_crc[at] ^= 0xff;
        assert!(refusal(&bad_crc).contains("a damaged compressed stream"), "{}", refusal(&bad_crc));
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"garbage");
        assert!(
            refusal(&trailing).contains("7 bytes after the end of its compressed stream"),
            "{}",
            refusal(&trailing)
        );
    }

    #[test]
    fn a_bad_manifest_is_named_in_the_archive_not_the_directory_it_was_extracted_into() {
        // A manifest `tenet package` would refuse, with matching checksums.
        let manifest = b"[package]\nname = \"lib\"\nversion = \"one\"\n".as_slice();
        let sums = format!("{}  tenet.toml\n", hex(&Sha256::digest(manifest)));
        let built = raw_archive(&[
            (b"tenet.toml", tar::EntryType::Regular, manifest),
            (b"tenet.sums", tar::EntryType::Regular, sums.as_bytes()),
        ]);
        let dest = tempfile::tempdir().unwrap();
        let error = extract(&built, "`lib-1.0.0.tar.gz`", dest.path(), &Limits::default()).unwrap_err();
        let shown = format!("{error:?} {error}");
        assert!(shown.contains("tenet.toml in lib-1.0.0.tar.gz"), "{shown}");
        let dest_name = dest.path().display().to_string();
        assert!(!shown.contains(&dest_name), "the temporary directory is not named: {shown}");
    }

    #[test]
    fn same_sources_give_same_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        package(a.path());
        package(b.path());
        let first = build(a.path()).unwrap();
        let second = build(b.path()).unwrap();
        assert_eq!(first.bytes, second.bytes);
        assert_eq!(first.digest, digest_of(&second.bytes));
        assert_eq!(
            first.files,
            [
                "README.md",
                "policies/a.tenet",
                "policies/eu/b.tenet",
                "tenet.sums",
                "tenet.toml",
                "tests/fixtures/x.yaml"
            ]
        );
        assert_eq!(first.file_name(), "lib-1.0.0.tar.gz");
        std::fs::write(b.path().join("policies/a.tenet"), "package lib // changed\n").unwrap();
        assert_ne!(build(b.path()).unwrap().digest, first.digest);
    }

    #[test]
    fn links_in_the_sources_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        package(dir.path());
        std::os::unix::fs::symlink(dir.path().join("policies/a.tenet"), dir.path().join("policies/link.tenet"))
            .unwrap();
        assert!(build(dir.path()).unwrap_err().to_string().contains("is a symbolic link"));
        std::fs::remove_file(dir.path().join("policies/link.tenet")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("policies"), dir.path().join("more")).unwrap();
        assert!(build(dir.path()).unwrap_err().to_string().contains("symbolic link to a directory"));
    }

    #[test]
    fn extracts_what_it_built() {
        let src = tempfile::tempdir().unwrap();
        package(src.path());
        let archive = build(src.path()).unwrap();
        let dest = tempfile::tempdir().unwrap();
        let manifest = extract(&archive.bytes, "lib", dest.path(), &Limits::default()).unwrap();
        assert_eq!(manifest.package.name, "lib");
        assert_eq!(std::fs::read_to_string(dest.path().join("policies/eu/b.tenet")).unwrap(), "package lib.eu\n");
    }

    fn refused(bytes: &[u8], limits: &Limits) -> String {
        let dest = tempfile::tempdir().unwrap();
        let e = extract(bytes, "evil", dest.path(), limits).unwrap_err();
        assert_eq!(e.code(), codes::UNSAFE_ARCHIVE, "{e}");
        e.to_string()
    }

    #[test]
    fn refuses_unsafe_archives() {
        use tar::EntryType::{Block, Char, Fifo, Link, Regular, Symlink};
        let l = Limits::default();
        let m = b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n".as_slice();
        assert!(
            refused(&raw_archive(&[(b"../escape.tenet", Regular, b"x")]), &l).contains("leaves the package directory")
        );
        assert!(refused(&raw_archive(&[(b"a/../../x", Regular, b"x")]), &l).contains("leaves the package"));
        assert!(refused(&raw_archive(&[(b"/etc/x.tenet", Regular, b"x")]), &l).contains("absolute path"));
        assert!(refused(&raw_archive(&[(b"link.tenet", Symlink, b"")]), &l).contains("a link at `link.tenet`"));
        assert!(refused(&raw_archive(&[(b"hard.tenet", Link, b"")]), &l).contains("a link"));
        assert!(refused(&raw_archive(&[(b"dev", Char, b"")]), &l).contains("device"));
        assert!(refused(&raw_archive(&[(b"dev", Block, b"")]), &l).contains("device"));
        assert!(refused(&raw_archive(&[(b"pipe", Fifo, b"")]), &l).contains("device or pipe"));
        assert!(
            refused(&raw_archive(&[(b"tenet.toml", Regular, m), (b"tenet.toml", Regular, m)]), &l)
                .contains("`tenet.toml` twice")
        );
        assert!(refused(&raw_archive(&[(b"./tenet.toml", Regular, m)]), &l).contains("`.` segment"));
        assert!(
            refused(&raw_archive(&[(b"a", Regular, b"x"), (b"a/b", Regular, b"y")]), &l)
                .contains("inside the file `a`")
        );
        assert!(
            refused(&raw_archive(&[(b"a/b", Regular, b"x"), (b"a", Regular, b"y")]), &l).contains("both as a file")
        );
        assert!(refused(&raw_archive(&[(b"tenet.toml", Regular, m)]), &l).contains("no `tenet.sums`"));
        let small = Limits { max_unpacked_bytes: 100, ..l };
        assert!(refused(&raw_archive(&[(b"big.tenet", Regular, &[b'a'; 1000])]), &small).contains("decompressed"));
        let few = Limits { max_entries: 1, ..l };
        assert!(refused(&raw_archive(&[(b"a", Regular, b""), (b"b", Regular, b"")]), &few).contains("entries"));
        let tiny = Limits { max_archive_bytes: 10, ..l };
        assert!(refused(&raw_archive(&[(b"a", Regular, b"")]), &tiny).contains("limit"));
        assert!(refused(b"not a gzip stream at all", &l).contains("malformed"));
    }

    #[test]
    fn refuses_files_the_checksums_do_not_cover() {
        let m = b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n".as_slice();
        let sum = hex(&Sha256::digest(m));
        let sums = format!("{sum}  tenet.toml\n");
        let l = Limits::default();
        let good = raw_archive(&[
            (b"tenet.sums", tar::EntryType::Regular, sums.as_bytes()),
            (b"tenet.toml", tar::EntryType::Regular, m),
        ]);
        let dest = tempfile::tempdir().unwrap();
        extract(&good, "ok", dest.path(), &l).unwrap();
        let extra = raw_archive(&[
            (b"tenet.sums", tar::EntryType::Regular, sums.as_bytes()),
            (b"tenet.toml", tar::EntryType::Regular, m),
            (b"sneaky.tenet", tar::EntryType::Regular, b"x"),
        ]);
        assert!(refused(&extra, &l).contains("does not list"));
        let changed = raw_archive(&[
            (b"tenet.sums", tar::EntryType::Regular, sums.as_bytes()),
            (b"tenet.toml", tar::EntryType::Regular, b"[package]\nname = \"y\"\nversion = \"1.0.0\"\n"),
        ]);
        assert!(refused(&changed, &l).contains("does not match"));
    }

    #[test]
    fn a_checksums_file_of_one_enormous_line_is_quoted_in_part() {
        let line = "0".repeat(4 << 20);
        let m = b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n".as_slice();
        let archive = raw_archive(&[
            (b"tenet.sums", tar::EntryType::Regular, line.as_bytes()),
            (b"tenet.toml", tar::EntryType::Regular, m),
        ]);
        let message = refused(&archive, &Limits::default());
        assert!(message.contains("a malformed `tenet.sums` line `0000"), "{message}");
        assert!(message.len() < 400, "{} bytes: the line is quoted in part", message.len());
        assert!(message.contains('…'), "{message}");
    }
}
