#!/usr/bin/env bash
# Runs agentlint in a real, headless Neovim (Debian's package) against a copy of an example file.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nvim > /dev/null; then
  echo "neovim test: nvim is not installed (apt-get install -y neovim, or scripts/install-test-deps.sh)" >&2
  exit 1
fi
bin="${AGENTLINT_BIN:-$PWD/target/debug/agentlint}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project" "$work/xdg"
cat > "$work/project/calc.py" <<'PY'
import subprocess


def calc(expr: str) -> str:
    """Evaluates an arithmetic expression."""
    return str(eval(expr))


def run(cmd: str) -> str:
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout
PY
export XDG_STATE_HOME="$work/xdg" XDG_DATA_HOME="$work/xdg" XDG_CACHE_HOME="$work/xdg" XDG_CONFIG_HOME="$work/xdg"
AGENTLINT_BIN="$bin" AGENTLINT_FILE="$work/project/calc.py" AGENTLINT_EXPECT="AL203,AL201" \
  timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile tests/editors/neovim.lua"
