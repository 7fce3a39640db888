#!/usr/bin/env bash
# Refreshes the README's screenshot (vscode-extension/media/screenshot.png): builds the server
# and the .vsix, and runs the VS Code end-to-end test with the screenshot written into the
# checkout. The test suite never does this (its screenshot goes to a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -p agentlint
scripts/install-test-deps.sh
cd vscode-extension
npm ci --no-audit --no-fund --loglevel=error
AGENTLINT_BIN="$PWD/../target/debug/agentlint" npm run --silent package
AGENTLINT_E2E_SCREENSHOT="$PWD/media/screenshot.png" npm run --silent e2e
echo "refreshed vscode-extension/media/screenshot.png: review it, then commit it"
