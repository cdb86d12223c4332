//! `tenet.lock`: the exact version, source and sha256 digest of every package a project uses,
//! so that every later run (and every other machine) uses the same bytes.

use crate::error::{PkgError, codes};
use crate::manifest::{GitPin, RegistryRef};
use miette::NamedSource;
use semver::Version;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The lock file's name.
pub const LOCK_FILE: &str = "tenet.lock";

/// The format version written in the file.
const FORMAT: i64 = 1;

/// A whole lock file: packages sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lockfile {
    /// Every package of the dependency graph, the root excluded.
    pub packages: Vec<LockedPackage>,
}

/// One `[[package]]` entry of `tenet.lock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    /// The exact version.
    pub version: Version,
    pub source: LockedSource,
    /// `sha256:<hex>` of the package archive (`None` for path dependencies, which are read live).
    pub digest: Option<String>,
    /// The trusted key that signed it, when it was signed.
    pub signed_by: Option<String>,
    /// Names of the packages it depends on.
    pub dependencies: Vec<String>,
}

/// Where a locked package comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockedSource {
    /// An OCI registry repository.
    Registry(RegistryRef),
    /// A git repository at a tag or commit, and the commit it resolved to.
    Git {
        url: String,
        /// The tag or commit asked for.
        pin: GitPin,
        /// The full commit id.
        commit: String,
    },
    /// A directory, relative to the project directory.
    Path(PathBuf),
}

impl fmt::Display for LockedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockedSource::Registry(r) => write!(f, "registry+{r}"),
            LockedSource::Git { url, pin, commit } => write!(f, "git+{url}?{pin}#{commit}"),
            LockedSource::Path(p) => write!(f, "path+{}", p.display()),
        }
    }
}

impl LockedSource {
    fn parse(text: &str) -> Result<LockedSource, String> {
        if let Some(r) = text.strip_prefix("registry+") {
            return RegistryRef::parse(r).map(LockedSource::Registry);
        }
        if let Some(p) = text.strip_prefix("path+") {
            return Ok(LockedSource::Path(PathBuf::from(p)));
        }
        if let Some(rest) = text.strip_prefix("git+") {
            let (rest, commit) = rest.rsplit_once('#').ok_or("a git source ends in `#<commit>`")?;
            let (url, pin) = rest.rsplit_once('?').ok_or("a git source has `?tag=…` or `?rev=…`")?;
            let pin = if let Some(t) = pin.strip_prefix("tag=") {
                GitPin::Tag(t.to_string())
            } else if let Some(r) = pin.strip_prefix("rev=") {
                GitPin::Rev(r.to_string())
            } else {
                return Err(format!("`{pin}` is neither `tag=…` nor `rev=…`"));
            };
            if commit.len() < 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("`{commit}` is not a full commit id"));
            }
            return Ok(LockedSource::Git { url: url.to_string(), pin, commit: commit.to_string() });
        }
        Err("a source starts with `registry+`, `git+` or `path+`".into())
    }
}

impl Lockfile {
    /// Reads `dir/tenet.lock`; `Ok(None)` when there is none.
    pub fn load(dir: &Path) -> Result<Option<Lockfile>, PkgError> {
        let path = dir.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Lockfile::parse(&path, &text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(PkgError::io(&path, &e)),
        }
    }

    /// Parses lock file text; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Lockfile, PkgError> {
        let source = Arc::new(NamedSource::new(path.display().to_string(), text.to_string()));
        let help = "delete the lock file and run `tenet fetch` to write a new one";
        let bad = |message: String, span: std::ops::Range<usize>| {
            PkgError::new(codes::LOCK, message).at(&source, span, "here").with_help(help)
        };
        let document = toml_edit::Document::parse(text).map_err(|e| {
            let message = e.message().trim().lines().next().unwrap_or("").to_string();
            bad(format!("`{}` is not valid toml: {message}", path.display()), e.span().unwrap_or(0..0))
        })?;
        let root = document.as_table();
        match root.get("version").and_then(|v| v.as_integer()) {
            Some(FORMAT) => {}
            _ => {
                let span = root.get("version").and_then(|v| v.span()).unwrap_or(0..0);
                return Err(bad(format!("`{}` is not a version {FORMAT} lock file", path.display()), span));
            }
        }
        let mut packages = Vec::new();
        let Some(item) = root.get("package") else { return Ok(Lockfile::default()) };
        let Some(tables) = item.as_array_of_tables() else {
            return Err(bad(
                "`package` must be an array of tables (`[[package]]`)".into(),
                item.span().unwrap_or(0..0),
            ));
        };
        for table in tables.iter() {
            let span = table.span().unwrap_or(0..0);
            let field = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
            let (Some(name), Some(version), Some(source_text)) = (field("name"), field("version"), field("source"))
            else {
                return Err(bad("a locked package needs `name`, `version` and `source`".into(), span));
            };
            let version = Version::parse(&version)
                .map_err(|e| bad(format!("`{version}` is not a version: {e}"), span.clone()))?;
            let source = LockedSource::parse(&source_text)
                .map_err(|why| bad(format!("`{source_text}` is not a package source: {why}"), span.clone()))?;
            let digest = field("digest");
            if let Some(d) = &digest
                && !valid_digest(d)
            {
                return Err(bad(format!("`{d}` is not a sha256 digest"), span));
            }
            if digest.is_none() && !matches!(source, LockedSource::Path(_)) {
                return Err(bad(format!("locked package `{name}` has no `digest`"), span));
            }
            let dependencies = table
                .get("dependencies")
                .and_then(|d| d.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            packages.push(LockedPackage { name, version, source, digest, signed_by: field("signed-by"), dependencies });
        }
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Lockfile { packages })
    }

    /// The package locked under `name`.
    pub fn get(&self, name: &str) -> Option<&LockedPackage> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// The file's text: stable order and formatting, so an unchanged resolution writes the same bytes.
    pub fn to_text(&self) -> String {
        let mut out = String::from("# Written by `tenet fetch`: exact versions and digests. Do not edit by hand.\n");
        out.push_str(&format!("version = {FORMAT}\n"));
        let mut packages: Vec<&LockedPackage> = self.packages.iter().collect();
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        for p in packages {
            out.push_str("\n[[package]]\n");
            out.push_str(&format!("name = {}\n", quote(&p.name)));
            out.push_str(&format!("version = {}\n", quote(&p.version.to_string())));
            out.push_str(&format!("source = {}\n", quote(&p.source.to_string())));
            if let Some(d) = &p.digest {
                out.push_str(&format!("digest = {}\n", quote(d)));
            }
            if let Some(k) = &p.signed_by {
                out.push_str(&format!("signed-by = {}\n", quote(k)));
            }
            if !p.dependencies.is_empty() {
                let mut deps = p.dependencies.clone();
                deps.sort();
                let list: Vec<String> = deps.iter().map(|d| quote(d)).collect();
                out.push_str(&format!("dependencies = [{}]\n", list.join(", ")));
            }
        }
        out
    }

    /// Writes `dir/tenet.lock` atomically (a temporary file renamed over the old one).
    pub fn write(&self, dir: &Path) -> Result<(), PkgError> {
        crate::fsutil::write_atomic(&dir.join(LOCK_FILE), self.to_text().as_bytes())
    }
}

/// Whether `text` is `sha256:` and 64 lowercase hex digits.
pub fn valid_digest(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml_edit::Value::from(text).to_string().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lockfile {
        Lockfile {
            packages: vec![
                LockedPackage {
                    name: "shared".into(),
                    version: Version::new(0, 3, 0),
                    source: LockedSource::Path(PathBuf::from("../shared")),
                    digest: None,
                    signed_by: None,
                    dependencies: vec![],
                },
                LockedPackage {
                    name: "gdpr-pack".into(),
                    version: Version::new(1, 1, 0),
                    source: LockedSource::Registry(RegistryRef::parse("127.0.0.1:5000/tenet/gdpr-pack").unwrap()),
                    digest: Some(format!("sha256:{}", "a".repeat(64))),
                    signed_by: Some("ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into()),
                    dependencies: vec!["shared".into()],
                },
                LockedPackage {
                    name: "industry".into(),
                    version: Version::new(2, 0, 0),
                    source: LockedSource::Git {
                        url: "file:///tmp/repo.git".into(),
                        pin: GitPin::Tag("v2.0.0".into()),
                        commit: "0123456789abcdef0123456789abcdef01234567".into(),
                    },
                    digest: Some(format!("sha256:{}", "b".repeat(64))),
                    signed_by: None,
                    dependencies: vec![],
                },
            ],
        }
    }

    #[test]
    fn round_trips_in_name_order() {
        let lock = sample();
        let text = lock.to_text();
        let parsed = Lockfile::parse(Path::new("tenet.lock"), &text).unwrap();
        let names: Vec<_> = parsed.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["gdpr-pack", "industry", "shared"]);
        assert_eq!(parsed.to_text(), text);
        assert_eq!(parsed.get("industry"), lock.get("industry"));
        assert!(
            text.contains("source = \"git+file:///tmp/repo.git?tag=v2.0.0#0123456789abcdef0123456789abcdef01234567\"")
        );
    }

    #[test]
    fn malformed_lock_files_are_errors() {
        for text in [
            "version = 2\n",
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+127.0.0.1:5000/a\"\n",
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"ftp+x\"\n",
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = \"path+../a\"\n",
            "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+127.0.0.1:5000/a\"\ndigest = \"md5:x\"\n",
        ] {
            let e = Lockfile::parse(Path::new("tenet.lock"), text).unwrap_err();
            assert_eq!(e.code(), codes::LOCK, "{text}");
        }
    }
}
