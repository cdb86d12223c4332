//! HTTP for registries: TLS with Mozilla's roots (or `SSL_CERT_FILE`) plus private CAs, plain
//! HTTP only for loopback hosts or registries written `http://…`, redirects followed without
//! credentials when they leave the registry, bounded retries with backoff for 429 and 5xx, and
//! the authentication handshake of [`super::auth`].

use super::auth::{Access, Challenge, HostAuth, parse_challenge, parse_token_response};
use super::credentials::{self, Credential, CredentialSource};
use crate::error::{PkgError, codes};
use crate::manifest::RegistryRef;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use ureq::Body;
use ureq::http::{Method, Request, Response, Uri};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// How many times a request answered 429 or 5xx is sent again.
pub const MAX_RETRIES: u32 = 3;
/// How many redirects one request follows.
const MAX_REDIRECTS: u32 = 5;
/// The longest wait between two tries, whatever `Retry-After` says.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// How to reach registries: extra trusted certificates and the tag page size.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// PEM files of CA certificates trusted in addition to the default roots (`--ca-file`).
    pub ca_files: Vec<PathBuf>,
    /// Ask for tag lists in pages of this many tags (the registry's own page size otherwise).
    pub page_size: Option<u32>,
    /// How long to wait before the first retry (doubling after each); one second by default.
    pub backoff: Option<Duration>,
    /// Use this credential for every registry instead of looking one up (`tenet login`).
    pub credential: Option<Credential>,
    /// The longest one request may take, answer included ([`REQUEST_TIMEOUT`] by default); a
    /// registry that drips its answer slowly is cut off here.
    pub timeout: Option<Duration>,
}

/// The longest a registry may take to accept a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one request may take by default, from connecting to the last byte of the answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// One request to send.
pub(crate) struct Call<'a> {
    method: Method,
    url: String,
    access: Access,
    headers: Vec<(&'static str, String)>,
    body: Option<&'a [u8]>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(method: Method, url: String, access: Access) -> Call<'a> {
        Call { method, url, access, headers: Vec::new(), body: None }
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Call<'a> {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn body(mut self, body: &'a [u8]) -> Call<'a> {
        self.body = Some(body);
        self
    }
}

/// An HTTP agent with the authentication state of each registry host.
pub(crate) struct Transport {
    agent: ureq::Agent,
    hosts: Mutex<BTreeMap<String, HostAuth>>,
    backoff: Duration,
    given: Option<Credential>,
}

impl Transport {
    pub(crate) fn new(options: &ClientOptions) -> Result<Transport, PkgError> {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(options.timeout.unwrap_or(REQUEST_TIMEOUT)))
            .user_agent(concat!("tenet/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(root_certs(options)?).build())
            .build();
        Ok(Transport {
            agent: config.into(),
            hosts: Mutex::new(BTreeMap::new()),
            backoff: options.backoff.unwrap_or(Duration::from_secs(1)),
            given: options.credential.clone(),
        })
    }

    fn with_host<T>(&self, reference: &RegistryRef, f: impl FnOnce(&mut HostAuth) -> T) -> T {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        f(hosts.entry(reference.host.clone()).or_default())
    }

    /// The credential for the registry, looked up once.
    fn credential(&self, reference: &RegistryRef) -> Result<Option<(Credential, CredentialSource)>, PkgError> {
        if let Some(known) = self.with_host(reference, |h| h.credential.clone()) {
            return Ok(known);
        }
        let found = match &self.given {
            Some(given) => Some((given.clone(), CredentialSource::Given)),
            None => credentials::lookup(&reference.host)?,
        };
        self.with_host(reference, |h| h.credential = Some(found.clone()));
        Ok(found)
    }

    /// Where the credential for the registry came from, if there is one.
    pub(crate) fn credential_source(&self, reference: &RegistryRef) -> Option<CredentialSource> {
        self.credential(reference).ok().flatten().map(|(_, source)| source)
    }

    /// Sends `call`, following redirects, answering an authentication challenge once and
    /// retrying 429 and 5xx answers. Any other answer is returned for the caller to judge.
    pub(crate) fn send(&self, reference: &RegistryRef, call: Call<'_>, what: &str) -> Result<Response<Body>, PkgError> {
        let registry_origin = origin(&reference.api_base());
        let scope = call.access.scope(&reference.repository);
        let (mut method, mut url, mut body) = (call.method, call.url, call.body);
        let (mut retries, mut redirects, mut challenged) = (0, 0, false);
        loop {
            // Credentials go to the registry only, never to a host it redirects to.
            let same_origin = origin(&url) == registry_origin;
            let authorization =
                if same_origin { self.with_host(reference, |h| h.header(scope.as_deref())) } else { None };
            let response = self
                .once(&method, &url, &call.headers, body, authorization.as_deref())
                .map_err(|e| transport_error(reference, what, &url, &e))?;
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308)
                && let Some(location) = header(&response, "location")
            {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Err(registry_error(
                        reference,
                        format!("cannot {what}: more than {MAX_REDIRECTS} redirects"),
                    ));
                }
                let next = resolve(&url, location);
                allowed_url(reference, &next, what)?;
                if status == 303 {
                    (method, body) = (Method::GET, None);
                }
                url = next;
                continue;
            }
            if status == 401 && same_origin && !challenged {
                challenged = true;
                if self.answer_challenge(reference, &response, scope.as_deref(), authorization.is_some(), what)? {
                    continue;
                }
            }
            if (status == 429 || (500..600).contains(&status) && status != 501) && retries < MAX_RETRIES {
                let wait = retry_after(&response).unwrap_or(self.backoff * 2u32.pow(retries)).min(MAX_WAIT);
                retries += 1;
                std::thread::sleep(wait);
                continue;
            }
            return Ok(response);
        }
    }

    fn once(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&'static str, String)],
        body: Option<&[u8]>,
        authorization: Option<&str>,
    ) -> Result<Response<Body>, ureq::Error> {
        let mut builder = Request::builder().method(method.clone()).uri(url);
        for (name, value) in headers {
            builder = builder.header(*name, value);
        }
        if let Some(value) = authorization {
            builder = builder.header("Authorization", value);
        }
        match body {
            Some(bytes) => self.agent.run(builder.body(bytes)?),
            None => self.agent.run(builder.body(())?),
        }
    }

    /// Answers a 401's challenge: remembers that the registry wants Basic (when there are
    /// credentials to send and they were not sent already) or gets a Bearer token for `scope`.
    /// Whether the request is worth sending again.
    fn answer_challenge(
        &self,
        reference: &RegistryRef,
        response: &Response<Body>,
        scope: Option<&str>,
        sent_authorization: bool,
        what: &str,
    ) -> Result<bool, PkgError> {
        let Some(challenge) = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|h| h.to_str().ok())
            .find_map(parse_challenge)
        else {
            return Ok(false);
        };
        let credential = self.credential(reference)?;
        match &challenge {
            Challenge::Basic => {
                self.with_host(reference, |h| h.challenge = Some(Challenge::Basic));
                Ok(!sent_authorization && credential.as_ref().is_some_and(|(c, _)| c.basic_header().is_some()))
            }
            Challenge::Bearer { realm, service } => {
                allowed_url(reference, realm, "request a registry token")?;
                self.with_host(reference, |h| {
                    h.forget(scope);
                    h.challenge = Some(challenge.clone());
                });
                let (token, lifetime) =
                    self.request_token(reference, realm, service.as_deref(), scope, credential.as_ref(), what)?;
                self.with_host(reference, |h| h.remember(scope.map(str::to_string), token, lifetime));
                Ok(true)
            }
        }
    }

    /// Asks the token service at `realm` for a token for `scope`, with the credential if any.
    fn request_token(
        &self,
        reference: &RegistryRef,
        realm: &str,
        service: Option<&str>,
        scope: Option<&str>,
        credential: Option<&(Credential, CredentialSource)>,
        what: &str,
    ) -> Result<(String, Duration), PkgError> {
        let mut params: Vec<(&str, &str)> = Vec::new();
        params.extend(service.map(|s| ("service", s)));
        params.extend(scope.map(|s| ("scope", s)));
        let (method, url, form, authorization) = match credential.map(|(c, _)| c) {
            Some(Credential::IdentityToken(refresh)) => {
                params.extend([("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())]);
                params.push(("client_id", "tenet"));
                (Method::POST, realm.to_string(), Some(encode_query(&params)), None)
            }
            Some(basic @ Credential::Basic { username, .. }) => {
                params.push(("account", username.as_str()));
                (Method::GET, with_query(realm, &encode_query(&params)), None, basic.basic_header())
            }
            None => (Method::GET, with_query(realm, &encode_query(&params)), None, None),
        };
        let action = "request a registry token";
        let mut headers = Vec::new();
        if form.is_some() {
            headers.push(("Content-Type", "application/x-www-form-urlencoded".to_string()));
        }
        let mut retries = 0;
        let mut response = loop {
            let response = self
                .once(&method, &url, &headers, form.as_deref().map(str::as_bytes), authorization.as_deref())
                .map_err(|e| transport_error(reference, action, &url, &e))?;
            let status = response.status().as_u16();
            if (status == 429 || status >= 500) && retries < MAX_RETRIES {
                std::thread::sleep(retry_after(&response).unwrap_or(self.backoff * 2u32.pow(retries)).min(MAX_WAIT));
                retries += 1;
                continue;
            }
            break response;
        };
        let status = response.status().as_u16();
        let realm_host = origin(realm).1;
        match status {
            200 => {}
            401 | 403 => {
                return Err(match credential {
                    Some((_, source)) => refused(reference, what, source),
                    None => needs_credentials(reference, what),
                });
            }
            _ => {
                return Err(registry_error(
                    reference,
                    format!("cannot {what}: the token service at `{realm_host}` answered {}", response.status()),
                ));
            }
        }
        let body = response.body_mut().with_config().limit(1 << 20).read_to_vec().unwrap_or_default();
        parse_token_response(&body).ok_or_else(|| {
            registry_error(reference, format!("cannot {what}: the token service at `{realm_host}` sent no token"))
        })
    }
}

/// The error for credentials a registry or its token service refused.
pub(crate) fn refused(reference: &RegistryRef, what: &str, source: &CredentialSource) -> PkgError {
    let host = &reference.host;
    PkgError::new(codes::AUTH, format!("cannot {what}: `{host}` refused the credentials from {source}"))
        .with_help(format!("check the user name and the password or token; `tenet login {host}` stores new ones"))
}

/// The error for a registry that wants credentials when none are configured.
pub(crate) fn needs_credentials(reference: &RegistryRef, what: &str) -> PkgError {
    let host = &reference.host;
    PkgError::new(codes::AUTH, format!("cannot {what}: `{host}` requires credentials and none are configured"))
        .with_help(format!(
            "run `tenet login {host}`, or set `{}` and `{}` (in CI)",
            credentials::ENV_USERNAME,
            credentials::ENV_PASSWORD
        ))
}

pub(crate) fn registry_error(reference: &RegistryRef, message: String) -> PkgError {
    PkgError::new(codes::REGISTRY, message).with_help(format!(
        "check that the registry at `{}` is running and that the repository name is right",
        reference.host
    ))
}

/// The error for a request that took longer than the client's timeout allows.
pub(crate) fn timeout_error(reference: &RegistryRef, what: &str) -> PkgError {
    PkgError::new(
        codes::REGISTRY,
        format!("cannot {what} at `{}`: the registry did not finish answering in time (timeout)", reference.host),
    )
    .with_help(format!(
        "the registry is slow or has stalled; `--timeout SECONDS` allows a request longer than the default {} s",
        REQUEST_TIMEOUT.as_secs()
    ))
}

/// The error for a request that got no HTTP answer: no connection, TLS refused, time-out.
fn transport_error(reference: &RegistryRef, what: &str, url: &str, e: &ureq::Error) -> PkgError {
    if let ureq::Error::Timeout(_) = e {
        return timeout_error(reference, what);
    }
    let text = e.to_string();
    let text = text.strip_prefix("io: ").unwrap_or(&text);
    let text = text.split(" (os error").next().unwrap_or(text);
    let host = origin(url).1;
    let tls = matches!(e, ureq::Error::Rustls(_) | ureq::Error::Tls(_));
    if tls || text.contains("certificate") {
        let text = text.strip_prefix("rustls: ").unwrap_or(text);
        return PkgError::new(codes::TLS, format!("cannot {what}: the TLS connection to `{host}` failed: {}", lowercase(text)))
            .with_help(
                "if the registry's certificate comes from a private CA, give its PEM file with `--ca-file` or `SSL_CERT_FILE`; a registry without TLS must be written `http://HOST/…`",
            );
    }
    registry_error(reference, format!("cannot {what} at `{host}`: {}", lowercase(text)))
}

/// Refuses plain HTTP except for loopback hosts and registries written `http://…`.
fn allowed_url(reference: &RegistryRef, url: &str, what: &str) -> Result<(), PkgError> {
    let (scheme, host) = origin(url);
    let hostname = |h: &str| h.rsplit_once(':').map_or(h, |(name, _)| name).to_ascii_lowercase();
    let same_insecure_host = reference.plain_http && hostname(&host) == hostname(&reference.host);
    if scheme == "https" || (scheme == "http" && (is_loopback(&host) || same_insecure_host)) {
        return Ok(());
    }
    // A redirect's query may hold a signature (presigned storage URLs): leave it out.
    let shown = url.split(['?', '#']).next().unwrap_or(url);
    if scheme != "http" {
        let scheme = match scheme_of(url) {
            Some(scheme) => format!("a `{scheme}:` address"),
            None => "an address without a scheme".to_string(),
        };
        return Err(PkgError::new(
            codes::TLS,
            format!("refusing to {what}: `{}` sent it to `{shown}`, {scheme}, not a registry over HTTPS", reference.host),
        )
        .with_help("a registry may redirect only to HTTPS addresses; a redirect to a local file or another scheme is never followed"));
    }
    Err(PkgError::new(
        codes::TLS,
        format!("refusing to {what}: `{}` sent it to `{shown}`, which is not HTTPS", reference.host),
    )
    .with_help(
        "credentials and packages travel over HTTPS only, except to this machine or a registry written `http://HOST/…`",
    ))
}

/// Whether `host` (`name[:port]`) is this machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let name = if host.starts_with('[') {
        host.split(']').next().map_or(host, |h| h.trim_start_matches('['))
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The scheme and `host[:port]` of a URL.
fn origin(url: &str) -> (String, String) {
    match url.parse::<Uri>() {
        Ok(uri) => (
            uri.scheme_str().unwrap_or_default().to_ascii_lowercase(),
            uri.authority().map(|a| a.as_str().to_ascii_lowercase()).unwrap_or_default(),
        ),
        Err(_) => (String::new(), String::new()),
    }
}

/// The scheme a URL starts with (`file` in `file:/etc/passwd`), lowercased.
fn scheme_of(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// `location` made absolute against `base`.
pub(crate) fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") || scheme_of(location).is_some() {
        return location.to_string();
    }
    let (scheme, host) = origin(base);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{host}{location}");
    }
    let directory = base.rsplit_once('/').map_or(base, |(d, _)| d);
    format!("{directory}/{location}")
}

pub(crate) fn header<'r>(response: &'r Response<Body>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The wait a 429 or 503 asks for, in whole seconds.
fn retry_after(response: &Response<Body>) -> Option<Duration> {
    header(response, "retry-after")?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Percent-encodes `key=value` pairs.
fn encode_query(params: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    params.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn with_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        url.to_string()
    } else {
        format!("{url}{}{query}", if url.contains('?') { '&' } else { '?' })
    }
}

/// The trusted roots: `SSL_CERT_FILE`'s certificates if it is set, else Mozilla's (webpki),
/// plus those of every `--ca-file`.
fn root_certs(options: &ClientOptions) -> Result<RootCerts, PkgError> {
    let mut extra = Vec::new();
    for path in &options.ca_files {
        extra.extend(read_certificates(path, "`--ca-file`")?);
    }
    let base = match std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
        Some(path) => Some(read_certificates(Path::new(&path), "`SSL_CERT_FILE`")?),
        None => None,
    };
    Ok(match (base, extra.is_empty()) {
        (None, true) => RootCerts::WebPki,
        (None, false) => webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()))
            .chain(extra)
            .into(),
        (Some(base), _) => base.into_iter().chain(extra).into(),
    })
}

fn read_certificates(path: &Path, setting: &str) -> Result<Vec<Certificate<'static>>, PkgError> {
    let bytes = std::fs::read(path)
        .map_err(|e| PkgError::io(path, &e).with_help(format!("{setting} must name a PEM file of CA certificates")))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(c)) => certificates.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(PkgError::new(codes::TLS, format!("`{}` is not a PEM file: {e}", path.display()))
                    .with_help(format!("{setting} must name a PEM file of CA certificates")));
            }
        }
    }
    if certificates.is_empty() {
        return Err(PkgError::new(codes::TLS, format!("`{}` holds no PEM certificate", path.display()))
            .with_help(format!("{setting} must name a PEM file with `-----BEGIN CERTIFICATE-----` blocks")));
    }
    Ok(certificates)
}

pub(crate) fn lowercase(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve() {
        assert_eq!(
            resolve("https://r.io/v2/a/tags/list", "/v2/a/tags/list?last=b"),
            "https://r.io/v2/a/tags/list?last=b"
        );
        assert_eq!(resolve("https://r.io/v2/x", "https://cdn.io/blob"), "https://cdn.io/blob");
        assert_eq!(resolve("https://r.io/v2/x", "//cdn.io/blob"), "https://cdn.io/blob");
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1:5000"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:5000"));
        assert!(!is_loopback("ghcr.io"));
        assert!(!is_loopback("10.0.0.1:5000"));
    }

    #[test]
    fn queries_are_encoded() {
        assert_eq!(
            encode_query(&[("scope", "repository:a/b:pull,push"), ("service", "r.io")]),
            "scope=repository%3Aa%2Fb%3Apull%2Cpush&service=r.io"
        );
    }

    #[test]
    fn plain_http_only_to_this_machine_or_when_asked() {
        let remote = RegistryRef::parse("registry.example.com/a").unwrap_or_else(|_| unreachable!());
        assert!(allowed_url(&remote, "https://cdn.example.com/x", "download").is_ok());
        assert!(allowed_url(&remote, "http://cdn.example.com/x", "download").is_err());
        assert!(allowed_url(&remote, "http://127.0.0.1:9/token", "download").is_ok());
        let insecure = RegistryRef::parse("http://registry.lan/a").unwrap_or_else(|_| unreachable!());
        assert!(allowed_url(&insecure, "http://registry.lan:8080/token", "download").is_ok());
        assert!(allowed_url(&insecure, "http://cdn.example.com/x", "download").is_err());
    }
}
