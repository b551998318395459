//! Everything stored replaced at once (a demo, a restore) or deleted (reset), with progress;
//! the page's data follows what was stored.

use super::incoming::broadcast;
use super::load::open_and_load;
use super::migrate::legacy_replace_split;
use super::save::{failed, not_saved, store_error};
use super::{Backend, Notice, Writing, install_backend, measure, measure_records, shared};
use crate::i18n::Msg;
use crate::lazy_pages::NotLoaded;
use crate::platform;
use crate::store::{Persistence, Store};
use crate::ui::ToastKind;
use kezhi_core::Dataset;
use kezhi_core::store::records::RecordRepository;
use kezhi_core::store::records::{self as rec, SavedLists};
use kezhi_core::store::{Repository, SaveError, StoreError};
use kezhi_storage_web::BrowserStore;
use kezhi_storage_web::records::IdbStore;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
        // `Err(NotLoaded)`: the code that stores could not be fetched, and nothing was touched.
        let result = match guard.as_mut() {
            None => Ok(Ok(())),
            Some(Backend::Records(repo)) => 'records: {
                let replacing = Replacing {
                    store,
                    repo: &mut *repo,
                    data: &data,
                    lists: &lists,
                };
                let Ok(replaced) = replace_records(replacing).await else {
                    break 'records Err(NotLoaded);
                };
                let r = replaced.await;
                store.saving.set(None);
                // Stored: later edits are saved as usual. Not stored: the page shows data
                // that is not what is stored, and saving edits on top of the old data would
                // mix the two, so nothing more is saved until the data is replaced again.
                store.memory_only.set(r.is_err());
                if r.is_ok() {
                    broadcast();
                }
                measure_records(store, repo).await;
                Ok(r.map_err(store_error))
            }
            Some(Backend::Legacy(repo)) => legacy_replace_split(store, repo, &mut data)
                .await
                .inspect(|_| store.stored_bytes.set(repo.usage() as u64)),
        };
        drop(guard);
        match result {
            Ok(result) => {
                put_in_page(store, data, lists);
                finish_replace(store, result);
            }
            Err(NotLoaded) => shown_not_stored(store, data, lists),
        }
        done();
    });
}

/// The code that stores a whole dataset could not be fetched: nothing was stored. The page
/// shows the new data, labelled as not saved with the reason, and saves nothing on top of the
/// old until it is replaced again.
fn shown_not_stored(store: Store, data: Dataset, lists: SavedLists) {
    store.memory_only.set(true);
    put_in_page(store, data, lists);
    not_saved(store, Msg::ReplaceUnavailable);
}

/// The replacing data and lists become the page's.
fn put_in_page(store: Store, data: Dataset, lists: SavedLists) {
    store.segments.set(lists.segments);
    store.funnels.set(lists.funnels);
    store.set_data(data);
    store.damaged.set(Arc::new(Vec::new()));
}

/// What a replace of the record store works with, in one argument: the future a split point
/// returns may borrow from one argument only.
struct Replacing<'a> {
    store: Store,
    repo: &'a mut RecordRepository<IdbStore>,
    data: &'a Dataset,
    lists: &'a SavedLists,
}

type Replaced<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + 'a>>;

/// Everything in the record store replaced, with the progress shown: a split point (see
/// `crate::lazy_pages`), since only a demo, a restore, a reset and the move of older data
/// replace everything. `Err(NotLoaded)`: the code could not be fetched and nothing was touched.
#[wasm_split(kezhi_replace, wasm_split_path = ::leptos::wasm_split, fallible)]
fn replace_records(r: Replacing<'_>) -> Result<Replaced<'_>, NotLoaded> {
    Ok(Box::pin(async move {
        let store = r.store;
        let progress = move |done: usize, total: usize| {
            store.saving.set(Some((done, total)));
        };
        let id = platform::random_hex::<6>();
        platform::timed_async(
            "kezhi:replace",
            r.repo
                .replace_all(r.data, r.lists, id, platform::now(), Some(&progress)),
        )
        .await
    }))
}

/// Every record deleted (a reset), by the same chunk's code.
#[wasm_split(kezhi_replace, wasm_split_path = ::leptos::wasm_split, fallible)]
fn clear_records(repo: &mut RecordRepository<IdbStore>) -> Result<Replaced<'_>, NotLoaded> {
    Ok(Box::pin(
        repo.clear(platform::random_hex::<6>(), platform::now()),
    ))
}

fn finish_replace(store: Store, result: Result<(), SaveError>) {
    match result {
        Ok(()) => store.persistence.set(Persistence::Saved),
        Err(e) => failed(store, e),
    }
}

pub(super) fn legacy_replace(
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
            Some(Backend::Records(repo)) => {
                let Ok(clearing) = clear_records(repo).await else {
                    drop(guard);
                    store
                        .ui
                        .toast(ToastKind::Error, store.tr(Msg::ResetUnavailable));
                    return;
                };
                clearing
                    .await
                    .map(|()| broadcast())
                    .map_err(|e| e.to_string())
            }
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
