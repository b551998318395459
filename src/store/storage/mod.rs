//! Where the data is kept, and the only code that waits on it: start-up (open IndexedDB,
//! move an older version's localStorage data over, load with progress), saves one at a time,
//! other tabs' changes (a BroadcastChannel message after every commit), replace and reset.
//!
//! The backend is the record store in IndexedDB; when IndexedDB cannot be opened, or the data
//! of an older version cannot be moved, it is localStorage as before (with a visible notice).
//! Every operation holds the backend's async lock for its whole run, so they never overlap.
//!
//! In parts: load (start-up: open, migrate, load, the localStorage fallback), save (one at a
//! time; a failed save kept in the page and retried), replace (a demo, a restore; reset), and
//! incoming (other tabs' commits, localStorage events, a sync pull's records); here the
//! backend behind its lock, the running writes, and what is measured and dumped.

mod incoming;
mod load;
mod migrate;
mod replace;
mod save;

pub use incoming::{apply_sync, on_legacy_storage_event};
pub use load::start;
pub use migrate::raw_dump_split;
pub use replace::{replace, reset, reset_then};
pub use save::save;

use super::Store;
use futures::lock::Mutex;
use kezhi_core::Dataset;
use kezhi_core::store::records::{DataCell, RecordRepository, SavedLists};
use kezhi_core::store::{Repository, Section};
use kezhi_storage_web::BrowserStore;
use kezhi_storage_web::records::IdbStore;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

/// localStorage holds about 5 Mi UTF-16 code units per origin in Chromium and Firefox.
pub const LEGACY_QUOTA: usize = 5 * 1024 * 1024;

pub enum Backend {
    Records(RecordRepository<IdbStore>),
    /// localStorage (format 3), as versions before the record store kept it.
    Legacy(Repository<BrowserStore>),
}

/// Why the app is not on IndexedDB, or what it waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// IndexedDB could not be opened; localStorage (5 MB) is used.
    Unavailable(String),
    /// The older version's data could not be moved; it stays in localStorage and is used.
    MigrationFailed(String),
    /// Another tab holds an older version of the database open.
    Blocked,
    /// Another tab opened a newer version: this one must reload.
    VersionChanged,
    /// The stored data is of a newer version of kezhi.
    Newer,
}

#[derive(Default)]
struct Shared {
    backend: Mutex<Option<Backend>>,
    /// A save is queued and has not started: a new edit needs no second one.
    save_queued: Cell<bool>,
    /// Sections the edits since the last save named (localStorage writes whole sections; the
    /// record store leaves the events unread when no edit named them).
    sections: RefCell<BTreeSet<Section>>,
    channel: RefCell<Option<web_sys::BroadcastChannel>>,
    /// A retry after a failed save is planned.
    retry_planned: Cell<bool>,
    /// The backend is localStorage (read without waiting for the lock).
    on_legacy: Cell<bool>,
    /// Writes queued or running (saves, replaces, resets).
    writes: Cell<usize>,
}

/// A write queued or running, for as long as it lives: the header shows "saving" meanwhile
/// (and a test waits for it before reloading).
struct Writing(Store);

impl Writing {
    fn start(store: Store) -> Self {
        let shared = shared();
        shared.writes.set(shared.writes.get() + 1);
        store.writing.set(true);
        Writing(store)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let shared = shared();
        let left = shared.writes.get().saturating_sub(1);
        shared.writes.set(left);
        if left == 0 {
            self.0.writing.set(false);
        }
    }
}

thread_local! {
    static SHARED: Rc<Shared> = Rc::new(Shared::default());
}

fn shared() -> Rc<Shared> {
    SHARED.with(Rc::clone)
}

/// The app's signals as the record repository sees the data while it saves.
struct Signals(Store);

impl DataCell for Signals {
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R> {
        let store = self.0;
        let mut lists = SavedLists {
            segments: store.segments.try_get_untracked()?,
            funnels: store.funnels.try_get_untracked()?,
        };
        let before = lists.clone();
        let out = store.write.try_update_untracked(|d| f(d, &mut lists))?;
        if lists != before {
            store.segments.set(lists.segments);
            store.funnels.set(lists.funnels);
        }
        Some(out)
    }

    /// Every change of the data counts a write ([`Store::change`], `set_data`, a pull, a
    /// merge); the saved lists are read in one part of a save, so their edits need not count.
    fn version(&self) -> Option<u64> {
        self.0
            .writes()
            .try_with_value(crate::derived::Writes::count)
    }
}

fn install_backend(shared: &Shared, slot: &mut Option<Backend>, backend: Backend) {
    shared.on_legacy.set(matches!(backend, Backend::Legacy(_)));
    *slot = Some(backend);
}

/// Whether the data is kept in IndexedDB (else localStorage).
pub fn on_records() -> bool {
    !shared().on_legacy.get()
}

/// Reads how many bytes kezhi's stored data takes (the record store's keys and values, or
/// localStorage's payload) into `stored_bytes`; call with the backend locked.
async fn measure(store: Store, backend: &Backend) {
    match backend {
        Backend::Records(repo) => measure_records(store, repo).await,
        Backend::Legacy(repo) => store.stored_bytes.set(repo.usage() as u64),
    }
}

async fn measure_records(store: Store, repo: &RecordRepository<IdbStore>) {
    use kezhi_core::store::records::RecordStore;
    if let Ok(bytes) = repo.store().usage().await {
        store.stored_bytes.set(bytes);
    }
}

/// Every stored value of the app, for the rescue download: localStorage's keys, and the
/// record store's damaged records (base64).
fn raw_dump(store: Store) -> String {
    use base64::Engine;
    let mut out = serde_json::Map::new();
    for (k, v) in Repository::new(BrowserStore, "dump").raw_dump() {
        out.insert(k, serde_json::Value::String(v));
    }
    let damaged = store.damaged.get_untracked();
    let records: Vec<serde_json::Value> = damaged
        .iter()
        .map(|d| {
            serde_json::json!({
                "store": d.kind.name(),
                "key": base64::engine::general_purpose::STANDARD.encode(&d.key),
                "value": base64::engine::general_purpose::STANDARD.encode(&d.value),
                "why": d.why,
            })
        })
        .collect();
    if !records.is_empty() {
        out.insert(
            "indexeddb:damaged".into(),
            serde_json::Value::Array(records),
        );
    }
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
