#!/usr/bin/env bash
# Manual benchmark (not CI) of the two shapes issue #11 found superlinear:
#   - one line holding N `create_engine(a);` calls (N = 1000, 2000, 4000, 8000): CPU seconds and the
#     ratio to N = 1000 (linear: 8x at N = 8000; it was ~50x when columns were counted from the
#     start of the line at every position);
#   - a tree of many tiny Python files (default 100,000: 1,000 packages of 100 modules): wall and CPU
#     seconds and peak RSS (the goal: < 100 MiB, flat in the number of files).
#
#   bench/scaling.sh                          # Release build in build-bench/, inputs in /tmp/poolaudit-scaling
#   bench/scaling.sh --bin build/poolaudit --files 20000 --dir /data/scaling
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
dir="/tmp/poolaudit-scaling"
bin=""
files=100000
jobs="$(nproc)"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scaling.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -x /usr/bin/time ]]; then
  echo "scaling.sh: /usr/bin/time (GNU time) is needed: sudo apt-get install time" >&2
  exit 1
fi
if [[ -z "$bin" ]]; then
  build="$repo/build-bench"
  if [[ ! -x "$build/poolaudit" ]] || ! grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$build/CMakeCache.txt" 2>/dev/null; then
    echo "== building Release into $build" >&2
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOOLAUDIT_WERROR=OFF >/dev/null
  fi
  cmake --build "$build" --target poolaudit >/dev/null
  bin="$build/poolaudit"
fi
mkdir -p "$dir"

# Prints "wall user sys maxrss_kb" of one run (exit 0 and 1 are both fine: 1 means findings).
timed() {
  local tfile rc=0
  tfile="$(mktemp)"
  /usr/bin/time -o "$tfile" -f '%e %U %S %M' "$@" >/dev/null 2>/dev/null || rc=$?
  if [[ $rc -gt 1 ]]; then
    echo "scaling.sh: command failed (exit $rc): $*" >&2
    exit 1
  fi
  tail -n 1 "$tfile"
  rm -f "$tfile"
}

echo "poolaudit scaling: $(nproc) cores, $("$bin" --version)"
echo
printf '%-26s %8s %8s %8s %9s\n' "one line of N calls" "bytes" "wall s" "CPU s" "CPU/N=1k"
base=""
for n in 1000 2000 4000 8000; do
  file="$dir/one_line_$n.py"
  python3 - "$file" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write('from sqlalchemy import create_engine\na = "postgresql://u@h/db"\n')
    f.write(" ".join(["create_engine(a);"] * n) + "\n")
PY
  read -r wall user sys _ <<<"$(timed "$bin" "$file" --select ALL --jobs 1 --format json)"
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  [[ -z "$base" ]] && base="$cpu"
  ratio="$(awk -v c="$cpu" -v b="$base" 'BEGIN { printf "%.1fx", c / (b > 0 ? b : 0.01) }')"
  printf '%-26s %8d %8.2f %8.2f %9s\n' "N = $n" "$(wc -c <"$file")" "$wall" "$cpu" "$ratio"
done

tree="$dir/tiny_$files"
if [[ ! -f "$tree/.complete" ]]; then
  echo "== generating $files tiny files into $tree" >&2
  rm -rf "$tree"
  python3 - "$tree" "$files" <<'PY'
import os, sys
root, total = sys.argv[1], int(sys.argv[2])
for i in range(total):
    package = os.path.join(root, "pkg_%04d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(package, exist_ok=True)
    with open(os.path.join(package, "mod_%03d.py" % (i % 100)), "w") as f:
        f.write("import os\n\n\ndef f_%d():\n    return os.getcwd()\n" % i)
open(os.path.join(root, ".complete"), "w").close()
PY
fi
echo
printf '%-26s %8s %8s %8s %9s\n' "tiny files" "jobs" "wall s" "CPU s" "RSS MiB"
for j in 1 "$jobs"; do
  read -r wall user sys rss <<<"$(timed "$bin" "$tree" --jobs "$j" --format json)"
  printf '%-26s %8d %8.2f %8.2f %9.1f\n' "$files files" "$j" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')"
done
