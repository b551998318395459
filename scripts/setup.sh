#!/usr/bin/env bash
# Installs whatever kezhi needs that is missing, from package registries only.
# Idempotent and quiet when everything is already there.
#   scripts/setup.sh          build tools (wasm target, trunk, wasm-bindgen-cli, wasm-opt)
#   scripts/setup.sh --test   also the test tools (chromium, chromedriver, npm test deps)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
GECKODRIVER_VERSION=0.37.1
WASM_SPLIT_VERSION=0.2.4
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,"",$0); print; exit}' Cargo.lock 2>/dev/null || true)
BINDGEN_VERSION=${BINDGEN_VERSION:-0.2.130}
source "$(dirname "$0")/env.sh"

say() { printf 'setup: %s\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >/dev/null
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION (a few minutes, once)"
  # --locked fails for this version; the unlocked build is known to work.
  cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --quiet --force
fi

# Cuts the pages fetched on first visit out of the page's wasm (scripts/bin/wasm-bindgen).
# (It has no --version: cargo's list of installed packages tells.)
if ! cargo install --list 2>/dev/null | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (a few minutes, once)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --quiet --force
fi

need_npm=0
[ -x node_modules/.bin/wasm-opt ] || need_npm=1
if [ "${1:-}" = "--test" ] && { [ ! -d node_modules/playwright-core ] \
  || [ ! -d node_modules/pouchdb-server ] || [ ! -d node_modules/pouchdb ] || [ ! -d node_modules/axe-core ]; }; then need_npm=1; fi
if [ "$need_npm" = 1 ]; then
  say "installing npm packages (binaryen's wasm-opt, playwright-core, pouchdb-server and pouchdb for the sync tests)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  # WebKit (Safari's engine): WebKitGTK's MiniBrowser and its WebDriver, on a virtual display.
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
    || ! command -v firefox-esr >/dev/null || ! command -v WebKitWebDriver >/dev/null \
    || ! command -v xvfb-run >/dev/null; then
    say "installing chromium, chromium-driver, firefox-esr, webkit2gtk-driver and xvfb from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium chromium-driver firefox-esr webkit2gtk-driver xvfb >/dev/null
  fi
  # Drives Firefox for the in-browser storage tests (WebDriver).
  if ! geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    say "installing geckodriver $GECKODRIVER_VERSION (a few minutes, once)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --quiet
  fi
fi
