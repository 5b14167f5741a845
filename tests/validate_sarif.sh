#!/usr/bin/env bash
# Validates real `--format sarif` output against the SARIF 2.1.0 schema (draft-04, cmake/SarifSchema.cmake) and checks
# what GitHub code scanning relies on: rule metadata for every selected rule, ruleIndex, relative
# %SRCROOT% URIs, regions, line-independent partialFingerprints, notifications for PA0xx.
# usage: validate_sarif.sh POOLAUDIT_BINARY SOURCE_DIR SARIF_SCHEMA
set -euo pipefail
binary=$1
source_dir=$2
schema=$3
if [ ! -f "$schema" ]; then
  echo "SARIF schema not found: $schema (CMake fetches it: cmake/SarifSchema.cmake; or configure -DPOOLAUDIT_SARIF_SCHEMA=...)" >&2
  exit 1
fi
cd "$source_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format=sarif
source "$(dirname "${BASH_SOURCE[0]}")/audit_run.sh"
run "$tmp/golden.sarif" --select ALL tests/golden/project
run "$tmp/fixtures.sarif" --select ALL fixtures
run "$tmp/clean.sarif" tests/golden/project/app/__init__.py
# The same project with two lines inserted at the top of every Python file: fingerprints must not move.
mkdir -p "$tmp/moved/a" "$tmp/moved/b"
cp -r tests/golden/project/. "$tmp/moved/a/"
cp -r tests/golden/project/. "$tmp/moved/b/"
find "$tmp/moved/b" -name '*.py' -exec sed -i '1i # moved\n# down' {} +
(cd "$tmp/moved/a" && run "$tmp/moved-a.json" --select ALL .)
(cd "$tmp/moved/b" && run "$tmp/moved-b.json" --select ALL .)
# A file that cannot be read (PA002) becomes a tool execution notification.
mkdir -p "$tmp/diag"
printf 'x = 1\n\0\n' >"$tmp/diag/binary.py"
# (a file the pre-filter parses: one that names nothing database-related is not parsed at all)
printf 'import sqlalchemy\ndef f(:\n  pass\n' >"$tmp/diag/broken.py"
(cd "$tmp/diag" && run "$tmp/diag.sarif" .)
# Debian's python3-jsonschema (scripts/install-deps.sh); a pyenv python may not have it.
/usr/bin/python3 - "$schema" "$tmp" <<'PY'
import json, os, sys
import jsonschema

schema_path, tmp = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft4Validator.check_schema(schema)
validator = jsonschema.Draft4Validator(schema)
failed = 0
def fail(msg):
    global failed
    print(msg)
    failed += 1

def load(name):
    with open(os.path.join(tmp, name)) as f:
        return json.load(f)

for name in ("golden.sarif", "fixtures.sarif", "clean.sarif", "diag.sarif", "moved-a.json"):
    log = load(name)
    for e in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
        fail(f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        for key in ("name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration", "properties"):
            if key not in rule:
                fail(f"{name}: rule {rule['id']} lacks {key}")
        if not rule.get("helpUri", "").endswith(f"docs/rules/{rule['id']}.md"):
            fail(f"{name}: rule {rule['id']} helpUri {rule.get('helpUri')}")
        if not rule.get("help", {}).get("markdown", "").startswith(f"# {rule['id']} "):
            fail(f"{name}: rule {rule['id']} help.markdown")
    for r in run["results"]:
        if rules[r["ruleIndex"]]["id"] != r["ruleId"]:
            fail(f"{name}: ruleIndex {r['ruleIndex']} is not {r['ruleId']}")
        loc = r["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        if loc["artifactLocation"].get("uriBaseId") != "%SRCROOT%" or uri.startswith(("/", "file:", "./")):
            fail(f"{name}: not a repository-relative URI: {loc['artifactLocation']}")
        region = loc["region"]
        if not (region["startLine"] >= 1 and region["startColumn"] >= 1 and region["endLine"] >= region["startLine"]):
            fail(f"{name}: bad region {region}")
        if not r["partialFingerprints"].get("poolaudit/v1"):
            fail(f"{name}: no fingerprint")

# Rule metadata for every selected rule (--select ALL), results and notes in the golden project.
golden = load("golden.sarif")["runs"][0]
ids = [r["id"] for r in golden["tool"]["driver"]["rules"]]
if ids != sorted(ids) or len(ids) < 10:
    fail(f"golden: rules {ids}")
if not golden["results"] or not any("relatedLocations" in r for r in golden["results"]):
    fail("golden: expected results with relatedLocations")
if golden["columnKind"] != "unicodeCodePoints":
    fail("golden: columnKind")
# Default selection: only default-on rules are described.
clean = load("clean.sarif")["runs"][0]
if clean["results"] or not clean["tool"]["driver"]["rules"]:
    fail("clean: expected no results and the default rules")
# Fingerprints do not change when lines move; line numbers do.
a, b = load("moved-a.json")["runs"][0]["results"], load("moved-b.json")["runs"][0]["results"]
fa = sorted(r["partialFingerprints"]["poolaudit/v1"] for r in a)
fb = sorted(r["partialFingerprints"]["poolaudit/v1"] for r in b)
if not fa or fa != fb:
    fail(f"fingerprints moved with the code: {set(fa) ^ set(fb)}")
if len(set(fa)) != len(fa):
    fail("fingerprints are not unique")
if [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in a] == \
   [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in b]:
    fail("the moved copy did not move")
# PA0xx diagnostics are notifications with a descriptor, not results.
diag = load("diag.sarif")["runs"][0]
notes = diag["invocations"][0].get("toolExecutionNotifications", [])
codes = sorted(n["descriptor"]["id"] for n in notes)
if codes != ["PA001", "PA002"] or any(r["ruleId"].startswith("PA0") for r in diag["results"]):
    fail(f"diag: notifications {codes}")
# The schema has teeth: a bad level or a missing message is rejected.
for mutate in (lambda l: l["runs"][0]["results"][0].update(level="fatal"),
               lambda l: l["runs"][0]["results"][0].pop("message"),
               lambda l: l.pop("version")):
    broken = load("golden.sarif")
    mutate(broken)
    if validator.is_valid(broken):
        fail("schema accepts a broken log")
print(f"{failed} failed")
sys.exit(1 if failed else 0)
PY
