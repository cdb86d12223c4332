//! A minimal LSP client that drives the real `tenet lsp` binary over stdio: frames JSON-RPC
//! messages, waits for responses with a timeout, and keeps the notifications it sees.

#![allow(dead_code, reason = "shared by several test and benchmark binaries, each using part of it")]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long any single response may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The fixture workspaces, under the repository's `tests/lsp`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lsp").join(name).canonicalize().expect("fixture exists")
}

/// The `file:` URI of a path (ASCII paths only, which the fixtures are).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A running server.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for responses.
    pub notifications: VecDeque<Value>,
    next_id: i64,
    root: PathBuf,
    /// `XDG_CACHE_HOME` of the server, where it writes the standard library.
    cache: tempfile::TempDir,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok().map(sorted)
}

/// The value with every object's keys in sorted order, so snapshots do not depend on whether
/// `serde_json` keeps insertion order (a feature another crate of the workspace may turn on).
pub fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

impl Server {
    /// Starts `tenet lsp` and initializes it on `root` with a fixed date.
    pub fn start(root: &Path) -> (Server, Value) {
        Self::start_with(root, json!({ "today": "2026-11-28" }))
    }

    /// Starts `tenet lsp` and initializes it on `root` with these `initializationOptions`.
    pub fn start_with(root: &Path, options: Value) -> (Server, Value) {
        let cache = tempfile::tempdir().expect("temporary cache directory");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tenet lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            messages,
            notifications: VecDeque::new(),
            next_id: 1,
            root: root.to_path_buf(),
            cache,
        };
        let result = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {},
                "initializationOptions": options
            }),
        );
        server.notify("initialized", json!({}));
        (server, result)
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The URI of a file under the root.
    pub fn uri_of(&self, relative: &str) -> String {
        uri(&self.root.join(relative))
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    /// Sends a request and waits for its response: the `result`, or the `error` object.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_message(deadline, method);
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => json!({ "error": error }),
                    None => message.get("result").cloned().unwrap_or(Value::Null),
                };
            }
            if message.get("id").is_some() && message.get("method").is_some() {
                // A request from the server (e.g. registration): answer it.
                let reply = json!({ "jsonrpc": "2.0", "id": message["id"].clone(), "result": null });
                self.send(&reply);
                continue;
            }
            self.notifications.push_back(message);
        }
    }

    fn next_message(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no answer to `{waiting_for}` within {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait().ok().flatten();
                panic!("the server closed its output while we waited for `{waiting_for}` (exit: {status:?})")
            }
        }
    }

    /// Waits for `textDocument/publishDiagnostics` for `uri` (with `version` if given) and
    /// returns its params.
    pub fn diagnostics_for(&mut self, uri: &str, version: Option<i64>) -> Value {
        self.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri && version.is_none_or(|v| params["version"] == json!(v))
        })
    }

    /// Whether a notification `method` has arrived and not been taken yet (without waiting).
    pub fn received(&self, method: &str) -> bool {
        self.notifications.iter().any(|m| m["method"] == method)
    }

    /// Waits for a notification `method` whose params satisfy `wanted` and returns them.
    pub fn notification(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let matches = |m: &Value| m["method"] == method && wanted(&m["params"]);
        if let Some(i) = self.notifications.iter().position(matches) {
            return self.notifications.remove(i).map(|m| m["params"].clone()).unwrap_or(Value::Null);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_message(deadline, method);
            if matches(&message) {
                return message["params"].clone();
            }
            self.notifications.push_back(message);
        }
    }

    /// Opens a file of the workspace with its text on disk (or `text`).
    pub fn open(&mut self, relative: &str, text: Option<&str>) -> String {
        let uri = self.uri_of(relative);
        let text = match text {
            Some(t) => t.to_string(),
            None => std::fs::read_to_string(self.root.join(relative)).expect("fixture file"),
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "tenet", "version": 1, "text": text } }),
        );
        uri
    }

    /// `{ textDocument, position }` params.
    pub fn at(&self, uri: &str, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
    }

    /// Replaces the root's URI with `file:///WORKSPACE` and the standard library's with
    /// `file:///STD` so snapshots do not depend on where the repository is.
    pub fn redact(&self, value: &Value) -> Value {
        let std = uri(&self.cache.path().join("tenet").join(format!("std-{}", env!("CARGO_PKG_VERSION"))));
        let text = value.to_string().replace(&uri(&self.root), "file:///WORKSPACE").replace(&std, "file:///STD");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Shuts the server down and checks that it exits cleanly.
    pub fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null, "shutdown answers null");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "the server exits cleanly, got {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit after `exit`");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A small deterministic generator (xorshift), so a failing sequence can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}
