//! The framing between the client and tower-lsp-server. tower-lsp-server ends the session on a
//! message it cannot read, so every message passes through here first: its header and size are
//! checked, its body must be UTF-8 JSON, one object, of JSON-RPC 2.0. A message that is not
//! gets the error response the JSON-RPC specification prescribes (when it has an id to answer),
//! and the session goes on. The server's own messages are passed to the client whole, one at a
//! time, so the error responses written here never cut into them.

use serde_json::{Value, json};
use std::sync::Arc;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Mutex;

/// The largest message read whole: larger ones are skipped, with an error response.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The longest header line read; a longer one is skipped.
const MAX_HEADER_LINE: usize = 8 << 10;

/// JSON-RPC's error codes used here.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// One message read from a stream.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body of the size its header gave.
    Body(Vec<u8>),
    /// Something that is not a message, and why; reading goes on after it.
    Bad(String),
    /// The stream ended.
    End,
}

/// Reads the next message: headers up to an empty line, then `Content-Length` bytes.
pub async fn read_frame<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut bad_length: Option<String> = None;
    let mut headers = 0usize;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut *reader).take(MAX_HEADER_LINE as u64).read_until(b'\n', &mut line).await?;
        if read == 0 {
            return Ok(if headers == 0 { Frame::End } else { Frame::Bad("the stream ended inside a header".into()) });
        }
        if !line.ends_with(b"\n") {
            // Too long to be a header: skip the rest of the line.
            skip_line(reader).await?;
            return Ok(Frame::Bad(format!("a header line longer than {MAX_HEADER_LINE} bytes")));
        }
        headers += 1;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
            if length.is_none() {
                bad_length = Some(value.trim().to_string());
            }
        }
    }
    if let Some(value) = bad_length {
        return Ok(Frame::Bad(format!("`{value}` is not a length")));
    }
    let Some(length) = length else {
        return Ok(Frame::Bad("a message without a `Content-Length` header".into()));
    };
    if length > MAX_MESSAGE_BYTES {
        let skipped = tokio::io::copy(&mut (&mut *reader).take(length as u64), &mut tokio::io::sink()).await?;
        return Ok(Frame::Bad(format!(
            "a message of {length} bytes, more than the limit of {MAX_MESSAGE_BYTES} ({skipped} skipped)"
        )));
    }
    let mut body = vec![0; length];
    match reader.read_exact(&mut body).await {
        Ok(_) => Ok(Frame::Body(body)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Ok(Frame::Bad(format!("the stream ended inside a message of {length} bytes")))
        }
        Err(e) => Err(e),
    }
}

async fn skip_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// What to do with a message from the client.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Pass it to the server.
    Forward,
    /// Answer it with this error response instead (`None`: a notification, dropped).
    Refuse(Option<Value>),
}

/// Checks a message body from the client.
pub fn judge(body: &[u8]) -> Verdict {
    let Ok(text) = std::str::from_utf8(body) else {
        return Verdict::Refuse(Some(error(Value::Null, PARSE_ERROR, "the message is not valid UTF-8")));
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return Verdict::Refuse(Some(error(Value::Null, PARSE_ERROR, &format!("the message is not JSON: {e}"))));
        }
    };
    let Some(object) = value.as_object() else {
        let what = if value.is_array() { "batch requests are not supported" } else { "a message must be an object" };
        return Verdict::Refuse(Some(error(Value::Null, INVALID_REQUEST, what)));
    };
    // An id that is not a number or a string cannot be answered with it.
    let id = match object.get("id") {
        None => None,
        Some(id @ (Value::Number(_) | Value::String(_))) => Some(id.clone()),
        Some(Value::Null) => Some(Value::Null),
        Some(_) => {
            return Verdict::Refuse(Some(error(Value::Null, INVALID_REQUEST, "an id must be a number or a string")));
        }
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Verdict::Refuse(
            id.map(|id| error(id, INVALID_REQUEST, "only JSON-RPC 2.0 (`\"jsonrpc\": \"2.0\"`) is spoken")),
        );
    }
    let method = object.get("method").and_then(Value::as_str);
    let is_response = object.contains_key("result") || object.contains_key("error");
    match (method, id) {
        (None, id) if !is_response => {
            Verdict::Refuse(id.map(|id| error(id, INVALID_REQUEST, "a request needs a `method`")))
        }
        // Protocol-dependent requests this server does not implement get "method not found",
        // as the protocol requires (its notifications, such as `$/cancelRequest`, pass).
        (Some(method), Some(id)) if method.starts_with("$/") => {
            Verdict::Refuse(Some(error(id, METHOD_NOT_FOUND, &format!("`{method}` is not implemented"))))
        }
        _ => Verdict::Forward,
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Writes one message, header and body, in one go.
pub async fn write_frame<W: AsyncWrite + Unpin>(writer: &Mutex<W>, body: &[u8]) -> std::io::Result<()> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    let mut writer = writer.lock().await;
    writer.write_all(&out).await?;
    writer.flush().await
}

/// Reads the client's messages from `input`, forwards the good ones to `server`, and answers the
/// bad ones on `output`, until `input` ends.
pub async fn screen<R, S, W>(mut input: R, mut server: S, output: Arc<Mutex<W>>) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    S: AsyncWrite + Unpin,
    W: AsyncWrite + Unpin,
{
    loop {
        match read_frame(&mut input).await? {
            Frame::End => return Ok(()),
            Frame::Bad(why) => {
                let response = error(Value::Null, PARSE_ERROR, &why);
                write_frame(&output, response.to_string().as_bytes()).await?;
            }
            Frame::Body(body) => match judge(&body) {
                Verdict::Forward => {
                    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                    frame.extend_from_slice(&body);
                    server.write_all(&frame).await?;
                    server.flush().await?;
                }
                Verdict::Refuse(Some(response)) => write_frame(&output, response.to_string().as_bytes()).await?,
                Verdict::Refuse(None) => {}
            },
        }
    }
}

/// Passes the server's messages from `server` to `output` whole, until `server` ends.
pub async fn relay<R, W>(mut server: R, output: Arc<Mutex<W>>) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    loop {
        match read_frame(&mut server).await? {
            Frame::End => return Ok(()),
            Frame::Body(body) => write_frame(&output, &body).await?,
            // The server frames its own messages; nothing it writes is bad.
            Frame::Bad(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = tokio::io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            match read_frame(&mut reader).await {
                Ok(Frame::End) | Err(_) => return out,
                Ok(frame) => out.push(frame),
            }
        }
    }

    #[tokio::test]
    async fn frames_are_read_and_bad_ones_do_not_stop_the_reading() {
        let input =
            b"Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\nContent-Length: nine\r\n\r\nContent-Length: 2\r\n\r\n[]";
        let got = frames(input).await;
        assert_eq!(got.first(), Some(&Frame::Body(b"{}".to_vec())));
        assert!(matches!(got.get(1), Some(Frame::Bad(why)) if why.contains("without a `Content-Length`")));
        assert!(matches!(got.get(2), Some(Frame::Bad(why)) if why.contains("`nine` is not a length")));
        assert_eq!(got.get(3), Some(&Frame::Body(b"[]".to_vec())));
    }

    #[tokio::test]
    async fn an_absurd_length_is_skipped_not_allocated() {
        let input = format!("Content-Length: {}\r\n\r\nshort", MAX_MESSAGE_BYTES + 1);
        let got = frames(input.as_bytes()).await;
        assert!(matches!(got.first(), Some(Frame::Bad(why)) if why.contains("more than the limit")), "{got:?}");
    }

    #[test]
    fn bad_bodies_get_the_error_the_specification_prescribes() {
        let code = |body: &[u8]| match judge(body) {
            Verdict::Refuse(Some(response)) => response["error"]["code"].as_i64(),
            Verdict::Refuse(None) => Some(0),
            Verdict::Forward => None,
        };
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#), None);
        assert_eq!(code(br#"{"jsonrpc":"2.0","method":"initialized"}"#), None);
        assert_eq!(code(b"{bad}"), Some(PARSE_ERROR));
        assert_eq!(code(b"\xff\xfe"), Some(PARSE_ERROR));
        assert_eq!(code(br#"[{"jsonrpc":"2.0","id":1,"method":"x"}]"#), Some(INVALID_REQUEST));
        assert_eq!(code(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#), Some(INVALID_REQUEST));
        assert_eq!(code(br#"{"jsonrpc":"1.0","method":"x"}"#), Some(0), "a notification is dropped");
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#), Some(INVALID_REQUEST));
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":3}"#), Some(INVALID_REQUEST));
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":4,"method":"$/unknown"}"#), Some(METHOD_NOT_FOUND));
        assert_eq!(code(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":4}}"#), None);
    }
}
