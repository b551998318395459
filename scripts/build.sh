#!/usr/bin/env bash
# Builds the static site into dist/: upload it to any static host or CDN, under any path.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
trunk build --release --offline "$@" 2>&1 | grep -v -E '^\s*$| INFO | DEBUG ' >&2 || true
test -f dist/index.html || { echo "build: dist/index.html was not produced" >&2; exit 1; }
