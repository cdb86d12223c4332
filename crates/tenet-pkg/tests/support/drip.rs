//! A registry that never finishes its answer: it sends a response's head at once, then its
//! body one byte at a time. Shared by `tenet-pkg`'s transport tests and `tenet-cli`'s
//! (`#[path]`), which check that a request is cut off at its timeout.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Starts the server on 127.0.0.1 and returns its port. Each answer claims `body_len` bytes
/// and sends one every `every`.
pub fn dripping_server(body_len: usize, every: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    line.clear();
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..body_len {
                    std::thread::sleep(every);
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}
