#!/usr/bin/env bash
# Validates real `--format json` output against docs/report.schema.json.
# usage: validate_json.sh POOLAUDIT_BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
cd "$source_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format=json
source "$(dirname "${BASH_SOURCE[0]}")/audit_run.sh"
run "$tmp/golden.json" --select ALL tests/golden/project
run "$tmp/fixtures.json" --select ALL fixtures
run "$tmp/clean.json" --select ALL tests/golden/project/app/__init__.py
# Debian's python3-jsonschema (scripts/install-deps.sh); a pyenv python may not have it.
/usr/bin/python3 - "docs/report.schema.json" "$tmp"/*.json <<'PY'
import json, sys
import jsonschema

with open(sys.argv[1]) as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failed = 0
for path in sys.argv[2:]:
    with open(path) as f:
        report = json.load(f)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    for e in errors:
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    failed += bool(errors)
    # The contract is exercised, not just allowed: the golden project has findings and engines.
    if path.endswith("golden.json") and not (report["findings"] and report["inventory"]["engines"]):
        print(f"{path}: expected findings and engines")
        failed += 1
# The schema has teeth: a renamed key or a bad severity is rejected.
for mutate in (lambda r: r.pop("findings"), lambda r: r["findings"][0].update(severity="fatal"),
               lambda r: r["findings"][0].pop("rule")):
    broken = json.load(open([p for p in sys.argv[2:] if p.endswith("golden.json")][0]))
    mutate(broken)
    if validator.is_valid(broken):
        print("schema accepts a broken report")
        failed += 1
print(f"{len(sys.argv) - 2 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
