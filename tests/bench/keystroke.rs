//! Keystroke → publishDiagnostics latency of `agentlint server`, measured from a client over stdio.
//! Run by hand, never in CI (timings depend on the machine):
//!
//! ```sh
//! cargo build --release -p agentlint
//! cargo run --release -p agentlint-e2e --bin bench-keystroke -- --lines 5000
//! ```
//!
//! Opens a generated agent module of `--lines` lines (Python, or TypeScript with `--typescript`:
//! Vercel AI SDK tools, or with `--mcp` an MCP server's; with `--dense`, a Python MCP server with
//! findings in every tool),
//! types `--keys` characters one at a time in the middle of it, and for each records the time from
//! sending `didChange` to receiving the `publishDiagnostics` for that version. Then a burst: 50
//! changes sent without waiting, timed until the last version's diagnostics arrive.
//!
//! With `--pull`, the client pulls diagnostics (`textDocument/diagnostic` after each change, with
//! the last report's id) instead of waiting for them to be pushed.
//!
//! With `--ruff PATH` (Python), the same client, file and keystrokes run against `ruff server`
//! (PyPI `ruff`) in the same run, and the ratio of the medians is printed.
//!
//! What is typed: a comment at the end of a line in a tool's body (the default), or with `--code`
//! a new statement there that binds a new name (`total = len(hits) + limit`): every keystroke
//! then changes what the file binds, the case the engine cannot keep its name resolution for.
//! With `--autoclose`, brackets are typed as editors type them by default: an opening bracket
//! inserts its closer too, and typing a closer that is already there steps over it (the editor
//! sends no change: no sample). Without it, every character is inserted as typed, so a statement
//! leaves a bracket open for a few keystrokes.

use std::time::{Duration, Instant};

use agentlint_e2e::bench::{
    python_dense_module, python_module, typescript_mcp_module, typescript_module,
};
use agentlint_e2e::{LspClient, agentlint_bin};
use serde_json::{Value, json};

struct Options {
    lines: usize,
    keys: usize,
    typescript: bool,
    code: bool,
    autoclose: bool,
    dense: bool,
    mcp: bool,
    pull: bool,
    ruff: Option<std::path::PathBuf>,
}

fn parse_args() -> Options {
    let mut options = Options {
        lines: 5000,
        keys: 200,
        typescript: false,
        code: false,
        autoclose: false,
        dense: false,
        mcp: false,
        pull: false,
        ruff: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lines" => options.lines = args.next().and_then(|v| v.parse().ok()).unwrap_or(5000),
            "--keys" => options.keys = args.next().and_then(|v| v.parse().ok()).unwrap_or(200),
            "--typescript" => options.typescript = true,
            "--code" => options.code = true,
            "--autoclose" => options.autoclose = true,
            "--dense" => options.dense = true,
            "--mcp" => options.mcp = true,
            "--pull" => options.pull = true,
            "--ruff" => options.ruff = args.next().map(Into::into),
            other => {
                eprintln!(
                    "unknown argument {other}; use --lines N, --keys N, --typescript, --code, --autoclose, --dense, --mcp, --pull, --ruff PATH"
                );
                std::process::exit(2);
            }
        }
    }
    options
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// What one server measured: the keystroke latencies, sorted.
struct Measured {
    samples: Vec<Duration>,
}

fn main() {
    let options = parse_args();
    let (text, language, name) = if options.typescript && options.mcp {
        (
            typescript_mcp_module(options.lines),
            "typescript",
            "bench.ts",
        )
    } else if options.typescript {
        (typescript_module(options.lines), "typescript", "bench.ts")
    } else if options.dense {
        (python_dense_module(options.lines), "python", "bench.py")
    } else {
        (python_module(options.lines), "python", "bench.py")
    };
    let line_count = text.lines().count();
    let bin = agentlint_bin();
    let mut typing = Typing::new(options.typescript, options.code);
    typing.autoclose = options.autoclose;
    typing.pull = options.pull;
    // A client that pulls diagnostics (`--pull`) asks for them after each change, with the id of
    // the last report: an unchanged report is a few bytes.
    let capabilities = if options.pull {
        json!({ "general": { "positionEncodings": ["utf-16"] }, "textDocument": { "diagnostic": {} } })
    } else {
        json!({ "general": { "positionEncodings": ["utf-16"] } })
    };
    println!(
        "keystroke benchmark\n  file:   {name}, {line_count} lines, {} KB\n  keys:   {} ({})",
        text.len() / 1024,
        options.keys,
        match (options.code, options.autoclose) {
            (true, false) => "a statement binding a new name",
            (true, true) => "a statement binding a new name, brackets closed as they open",
            (false, _) => "a comment",
        }
    );
    let agentlint = measure(
        &format!("agentlint ({})", bin.display()),
        LspClient::start(capabilities.clone(), None, json!({})).0,
        &text,
        language,
        name,
        options.keys,
        &typing,
    );
    if let Some(ruff) = &options.ruff {
        if options.typescript {
            eprintln!("--ruff compares on Python only");
            return;
        }
        let version = std::process::Command::new(ruff)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        // Ruff's security rules (flake8-bandit, `S`) are the closest to agentlint's.
        let (client, _) = LspClient::start_command(
            ruff,
            &["server"],
            capabilities,
            None,
            json!({ "settings": { "lint": { "select": ["S"] } } }),
        );
        let ruff = measure(
            &version,
            client,
            &text,
            language,
            name,
            options.keys,
            &typing,
        );
        let p50 = |m: &Measured| percentile(&m.samples, 50.0).as_secs_f64();
        let p99 = |m: &Measured| percentile(&m.samples, 99.0).as_secs_f64();
        println!(
            "  ratio (Ruff / agentlint): p50 {:.2}× · p99 {:.2}×",
            p50(&ruff) / p50(&agentlint),
            p99(&ruff) / p99(&agentlint)
        );
    }
}

/// Where and what to type.
struct Typing {
    /// The first line after the middle of the file that starts with this (in a tool's body).
    line_start: &'static str,
    text: &'static str,
    /// Brackets closed as they open (see the module's documentation).
    autoclose: bool,
    /// Diagnostics pulled (`textDocument/diagnostic`) rather than waited for.
    pull: bool,
}

impl Typing {
    fn new(typescript: bool, code: bool) -> Typing {
        match (typescript, code) {
            (false, false) => Typing {
                line_start: "hits",
                text: "  # keep the best matches first, then the rest in order",
                autoclose: false,
                pull: false,
            },
            (false, true) => Typing {
                line_start: "hits",
                text: "\n    total = len(hits) + limit",
                autoclose: false,
                pull: false,
            },
            (true, false) => Typing {
                line_start: "const hits",
                text: " // keep the best matches first, then the rest in order",
                autoclose: false,
                pull: false,
            },
            (true, true) => Typing {
                line_start: "const hits",
                text: "\n    const total = hits.length + limit;",
                autoclose: false,
                pull: false,
            },
        }
    }
}

/// Opens the file, types the keys one at a time, then a burst, printing the results.
fn measure(
    label: &str,
    mut client: LspClient,
    text: &str,
    language: &str,
    name: &str,
    keys: usize,
    typing: &Typing,
) -> Measured {
    println!("{label}");
    let line_count = text.lines().count();
    let uri = format!("file:///tmp/agentlint-bench/{name}");
    // The diagnostics of `version` once they are there, and the bytes of their JSON: pushed, or
    // pulled with the last report's id.
    let mut last_id = Value::Null;
    let mut receive = |client: &mut LspClient, version: i64| -> (usize, usize) {
        if typing.pull {
            let mut params = json!({ "textDocument": { "uri": uri } });
            if !last_id.is_null() {
                params["previousResultId"] = last_id.clone();
            }
            let report = client.request("textDocument/diagnostic", params)["result"].clone();
            last_id = report["resultId"].clone();
            let count = report["items"].as_array().map_or(0, Vec::len);
            (count, serde_json::to_vec(&report).map_or(0, |b| b.len()))
        } else {
            let diagnostics = client.diagnostics(&uri, Some(version));
            let bytes = serde_json::to_vec(&diagnostics).map_or(0, |b| b.len());
            (diagnostics.len(), bytes)
        }
    };
    let opened = Instant::now();
    client.open(&uri, language, 1, text);
    let (initial, _) = receive(&mut client, 1);
    let open = opened.elapsed();
    println!(
        "  open:   {} to first diagnostics ({} findings)",
        ms(open),
        initial
    );

    // Type in the middle of the file, at the end of a line inside a function body; the text
    // again at the end of what was typed until there are `keys` keystrokes.
    let lines: Vec<&str> = text.lines().collect();
    let mut target = (line_count / 2..line_count)
        .find(|&l| lines[l].trim_start().starts_with(typing.line_start))
        .unwrap_or(line_count / 2) as u32;
    let mut column = lines[target as usize].encode_utf16().count() as u32;
    let typed: String = typing.text.chars().cycle().take(keys).collect();
    let mut version = 1;
    let mut samples = Vec::with_capacity(keys);
    let mut bytes = 0usize;
    // The closers the editor inserted that are still ahead of the cursor.
    let mut closers: Vec<char> = Vec::new();
    for c in typed.chars() {
        if typing.autoclose && closers.last() == Some(&c) {
            // Stepping over a closer: no change.
            closers.pop();
            column += 1;
            continue;
        }
        let closer = match c {
            '(' => Some(')'),
            '[' => Some(']'),
            '{' => Some('}'),
            _ => None,
        }
        .filter(|_| typing.autoclose);
        let inserted = match closer {
            Some(closer) => {
                closers.push(closer);
                format!("{c}{closer}")
            }
            None => c.to_string(),
        };
        version += 1;
        let sent = Instant::now();
        client.change(&uri, version, (target, column), (target, column), &inserted);
        let (_, received) = receive(&mut client, version);
        samples.push(sent.elapsed());
        bytes += received;
        if std::env::var_os("AGENTLINT_BENCH_TRACE").is_some()
            && sent.elapsed() > Duration::from_millis(15)
        {
            eprintln!("slow: {c:?} at {target}:{column}: {}", ms(sent.elapsed()));
        }
        if c == '\n' {
            target += 1;
            column = 0;
        } else {
            column += c.len_utf16() as u32;
        }
    }
    samples.sort();
    println!(
        "  keystroke → publishDiagnostics: p50 {} · p90 {} · p99 {} · max {}",
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 90.0)),
        ms(percentile(&samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default())
    );
    println!(
        "  diagnostics sent per keystroke: {} KB (their JSON)",
        bytes / samples.len().max(1) / 1024
    );

    // Burst: 50 keystrokes without waiting; stale versions must be dropped, not queued.
    let burst = Instant::now();
    let first = version + 1;
    for c in "abcdefghij".repeat(5).chars() {
        version += 1;
        client.change(
            &uri,
            version,
            (target, column),
            (target, column),
            &c.to_string(),
        );
        column += 1;
    }
    let _ = receive(&mut client, version);
    let burst_time = burst.elapsed();
    let published_stale = client
        .seen
        .iter()
        .filter(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["version"]
                    .as_i64()
                    .is_some_and(|v| v >= first && v < version)
        })
        .count();
    println!(
        "  burst of 50 changes → final diagnostics: {} ({} of 49 intermediate versions published)",
        ms(burst_time),
        published_stale
    );
    let _ = client.shutdown();
    Measured { samples }
}
