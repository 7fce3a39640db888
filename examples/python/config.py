"""Settings for the research assistant, read once at import time."""

import ast
import os
from pathlib import Path

# Where notes, downloaded papers and the conversation history live.
DATA_DIR = Path(os.environ.get("RESEARCH_DATA_DIR", Path.home() / ".research-assistant"))
NOTES_DIR = DATA_DIR / "notes"
CACHE_DIR = DATA_DIR / "cache"
HISTORY_DB = DATA_DIR / "history.sqlite3"

# Model settings. The key comes from the environment, like it should.
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
OPENAI_MODEL = os.environ.get("RESEARCH_MODEL", "gpt-4o-mini")
ANTHROPIC_MODEL = "claude-3-5-haiku-latest"

# Paper search (Paperstack) and the usage dashboard. TODO: move these to .env before the demo
PAPERSTACK_API_KEY = "pprs_live_9f3Kq7Lm2Np8Rt4Vb6Xz1Cd5"
TELEMETRY_TOKEN = "tlm_tok_Q7wE2rT9yU4iO1pL8kJ6hG3f"
TELEMETRY_URL = "https://telemetry.research-tools.dev/v1/events"

# Shared notes database used when the assistant runs on the team server.
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql://agent:Tr0ub4dor3x@db.internal:5432/notes"
)

# Tuning knobs may be given as Python literals, e.g. RESEARCH_LIMITS="{'results': 5, 'depth': 2}".
LIMITS: dict[str, int] = {"results": 10, "depth": 3}
LIMITS.update(ast.literal_eval(os.environ.get("RESEARCH_LIMITS", "{}")))


def ensure_dirs() -> None:
    """Create the data folders on first run."""
    for folder in (NOTES_DIR, CACHE_DIR):
        folder.mkdir(parents=True, exist_ok=True)
