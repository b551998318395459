//! What others wrote: another tab's commits (a message on the `kezhi-records`
//! BroadcastChannel after each), another tab's localStorage writes (the fallback), and the
//! records a sync pull decided on; and this tab's message to the others.

use super::migrate::{legacy_refresh_split, legacy_save_split};
use super::save::{failed, store_error};
use super::{Backend, Signals, Writing, measure_records, shared};
use crate::i18n::Msg;
use crate::lazy_pages::NotLoaded;
use crate::platform;
use crate::store::{Persistence, Store};
use kezhi_core::store::records::{self as rec, DataCell};
use kezhi_core::store::{Refresh, Section};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

const CHANNEL: &str = "kezhi-records";

/// Tells other tabs that the store changed.
pub(super) fn broadcast() {
    if let Some(channel) = shared().channel.borrow().as_ref() {
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
    }
}

pub(super) fn listen_to_other_tabs(store: Store) {
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
        Some(Backend::Legacy(repo)) => legacy_save_split(store, repo, &Section::ALL)
            .await
            .map_or_else(
                |NotLoaded| Err(store.tr(Msg::SaveUnavailable).to_string()),
                |saved| saved.map_err(|e| format!("{e:?}")),
            ),
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
        let outcome = legacy_refresh_split(store, repo).await.ok().flatten();
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
