#!/usr/bin/env bash
# The whole test suite: Rust unit, snapshot, property and end-to-end tests (`cargo test`); the
# language server driven by an independent client (pytest-lsp, in .venv/); a headless Neovim; and
# the VS Code extension: its unit tests, its .vsix, and a real VS Code (code-server in headless
# Chromium). The editors come from scripts/install-test-deps.sh (apt and npm; run here first).
# AGENTLINT_SKIP_EDITOR_TESTS=1 leaves the editors out, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "error: python3 -m venv failed: install Python's venv module (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
AGENTLINT_BIN="$PWD/target/debug/agentlint" .venv/bin/python -m pytest -q tests/python

if [ "${AGENTLINT_SKIP_EDITOR_TESTS:-}" = "1" ]; then
  echo "WARNING: AGENTLINT_SKIP_EDITOR_TESTS=1: the Neovim and VS Code tests did not run" >&2
  exit 0
fi
scripts/install-test-deps.sh

echo "== Neovim"
AGENTLINT_BIN="$PWD/target/debug/agentlint" tests/editors/neovim.sh

echo "== VS Code extension"
(
  cd vscode-extension
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent typecheck
  npm test
  AGENTLINT_BIN="$PWD/../target/debug/agentlint" npm run --silent package
  npm run --silent e2e
)
