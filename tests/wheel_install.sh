#!/usr/bin/env bash
# ctest wheel_install: builds the wheel around the built binary (scripts/build-wheel.py), checks its
# RECORD, installs it offline (pip --no-index) into a fresh virtual environment, and runs the
# installed `poolaudit` on the demo project. Exit 77 (skipped) when python3 cannot make a venv
# (Debian: python3-venv, which scripts/install-deps.sh installs).
#   wheel_install.sh BINARY SOURCE_DIR SHELL_DOCS_DIR
set -euo pipefail
binary=$1 source=$2 shell_docs=$3
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "wheel_install: $*" >&2; exit 1; }
if ! "$python" -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1; then
  echo "wheel_install: skipped: $python -m venv failed (install python3-venv):" >&2
  cat "$tmp/venv.log" >&2
  exit 77
fi
version=$(sed -n 's/^project(poolaudit VERSION \([0-9.]*\).*/\1/p' "$source/CMakeLists.txt")
"$python" "$source/scripts/build-wheel.py" --binary "$binary" --version "$version" --out "$tmp/dist" \
  --strip strip --shell-docs "$shell_docs"
wheels=("$tmp"/dist/*.whl)
[ ${#wheels[@]} -eq 1 ] || fail "expected one wheel, got: ${wheels[*]}"
wheel=${wheels[0]}
name=$(basename "$wheel")
[[ $name =~ ^poolaudit-${version//./\\.}-py3-none-(manylinux_[0-9]+_[0-9]+|linux)_x86_64\.whl$ ]] ||
  fail "unexpected file name $name"

# RECORD lists every other file with its sha256 and size; WHEEL's tag matches the file name.
"$python" - "$wheel" <<'PY' || fail "RECORD/WHEEL do not match the wheel's contents"
import base64, csv, hashlib, io, os, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as wheel:
    names = wheel.namelist()
    record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
    rows = list(csv.reader(io.StringIO(wheel.read(record_name).decode())))
    listed = {row[0] for row in rows}
    assert listed == set(names), (listed ^ set(names))
    for name, digest, size in rows:
        if name == record_name:
            assert digest == "" and size == "", name
            continue
        data = wheel.read(name)
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert digest == expected and int(size) == len(data), name
    tag = os.path.basename(path)[:-4].split("-", 2)[2]
    meta = wheel.read(record_name.replace("RECORD", "WHEEL")).decode()
    assert f"Tag: {tag}\n" in meta and "Root-Is-Purelib: false\n" in meta, meta
    info = wheel.getinfo(next(n for n in names if n.endswith(".data/scripts/poolaudit")))
    assert (info.external_attr >> 16) & 0o111, "the binary is not executable in the archive"
PY

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$tmp/venv/bin/python" -m pip install --no-index --no-cache-dir --quiet "$wheel"
installed=$tmp/venv/bin/poolaudit
[ -x "$installed" ] || fail "pip did not install bin/poolaudit"
shown=$("$installed" --version)
grep -q "^poolaudit $version (tree-sitter-python " <<<"$shown" || fail "--version: $shown"
if objdump -h "$installed" | grep -q '\.debug_info'; then fail "the installed binary is not stripped"; fi
[ -f "$tmp/venv/share/man/man1/poolaudit.1" ] || fail "no man page in the venv"
[ -f "$tmp/venv/share/bash-completion/completions/poolaudit" ] || fail "no bash completion in the venv"
# On PATH as an activated venv puts it, auditing the demo: findings, so exit 1.
status=0
(cd "$source" && PATH="$tmp/venv/bin:$PATH" poolaudit --format json fixtures/projects/fastapi_demo) \
  >"$tmp/report.json" || status=$?
[ "$status" -eq 1 ] || fail "auditing the demo exited $status (expected 1: it has findings)"
"$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["findings"] and r["inventory"]["engines"]' \
  "$tmp/report.json" || fail "the installed poolaudit's report has no findings or engines"
"$tmp/venv/bin/python" -m pip uninstall --yes --quiet poolaudit
[ ! -e "$installed" ] || fail "pip uninstall left bin/poolaudit behind"
echo "wheel_install: $name ($(stat -c %s "$wheel") bytes) installs and runs"
