#!/usr/bin/env bash
# The `poolaudit-build` pre-commit hook: builds poolaudit from the hook's own clone on first use
# (into .pre-commit-build/ inside that clone, so each pinned rev has its own binary), then runs it
# with the hook's arguments. Needs the build dependencies (scripts/install-deps.sh).
set -euo pipefail
clone=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${POOLAUDIT_HOOK_BUILD_DIR:-$clone/.pre-commit-build}
binary=$build/poolaudit
if [ ! -x "$binary" ]; then
  mkdir -p "$build"
  (
    # Two repositories committing at once share the clone: one builds, the other waits.
    flock 9
    if [ ! -x "$binary" ]; then
      echo "poolaudit-build: building poolaudit in $build (first use of this hook revision)..." >&2
      generator=()
      command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
      launcher=()
      command -v ccache >/dev/null 2>&1 &&
        launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
      log=$build/build.log
      if ! cmake -S "$clone" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
             -DPOOLAUDIT_DEPS_DIR="$build/deps" >"$log" 2>&1 ||
         ! cmake --build "$build" --target poolaudit -j "$(nproc 2>/dev/null || echo 2)" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "poolaudit-build: the build failed (log: $log); install the dependencies with $clone/scripts/install-deps.sh" >&2
        exit 2
      fi
    fi
  ) 9>"$build/.lock" || exit 2
fi
exec "$binary" "$@"
