#!/usr/bin/env bash
# Runs poolaudit for a pre-commit hook: `pre-commit-run.sh BINARY ARGS... FILES...`.
# Changed Python files are audited in their project's context, and only they are reported. A changed
# deployment or configuration file (serverless.yml, a Dockerfile, compose files, alembic.ini,
# pyproject.toml, requirements, .env, ...) can change findings in Python files that did not change
# (a QueuePool engine becomes wrong when serverless.yml moves it to Lambda), so then the whole
# repository is audited: `.` (pre-commit runs hooks from the repository root) is added to the paths.
set -euo pipefail
binary=$1
shift
whole=0
for arg in "$@"; do
  case "$arg" in
    -*|*.py|*.pyi) ;;
    *) [ -f "$arg" ] && whole=1 ;;
  esac
done
if [ "$whole" = 1 ]; then
  exec "$binary" "$@" .
fi
exec "$binary" "$@"
