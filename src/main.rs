//! kezhi (客知): the Leptos front end. A thin layer over `kezhi-core`: it renders what the
//! core computes and sends user actions through [`state::AppState`].

mod app;
mod bench_hooks;
mod components;
mod derived;
mod i18n;
mod pages;
mod platform;
mod route;
mod state;
mod storage;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
