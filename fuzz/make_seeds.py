#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs from the repository's own code into OUT/analyse and
OUT/edits: every Python, TypeScript and JavaScript file of the rules' fixtures and the bundled
example (under 6 KB), with the kind byte the targets read first; for `edits`, followed by a 0
byte and a few edits (fixed seed, the same inputs every run). The hand-made inputs and the
inputs that once failed are committed in seeds/ and given to libFuzzer beside these.

Usage: fuzz/make_seeds.py OUT"""
import pathlib
import random
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
kinds = {".py": 0, ".ts": 1, ".tsx": 2, ".js": 3, ".jsx": 3}
# What editors insert: brackets and quotes left open, code, a wide character, line breaks.
pieces = [b"(", b")", b'"', b"\n    ", b"eval(x)", b"# c", b"def f(a):\n", b"{", b"}", b"`",
          "\N{ROBOT FACE}".encode(), b"import os\n", b"shell=True", b'"""', b"'", b"\\"]
random.seed(20261207)
files = sorted(p for base in ("rules/tests/fixtures", "examples") for p in (root / base).rglob("*")
               if p.is_file() and p.suffix in kinds)
(out / "analyse").mkdir(parents=True, exist_ok=True)
(out / "edits").mkdir(parents=True, exist_ok=True)
written = 0
for path in files:
    data = path.read_bytes()
    if len(data) > 6000:
        continue
    name = str(path.relative_to(root)).replace("/", "_")
    kind = bytes([kinds[path.suffix]])
    (out / "analyse" / name).write_bytes(kind + data)
    edits = b""
    for _ in range(random.randint(3, 12)):
        piece = random.choice(pieces)
        at = random.randrange(0, len(data) + 1)
        edits += at.to_bytes(2, "big") + bytes([random.randrange(0, 6), len(piece)]) + piece
    (out / "edits" / name).write_bytes(kind + data + b"\0" + edits)
    written += 1
print(f"{written} seeds of each target in {out}")
