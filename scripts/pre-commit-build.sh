#!/usr/bin/env bash
# The `poolaudit-build` pre-commit hook: builds poolaudit from the hook's own clone on first use
# (into .pre-commit-build/ inside that clone, so each pinned rev has its own binary), then runs it
# with the hook's arguments (scripts/pre-commit-run.sh). Needs the build dependencies
# (scripts/install-deps.sh --tool) and, on first use, npm to fetch tree-sitter.
set -euo pipefail
clone=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${POOLAUDIT_HOOK_BUILD_DIR:-$clone/.pre-commit-build}
binary=$build/poolaudit

# Names the cause of a failed build from its log: the tree-sitter download (CMake's "npm-fetch:"
# messages, cmake/TreeSitter.cmake), a missing build dependency, or the compiler.
explain_failure() {
  local log=$1
  local missing_dependency="Could NOT find|Could not find a package|Package '[^']*'.* not found|No package '[^']*' found"
  missing_dependency+="|No CMAKE_CXX_COMPILER|CMAKE_CXX_COMPILER not set|command not found"
  if grep -q 'npm-fetch:' "$log"; then
    sed -n '/npm-fetch:/,/^-- Configuring incomplete/p' "$log" | grep -v '^-- Configuring incomplete' >&2
    echo "poolaudit-build: fetching tree-sitter with npm failed (see above; log: $log); the build" \
         "dependencies are not the cause" >&2
  elif grep -qE "$missing_dependency" "$log"; then
    grep -E -A3 "$missing_dependency" "$log" | head -n 20 >&2
    echo "poolaudit-build: a build dependency is missing (log: $log); install them with" \
         "$clone/scripts/install-deps.sh --tool" >&2
  else
    tail -n 30 "$log" >&2
    echo "poolaudit-build: compiling poolaudit failed (log: $log)" >&2
  fi
}
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
             -DPOOLAUDIT_DEPS_DIR="$build/deps" -DPOOLAUDIT_BUILD_TESTS=OFF >"$log" 2>&1 ||
         ! cmake --build "$build" --target poolaudit -j "$(nproc 2>/dev/null || echo 2)" >>"$log" 2>&1; then
        explain_failure "$log"
        exit 2
      fi
    fi
  ) 9>"$build/.lock" || exit 2
fi
exec "$clone/scripts/pre-commit-run.sh" "$binary" "$@"
