//! `tenet lsp` as a client that misbehaves sees it: bad framing, invalid JSON and UTF-8,
//! batches, wrong versions and `$/` requests get JSON-RPC errors and the session goes on; `exit`
//! without `shutdown` ends with status 1, as the protocol asks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// The server's working directory, removed when the test ends.
    _dir: tempfile::TempDir,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .arg("lsp")
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            loop {
                line.clear();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let Some(length) = line
                    .to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|n| n.trim().parse::<usize>().unwrap())
                else {
                    continue;
                };
                line.clear();
                stdout.read_line(&mut line).unwrap();
                let mut body = vec![0; length];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, messages, _dir: dir }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&frame(message.to_string().as_bytes()));
    }

    /// The next message that is not a notification from the server.
    fn response(&self) -> Value {
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(30)).expect("a response");
            if message.get("method").is_none() {
                return message;
            }
        }
    }

    fn initialize(&mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
        assert!(self.response()["result"]["capabilities"].is_object());
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    fn exit_status(mut self) -> Option<i32> {
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        drop(self.stdin);
        self.child.wait().unwrap().code()
    }
}

#[test]
fn bad_messages_get_errors_and_the_session_goes_on() {
    let mut server = Server::start();
    server.initialize();
    let error_code = |m: &Value| m["error"]["code"].as_i64();

    server.send_raw(&frame(b"{bad}"));
    assert_eq!(error_code(&server.response()), Some(-32700));
    server.send_raw(&frame(b"\xff\xfe\xfd"));
    assert_eq!(error_code(&server.response()), Some(-32700));
    server.send_raw(&frame(br#"[{"jsonrpc":"2.0","id":8,"method":"shutdown"}]"#));
    assert_eq!(error_code(&server.response()), Some(-32600));
    server.send_raw(b"X-Not-A-Length: 3\r\n\r\n");
    let missing = server.response();
    assert_eq!(error_code(&missing), Some(-32700));
    assert!(missing["error"]["message"].as_str().unwrap().contains("Content-Length"), "{missing}");
    server.send(json!({"jsonrpc": "1.0", "id": 5, "method": "textDocument/hover"}));
    let old = server.response();
    assert_eq!((old["id"].as_i64(), error_code(&old)), (Some(5), Some(-32600)));
    server.send(json!({"jsonrpc": "2.0", "id": 6, "method": "$/somethingNew", "params": {}}));
    let unknown = server.response();
    assert_eq!((unknown["id"].as_i64(), error_code(&unknown)), (Some(6), Some(-32601)));

    // Still serving: a request about a document never opened, at a position out of range.
    let hover = json!({"textDocument": {"uri": "file:///nowhere.tenet"}, "position": {"line": 999, "character": 999}});
    server.send(json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": hover}));
    let answer = server.response();
    assert_eq!((answer["id"].as_i64(), answer.get("error")), (Some(7), None), "{answer}");
    server.send(json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}));
    assert_eq!(server.response()["id"].as_i64(), Some(9));
    assert_eq!(server.exit_status(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let mut server = Server::start();
    server.initialize();
    assert_eq!(server.exit_status(), Some(1));
}

#[test]
fn requests_before_initialize_are_refused_and_the_session_goes_on() {
    let mut server = Server::start();
    let hover = json!({"textDocument": {"uri": "file:///early.tenet"}, "position": {"line": 0, "character": 0}});
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": hover}));
    let early = server.response();
    assert_eq!((early["id"].as_i64(), early["error"]["code"].as_i64()), (Some(3), Some(-32002)), "{early}");
    // A notification before initialize is dropped without an answer; initialize still works.
    server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": "file:///early.tenet", "version": 2},
        "contentChanges": [{"text": "package early\n"}]
    }}));
    server.initialize();
    // An edit to a document never opened, then requests about it, far out of range.
    server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": "file:///never-opened.tenet", "version": 7},
        "contentChanges": [{"range": {"start": {"line": 40, "character": 3}, "end": {"line": 2, "character": 0}}, "text": "x"}]
    }}));
    for (id, method) in [(4, "textDocument/hover"), (5, "textDocument/completion"), (6, "textDocument/definition")] {
        let params = json!({"textDocument": {"uri": "file:///never-opened.tenet"},
            "position": {"line": 4_000_000, "character": 4_000_000}});
        server.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let answer = server.response();
        assert_eq!((answer["id"].as_i64(), answer.get("error")), (Some(id), None), "{method}: {answer}");
    }
    server.send(json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}));
    assert_eq!(server.response()["id"].as_i64(), Some(9));
    assert_eq!(server.exit_status(), Some(0));
}

/// The hostile corpus's traffic (tests/hostile/README.md), sent in one burst after
/// `initialize`: every bad message gets its error, and `shutdown` is still answered.
#[test]
fn a_burst_of_hostile_framing_gets_errors_and_shutdown_is_still_answered() {
    let mut server = Server::start();
    server.initialize();
    let mut traffic = Vec::new();
    traffic.extend(b"Content-Length: 99999999999999999999\r\n\r\n");
    traffic.extend(format!("X-Huge: {}\r\n\r\n", "h".repeat(100_000)).into_bytes());
    traffic.extend(frame(
        b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///x.tenet\",\"languageId\":\"tenet\",\"version\":1,\"text\":\"\xff\xfe\"}}}",
    ));
    traffic.extend(frame(br#"[1,2,3]"#));
    traffic.extend(frame(br#"{"jsonrpc":"2.0","id":{"odd":true},"method":"shutdown"}"#));
    traffic.extend(frame(br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#));
    server.send_raw(&traffic);
    let mut seen = Vec::new();
    loop {
        let answer = server.response();
        let done = answer["id"] == 2;
        seen.push(answer);
        if done {
            break;
        }
    }
    let all = seen.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    assert!(all.contains("is not a length") && all.contains("a header line longer than 8192 bytes"), "{all}");
    assert!(all.contains("the message is not valid UTF-8"), "{all}");
    assert!(
        all.contains("batch requests are not supported") && all.contains("an id must be a number or a string"),
        "{all}"
    );
    assert_eq!(seen.last().unwrap().get("result"), Some(&Value::Null), "shutdown answered: {all}");
    assert_eq!(server.exit_status(), Some(0), "exit after shutdown is 0");
}
