//! Where the data is kept, and the only code that waits on it: start-up (open IndexedDB,
//! move an older version's localStorage data over, load with progress), saves one at a time,
//! other tabs' changes (a BroadcastChannel message after every commit), replace and reset.
//!
//! The backend is the record store in IndexedDB; when IndexedDB cannot be opened, or the data
//! of an older version cannot be moved, it is localStorage as before (with a visible notice).
//! Every operation holds the backend's async lock for its whole run, so they never overlap.

use super::{Persistence, Store};
use crate::derived::Derived;
use crate::i18n::Msg;
use crate::platform;
use crate::ui::ToastKind;
use futures::lock::Mutex;
use kezhi_core::Dataset;
use kezhi_core::store::records::{
    self as rec, DataCell, LoadProgress, Loaded, RecordRepository, SavedLists, has_legacy,
    migrate_from,
};
use kezhi_core::store::{LoadOutcome, Refresh, Repository, SaveError, Section, StoreError};
use kezhi_storage_web::BrowserStore;
use kezhi_storage_web::records::{DB_NAME, IdbStore, OpenError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// localStorage holds about 5 Mi UTF-16 code units per origin in Chromium and Firefox.
pub const LEGACY_QUOTA: usize = 5 * 1024 * 1024;
const CHANNEL: &str = "kezhi-records";

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
}

/// Opens the store and loads everything; sets `ready` when done.
pub fn start(store: Store, derived: Derived) {
    listen_to_other_tabs(store);
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let backend = open_and_load(store).await;
        measure(store, &backend).await;
        install_backend(&shared, &mut guard, backend);
        drop(guard);
        warm_up(store, derived).await;
        store.loading.set(None);
        store.ready.set(true);
    });
}

/// Makes what the first page derives from the loaded data before the page is shown, in tasks
/// of their own: the analytics, then (on the customer list) its index, in slices. Together in
/// the task that shows the page they would block it for most of a second. Settings and Import
/// show no analytics: there they wait for the first page that does (17 MB at 100k that the
/// tab need not hold, and 100-150 ms of the load).
async fn warm_up(store: Store, derived: Derived) {
    use crate::route::View;
    let view = store.ui.route.get_untracked().view;
    if matches!(view, View::Settings | View::Import) {
        return;
    }
    platform::yield_to_browser().await;
    derived.metrics.with_untracked(|_| ());
    platform::yield_to_browser().await;
    if view == View::Customers {
        derived.build_index_ahead().await;
        platform::yield_to_browser().await;
    }
}

async fn open_and_load(store: Store) -> Backend {
    let now = platform::now();
    let opened = kezhi_storage_web::records::open(
        DB_NAME,
        move || store.notice.set(Some(Notice::Blocked)),
        move || store.notice.set(Some(Notice::VersionChanged)),
    )
    .await;
    let idb = match opened {
        Ok(idb) => idb,
        Err(OpenError::Newer) => {
            store.notice.set(Some(Notice::Newer));
            return legacy(store, None);
        }
        Err(OpenError::Unavailable(why)) => {
            return legacy(store, Some(Notice::Unavailable(why)));
        }
    };
    if store.notice.get_untracked() == Some(Notice::Blocked) {
        store.notice.set(None);
    }
    let mut repo = RecordRepository::new(idb);
    if has_legacy(&BrowserStore) {
        store.loading.set(Some((0, 0)));
        return match migrate_from(BrowserStore, &mut repo, platform::random_hex::<6>(), now).await {
            Ok(Some((_, loaded))) => {
                install(store, loaded);
                store.ui.toast(ToastKind::Info, store.tr(Msg::Migrated));
                Backend::Records(repo)
            }
            Ok(None) => load_records(store, repo, now).await,
            Err(e) => legacy(store, Some(Notice::MigrationFailed(e.to_string()))),
        };
    }
    load_records(store, repo, now).await
}

async fn load_records(
    store: Store,
    mut repo: RecordRepository<IdbStore>,
    now: kezhi_core::Timestamp,
) -> Backend {
    let progress = move |p: LoadProgress| store.loading.set(Some((p.done, p.total)));
    let loaded = platform::timed_async("kezhi:load", repo.load(now, &progress)).await;
    match loaded {
        Ok(loaded) => {
            install(store, loaded);
            Backend::Records(repo)
        }
        Err(e) => legacy(store, Some(Notice::Unavailable(e.to_string()))),
    }
}

fn install(store: Store, loaded: Loaded) {
    store.segments.set(loaded.lists.segments);
    store.funnels.set(loaded.lists.funnels);
    store.damaged.set(Arc::new(loaded.damaged));
    store.set_data(loaded.data);
}

/// The localStorage path of earlier versions, with the saved lists from the preferences.
fn legacy(store: Store, notice: Option<Notice>) -> Backend {
    if notice.is_some() {
        store.notice.set(notice);
    }
    let mut repo = Repository::new(BrowserStore, platform::random_hex::<4>());
    repo.capacity = Some(LEGACY_QUOTA);
    store
        .segments
        .set(kezhi_storage_web::get_pref(rec::LEGACY_SEGMENTS_KEY).unwrap_or_default());
    store
        .funnels
        .set(kezhi_storage_web::get_pref(rec::LEGACY_FUNNELS_KEY).unwrap_or_default());
    match repo.load(platform::now()) {
        LoadOutcome::Empty => {}
        LoadOutcome::Loaded(data) => store.set_data(data),
        LoadOutcome::Migrated { data, saved, .. } => {
            store.set_data(data);
            if let Err(e) = saved {
                store.persistence.set(Persistence::NotSaved(e.to_string()));
                store
                    .ui
                    .toast(ToastKind::Error, store.tr(Msg::MigratedNotSaved));
            }
        }
        LoadOutcome::Unreadable(why) => store
            .persistence
            .set(Persistence::Unreadable(why.to_string())),
    }
    repo.collect_garbage();
    Backend::Legacy(repo)
}

fn install_backend(shared: &Shared, slot: &mut Option<Backend>, backend: Backend) {
    shared.on_legacy.set(matches!(backend, Backend::Legacy(_)));
    *slot = Some(backend);
}

/// Whether the data is kept in IndexedDB (else localStorage).
pub fn on_records() -> bool {
    !shared().on_legacy.get()
}

/// Saves the data as it is now, after the current operation; edits made before this save
/// starts are saved with it.
pub fn save(store: Store, sections: &[Section]) {
    if store.memory_only.get_untracked() {
        return; // the page shows data that could not be stored (it says so)
    }
    let shared = shared();
    shared
        .sections
        .borrow_mut()
        .extend(sections.iter().copied());
    if shared.save_queued.replace(true) {
        return;
    }
    let writing = Writing::start(store);
    spawn_local(async move {
        let _writing = writing;
        let shared = self::shared();
        let mut guard = shared.backend.lock().await;
        shared.save_queued.set(false);
        let outcome = match guard.as_mut() {
            None => return,
            Some(Backend::Records(repo)) => {
                // The edits name what they changed: without events, the save need not look
                // through millions of them (a save for other reasons names nothing: all).
                let sections = shared.sections.take();
                if !sections.is_empty() && !sections.contains(&Section::Events) {
                    repo.skip_events_once();
                }
                let result =
                    platform::timed_async("kezhi:save", repo.save(&Signals(store), &platform::now))
                        .await;
                match result {
                    Ok(saved) => {
                        if saved.merged {
                            store.data_merged();
                        }
                        if saved.records > 0 {
                            broadcast();
                        }
                        Ok(())
                    }
                    Err(e) => Err(store_error(e)),
                }
            }
            Some(Backend::Legacy(repo)) => {
                let sections: Vec<Section> = shared.sections.take().into_iter().collect();
                legacy_save(store, repo, &sections)
            }
        };
        if let Some(backend) = guard.as_ref() {
            measure(store, backend).await;
        }
        drop(guard);
        match outcome {
            Ok(()) => {
                if !matches!(
                    store.persistence.get_untracked(),
                    Persistence::Unreadable(_)
                ) {
                    store.persistence.set(Persistence::Saved);
                }
            }
            Err(e) => failed(store, e),
        }
    });
}

fn store_error(e: StoreError) -> SaveError {
    SaveError::from(e)
}

fn legacy_save(
    store: Store,
    repo: &mut Repository<BrowserStore>,
    sections: &[Section],
) -> Result<(), SaveError> {
    if store.memory_only.get_untracked()
        || matches!(
            store.persistence.get_untracked(),
            Persistence::Unreadable(_)
        )
    {
        return Ok(());
    }
    let _ = kezhi_storage_web::set_pref(rec::LEGACY_SEGMENTS_KEY, &store.segments.get_untracked());
    let _ = kezhi_storage_web::set_pref(rec::LEGACY_FUNNELS_KEY, &store.funnels.get_untracked());
    let now = platform::now();
    let mut result = Ok(());
    store.write.update_untracked(|data| {
        result = repo.save(data, sections, now).map(|report| {
            if report.merged_from_elsewhere {
                store.data_merged();
            }
        });
    });
    result
}

/// A save failed: the edit stays in the page, the badge says why, and the save is tried
/// again a little later (room may have been made) and at the next edit.
fn failed(store: Store, e: SaveError) {
    let text = match &e {
        SaveError::QuotaExceeded if store.memory_only.get_untracked() => format!(
            "{} — {}",
            store.tr(Msg::InMemoryOnly),
            store.tr(Msg::QuotaFull)
        ),
        SaveError::QuotaExceeded => store.tr(Msg::QuotaFull).to_string(),
        other => format!("{}: {other}", store.tr(Msg::SaveFailed)),
    };
    if let SaveError::Blocked(why) = &e {
        store
            .persistence
            .set(Persistence::Unreadable(why.to_string()));
        return;
    }
    let already = matches!(store.persistence.get_untracked(), Persistence::NotSaved(_));
    store.persistence.set(Persistence::NotSaved(text.clone()));
    if !already {
        store.ui.toast(ToastKind::Error, text);
    }
    let shared = shared();
    if !shared.retry_planned.replace(true) {
        set_timeout(
            move || {
                self::shared().retry_planned.set(false);
                if matches!(store.persistence.get_untracked(), Persistence::NotSaved(_)) {
                    save(store, &[]);
                }
            },
            std::time::Duration::from_secs(5),
        );
    }
}

/// Replaces everything stored with `data` and the lists (a demo, a restore), showing the
/// progress; the data goes into the page once stored (or, if it cannot be, labelled "not
/// saved" with the reason).
pub fn replace(store: Store, data: Dataset, lists: SavedLists, done: impl FnOnce() + 'static) {
    let writing = Writing::start(store);
    let mut data = data;
    spawn_local(async move {
        let _writing = writing;
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let result = match guard.as_mut() {
            None => Ok(()),
            Some(Backend::Records(repo)) => {
                let progress = move |done: usize, total: usize| {
                    store.saving.set(Some((done, total)));
                };
                let id = platform::random_hex::<6>();
                let r = platform::timed_async(
                    "kezhi:replace",
                    repo.replace_all(&data, &lists, id, platform::now(), Some(&progress)),
                )
                .await;
                store.saving.set(None);
                // Stored: later edits are saved as usual. Not stored: the page shows data
                // that is not what is stored, and saving edits on top of the old data would
                // mix the two, so nothing more is saved until the data is replaced again.
                store.memory_only.set(r.is_err());
                if r.is_ok() {
                    broadcast();
                }
                measure_records(store, repo).await;
                r.map_err(store_error)
            }
            Some(Backend::Legacy(repo)) => {
                let r = legacy_replace(store, repo, &mut data);
                store.stored_bytes.set(repo.usage() as u64);
                r
            }
        };
        drop(guard);
        store.segments.set(lists.segments);
        store.funnels.set(lists.funnels);
        store.set_data(data);
        store.damaged.set(Arc::new(Vec::new()));
        finish_replace(store, result);
        done();
    });
}

fn finish_replace(store: Store, result: Result<(), SaveError>) {
    match result {
        Ok(()) => store.persistence.set(Persistence::Saved),
        Err(e) => failed(store, e),
    }
}

fn legacy_replace(
    store: Store,
    repo: &mut Repository<BrowserStore>,
    data: &mut Dataset,
) -> Result<(), SaveError> {
    if matches!(
        store.persistence.get_untracked(),
        Persistence::Unreadable(_)
    ) {
        return Ok(());
    }
    // The larger demos are tens of megabytes: far beyond localStorage.
    if data.customers.len() > kezhi_core::demo::DEMO_SIZES[0] {
        store.memory_only.set(true);
        return Err(SaveError::QuotaExceeded);
    }
    let id = platform::random_hex::<6>();
    match repo.replace_all(data, id, platform::now()) {
        Ok(_) => {
            store.memory_only.set(false);
            Ok(())
        }
        Err(SaveError::QuotaExceeded) => {
            store.memory_only.set(true);
            Err(SaveError::QuotaExceeded)
        }
        Err(e) => Err(e),
    }
}

/// Deletes all stored data (and lifts an unreadable-data block).
pub fn reset(store: Store) {
    reset_then(store, || {});
}

/// [`reset`], then `done` once the data is deleted (not on failure).
pub fn reset_then(store: Store, done: impl FnOnce() + 'static) {
    let writing = Writing::start(store);
    spawn_local(async move {
        let _writing = writing;
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let result = match guard.as_mut() {
            None => Ok(()),
            Some(Backend::Records(repo)) => repo
                .clear(platform::random_hex::<6>(), platform::now())
                .await
                .map(|()| broadcast())
                .map_err(|e| e.to_string()),
            Some(Backend::Legacy(repo)) => {
                kezhi_storage_web::remove_pref(rec::LEGACY_SEGMENTS_KEY);
                kezhi_storage_web::remove_pref(rec::LEGACY_FUNNELS_KEY);
                repo.clear().map_err(|e| e.to_string())
            }
        };
        if let Some(backend) = guard.as_ref() {
            measure(store, backend).await;
        }
        // Starting fresh after the older version's data could not be moved: from now on
        // the record store holds the data.
        if result.is_ok()
            && matches!(
                store.notice.get_untracked(),
                Some(Notice::MigrationFailed(_))
            )
        {
            drop(guard);
            store.notice.set(None);
            let backend = open_and_load(store).await;
            let mut guard = shared.backend.lock().await;
            install_backend(&shared, &mut guard, backend);
        } else {
            drop(guard);
        }
        match result {
            Err(e) => store.ui.toast(
                ToastKind::Error,
                format!("{}: {e}", store.tr(Msg::SaveFailed)),
            ),
            Ok(()) => {
                store.set_data(Dataset::default());
                store.segments.set(Vec::new());
                store.funnels.set(Vec::new());
                store.damaged.set(Arc::new(Vec::new()));
                store.memory_only.set(false);
                store.persistence.set(Persistence::Saved);
                store.ui.toast(ToastKind::Info, store.tr(Msg::DataReset));
                done();
            }
        }
    });
}

/// Tells other tabs that the store changed.
fn broadcast() {
    if let Some(channel) = shared().channel.borrow().as_ref() {
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
    }
}

fn listen_to_other_tabs(store: Store) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return; // very old browsers: each tab sees the others' edits at its next load
    };
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| pull(store));
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    on_message.forget();
    *shared().channel.borrow_mut() = Some(channel);
}

/// Brings in what another tab stored.
pub fn pull(store: Store) {
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let Some(Backend::Records(repo)) = guard.as_mut() else {
            return;
        };
        let before = repo.stored_lists();
        let pulled = repo.pull(platform::now()).await;
        measure_records(store, repo).await;
        match pulled {
            Ok(pulled) => {
                let changed = Signals(store)
                    .with_data(|d, l| rec::apply_pulled(d, l, &before, pulled))
                    .unwrap_or(false);
                drop(guard);
                if changed {
                    store.data_merged();
                }
            }
            Err(e) => {
                drop(guard);
                failed(store, store_error(e));
            }
        }
    });
}

/// Takes what a sync pull decided into the data and stores exactly those records (their
/// stamps are another device's, so a save by stamps would not see them). On the localStorage
/// fallback the whole data is saved instead.
pub async fn apply_sync(store: Store, incoming: kezhi_core::sync::Incoming) -> Result<(), String> {
    let shared = shared();
    let mut guard = shared.backend.lock().await;
    let mut touched = None;
    let mut positions = None;
    store.write.update_untracked(|d| {
        let t = kezhi_core::sync::apply_incoming(d, incoming);
        positions = t.customer_positions(d);
        touched = Some(t);
    });
    let Some(touched) = touched.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let result = match guard.as_mut() {
        None => Ok(()),
        Some(Backend::Records(repo)) => {
            let _writing = Writing::start(store);
            match repo
                .store_touched(&Signals(store), &touched, &platform::now)
                .await
            {
                Ok(saved) => {
                    if saved.records > 0 {
                        broadcast();
                    }
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Some(Backend::Legacy(repo)) => {
            legacy_save(store, repo, &Section::ALL).map_err(|e| format!("{e:?}"))
        }
    };
    drop(guard);
    match positions {
        Some(positions) => store.data_pulled(positions),
        None => store.data_merged(),
    }
    result
}

/// Another tab wrote to localStorage (the legacy path follows other tabs this way).
pub fn on_legacy_storage_event(store: Store) {
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let Some(Backend::Legacy(repo)) = guard.as_mut() else {
            return;
        };
        if store.memory_only.get_untracked() {
            return;
        }
        let mut outcome = None;
        store
            .write
            .update_untracked(|data| outcome = Some(repo.refresh(data)));
        drop(guard);
        match outcome {
            Some(Ok(Refresh::Unchanged)) | None => {}
            Some(Ok(_)) => {
                store.data_merged();
                store.persistence.set(Persistence::Saved);
            }
            Some(Err(why)) => store
                .persistence
                .set(Persistence::Unreadable(why.to_string())),
        }
    });
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
pub fn raw_dump(store: Store) -> String {
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
