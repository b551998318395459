//! The demo data: generated in the page and made the data, as a restore would.

use super::{Store, storage};
use crate::i18n::Msg;
use crate::lazy_pages::NotLoaded;
use crate::platform;
use crate::ui::ToastKind;
use chrono::NaiveDate;
use kezhi_core::Dataset;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::records::SavedLists;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;

impl Store {
    /// Loads the demo; asks first when that would replace data the user has.
    pub fn offer_demo(&self, customers: usize) {
        if self.data.with_untracked(|d| d.is_empty()) {
            self.load_demo(customers);
        } else {
            let store = *self;
            self.ui
                .ask(Msg::ConfirmReplaceDemo, move || store.load_demo(customers));
        }
    }

    /// Generates the demo of the given size and makes it the data, once stored (or, if it
    /// cannot be, in this page only, labelled "not saved").
    fn load_demo(&self, customers: usize) {
        let store = *self;
        // The browser paints the "generating" state before the work blocks the thread.
        self.ui.busy_after_paint(Msg::Generating, move || {
            // The history ends yesterday (China time), so every generated record is older
            // than any edit the user makes from now on.
            let end = platform::now()
                .to_offset(kezhi_core::time::china_offset())
                .map(|t| t.date_naive())
                .unwrap_or_default()
                .pred_opt()
                .unwrap_or_default();
            spawn_local(async move {
                let data = match generate_split(customers, end).await {
                    Ok(data) => data,
                    Err(NotLoaded) => {
                        store.ui.busy.set(None);
                        store
                            .ui
                            .toast(ToastKind::Error, store.tr(Msg::DemoUnavailable));
                        return;
                    }
                };
                // The benchmark build's 500,000-customer demo keeps the 10 M most recent events.
                #[cfg(feature = "bench")]
                let data = crate::bench_hooks::cut_scale_demo(data);
                store.ui.busy.set(Some(Msg::SavingProgress));
                let lists = SavedLists {
                    segments: store.segments.get_untracked(),
                    funnels: store.funnels.get_untracked(),
                };
                storage::replace(store, data, lists, move || {
                    store.ui.busy.set(None);
                    store.ui.toast(ToastKind::Info, store.tr(Msg::DemoLoaded));
                    store.ask_to_persist_once();
                });
            });
        });
    }
}

/// The demo generator is fetched the first time a demo is asked for (see `crate::lazy_pages`);
/// once there, this runs at once, as a plain call would.
#[wasm_split(kezhi_demo, wasm_split_path = ::leptos::wasm_split, fallible)]
fn generate_split(customers: usize, end: NaiveDate) -> Result<Dataset, NotLoaded> {
    Ok(platform::timed("kezhi:generate", || {
        generate(&DemoConfig::new(customers, end))
    }))
}
