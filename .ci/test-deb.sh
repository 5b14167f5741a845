#!/usr/bin/env bash
# Builds the Debian package (make deb), checks its metadata, installs it with dpkg -i, audits a
# fixture with the installed binary, and removes it. Without root, or when a poolaudit package is
# already installed (it is left alone), the package is unpacked with dpkg -x into a temporary root.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
make deb BUILD="$build"
version=$(sed -n 's/^project(poolaudit VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
deb="$build/poolaudit_${version}_amd64.deb"
[ -f "$deb" ] || { echo "test-deb: $deb was not built" >&2; exit 1; }
fail() { echo "test-deb: $*" >&2; exit 1; }
info=$(dpkg-deb --info "$deb")
grep -q '^ Package: poolaudit$' <<<"$info" || fail "package name"
grep -q "^ Version: $version$" <<<"$info" || fail "version"
grep -q '^ Architecture: amd64$' <<<"$info" || fail "architecture"
grep -q '^ Maintainer: .\+<.\+@.\+>$' <<<"$info" || fail "maintainer"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for lib in libc6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb --contents "$deb")
grep -q ' ./usr/bin/poolaudit$' <<<"$contents" || fail "no /usr/bin/poolaudit in the package"

tmp=$(mktemp -d)
installed=0
# cmake --install into a prefix: the binary and the docs land where the package puts them.
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
[ -x "$tmp/prefix/bin/poolaudit" ] || fail "cmake --install did not install bin/poolaudit"
[ -f "$tmp/prefix/share/doc/poolaudit/docs/rules/PA101.md" ] || fail "cmake --install did not install the rule docs"
cleanup() {
  if [ "$installed" = 1 ]; then dpkg -r poolaudit >/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
status_before=$(dpkg-query -W -f='${Status}' poolaudit 2>/dev/null || true)
if [ "$(id -u)" -eq 0 ] && [ "$status_before" != "install ok installed" ]; then
  dpkg -i "$deb"
  installed=1
  binary=/usr/bin/poolaudit
else
  echo "test-deb: not root or poolaudit already installed: unpacking with dpkg -x" >&2
  dpkg -x "$deb" "$tmp/root"
  binary=$tmp/root/usr/bin/poolaudit
fi
shown=$("$binary" --version)
grep -q "^poolaudit $version (tree-sitter-python " <<<"$shown" || fail "--version: $shown"
status=0
"$binary" --format json fixtures/projects/fastapi_demo >"$tmp/report.json" || status=$?
[ "$status" -eq 1 ] || fail "auditing the demo exited $status (expected 1: it has findings)"
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["findings"] and r["inventory"]["engines"], r["summary"]' \
  "$tmp/report.json" || fail "the installed binary's report has no findings or engines"
if [ "$installed" = 1 ]; then
  dpkg -r poolaudit
  installed=0
  [ ! -e /usr/bin/poolaudit ] || fail "dpkg -r left /usr/bin/poolaudit behind"
fi
echo "test-deb: $deb OK (Depends: $depends)"
