//! A guard between the editor's stdio and tower-lsp-server.
//!
//! tower-lsp-server answers a malformed message with an error, but its framed reader then ends
//! the input stream, and the server stops serving. This guard reads the frames itself, forwards
//! only messages that parse as JSON-RPC, and answers everything else itself (`-32700` for text
//! that is not JSON, `-32600` for JSON that is not a JSON-RPC message, echoing the `id` when it can
//! be read).
//!
//! Both ends are plain threads: one reads the input and hands each whole message to the server,
//! one writes what is sent to the output in order. Every message is sent whole, so the guard's
//! own answers never interleave with the server's. (Tokio's stdin and stdout go through its
//! blocking pool for every read and write, and a forwarding task in between cost two more thread
//! hand-offs per message: about a quarter of a millisecond per keystroke.)

use std::io::{BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
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
fn read_frame(reader: &mut impl BufRead) -> std::io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
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
            reader.read_exact(&mut body)?;
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

/// What the writer thread is asked to do.
enum Out {
    /// Write these bytes (whole messages).
    Bytes(Vec<u8>),
    /// Say when everything sent before is written.
    Flushed(mpsc::Sender<()>),
}

/// The guarded streams to hand to tower-lsp-server.
pub struct Guarded {
    pub input: ChannelReader,
    pub output: ChannelWriter,
}

/// Waits for the output thread to write what was sent (see [`ChannelWriter::flusher`]).
pub struct Flusher {
    tx: mpsc::Sender<Out>,
}

impl Flusher {
    /// Waits (up to `timeout`) until everything sent so far has been written.
    pub fn wait(&self, timeout: Duration) {
        let (done, wait) = mpsc::channel();
        if self.tx.send(Out::Flushed(done)).is_ok() {
            let _ = wait.recv_timeout(timeout);
        }
    }
}

/// Starts the input and output threads. An error only if a thread cannot be started.
pub fn guard<I, O>(input: I, output: O) -> std::io::Result<Guarded>
where
    I: Read + Send + 'static,
    O: Write + Send + 'static,
{
    let (out_tx, out_rx) = mpsc::channel::<Out>();
    let (in_tx, in_rx) = unbounded_channel::<Vec<u8>>();
    let sink: Sink = Arc::new(Mutex::new(Box::new(output)));

    std::thread::Builder::new()
        .name("agentlint-stdout".into())
        .spawn({
            let sink = sink.clone();
            move || write_all(out_rx, &sink)
        })?;

    let answers = out_tx.clone();
    std::thread::Builder::new()
        .name("agentlint-stdin".into())
        .spawn(move || read_all(input, &in_tx, &answers))?;

    Ok(Guarded {
        input: ChannelReader {
            rx: in_rx,
            pending: Vec::new(),
            at: 0,
        },
        output: ChannelWriter { tx: out_tx, sink },
    })
}

/// The input thread: frames in, messages to the server, answers to the malformed.
fn read_all(input: impl Read, server: &UnboundedSender<Vec<u8>>, answers: &mpsc::Sender<Out>) {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    loop {
        let frame = match read_frame(&mut reader) {
            Ok(Some(frame)) => {
                super::step!("message read");
                frame
            }
            // End of input: dropping the sender ends the server's input, and it stops.
            Ok(None) | Err(_) => return,
        };
        let answer = match frame {
            Frame::Body(body) => match reject(&body) {
                None => {
                    if server.send(framed(&body)).is_err() {
                        return;
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
        let _ = answers.send(Out::Bytes(framed(answer.to_string().as_bytes())));
    }
}

/// The output, shared by the output thread and [`Notifier::notify_now`]; each writes whole
/// messages while holding it.
type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

fn lock(sink: &Sink) -> std::sync::MutexGuard<'_, Box<dyn Write + Send>> {
    sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The output thread: writes what it is sent, in order, flushing when nothing more is waiting.
fn write_all(messages: mpsc::Receiver<Out>, sink: &Sink) {
    let mut broken = false;
    while let Ok(first) = messages.recv() {
        let mut output = lock(sink);
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Out::Bytes(bytes) => {
                    broken = broken || output.write_all(&bytes).is_err();
                }
                Out::Flushed(done) => {
                    broken = broken || output.flush().is_err();
                    let _ = done.send(());
                }
            }
            next = messages.try_recv().ok();
        }
        broken = broken || output.flush().is_err();
        drop(output);
        super::step!("written");
    }
}

/// The server's input: the messages the input thread passed on, as a byte stream.
pub struct ChannelReader {
    rx: UnboundedReceiver<Vec<u8>>,
    pending: Vec<u8>,
    at: usize,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.at == this.pending.len() {
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(bytes)) => {
                    this.pending = bytes;
                    this.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())), // end of input
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(this.pending.len() - this.at);
        buf.put_slice(&this.pending[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

/// Sends notifications to the editor directly, past tower-lsp-server's client (which turns
/// the parameters into a JSON value, queues it for a task that serialises it again, and only
/// then writes): diagnostics reach the editor a fifth of a millisecond sooner. Each message is
/// whole, so it never interleaves with the server's own.
#[derive(Clone)]
pub struct Notifier {
    tx: mpsc::Sender<Out>,
    sink: Sink,
}

impl Notifier {
    /// Writes the notification `method` with `params` on this thread (no hand-off to the
    /// output thread: another tenth of a millisecond). It blocks while the editor does not
    /// read, so only threads that may block call it, never an async task.
    pub fn notify_now(&self, method: &str, params: &impl serde::Serialize) {
        if let Some(bytes) = notification(method, params) {
            let mut output = lock(&self.sink);
            let _ = output.write_all(&bytes).and_then(|()| output.flush());
            drop(output);
            super::step!("written");
        }
    }

    /// Queues the notification for the output thread (for async tasks, which must not block).
    pub fn notify(&self, method: &str, params: &impl serde::Serialize) {
        if let Some(bytes) = notification(method, params) {
            let _ = self.tx.send(Out::Bytes(bytes));
        }
    }
}

/// A notification, framed.
fn notification(method: &str, params: &impl serde::Serialize) -> Option<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let body = serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method,
        params,
    })
    .ok()?;
    Some(framed(&body))
}

/// The server's output: each write is handed whole to the output thread. (tower-lsp-server
/// encodes every message whole before writing, so a write never holds part of one.)
pub struct ChannelWriter {
    tx: mpsc::Sender<Out>,
    sink: Sink,
}

impl ChannelWriter {
    /// A way to send notifications past tower-lsp-server (see [`Notifier`]).
    pub fn notifier(&self) -> Notifier {
        Notifier {
            tx: self.tx.clone(),
            sink: self.sink.clone(),
        }
    }

    /// A way to wait, after the server stops, for its last messages to be written.
    pub fn flusher(&self) -> Flusher {
        Flusher {
            tx: self.tx.clone(),
        }
    }
}

impl AsyncWrite for ChannelWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(match self.tx.send(Out::Bytes(buf.to_vec())) {
            Ok(()) => Ok(buf.len()),
            Err(_) => Err(std::io::ErrorKind::BrokenPipe.into()),
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read_frame(&mut reader) {
            out.push(frame);
        }
        out
    }

    /// An output the test can read while the guard writes to it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn messages(&self) -> Vec<Value> {
            let bytes = self.0.lock().unwrap().clone();
            frames(&bytes)
                .into_iter()
                .map(|f| match f {
                    Frame::Body(body) => serde_json::from_slice(&body).unwrap(),
                    Frame::BadHeader(e) => panic!("the guard wrote a bad frame: {e}"),
                })
                .collect()
        }
    }

    #[tokio::test]
    async fn the_server_reads_only_messages_and_every_write_arrives_whole_in_order() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let mut input = framed(b"{not json}");
        input.extend(framed(request));
        input.extend(framed(br#"{"id":7}"#));
        let output = Shared::default();
        let Guarded {
            input: mut server_input,
            output: mut server_output,
        } = guard(std::io::Cursor::new(input), output.clone()).unwrap();
        let flusher = server_output.flusher();
        let notifier = server_output.notifier();

        // The server reads the one message, then the end of its input.
        let mut read = Vec::new();
        server_input.read_to_end(&mut read).await.unwrap();
        assert_eq!(read, framed(request));

        // What the server writes, what is queued and what is written at once all arrive whole,
        // after the guard's two answers.
        server_output
            .write_all(&framed(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#))
            .await
            .unwrap();
        flusher.wait(Duration::from_secs(5));
        notifier.notify(
            "window/logMessage",
            &json!({ "type": 4, "message": "queued" }),
        );
        flusher.wait(Duration::from_secs(5));
        notifier.notify_now(
            "textDocument/publishDiagnostics",
            &json!({ "uri": "file:///a.py", "diagnostics": [] }),
        );
        let messages = output.messages();
        let codes: Vec<_> = messages
            .iter()
            .map(|m| m["error"]["code"].clone())
            .collect();
        assert_eq!(&codes[..2], &[json!(-32700), json!(-32600)]);
        assert_eq!(messages[1]["id"], 7);
        assert_eq!(messages[2]["result"], json!({}));
        assert_eq!(messages[3]["params"]["message"], "queued");
        assert_eq!(messages[4]["method"], "textDocument/publishDiagnostics");
        assert_eq!(messages.len(), 5);
    }

    #[test]
    fn frames_and_bad_headers() {
        let input = b"Content-Length: 2\r\n\r\n{}garbage line\r\n\r\nContent-Length: x\r\n\r\ncontent-length: 4\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nnull";
        assert_eq!(
            frames(input),
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
