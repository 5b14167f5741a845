#!/usr/bin/env bash
# Installs what poolaudit builds with, skipping what is already present: tools are checked by
# command (they may come from outside Debian's packages, e.g. a node/npm install), libraries by
# package. tree-sitter itself comes from the npm registry and is fetched (and hash-checked) by CMake.
#   install-deps.sh          everything: the tool, the test suite, the fuzzers, make deb / make wheel
#   install-deps.sh --tool   what building the tool alone needs (make install, make wheel, the
#                            poolaudit-build pre-commit hook)
# The oracle's stack (tests/oracle: the rules proven against real servers with Debian's SQLAlchemy)
# comes with the test suite; POOLAUDIT_NO_ORACLE=1 leaves it out (the oracle test then skips).
set -euo pipefail
libraries=(libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libfmt-dev libyaml-cpp-dev libxxhash-dev)
tools=(g++:g++ cmake:cmake ninja:ninja-build make:make npm:npm python3:python3 pkg-config:pkg-config)
if [ "${1:-}" != --tool ]; then
  # python3-venv: the wheel test installs the built wheel into a fresh virtual environment.
  libraries+=(doctest-dev python3-jsonschema libclang-rt-dev python3-venv)
  tools+=(time:time clang++:clang git:git pre-commit:pre-commit dpkg-shlibdeps:dpkg-dev)
  if [ -z "${POOLAUDIT_NO_ORACLE:-}" ]; then
    # Servers and the Python stack for Debian's /usr/bin/python3 (a pyenv python does not see them).
    libraries+=(postgresql pgbouncer mariadb-server python3-sqlalchemy python3-psycopg2 python3-psycopg
                python3-asyncpg python3-alembic python3-pymysql python3-flask-sqlalchemy)
  fi
fi
missing=()
for pair in "${tools[@]}"; do
  type -P "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
for p in "${libraries[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's python3-jsonschema must be importable by Debian's python3 (a pyenv python may shadow it).
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
