//! The page's wasm keeps its relocations (`--emit-relocs`): scripts/bin/wasm-bindgen reads them
//! to cut the pages fetched on first visit (src/lazy_pages.rs) out of the first download. Only
//! for the app's own wasm binary; the files worker and native builds link as before.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
