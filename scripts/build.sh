#!/usr/bin/env bash
# Builds the static site into dist/: upload it to any static host or CDN, under any path.
#   scripts/build.sh --single-file   also writes dist-single/kezhi.html: the whole app in one
#                                    file, to open from file:// (e-mail, USB stick)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
single=0
args=()
for a in "$@"; do
  if [ "$a" = "--single-file" ]; then single=1; else args+=("$a"); fi
done
trunk build --release --offline "${args[@]}" 2>&1 | grep -v -E '^\s*$| INFO | DEBUG ' >&2 || true
test -f dist/index.html || { echo "build: dist/index.html was not produced" >&2; exit 1; }
if [ "$single" = 1 ]; then
  node scripts/single-file.mjs dist dist-single/kezhi.html
fi
