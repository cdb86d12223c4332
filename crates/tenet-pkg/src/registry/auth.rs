//! Registry authentication: parsing `WWW-Authenticate` challenges, HTTP Basic, and the OCI/Docker
//! Bearer token flow (a token requested from the challenge's realm for a scope, and reused until
//! it expires). Tokens live in memory only.

use super::credentials::{Credential, CredentialSource};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What a request needs to do in a repository: the scope of a Bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `GET /v2/`: no repository (used by `tenet login` to check credentials).
    Registry,
    /// Read tags, manifests and blobs.
    Pull,
    /// Upload blobs and manifests.
    Push,
}

impl Access {
    /// The token scope for `repository`, such as `repository:tenet/lib:pull,push`.
    pub(crate) fn scope(self, repository: &str) -> Option<String> {
        match self {
            Access::Registry => None,
            Access::Pull => Some(format!("repository:{repository}:pull")),
            Access::Push => Some(format!("repository:{repository}:pull,push")),
        }
    }
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Challenge {
    Basic,
    Bearer { realm: String, service: Option<String> },
}

/// Parses `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`.
pub(crate) fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(char::is_whitespace).unwrap_or((header, ""));
    let params = parse_params(rest);
    if scheme.eq_ignore_ascii_case("basic") {
        Some(Challenge::Basic)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        let realm = params.get("realm")?.clone();
        Some(Challenge::Bearer { realm, service: params.get("service").cloned() })
    } else {
        None
    }
}

/// `key="value", key=value` pairs; quoted values may hold commas and escaped quotes.
fn parse_params(text: &str) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.trim().is_empty() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    _ => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect::<String>().trim().to_string();
        }
        params.insert(key.trim().to_ascii_lowercase(), value);
    }
    params
}

/// A Bearer token and when to stop using it.
struct Token {
    scope: Option<String>,
    value: String,
    expires: Instant,
}

/// What is known about authenticating to one registry host.
#[derive(Default)]
pub(crate) struct HostAuth {
    /// The credential, looked up once per host (`Some(None)`: there is none).
    pub(crate) credential: Option<Option<(Credential, CredentialSource)>>,
    /// The scheme the registry asked for, once it has.
    pub(crate) challenge: Option<Challenge>,
    tokens: Vec<Token>,
}

impl HostAuth {
    /// The `Authorization` header to send for `scope`, if one is known to be needed.
    pub(crate) fn header(&self, scope: Option<&str>) -> Option<String> {
        match self.challenge.as_ref()? {
            Challenge::Basic => self.credential.as_ref()?.as_ref()?.0.basic_header(),
            Challenge::Bearer { .. } => {
                let now = Instant::now();
                self.tokens
                    .iter()
                    .filter(|t| t.expires > now)
                    .find(|t| covers(t.scope.as_deref(), scope))
                    .map(|t| format!("Bearer {}", t.value))
            }
        }
    }

    /// Remembers a token for `scope`, valid for `lifetime`.
    pub(crate) fn remember(&mut self, scope: Option<String>, value: String, lifetime: Duration) {
        self.tokens.retain(|t| t.scope != scope);
        // Stop a little early so a token never expires on its way to the registry.
        let margin = Duration::from_secs(5).min(lifetime / 4);
        self.tokens.push(Token { scope, value, expires: Instant::now() + lifetime.saturating_sub(margin) });
    }

    /// Forgets the token for `scope` (the registry refused it).
    pub(crate) fn forget(&mut self, scope: Option<&str>) {
        self.tokens.retain(|t| t.scope.as_deref() != scope);
    }

    #[cfg(test)]
    fn token_count(&self) -> usize {
        self.tokens.len()
    }
}

/// Whether a token issued for `have` may be sent for a request needing `want`.
fn covers(have: Option<&str>, want: Option<&str>) -> bool {
    match (have, want) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(h), Some(w)) => h == w || w.strip_suffix(":pull").is_some_and(|base| h == format!("{base}:pull,push")),
    }
}

/// The token in a token service's JSON answer, and its lifetime.
pub(crate) fn parse_token_response(body: &[u8]) -> Option<(String, Duration)> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = value
        .get("token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .or_else(|| value.get("access_token").and_then(|t| t.as_str()))?
        .to_string();
    // The distribution spec: 60 seconds when the service does not say.
    let seconds = value.get("expires_in").and_then(serde_json::Value::as_u64).unwrap_or(60).max(1);
    Some((token, Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_parse() {
        assert_eq!(parse_challenge("Basic realm=\"Registry Realm\""), Some(Challenge::Basic));
        assert_eq!(
            parse_challenge(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\""
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.example.com/token".into(),
                service: Some("registry.example.com".into())
            })
        );
        assert_eq!(
            parse_challenge("bearer realm=https://r/t"),
            Some(Challenge::Bearer { realm: "https://r/t".into(), service: None })
        );
        assert_eq!(parse_challenge("Bearer service=\"x\""), None, "a Bearer challenge needs a realm");
        assert_eq!(parse_challenge("Negotiate"), None);
    }

    #[test]
    fn a_push_token_serves_pulls_but_not_the_other_way() {
        assert!(covers(Some("repository:a:pull,push"), Some("repository:a:pull")));
        assert!(!covers(Some("repository:a:pull"), Some("repository:a:pull,push")));
        assert!(!covers(Some("repository:a:pull"), Some("repository:b:pull")));
        assert!(covers(Some("repository:a:pull"), None));
    }

    #[test]
    fn tokens_are_reused_until_they_expire() {
        let mut auth = HostAuth {
            challenge: Some(Challenge::Bearer { realm: "https://r".into(), service: None }),
            ..HostAuth::default()
        };
        auth.remember(Some("repository:a:pull".into()), "t1".into(), Duration::from_secs(300));
        assert_eq!(auth.header(Some("repository:a:pull")).as_deref(), Some("Bearer t1"));
        auth.remember(Some("repository:b:pull".into()), "t2".into(), Duration::ZERO);
        assert_eq!(auth.header(Some("repository:b:pull")), None, "an expired token is not sent");
        assert_eq!(auth.token_count(), 2);
    }

    #[test]
    fn token_answers() {
        assert_eq!(
            parse_token_response(br#"{"token":"abc","expires_in":300}"#),
            Some(("abc".into(), Duration::from_secs(300)))
        );
        assert_eq!(parse_token_response(br#"{"access_token":"xyz"}"#), Some(("xyz".into(), Duration::from_secs(60))));
        assert_eq!(parse_token_response(br#"{"nothing":1}"#), None);
    }
}
