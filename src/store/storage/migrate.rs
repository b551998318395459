//! What only localStorage data needs, fetched only when there is some: split points (see
//! `crate::lazy_pages`), one chunk for all of them. The move of an older version's data into
//! IndexedDB; and the localStorage backend where IndexedDB cannot serve (private modes, a
//! database of a newer version): its load, saves, replaces and the merges of other tabs'
//! writes. The old formats' readers (format 1's JSON, the sections of formats 2 and 3), the
//! merge of whole datasets and the check of a copy read back are code no other start needs.
//! The backend exists only once its load ran here, so its later calls find the chunk loaded.

use super::{Backend, Notice};
use crate::lazy_pages::NotLoaded;
use crate::store::Store;
use kezhi_core::Dataset;
use kezhi_core::Timestamp;
use kezhi_core::store::records::{
    Loaded, Migration, MigrationError, RecordRepository, migrate_from,
};
use kezhi_core::store::{Refresh, Repository, SaveError, Section, Unreadable};
use kezhi_storage_web::BrowserStore;
use kezhi_storage_web::records::IdbStore;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use std::future::Future;
use std::pin::Pin;

/// What the move came to, and the repository it wrote to (handed back for the app's use).
type Moved = (
    Result<Option<(Migration, Loaded)>, MigrationError>,
    RecordRepository<IdbStore>,
);

type Moving = Pin<Box<dyn Future<Output = Moved>>>;

/// Moves the localStorage data into `repo` (see `migrate_from`). `Err(NotLoaded)`: the code
/// could not be fetched, and nothing was touched: the old data stays where it is, unread (the
/// localStorage load needs this chunk too), and the next start tries again.
#[wasm_split(kezhi_migrate, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn migrate_split(
    repo: RecordRepository<IdbStore>,
    dataset: String,
    now: Timestamp,
) -> Result<Moving, NotLoaded> {
    Ok(Box::pin(async move {
        let mut repo = repo;
        let outcome = migrate_from(BrowserStore, &mut repo, dataset, now).await;
        (outcome, repo)
    }))
}

/// Loads the data from localStorage and makes it the page's (`load::legacy_load`).
/// `Err(NotLoaded)`: the code could not be fetched, and nothing was read.
#[wasm_split(kezhi_migrate, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn legacy_split(store: Store, notice: Option<Notice>) -> Result<Backend, NotLoaded> {
    Ok(super::load::legacy_load(store, notice))
}

/// A save to localStorage (`save::legacy_save`).
#[wasm_split(kezhi_migrate, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn legacy_save_split(
    store: Store,
    repo: &mut Repository<BrowserStore>,
    sections: &[Section],
) -> Result<Result<(), SaveError>, NotLoaded> {
    Ok(super::save::legacy_save(store, repo, sections))
}

/// Everything in localStorage replaced by `data` (`replace::legacy_replace`).
#[wasm_split(kezhi_migrate, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn legacy_replace_split(
    store: Store,
    repo: &mut Repository<BrowserStore>,
    data: &mut Dataset,
) -> Result<Result<(), SaveError>, NotLoaded> {
    Ok(super::replace::legacy_replace(store, repo, data))
}

/// What another tab wrote to localStorage, merged into the page's data.
#[wasm_split(kezhi_migrate, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn legacy_refresh_split(
    store: Store,
    repo: &mut Repository<BrowserStore>,
) -> Result<Option<Result<Refresh, Unreadable>>, NotLoaded> {
    let mut outcome = None;
    store
        .write
        .update_untracked(|data| outcome = Some(repo.refresh(data)));
    Ok(outcome)
}

/// Every stored value for the rescue download ([`super::raw_dump`]), by code fetched when it is
/// asked for (its own chunk): the JSON writer and base64 serve nothing else.
#[wasm_split(kezhi_rescue, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn raw_dump_split(store: Store) -> Result<String, NotLoaded> {
    Ok(super::raw_dump(store))
}
