//! A guard between the editor's stdio and tower-lsp-server.
//!
//! tower-lsp-server answers a malformed message with an error, but its framed reader then ends
//! the input stream, and the server stops serving. This guard reads the frames itself, forwards
//! only messages that parse as JSON-RPC, and answers everything else itself (`-32700` for text
//! that is not JSON, `-32600` for JSON that is not a JSON-RPC message, echoing the `id` when it can
//! be read). Output from the server is forwarded a whole frame at a time, so the guard's own
//! answers never interleave with it.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
    DuplexStream,
};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Bodies larger than this are refused (and skipped) rather than buffered.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// One frame read from the input.
#[derive(Debug, PartialEq)]
enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length`.
    BadHeader(String),
}

/// Reads the next frame; `None` at end of input.
async fn read_frame(reader: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank lines between frames
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("invalid Content-Length `{}`", value.trim())),
            );
        }
    }
    match length {
        None => Ok(Some(Frame::BadHeader(
            "missing Content-Length header".to_string(),
        ))),
        Some(Err(e)) => Ok(Some(Frame::BadHeader(e))),
        Some(Ok(n)) if n > MAX_BODY_BYTES => Ok(Some(Frame::BadHeader(format!(
            "Content-Length {n} is over the {MAX_BODY_BYTES}-byte limit"
        )))),
        Some(Ok(n)) => {
            let mut body = vec![0; n];
            reader.read_exact(&mut body).await?;
            Ok(Some(Frame::Body(body)))
        }
    }
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The error response for a body tower-lsp-server would reject, or `None` if it is a message.
fn reject(body: &[u8]) -> Option<Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) => {
            return Some(json!({
                "jsonrpc": "2.0",
                "id": null,
                "error": { "code": -32700, "message": "Parse error: the message body is not JSON" },
            }));
        }
    };
    let is_message = serde_json::from_value::<Request>(value.clone()).is_ok()
        || serde_json::from_value::<Response>(value.clone()).is_ok();
    if is_message {
        return None;
    }
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned()
        .unwrap_or(Value::Null);
    Some(json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": -32600, "message": "Invalid request: not a JSON-RPC 2.0 message" },
    }))
}

/// The guarded streams to hand to tower-lsp-server, and the task forwarding its output (await it
/// after the server finishes, so the last messages are flushed).
pub struct Guarded {
    pub input: DuplexStream,
    pub output: DuplexStream,
    pub forward_output: JoinHandle<()>,
}

pub fn guard<I, O>(input: I, output: O) -> Guarded
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (server_input, mut feed) = tokio::io::duplex(1 << 16);
    let (server_output, drain) = tokio::io::duplex(1 << 16);
    let output = Arc::new(Mutex::new(output));

    let answers = output.clone();
    tokio::spawn(async move {
        let mut reader = BufReader::new(input);
        loop {
            let frame = match read_frame(&mut reader).await {
                Ok(Some(frame)) => frame,
                Ok(None) | Err(_) => break, // end of input: the server sees EOF and stops
            };
            let answer = match frame {
                Frame::Body(body) => match reject(&body) {
                    None => {
                        if feed.write_all(&framed(&body)).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    Some(answer) => answer,
                },
                Frame::BadHeader(problem) => {
                    tracing::warn!("malformed message header: {problem}");
                    json!({
                        "jsonrpc": "2.0",
                        "id": null,
                        "error": { "code": -32700, "message": format!("Parse error: {problem}") },
                    })
                }
            };
            tracing::warn!("answered a malformed message: {answer}");
            let mut out = answers.lock().await;
            let _ = out.write_all(&framed(answer.to_string().as_bytes())).await;
            let _ = out.flush().await;
        }
        let _ = feed.shutdown().await;
    });

    let forward_output = tokio::spawn(async move {
        let mut reader = BufReader::new(drain);
        while let Ok(Some(Frame::Body(body))) = read_frame(&mut reader).await {
            let mut out = output.lock().await;
            if out.write_all(&framed(&body)).await.is_err() || out.flush().await.is_err() {
                break;
            }
        }
    });

    Guarded {
        input: server_input,
        output: server_output,
        forward_output,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read_frame(&mut reader).await {
            out.push(frame);
        }
        out
    }

    #[tokio::test]
    async fn frames_and_bad_headers() {
        let input = b"Content-Length: 2\r\n\r\n{}garbage line\r\n\r\nContent-Length: x\r\n\r\ncontent-length: 4\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nnull";
        assert_eq!(
            frames(input).await,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::BadHeader("missing Content-Length header".into()),
                Frame::BadHeader("invalid Content-Length `x`".into()),
                Frame::Body(b"null".to_vec()),
            ]
        );
    }

    #[test]
    fn only_json_rpc_messages_pass() {
        assert!(reject(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_none());
        assert!(reject(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_none());
        assert!(reject(br#"{"jsonrpc":"2.0","id":3,"result":null}"#).is_none());
        assert_eq!(reject(b"{not json").unwrap()["error"]["code"], -32700);
        let invalid = reject(br#"{"id":7,"hello":"world"}"#).unwrap();
        assert_eq!(
            (invalid["error"]["code"].clone(), invalid["id"].clone()),
            (json!(-32600), json!(7))
        );
        assert_eq!(reject(b"[1,2]").unwrap()["error"]["code"], -32600);
    }
}
