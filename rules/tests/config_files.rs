//! Secrets in agent configuration files: `.env*`, MCP client configurations, notebooks. Keys are
//! generated at test time from the formats' templates (no key-shaped string is committed).

#![allow(clippy::unwrap_used)]

mod common;

use common::revealing_runs;

use std::fmt::Write as _;
use std::path::Path;

use agentlint_rules::secrets::generate_fake;
use agentlint_rules::{
    ConfigFile, ConfigKind, Diagnostic, Knowledge, LineIndex, PositionEncoding, Settings,
    analyse_config, apply_fixes,
};

fn fake(id: &str, seed: u64) -> String {
    Knowledge::builtin().secrets.fake(id, seed).unwrap()
}

/// A random value with no provider format (for AL302).
fn random(seed: u64) -> String {
    generate_fake("{a:32}", seed)
}

fn analyse(path: &str, source: &str, committed: bool) -> Vec<Diagnostic> {
    let path = Path::new(path);
    let kind = ConfigKind::from_path(path).unwrap();
    let analysis = analyse_config(
        ConfigFile {
            path,
            source,
            kind,
            committed,
        },
        &Settings::default(),
        Knowledge::builtin(),
    );
    assert!(analysis.failures.is_empty(), "{:?}", analysis.failures);
    // Every key reported is masked wherever the file's text is shown (a notebook's code
    // findings are about what its code does).
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.rule.subject == agentlint_rules::rules::Subject::Text)
    {
        assert!(
            analysis
                .secrets
                .iter()
                .any(|s| s.range.start <= d.range.start
                    && d.range.start < s.range.end.max(s.range.start + 1)),
            "{d:?} is not masked"
        );
    }
    analysis.diagnostics
}

fn render(path: &str, source: &str, found: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = format!("== {path}\n");
    for d in found {
        let start = index.position(source, d.range.start, PositionEncoding::Utf8);
        let end = index.position(source, d.range.end, PositionEncoding::Utf8);
        let _ = writeln!(
            out,
            "{} {}:{}-{}:{} {}",
            d.rule.code,
            start.line + 1,
            start.column + 1,
            end.line + 1,
            end.column + 1,
            d.message
        );
        if let Some(fix) = &d.fix {
            let _ = writeln!(out, "  fix ({}): {}", fix.applicability.as_str(), fix.title);
            for change in &fix.files {
                let _ = writeln!(out, "    {} += {}", change.file, change.line);
            }
        }
    }
    out
}

/// The keys never appear in what a finding says beyond their public prefix and last four
/// characters.
fn assert_not_echoed(found: &[Diagnostic], keys: &[&str]) {
    for d in found {
        let said = d.full_message();
        for key in keys {
            for run in revealing_runs(key) {
                assert!(!said.contains(&run), "shows `{run}`: {said}");
            }
        }
    }
}

#[test]
fn committed_env_files_report_their_secrets() {
    let openai = fake("openai", 1);
    let password = random(2);
    let url = fake("url-password", 3);
    let source = format!(
        "# Local settings\nOPENAI_API_KEY={openai}\nexport DB_PASSWORD=\"{password}\"\n\
         DATABASE_URL={url}\nDEBUG=true\nMODEL=gpt-4o\nSESSION_ID=4f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\n"
    );
    let found = analyse(".env", &source, true);
    assert_eq!(
        found.iter().map(Diagnostic::code).collect::<Vec<_>>(),
        ["AL301", "AL302", "AL304"]
    );
    assert_not_echoed(&found, &[&openai, &password]);
    // Ignored by git: where keys belong.
    assert!(analyse(".env", &source, false).is_empty());
    // The fix adds the file to .gitignore and nothing else.
    let fix = found[0].fix.as_ref().unwrap();
    assert!(fix.edits.is_empty());
    assert_eq!(fix.files.len(), 1);
    assert_eq!(fix.files[0].file, ".gitignore");
    assert_eq!(
        fix.files[0].append_to(Some("node_modules\n")).unwrap(),
        ".env\n"
    );
    assert_eq!(fix.files[0].append_to(Some("/.env\n")), None);
    assert_eq!(fix.files[0].append_to(None).unwrap(), ".env\n");
    insta::assert_snapshot!(render(".env", &source, &found));
}

#[test]
fn templates_keep_values_empty() {
    let clean = "OPENAI_API_KEY=\nANTHROPIC_API_KEY=sk-ant-your-key-here\nGROQ_API_KEY=<your-groq-key>\n\
                 DB_PASSWORD=changeme\nAPI_TOKEN=xxxxxxxxxxxxxxxxxxxx\nMODEL=gpt-4o\n";
    assert!(analyse(".env.example", clean, true).is_empty());

    let anthropic = fake("anthropic", 4);
    let source = format!("MODEL=claude-sonnet-4-5\nANTHROPIC_API_KEY='{anthropic}'\n");
    let found = analyse(".env.example", &source, true);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_not_echoed(&found, &[&anthropic]);
    let fix = found[0].fix.as_ref().unwrap();
    let fixed = apply_fixes(&source, [fix]).text;
    assert_eq!(fixed, "MODEL=claude-sonnet-4-5\nANTHROPIC_API_KEY=''\n");
    assert!(analyse(".env.example", &fixed, true).is_empty());
    insta::assert_snapshot!(render(".env.example", &source, &found));
}

#[test]
fn mcp_configurations_report_keys_in_env_blocks() {
    let github = fake("github-fine-grained", 5);
    let token = random(6);
    let source = format!(
        r#"{{
  "mcpServers": {{
    "github": {{
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {{ "GITHUB_PERSONAL_ACCESS_TOKEN": "{github}" }}
    }},
    "notes": {{
      "command": "uvx",
      "args": ["notes-mcp"],
      "env": {{ "NOTES_API_TOKEN": "{token}", "NOTES_REGION": "eu-west-1" }}
    }}
  }}
}}
"#
    );
    let found = analyse(".cursor/mcp.json", &source, true);
    assert_eq!(
        found.iter().map(Diagnostic::code).collect::<Vec<_>>(),
        ["AL301", "AL302"]
    );
    assert_not_echoed(&found, &[&github, &token]);
    assert!(analyse(".cursor/mcp.json", &source, false).is_empty());
    insta::assert_snapshot!(render(".cursor/mcp.json", &source, &found));

    let clean = r#"{
  "servers": {
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${input:github_token}", "API_TOKEN": "<your-token>" }
    }
  }
}
"#;
    assert!(analyse(".vscode/mcp.json", clean, true).is_empty());
}

#[test]
fn notebooks_report_keys_in_cells_and_outputs() {
    let openai = fake("openai", 7);
    let secret = random(8);
    let source = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "execution_count": 1,
   "id": "0f3c9a52",
   "metadata": {{}},
   "outputs": [],
   "source": [
    "import os\n",
    "from openai import OpenAI\n",
    "client = OpenAI(api_key=\"{openai}\")\n",
    "webhook_secret = '{secret}'\n",
    "model = \"gpt-4o-mini\"\n",
    "other = os.environ[\"OTHER_API_KEY\"]"
   ]
  }}
 ],
 "metadata": {{ "kernelspec": {{ "name": "python3" }} }},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#
    );
    let found = analyse("demo.ipynb", &source, true);
    assert_eq!(
        found.iter().map(Diagnostic::code).collect::<Vec<_>>(),
        ["AL301", "AL302"]
    );
    assert_not_echoed(&found, &[&openai, &secret]);
    insta::assert_snapshot!(render("demo.ipynb", &source, &found));
}

#[test]
fn a_notebook_password_beside_a_local_address_is_a_hint() {
    // A memory demo's graph store on this machine: its development default (as in code); the
    // same password beside a remote host is a secret.
    let local = random(11);
    let remote = random(12);
    let source = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "metadata": {{}},
   "outputs": [],
   "source": [
    "config = {{\n",
    "    \"graph_store\": {{\n",
    "        \"provider\": \"memgraph\",\n",
    "        \"config\": {{\n",
    "            \"url\": \"bolt://localhost:7687\",\n",
    "            \"username\": \"memgraph\",\n",
    "            \"password\": \"{local}\",\n",
    "        }},\n",
    "    }},\n",
    "}}\n",
    "remote = {{\n",
    "    \"url\": \"bolt://graph.acme-analytics.io:7687\",\n",
    "    \"password\": \"{remote}\",\n",
    "}}"
   ]
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#
    );
    let found = analyse("memgraph.ipynb", &source, true);
    let severities: Vec<String> = found
        .iter()
        .map(|d| format!("{} {:?}", d.code(), d.severity))
        .collect();
    assert_eq!(severities, ["AL302 Hint", "AL302 Warning"]);
    assert_not_echoed(&found, &[&local, &remote]);
    insta::assert_snapshot!(render("memgraph.ipynb", &source, &found));
}

/// A notebook's code cells are analysed as the Python they make: a tool that `eval`s its
/// argument and a cell that `exec`s the model's reply are found where their text is in the
/// notebook's JSON (escapes and all); markdown, a `%%bash` cell and a `!pip` line are not code.
#[test]
fn notebook_code_cells_are_analysed_and_placed() {
    let source = r#"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["Run `eval(user_input)` and see.\n"]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "!pip install langchain openai\n",
    "from langchain_core.tools import tool\n",
    "\n",
    "@tool\n",
    "def calculate(expression: str) -> str:\n",
    "    \"\"\"Evaluate an arithmetic expression like \u201c2 + 2\u201d.\"\"\"\n",
    "    return str(eval(expression))\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {},
   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["exec(code)\n"]}],
   "source": "%%bash\necho 'exec(code)'\n"
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "code = input(\"Code: \")\n",
    "exec(code)"
   ]
  }
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;
    let found = analyse("agent.ipynb", source, true);
    let places: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d.code(), &source[d.range.clone()]))
        .collect();
    assert_eq!(places, [("AL203", "eval"), ("AL203", "exec")]);
    assert!(found.iter().all(|d| d.fix.is_none()));
    insta::assert_snapshot!(render("agent.ipynb", source, &found));
}

#[test]
fn notebook_image_data_is_skipped_and_findings_after_it_keep_their_place() {
    let key = fake("aws-access-key", 4);
    // Base64 image data (skipped: it holds no readable key) before a key printed to a cell's
    // output, and a key in an SVG image (text, so read).
    let payload = format!(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB{}AAAAAElFTkSuQmCC\\n",
        random(5)
    );
    let source = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "outputs": [
    {{ "data": {{ "image/png": "{payload}", "text/plain": ["<Figure>"] }}, "output_type": "display_data" }},
    {{ "data": {{ "image/jpeg": ["{payload}", "{payload}"] }}, "output_type": "display_data" }},
    {{ "data": {{ "image/svg+xml": ["<svg><desc>{key}</desc></svg>"] }}, "output_type": "display_data" }},
    {{ "name": "stdout", "output_type": "stream", "text": ["key: {key}\n"] }}
   ],
   "source": ["print(key)"]
  }}
 ],
 "nbformat": 4
}}
"#
    );
    let found = analyse("plots.ipynb", &source, true);
    let svg = source.find("<desc>").unwrap() + "<desc>".len();
    let stdout = source.find("key: ").unwrap() + "key: ".len();
    assert_eq!(
        found.iter().map(|d| d.range.clone()).collect::<Vec<_>>(),
        [svg..svg + key.len(), stdout..stdout + key.len()]
    );
    // The same findings as in the notebook without its images.
    let without = source.replace(&payload, "");
    assert_eq!(analyse("plots.ipynb", &without, true).len(), 2);
}

#[test]
fn notebook_data_uri_payloads_are_skipped_and_keys_around_them_found() {
    let key = fake("aws-access-key", 6);
    // A key's shape by chance inside the base64 of images that markdown and HTML embed (not
    // reported), and a key printed right after one (reported, in its place).
    let payload = format!("iVBORw0KGgo/{key}=");
    let source = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "markdown",
   "source": ["![chart](data:image/png;base64,{payload}) and "]
  }},
  {{
   "cell_type": "code",
   "outputs": [
    {{ "data": {{ "text/html": ["<img src=\"data:image/jpeg;charset=utf-8;base64,{payload}\"> key: {key}\n"] }}, "output_type": "display_data" }}
   ],
   "source": ["show()"]
  }}
 ],
 "nbformat": 4
}}
"#
    );
    let found = analyse("embedded.ipynb", &source, true);
    let printed = source.find("key: ").unwrap() + "key: ".len();
    let ranges: Vec<_> = found.iter().map(|d| d.range.clone()).collect();
    assert_eq!(ranges, vec![printed..printed + key.len()]);
    // Outside a data URI, the same characters are read.
    let bare = source.replace("data:image/png;base64,", "");
    assert_eq!(analyse("embedded.ipynb", &bare, true).len(), 2);
}

#[test]
fn suppressions_and_settings_apply() {
    let openai = fake("openai", 9);
    let source = format!("# agentlint: ignore[AL301] revoked demo key\nOPENAI_API_KEY={openai}\n");
    assert!(analyse(".env", &source, true).is_empty());
    let source = format!("OPENAI_API_KEY={openai} # agentlint: ignore[AL301] revoked\n");
    assert!(analyse(".env", &source, true).is_empty());
    let source = format!("OPENAI_API_KEY={openai}\n");
    let settings = Settings {
        ignore: vec![agentlint_rules::Selector::parse("AL3").unwrap()],
        ..Settings::default()
    };
    let analysis = analyse_config(
        ConfigFile {
            path: Path::new(".env"),
            source: &source,
            kind: ConfigKind::Env,
            committed: true,
        },
        &settings,
        Knowledge::builtin(),
    );
    assert!(analysis.diagnostics.is_empty());
}
