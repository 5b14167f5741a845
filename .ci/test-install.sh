#!/usr/bin/env bash
# `make install` builds the tool alone (Release, no test target) and installs it stripped, with its
# man page and completions: staged into a temporary DESTDIR, checked, and removed.
set -euo pipefail
cd "$(dirname "$0")/.."
release=${RELEASE_BUILD:-build-release}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail() { echo "test-install: $*" >&2; exit 1; }
start=$(date +%s)
make install RELEASE_BUILD="$release" PREFIX=/usr/local DESTDIR="$stage"
seconds=$(( $(date +%s) - start ))
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$release/CMakeCache.txt" || fail "not a Release build"
if ninja -C "$release" -t targets all | grep -q 'poolaudit_tests'; then fail "make install has a test target"; fi
binary=$stage/usr/local/bin/poolaudit
[ -x "$binary" ] || fail "no bin/poolaudit"
if objdump -h "$binary" | grep -q '\.debug_info\|\.symtab'; then fail "bin/poolaudit is not stripped"; fi
"$binary" --version | grep -q '^poolaudit ' || fail "--version"
for f in share/man/man1/poolaudit.1 share/bash-completion/completions/poolaudit \
         share/zsh/site-functions/_poolaudit share/doc/poolaudit/README.md; do
  [ -s "$stage/usr/local/$f" ] || fail "no $f"
done
echo "test-install: OK in ${seconds}s; bin/poolaudit is $(stat -c %s "$binary") bytes"
