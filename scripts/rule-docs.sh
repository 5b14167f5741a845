#!/usr/bin/env bash
# Writes docs/rules/PAnnn.md (one page per rule) and docs/rules/README.md (the index) from the rule
# metadata compiled into poolaudit, so the pages cannot drift from `poolaudit --explain`.
# usage: rule-docs.sh POOLAUDIT_BINARY DOCS_DIR          (write; what `make docs` runs)
#        rule-docs.sh POOLAUDIT_BINARY DOCS_DIR --check  (the rule_docs test: fail when stale)
set -euo pipefail
binary=$1
docs=$2
mode=${3:-write}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
notice='<!-- Generated from the rule metadata by `make docs` (scripts/rule-docs.sh); do not edit. -->'
{
  echo "$notice"
  echo
  echo "# Rules"
  echo
  echo "| id | name | severity | default | summary |"
  echo "|---|---|---|---|---|"
} >"$tmp/README.md"
"$binary" --list-rules | while read -r code _; do
  { echo "$notice"; echo; "$binary" --explain "$code" --format markdown; } >"$tmp/$code.md"
  # The index row comes from the page's own lines: name from the title, the rest from the list.
  name=$(sed -n '3s/^# [A-Z0-9]* //p' "$tmp/$code.md")
  severity=$(sed -n 's/^- Severity: \*\*\(.*\)\*\*$/\1/p' "$tmp/$code.md")
  default=$(sed -n 's/^- Default: \([a-z]*\).*/\1/p' "$tmp/$code.md")
  summary=$(sed -n '5p' "$tmp/$code.md" | sed 's/|/\\|/g')
  echo "| [$code]($code.md) | $name | $severity | $default | $summary |" >>"$tmp/README.md"
done
if [ "$mode" = "--check" ]; then
  if ! diff -ru "$docs" "$tmp" >"$tmp.diff" 2>&1; then
    sed 's/^/  /' "$tmp.diff" | head -40
    rm -f "$tmp.diff"
    echo "docs/rules is stale or incomplete: regenerate it with \`make docs\` (or scripts/rule-docs.sh BUILD/poolaudit docs/rules) and commit the result" >&2
    exit 1
  fi
  rm -f "$tmp.diff"
  echo "docs/rules is up to date ($(ls "$tmp" | wc -l) pages)"
  exit 0
fi
mkdir -p "$docs"
rm -f "$docs"/PA[0-9][0-9][0-9].md  # pages of rules that no longer exist go too
cp "$tmp"/*.md "$docs"/
echo "wrote $(ls "$tmp" | wc -l) pages to $docs"
