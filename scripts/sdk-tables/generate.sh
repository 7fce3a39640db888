#!/usr/bin/env bash
# Regenerates rules/data/sdks/python.toml and rules/data/sdks/javascript.toml: which SDK classes,
# client methods and functions send users' data to an LLM provider, read from the latest published
# packages. Run by hand (never by CI); it needs PyPI and the npm registry, Python 3.10+ and Node 20+.
#
#   scripts/sdk-tables/generate.sh
#
# It installs the packages of packages.txt (one venv per [group]; `[name/each]` is one venv per line)
# and of packages-npm.txt (one npm project) into a temporary directory, runs introspect.py and
# introspect.mjs there (both write JSON; introspect.py merge maps it to providers and writes the
# TOML), writes the two tables and deletes the directory. Nothing is ever sent to
# a provider: the introspection only imports packages, constructs clients with a fake key and reads
# source code, and where `unshare` can make a network namespace it runs without any network at all.
# A package that does not install or import is skipped, and named in the table's header.
#
# Environment: PYTHON (default python3), SDK_TABLES_TMP (a directory to keep the venvs in and reuse,
# instead of a temporary one), SDK_TABLES_ONLY=python|javascript.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/rules/data/sdks"
providers="$repo/rules/data/providers.toml"
python=${PYTHON:-python3}
only=${SDK_TABLES_ONLY:-}

if [[ -n "${SDK_TABLES_TMP:-}" ]]; then
  tmp=$SDK_TABLES_TMP
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sdk-tables.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$out" "$tmp/parts"
log() { printf 'generate.sh: %s\n' "$*" >&2; }

# Run the introspection without network where possible (a user and network namespace).
offline=()
if command -v unshare >/dev/null 2>&1 && unshare -rn true 2>/dev/null; then
  offline=(unshare -rn)
else
  log "unshare -rn is not available: introspecting with the network reachable (it sends nothing)"
fi

# --- Python ---------------------------------------------------------------------------------
python_tables() {
  # uv resolves and installs much faster than pip; it comes from PyPI like the rest.
  if [[ ! -x "$tmp/uv/bin/uv" ]]; then
    "$python" -m venv "$tmp/uv"
    "$tmp/uv/bin/pip" install -q --disable-pip-version-check uv
  fi
  local uv="$tmp/uv/bin/uv"
  local groups="$tmp/groups"
  rm -rf "$groups" "$tmp/parts"/py-*.json
  mkdir -p "$groups"
  # packages.txt -> one requirements file per venv
  "$python" - "$here/packages.txt" "$groups" <<'EOF'
import re, sys
src, dst = sys.argv[1], sys.argv[2]
group, each, n = None, False, 0
for raw in open(src):
    line = raw.split("#")[0].strip()
    m = re.fullmatch(r"\[([\w.-]+)(/each)?\]", line)
    if m:
        group, each = m.group(1), bool(m.group(2))
        continue
    if not line:
        continue
    if group is None:
        sys.exit("packages.txt: a requirement before the first [group]")
    name = group
    if each:
        name = group + "-" + re.split(r"[\[<>=!~ ;]", line)[0].lower()
    with open(f"{dst}/{name}.txt", "a") as f:
        f.write("\n".join(line.split()) + "\n")  # `a b` on a line: b is installed with a,
    with open(f"{dst}/{name}.want", "a") as f:  # and only a is introspected and reported
        f.write(line.split()[0] + "\n")
EOF
  local skipped="$tmp/parts/py-skipped.txt"
  : >"$skipped"
  for req in "$groups"/*.txt; do
    local name venv
    name=$(basename "$req" .txt)
    venv="$tmp/venv-$name"
    log "python [$name]: installing $(tr '\n' ' ' <"$req")"
    if [[ ! -x "$venv/bin/python" ]]; then
      "$uv" venv -q --python "$python" "$venv"
    fi
    if ! "$uv" pip install -q --python "$venv/bin/python" -r "$req" 2>"$tmp/uv-$name.log"; then
      # install what installs, one requirement at a time
      while read -r r; do
        if ! "$uv" pip install -q --python "$venv/bin/python" "$r" 2>>"$tmp/uv-$name.log"; then
          log "python [$name]: $r does not install, skipped"
          printf '%s\tdoes not install: %s\n' "$r" "$(tail -n 1 "$tmp/uv-$name.log" | tr -d '\n' | cut -c1-200)" >>"$skipped"
        fi
      done <"$req"
    fi
    log "python [$name]: introspecting"
    if ! ${offline[@]+"${offline[@]}"} env PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" "$here/introspect.py" collect \
        --group "$name" --packages "$groups/$name.want" --out "$tmp/parts/py-$name.json" 2>"$tmp/introspect-$name.log"; then
      log "python [$name]: introspection failed, skipped (see below)"
      tail -n 20 "$tmp/introspect-$name.log" >&2
      printf '[%s]\tintrospection failed: %s\n' "$name" "$(tail -n 1 "$tmp/introspect-$name.log" | cut -c1-200)" >>"$skipped"
    fi
    grep '^introspect: ' "$tmp/introspect-$name.log" >&2 || true
  done
  "$python" "$here/introspect.py" merge --providers "$providers" --out "$out/python.toml" \
    --skipped "$skipped" "$tmp/parts"/py-*.json
}

# --- JavaScript -----------------------------------------------------------------------------
javascript_tables() {
  local proj="$tmp/npm"
  mkdir -p "$proj"
  local pkgs
  pkgs=$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$here/packages-npm.txt")
  local skipped="$tmp/parts/js-skipped.txt"
  : >"$skipped"
  (
    cd "$proj"
    [[ -f package.json ]] || npm init -y >/dev/null
    log "npm: installing $(echo $pkgs)"
    # --ignore-scripts: nothing of the packages runs at install time
    # shellcheck disable=SC2086
    if ! npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error $pkgs >"$tmp/npm.log" 2>&1; then
      for p in $pkgs; do
        if ! npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error "$p" >>"$tmp/npm.log" 2>&1; then
          log "npm: $p does not install, skipped"
          printf '%s\tdoes not install\n' "$p" >>"$skipped"
        fi
      done
    fi
  )
  log "npm: introspecting"
  rm -f "$tmp/parts/js.json"
  # run from inside the project, so that its imports resolve to the packages installed there
  cp "$here/introspect.mjs" "$proj/introspect.mjs"
  ${offline[@]+"${offline[@]}"} node "$proj/introspect.mjs" --project "$proj" --packages "$here/packages-npm.txt" \
    --out "$tmp/parts/js.json"
  # the same merge as Python's: providers, consistency with providers.toml, sorting, TOML
  "$python" "$here/introspect.py" merge --language javascript --providers "$providers" \
    --out "$out/javascript.toml" --skipped "$skipped" "$tmp/parts/js.json"
}

[[ "$only" == javascript ]] || python_tables
[[ "$only" == python ]] || javascript_tables
log "wrote $out/python.toml and $out/javascript.toml"
"$python" "$here/check.py" "$repo/rules/data"
