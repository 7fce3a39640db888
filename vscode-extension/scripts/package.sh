#!/usr/bin/env bash
# Builds agentlint-<version>.vsix with the linux-x64 server inside. Uses $AGENTLINT_BIN when set,
# else builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${AGENTLINT_BIN:-../target/release/agentlint}"
if [ ! -x "$bin" ]; then
  (cd .. && cargo build --release --locked -p agentlint)
  bin=../target/release/agentlint
fi
mkdir -p server/linux-x64
cp "$bin" server/linux-x64/agentlint
chmod 755 server/linux-x64/agentlint
npm run --silent build
npx vsce package --no-dependencies --out "agentlint-$(node -p 'require("./package.json").version').vsix"
