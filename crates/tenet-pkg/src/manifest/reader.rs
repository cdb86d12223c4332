//! Reading a manifest's TOML tree: every key and value checked, every problem collected with
//! its span.

use super::{
    DepSource, Dependency, GATE_LEVELS, Gate, GitPin, InputGlob, Manifest, PackageInfo, Param, Registries, RegistryRef,
    SampleGlob, Trust, TrustedKey, WaiverRules, parse_public_key, valid_package_name,
};
use crate::error::{PkgError, codes};
use crate::glob;
use miette::NamedSource;
use semver::{Version, VersionReq};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml_edit::{Item, TableLike, Value};

const TOP_KEYS: &[&str] =
    &["package", "dependencies", "params", "inputs", "samples", "trust", "registries", "gate", "waivers"];
const GATE_KEYS: &[&str] = &["fail_on", "fail_on_undetermined", "strict"];
const WAIVERS_KEYS: &[&str] = &["max_days", "allow_critical"];
const PACKAGE_KEYS: &[&str] = &["name", "version", "description", "license", "authors"];
const DEPENDENCY_KEYS: &[&str] = &["registry", "path", "git", "tag", "rev", "version"];
const SAMPLES_KEYS: &[&str] = &["files"];
const TRUST_KEYS: &[&str] = &["require_signatures", "keys"];
const REGISTRIES_KEYS: &[&str] = &["ca-files"];

/// Walks the parsed TOML, collecting every problem.
pub(super) struct Reader {
    pub(super) source: Arc<NamedSource<String>>,
    pub(super) errors: Vec<PkgError>,
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

    pub(super) fn manifest(&mut self, path: &Path, root: &toml_edit::Table) -> Option<Manifest> {
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
        let gate = self.section(root, "gate", Self::gate);
        let waivers = self.section(root, "waivers", Self::waivers);
        let registries = self.section(root, "registries", Self::registries);
        Some(Manifest {
            path: path.to_path_buf(),
            package: package?,
            dependencies,
            params,
            inputs,
            samples,
            trust,
            gate,
            waivers,
            registries,
        })
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

    fn gate(&mut self, table: &dyn TableLike) -> Gate {
        self.check_keys(table, GATE_KEYS, "`[gate]`");
        let level = |r: &mut Self, key: &str| {
            let item = table.get(key)?;
            let text = r.string(item, &format!("`{key}`"))?;
            if GATE_LEVELS.contains(&text) {
                return Some(text.to_string());
            }
            r.error(
                codes::BAD_VALUE,
                format!("`{text}` is not a severity"),
                Self::value_span(item),
                "unknown severity",
                Some(format!(
                    "use one of {}",
                    GATE_LEVELS.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                )),
            );
            None
        };
        let fail_on = level(self, "fail_on");
        let fail_on_undetermined = level(self, "fail_on_undetermined");
        let strict = table.get("strict").and_then(|item| self.boolean(item, "strict"));
        Gate { fail_on, fail_on_undetermined, strict }
    }

    fn waivers(&mut self, table: &dyn TableLike) -> WaiverRules {
        self.check_keys(table, WAIVERS_KEYS, "`[waivers]`");
        let max_days = table.get("max_days").and_then(|item| match item.as_integer().map(u32::try_from) {
            Some(Ok(days)) if days > 0 => Some(days),
            _ => {
                self.error(
                    codes::BAD_VALUE,
                    format!("`max_days` must be a whole number of days above 0, not {}", describe(item)),
                    Self::value_span(item),
                    "expected a number of days",
                    Some("write, for example, `max_days = 180`".into()),
                );
                None
            }
        });
        let allow_critical = table.get("allow_critical").and_then(|item| self.boolean(item, "allow_critical"));
        WaiverRules { max_days, allow_critical }
    }

    fn boolean(&mut self, item: &Item, key: &str) -> Option<bool> {
        let b = item.as_bool();
        if b.is_none() {
            self.error(
                codes::BAD_VALUE,
                format!("`{key}` must be `true` or `false`, not {}", describe(item)),
                Self::value_span(item),
                "expected a boolean",
                None,
            );
        }
        b
    }

    fn registries(&mut self, table: &dyn TableLike) -> Registries {
        self.check_keys(table, REGISTRIES_KEYS, "`[registries]`");
        let Some(item) = table.get("ca-files") else { return Registries::default() };
        let ca_files = self.string_array(item, "`ca-files`").into_iter().map(|(text, _)| PathBuf::from(text)).collect();
        Registries { ca_files }
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
