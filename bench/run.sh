#!/usr/bin/env bash
# Manual benchmark (not CI): poolaudit --parse-only (the floor: walk, read, tree-sitter parse of every
# file) against the full audit (--select ALL, pre-filter on) and the full audit with --no-prefilter,
# with one thread and with every core, on generated corpora. A size with "-all" (medium-all) is the
# corpus where every module imports SQLAlchemy: the pre-filter can skip nothing.
#
#   bench/run.sh                          # small and medium, corpora under /tmp/poolaudit-bench
#   bench/run.sh --sizes small,medium,large,medium-all --repeat 3 --dir /data/bench
#
# Prints one row per run: wall time, throughput, CPU time (user+sys), peak RSS, and the full audit's
# cost over the parse-only floor for the same size and thread count. With --repeat N the fastest
# wall time of N runs is kept (its CPU time and RSS with it): other processes on the machine only
# ever make a run slower.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
sizes="small,medium"
dir="/tmp/poolaudit-bench"
repeat=1
build="$repo/build-bench"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -x /usr/bin/time ]]; then
  echo "run.sh: /usr/bin/time (GNU time) is needed for CPU time and peak RSS." >&2
  echo "        Install it with: sudo apt-get install time   (or run scripts/install-deps.sh)" >&2
  exit 1
fi

# A Release build of its own. Werror stays off: GCC 12 at -O3 raises false -Wrestrict warnings in
# libstdc++'s char_traits, which must not stop a measurement.
if [[ ! -x "$build/poolaudit" ]] || ! grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "== building Release into $build" >&2
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOOLAUDIT_WERROR=OFF >/dev/null
fi
cmake --build "$build" --target poolaudit >/dev/null
bin="$build/poolaudit"

ncores="$(nproc)"
jobs_list="1"
[[ "$ncores" -gt 1 ]] && jobs_list="1 $ncores"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

# One timed run; prints "wall user sys maxrss_kb". The report goes to stdout -> /dev/null (not
# -o /dev/null: -o writes atomically through a temporary file renamed over the target).
timed() {
  local tfile rc
  tfile="$(mktemp)"
  rc=0
  /usr/bin/time -o "$tfile" -f '%e %U %S %M' "$@" >/dev/null 2>/dev/null || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: command failed (exit $rc): $*" >&2
    rm -f "$tfile"
    exit 1
  fi
  tail -n 1 "$tfile"
  rm -f "$tfile"
}

for size in ${sizes//,/ }; do
  corpus="$dir/$size"
  stamp="$corpus/.generated-by"
  want="$(cksum < "$here/generate.py" | cut -d' ' -f1) $size seed=42"
  extra=()
  [[ "$size" == *-all ]] && extra=(--all-relevant)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "== generating $size corpus into $corpus" >&2
    python3 "$here/generate.py" "$corpus" --size "${size%-all}" --seed 42 "${extra[@]}"
    echo "$want" > "$stamp"
  fi
  lines="$(find "$corpus" \( -name '*.py' -o -name '*.ini' \) -print0 | xargs -0 cat | wc -l)"
  bytes="$(find "$corpus" \( -name '*.py' -o -name '*.ini' \) -print0 | xargs -0 cat | wc -c)"
  files="$(find "$corpus" \( -name '*.py' -o -name '*.ini' \) | wc -l)"
  for jobs in $jobs_list; do
    for mode in parse-only full no-prefilter; do
      if [[ "$mode" == parse-only ]]; then
        cmd=("$bin" "$corpus" --parse-only --jobs "$jobs" --format json --exit-zero --no-cache)
      elif [[ "$mode" == full ]]; then
        cmd=("$bin" "$corpus" --select ALL --jobs "$jobs" --format json --exit-zero --no-cache)
      else
        cmd=("$bin" "$corpus" --select ALL --no-prefilter --jobs "$jobs" --format json --exit-zero --no-cache)
      fi
      best=""
      for ((i = 0; i < repeat; i++)); do
        echo "== $size $mode --jobs $jobs (run $((i + 1))/$repeat)" >&2
        m="$(timed "${cmd[@]}")"
        if [[ -z "$best" ]] || awk -v a="${m%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best="$m"; fi
      done
      echo "$size $files $lines $bytes $mode $jobs $best" >> "$results"
    done
  done
done

echo
echo "poolaudit benchmark: $(nproc) cores, $(uname -m), $("$bin" --version), best of $repeat"
awk '
  BEGIN {
    printf "%-10s %6s %9s %7s %-12s %4s %8s %10s %7s %7s %8s %10s %9s\n",
      "size", "files", "lines", "MB", "mode", "jobs", "wall s", "lines/s", "MB/s", "CPU s", "RSS MiB", "full/parse", "(CPU)"
  }
  {
    size = $1; files = $2; lines = $3; mb = $4 / 1e6; mode = $5; jobs = $6
    wall = $7; cpu = $8 + $9; rss = $10 / 1024
    w = wall > 0 ? wall : 0.01
    ratio = "-"; cratio = "-"
    if (mode == "parse-only") { pw[size, jobs] = w; pc[size, jobs] = cpu > 0 ? cpu : 0.01 }
    else if ((size, jobs) in pw) {
      ratio = sprintf("%.2fx", w / pw[size, jobs]); cratio = sprintf("%.2fx", (cpu > 0 ? cpu : 0.01) / pc[size, jobs])
    }
    printf "%-10s %6d %9d %7.1f %-12s %4d %8.2f %10.0f %7.2f %7.2f %8.1f %10s %9s\n",
      size, files, lines, mb, mode, jobs, wall, lines / w, mb / w, cpu, rss, ratio, cratio
  }' "$results"
