#!/usr/bin/env bash
# Writes the seed corpus of one fuzz target into DIR from the repository's own fixtures (no
# third-party files). Targets whose first byte picks the file name get that byte prepended, so a
# seed reaches the reader its file name selects. Usage: tests/fuzz/seed.sh TARGET DIR
set -euo pipefail
target=$1
out=$2
cd "$(dirname "$0")/../.."
mkdir -p "$out"
n=0
# seed SELECTOR_BYTE FILE...: each file with the byte (octal, "" for none) in front of it.
seed() {
  local prefix=$1
  shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    { [ -z "$prefix" ] || printf "\\$prefix"; cat "$f"; } >"$out/seed-$n"
  done
}
named() { find fixtures tests -type f -path "$1" 2>/dev/null | sort; }
case $target in
  analyze | reporters) seed "" $(named '*.py') ;;
  deployment_yaml)
    seed 000 $(named '*/serverless.y*ml')
    seed 001 $(named '*/template.y*ml')
    seed 002 $(named '*/zappa_settings.y*ml')
    seed 003 $(named '*/docker-compose*.y*ml') $(named '*/compose*.y*ml')
    seed 004 $(named '*/render.y*ml')
    seed 005 $(named '*/app.y*ml') ;;
  deployment_json)
    seed 000 $(named '*/vercel.json')
    seed 001 $(named '*/zappa_settings.json')
    seed 002 $(named '*/.chalice/config.json') ;;
  dotenv)
    seed 000 $(named '*/.env')
    seed 001 $(named '*/.env.*') ;;
  commands)
    seed 000 $(named '*/Procfile')
    seed 001 $(named '*/Dockerfile*')
    seed 002 $(named '*.sh')
    seed 003 $(named '*.service') ;;
  platform)
    seed 000 $(named '*/fly.toml')
    seed 001 $(named '*.tf')
    seed 002 $(named '*/pgbouncer.ini') ;;
  mask) seed "" $(named '*.ini') $(named '*/.env*') $(grep -rlE '://' fixtures --include='*.py' | sort | head -200) ;;
  ini)
    seed 000 $(named '*/alembic.ini')
    seed 001 $(named '*.ini') ;;
  config)
    seed 000 $(named '*/poolaudit.toml') $(named '*/.poolaudit.toml')
    seed 001 $(named '*/pyproject.toml') ;;
  dependencies)
    seed 000 $(named '*/requirements*.txt')
    seed 002 $(named '*/pyproject.toml')
    seed 003 $(named '*/poetry.lock')
    seed 004 $(named '*/uv.lock')
    seed 005 $(named '*/Pipfile.lock')
    seed 006 $(named '*/setup.cfg') ;;
  suppressions)
    # mode byte (0 ini, 1 every '#', 2 after a blank, 3 Python), no findings, then the file.
    seed '000\000' $(grep -rlE 'poolaudit: *(file-)?ignore|noqa' fixtures --include='*.ini' | sort)
    seed '003\000' $(grep -rlE 'poolaudit: *(file-)?ignore|noqa' fixtures --include='*.py' | sort | head -40)
    seed '002\000' $(grep -rlE 'poolaudit: *(file-)?ignore|noqa' fixtures --include='*.yml' | sort) ;;
  gitignore)
    seed 000 $(find fixtures tests -type f -name .gitignore 2>/dev/null | sort)
    seed 001 $(named '*/gitconfig*') ;;
  baseline) ;;  # tests/fuzz/regressions/baseline/ holds valid baselines
  facts_cache) ;;  # tests/fuzz/regressions/facts_cache/ holds entries written by real runs (payloads)
  *) echo "seed.sh: unknown target $target" >&2; exit 2 ;;
esac
echo "$target: $n seeds in $out"
