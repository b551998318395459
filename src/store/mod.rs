//! The store: the data, the saved segments and funnels, and how they stand in storage.
//! Provided as a context of its own ([`use_store`]).
//!
//! One write path: pages read the data through the read-only [`Store::data`] and change it
//! only with [`Store::change`] (an edit, which stamps what it writes and hands the save to
//! [`storage`], the only code that talks to the stores). Loads, restores and resets replace
//! it with [`Store::set_data`]; [`storage`] merges other tabs' records in place and then
//! calls [`Store::data_merged`]. Each write is counted for [`crate::derived`], which updates
//! its values after edits and rebuilds them after anything else. Every storage outcome
//! becomes something the user sees (a toast, the "not saved" badge, a banner).

mod backup;
mod demo;
mod storage;

pub use storage::{LEGACY_QUOTA, Notice};

use crate::derived::{Derived, Writes};
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::Prefs;
use crate::prefs::keys::PERSIST_ASKED;
use crate::ui::Ui;
use kezhi_core::Dataset;
use kezhi_core::funnel::SavedFunnel;
use kezhi_core::segment::saved::SavedSegment;
use kezhi_core::store::records::{Damaged, LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY};
use kezhi_core::store::{KEY_PREFIX, MANIFEST_KEY, Section};
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Everything in memory is stored.
    Saved,
    /// The last save failed; the data is only in this page.
    NotSaved(String),
    /// The stored data could not be read and is kept untouched; nothing is saved.
    Unreadable(String),
}

#[derive(Clone, Copy)]
pub struct Store {
    /// All the data, read only: only [`Store::change`] (edits, which stamp `updated_at`) and
    /// [`Store::set_data`] / [`Store::data_merged`] (full writes) write it.
    pub data: ReadSignal<Dataset>,
    /// The data's writer: those methods, and [`storage`] while it saves or merges in place.
    write: WriteSignal<Dataset>,
    pub segments: RwSignal<Vec<SavedSegment>>,
    pub funnels: RwSignal<Vec<SavedFunnel>>,
    pub persistence: RwSignal<Persistence>,
    /// The stored data is being read at start-up: records read of all.
    pub loading: RwSignal<Option<(usize, usize)>>,
    /// A large write (demo, restore) is running: records written of all.
    pub saving: RwSignal<Option<(usize, usize)>>,
    /// The stored data was loaded and the UI is interactive.
    pub ready: RwSignal<bool>,
    /// Why the data is not in IndexedDB, or what storage waits for.
    pub notice: RwSignal<Option<Notice>>,
    /// Stored records that could not be read (kept untouched, offered for download).
    pub damaged: RwSignal<Arc<Vec<Damaged>>>,
    /// A write to storage is queued or running.
    pub writing: RwSignal<bool>,
    /// Bytes of kezhi's stored data (keys and values), as of the last storage operation.
    pub stored_bytes: RwSignal<u64>,
    /// The browser's answer to `navigator.storage.persist()`, once asked.
    pub persisted: RwSignal<Option<bool>>,
    /// The data shown could not be stored as a whole (too big for the localStorage fallback,
    /// or a demo or restore the store refused): no edit is saved on top of the older stored
    /// data until the data is replaced again.
    pub memory_only: RwSignal<bool>,
    /// How the data was written since the derived values were made (see [`crate::derived`]).
    writes: StoredValue<Writes>,
    /// Where storage outcomes and long tasks are shown.
    ui: Ui,
    /// The language of those messages, and the preferences a backup carries.
    prefs: Prefs,
}

impl Store {
    pub fn new(ui: Ui, prefs: Prefs) -> Self {
        let (data, write) = signal(Dataset::default());
        Store {
            data,
            write,
            segments: RwSignal::new(Vec::new()),
            funnels: RwSignal::new(Vec::new()),
            persistence: RwSignal::new(Persistence::Saved),
            loading: RwSignal::new(Some((0, 0))),
            saving: RwSignal::new(None),
            ready: RwSignal::new(false),
            notice: RwSignal::new(None),
            damaged: RwSignal::new(Arc::new(Vec::new())),
            writing: RwSignal::new(false),
            stored_bytes: RwSignal::new(0),
            persisted: RwSignal::new(None),
            memory_only: RwSignal::new(false),
            writes: StoredValue::new(Writes::default()),
            ui,
            prefs,
        }
    }

    /// The count of writes to the data, for the derived values (which only read it).
    pub(crate) fn writes(&self) -> StoredValue<Writes> {
        self.writes
    }

    /// Reads the stored data at start-up (asynchronously; `ready` says when it is done), then
    /// makes what the first page derives from it.
    pub fn load(&self, derived: Derived) {
        storage::start(*self, derived);
    }

    /// Applies an edit to the data and saves what it changed. The edit must stamp what it
    /// writes with the time of the edit (`updated_at`, a tombstone's `deleted_at`): saves and
    /// the derived values find what changed by those stamps.
    pub fn change(&self, sections: &[Section], edit: impl FnOnce(&mut Dataset)) {
        self.writes.update_value(Writes::edit);
        self.write.update(edit);
        storage::save(*self, sections);
        crate::sync::local_edit();
    }

    /// Takes what a sync pull decided and stores exactly those records; everything derived
    /// is rebuilt.
    pub async fn apply_sync(&self, incoming: kezhi_core::sync::Incoming) -> Result<(), String> {
        storage::apply_sync(*self, incoming).await
    }

    /// Makes `data` the data (a load, a restore, a reset): everything derived is rebuilt.
    pub fn set_data(&self, data: Dataset) {
        self.writes.update_value(Writes::full);
        self.write.set(data);
    }

    /// A pulled batch changed the data in place, and these customers (positions) are all
    /// whose figures it changed: the analytics and the list index update them (a rebuild per
    /// batch made a first pull of 100,000 customers slow down as the data grew).
    pub(crate) fn data_pulled(&self, positions: Vec<usize>) {
        self.writes.update_value(|w| w.pulled(positions));
        self.write.notify();
    }

    /// The data was changed in place by something other than an edit (records of another
    /// tab merged in): everything derived is rebuilt.
    pub fn data_merged(&self) {
        self.writes.update_value(Writes::full);
        self.write.notify();
    }

    /// Changes the saved funnels and stores them (records, shared like the data).
    pub fn set_funnels(&self, edit: impl FnOnce(&mut Vec<SavedFunnel>)) {
        self.funnels.update(edit);
        storage::save(*self, &[]);
        crate::sync::local_edit();
    }

    /// Changes the saved segments and stores them.
    pub fn set_segments(&self, edit: impl FnOnce(&mut Vec<SavedSegment>)) {
        self.segments.update(edit);
        storage::save(*self, &[]);
        crate::sync::local_edit();
    }

    /// Whether the data is kept in IndexedDB (else localStorage).
    pub fn on_records(&self) -> bool {
        storage::on_records()
    }

    /// After the first demo or import: asks the browser once to keep the data.
    pub fn ask_to_persist_once(&self) {
        if PERSIST_ASKED.get() {
            return;
        }
        let _ = PERSIST_ASKED.set(&true);
        self.request_persist();
    }

    /// Asks the browser to keep the data (`navigator.storage.persist()`) and shows its answer.
    pub fn request_persist(&self) {
        let persisted = self.persisted;
        leptos::task::spawn_local(async move {
            persisted.set(kezhi_storage_web::request_persist().await);
        });
    }

    /// Deletes all stored data (also lifts an unreadable-data block).
    pub fn reset(&self) {
        storage::reset(*self);
    }

    /// [`Store::reset`], then `done` once the data is deleted.
    pub fn reset_then(&self, done: impl FnOnce() + 'static) {
        storage::reset_then(*self, done);
    }

    /// Offers every stored value of the app as one JSON file (the rescue for unreadable data).
    pub fn download_raw(&self) {
        let store = *self;
        leptos::task::spawn_local(async move {
            match storage::raw_dump_split(store).await {
                Ok(json) => {
                    let name = format!("kezhi-raw-{}.json", platform::today());
                    store.ui.offer_download(&name, "application/json", &json);
                }
                Err(crate::lazy_pages::NotLoaded) => store.ui.toast(
                    crate::ui::ToastKind::Error,
                    store.tr(Msg::RescueUnavailable),
                ),
            }
        });
    }

    /// Another tab wrote to localStorage: on the localStorage fallback, data (a preference is
    /// [`Prefs::on_storage_event`]'s).
    pub fn on_storage_event(&self, key: Option<&str>) {
        match key {
            Some(LEGACY_SEGMENTS_KEY) | Some(LEGACY_FUNNELS_KEY) if !storage::on_records() => {
                if let Some(list) = kezhi_storage_web::get_pref(LEGACY_SEGMENTS_KEY) {
                    self.segments.set(list);
                }
                if let Some(list) = kezhi_storage_web::get_pref(LEGACY_FUNNELS_KEY) {
                    self.funnels.set(list);
                }
            }
            // `None` is localStorage.clear() in the other tab.
            Some(MANIFEST_KEY) | None => storage::on_legacy_storage_event(*self),
            Some(k) if !k.starts_with(KEY_PREFIX) => {}
            Some(_) => {} // section keys: the manifest write that follows is what counts
        }
    }

    /// The preferences this store was made with.
    pub fn prefs(&self) -> Prefs {
        self.prefs
    }

    /// A message in the user's language.
    fn tr(&self, msg: Msg) -> &'static str {
        self.prefs.tr(msg)
    }
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}
