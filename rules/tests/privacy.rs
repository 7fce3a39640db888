//! Where code sends users' data: which calls are flows to which recipient, and which are not.

#![allow(clippy::unwrap_used)]

use agentlint_rules::facts::FileFacts;
use agentlint_rules::privacy::{flows, storage};
use agentlint_rules::syntax::parse;
use agentlint_rules::{Knowledge, Language};

fn recipients(source: &str, language: Language) -> Vec<String> {
    let tree = parse(source, language);
    let facts = FileFacts::extract(source, &tree, language);
    let providers = &Knowledge::builtin().providers;
    let locator = agentlint_rules::syntax::Locator::new(&tree);
    flows(source, &locator, &facts, language, Knowledge::builtin())
        .iter()
        .map(|f| {
            let name = f.recipient.name(providers);
            if f.configured {
                format!("{name}?")
            } else {
                name
            }
        })
        .collect()
}

fn stores(source: &str, language: Language) -> Vec<String> {
    let tree = parse(source, language);
    let facts = FileFacts::extract(source, &tree, language);
    storage(
        source,
        &agentlint_rules::syntax::Locator::new(&tree),
        language,
        &facts,
        Knowledge::builtin(),
        None,
        None,
    )
    .into_iter()
    .map(|s| s.callee)
    .collect()
}

#[test]
fn python_clients_and_where_they_point() {
    let cases: &[(&str, &[&str])] = &[
        // A client used here sends through its calls, not by being made.
        (
            "from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(messages=m)\n",
            &["OpenAI"],
        ),
        (
            "from openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint=e)\n",
            &["Microsoft Azure OpenAI"],
        ),
        (
            "from openai import OpenAI\nc = OpenAI(base_url=\"https://api.deepseek.com\")\nc.chat.completions.create(messages=m)\n",
            &["DeepSeek"],
        ),
        (
            "from openai import OpenAI\nc = OpenAI(base_url=\"https://llm.example.org/v1\")\n",
            &["the service at llm.example.org"],
        ),
        (
            "import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.environ[\"LLM_URL\"])\n",
            &["OpenAI?"],
        ),
        // Local models are not third parties.
        (
            "from openai import OpenAI\nc = OpenAI(base_url=\"http://localhost:11434/v1\")\nc.chat.completions.create(messages=m)\n",
            &[],
        ),
        (
            "from langchain_ollama import ChatOllama\nllm = ChatOllama(model=\"llama3\")\n",
            &[],
        ),
        (
            "import boto3\nb = boto3.client(\"bedrock-runtime\")\ns = boto3.client(\"s3\")\n",
            &["Amazon Bedrock"],
        ),
        (
            "from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model=\"claude\")\n",
            &["Anthropic"],
        ),
        (
            "import dashscope\ndashscope.Generation.call(model=\"qwen-max\", messages=m)\n",
            &["Alibaba Cloud Model Studio (DashScope / Qwen)"],
        ),
        (
            "from langsmith import traceable\n\n@traceable\ndef run(x):\n    return x\n",
            &["LangSmith"],
        ),
        // A project's own module with a provider-like name is not the SDK (relative import).
        ("from . import openai\nopenai.ask(q)\n", &[]),
        // Types and constants are not calls.
        (
            "from openai.types.chat import ChatCompletion\nx: ChatCompletion\n",
            &[],
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(&recipients(source, Language::Python), expected, "{source}");
    }
}

#[test]
fn javascript_clients_and_where_they_point() {
    let cases: &[(&str, &[&str])] = &[
        (
            "import OpenAI from \"openai\";\nconst c = new OpenAI();\n",
            &["OpenAI"],
        ),
        (
            "import OpenAI from \"openai\";\nconst c = new OpenAI({ baseURL: \"https://api.groq.com/openai/v1\" });\n",
            &["Groq"],
        ),
        (
            "import { createOpenAI } from \"@ai-sdk/openai\";\nconst p = createOpenAI({ baseURL: \"http://127.0.0.1:1234/v1\" });\n",
            &[],
        ),
        (
            "import { anthropic } from \"@ai-sdk/anthropic\";\nconst m = anthropic(\"claude-sonnet-4-5\");\n",
            &["Anthropic"],
        ),
        (
            "import { PostHog } from \"posthog-node\";\nconst ph = new PostHog(key);\n",
            &["PostHog"],
        ),
        (
            "import * as Sentry from \"@sentry/node\";\nSentry.init({ dsn });\n",
            &["Sentry"],
        ),
        (
            "import { ChatOllama } from \"@langchain/ollama\";\nconst m = new ChatOllama({});\n",
            &[],
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(
            &recipients(source, Language::TypeScript),
            expected,
            "{source}"
        );
    }
}

#[test]
fn conversation_storage() {
    let python = "import json\nimport sqlite3\n\ndb = sqlite3.connect(\"h.db\")\n\n\
                  def save_chat(messages, path):\n    with open(path, \"w\") as f:\n        json.dump(messages, f)\n\n\
                  def load_chat(path):\n    with open(path) as f:\n        return json.load(f)\n\n\
                  def log(session, text):\n    db.execute(\"INSERT INTO chat_messages VALUES (?, ?)\", (session, text))\n\n\
                  def settings(path):\n    with open(path, \"w\") as f:\n        f.write(\"{}\")\n";
    assert_eq!(
        stores(python, Language::Python),
        ["save_chat", "db.execute"]
    );
    let checkpointer = "from langgraph.checkpoint.postgres import PostgresSaver\nsaver = PostgresSaver.from_conn_string(url)\n";
    assert_eq!(
        stores(checkpointer, Language::Python),
        ["PostgresSaver.from_conn_string"]
    );
    let typescript = "import { RedisChatMessageHistory } from \"@langchain/redis\";\nconst h = new RedisChatMessageHistory({ sessionId });\n";
    assert_eq!(
        stores(typescript, Language::TypeScript),
        ["RedisChatMessageHistory"]
    );
    // Reading history, or writing other files, is not storing conversations.
    assert!(
        stores(
            "import json\n\ndef load_history(p):\n    return json.load(open(p))\n",
            Language::Python
        )
        .is_empty()
    );
}

/// SQL that stores a conversation is found in the calls around it, whatever its case and line
/// breaks, and only there (the search looks only at calls around an `into`).
#[test]
fn sql_storing_conversations_is_found_in_the_calls_around_it() {
    let python = "def log(db, s):\n    run(db.execute(\"\"\"Insert\n  Into `chat_history` VALUES (?)\"\"\", (s,)))\n    \
                  db.execute(\"SELECT * FROM messages\")\n    print(\"into the messages\")\n    \
                  db.execute('INSERT OR IGNORE INTO transcripts VALUES (1)')\n";
    assert_eq!(
        stores(python, Language::Python),
        ["run", "db.execute", "db.execute"]
    );
}

/// A project whose privacy notice says only that messages go to OpenAI (no other recipient, and
/// nothing about storage).
struct OpenAiNotice(std::sync::Arc<agentlint_rules::privacy::ProjectPrivacy>);

impl OpenAiNotice {
    fn new() -> Self {
        OpenAiNotice(std::sync::Arc::new(
            agentlint_rules::privacy::ProjectPrivacy {
                root: "/p".into(),
                notice: Some(agentlint_rules::privacy::Notice {
                    path: "PRIVACY.md".into(),
                    text: "We send your messages to OpenAI to answer them.".into(),
                    appendable: true,
                    checkable: true,
                }),
                flows: Vec::new(),
                telemetry: None,
                libraries: Vec::new(),
            },
        ))
    }

    /// The privacy findings (AL40x) of `/p/agent.py` holding `text`: with the last version's
    /// caches when given, otherwise from scratch.
    fn findings(
        &self,
        text: &str,
        cache: Option<&mut agentlint_rules::AnalysisCache>,
    ) -> Vec<(&'static str, std::ops::Range<usize>, String)> {
        let tree = parse(text, Language::Python);
        let file = agentlint_rules::SourceFile {
            path: std::path::Path::new("/p/agent.py"),
            source: text,
            tree: &tree,
            language: Language::Python,
            workspace: Some(self),
        };
        let settings = agentlint_rules::Settings::default();
        let analysis = match cache {
            Some(cache) => {
                agentlint_rules::analyse_cached(file, &settings, Knowledge::builtin(), cache)
            }
            None => agentlint_rules::analyse(file, &settings, Knowledge::builtin()),
        };
        analysis
            .diagnostics
            .into_iter()
            .filter(|d| d.rule.code.starts_with("AL40"))
            .map(|d| (d.rule.code, d.range, d.message))
            .collect()
    }
}

impl agentlint_rules::Summaries for OpenAiNotice {
    fn summary(&self, _: &std::path::Path) -> Option<std::sync::Arc<agentlint_rules::FileSummary>> {
        None
    }

    fn privacy(
        &self,
        _: &std::path::Path,
    ) -> Option<std::sync::Arc<agentlint_rules::privacy::ProjectPrivacy>> {
        Some(self.0.clone())
    }
}

/// Typing above and inside SQL that stores conversations: the analysis with the last version's
/// caches (where the text says `into` among them, moved and searched again only in the changed
/// lines) reports the store where an analysis from scratch does.
#[test]
fn conversation_storage_is_found_again_as_the_file_is_edited() {
    let workspace = OpenAiNotice::new();
    let analyse = |text: &str, cache: Option<&mut agentlint_rules::AnalysisCache>| {
        let mut found = workspace.findings(text, cache);
        found.retain(|(code, _, _)| *code == "AL403");
        found
    };
    let mut text = "import sqlite3\n\ndef save_conversation(db, messages):\n    \
                    db.execute(\"INSERT INTO conversations (body) VALUES (?)\", (messages,))\n"
        .to_string();
    let mut cache = agentlint_rules::AnalysisCache::default();
    assert_eq!(analyse(&text, Some(&mut cache)).len(), 1);
    let long = format!("# {}\n", "a comment longer than the call ".repeat(4));
    let edits: [(&str, &str); 6] = [
        ("import", long.as_str()),
        ("import", long.as_str()),
        ("INSERT INTO", "REPLACE "),
        ("def save", "x = 1\n\n"),
        ("INTO conversations", "OR IGNORE "),
        ("import", "\n"),
    ];
    for (before, insert) in edits {
        let at = text.find(before).expect("anchor");
        text.insert_str(at, insert);
        let fresh = analyse(&text, None);
        assert_eq!(fresh.len(), 1, "{text}");
        assert_eq!(analyse(&text, Some(&mut cache)), fresh, "{text}");
    }
}

/// Typing comments around the calls that send data (the flows are moved), and in a client's base
/// URL (read again: the recipient changes): the analysis with the last version's caches reports
/// the recipients the notice leaves out where an analysis from scratch does.
#[test]
fn flows_are_found_again_as_the_file_is_edited() {
    let workspace = OpenAiNotice::new();
    let mut text = "from openai import OpenAI\nimport anthropic\nimport boto3\n\n\
                    client = OpenAI(base_url=\"https://api.deepseek.com/v1\")\n\
                    runtime = boto3.client(\"bedrock-runtime\")\n\n\n\
                    def ask(q):\n    return client.chat.completions.create(model=\"m\", messages=[q])\n\n\n\
                    def other(q):\n    return anthropic.Anthropic().messages.create(model=\"c\", messages=[q])\n"
        .to_string();
    let mut cache = agentlint_rules::AnalysisCache::default();
    let first = workspace.findings(&text, Some(&mut cache));
    assert_eq!(first, workspace.findings(&text, None));
    assert!(
        first.iter().any(|(_, _, m)| m.contains("DeepSeek"))
            && first.iter().any(|(_, _, m)| m.contains("Bedrock")),
        "{first:#?}"
    );
    let edits: [(&str, &str); 10] = [
        ("from openai", "# the model clients\n"),
        ("    return client", "    # ask the model\n"),
        ("model=\"c\"", "  "),
        ("deepseek.com", "x"),
        ("api.xdeepseek", "deepseek.com/"),
        ("def ask", "# asks\n"),
        ("def other", "x = 1\n\n\n"),
        // Text the flows read, in a comment among a call's arguments: the calls are the same,
        // moved, but the client now points at this machine.
        (
            "base_url=\"https",
            "\n    # base_url=\"http://localhost:8080\"\n    ",
        ),
        ("localhost", "127.0.0.1 "),
        // The service a generic client is for: a string among its arguments.
        ("bedrock-runtime", "s3-"),
    ];
    for (before, insert) in edits {
        let at = text.find(before).expect("anchor");
        text.insert_str(at, insert);
        let fresh = workspace.findings(&text, None);
        assert_eq!(workspace.findings(&text, Some(&mut cache)), fresh, "{text}");
    }
    // The client is now read as pointed at this machine, and the generic one is for S3: only
    // Anthropic is left out.
    let last = workspace.findings(&text, None);
    assert!(
        !last
            .iter()
            .any(|(_, _, m)| m.contains("DeepSeek") || m.contains("Bedrock")),
        "{last:#?}"
    );
}

/// What sends users' data and what does not: a call that sends is a flow when something not
/// constant reaches it; types, errors, admin calls and constant prompts send nothing of a user's;
/// model strings, gateways and HTTP requests to providers' hosts name their recipient.
#[test]
fn what_sends_and_what_does_not() {
    let python: &[(&str, &[&str])] = &[
        // Types and validation of an SDK's objects.
        (
            "from openai.types.chat import ChatCompletionUserMessageParam as P\nP(role=\"user\", content=t)\n",
            &[],
        ),
        ("import openai\nx = openai.NotGiven()\n", &[]),
        (
            "from anthropic.types import Message\nMessage.model_validate(data)\n",
            &[],
        ),
        // Listing and fetching.
        (
            "from openai import OpenAI\nc = OpenAI()\nc.models.list()\nc.files.retrieve(f)\n",
            &[],
        ),
        // Administration: defining an agent, a webhook.
        (
            "import anthropic\nc = anthropic.Anthropic()\nc.beta.agents.create(name=n, model=m)\n",
            &[],
        ),
        // A constant prompt, and a constant bound to a name.
        (
            "from openai import OpenAI\nc = OpenAI()\nQ = \"Write a haiku.\"\nc.responses.create(model=\"gpt-4o\", input=Q)\n",
            &[],
        ),
        (
            "from openai import OpenAI\nc = OpenAI()\ndef f(q):\n    return c.responses.create(model=\"gpt-4o\", input=q)\n",
            &["OpenAI"],
        ),
        // A history the code appends to is not a constant.
        (
            "from openai import OpenAI\nc = OpenAI()\nh = []\nh.append(x)\nc.chat.completions.create(model=\"m\", messages=h)\n",
            &["OpenAI"],
        ),
        // self.client = ...: its methods are the client's.
        (
            "from anthropic import AsyncAnthropic\nclass B:\n    def __init__(self):\n        self.c = AsyncAnthropic()\n    async def ask(self, q):\n        return await self.c.messages.create(model=\"m\", max_tokens=9, messages=q)\n",
            &["Anthropic"],
        ),
        // Model strings.
        (
            "import litellm\ndef f(m):\n    return litellm.completion(model=\"groq/llama3-70b\", messages=m)\n",
            &["Groq"],
        ),
        (
            "import litellm\ndef f(m):\n    return litellm.completion(model=\"ollama/llama3\", messages=m)\n",
            &[],
        ),
        (
            "import litellm, os\ndef f(m):\n    return litellm.completion(model=os.getenv(\"MODEL\"), messages=m)\n",
            &["the model provider the configuration names?"],
        ),
        (
            "from pydantic_ai import Agent\nagent = Agent(\"openai:gpt-4o\")\n",
            &["OpenAI"],
        ),
        (
            "from langchain.chat_models import init_chat_model\nllm = init_chat_model(\"claude-sonnet-4-5\", model_provider=\"anthropic\")\n",
            &["Anthropic"],
        ),
        // An agent of the Agents SDK sends to OpenAI unless told otherwise.
        (
            "from agents import Agent\nagent = Agent(name=\"a\", instructions=\"i\")\n",
            &["OpenAI"],
        ),
        // HTTP to a provider's API.
        (
            "import requests\nURL = \"https://api.anthropic.com/v1/messages\"\ndef f(q):\n    return requests.post(URL, json={\"messages\": q})\n",
            &["Anthropic"],
        ),
        (
            "import httpx, os\nBASE = os.getenv(\"BASE\", \"https://api.openai.com/v1\")\nasync def f(q):\n    async with httpx.AsyncClient() as h:\n        return await h.post(f\"{BASE}/chat/completions\", json=q)\n",
            &["OpenAI"],
        ),
        (
            "import requests\ndef f(q):\n    return requests.post(\"https://example.org/api\", json=q)\n",
            &[],
        ),
    ];
    for (source, expected) in python {
        assert_eq!(&recipients(source, Language::Python), expected, "{source}");
    }
    let typescript: &[(&str, &[&str])] = &[
        (
            "import OpenAI from \"openai\";\nconst c = new OpenAI();\nexport const f = (q: string) => c.chat.completions.create({ model: \"m\", messages: [{ role: \"user\", content: q }] });\n",
            &["OpenAI"],
        ),
        (
            "import OpenAI from \"openai\";\nconst c = new OpenAI();\nc.chat.completions.create({ model: \"m\", messages: [{ role: \"user\", content: \"Hi\" }] });\n",
            &[],
        ),
        (
            "import { generateText } from \"ai\";\nexport const f = (p: string) => generateText({ model: \"anthropic/claude-sonnet-4-5\", prompt: p });\n",
            &["Vercel AI Gateway"],
        ),
        (
            "import { streamText } from \"ai\";\nimport { google } from \"@ai-sdk/google\";\nexport const f = (messages: any[]) => streamText({ model: google(\"gemini-2.0-flash\"), messages });\n",
            &["Google (Gemini / Vertex AI)"],
        ),
        (
            "import { generateText } from \"ai\";\nimport { google } from \"@ai-sdk/google\";\ngenerateText({ model: google(\"gemini-2.0-flash\"), prompt: \"Hi\" });\n",
            &[],
        ),
        (
            "export async function f(text: string) {\n  return fetch(\"https://api.groq.com/openai/v1/chat/completions\", { method: \"POST\", body: JSON.stringify({ text }) });\n}\n",
            &["Groq"],
        ),
        (
            "export async function f() {\n  return fetch(\"https://api.groq.com/openai/v1/models\");\n}\n",
            &[],
        ),
    ];
    for (source, expected) in typescript {
        assert_eq!(
            &recipients(source, Language::TypeScript),
            expected,
            "{source}"
        );
    }
}

/// Telemetry: tracing switched on in code, a client pointed at a tracing proxy, and analytics
/// events sent over HTTP name their recipients.
#[test]
fn telemetry_is_a_recipient() {
    let python: &[(&str, &[&str])] = &[
        (
            "import os\nos.environ[\"LANGCHAIN_TRACING_V2\"] = \"true\"\n",
            &["LangSmith"],
        ),
        (
            "import os\nos.environ.setdefault(\"LANGSMITH_TRACING\", \"true\")\n",
            &["LangSmith"],
        ),
        (
            "import os\nos.environ[\"LANGSMITH_TRACING\"] = \"false\"\n",
            &[],
        ),
        ("# LANGSMITH_TRACING = \"true\"\n", &[]),
        (
            "from openai import OpenAI\nc = OpenAI(base_url=\"https://oai.helicone.ai/v1\")\ndef f(m):\n    return c.chat.completions.create(model=\"m\", messages=m)\n",
            &["Helicone"],
        ),
        (
            "import requests\ndef track(event, props):\n    requests.post(\"https://app.posthog.com/capture/\", json={\"event\": event, \"properties\": props})\n",
            &["PostHog"],
        ),
    ];
    for (source, expected) in python {
        assert_eq!(&recipients(source, Language::Python), expected, "{source}");
    }
    assert_eq!(
        recipients(
            "process.env.LANGCHAIN_TRACING_V2 = \"true\";\n",
            Language::TypeScript
        ),
        ["LangSmith"]
    );
}

/// What serves other people (a web route, a chat UI, a bot), and what an example run from a
/// terminal is.
#[test]
fn what_serves_other_people() {
    let serves = |path: &str, source: &str, language: Language| {
        let tree = parse(source, language);
        let facts = FileFacts::extract(source, &tree, language);
        agentlint_rules::privacy::serves(
            std::path::Path::new(path),
            source,
            &facts,
            &Knowledge::builtin().providers,
        )
    };
    let py = Language::Python;
    let ts = Language::TypeScript;
    assert!(serves(
        "examples/api.py",
        "from fastapi import FastAPI\n",
        py
    ));
    assert!(serves("examples/ui.py", "import gradio as gr\n", py));
    assert!(serves(
        "examples/bot.py",
        "from slack_bolt import App\n",
        py
    ));
    assert!(serves(
        "examples/web/app/api/chat/route.ts",
        "export async function POST() {}\n",
        ts
    ));
    assert!(serves(
        "examples/web/app/actions.ts",
        "'use server';\nexport async function a() {}\n",
        ts
    ));
    assert!(serves(
        "examples/server.ts",
        "import express from 'express';\n",
        ts
    ));
    assert!(!serves(
        "examples/ask.py",
        "from openai import OpenAI\nprint(input())\n",
        py
    ));
    assert!(!serves(
        "examples/fastapi_notes.py",
        "import fastapiextra\n",
        py
    ));
    assert!(!serves(
        "examples/cli.ts",
        "import { Command } from 'commander';\n",
        ts
    ));
}
