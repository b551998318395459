#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, lints, native unit
# and property tests of the core, in-browser storage tests (Chromium and Firefox), and
# end-to-end tests in Chromium.
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

step "build dist/"
scripts/build.sh

step "first download within its budget"
# The page's first download (the main wasm and its JS, gzip -9) must not grow unnoticed: raise
# the budget only on purpose, saying why in docs/benchmarks.md. Issue 14's target is 700 KB;
# this is where it stands, less a little room (1,450 → 1,460 KiB on 2026-12-02: the backup read
# and written in slices, issue 12, and the translation boundary, issue 15; then 1,460 → 1,425
# KiB: the pinyin readings' smaller table, wasm-opt -Oz twice with --low-memory-unused;
# then 1,425 → 1,415 KiB on 2026-12-03: sync and backups read their lists without a second
# copy of the serde readers; then 1,415 → 1,420 KiB on 2026-12-03, fifteenth session: the
# segment's one-query path — tags and interned texts tested by symbol, the metric columns in
# one pass — took the race's "columns built" segment from 1.7× to 3× DuckDB-WASM for 2.9 KB;
# then 1,420 → 1,425 KiB on 2026-12-03, sixteenth session: the analytics stored column-wise
# (MetricsTable) took that segment to 5.8–7.0× and the analytics' memory from 13.6 to 7.6 MB at
# 100k for 2.5 KB (main wasm 3,706,673 → 3,712,306 bytes); then 1,425 → 1,085 KiB on
# 2026-12-04, nineteenth session: the pages other than the dashboard and the customer list are
# fetched on first visit (src/lazy_pages.rs, wasm-split), the first download 1,420 → 1,077 KiB;
# it now counts the split loader (wasm_split-*.js) too; then 1,085 → 915 KiB the same day:
# sync's loop, the demo generator and the customer detail fetched on first use, 1,077 → 910
# KiB; then 915 → 848 KiB on 2026-12-04, twenty-first session: the pinyin readings' table
# fetched after the page starts (src/readings.rs) and the stored texts' CRC-32 tables made at
# run time (crates/core/src/crc32.rs), 911.7 → 843.9 KiB; then 848 → 682 KiB on 2026-12-04,
# twenty-third session: the core built for size (opt-level "s", the files worker at 3) and
# five more split points (older versions' storage, replace and reset, the files worker's
# client, the rescue download), 843.9 → 681.5 KiB (697,886 B); docs/benchmarks.md).
budget_kib=682
bytes=0
for f in dist/kezhi-*_bg.wasm dist/kezhi-*.js dist/wasm_split-*.js; do bytes=$((bytes + $(gzip -9c "$f" | wc -c))); done
echo "first download: $((bytes / 1024)) KiB gzip (budget $budget_kib KiB)"
[ "$bytes" -le $((budget_kib * 1024)) ] || { echo "the first download grew past its budget" >&2; exit 1; }

step "end to end in headless Chromium"
node --test --test-concurrency=1 tests/e2e/
