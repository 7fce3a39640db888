#!/usr/bin/env python3
"""Checks the generated tables (generate.sh runs it last; it needs only Python 3.11+).

  check.py [rules/data]

Each file parses as TOML; every list of names is sorted and without duplicates; every provider is
an id of providers.toml and agrees with the provider of providers.toml's longest entry that names
it; a name is in one table only; and a few facts that must hold whatever the SDKs' versions.
"""
import sys
import tomllib
from pathlib import Path

data = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "rules" / "data")
providers = tomllib.loads((data / "providers.toml").read_text())
ids = {p["id"] for p in providers["provider"]}
entries = [(lang, e, p["id"]) for p in providers["provider"] for lang in ("python", "javascript") for e in p.get(lang, [])]
errors = []


def prefix_provider(lang, name):
    best = None
    for l, e, pid in entries:
        if l == lang and (name == e or (name.startswith(e) and name[len(e)] in ".#/")):
            if best is None or len(e) > len(best[0]):
                best = (e, pid)
    return best


tables = {}
for lang, file in (("python", "python.toml"), ("javascript", "javascript.toml")):
    path = data / "sdks" / file
    try:
        t = tomllib.loads(path.read_text())
    except Exception as e:  # noqa: BLE001
        errors.append(f"{path}: {e}")
        continue
    tables[lang] = t
    seen = {}
    for kind in ("model", "client", "function", "unmapped"):
        for rec in t.get(kind, []):
            if rec.get("language") != lang:
                errors.append(f"{file}: a {kind} of language {rec.get('language')}")
            for key in ("names", "sends"):
                vals = rec.get(key, [])
                if vals != sorted(set(vals)):
                    errors.append(f"{file}: {kind} {vals[:2]}...: `{key}` is not sorted or has duplicates")
            if kind == "unmapped":
                continue
            pid = rec["provider"]
            if pid not in ids:
                errors.append(f"{file}: {kind} provider {pid!r} is not in providers.toml")
            if kind == "model" and rec.get("kind") not in ("llm", "embeddings"):
                errors.append(f"{file}: model kind {rec.get('kind')!r}")
            for n in rec["names"]:
                m = prefix_provider(lang, n)
                if m and m[1] != pid:
                    errors.append(f"{file}: {n} is {pid}'s here, {m[1]}'s in providers.toml ({m[0]})")
                if n in seen and seen[n] != kind:
                    errors.append(f"{file}: {n} is both a {seen[n]} and a {kind}")
                seen[n] = kind


def find(lang, kind, name):
    return [r for r in tables.get(lang, {}).get(kind, []) if name in r["names"]]


def expect(cond, what):
    if not cond:
        errors.append("expected: " + what)


if "python" in tables:
    everything = (data / "sdks" / "python.toml").read_text()
    expect("openai.types.chat.ChatCompletionUserMessageParam" not in everything, "no openai type constructors")
    expect('"openai.NotGiven"' not in everything, "no openai.NotGiven")
    c = find("python", "client", "openai.OpenAI")
    expect(c and c[0]["provider"] == "openai", "openai.OpenAI is a client of openai")
    if c:
        s = set(c[0]["sends"])
        expect({"chat.completions.create", "chat.completions.stream", "responses.create", "embeddings.create"} <= s,
               "openai.OpenAI sends chat/responses/embeddings")
        expect(not s & {"models.list", "files.retrieve", "files.delete", "fine_tuning.jobs.cancel"}, "openai.OpenAI: list/retrieve/delete/cancel do not send")
    for n in ("langchain_openai.ChatOpenAI", "langchain_community.chat_models.ChatOpenAI"):
        m = find("python", "model", n)
        expect(m and m[0]["provider"] == "openai" and m[0]["kind"] == "llm", f"{n} is an llm model of openai")
    m = find("python", "model", "langchain_openai.OpenAIEmbeddings")
    expect(m and m[0]["kind"] == "embeddings", "langchain_openai.OpenAIEmbeddings is an embeddings model")
    f = find("python", "function", "openai.chat.completions.create")
    expect(f and f[0]["provider"] == "openai", "openai.chat.completions.create is a function of openai")
if "javascript" in tables:
    m = find("javascript", "model", "@ai-sdk/openai.openai")
    expect(m and m[0]["provider"] == "openai", "@ai-sdk/openai.openai is a model of openai")
    c = find("javascript", "client", "openai")
    expect(c and c[0]["provider"] == "openai" and "chat.completions.create" in c[0]["sends"], "openai (default export) is a client of openai")
    if c:
        expect(not set(c[0]["sends"]) & {"models.list", "files.retrieve", "files.del", "fineTuning.jobs.cancel"}, "openai: list/retrieve/delete/cancel do not send")
    c = find("javascript", "client", "@anthropic-ai/sdk")
    expect(c and {"messages.create", "messages.stream"} <= set(c[0]["sends"]), "@anthropic-ai/sdk sends messages.create/stream")

for e in errors:
    print("check.py:", e, file=sys.stderr)
print(f"check.py: {'FAILED, ' + str(len(errors)) + ' problems' if errors else 'ok'}", file=sys.stderr)
sys.exit(1 if errors else 0)
