#!/usr/bin/env bash
# Installs the Debian packages poolaudit builds with, skipping those already present.
# tree-sitter itself comes from the npm registry and is fetched (and hash-checked) by CMake.
set -euo pipefail
packages=(g++ cmake ninja-build make npm libcli11-dev nlohmann-json3-dev doctest-dev
          libtomlplusplus-dev libfmt-dev python3 python3-jsonschema)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
