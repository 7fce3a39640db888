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
    flows(source, &facts, language.family(), providers)
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
    )
    .into_iter()
    .map(|s| s.callee)
    .collect()
}

#[test]
fn python_clients_and_where_they_point() {
    let cases: &[(&str, &[&str])] = &[
        (
            "from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(messages=m)\n",
            &["OpenAI", "OpenAI"],
        ),
        (
            "from openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint=e)\n",
            &["Microsoft Azure OpenAI"],
        ),
        (
            "from openai import OpenAI\nc = OpenAI(base_url=\"https://api.deepseek.com\")\nc.chat.completions.create(messages=m)\n",
            &["DeepSeek", "DeepSeek"],
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
