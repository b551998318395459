//! Start-up: open IndexedDB (or say why not), move an older version's localStorage data
//! over, load everything with progress, and make what the first page shows before it is
//! shown; the localStorage repository of earlier versions where IndexedDB cannot serve.

use super::incoming::listen_to_other_tabs;
use super::migrate::{legacy_split, migrate_split};
use super::{Backend, LEGACY_QUOTA, Notice, install_backend, measure, shared};
use crate::derived::Derived;
use crate::i18n::Msg;
use crate::platform;
use crate::store::{Persistence, Store};
use crate::ui::ToastKind;
use kezhi_core::store::records::{self as rec, LoadProgress, Loaded, RecordRepository, has_legacy};
use kezhi_core::store::{LoadOutcome, Repository};
use kezhi_storage_web::BrowserStore;
use kezhi_storage_web::records::{DB_NAME, IdbStore, OpenError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::sync::Arc;

/// Opens the store and loads everything; sets `ready` when done. The database is asked for
/// now, before the app builds its first view (a spawned task runs only after that): on a
/// first visit its creation took ~90 ms after the view was built, and it now overlaps it.
pub fn start(store: Store, derived: Derived) {
    listen_to_other_tabs(store);
    let opening = begin_open(store);
    spawn_local(async move {
        let shared = shared();
        let mut guard = shared.backend.lock().await;
        let backend = load(store, opening.await).await;
        measure(store, &backend).await;
        install_backend(&shared, &mut guard, backend);
        drop(guard);
        warm_up(store, derived).await;
        store.loading.set(None);
        store.ready.set(true);
    });
}

/// Makes what the first page derives from the loaded data before the page is shown
/// (`Derived::warm_up`); the list's index only on the customer list. Settings and Import show
/// no analytics: there everything waits for the first page that does (17 MB at 100k that the
/// tab need not hold, and 100-150 ms of the load).
async fn warm_up(store: Store, derived: Derived) {
    use crate::route::View;
    let view = store.ui.route.get_untracked().view;
    if matches!(view, View::Settings | View::Import) {
        return;
    }
    derived.warm_up(view == View::Customers).await;
}

pub(super) async fn open_and_load(store: Store) -> Backend {
    let opened = begin_open(store).await;
    load(store, opened).await
}

/// The record database's opening, asked of the browser now; a blocked upgrade and another
/// tab's upgrade are said in the store's notice.
fn begin_open(store: Store) -> impl Future<Output = Result<IdbStore, OpenError>> + 'static {
    kezhi_storage_web::records::begin_open(
        DB_NAME,
        move || store.notice.set(Some(Notice::Blocked)),
        move || store.notice.set(Some(Notice::VersionChanged)),
    )
}

/// Loads from the opened database, or from localStorage where it cannot serve.
async fn load(store: Store, opened: Result<IdbStore, OpenError>) -> Backend {
    let now = platform::now();
    let idb = match opened {
        Ok(idb) => idb,
        Err(OpenError::Newer) => {
            store.notice.set(Some(Notice::Newer));
            return legacy(store, None).await;
        }
        Err(OpenError::Unavailable(why)) => {
            return legacy(store, Some(Notice::Unavailable(why))).await;
        }
    };
    if store.notice.get_untracked() == Some(Notice::Blocked) {
        store.notice.set(None);
    }
    let repo = RecordRepository::new(idb);
    if has_legacy(&BrowserStore) {
        store.loading.set(Some((0, 0)));
        let Ok(moving) = migrate_split(repo, platform::random_hex::<6>(), now).await else {
            let why = store.tr(Msg::MigrationUnavailable).to_string();
            return legacy(store, Some(Notice::MigrationFailed(why))).await;
        };
        return match moving.await {
            (Ok(Some((_, loaded))), repo) => {
                install(store, loaded);
                store.ui.toast(ToastKind::Info, store.tr(Msg::Migrated));
                Backend::Records(repo)
            }
            (Ok(None), repo) => load_records(store, repo, now).await,
            (Err(e), _) => legacy(store, Some(Notice::MigrationFailed(e.to_string()))).await,
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
        Err(e) => legacy(store, Some(Notice::Unavailable(e.to_string()))).await,
    }
}

fn install(store: Store, loaded: Loaded) {
    store.segments.set(loaded.lists.segments);
    store.funnels.set(loaded.lists.funnels);
    store.damaged.set(Arc::new(loaded.damaged));
    store.set_data(loaded.data);
}

/// The localStorage path of earlier versions (its code fetched for it, see `migrate.rs`). If
/// that code cannot be had, what localStorage holds is left unread and nothing writes over it
/// (the data counts as unreadable, which stops the saves); the next start tries again.
async fn legacy(store: Store, notice: Option<Notice>) -> Backend {
    if let Ok(backend) = legacy_split(store, notice.clone()).await {
        return backend;
    }
    // A failed move's notice says the old data is in use from localStorage: not so here.
    if !matches!(notice, None | Some(Notice::MigrationFailed(_))) {
        store.notice.set(notice);
    }
    let why = store.tr(Msg::MigrationUnavailable).to_string();
    store.persistence.set(Persistence::Unreadable(why));
    let mut repo = Repository::new(BrowserStore, platform::random_hex::<4>());
    repo.capacity = Some(LEGACY_QUOTA);
    Backend::Legacy(repo)
}

/// The localStorage path of earlier versions, with the saved lists from the preferences.
pub(super) fn legacy_load(store: Store, notice: Option<Notice>) -> Backend {
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
