//! The registry client's HTTP behaviour that Debian's `docker-registry` never shows: retries of
//! 429 and 5xx answers, redirects of blob downloads to another host (followed without the
//! credentials), and the errors for 403, 404 and endless 429s. The servers are real HTTP
//! servers on 127.0.0.1 that answer from a script of responses and record every request.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test fails loudly on unexpected input"
)]

#[path = "support/drip.rs"]
mod drip;

use drip::dripping_server;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tenet_pkg::registry::credentials::Credential;
use tenet_pkg::registry::{Client, ClientOptions, Descriptor};
use tenet_pkg::{RegistryRef, codes};

/// One recorded request: its request line and its `Authorization` header.
#[derive(Clone, Debug)]
struct Seen {
    line: String,
    authorization: Option<String>,
}

/// A server that answers the n-th request with the n-th scripted response (the last one
/// repeats) and records what it was sent.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(script: Vec<String>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { continue };
                let response = script.get(n).or(script.last()).cloned().unwrap_or_default();
                answer(stream, &response, &record);
            }
        });
        Server { port, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, response: &str, record: &Mutex<Vec<Seen>>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_string());
        }
    }
    record.lock().unwrap().push(Seen { line: line.trim().to_string(), authorization });
    stream.write_all(response.as_bytes()).unwrap();
}

/// An HTTP response with `headers` (each ending in CRLF) and `body`.
fn response(status: &str, headers: &str, body: &str) -> String {
    format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

fn client() -> Client {
    let options = ClientOptions {
        backoff: Some(Duration::from_millis(10)),
        credential: Some(Credential::Basic { username: "ci".into(), password: "s3cret-pw".into() }),
        ..ClientOptions::default()
    };
    Client::new(&options).unwrap()
}

fn registry(port: u16) -> RegistryRef {
    RegistryRef::parse(&format!("127.0.0.1:{port}/tenet/lib")).unwrap()
}

#[test]
fn rate_limits_and_server_errors_are_retried_then_explained() {
    let tags = response("200 OK", "Content-Type: application/json\r\n", r#"{"name":"tenet/lib","tags":["1.0.0"]}"#);
    let server = Server::start(vec![
        response("503 Service Unavailable", "", ""),
        response("429 Too Many Requests", "Retry-After: 0\r\n", ""),
        response("502 Bad Gateway", "", ""),
        tags,
    ]);
    assert_eq!(client().tags(&registry(server.port)).unwrap(), ["1.0.0"]);
    assert_eq!(server.seen().len(), 4, "three retries, then the answer");

    let limited = Server::start(vec![response("429 Too Many Requests", "Retry-After: 0\r\n", "")]);
    let error = client().tags(&registry(limited.port)).unwrap_err();
    assert_eq!(error.code(), codes::REGISTRY);
    assert!(error.message().contains("rate-limiting requests (429 Too Many Requests, still after 4 tries)"), "{error}");
    assert!(error.help_text().unwrap().contains("wait a few minutes"));
    assert_eq!(limited.seen().len(), 4, "retries are bounded");
}

#[test]
fn forbidden_and_missing_say_what_to_do() {
    let body = r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#;
    let forbidden = Server::start(vec![response("403 Forbidden", "Content-Type: application/json\r\n", body)]);
    let error = client().manifest(&registry(forbidden.port), "1.0.0").unwrap_err();
    assert_eq!(error.code(), codes::AUTH);
    assert!(error.message().contains("denied access (requested access to the resource is denied)"), "{error}");
    assert!(error.help_text().unwrap().contains("needs permission to pull from `tenet/lib`"));

    let missing = Server::start(vec![response("404 Not Found", "", "")]);
    let descriptor = Descriptor {
        media_type: tenet_pkg::registry::ARCHIVE_MEDIA_TYPE.into(),
        digest: format!("sha256:{}", "0".repeat(64)),
        size: 3,
        annotations: Default::default(),
    };
    let error = client().blob(&registry(missing.port), &descriptor, 1 << 20, "the archive").unwrap_err();
    assert!(error.message().contains("has no such repository or object"), "{error}");
    assert!(error.help_text().unwrap().contains("check the repository name `tenet/lib`"));
}

#[test]
fn a_blob_redirected_to_another_host_is_fetched_without_the_credentials() {
    let bytes = "abc";
    let digest = tenet_pkg::archive::digest_of(bytes.as_bytes());
    let storage = Server::start(vec![response("200 OK", "", bytes)]);
    // `localhost` and `127.0.0.1` are different origins: the redirect leaves the registry.
    let location = format!("http://localhost:{}/storage/blob?signature=xyz", storage.port);
    let registry_server = Server::start(vec![
        response("401 Unauthorized", "WWW-Authenticate: Basic realm=\"test\"\r\n", ""),
        response("307 Temporary Redirect", &format!("Location: {location}\r\n"), ""),
    ]);
    let descriptor = Descriptor {
        media_type: tenet_pkg::registry::ARCHIVE_MEDIA_TYPE.into(),
        digest,
        size: 3,
        annotations: Default::default(),
    };
    let got = client().blob(&registry(registry_server.port), &descriptor, 1 << 20, "the archive").unwrap();
    assert_eq!(got, bytes.as_bytes());
    let at_registry = registry_server.seen();
    assert_eq!(at_registry.len(), 2);
    assert_eq!(at_registry[0].authorization, None, "nothing is sent before the registry asks");
    assert!(at_registry[1].authorization.as_deref().is_some_and(|a| a.starts_with("Basic ")));
    let at_storage = storage.seen();
    assert_eq!(at_storage.len(), 1);
    assert!(at_storage[0].line.starts_with("GET /storage/blob?signature=xyz "), "{:?}", at_storage[0]);
    assert_eq!(at_storage[0].authorization, None, "credentials never leave the registry");
}

#[test]
fn a_redirect_to_plain_http_on_another_host_is_refused() {
    let server = Server::start(vec![response(
        "307 Temporary Redirect",
        "Location: http://storage.invalid/blob?X-Amz-Signature=abc123\r\n",
        "",
    )]);
    let descriptor = Descriptor {
        media_type: tenet_pkg::registry::ARCHIVE_MEDIA_TYPE.into(),
        digest: format!("sha256:{}", "1".repeat(64)),
        size: 3,
        annotations: Default::default(),
    };
    let error = client().blob(&registry(server.port), &descriptor, 1 << 20, "the archive").unwrap_err();
    assert_eq!(error.code(), codes::TLS);
    assert!(error.message().contains("sent it to `http://storage.invalid/blob`, which is not HTTPS"), "{error}");
    assert!(!error.message().contains("abc123"), "a signed URL's signature is not shown");
}

#[test]
fn a_redirect_to_a_local_file_is_named_as_such() {
    for location in ["file:///etc/passwd", "file:/etc/passwd", "FILE:///etc/shadow"] {
        let server = Server::start(vec![response("302 Found", &format!("Location: {location}\r\n"), "")]);
        let error = client().tags(&registry(server.port)).unwrap_err();
        assert_eq!(error.code(), codes::TLS);
        assert!(error.message().contains("a `file:` address, not a registry over HTTPS"), "{error}");
        assert!(error.help_text().unwrap().contains("never followed"), "{error}");
    }
}

#[test]
fn a_registry_that_drips_its_answer_is_cut_off_by_the_timeout() {
    let port = dripping_server(10_000, Duration::from_millis(200));
    let options = ClientOptions { timeout: Some(Duration::from_secs(2)), ..ClientOptions::default() };
    let started = std::time::Instant::now();
    let error = Client::new(&options).unwrap().tags(&registry(port)).unwrap_err();
    assert_eq!(error.code(), codes::REGISTRY);
    assert!(error.message().contains("did not finish answering in time (timeout)"), "{error}");
    // The answer would take 2,000 s; a generous bound shows the timeout, not its precision.
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn an_answer_larger_than_its_limit_is_refused_before_it_is_read() {
    let huge = "x".repeat(2 << 20);
    let server = Server::start(vec![response("200 OK", "Content-Type: application/json\r\n", &huge)]);
    let error = client().tags(&registry(server.port)).unwrap_err();
    assert_eq!(error.code(), codes::REGISTRY);
    assert!(error.message().contains("longer than the limit of 1048576 bytes"), "{error}");
}
