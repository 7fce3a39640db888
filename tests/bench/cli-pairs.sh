#!/usr/bin/env bash
# agentlint against Ruff (`--select S`) and Bandit on a corpus, run in alternation: a pair of runs
# at a time, so that the shared VM's drift (a third between sittings) falls on both tools alike.
# Prints each pair's wall times and ratio, then the ratios' range and median.
#   tests/bench/cli-pairs.sh CORPUS_DIR [PAIRS] [OTHER]
# OTHER is `ruff` (the default) or `bandit`. Needs target/release/agentlint and .venv/ (see
# BENCHMARKS.md).
set -euo pipefail
corpus=${1:?usage: tests/bench/cli-pairs.sh CORPUS_DIR [PAIRS] [ruff|bandit]}
pairs=${2:-8}
other=${3:-ruff}
bin=${AGENTLINT_BIN:-target/release/agentlint}
venv=${VENV:-.venv}
case "$other" in
  ruff) other_cmd=("$venv/bin/ruff" check --select S --no-cache --exit-zero "$corpus") ;;
  bandit) other_cmd=("$venv/bin/bandit" -r -q -f json "$corpus") ;;
  *) echo "OTHER is ruff or bandit" >&2; exit 2 ;;
esac
wall() {
  /usr/bin/time -f "%e" -o /tmp/agentlint-bench-pairs "$@" > /dev/null 2>&1 || true
  tail -n 1 /tmp/agentlint-bench-pairs
}
# One untimed run of each first: the corpus in the page cache, the binaries loaded.
wall "$bin" check --format json "$corpus" > /dev/null
wall "${other_cmd[@]}" > /dev/null
ratios=()
printf '%-6s %12s %12s %8s\n' pair "agentlint" "$other" "ratio"
for i in $(seq "$pairs"); do
  a=$(wall "$bin" check --format json "$corpus")
  b=$(wall "${other_cmd[@]}")
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
  ratios+=("$r")
  printf '%-6s %11ss %11ss %7sx\n' "$i" "$a" "$b" "$r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v o="$other" '
  { r[NR] = $1 }
  END {
    m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "%s time / agentlint time: %.2fx to %.2fx, median %.2fx over %d pairs\n", o, r[1], r[NR], m, NR
  }'
