//! Where registry credentials come from, in order: the environment (for CI), then Docker's
//! `config.json` (`credHelpers`, `auths`, `credsStore`), which `tenet login` writes the way
//! `docker login` does. A secret is never formatted into a message: [`Credential`]'s `Debug`
//! hides it, and errors name only the place the credentials came from.

use crate::error::{PkgError, codes};
use base64::Engine as _;
use std::fmt;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The user name for every registry (or only `TENET_REGISTRY_HOST`'s).
pub const ENV_USERNAME: &str = "TENET_REGISTRY_USERNAME";
/// The password or access token that goes with [`ENV_USERNAME`].
pub const ENV_PASSWORD: &str = "TENET_REGISTRY_PASSWORD";
/// When set, the environment's credentials are sent to this registry host only.
pub const ENV_HOST: &str = "TENET_REGISTRY_HOST";

/// A secret for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user name and a password (or a personal access token used as one).
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token service.
    IdentityToken(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => write!(f, "Basic({username}, <hidden>)"),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(<hidden>)"),
        }
    }
}

impl Credential {
    /// The `Authorization` header value for HTTP Basic, when this is a user and password.
    pub(crate) fn basic_header(&self) -> Option<String> {
        match self {
            Credential::Basic { username, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            )),
            Credential::IdentityToken(_) => None,
        }
    }
}

/// Where a credential was found, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// `TENET_REGISTRY_USERNAME` and `TENET_REGISTRY_PASSWORD`.
    Environment,
    /// An `auths` entry of Docker's `config.json` at this path.
    DockerConfig(PathBuf),
    /// The credential helper `docker-credential-NAME`.
    Helper(String),
    /// Given on the command line (`tenet login`).
    Given,
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Environment => write!(f, "`{ENV_USERNAME}` and `{ENV_PASSWORD}`"),
            CredentialSource::DockerConfig(path) => write!(f, "`{}`", path.display()),
            CredentialSource::Helper(name) => write!(f, "the credential helper `docker-credential-{name}`"),
            CredentialSource::Given => f.write_str("the command line"),
        }
    }
}

/// The directory of Docker's `config.json`: `$DOCKER_CONFIG`, else `~/.docker`.
pub fn docker_config_dir() -> Option<PathBuf> {
    std::env::var_os("DOCKER_CONFIG")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".docker")))
}

/// The key Docker uses for `host` in `config.json` and with credential helpers.
pub fn docker_key(host: &str) -> String {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "https://index.docker.io/v1/".to_string(),
        _ => host.to_string(),
    }
}

/// The credential for `host`, and where it came from; `None` when none is configured.
pub fn lookup(host: &str) -> Result<Option<(Credential, CredentialSource)>, PkgError> {
    if let Some(found) = from_environment(host)? {
        return Ok(Some((found, CredentialSource::Environment)));
    }
    from_docker_config(host)
}

fn from_environment(host: &str) -> Result<Option<Credential>, PkgError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(only) = var(ENV_HOST)
        && only != host
    {
        return Ok(None);
    }
    match (var(ENV_USERNAME), var(ENV_PASSWORD)) {
        (Some(username), Some(password)) => Ok(Some(Credential::Basic { username, password })),
        (None, None) => Ok(None),
        (Some(_), None) | (None, Some(_)) => {
            Err(PkgError::new(codes::AUTH, format!("only one of `{ENV_USERNAME}` and `{ENV_PASSWORD}` is set"))
                .with_help("set both (a registry token goes in the password), or neither"))
        }
    }
}

/// Which helper, if any, Docker's config names for `key`.
fn helper_for(config: &serde_json::Value, key: &str) -> Option<String> {
    let specific = config.pointer("/credHelpers").and_then(|h| h.get(key)).and_then(|n| n.as_str());
    specific.or_else(|| config.get("credsStore").and_then(|n| n.as_str())).map(str::to_string)
}

fn from_docker_config(host: &str) -> Result<Option<(Credential, CredentialSource)>, PkgError> {
    let Some(dir) = docker_config_dir() else { return Ok(None) };
    let path = dir.join("config.json");
    if !path.is_file() {
        return Ok(None);
    }
    let key = docker_key(host);
    // Read through the `docker_credential` crate, which knows Docker's rules for keys and
    // helpers; it reads `$DOCKER_CONFIG` or `~/.docker` like `docker_config_dir`.
    let config = read_config(&path)?;
    let specific_helper = config.pointer("/credHelpers").and_then(|h| h.get(&key)).is_some();
    let has_auth = config.pointer("/auths").and_then(|a| a.get(&key)).is_some()
        || config.pointer("/auths").and_then(|a| a.get(format!("https://{key}"))).is_some();
    let source = match helper_for(&config, &key) {
        Some(name) if specific_helper || !has_auth => CredentialSource::Helper(name),
        _ => CredentialSource::DockerConfig(path.clone()),
    };
    use docker_credential::CredentialRetrievalError as E;
    match docker_credential::get_credential(&key) {
        Ok(docker_credential::DockerCredential::UsernamePassword(username, password)) => {
            Ok(Some((Credential::Basic { username, password }, source)))
        }
        Ok(docker_credential::DockerCredential::IdentityToken(token)) => {
            Ok(Some((Credential::IdentityToken(token), source)))
        }
        Err(E::NoCredentialConfigured | E::ConfigNotFound) => Ok(None),
        // Docker's helpers answer "credentials not found" for a host they hold nothing for.
        Err(E::HelperFailure { stdout, .. }) if stdout.to_lowercase().contains("credentials not found") => Ok(None),
        Err(e) => {
            let why = match e {
                E::HelperCommunicationError => "the credential helper could not be run".to_string(),
                E::MalformedHelperResponse => "the credential helper's answer is not valid".to_string(),
                E::HelperFailure { helper, .. } => format!("`{helper}` failed"),
                E::CredentialDecodingError => "its `auth` entry is not base64 of `user:password`".to_string(),
                E::CredentialMismatchError => {
                    "its `auth` entry does not match its `username` and `password`".to_string()
                }
                _ => "it cannot be read".to_string(),
            };
            Err(PkgError::new(codes::AUTH, format!("cannot read the credentials for `{host}` from {source}: {why}"))
                .with_help(format!("run `tenet login {host}` again, or fix `{}`", path.display())))
        }
    }
}

fn read_config(path: &std::path::Path) -> Result<serde_json::Value, PkgError> {
    let text = std::fs::read_to_string(path).map_err(|e| PkgError::io(path, &e))?;
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        PkgError::new(codes::AUTH, format!("`{}` is not valid JSON: {e}", path.display()))
            .with_help("fix or remove the file; `tenet login` writes it like `docker login`")
    })?;
    if !value.is_object() {
        return Err(PkgError::new(codes::AUTH, format!("`{}` is not a JSON object", path.display())));
    }
    Ok(value)
}

/// Where `tenet login` put the credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// In `config.json` itself (`auths`), at this path.
    ConfigFile(PathBuf),
    /// With the credential helper `docker-credential-NAME`.
    Helper(String),
}

fn config_path() -> Result<PathBuf, PkgError> {
    docker_config_dir().map(|d| d.join("config.json")).ok_or_else(|| {
        PkgError::new(codes::AUTH, "cannot find Docker's configuration directory: `HOME` is not set")
            .with_help("set `DOCKER_CONFIG` to a directory for `config.json`")
    })
}

fn run_helper(name: &str, action: &str, input: &[u8]) -> Result<std::process::Output, PkgError> {
    let program = format!("docker-credential-{name}");
    let failed = |why: String| {
        PkgError::new(codes::AUTH, format!("cannot {action} credentials with `{program}`: {why}"))
            .with_help(format!("install `{program}`, or remove `credsStore`/`credHelpers` from Docker's `config.json`"))
    };
    let mut child = Command::new(&program)
        .arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(crate::error::io_reason(&e)))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).map_err(|e| failed(crate::error::io_reason(&e)))?;
    }
    child.wait_with_output().map_err(|e| failed(crate::error::io_reason(&e)))
}

/// Stores credentials for `host` the way `docker login` does: with the credential helper that
/// Docker's `config.json` names for it, else base64 in its `auths`.
pub fn store(host: &str, username: &str, password: &str) -> Result<Stored, PkgError> {
    let path = config_path()?;
    let mut config = if path.is_file() { read_config(&path)? } else { serde_json::json!({}) };
    let key = docker_key(host);
    if let Some(name) = helper_for(&config, &key) {
        let input = serde_json::json!({ "ServerURL": key, "Username": username, "Secret": password }).to_string();
        let output = run_helper(&name, "store", input.as_bytes())?;
        if !output.status.success() {
            return Err(PkgError::new(
                codes::AUTH,
                format!("`docker-credential-{name}` could not store the credentials for `{host}`"),
            )
            .with_help("check the helper (run it by hand with `list`), or remove it from Docker's `config.json`"));
        }
        // Docker records that the host has credentials, with an empty entry.
        if let Some(auths) = auths_mut(&mut config) {
            auths.insert(key, serde_json::json!({}));
        }
        write_config(&path, &config)?;
        return Ok(Stored::Helper(name));
    }
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    if let Some(auths) = auths_mut(&mut config) {
        auths.insert(key, serde_json::json!({ "auth": auth }));
    }
    write_config(&path, &config)?;
    Ok(Stored::ConfigFile(path))
}

/// Removes the credentials for `host` (from its helper and from `auths`); whether there were any.
pub fn erase(host: &str) -> Result<bool, PkgError> {
    let path = config_path()?;
    if !path.is_file() {
        return Ok(false);
    }
    let mut config = read_config(&path)?;
    let key = docker_key(host);
    let mut removed = false;
    if let Some(name) = helper_for(&config, &key) {
        let output = run_helper(&name, "erase", key.as_bytes())?;
        removed |= output.status.success();
    }
    if let Some(auths) = auths_mut(&mut config) {
        removed |= auths.remove(&key).is_some();
        removed |= auths.remove(&format!("https://{key}")).is_some();
    }
    write_config(&path, &config)?;
    Ok(removed)
}

fn auths_mut(config: &mut serde_json::Value) -> Option<&mut serde_json::Map<String, serde_json::Value>> {
    let object = config.as_object_mut()?;
    let auths = object.entry("auths").or_insert_with(|| serde_json::json!({}));
    if !auths.is_object() {
        *auths = serde_json::json!({});
    }
    auths.as_object_mut()
}

/// Writes `config.json` readable by its owner only (it may hold base64 passwords).
fn write_config(path: &std::path::Path, config: &serde_json::Value) -> Result<(), PkgError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
    }
    let text = serde_json::to_string_pretty(config)
        .map_err(|e| PkgError::new(codes::AUTH, format!("cannot write `{}`: {e}", path.display())))?;
    let temporary = path.with_extension("json.tenet-tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary).map_err(|e| PkgError::io(&temporary, &e))?;
    file.write_all(format!("{text}\n").as_bytes()).map_err(|e| PkgError::io(&temporary, &e))?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(|e| PkgError::io(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let basic = Credential::Basic { username: "ci".into(), password: "s3cret".into() };
        assert!(!format!("{basic:?}").contains("s3cret"));
        assert!(!format!("{:?}", Credential::IdentityToken("t0ken".into())).contains("t0ken"));
    }

    #[test]
    fn docker_hub_has_its_historic_key() {
        assert_eq!(docker_key("docker.io"), "https://index.docker.io/v1/");
        assert_eq!(docker_key("ghcr.io"), "ghcr.io");
    }
}
