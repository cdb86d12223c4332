//! Tag lists of several pages, as the OCI distribution spec pages them: a repository with more
//! versions than one page still resolves to the highest match. Debian's `docker-registry` 2.8
//! stores the tags but does not page, so a small paging front started on 127.0.0.1 answers
//! `tags/list` a page at a time from the registry's own list and passes the rest through.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

#[path = "../../tenet-pkg/tests/support/drip.rs"]
mod drip;
mod pkg_support;
mod support;

use drip::dripping_server;
use pkg_support::{Auth, Registry, World, percent_decode};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A front for a registry that pages tag lists as the distribution spec describes (`n`,
/// `last`, a `Link` header to the next page), as hosted registries do and Debian's
/// `docker-registry` 2.8 does not: it answers `tags/list` from the registry's full list, a page
/// of `page` tags at a time, and passes every other `GET` through to the registry.
struct PagingFront {
    port: u16,
    stop: Arc<AtomicBool>,
    pages_served: Arc<Mutex<usize>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PagingFront {
    fn start(upstream: u16, page: usize) -> PagingFront {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let pages_served = Arc::new(Mutex::new(0));
        let thread = {
            let (stop, pages_served) = (Arc::clone(&stop), Arc::clone(&pages_served));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve_page(stream, upstream, page, &pages_served);
                    }
                }
            })
        };
        PagingFront { port, stop, pages_served, thread: Some(thread) }
    }
}

impl Drop for PagingFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends `GET path` to the registry and returns its whole answer.
fn upstream_get(upstream: u16, path: &str, headers: &[String]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{upstream}\r\nConnection: close\r\n");
    for h in headers {
        request += &format!("{h}\r\n");
    }
    request += "\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    answer
}

fn serve_page(mut stream: TcpStream, upstream: u16, page: usize, pages_served: &Mutex<usize>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut forwarded = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        let name = line.split(':').next().unwrap_or_default().to_ascii_lowercase();
        if name == "accept" || name == "authorization" {
            forwarded.push(line.trim().to_string());
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or_default().to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if !path.ends_with("/tags/list") {
        let _ = stream.write_all(&upstream_get(upstream, &target, &forwarded));
        return;
    }
    let answer = String::from_utf8(upstream_get(upstream, path, &forwarded)).unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1;
    let list: serde_json::Value = serde_json::from_str(body).unwrap();
    let mut tags: Vec<String> =
        list["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    tags.sort();
    let last = query.split('&').find_map(|p| p.strip_prefix("last=")).map(percent_decode);
    let rest: Vec<String> = tags.into_iter().filter(|t| last.as_ref().is_none_or(|l| t > l)).collect();
    let this_page: Vec<String> = rest.iter().take(page).cloned().collect();
    let link = if rest.len() > page {
        format!("Link: <{path}?n={page}&last={}>; rel=\"next\"\r\n", this_page.last().unwrap())
    } else {
        String::new()
    };
    *pages_served.lock().unwrap() += 1;
    let body = serde_json::json!({"name": list["name"], "tags": this_page}).to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{link}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn a_tag_list_longer_than_one_page_resolves_the_highest_matching_version() {
    let world = World::new();
    let registry = Registry::start(None, Auth::None);
    let repo = format!("127.0.0.1:{}/tenet/lib", registry.port);
    for version in ["1.0.0", "1.2.0", "1.10.0", "1.1.0", "2.0.0", "0.9.0"] {
        world.library(&format!("lib-{version}"), version);
        world.tenet(&format!("lib-{version}"), &["publish", "--registry", &repo], &[]).ok();
    }
    // Pages of two tags, in the spec's (lexical) order: [0.9.0, 1.0.0], [1.1.0, 1.10.0],
    // [1.2.0, 2.0.0]. The highest `^1` is on the second page, the newest version on the third.
    let front = PagingFront::start(registry.port, 2);
    let paged = format!("127.0.0.1:{}/tenet/lib", front.port);
    world.consumer("app", &paged);
    let run = world.tenet("app", &["fetch"], &[]).ok();
    assert!(run.stdout.contains("lib 1.10.0 from registry"), "{}", run.stdout);
    assert_eq!(*front.pages_served.lock().unwrap(), 3, "every page was read");
    let run = world.tenet("app", &["add", "lib", "--registry", &paged], &[]).ok();
    assert!(run.stdout.contains("updated `lib`"), "{}", run.stdout);
    assert!(world.read("app/tenet.toml").contains("version = \"^2.0.0\""), "{}", world.read("app/tenet.toml"));
    // `TENET_REGISTRY_PAGE_SIZE` asks for smaller pages; the front pages by `last` all the same.
    std::fs::remove_dir_all(world.path("cache")).unwrap();
    world.consumer("app2", &paged);
    let run = world.tenet("app2", &["fetch"], &[("TENET_REGISTRY_PAGE_SIZE", "1")]).ok();
    assert!(run.stdout.contains("lib 1.10.0 from registry"), "{}", run.stdout);
}

#[test]
fn a_registry_that_never_finishes_its_answer_is_cut_off_at_the_timeout_given() {
    // A registry that starts an answer, then sends one byte every half second.
    let port = dripping_server(100_000, Duration::from_millis(500));
    let world = World::new();
    world.consumer("app", &format!("127.0.0.1:{port}/tenet/lib"));
    let started = std::time::Instant::now();
    let run = world.tenet("app", &["fetch", "--timeout", "2"], &[]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("tenet::pkg::registry"), "{}", run.stderr);
    // The report wraps long lines: compare its words.
    let words = run.stderr.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("did not finish answering in time (timeout)"), "{words}");
    assert!(words.contains("`--timeout SECONDS` allows a request longer than the default 60 s"), "{words}");
    // The answer would take 100,000 half-seconds; a generous bound shows the timeout held.
    assert!(started.elapsed() < Duration::from_secs(45), "took {:?}", started.elapsed());
    let run = world.tenet("app", &["fetch", "--timeout", "0"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--timeout"), "{}", run.stderr);
}
