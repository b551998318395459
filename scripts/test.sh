#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, lints, native unit
# and property tests of the core, in-browser storage tests (Chromium, Firefox and WebKit), and
# end-to-end tests (Chromium; the main flows in Firefox and WebKit too).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test

step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --quiet -p kezhi-core --all-targets -- -D warnings
cargo clippy --quiet --workspace --target wasm32-unknown-unknown -- -D warnings
# The app's own build of the core (without `files`: that part is the files worker's) and of
# the app alone (a workspace build unifies the features, so it would not see that build).
cargo clippy --quiet -p kezhi-core --no-default-features -- -D warnings
cargo clippy --quiet -p kezhi --target wasm32-unknown-unknown -- -D warnings
# The benchmark build (scripts/build.sh --bench) and the app's native unit tests.
cargo clippy --quiet -p kezhi --target wasm32-unknown-unknown --features bench -- -D warnings
cargo clippy --quiet -p kezhi --bin kezhi --tests -- -D warnings

step "core: native unit and property tests"
cargo test --quiet -p kezhi-core

# The app builds natively too: its logic that needs no browser (preference keys, routes) is
# tested here.
step "app: native unit tests"
cargo test --quiet -p kezhi --bin kezhi

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
step "storage: tests in headless Chromium"
(cd crates/storage-web && CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --tests)

step "storage: tests in headless Firefox"
(cd crates/storage-web && GECKODRIVER="$(command -v geckodriver)" cargo test --target wasm32-unknown-unknown --tests)

# WebKit, Safari's engine: WebKitGTK's MiniBrowser through its WebKitWebDriver (run.mjs gives
# wasm-bindgen-test-runner the capabilities that driver needs). A release build: WebKitGTK
# 2.50's JavaScriptCore now and then traps in the debug build's demo generator (an "out of
# bounds memory access" or "unreachable" inside rand_chacha, in about four runs of ten, more
# often with its optimising tier off; never in Chromium or Firefox, never in a release build —
# docs/benchmarks.md, "Storage tests in WebKit"). What users run is a release build.
step "storage: tests in WebKit (Safari's engine)"
(cd crates/storage-web && node ../../tests/webkit/run.mjs cargo test --release --target wasm32-unknown-unknown --tests)

step "build dist/"
scripts/build.sh

step "first download within its budget"
# The page's first download (the main wasm and its JS, gzip -9) must not grow unnoticed: raise
# the budget only on purpose, saying why in docs/benchmarks.md. Its history, in KiB: 1,450 →
# 1,460 (2026-12-02: the backup in slices, the translation boundary) → 1,425 (the pinyin
# table's smaller form, wasm-opt -Oz twice) → 1,415 → 1,420 → 1,425 (2026-12-03: the segment's
# one-query path, the analytics stored column-wise) → 1,085 → 915 (2026-12-04: the pages,
# sync, the demo and the customer detail fetched on first use) → 848 (the pinyin table fetched
# after the start, CRC tables made at run time) → 780 → 696 → 682 (the core built for size,
# five more split points: older versions' storage, replace and reset, the files worker's
# client, the rescue download). Since 2026-12-05 it is issue 14's target itself, read as
# 700,000 bytes: the load's sorts in bounded steps and its finer pauses took the download
# from 697,886 to 699,570 B, past 682 KiB; anything more has to be paid for by a saving
# elsewhere.
budget_bytes=700000
bytes=0
for f in dist/kezhi-*_bg.wasm dist/kezhi-*.js dist/wasm_split-*.js; do bytes=$((bytes + $(gzip -9c "$f" | wc -c))); done
echo "first download: $bytes B gzip (budget $budget_bytes B)"
[ "$bytes" -le "$budget_bytes" ] || { echo "the first download grew past its budget" >&2; exit 1; }

step "end to end in headless Chromium"
node --test --test-concurrency=1 tests/e2e/
