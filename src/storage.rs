//! Where the data is kept, and the only code that waits on it: start-up (open IndexedDB,
//! move an older version's localStorage data over, load with progress), saves one at a time,
//! other tabs' changes (a BroadcastChannel message after every commit), replace and reset.
//!
//! The backend is the record store in IndexedDB; when IndexedDB cannot be opened, or the data
//! of an older version cannot be moved, it is localStorage as before (with a visible notice).
//! Every operation holds the backend's async lock for its whole run, so they never overlap.

use crate::i18n::Msg;
use crate::platform;
use crate::state::{AppState, Persistence, ToastKind};
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
    /// Sections touched since the last legacy save (localStorage writes whole sections).
    legacy_sections: RefCell<BTreeSet<Section>>,
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
struct Writing(AppState);

impl Writing {
    fn start(state: AppState) -> Self {
        let shared = shared();
        shared.writes.set(shared.writes.get() + 1);
        state.writing.set(true);
        Writing(state)
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
struct Signals(AppState);

impl DataCell for Signals {
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R> {
        let state = self.0;
        let mut lists = SavedLists {
            segments: state.segments.try_get_untracked()?,
            funnels: state.funnels.try_get_untracked()?,
        };
        let before = lists.clone();
        let out = state.data.try_update_untracked(|d| f(d, &mut lists))?;
        if lists != before {
            state.segments.set(lists.segments);
            state.funnels.set(lists.funnels);
        }
        Some(out)
    }
}

/// Opens the store and loads everything; sets `ready` when done.
pub fn start(state: AppState) {
    listen_to_other_tabs(state);
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let backend = open_and_load(state).await;
        measure(state, &backend).await;
        install_backend(&shared, &mut guard, backend);
        drop(guard);
        warm_up(state).await;
        state.loading.set(None);
        state.ready.set(true);
    });
}

/// Makes what the first page derives from the loaded data before the page is shown, in tasks
/// of their own: the analytics, then (on the customer list) its index, in slices. Together in
/// the task that shows the page they would block it for most of a second.
async fn warm_up(state: AppState) {
    platform::yield_to_browser().await;
    state.metrics.with_untracked(|_| ());
    platform::yield_to_browser().await;
    if state.route.get_untracked().view == crate::route::View::Customers {
        state.build_index_ahead().await;
        platform::yield_to_browser().await;
    }
}

async fn open_and_load(state: AppState) -> Backend {
    let now = platform::now();
    let opened = kezhi_storage_web::records::open(
        DB_NAME,
        move || state.notice.set(Some(Notice::Blocked)),
        move || state.notice.set(Some(Notice::VersionChanged)),
    )
    .await;
    let idb = match opened {
        Ok(idb) => idb,
        Err(OpenError::Newer) => {
            state.notice.set(Some(Notice::Newer));
            return legacy(state, None);
        }
        Err(OpenError::Unavailable(why)) => {
            return legacy(state, Some(Notice::Unavailable(why)));
        }
    };
    if state.notice.get_untracked() == Some(Notice::Blocked) {
        state.notice.set(None);
    }
    let mut repo = RecordRepository::new(idb);
    if has_legacy(&BrowserStore) {
        state.loading.set(Some((0, 0)));
        return match migrate_from(BrowserStore, &mut repo, platform::random_hex::<6>(), now).await {
            Ok(Some((_, loaded))) => {
                install(state, loaded);
                state.toast(ToastKind::Info, state.tr(Msg::Migrated));
                Backend::Records(repo)
            }
            Ok(None) => load_records(state, repo, now).await,
            Err(e) => legacy(state, Some(Notice::MigrationFailed(e.to_string()))),
        };
    }
    load_records(state, repo, now).await
}

async fn load_records(
    state: AppState,
    mut repo: RecordRepository<IdbStore>,
    now: kezhi_core::Timestamp,
) -> Backend {
    let progress = move |p: LoadProgress| state.loading.set(Some((p.done, p.total)));
    let loaded = platform::timed_async("kezhi:load", repo.load(now, &progress)).await;
    match loaded {
        Ok(loaded) => {
            install(state, loaded);
            Backend::Records(repo)
        }
        Err(e) => legacy(state, Some(Notice::Unavailable(e.to_string()))),
    }
}

fn install(state: AppState, loaded: Loaded) {
    state.segments.set(loaded.lists.segments);
    state.funnels.set(loaded.lists.funnels);
    state.damaged.set(Arc::new(loaded.damaged));
    state.set_data(loaded.data);
}

/// The localStorage path of earlier versions, with the saved lists from the preferences.
fn legacy(state: AppState, notice: Option<Notice>) -> Backend {
    if notice.is_some() {
        state.notice.set(notice);
    }
    let mut repo = Repository::new(BrowserStore, platform::random_hex::<4>());
    repo.capacity = Some(LEGACY_QUOTA);
    state
        .segments
        .set(kezhi_storage_web::get_pref(rec::LEGACY_SEGMENTS_KEY).unwrap_or_default());
    state
        .funnels
        .set(kezhi_storage_web::get_pref(rec::LEGACY_FUNNELS_KEY).unwrap_or_default());
    match repo.load(platform::now()) {
        LoadOutcome::Empty => {}
        LoadOutcome::Loaded(data) => state.set_data(data),
        LoadOutcome::Migrated { data, saved, .. } => {
            state.set_data(data);
            if let Err(e) = saved {
                state.persistence.set(Persistence::NotSaved(e.to_string()));
                state.toast(ToastKind::Error, state.tr(Msg::MigratedNotSaved));
            }
        }
        LoadOutcome::Unreadable(why) => state
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
pub fn save(state: AppState, sections: &[Section]) {
    if state.memory_only.get_untracked() {
        return; // the page shows data that could not be stored (it says so)
    }
    let shared = shared();
    shared
        .legacy_sections
        .borrow_mut()
        .extend(sections.iter().copied());
    if shared.save_queued.replace(true) {
        return;
    }
    let writing = Writing::start(state);
    spawn_local(async move {
        let _writing = writing;
        let shared = self::shared();
        let mut guard = shared.backend.lock().await;
        shared.save_queued.set(false);
        let outcome = match guard.as_mut() {
            None => return,
            Some(Backend::Records(repo)) => {
                let result =
                    platform::timed_async("kezhi:save", repo.save(&Signals(state), &platform::now))
                        .await;
                match result {
                    Ok(saved) => {
                        if saved.merged {
                            state.data_merged();
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
                let sections: Vec<Section> = shared.legacy_sections.take().into_iter().collect();
                legacy_save(state, repo, &sections)
            }
        };
        if let Some(backend) = guard.as_ref() {
            measure(state, backend).await;
        }
        drop(guard);
        match outcome {
            Ok(()) => {
                if !matches!(
                    state.persistence.get_untracked(),
                    Persistence::Unreadable(_)
                ) {
                    state.persistence.set(Persistence::Saved);
                }
            }
            Err(e) => failed(state, e),
        }
    });
}

fn store_error(e: StoreError) -> SaveError {
    SaveError::from(e)
}

fn legacy_save(
    state: AppState,
    repo: &mut Repository<BrowserStore>,
    sections: &[Section],
) -> Result<(), SaveError> {
    if state.memory_only.get_untracked()
        || matches!(
            state.persistence.get_untracked(),
            Persistence::Unreadable(_)
        )
    {
        return Ok(());
    }
    let _ = kezhi_storage_web::set_pref(rec::LEGACY_SEGMENTS_KEY, &state.segments.get_untracked());
    let _ = kezhi_storage_web::set_pref(rec::LEGACY_FUNNELS_KEY, &state.funnels.get_untracked());
    let now = platform::now();
    let mut result = Ok(());
    state.data.update_untracked(|data| {
        result = repo.save(data, sections, now).map(|report| {
            if report.merged_from_elsewhere {
                state.data_merged();
            }
        });
    });
    result
}

/// A save failed: the edit stays in the page, the badge says why, and the save is tried
/// again a little later (room may have been made) and at the next edit.
fn failed(state: AppState, e: SaveError) {
    let text = match &e {
        SaveError::QuotaExceeded if state.memory_only.get_untracked() => format!(
            "{} — {}",
            state.tr(Msg::InMemoryOnly),
            state.tr(Msg::QuotaFull)
        ),
        SaveError::QuotaExceeded => state.tr(Msg::QuotaFull).to_string(),
        other => format!("{}: {other}", state.tr(Msg::SaveFailed)),
    };
    if let SaveError::Blocked(why) = &e {
        state
            .persistence
            .set(Persistence::Unreadable(why.to_string()));
        return;
    }
    let already = matches!(state.persistence.get_untracked(), Persistence::NotSaved(_));
    state.persistence.set(Persistence::NotSaved(text.clone()));
    if !already {
        state.toast(ToastKind::Error, text);
    }
    let shared = shared();
    if !shared.retry_planned.replace(true) {
        set_timeout(
            move || {
                self::shared().retry_planned.set(false);
                if matches!(state.persistence.get_untracked(), Persistence::NotSaved(_)) {
                    save(state, &[]);
                }
            },
            std::time::Duration::from_secs(5),
        );
    }
}

/// Replaces everything stored with `data` and the lists (a demo, a restore), showing the
/// progress; the data goes into the page once stored (or, if it cannot be, labelled "not
/// saved" with the reason).
pub fn replace(state: AppState, data: Dataset, lists: SavedLists, done: impl FnOnce() + 'static) {
    let writing = Writing::start(state);
    let mut data = data;
    spawn_local(async move {
        let _writing = writing;
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let result = match guard.as_mut() {
            None => Ok(()),
            Some(Backend::Records(repo)) => {
                let progress = move |done: usize, total: usize| {
                    state.saving.set(Some((done, total)));
                };
                let id = platform::random_hex::<6>();
                let r = platform::timed_async(
                    "kezhi:replace",
                    repo.replace_all(&data, &lists, id, platform::now(), Some(&progress)),
                )
                .await;
                state.saving.set(None);
                // Stored: later edits are saved as usual. Not stored: the page shows data
                // that is not what is stored, and saving edits on top of the old data would
                // mix the two, so nothing more is saved until the data is replaced again.
                state.memory_only.set(r.is_err());
                if r.is_ok() {
                    broadcast();
                }
                measure_records(state, repo).await;
                r.map_err(store_error)
            }
            Some(Backend::Legacy(repo)) => {
                let r = legacy_replace(state, repo, &mut data);
                state.stored_bytes.set(repo.usage() as u64);
                r
            }
        };
        drop(guard);
        state.segments.set(lists.segments);
        state.funnels.set(lists.funnels);
        state.set_data(data);
        state.damaged.set(Arc::new(Vec::new()));
        finish_replace(state, result);
        done();
    });
}

fn finish_replace(state: AppState, result: Result<(), SaveError>) {
    match result {
        Ok(()) => state.persistence.set(Persistence::Saved),
        Err(e) => failed(state, e),
    }
}

fn legacy_replace(
    state: AppState,
    repo: &mut Repository<BrowserStore>,
    data: &mut Dataset,
) -> Result<(), SaveError> {
    if matches!(
        state.persistence.get_untracked(),
        Persistence::Unreadable(_)
    ) {
        return Ok(());
    }
    // The larger demos are tens of megabytes: far beyond localStorage.
    if data.customers.len() > kezhi_core::demo::DEMO_SIZES[0] {
        state.memory_only.set(true);
        return Err(SaveError::QuotaExceeded);
    }
    let id = platform::random_hex::<6>();
    match repo.replace_all(data, id, platform::now()) {
        Ok(_) => {
            state.memory_only.set(false);
            Ok(())
        }
        Err(SaveError::QuotaExceeded) => {
            state.memory_only.set(true);
            Err(SaveError::QuotaExceeded)
        }
        Err(e) => Err(e),
    }
}

/// Deletes all stored data (and lifts an unreadable-data block).
pub fn reset(state: AppState) {
    let writing = Writing::start(state);
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
            measure(state, backend).await;
        }
        // Starting fresh after the older version's data could not be moved: from now on
        // the record store holds the data.
        if result.is_ok()
            && matches!(
                state.notice.get_untracked(),
                Some(Notice::MigrationFailed(_))
            )
        {
            drop(guard);
            state.notice.set(None);
            let backend = open_and_load(state).await;
            let mut guard = shared.backend.lock().await;
            install_backend(&shared, &mut guard, backend);
        } else {
            drop(guard);
        }
        match result {
            Err(e) => state.toast(
                ToastKind::Error,
                format!("{}: {e}", state.tr(Msg::SaveFailed)),
            ),
            Ok(()) => {
                state.set_data(Dataset::default());
                state.segments.set(Vec::new());
                state.funnels.set(Vec::new());
                state.damaged.set(Arc::new(Vec::new()));
                state.memory_only.set(false);
                state.persistence.set(Persistence::Saved);
                state.toast(ToastKind::Info, state.tr(Msg::DataReset));
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

fn listen_to_other_tabs(state: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return; // very old browsers: each tab sees the others' edits at its next load
    };
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| pull(state));
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    on_message.forget();
    *shared().channel.borrow_mut() = Some(channel);
}

/// Brings in what another tab stored.
pub fn pull(state: AppState) {
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let Some(Backend::Records(repo)) = guard.as_mut() else {
            return;
        };
        let before = repo.stored_lists();
        let pulled = repo.pull(platform::now()).await;
        measure_records(state, repo).await;
        match pulled {
            Ok(pulled) => {
                let changed = Signals(state)
                    .with_data(|d, l| rec::apply_pulled(d, l, &before, pulled))
                    .unwrap_or(false);
                drop(guard);
                if changed {
                    state.data_merged();
                }
            }
            Err(e) => {
                drop(guard);
                failed(state, store_error(e));
            }
        }
    });
}

/// Another tab wrote to localStorage (the legacy path follows other tabs this way).
pub fn on_legacy_storage_event(state: AppState) {
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let Some(Backend::Legacy(repo)) = guard.as_mut() else {
            return;
        };
        if state.memory_only.get_untracked() {
            return;
        }
        let mut outcome = None;
        state
            .data
            .update_untracked(|data| outcome = Some(repo.refresh(data)));
        drop(guard);
        match outcome {
            Some(Ok(Refresh::Unchanged)) | None => {}
            Some(Ok(_)) => {
                state.data_merged();
                state.persistence.set(Persistence::Saved);
            }
            Some(Err(why)) => state
                .persistence
                .set(Persistence::Unreadable(why.to_string())),
        }
    });
}

/// Reads how many bytes kezhi's stored data takes (the record store's keys and values, or
/// localStorage's payload) into `stored_bytes`; call with the backend locked.
async fn measure(state: AppState, backend: &Backend) {
    match backend {
        Backend::Records(repo) => measure_records(state, repo).await,
        Backend::Legacy(repo) => state.stored_bytes.set(repo.usage() as u64),
    }
}

async fn measure_records(state: AppState, repo: &RecordRepository<IdbStore>) {
    use kezhi_core::store::records::RecordStore;
    if let Ok(bytes) = repo.store().usage().await {
        state.stored_bytes.set(bytes);
    }
}

/// Every stored value of the app, for the rescue download: localStorage's keys, and the
/// record store's damaged records (base64).
pub fn raw_dump(state: AppState) -> String {
    use base64::Engine;
    let mut out = serde_json::Map::new();
    for (k, v) in Repository::new(BrowserStore, "dump").raw_dump() {
        out.insert(k, serde_json::Value::String(v));
    }
    let damaged = state.damaged.get_untracked();
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
