//! The loop: a round (push, then pull), then a long-poll of `_changes` that a local edit or a
//! wake cuts short, and the waits with backoff after a failure. Everything that runs on its
//! own; the buttons in mod.rs only start, stop or wake it.

use super::replica::AppReplica;
use super::{Engine, Runner, SYNC, State, Sync, runner};
use crate::lazy_pages::NotLoaded;
use crate::platform;
use crate::store::Store;
use kezhi_core::sync::backoff;
use kezhi_core::sync::couch::{CouchClient, NetError, SyncError};
use kezhi_core::sync::engine::{Progress, Replica, Syncer, conflict_views};
use kezhi_storage_web::sync::{FetchTransport, IdbSyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

/// How long a long-poll of `_changes` waits for a change before the loop goes round again.
const LONGPOLL_MS: u32 = 25_000;

/// Waits `ms`, or less when woken (a local edit, "sync now") or when the run is over.
async fn wait(ms: u32, generation: u32) {
    let r = runner();
    let mut left = ms;
    while left > 0 {
        if r.woken.replace(false) || r.generation.get() != generation {
            return;
        }
        let step = left.min(250);
        crate::platform::sleep_ms(step).await;
        left -= step;
    }
}

impl Sync {
    pub(super) fn after_round(&self, engine: &Engine) {
        let replica = AppReplica(self.store);
        self.pending.set(engine.pending(&replica));
        let shared = AppReplica(self.store).shared();
        let views = self
            .store
            .data
            .with_untracked(|d| conflict_views(d, &shared, &engine.state));
        self.conflicts.set(views);
        self.last_synced.set(engine.state.last_synced);
    }

    /// Starts a run (live: round after round; else one round). The loop's code (the engine,
    /// the CouchDB client, the sync state's store) is fetched when sync first runs
    /// ([`run_split`]): most people never turn sync on. If it cannot be fetched (offline before
    /// the service worker had it), the status says the server cannot be reached and the fetch
    /// is tried again with the same backoff as a failed round, or at once when woken.
    pub(super) fn begin(&self, live: bool) {
        let r = runner();
        let generation = r.generation.get() + 1;
        r.generation.set(generation);
        let sync = *self;
        spawn_local(async move {
            let mut attempt = 0;
            loop {
                match run_split(generation, live).await {
                    Ok(run) => return run.await,
                    Err(NotLoaded) => {
                        let unreachable = SyncError::Net(NetError::Unreachable);
                        if !sync
                            .retry_after(unreachable, &mut attempt, generation)
                            .await
                        {
                            return;
                        }
                    }
                }
            }
        });
    }

    async fn run(self, generation: u32, live: bool) {
        let r = runner();
        let config = self.config.get_untracked();
        let transport = FetchTransport::new(&config.url, config.user.trim(), &config.password);
        *r.transport.borrow_mut() = Some(transport.clone());
        *r.connection.borrow_mut() = Some(config.connection());
        let current = || runner().generation.get() == generation;
        // One engine at a time: a previous run lets go when it sees it is over.
        let mut slot = r.engine.lock().await;
        if !current() {
            return;
        }
        let states = match IdbSyncState::open(&config.target()).await {
            Ok(s) => s,
            Err(e) => {
                self.failed(SyncError::Local(e));
                return;
            }
        };
        let client = CouchClient::new(transport, config.db.trim());
        match Syncer::open(client, states).await {
            Ok(engine) => *slot = Some(engine),
            Err(e) => {
                self.failed(e);
                return;
            }
        }
        drop(slot);
        let replica = AppReplica(self.store);
        let progress = self.progress;
        let on_progress = move |p: Progress| progress.set(Some((p.done, p.total)));
        let mut attempt: u32 = 0;
        loop {
            if !current() {
                return;
            }
            let mut slot = r.engine.lock().await;
            let Some(engine) = slot.as_mut() else { return };
            self.take_actions(engine).await;
            self.pending.set(engine.pending(&replica));
            self.state.set(State::Syncing);
            // Edits and wakes from now on are for the next round.
            r.woken.set(false);
            r.edited.set(false);
            let result = engine.sync(&replica, &platform::now, &on_progress).await;
            self.after_round(engine);
            drop(slot);
            self.progress.set(None);
            if !current() {
                return;
            }
            match result {
                Ok(_) => {
                    attempt = 0;
                    self.state.set(State::Synced);
                    self.last_error.set(None);
                }
                Err(e) => {
                    if !self.retry_after(e, &mut attempt, generation).await {
                        return;
                    }
                    continue;
                }
            }
            if !live {
                return;
            }
            // Live: wait for the server's next change (or a local edit, which cuts it short);
            // an edit made during the round goes up at once instead.
            if r.edited.replace(false) || r.woken.replace(false) {
                continue;
            }
            let mut slot = r.engine.lock().await;
            let Some(engine) = slot.as_mut() else { return };
            r.polling.set(true);
            let polled = engine
                .pull(&replica, &platform::now, Some(LONGPOLL_MS), &|_| {})
                .await;
            r.polling.set(false);
            self.after_round(engine);
            drop(slot);
            match polled {
                Ok(_) | Err(SyncError::Net(NetError::Aborted)) => {}
                Err(e) => {
                    if !self.retry_after(e, &mut attempt, generation).await {
                        return;
                    }
                }
            }
        }
    }

    /// After a failed round, or sync's code that could not be fetched: says why, and waits
    /// before the next try (`false`: stop).
    async fn retry_after(&self, e: SyncError, attempt: &mut u32, generation: u32) -> bool {
        if runner().generation.get() != generation {
            return false;
        }
        if matches!(e, SyncError::Net(NetError::Aborted)) {
            return true;
        }
        let retry = e.retryable();
        self.failed(e);
        if !retry {
            // Wrong credentials or no database: trying again cannot help until the user acts.
            self.set_config(|c| c.on = false);
            return false;
        }
        *attempt += 1;
        let jitter = f64::from(platform::random_bytes::<1>()[0]) / 256.0;
        wait(backoff::delay_ms(*attempt, jitter), generation).await;
        runner().generation.get() == generation
    }
}

type Run = Pin<Box<dyn Future<Output = ()>>>;

/// The split point of sync: the run of the app's sync (`SYNC`) as a future, its code in a
/// chunk of its own (see `crate::lazy_pages`). Only plain values cross it.
#[wasm_split(kezhi_sync, wasm_split_path = ::leptos::wasm_split, fallible)]
fn run_split(generation: u32, live: bool) -> Result<Run, NotLoaded> {
    Ok(match SYNC.with(Cell::get) {
        Some(sync) => Box::pin(sync.run(generation, live)),
        None => Box::pin(async {}),
    })
}

/// Cuts a long-poll short, and a wait before a retry too ("sync now", back online, a
/// decision on a conflict): try now.
pub(super) fn wake() {
    let r = runner();
    r.woken.set(true);
    cut_long_poll(&r);
}

fn cut_long_poll(r: &Runner) {
    if r.polling.get()
        && let Some(t) = r.transport.borrow().as_ref()
    {
        t.abort_all();
    }
}

/// The data was edited here: a long-poll is cut short so the edit goes up within moments;
/// while the server cannot be reached the wait before the next try is kept (no request per
/// keystroke against a server that is down), and the count of waiting changes is updated.
pub fn local_edit() {
    let r = runner();
    r.edited.set(true);
    if r.polling.get() {
        cut_long_poll(&r);
        return;
    }
    let Some(sync) = SYNC.with(Cell::get) else {
        return;
    };
    spawn_local(async move {
        let r = runner();
        // Not now if the loop has the engine: it counts at the start of its round.
        let Some(slot) = r.engine.try_lock() else {
            return;
        };
        if let Some(engine) = slot.as_ref()
            && let Ok(pending) = pending_split(engine, sync.store).await
        {
            sync.pending.set(pending);
        }
    });
}

/// The changes waiting to go up, counted by the sync chunk's code (an engine exists only once
/// that chunk has run, so this never waits for a fetch): the documents the count compares are
/// code the first download does without.
#[wasm_split(kezhi_sync, wasm_split_path = ::leptos::wasm_split, fallible)]
fn pending_split(engine: &Engine, store: Store) -> Result<usize, NotLoaded> {
    Ok(engine.pending(&AppReplica(store)))
}
