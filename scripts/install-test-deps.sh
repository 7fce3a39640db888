#!/usr/bin/env bash
# Installs what the editor tests need, on Debian (as root, as CI runs): Neovim, Chromium, and
# code-server (a real VS Code) into ~/.cache/agentlint-test. Idempotent; about two minutes cold.
set -euo pipefail
cache="${AGENTLINT_TEST_CACHE:-$HOME/.cache/agentlint-test}"
# Neovim and Chromium are clients; ripgrep stands in for the one @vscode/ripgrep downloads; the
# compilers and -dev libraries build code-server's native modules (kerberos, keytar, native-keymap).
packages=(neovim chromium ripgrep build-essential python3 libkrb5-dev pkg-config libsecret-1-dev
  libx11-dev libxkbfile-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing with apt: ${missing[*]}"
  $sudo apt-get update -qq
  # Only what is missing, without recommended packages; packages already installed are not
  # upgraded.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    --no-upgrade "${missing[@]}" > /dev/null
fi
if [ ! -x "$cache/code-server/node_modules/.bin/code-server" ]; then
  mkdir -p "$cache/code-server"
  # @vscode/ripgrep downloads rg at install time; give it Debian's instead (no network to GitHub).
  tmp="${TMPDIR:-/tmp}"
  mkdir -p "$tmp/vscode-ripgrep-cache-1.15.11"
  tar czf "$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
  (cd "$cache/code-server" &&
    npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --loglevel=error \
      code-server@4.100.3 --foreground-scripts > install.log 2>&1) || {
    tail -n 40 "$cache/code-server/install.log" >&2
    exit 1
  }
fi
echo "editor test dependencies: nvim $(nvim --version | head -1 | cut -d' ' -f2), chromium, code-server in $cache"
