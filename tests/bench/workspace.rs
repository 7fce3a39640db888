//! A large workspace: the time from `initialized` to a complete index and the server's memory
//! then, the time for an edit of a helper in one file to update a tool's diagnostic in another
//! open file, and keystrokes in a large agent module of the workspace (whose model calls make
//! every analysis ask for the project's privacy view, made from every file's summary). Run by
//! hand:
//!
//! ```sh
//! cargo build --release -p agentlint -p agentlint-e2e --bins
//! target/release/bench-workspace --files 10000
//! ```

use std::time::{Duration, Instant};

use agentlint_e2e::bench::python_module;
use agentlint_e2e::{LspClient, file_uri};
use serde_json::json;

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut files = 10_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--files" => files = args.next().and_then(|v| v.parse().ok()).unwrap_or(files),
            other => {
                eprintln!("unknown argument {other}; use --files N");
                std::process::exit(2);
            }
        }
    }
    let dir =
        std::env::temp_dir().join(format!("agentlint-bench-workspace-{}", std::process::id()));
    let root = dir.as_path();
    // Packages of 50 modules each: helpers that other modules' tools call, in Python and
    // TypeScript, about 40 lines per file.
    let mut bytes = 0;
    for i in 0..files {
        let package = root.join(format!("pkg{}", i / 50));
        std::fs::create_dir_all(&package).expect("package directory");
        let (name, text) = if i % 4 == 3 {
            (
                format!("mod{i}.ts"),
                format!(
                    "import {{ tool }} from \"ai\";\nimport {{ z }} from \"zod\";\nimport {{ readFile }} from \"node:fs/promises\";\n\nexport async function load{i}(path: string): Promise<string> {{\n  return readFile(path, \"utf8\");\n}}\n\nexport const search{i} = tool({{\n  description: \"Search the notes for a query.\",\n  parameters: z.object({{ query: z.string() }}),\n  execute: async ({{ query }}) => {{\n    const text = await load{i}(`notes/${{query}}.md`);\n    return text.split(\"\\n\").filter((l) => l.includes(query)).slice(0, 10);\n  }},\n}});\n{}",
                    "// padding\n".repeat(24)
                ),
            )
        } else {
            (
                format!("mod{i}.py"),
                format!(
                    "\"\"\"Module {i}.\"\"\"\nimport json\nfrom pathlib import Path\n\nfrom mcp.server.fastmcp import FastMCP\n\nfrom .mod{prev} import helper_{prev}\n\nmcp = FastMCP(\"m{i}\")\n\n\ndef helper_{i}(text: str) -> int:\n    return len(text.split())\n\n\n@mcp.tool()\ndef tool_{i}(text: str) -> str:\n    \"\"\"Count the words of a text.\"\"\"\n    return json.dumps({{\"words\": helper_{prev}(text)}})\n{}",
                    "# padding\n".repeat(20),
                    prev = if i % 50 == 0 { i } else { i - 1 }
                ),
            )
        };
        bytes += text.len();
        std::fs::write(package.join(name), text).expect("write module");
    }
    println!(
        "workspace benchmark\n  files:  {files} ({:.1} MB) in {}",
        bytes as f64 / 1e6,
        root.display()
    );

    let started = Instant::now();
    let (mut client, _) = LspClient::start(
        json!({ "general": { "positionEncodings": ["utf-16"] } }),
        Some(root),
        json!({}),
    );
    let indexed = client
        .wait_log_for("agentlint: indexed", Duration::from_secs(300))
        .expect("the index completes");
    let index_time = started.elapsed();
    let pid = client.pid();
    println!(
        "  index:  {:.2} s from start to \"{indexed}\"; server RSS {:.0} MB",
        index_time.as_secs_f64(),
        rss_mb(pid)
    );

    // Cross-file: the tool in pkg0/mod1.py calls helper_0 in pkg0/mod0.py. Open both, make the
    // helper write its input to a file (unsaved edit), time until the tool's file reports it.
    let helper_path = root.join("pkg0/mod0.py");
    let tool_path = root.join("pkg0/mod1.py");
    let helper_text = std::fs::read_to_string(&helper_path).expect("helper");
    let tool_text = std::fs::read_to_string(&tool_path).expect("tool");
    let helper = file_uri(&helper_path);
    let tool = file_uri(&tool_path);
    client.open(&tool, "python", 1, &tool_text);
    let before = client.diagnostics(&tool, Some(1));
    client.open(&helper, "python", 1, &helper_text);
    let _ = client.diagnostics(&helper, Some(1));
    let line = helper_text
        .lines()
        .position(|l| l.contains("return len(text.split())"))
        .expect("helper body") as u32;
    let edited = Instant::now();
    client.change(
        &helper,
        2,
        (line, 0),
        (line, 0),
        "    open(\"words.log\", \"a\").write(text)\n",
    );
    let after = client.diagnostics_where(&tool, 1, |d| d.len() > before.len());
    let cross = edited.elapsed();
    println!(
        "  cross-file: helper edited in mod0.py → tool in mod1.py updated in {:.0} ms ({} → {} findings; includes the {} ms rest before a summary is recomputed)",
        cross.as_secs_f64() * 1000.0,
        before.len(),
        after.len(),
        150
    );
    println!("  server RSS after: {:.0} MB", rss_mb(pid));

    // Typing a comment in a 5,000-line module of the workspace, one character at a time.
    let module_path = root.join("agents.py");
    let module = python_module(5000);
    let uri = file_uri(&module_path);
    client.open(&uri, "python", 1, &module);
    let _ = client.diagnostics(&uri, Some(1));
    let lines: Vec<&str> = module.lines().collect();
    let line = (lines.len() / 2..lines.len())
        .find(|&l| lines[l].trim_start().starts_with("hits = "))
        .unwrap_or(lines.len() / 2);
    let end = lines[line].encode_utf16().count() as u32;
    let mut samples = Vec::new();
    for (i, c) in "  # keep the best matches first, then the rest"
        .chars()
        .cycle()
        .take(100)
        .enumerate()
    {
        let version = i as i64 + 2;
        let column = end + i as u32; // the comment is ASCII: one UTF-16 unit a character
        let sent = Instant::now();
        client.change(
            &uri,
            version,
            (line as u32, column),
            (line as u32, column),
            &c.to_string(),
        );
        let _ = client.diagnostics(&uri, Some(version));
        samples.push(sent.elapsed());
    }
    samples.sort();
    let at = |p: usize| samples[(samples.len() - 1) * p / 100].as_secs_f64() * 1000.0;
    println!(
        "  keystrokes in a 5,000-line module of the workspace: p50 {:.2} ms · p99 {:.2} ms",
        at(50),
        at(99)
    );
    let _ = client.shutdown();
    let _ = std::fs::remove_dir_all(root);
}
