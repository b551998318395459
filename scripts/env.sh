# Sourced by the other scripts: the PATH every build and test uses.
# binaryen's wasm-opt from npm comes first: Debian's binaryen 108 silently corrupts the wasm
# that Rust 1.95 emits, so it must never be the wasm-opt Trunk finds.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# scripts/bin comes before everything: its wasm-bindgen splits the page's module, then calls
# the real one.
export PATH="$ROOT/scripts/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
