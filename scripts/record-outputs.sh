#!/usr/bin/env bash
# Records what poolaudit prints for every fixture (JSON report and --dump-facts), so that a restructuring
# can be checked to be byte-identical: record before, record after, `diff -r` the two directories.
#   scripts/record-outputs.sh [BINARY] [OUTDIR]     (defaults: build/poolaudit, /tmp/poolaudit-outputs)
set -u
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/poolaudit}")
out=${2:-/tmp/poolaudit-outputs}
rm -rf "$out"
mkdir -p "$out"

record() {  # name, then the arguments
  local name=$1
  shift
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
  echo "exit $?" >>"$out/$name.err"
}

count=0
for fixture in fixtures/*/* tests/model/*; do
  case "$fixture" in *.facts) continue ;; esac
  name=$(echo "$fixture" | tr '/' '_')
  # Every rule on, the fixture alone (as the fixture test runs it) and inside this repository.
  record "$name.files-only.json" --isolated --files-only -j 1 --select ALL --format json --fail-on never "$fixture"
  record "$name.json" --isolated -j 1 --select ALL --format json --fail-on never "$fixture"
  record "$name.no-prefilter.json" --isolated --files-only -j 1 --select ALL --format json --no-prefilter "$fixture"
  record "$name.facts" --dump-facts "$fixture"
  count=$((count + 1))
done
echo "recorded $count fixtures into $out"
