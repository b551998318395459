//! Saves: one at a time, after the operation running; the edits made before a save starts
//! are saved with it. A failed save keeps the edit in the page, says why, and is tried again.

use super::incoming::broadcast;
use super::migrate::legacy_save_split;
use super::{Backend, Signals, Writing, measure, shared};
use crate::i18n::Msg;
use crate::platform;
use crate::store::{Persistence, Store};
use crate::ui::ToastKind;
use kezhi_core::store::records as rec;
use kezhi_core::store::{Repository, SaveError, Section, StoreError};
use kezhi_storage_web::BrowserStore;
use leptos::prelude::*;
use leptos::task::spawn_local;

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
        // The save's encoding in a task of its own, not in the one that made the change: an
        // import's change and its save's encoding were one task of ~250 ms at 500,000 lines.
        platform::yield_to_browser().await;
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
                let Ok(saved) = legacy_save_split(store, repo, &sections).await else {
                    not_saved(store, Msg::SaveUnavailable);
                    return;
                };
                saved
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

/// A write whose code could not be fetched (a split point's chunk): the data stays in the
/// page, unsaved, and the badge and a toast say why.
pub(super) fn not_saved(store: Store, why: Msg) {
    let text = store.tr(why).to_string();
    store.persistence.set(Persistence::NotSaved(text.clone()));
    store.ui.toast(ToastKind::Error, text);
}

pub(super) fn store_error(e: StoreError) -> SaveError {
    SaveError::from(e)
}

pub(super) fn legacy_save(
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
pub(super) fn failed(store: Store, e: SaveError) {
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
