//! Resetting the local data with sync set up: forgetting what this device knew of the server,
//! or deleting the team's documents on the server first.

use super::{State, Sync, runner};
use crate::platform;
use kezhi_core::sync::couch::SyncError;
use kezhi_core::sync::engine::Syncer;
use kezhi_storage_web::sync::IdbSyncState;
use leptos::prelude::*;
use leptos::task::spawn_local;

impl Sync {
    /// Stops the current run and waits until it has let go of the engine.
    async fn stop_run(&self) {
        let r = runner();
        r.generation.set(r.generation.get() + 1);
        if let Some(t) = r.transport.borrow().as_ref() {
            t.abort_all();
        }
        drop(r.engine.lock().await);
    }

    /// The local data was reset, the server's copy kept: forget what this device knew of the
    /// server, so that the next sync pulls everything back.
    pub fn forget_local(&self) {
        let sync = *self;
        spawn_local(async move {
            sync.stop_run().await;
            let config = sync.config.get_untracked();
            if let Ok(states) = IdbSyncState::open(&config.target()).await {
                use kezhi_core::sync::engine::StateStore;
                if let Err(e) = states.clear().await {
                    sync.failed(SyncError::Local(e));
                    return;
                }
            }
            *runner().engine.lock().await = None;
            sync.conflicts.set(Vec::new());
            sync.pending.set(0);
            if config.on {
                sync.begin(true);
            }
        });
    }

    /// "Reset, also on the server": deletes every kezhi document on the server (so on every
    /// device), then the local data. If the server cannot be reached nothing is deleted
    /// anywhere, and the error says why.
    pub fn reset_with_server(&self) {
        let sync = *self;
        spawn_local(async move {
            sync.stop_run().await;
            let config = sync.config.get_untracked();
            sync.state.set(State::Syncing);
            let states = match IdbSyncState::open(&config.target()).await {
                Ok(s) => s,
                Err(e) => return sync.failed(SyncError::Local(e)),
            };
            let mut engine = match Syncer::open(config.client(), states).await {
                Ok(e) => e,
                Err(e) => return sync.failed(e),
            };
            if let Err(e) = engine.delete_remote_all(platform::now()).await {
                return sync.failed(e);
            }
            *runner().engine.lock().await = None;
            sync.conflicts.set(Vec::new());
            sync.pending.set(0);
            sync.store.reset_then(move || {
                if config.on {
                    sync.begin(true);
                }
            });
        });
    }
}
