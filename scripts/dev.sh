#!/usr/bin/env bash
# Installs what is missing, then serves kezhi with live reload on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
exec trunk serve --offline "$@"
