"""Conversation history, kept in a local SQLite file so the agent remembers past sessions."""

import json
import sqlite3
import time

import config

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def connect() -> sqlite3.Connection:
    config.DATA_DIR.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(config.HISTORY_DB)
    db.execute(SCHEMA)
    return db


def save_message(session: str, role: str, content: str) -> None:
    """Append one message (user or assistant) to the history."""
    with connect() as db:
        db.execute(
            "INSERT INTO messages (session, role, content, created) VALUES (?, ?, ?, ?)",
            (session, role, content, time.time()),
        )


def load_session(session: str, limit: int = 50) -> list[dict[str, str]]:
    """The last `limit` messages of a session, oldest first, in OpenAI's message format."""
    with connect() as db:
        rows = db.execute(
            "SELECT role, content FROM messages WHERE session = ? ORDER BY id DESC LIMIT ?",
            (session, limit),
        ).fetchall()
    return [{"role": role, "content": content} for role, content in reversed(rows)]


def export_session(session: str, path: str) -> None:
    """Write a session to a JSON file, e.g. to attach it to a bug report."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(load_session(session, limit=10_000), out, ensure_ascii=False, indent=2)
