//! End-to-end tests of registries over HTTPS with authentication, against real components:
//! Debian's `docker-registry` serving TLS with a CA and certificate generated here (rcgen), with
//! (a) `htpasswd` Basic authentication (bcrypt, generated here) and (b) token authentication,
//! whose token service is a small HTTP server started on 127.0.0.1 by the test, issuing ES256
//! JWTs signed with a key whose certificate is the registry's `rootcertbundle`. The real `tenet`
//! binary runs with `HOME`, `TENET_CACHE` and Docker's configuration in a temporary directory.
//!
//! `scripts/test` installs `docker-registry` when it is missing; these tests fail (never skip)
//! when it is not there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod pkg_support;
mod support;

use base64::Engine as _;
use pkg_support::{Auth, ISSUER, PASSWORD, Pki, Registry, SERVICE, USER, World, make_pki, percent_decode};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An OAuth2 refresh token the token service accepts (Docker's `identitytoken`).
const REFRESH_TOKEN: &str = "rt-Hq7uXc2Wd9";

/// The token service: answers `GET /token?service=…&scope=…` with a JWT for the scope when the
/// request carries the right Basic credentials, and 401 otherwise.
struct TokenServer {
    port: u16,
    stop: Arc<AtomicBool>,
    issued: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The key and certificate that sign tokens.
struct Signer {
    key: ring::signature::EcdsaKeyPair,
    cert_der: Vec<u8>,
}

impl TokenServer {
    /// Starts the server; returns it and the PEM file of the signing certificate.
    fn start(dir: &Path) -> (TokenServer, PathBuf) {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, ISSUER);
        let key_pair = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key_pair).unwrap();
        let bundle = dir.join("token-signer.pem");
        std::fs::write(&bundle, cert.pem()).unwrap();
        let key = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &key_pair.serialize_der(),
            &ring::rand::SystemRandom::new(),
        )
        .unwrap();
        let signer = Signer { key, cert_der: cert.der().to_vec() };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let issued = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, issued) = (Arc::clone(&stop), Arc::clone(&issued));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve_token(stream, &signer, &issued);
                    }
                }
            })
        };
        (TokenServer { port, stop, issued, thread: Some(thread) }, bundle)
    }

    fn realm(&self) -> String {
        format!("http://127.0.0.1:{}/token", self.port)
    }

    fn issued(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn serve_token(stream: TcpStream, signer: &Signer, issued: &Mutex<Vec<String>>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    let mut content_length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap();
            }
        }
    }
    // `GET /token?…` with Basic credentials, or `POST /token` with a form holding a refresh token.
    let mut form = vec![0; content_length];
    reader.read_exact(&mut form).unwrap();
    let form = String::from_utf8(form).unwrap();
    let target = request_line.split_whitespace().nth(1).unwrap_or_default();
    let query = if request_line.starts_with("POST ") {
        form.as_str()
    } else {
        target.split_once('?').map(|(_, q)| q).unwrap_or_default()
    };
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}")));
    let refreshed = param("grant_type").as_deref() == Some("refresh_token")
        && param("refresh_token").as_deref() == Some(REFRESH_TOKEN);
    let (status, body) = if authorization.as_deref() != Some(expected.as_str()) && !refreshed {
        ("401 Unauthorized", r#"{"details":"bad or missing credentials"}"#.to_string())
    } else if param("service").as_deref() != Some(SERVICE) {
        ("400 Bad Request", r#"{"details":"unknown service"}"#.to_string())
    } else {
        let access: Vec<serde_json::Value> = param("scope")
            .map(|scope| {
                let mut parts = scope.splitn(3, ':');
                let (kind, name, actions) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
                vec![serde_json::json!({"type": kind, "name": name, "actions": actions.split(',').collect::<Vec<_>>()})]
            })
            .unwrap_or_default();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let header = serde_json::json!({
            "typ": "JWT",
            "alg": "ES256",
            "x5c": [base64::engine::general_purpose::STANDARD.encode(&signer.cert_der)],
        });
        let claims = serde_json::json!({
            "iss": ISSUER, "sub": USER, "aud": SERVICE, "iat": now, "nbf": now - 10, "exp": now + 300,
            "jti": format!("t{}", issued.lock().unwrap().len()), "access": access,
        });
        let signing_input =
            format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()));
        let signature = signer.key.sign(&ring::rand::SystemRandom::new(), signing_input.as_bytes()).unwrap();
        let token = format!("{signing_input}.{}", b64url(signature.as_ref()));
        issued.lock().unwrap().push(token.clone());
        ("200 OK", serde_json::json!({"token": token, "expires_in": 300}).to_string())
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn htpasswd(dir: &Path) -> PathBuf {
    let path = dir.join("htpasswd");
    let hash = bcrypt::hash(PASSWORD, 5).unwrap();
    std::fs::write(&path, format!("{USER}:{hash}\n")).unwrap();
    path
}

/// A consumer's fetch succeeds with the credentials in `env`, locks `lib` 1.0.0 and leaves
/// nothing of the credentials in `tenet.lock`.
#[track_caller]
fn fetch_works(world: &World, dir: &str, repo: &str, env: &[(&str, &str)]) {
    world.consumer(dir, repo);
    let run = world.tenet(dir, &["fetch"], env).ok();
    assert!(run.stdout.contains("lib 1.0.0 from registry"), "{}", run.stdout);
    let lock = world.read(&format!("{dir}/tenet.lock"));
    assert!(lock.contains(&format!("source = \"registry+{repo}\"")), "{lock}");
}

/// Publishing `lib` 1.0.0 into the repository `tenet/NAME` succeeds with the credentials found
/// through `env` (and the configuration files); the registry then holds the tag.
#[track_caller]
fn publish_works(world: &World, registry: &Registry, name: &str, env: &[(&str, &str)]) {
    let run = world.tenet("lib", &["publish", "--registry", &registry.https_repo(name)], env).ok();
    assert!(run.stdout.contains("published `lib` 1.0.0"), "{}", run.stdout);
    assert_eq!(registry.stored_tags(name), ["1.0.0"]);
}

/// A fetch that is refused changes nothing: no lock file, nothing in the cache.
#[track_caller]
fn fetch_refused(world: &World, dir: &str, repo: &str, env: &[(&str, &str)], code: &str, message: &str) {
    world.consumer(dir, repo);
    let cached_before = std::fs::read_dir(world.path("cache/packages")).map(|d| d.count()).unwrap_or(0);
    world.tenet(dir, &["fetch"], env).fails(code, message);
    assert!(!world.path(&format!("{dir}/tenet.lock")).exists(), "no lock file after a refusal");
    let cached_after = std::fs::read_dir(world.path("cache/packages")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(cached_before, cached_after, "nothing cached after a refusal");
}

/// The credential sources that every authenticated registry must accept, in one sequence:
/// none, wrong and unknown-CA refusals first, then the environment, `config.json`, and
/// `tenet login` (to `config.json` and to a credential helper), and `tenet logout`.
fn exercise_credential_sources(world: &World, registry: &Registry, pki: &Pki, outside: &Path) {
    let repo = registry.https_repo("lib");
    let host = registry.host();
    let https_host = format!("https://{host}");
    let ca = pki.ca.to_str().unwrap();
    let trust_ca = [("SSL_CERT_FILE", ca)];
    let env_ok = [("SSL_CERT_FILE", ca), ("TENET_REGISTRY_USERNAME", USER), ("TENET_REGISTRY_PASSWORD", PASSWORD)];
    let env_wrong =
        [("SSL_CERT_FILE", ca), ("TENET_REGISTRY_USERNAME", USER), ("TENET_REGISTRY_PASSWORD", "not-the-password")];
    world.library("lib", "1.0.0");

    // An unknown CA is refused, credentials or not; nothing reaches the registry.
    let creds_only = &env_ok[1..];
    world
        .tenet("lib", &["publish", "--registry", &repo], creds_only)
        .fails("tenet::pkg::tls", "the TLS connection to `127.0.0.1");
    // No credentials, wrong ones: refused, nothing published.
    world
        .tenet("lib", &["publish", "--registry", &repo], &trust_ca)
        .fails("tenet::pkg::auth", &format!("`{host}` requires credentials and none are configured"));
    world.tenet("lib", &["publish", "--registry", &repo], &env_wrong).fails(
        "tenet::pkg::auth",
        &format!("`{host}` refused the credentials from `TENET_REGISTRY_USERNAME` and `TENET_REGISTRY_PASSWORD`"),
    );
    assert!(registry.stored_tags("lib").is_empty(), "nothing was published");
    // The environment's credentials with the CA given by `--ca-file`.
    let run = world.tenet("lib", &["publish", "--registry", &repo, "--ca-file", ca], creds_only).ok();
    assert!(run.stdout.contains("published `lib` 1.0.0"), "{}", run.stdout);
    assert_eq!(registry.stored_tags("lib"), ["1.0.0"]);

    // Fetching: none, wrong, unknown CA refused; then the environment.
    fetch_refused(world, "none", &repo, &trust_ca, "tenet::pkg::auth", "requires credentials");
    fetch_refused(world, "wrong", &repo, &env_wrong, "tenet::pkg::auth", "refused the credentials");
    fetch_refused(world, "unknown-ca", &repo, creds_only, "tenet::pkg::tls", "the TLS connection");
    fetch_works(world, "from-env", &repo, &env_ok);
    // The CA named by the project's `[registries]` table, relative to `tenet.toml`.
    std::fs::copy(&pki.ca, world.path("ca.pem")).unwrap();
    world.consumer("manifest-ca", &repo);
    let manifest = world.read("manifest-ca/tenet.toml");
    world.write("manifest-ca/tenet.toml", &format!("{manifest}\n[registries]\nca-file = \"../ca.pem\"\n"));
    world.tenet("manifest-ca", &["fetch"], creds_only).fails("tenet::pkg::unknown_key", "did you mean `ca-files`?");
    world.write("manifest-ca/tenet.toml", &format!("{manifest}\n[registries]\nca-files = [\"../ca.pem\"]\n"));
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    let run = world.tenet("manifest-ca", &["fetch"], creds_only).ok();
    assert!(run.stdout.contains("lib 1.0.0 from registry"), "{}", run.stdout);
    // `TENET_REGISTRY_HOST` keeps the environment's credentials for another registry.
    let elsewhere = [env_ok[0], env_ok[1], env_ok[2], ("TENET_REGISTRY_HOST", "registry.example.com")];
    fetch_refused(world, "elsewhere", &repo, &elsewhere, "tenet::pkg::auth", "requires credentials");

    // Docker's `config.json`, written as `docker login` writes it.
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    world.write("home/.docker/config.json", &format!("{{\"auths\":{{\"{host}\":{{\"auth\":\"{auth}\"}}}}}}"));
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_works(world, "from-config", &repo, &trust_ca);
    publish_works(world, registry, "with-config", &trust_ca);
    std::fs::remove_file(world.docker_config()).unwrap();

    // `tenet login`: wrong credentials are refused and nothing is stored.
    world
        .tenet_with(".", &["login", &https_host, "-u", USER, "--password-stdin", "--ca-file", ca], &[], "wrong\n")
        .fails("tenet::pkg::auth", "refused the credentials from the command line");
    assert!(!world.docker_config().exists(), "nothing stored after a refused login");
    let run = world
        .tenet_with(
            ".",
            &["login", &https_host, "-u", USER, "--password-stdin", "--ca-file", ca],
            &[],
            &format!("{PASSWORD}\n"),
        )
        .ok();
    assert!(run.stdout.contains(&format!("logged in to `{host}` as `{USER}`")), "{}", run.stdout);
    let config: serde_json::Value = serde_json::from_str(&world.read("home/.docker/config.json")).unwrap();
    assert_eq!(config["auths"][&host]["auth"], auth.as_str(), "stored the way `docker login` stores it");
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_works(world, "from-login", &repo, &trust_ca);
    publish_works(world, registry, "with-login", &trust_ca);
    let run = world.tenet(".", &["logout", &host], &[]).ok();
    assert!(run.stdout.contains(&format!("removed the credentials for `{host}`")), "{}", run.stdout);
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_refused(world, "after-logout", &repo, &trust_ca, "tenet::pkg::auth", "requires credentials");

    // A credential helper named by `credsStore`: `tenet login` stores with it, fetch reads it.
    let store = outside.join("helper-store.json");
    world.write(
        "bin/docker-credential-tenettest",
        &format!(
            "#!/bin/sh\nstore='{}'\ncase \"$1\" in\n  store) cat > \"$store\" ;;\n  get) read -r server; if [ -f \"$store\" ]; then cat \"$store\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;\n  erase) read -r server; rm -f \"$store\" ;;\nesac\n",
            store.display()
        ),
    );
    make_executable(&world.path("bin/docker-credential-tenettest"));
    world.write("home/.docker/config.json", "{\"credsStore\": \"tenettest\"}");
    fetch_refused(world, "helper-empty", &repo, &trust_ca, "tenet::pkg::auth", "requires credentials");
    let run = world
        .tenet_with(".", &["login", &https_host, "-u", USER, "--password-stdin", "--ca-file", ca], &[], PASSWORD)
        .ok();
    assert!(run.stdout.contains("stored with `docker-credential-tenettest`"), "{}", run.stdout);
    assert!(!world.read("home/.docker/config.json").contains(&auth), "the helper holds the secret, not config.json");
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_works(world, "from-helper", &repo, &trust_ca);
    publish_works(world, registry, "with-helper", &trust_ca);
    world.tenet(".", &["logout", &host], &[]).ok();
    assert!(!store.exists(), "logout erased the helper's entry");

    // The same helper named for this host only, by `credHelpers`.
    world.write("home/.docker/config.json", &format!("{{\"credHelpers\": {{\"{host}\": \"tenettest\"}}}}"));
    fetch_refused(world, "host-helper-empty", &repo, &trust_ca, "tenet::pkg::auth", "requires credentials");
    world.tenet_with(".", &["login", &https_host, "-u", USER, "--password-stdin", "--ca-file", ca], &[], PASSWORD).ok();
    assert!(store.exists(), "the host's helper stored the credentials");
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_works(world, "from-host-helper", &repo, &trust_ca);
    world.tenet(".", &["logout", &host], &[]).ok();
    assert!(!store.exists());
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn basic_authentication_over_tls_with_every_credential_source() {
    let world = World::new();
    let outside = tempfile::tempdir().unwrap();
    let pki = make_pki(outside.path(), "basic");
    let registry = Registry::start(Some(&pki), Auth::Htpasswd(&htpasswd(outside.path())));
    exercise_credential_sources(&world, &registry, &pki, outside.path());
    world.assert_no_secrets(&[PASSWORD.to_string()]);
}

#[test]
fn token_authentication_over_tls_with_every_credential_source() {
    let world = World::new();
    let keys = tempfile::tempdir().unwrap();
    let pki = make_pki(keys.path(), "token");
    let (tokens, bundle) = TokenServer::start(keys.path());
    let registry = Registry::start(Some(&pki), Auth::Token { realm: tokens.realm(), bundle: &bundle });
    exercise_credential_sources(&world, &registry, &pki, keys.path());
    let issued = tokens.issued();
    assert!(!issued.is_empty(), "the token service issued tokens");

    // One pull token serves every request of a fetch (tags, manifest, blobs): it is reused.
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    let env = [
        ("SSL_CERT_FILE", pki.ca.to_str().unwrap()),
        ("TENET_REGISTRY_USERNAME", USER),
        ("TENET_REGISTRY_PASSWORD", PASSWORD),
    ];
    fetch_works(&world, "reuse", &registry.https_repo("lib"), &env);
    assert_eq!(tokens.issued().len(), issued.len() + 1, "one token for the whole fetch");

    // Docker's `identitytoken` is exchanged at the token service as an OAuth2 refresh token.
    let host = registry.host();
    let trust_ca = [("SSL_CERT_FILE", pki.ca.to_str().unwrap())];
    world.write("home/.docker/config.json", &format!("{{\"auths\":{{\"{host}\":{{\"identitytoken\":\"wrong\"}}}}}}"));
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    fetch_refused(
        &world,
        "bad-refresh",
        &registry.https_repo("lib"),
        &trust_ca,
        "tenet::pkg::auth",
        "refused the credentials from `",
    );
    world.write(
        "home/.docker/config.json",
        &format!("{{\"auths\":{{\"{host}\":{{\"identitytoken\":\"{REFRESH_TOKEN}\"}}}}}}"),
    );
    fetch_works(&world, "from-refresh-token", &registry.https_repo("lib"), &trust_ca);
    std::fs::remove_file(world.docker_config()).unwrap();

    let mut secrets = tokens.issued();
    secrets.push(PASSWORD.to_string());
    secrets.push(REFRESH_TOKEN.to_string());
    world.assert_no_secrets(&secrets);
}
