//! kezhi (客知): the Leptos front end. A thin layer over `kezhi-core`: it renders what the
//! core computes and sends user actions through [`store::Store`] (the data), with
//! [`prefs::Prefs`], [`ui::Ui`] and [`derived::Derived`] beside it, each a context of its own.

mod app;
// Only in the benchmark build (`--features bench`): see Cargo.toml.
#[cfg(feature = "bench")]
mod bench_hooks;
mod components;
mod debounce;
mod derived;
mod files;
mod i18n;
mod lazy_pages;
mod pages;
mod platform;
mod prefs;
mod pwa;
mod readings;
mod route;
mod store;
mod sync;
mod ui;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
