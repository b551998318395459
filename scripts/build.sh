#!/usr/bin/env bash
# Builds the static site into dist/: upload it to any static host or CDN, under any path.
#   scripts/build.sh --single-file   also writes dist-single/kezhi.html: the whole app in one
#                                    file, to open from file:// (e-mail, USB stick)
#   scripts/build.sh --bench         the benchmark build into dist-bench/ instead (dist/ is left
#                                    alone): the app with `--features bench`, i.e. the wasm
#                                    exports tests/bench/browser.mjs calls (bench_metrics,
#                                    bench_funnel, bench_segment, heap_now, heap_peak), those of
#                                    the race against DuckDB-WASM (race_*: node
#                                    tests/bench/peer/race.mjs) and the counting allocator,
#                                    none of which is in the build users download
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh
single=0
bench=0
args=()
for a in "$@"; do
  case "$a" in
    --single-file) single=1 ;;
    --bench) bench=1 ;;
    *) args+=("$a") ;;
  esac
done
out=dist
if [ "$bench" = 1 ]; then
  [ "$single" = 0 ] || { echo "build: --bench and --single-file do not go together" >&2; exit 1; }
  out=dist-bench
  # Trunk hands `--features` to both Rust targets; the files worker has an empty `bench`.
  args+=(--features bench --dist "$out")
fi
trunk build --release --offline "${args[@]}" 2>&1 | grep -v -E '^\s*$| INFO | DEBUG ' >&2 || true
test -f "$out/index.html" || { echo "build: $out/index.html was not produced" >&2; exit 1; }
if [ "$single" = 1 ]; then
  node scripts/single-file.mjs dist dist-single/kezhi.html
fi
