#!/usr/bin/env bash
# The whole test suite: Rust unit, snapshot, property and end-to-end tests (`cargo test`), then the
# language server driven by an independent client (pytest-lsp), installed into .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
AGENTLINT_BIN="$PWD/target/debug/agentlint" .venv/bin/python -m pytest -q tests/python
