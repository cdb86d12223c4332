//! `tenet.toml`: what a package is, what it depends on, and how a project uses it.
//!
//! Parsing keeps every span, so each unknown key or bad value is reported at its place in the
//! file with a code and help; all problems of one file are reported together.

mod reader;

use crate::error::{PkgError, codes};
use crate::glob;
use miette::NamedSource;
use reader::Reader;
use semver::{Version, VersionReq};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The manifest's file name.
pub const MANIFEST_FILE: &str = "tenet.toml";

/// A parsed `tenet.toml`.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[package]`.
    pub package: PackageInfo,
    /// `[dependencies]`, in file order.
    pub dependencies: Vec<Dependency>,
    /// `[params]`: overrides of library parameters, in file order.
    pub params: Vec<Param>,
    /// `[inputs]`: globs mapped to document kinds, in file order.
    pub inputs: Vec<InputGlob>,
    /// `[samples] files`: globs of sample documents for the editor.
    pub samples: Vec<SampleGlob>,
    /// `[trust]`.
    pub trust: Trust,
    /// `[gate]`: when `tenet eval` in the project fails.
    pub gate: Gate,
    /// `[waivers]`: what the project's waivers may do.
    pub waivers: WaiverRules,
    /// `[registries]`: how to reach registries (only the root project's counts).
    pub registries: Registries,
}

/// The severities a gate names, lowest first, and `none` (never fail).
pub const GATE_LEVELS: &[&str] = &["info", "low", "medium", "high", "critical", "none"];

/// The `[gate]` table; each key left out keeps the command line's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    /// `fail_on`: a violated finding of this severity or higher fails the run (one of
    /// [`GATE_LEVELS`]).
    pub fail_on: Option<String>,
    /// `fail_on_undetermined`: an undetermined finding of this severity or higher fails the
    /// run (one of [`GATE_LEVELS`]).
    pub fail_on_undetermined: Option<String>,
    /// `strict`: a document field its schema does not declare is an error, not a warning.
    pub strict: Option<bool>,
}

/// The `[waivers]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaiverRules {
    /// `max_days`: the longest a waiver may last, counted from the evaluation date.
    pub max_days: Option<u32>,
    /// `allow_critical`: whether an obligation of critical severity may be waived at all
    /// (default: yes).
    pub allow_critical: Option<bool>,
}

/// The `[package]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageInfo {
    /// `name`: lowercase letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// `version`, a semantic version.
    pub version: Version,
    /// `description`.
    pub description: Option<String>,
    /// `license`, an SPDX expression (not checked).
    pub license: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
}

/// One entry of `[dependencies]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The package name (the key).
    pub name: String,
    pub source: DepSource,
    /// `version`: required for registry dependencies, optional (and checked) for the others.
    pub version: Option<VersionReq>,
    /// The span of the entry's key in the manifest.
    pub span: Range<usize>,
}

/// Where a dependency comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepSource {
    /// An OCI registry repository; the tags are the versions.
    Registry(RegistryRef),
    /// A directory, relative to the manifest's directory unless absolute.
    Path(PathBuf),
    /// A git repository at a tag or commit.
    Git {
        /// The repository URL (anything `git clone` accepts).
        url: String,
        /// The tag or commit.
        pin: GitPin,
    },
}

/// A git tag or commit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GitPin {
    /// `tag = "v1.0.0"`.
    Tag(String),
    /// `rev = "<commit sha>"`.
    Rev(String),
}

impl fmt::Display for GitPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitPin::Tag(t) => write!(f, "tag={t}"),
            GitPin::Rev(r) => write!(f, "rev={r}"),
        }
    }
}

/// An OCI repository: `HOST[:PORT]/PATH`, optionally prefixed with `http://` or `https://`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryRef {
    /// Whether to use plain HTTP (explicit `http://`, or a loopback host without a scheme).
    pub plain_http: bool,
    /// `host[:port]`.
    pub host: String,
    /// The repository path, such as `tenet/gdpr-pack`.
    pub repository: String,
}

impl RegistryRef {
    /// Parses `HOST[:PORT]/REPO`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<RegistryRef, String> {
        let (explicit, rest) = if let Some(rest) = text.strip_prefix("http://") {
            (Some(true), rest)
        } else if let Some(rest) = text.strip_prefix("https://") {
            (Some(false), rest)
        } else {
            (None, text)
        };
        let Some((host, repository)) = rest.split_once('/') else {
            return Err("a registry reference is `HOST[:PORT]/REPOSITORY`".into());
        };
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '@') {
            return Err(format!("`{host}` is not a registry host"));
        }
        let valid_component = |c: &str| {
            !c.is_empty()
                && c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
                && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        };
        if !repository.split('/').all(valid_component) {
            return Err(format!(
                "`{repository}` is not a repository path: use lowercase letters, digits, `.`, `_`, `-` and `/`"
            ));
        }
        let hostname = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let loopback = hostname == "localhost" || hostname.starts_with("127.") || hostname == "[::1]";
        Ok(RegistryRef {
            plain_http: explicit.unwrap_or(loopback),
            host: host.to_string(),
            repository: repository.to_string(),
        })
    }

    /// The base URL of the registry's API (`http://host/v2/`).
    pub fn api_base(&self) -> String {
        format!("{}://{}/v2/", if self.plain_http { "http" } else { "https" }, self.host)
    }
}

impl fmt::Display for RegistryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hostname = self.host.rsplit_once(':').map_or(self.host.as_str(), |(h, _)| h);
        let loopback = hostname == "localhost" || hostname.starts_with("127.") || hostname == "[::1]";
        if self.plain_http != loopback {
            f.write_str(if self.plain_http { "http://" } else { "https://" })?;
        }
        write!(f, "{}/{}", self.host, self.repository)
    }
}

/// One entry of `[params]`: a library parameter's qualified name and the Tenet literal to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The qualified name, such as `std.privacy.max_breach_notice`.
    pub name: String,
    /// The value as Tenet literal text: a TOML string's contents (`24h`, `2%`, `"text"`), a
    /// number as written, `true`/`false`, or a TOML date as `YYYY-MM-DD`.
    pub literal: String,
    /// The span of the value in the manifest.
    pub span: Range<usize>,
    /// The span of the key in the manifest.
    pub key_span: Range<usize>,
}

/// One entry of `[inputs]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputGlob {
    /// A glob relative to the project directory (`*`, `**`, `?`, `[abc]`).
    pub pattern: String,
    /// The document kind, such as `Contract`.
    pub kind: String,
    /// The span of the key (the glob) in the manifest.
    pub span: Range<usize>,
}

/// One glob of `[samples] files`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleGlob {
    /// A glob relative to the project directory.
    pub pattern: String,
    /// Its span in the manifest.
    pub span: Range<usize>,
}

/// The `[registries]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registries {
    /// `ca-files`: PEM files of CA certificates trusted for registries besides the default
    /// roots, as written (relative to the manifest's directory unless absolute).
    pub ca_files: Vec<PathBuf>,
}

impl Registries {
    /// The CA files as paths usable from anywhere, for a manifest in `dir`.
    pub fn ca_files_in(&self, dir: &Path) -> Vec<PathBuf> {
        self.ca_files.iter().map(|f| dir.join(f)).collect()
    }
}

/// The `[trust]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Refuse packages that no trusted key signed.
    pub require_signatures: bool,
    pub keys: Vec<TrustedKey>,
}

/// A trusted ed25519 public key, written `ed25519:<base64>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    /// The key as written.
    pub text: String,
    /// The 32 key bytes.
    pub bytes: [u8; 32],
    /// Its span in the manifest.
    pub span: Range<usize>,
}

/// Parses `ed25519:<base64 of 32 bytes>` into the key bytes.
pub fn parse_public_key(text: &str) -> Result<[u8; 32], String> {
    use base64::Engine as _;
    let Some(encoded) = text.strip_prefix("ed25519:") else {
        return Err("a public key is written `ed25519:<base64>`".into());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| "the key is not valid base64".to_string())?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("an ed25519 key has 32 bytes, this one has {}", bytes.len()))
}

impl Manifest {
    /// Reads and parses `dir/tenet.toml` (or the file itself when `path` is a file).
    pub fn load(path: &Path) -> Result<Manifest, PkgError> {
        Manifest::load_with_text(path).map(|(manifest, _)| manifest)
    }

    /// As [`Manifest::load`], also giving the text read, into which the manifest's spans point.
    pub fn load_with_text(path: &Path) -> Result<(Manifest, String), PkgError> {
        let file = if path.is_dir() { path.join(MANIFEST_FILE) } else { path.to_path_buf() };
        let text = std::fs::read_to_string(&file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                PkgError::new(codes::NO_MANIFEST, format!("no `{MANIFEST_FILE}` in `{}`", dir_of(&file).display()))
                    .with_help("create one with `tenet new NAME`, or run the command in the package's directory")
            } else {
                PkgError::io(&file, &e)
            }
        })?;
        Manifest::parse(&file, &text).map(|manifest| (manifest, text))
    }

    /// Parses manifest text; `path` names the file in errors and anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, PkgError> {
        let source = Arc::new(NamedSource::new(path.display().to_string(), text.to_string()));
        let document = toml_edit::Document::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().lines().next().unwrap_or("").to_string();
            PkgError::new(codes::TOML, format!("`{}` is not valid toml: {message}", path.display()))
                .at(&source, span, "here")
        })?;
        let mut reader = Reader { source: Arc::clone(&source), errors: Vec::new() };
        let manifest = reader.manifest(path, document.as_table());
        reader.errors.sort_by_key(|e| e.offset());
        let mut errors = reader.errors.into_iter();
        match (manifest, errors.next()) {
            (Some(m), None) => Ok(m),
            (_, Some(first)) => Err(first.with_related(errors.collect())),
            (None, None) => {
                Err(PkgError::new(codes::BAD_VALUE, format!("`{}` is not a valid manifest", path.display())))
            }
        }
    }

    /// The directory holding the manifest.
    pub fn dir(&self) -> &Path {
        dir_of(&self.path)
    }

    /// The files under the package directory matching the `[samples]` globs, sorted.
    pub fn sample_files(&self) -> Vec<PathBuf> {
        let patterns: Vec<&str> = self.samples.iter().map(|s| s.pattern.as_str()).collect();
        glob::expand(self.dir(), &patterns)
    }

    /// The document kind `[inputs]` assigns to `relative` (a path relative to the project
    /// directory, `/`-separated): the first matching glob wins.
    pub fn input_kind(&self, relative: &str) -> Option<&str> {
        self.inputs.iter().find(|i| glob::matches(&i.pattern, relative)).map(|i| i.kind.as_str())
    }
}

fn dir_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether `name` is a valid package name.
pub fn valid_package_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
[package]
name = "northwind-policies"
version = "1.2.0"
description = "Northwind's obligations"
license = "Apache-2.0"
authors = ["Ethics Office <ethics@example.com>"]

[dependencies]
gdpr-pack = { registry = "127.0.0.1:5000/tenet/gdpr-pack", version = "^1.0" }
shared = { path = "../shared" }
industry = { git = "file:///tmp/repo.git", tag = "v1.0.0" }

[params]
"std.privacy.max_breach_notice" = "24h"
acme.limits.ratio = 0.8
"acme.audit.deadline" = 2027-03-31

[inputs]
"contracts/**/*.yaml" = "Contract"
"ai/**/*.yaml" = "AiSystem"

[samples]
files = ["samples/*.yaml"]

[trust]
require_signatures = true
keys = ["ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="]
"#;

    #[test]
    fn parses_every_section() {
        let m = Manifest::parse(Path::new("proj/tenet.toml"), FULL).unwrap();
        assert_eq!(m.package.name, "northwind-policies");
        assert_eq!(m.package.version, Version::new(1, 2, 0));
        assert_eq!(m.package.authors, vec!["Ethics Office <ethics@example.com>".to_string()]);
        assert_eq!(m.dir(), Path::new("proj"));
        let deps: Vec<_> = m.dependencies.iter().map(|d| (d.name.as_str(), &d.source)).collect();
        assert_eq!(
            deps,
            vec![
                (
                    "gdpr-pack",
                    &DepSource::Registry(RegistryRef {
                        plain_http: true,
                        host: "127.0.0.1:5000".into(),
                        repository: "tenet/gdpr-pack".into()
                    })
                ),
                ("shared", &DepSource::Path(PathBuf::from("../shared"))),
                ("industry", &DepSource::Git { url: "file:///tmp/repo.git".into(), pin: GitPin::Tag("v1.0.0".into()) }),
            ]
        );
        assert_eq!(m.dependencies[0].version, Some(VersionReq::parse("^1.0").unwrap()));
        let params: Vec<_> = m.params.iter().map(|p| (p.name.as_str(), p.literal.as_str())).collect();
        assert_eq!(
            params,
            vec![
                ("std.privacy.max_breach_notice", "24h"),
                ("acme.limits.ratio", "0.8"),
                ("acme.audit.deadline", "2027-03-31")
            ]
        );
        assert_eq!(&FULL[m.params[0].span.clone()], "\"24h\"");
        assert_eq!(&FULL[m.params[0].key_span.clone()], "\"std.privacy.max_breach_notice\"");
        assert_eq!(m.inputs[1].kind, "AiSystem");
        assert_eq!(m.input_kind("contracts/eu/a.yaml"), Some("Contract"));
        assert_eq!(m.input_kind("other.yaml"), None);
        assert_eq!(m.samples[0].pattern, "samples/*.yaml");
        assert!(m.trust.require_signatures);
        assert_eq!(m.trust.keys[0].bytes[31], 31);
    }

    #[test]
    fn minimal_manifest() {
        let m = Manifest::parse(Path::new("tenet.toml"), "[package]\nname = \"a\"\nversion = \"0.1.0\"\n").unwrap();
        assert!(m.dependencies.is_empty() && m.params.is_empty() && !m.trust.require_signatures);
        assert_eq!(m.dir(), Path::new("."));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = "[package]\nnam = \"a\"\nversion = \"1\"\n[dependencies]\nx = \"^1.0\"\n";
        let e = Manifest::parse(Path::new("tenet.toml"), text).unwrap_err();
        let codes: Vec<_> = e.all().map(|e| (e.code(), e.location().map(|l| (l.1, l.2)))).collect();
        assert_eq!(
            codes,
            vec![
                (codes::MISSING_KEY, Some((1, 2))),
                (codes::UNKNOWN_KEY, Some((2, 1))),
                (codes::BAD_VALUE, Some((3, 11))),
                (codes::BAD_VALUE, Some((5, 5))),
            ]
        );
        assert_eq!(e.related_errors()[0].help_text(), Some("did you mean `name`?"));
    }

    #[test]
    fn registry_references() {
        let r = RegistryRef::parse("registry.example.com/acme/gdpr").unwrap();
        assert!(!r.plain_http);
        assert_eq!(r.api_base(), "https://registry.example.com/v2/");
        assert_eq!(r.to_string(), "registry.example.com/acme/gdpr");
        let r = RegistryRef::parse("http://ci.internal:5000/p").unwrap();
        assert_eq!(r.to_string(), "http://ci.internal:5000/p");
        assert!(RegistryRef::parse("localhost:5000").is_err());
        assert!(RegistryRef::parse("localhost:5000/Upper").is_err());
    }
}
