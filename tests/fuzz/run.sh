#!/usr/bin/env bash
# Runs libFuzzer targets one after the other, SECONDS each, seeded with the fixtures and the
# regression corpus; the corpus each run grows is kept in BUILD/corpus/<target>. Every target runs
# even when one fails; the exit status says whether any did (its input: BUILD/artifacts/<target>/).
# Usage: tests/fuzz/run.sh BUILD SECONDS [TARGET...]   (no TARGET: every target)
set -uo pipefail
build=$1
seconds=$2
shift 2
cd "$(dirname "$0")/../.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do
    t=${f#tests/fuzz/fuzz_}
    targets+=("${t%.cpp}")
  done
fi
failed=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: no target $t ($bin)" >&2
    failed+=("$t")
    continue
  fi
  rm -rf "$build/seeds/$t"
  tests/fuzz/seed.sh "$t" "$build/seeds/$t" >/dev/null
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "fuzz: $t for ${seconds}s"
  # stdin is /dev/null: a configuration naming /dev/stdin as its baseline must not wait.
  # /usr/bin/time, when installed, records the CPU seconds (a shared machine gives less than wall time).
  timer=()
  if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f 'cpu_seconds: %U user + %S system' -o "$build/artifacts/$t/cpu"); fi
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "${timer[@]}" "$bin" -max_total_time="$seconds" \
    -max_len=65536 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    "$build/corpus/$t" "$build/seeds/$t" "tests/fuzz/regressions/$t" </dev/null 2>"$build/artifacts/$t/log"; then
    failed+=("$t")
  fi
  grep -hE '^cpu_seconds|^stat::number_of_executed_units|^stat::peak_rss_mb|^==[0-9]+==ERROR|^SUMMARY|property broken' \
    "$build/artifacts/$t/log" "$build/artifacts/$t/cpu" 2>/dev/null | sed "s/^/  $t: /"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (inputs in $build/artifacts/<target>/, logs beside them)" >&2
  exit 1
fi
