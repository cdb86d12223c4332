//! `tenet.toml`: what a package is, what it depends on, and how a project uses it.
//!
//! Parsing keeps every span, so each unknown key or bad value is reported at its place in the
//! file with a code and help; all problems of one file are reported together.

use crate::error::{PkgError, codes};
use crate::glob;
use miette::NamedSource;
use semver::{Version, VersionReq};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml_edit::{Item, TableLike, Value};

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
    /// Where it comes from.
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

/// The `[trust]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Refuse packages that no trusted key signed.
    pub require_signatures: bool,
    /// Trusted public keys.
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
        let file = if path.is_dir() { path.join(MANIFEST_FILE) } else { path.to_path_buf() };
        let text = std::fs::read_to_string(&file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                PkgError::new(codes::NO_MANIFEST, format!("no `{MANIFEST_FILE}` in `{}`", dir_of(&file).display()))
                    .with_help("create one with `tenet new NAME`, or run the command in the package's directory")
            } else {
                PkgError::io(&file, &e)
            }
        })?;
        Manifest::parse(&file, &text)
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

const TOP_KEYS: &[&str] = &["package", "dependencies", "params", "inputs", "samples", "trust"];
const PACKAGE_KEYS: &[&str] = &["name", "version", "description", "license", "authors"];
const DEPENDENCY_KEYS: &[&str] = &["registry", "path", "git", "tag", "rev", "version"];
const SAMPLES_KEYS: &[&str] = &["files"];
const TRUST_KEYS: &[&str] = &["require_signatures", "keys"];

/// Walks the parsed TOML, collecting every problem.
struct Reader {
    source: Arc<NamedSource<String>>,
    errors: Vec<PkgError>,
}

impl Reader {
    fn error(&mut self, code: &'static str, message: String, span: Range<usize>, label: &str, help: Option<String>) {
        let mut e = PkgError::new(code, message).at(&self.source, span, label);
        if let Some(h) = help {
            e = e.with_help(h);
        }
        self.errors.push(e);
    }

    fn key_span(table: &dyn TableLike, key: &str, item: &Item) -> Range<usize> {
        table.key(key).and_then(|k| k.span()).or_else(|| item.span()).unwrap_or(0..0)
    }

    fn value_span(item: &Item) -> Range<usize> {
        item.span().unwrap_or(0..0)
    }

    /// Reports keys of `table` not in `known`, with a did-you-mean.
    fn check_keys(&mut self, table: &dyn TableLike, known: &[&str], what: &str) {
        for (key, item) in table.iter() {
            if known.contains(&key) {
                continue;
            }
            let span = Self::key_span(table, key, item);
            let suggestion = known
                .iter()
                .map(|k| (strsim::jaro_winkler(k, key), *k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| k);
            let help = match suggestion {
                Some(k) => format!("did you mean `{k}`?"),
                None => {
                    format!("{what} takes {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                }
            };
            self.error(codes::UNKNOWN_KEY, format!("unknown key `{key}` in {what}"), span, "unknown key", Some(help));
        }
    }

    fn table<'a>(&mut self, item: &'a Item, span: Range<usize>, what: &str) -> Option<&'a dyn TableLike> {
        let table = item.as_table_like();
        if table.is_none() {
            self.error(
                codes::BAD_VALUE,
                format!("{what} must be a table, not {}", describe(item)),
                span,
                "expected a table",
                None,
            );
        }
        table
    }

    fn string<'a>(&mut self, item: &'a Item, what: &str) -> Option<&'a str> {
        let s = item.as_str();
        if s.is_none() {
            self.error(
                codes::BAD_VALUE,
                format!("{what} must be a string, not {}", describe(item)),
                Self::value_span(item),
                "expected a string",
                None,
            );
        }
        s
    }

    fn manifest(&mut self, path: &Path, root: &toml_edit::Table) -> Option<Manifest> {
        self.check_keys(root, TOP_KEYS, "the manifest");
        let package = match root.get("package") {
            Some(item) => {
                let span = Self::key_span(root, "package", item);
                self.table(item, span.clone(), "`[package]`").and_then(|t| self.package(t, span))
            }
            None => {
                self.error(
                    codes::MISSING_KEY,
                    "the manifest has no `[package]` table".into(),
                    0..0,
                    "expected `[package]`",
                    Some("start the file with `[package]`, `name = \"…\"` and `version = \"0.1.0\"`".into()),
                );
                None
            }
        };
        let dependencies = self.section(root, "dependencies", Self::dependencies);
        let params = self.section(root, "params", |r, t| {
            let mut out = Vec::new();
            r.params(t, "", &mut out);
            out
        });
        let inputs = self.section(root, "inputs", Self::inputs);
        let samples = self.section(root, "samples", Self::samples);
        let trust = self.section(root, "trust", Self::trust);
        Some(Manifest { path: path.to_path_buf(), package: package?, dependencies, params, inputs, samples, trust })
    }

    fn section<T: Default>(
        &mut self,
        root: &toml_edit::Table,
        key: &str,
        read: impl FnOnce(&mut Self, &dyn TableLike) -> T,
    ) -> T {
        let Some(item) = root.get(key) else { return T::default() };
        let span = Self::key_span(root, key, item);
        match self.table(item, span, &format!("`[{key}]`")) {
            Some(t) => read(self, t),
            None => T::default(),
        }
    }

    fn package(&mut self, table: &dyn TableLike, header: Range<usize>) -> Option<PackageInfo> {
        self.check_keys(table, PACKAGE_KEYS, "`[package]`");
        let name = match table.get("name") {
            Some(item) => self.string(item, "`name`").and_then(|name| {
                if valid_package_name(name) {
                    Some(name.to_string())
                } else {
                    self.error(
                        codes::BAD_VALUE,
                        format!("`{name}` is not a valid package name"),
                        Self::value_span(item),
                        "invalid name",
                        Some("use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit (at most 64)".into()),
                    );
                    None
                }
            }),
            None => {
                self.error(
                    codes::MISSING_KEY,
                    "`[package]` has no `name`".into(),
                    header.clone(),
                    "this table needs `name`",
                    Some("add `name = \"my-policies\"`".into()),
                );
                None
            }
        };
        let version = match table.get("version") {
            Some(item) => self.string(item, "`version`").and_then(|text| match Version::parse(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(
                        codes::BAD_VALUE,
                        format!("`{text}` is not a semantic version: {e}"),
                        Self::value_span(item),
                        "invalid version",
                        Some("write MAJOR.MINOR.PATCH, such as `1.2.0`".into()),
                    );
                    None
                }
            }),
            None => {
                self.error(
                    codes::MISSING_KEY,
                    "`[package]` has no `version`".into(),
                    header,
                    "this table needs `version`",
                    Some("add `version = \"0.1.0\"`".into()),
                );
                None
            }
        };
        let description = table.get("description").and_then(|i| self.string(i, "`description`")).map(String::from);
        let license = table.get("license").and_then(|i| self.string(i, "`license`")).map(String::from);
        let authors = match table.get("authors") {
            Some(item) => self.string_array(item, "`authors`").into_iter().map(|(s, _)| s).collect(),
            None => Vec::new(),
        };
        Some(PackageInfo { name: name?, version: version?, description, license, authors })
    }

    fn string_array(&mut self, item: &Item, what: &str) -> Vec<(String, Range<usize>)> {
        let Some(array) = item.as_array() else {
            self.error(
                codes::BAD_VALUE,
                format!("{what} must be an array of strings, not {}", describe(item)),
                Self::value_span(item),
                "expected an array",
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for value in array.iter() {
            let span = value.span().unwrap_or(0..0);
            match value.as_str() {
                Some(s) => out.push((s.to_string(), span)),
                None => self.error(
                    codes::BAD_VALUE,
                    format!("{what} must hold strings, not {}", value.type_name()),
                    span,
                    "expected a string",
                    None,
                ),
            }
        }
        out
    }

    fn dependencies(&mut self, table: &dyn TableLike) -> Vec<Dependency> {
        let mut out = Vec::new();
        for (name, item) in table.iter() {
            let span = Self::key_span(table, name, item);
            if !valid_package_name(name) {
                self.error(
                    codes::BAD_VALUE,
                    format!("`{name}` is not a valid package name"),
                    span.clone(),
                    "invalid name",
                    Some("use lowercase letters, digits, `-`, `_` and `.`".into()),
                );
                continue;
            }
            if let Some(req) = item.as_str() {
                self.error(
                    codes::BAD_VALUE,
                    format!("dependency `{name}` needs a source"),
                    Self::value_span(item),
                    "only a version",
                    Some(format!(
                        "write `{name} = {{ registry = \"HOST:PORT/REPOSITORY\", version = \"{req}\" }}`, or use `path` or `git`"
                    )),
                );
                continue;
            }
            let Some(entry) = self.table(item, span.clone(), &format!("dependency `{name}`")) else { continue };
            if let Some(dep) = self.dependency(name, entry, span) {
                out.push(dep);
            }
        }
        out
    }

    fn dependency(&mut self, name: &str, entry: &dyn TableLike, span: Range<usize>) -> Option<Dependency> {
        self.check_keys(entry, DEPENDENCY_KEYS, &format!("dependency `{name}`"));
        let version = match entry.get("version") {
            Some(item) => {
                let text = self.string(item, "`version`")?;
                match VersionReq::parse(text) {
                    Ok(req) => Some(req),
                    Err(e) => {
                        self.error(
                            codes::BAD_VALUE,
                            format!("`{text}` is not a version requirement: {e}"),
                            Self::value_span(item),
                            "invalid requirement",
                            Some(
                                "write a semver requirement such as `^1.0`, `~1.2.3`, `>=1.0, <2.0` or `=1.2.0`".into(),
                            ),
                        );
                        return None;
                    }
                }
            }
            None => None,
        };
        let sources: Vec<&str> = ["registry", "path", "git"].into_iter().filter(|k| entry.contains_key(k)).collect();
        let help_sources = format!(
            "give exactly one of `registry = \"HOST:PORT/REPOSITORY\"`, `path = \"../dir\"` or `git = \"URL\"` for `{name}`"
        );
        let source = match sources.as_slice() {
            [] => {
                self.error(
                    codes::MISSING_KEY,
                    format!("dependency `{name}` has no source"),
                    span.clone(),
                    "no `registry`, `path` or `git`",
                    Some(help_sources),
                );
                return None;
            }
            ["registry"] => {
                let item = entry.get("registry")?;
                let text = self.string(item, "`registry`")?;
                match RegistryRef::parse(text) {
                    Ok(r) => {
                        if version.is_none() {
                            self.error(
                                codes::MISSING_KEY,
                                format!("registry dependency `{name}` has no `version`"),
                                span.clone(),
                                "needs a version requirement",
                                Some(format!("add `version = \"^1.0\"` (or the requirement you need) to `{name}`")),
                            );
                            return None;
                        }
                        DepSource::Registry(r)
                    }
                    Err(why) => {
                        self.error(
                            codes::BAD_VALUE,
                            format!("`{text}` is not a registry reference"),
                            Self::value_span(item),
                            "invalid reference",
                            Some(why),
                        );
                        return None;
                    }
                }
            }
            ["path"] => {
                let item = entry.get("path")?;
                let text = self.string(item, "`path`")?;
                if text.is_empty() {
                    self.error(codes::BAD_VALUE, "`path` is empty".into(), Self::value_span(item), "empty path", None);
                    return None;
                }
                DepSource::Path(PathBuf::from(text))
            }
            ["git"] => {
                let item = entry.get("git")?;
                let url = self.string(item, "`git`")?.to_string();
                if url.is_empty() || url.starts_with('-') {
                    self.error(
                        codes::BAD_VALUE,
                        format!("`{url}` is not a git URL"),
                        Self::value_span(item),
                        "invalid URL",
                        None,
                    );
                    return None;
                }
                let pin = match (entry.get("tag"), entry.get("rev")) {
                    (Some(tag), None) => GitPin::Tag(self.pin_text(tag, "`tag`")?),
                    (None, Some(rev)) => {
                        let rev_text = self.pin_text(rev, "`rev`")?;
                        if rev_text.len() < 7 || !rev_text.chars().all(|c| c.is_ascii_hexdigit()) {
                            self.error(
                                codes::BAD_VALUE,
                                format!("`{rev_text}` is not a commit id"),
                                Self::value_span(rev),
                                "expected a commit sha",
                                Some("write the commit's hexadecimal id (at least 7 digits), or use `tag`".into()),
                            );
                            return None;
                        }
                        GitPin::Rev(rev_text)
                    }
                    (Some(_), Some(rev)) => {
                        self.error(
                            codes::BAD_VALUE,
                            format!("dependency `{name}` has both `tag` and `rev`"),
                            Self::value_span(rev),
                            "one too many",
                            Some("pin a git dependency with either a tag or a commit".into()),
                        );
                        return None;
                    }
                    (None, None) => {
                        self.error(
                            codes::MISSING_KEY,
                            format!("git dependency `{name}` is not pinned"),
                            span.clone(),
                            "needs `tag` or `rev`",
                            Some(format!("add `tag = \"v1.0.0\"` or `rev = \"<commit sha>\"` to `{name}`")),
                        );
                        return None;
                    }
                };
                DepSource::Git { url, pin }
            }
            _ => {
                self.error(
                    codes::BAD_VALUE,
                    format!("dependency `{name}` has more than one source"),
                    span.clone(),
                    "several sources",
                    Some(help_sources),
                );
                return None;
            }
        };
        if !matches!(source, DepSource::Git { .. }) {
            for key in ["tag", "rev"] {
                if let Some(item) = entry.get(key) {
                    self.error(
                        codes::BAD_VALUE,
                        format!("`{key}` only applies to git dependencies"),
                        Self::value_span(item),
                        "not a git dependency",
                        Some(format!("remove `{key}` from `{name}`")),
                    );
                }
            }
        }
        Some(Dependency { name: name.to_string(), source, version, span })
    }

    fn pin_text(&mut self, item: &Item, what: &str) -> Option<String> {
        let text = self.string(item, what)?;
        if text.is_empty() || text.starts_with('-') || text.contains(char::is_whitespace) {
            self.error(
                codes::BAD_VALUE,
                format!("`{text}` is not a valid {what}"),
                Self::value_span(item),
                "invalid",
                None,
            );
            return None;
        }
        Some(text.to_string())
    }

    fn params(&mut self, table: &dyn TableLike, prefix: &str, out: &mut Vec<Param>) {
        for (key, item) in table.iter() {
            let name = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
            let key_span = Self::key_span(table, key, item);
            // Unquoted dotted keys (`std.privacy.x = 1`) arrive as nested tables.
            if let Some(inner) = item.as_table_like() {
                self.params(inner, &name, out);
                continue;
            }
            let segments: Vec<&str> = name.split('.').collect();
            let valid_segment = |s: &&str| {
                s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            };
            if segments.len() < 2 || !segments.iter().all(valid_segment) {
                self.error(
                    codes::BAD_VALUE,
                    format!("`{name}` is not a qualified parameter name"),
                    key_span,
                    "expected `package.name`",
                    Some("name the parameter with its package, such as `\"std.privacy.max_breach_notice\"`".into()),
                );
                continue;
            }
            let span = Self::value_span(item);
            let literal = match item.as_value() {
                Some(Value::String(s)) => Some(s.value().trim().to_string()),
                Some(Value::Integer(_) | Value::Float(_)) => {
                    self.source.inner().get(span.clone()).map(|t| t.trim().replace('_', ""))
                }
                Some(Value::Boolean(b)) => Some(b.value().to_string()),
                Some(Value::Datetime(d)) if d.value().date.is_some() && d.value().time.is_none() => {
                    Some(d.value().to_string())
                }
                _ => None,
            };
            match literal {
                Some(literal) if !literal.is_empty() => out.push(Param { name, literal, span, key_span }),
                _ => self.error(
                    codes::BAD_VALUE,
                    format!("parameter `{name}` must be a Tenet literal, not {}", describe(item)),
                    span,
                    "not a literal",
                    Some("write a string holding a Tenet literal (`\"24h\"`, `\"2%\"`), a number, `true`/`false` or a date".into()),
                ),
            }
        }
    }

    fn inputs(&mut self, table: &dyn TableLike) -> Vec<InputGlob> {
        let mut out = Vec::new();
        for (pattern, item) in table.iter() {
            let span = Self::key_span(table, pattern, item);
            if let Err(why) = glob::validate(pattern) {
                self.error(
                    codes::BAD_VALUE,
                    format!("`{pattern}` is not a valid glob"),
                    span,
                    "invalid glob",
                    Some(why),
                );
                continue;
            }
            let Some(kind) = self.string(item, &format!("the kind for `{pattern}`")) else { continue };
            let valid_kind = kind.starts_with(|c: char| c.is_ascii_alphabetic())
                && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_kind {
                self.error(
                    codes::BAD_VALUE,
                    format!("`{kind}` is not a document kind"),
                    Self::value_span(item),
                    "expected a schema name",
                    Some("name the schema documents matching the glob are checked against, such as `Contract`".into()),
                );
                continue;
            }
            out.push(InputGlob { pattern: pattern.to_string(), kind: kind.to_string(), span });
        }
        out
    }

    fn samples(&mut self, table: &dyn TableLike) -> Vec<SampleGlob> {
        self.check_keys(table, SAMPLES_KEYS, "`[samples]`");
        let Some(item) = table.get("files") else { return Vec::new() };
        let mut out = Vec::new();
        for (pattern, span) in self.string_array(item, "`files`") {
            match glob::validate(&pattern) {
                Ok(()) => out.push(SampleGlob { pattern, span }),
                Err(why) => self.error(
                    codes::BAD_VALUE,
                    format!("`{pattern}` is not a valid glob"),
                    span,
                    "invalid glob",
                    Some(why),
                ),
            }
        }
        out
    }

    fn trust(&mut self, table: &dyn TableLike) -> Trust {
        self.check_keys(table, TRUST_KEYS, "`[trust]`");
        let require_signatures = match table.get("require_signatures") {
            Some(item) => match item.as_bool() {
                Some(b) => b,
                None => {
                    self.error(
                        codes::BAD_VALUE,
                        format!("`require_signatures` must be `true` or `false`, not {}", describe(item)),
                        Self::value_span(item),
                        "expected a boolean",
                        None,
                    );
                    false
                }
            },
            None => false,
        };
        let mut keys = Vec::new();
        if let Some(item) = table.get("keys") {
            for (text, span) in self.string_array(item, "`keys`") {
                match parse_public_key(&text) {
                    Ok(bytes) => keys.push(TrustedKey { text, bytes, span }),
                    Err(why) => self.error(
                        codes::BAD_VALUE,
                        format!("`{text}` is not an ed25519 public key"),
                        span,
                        "invalid key",
                        Some(format!("{why}; `tenet keygen` prints a public key in this form")),
                    ),
                }
            }
        }
        if require_signatures && keys.is_empty() {
            let span = table.get("require_signatures").map(Self::value_span).unwrap_or(0..0);
            self.error(
                codes::MISSING_KEY,
                "signatures are required but no key is trusted".into(),
                span,
                "nothing could satisfy this",
                Some("list the publishers' public keys in `keys = [\"ed25519:…\"]`".into()),
            );
        }
        Trust { require_signatures, keys }
    }
}

/// A value's kind in messages: `a string`, `a table`, …
fn describe(item: &Item) -> String {
    match item {
        Item::None => "nothing".into(),
        Item::Table(_) | Item::Value(Value::InlineTable(_)) => "a table".into(),
        Item::ArrayOfTables(_) => "an array of tables".into(),
        Item::Value(v) => match v {
            Value::String(_) => "a string".into(),
            Value::Integer(_) => "an integer".into(),
            Value::Float(_) => "a float".into(),
            Value::Boolean(_) => "a boolean".into(),
            Value::Datetime(_) => "a date-time".into(),
            Value::Array(_) => "an array".into(),
            Value::InlineTable(_) => "a table".into(),
        },
    }
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
