//! Import (UI contract: `import-kind`, `import-file`, `import-has-header`, `map-<field>`,
//! `import-commit`, `import-report`): a file is read and previewed with its column mapping
//! guessed (or remembered for files of the same shape), then imported with progress and
//! cancel. The files worker (src/files.rs) reads the file, off the main thread: the page
//! sends it the bytes and the choices and gets back what to show, then the import's plan,
//! which the core merges here (it needs the data); the page commits the whole change at once
//! or not at all. Exports of orders and events too.
//!
//! The page in its steps: state (the signals, and asking the worker again when the file or
//! how it is read changes), source (choosing the file), mapping (columns and options),
//! preview, run (the import with progress and cancel) and report.

mod mapping;
mod preview;
mod report;
mod run;
mod source;
mod state;

use crate::files;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::import::{events_csv, orders_csv};
use leptos::prelude::*;
use mapping::{MappingFields, OptionFields};
use preview::{PreviewTable, keep_preview};
use report::ImportReport;
use run::{CommitButton, ImportProgress};
use source::SourceCard;
use state::ImportState;

#[component]
pub fn ImportPage() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let state = ImportState::new(prefs);
    let ImportState {
        open_error,
        files_loading,
        loaded,
        ..
    } = state;
    leptos::task::spawn_local(async move {
        if let Err(e) = files::ready().await {
            open_error.try_set(Some(e.get(prefs.lang.get_untracked().is_zh()).to_string()));
        }
        files_loading.try_set(false);
    });
    // A file dropped anywhere on the page is the file to import.
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0))
        {
            state.load_file(file);
        }
    };
    keep_preview(state);
    let export = move |what: &'static str| {
        let offset = platform::local_offset();
        let csv = store.data.with_untracked(|d| match what {
            "orders" => orders_csv(d, None, offset),
            _ => events_csv(d, offset),
        });
        let name = format!("kezhi-{what}-{}.csv", platform::today());
        ui.offer_download(&name, "text/csv;charset=utf-8", &csv);
    };

    view! {
        <section
            class="page import"
            data-files-loading=move || files_loading.get().then_some("")
            aria-busy=move || files_loading.get().then_some("true")
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <header class="page-head">
                <h1>{move || prefs.tr(Msg::NavImport)}</h1>
            </header>
            <SourceCard state />
            <Show when=move || loaded.get()>
                <div class="card">
                    <h2>{move || prefs.tr(Msg::ImportMapping)}</h2>
                    <div class="import-mapping"><MappingFields state /></div>
                    <div class="import-options"><OptionFields state /></div>
                    <h2>{move || prefs.tr(Msg::ImportPreview)}</h2>
                    <PreviewTable state />
                    <div class="button-row">
                        <CommitButton state />
                    </div>
                </div>
            </Show>
            <ImportProgress state />
            <ImportReport state />
            <div class="card">
                <h2>{move || prefs.tr(Msg::ExportRecords)}</h2>
                <div class="button-row">
                    <button class="btn" data-testid="export-orders" on:click=move |_| export("orders")>
                        {move || prefs.tr(Msg::ExportOrders)}
                    </button>
                    <button class="btn" data-testid="export-events" on:click=move |_| export("events")>
                        {move || prefs.tr(Msg::ExportEvents)}
                    </button>
                </div>
            </div>
        </section>
    }
}
