//! Sync with a team's CouchDB-compatible server (`use_sync`): the settings, the status every
//! view shows in the header, and the loop that runs the core's [`Syncer`] — a full round
//! (push, then pull) and then a long-poll of `_changes` that a local edit cuts short, with
//! retries after failures (exponential backoff with jitter). Off by default: until the user
//! starts it, nothing here makes a request.
//!
//! The settings are kept under `kezhi.sync` (outside the `kezhi:` keys that backups and raw
//! dumps carry), in localStorage when "remember on this device" is on, else in
//! sessionStorage (gone with the tab). The password only ever goes into the
//! `Authorization` header ([`FetchTransport`]).
//!
//! Here: the `Sync` context, its status and buttons, and what the loop shares with them
//! (`Runner`); config (the settings), replica (the store as the engine sees it), runner (the
//! loop), decide (conflict decisions), reset (resets with sync set up).

mod config;
mod decide;
mod replica;
mod reset;
mod runner;

pub use config::Config;
pub use runner::local_edit;

use crate::store::Store;
use config::Connection;
use kezhi_core::Timestamp;
use kezhi_core::sync::couch::{Check, NetError, SyncError};
use kezhi_core::sync::engine::{ConflictView, Syncer};
use kezhi_storage_web::sync::{FetchTransport, IdbSyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use runner::wake;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The `data-state` of `sync-status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Off,
    Syncing,
    Synced,
    Offline,
    Error,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Off => "off",
            State::Syncing => "syncing",
            State::Synced => "synced",
            State::Offline => "offline",
            State::Error => "error",
        }
    }
}

/// The answer of "test connection".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestAnswer {
    Running,
    Done(Check),
    Created,
    CreateFailed(SyncError),
}

#[derive(Clone, Copy)]
pub struct Sync {
    pub config: RwSignal<Config>,
    pub state: RwSignal<State>,
    /// Local changes not on the server yet.
    pub pending: RwSignal<usize>,
    pub last_synced: RwSignal<Option<Timestamp>>,
    pub last_error: RwSignal<Option<SyncError>>,
    /// Records pushed of those to push, or pulled so far (total 0).
    pub progress: RwSignal<Option<(usize, usize)>>,
    pub conflicts: RwSignal<Vec<ConflictView>>,
    pub test: RwSignal<Option<TestAnswer>>,
    store: Store,
}

type Engine = Syncer<FetchTransport, IdbSyncState>;

/// What the loop shares with the buttons: which run is current, the engine, and how to cut
/// a long-poll or a wait short.
#[derive(Default)]
struct Runner {
    generation: Cell<u32>,
    engine: futures::lock::Mutex<Option<Engine>>,
    transport: RefCell<Option<FetchTransport>>,
    polling: Cell<bool>,
    woken: Cell<bool>,
    /// A local edit since the round began: the loop goes round again instead of waiting.
    edited: Cell<bool>,
    /// Conflict decisions waiting for the engine (the loop holds it while it long-polls).
    actions: RefCell<Vec<Action>>,
    /// The server, database and account the current run syncs with.
    connection: RefCell<Option<Connection>>,
}

#[derive(Clone, Debug)]
enum Action {
    KeepOther(String),
    KeepThis(String),
}

thread_local! {
    static RUNNER: Rc<Runner> = Rc::new(Runner::default());
}

fn runner() -> Rc<Runner> {
    RUNNER.with(Rc::clone)
}

impl Sync {
    pub fn new(store: Store) -> Self {
        let config = Config::load();
        let sync = Sync {
            config: RwSignal::new(config.clone()),
            state: RwSignal::new(State::Off),
            pending: RwSignal::new(0),
            last_synced: RwSignal::new(None),
            last_error: RwSignal::new(None),
            progress: RwSignal::new(None),
            conflicts: RwSignal::new(Vec::new()),
            test: RwSignal::new(None),
            store,
        };
        SYNC.with(|c| c.set(Some(sync)));
        // Back online: try at once instead of waiting out the backoff.
        let online = window_event_listener(leptos::ev::online, move |_| wake());
        // The listener lives as long as the page (the app never unmounts).
        std::mem::forget(online);
        // Live sync was on before the reload: go on once the local data is loaded.
        if config.on && config.complete() {
            Effect::new(move |done: Option<bool>| {
                if done == Some(true) {
                    return true;
                }
                if store.ready.get() {
                    sync.begin(true);
                    return true;
                }
                false
            });
        }
        sync
    }

    /// Keeps edited settings (and where, as "remember" says).
    pub fn set_config(&self, edit: impl FnOnce(&mut Config)) {
        self.config.update(edit);
        self.config.with_untracked(Config::store);
    }

    /// "Test connection": reachable? credentials? database?
    pub fn test_connection(&self) {
        let config = self.config.get_untracked();
        let test = self.test;
        test.set(Some(TestAnswer::Running));
        spawn_local(async move {
            test.set(Some(TestAnswer::Done(config.client().check().await)));
        });
    }

    /// Creates the database the test found missing.
    pub fn create_database(&self) {
        let config = self.config.get_untracked();
        let test = self.test;
        spawn_local(async move {
            match config.client().create_db().await {
                Ok(()) => test.set(Some(TestAnswer::Created)),
                Err(e) => test.set(Some(TestAnswer::CreateFailed(e))),
            }
        });
    }

    /// "Start sync": live sync from now on (and after reloads) until paused.
    pub fn start(&self) {
        if !self.config.with_untracked(Config::complete) {
            return;
        }
        self.set_config(|c| c.on = true);
        self.begin(true);
    }

    /// "Pause": stops at once (requests in flight are cancelled; what was stored stays).
    pub fn pause(&self) {
        self.set_config(|c| c.on = false);
        let r = runner();
        r.generation.set(r.generation.get() + 1);
        if let Some(t) = r.transport.borrow().as_ref() {
            t.abort_all();
        }
        self.state.set(State::Off);
        self.progress.set(None);
    }

    /// "Sync now": one round at once (live sync goes on if it was on).
    pub fn sync_now(&self) {
        if !self.config.with_untracked(Config::complete) {
            return;
        }
        if self.config.with_untracked(|c| c.on) && self.state.get_untracked() != State::Off {
            wake();
        } else {
            self.begin(self.config.with_untracked(|c| c.on));
        }
    }

    /// A connection setting was edited and left (the field's `change`): live sync that is on
    /// goes on with the new server, database or account at once (each target keeps its own
    /// checkpoint), instead of syncing with the old one until the next reload.
    pub fn connection_changed(&self) {
        let (on, now) = self
            .config
            .with_untracked(|c| (c.on && c.complete(), c.connection()));
        let r = runner();
        if !on || r.connection.borrow().as_ref() == Some(&now) {
            return;
        }
        if let Some(t) = r.transport.borrow().as_ref() {
            t.abort_all();
        }
        self.begin(true);
    }

    /// Sync is set up and on: a reset of the local data asks about the server's copy.
    pub fn is_set_up(&self) -> bool {
        self.config.with_untracked(|c| c.on && c.complete())
    }

    fn failed(&self, e: SyncError) {
        let offline = matches!(e, SyncError::Net(NetError::Unreachable | NetError::Timeout));
        self.state.set(if offline {
            State::Offline
        } else {
            State::Error
        });
        self.last_error.set(Some(e));
    }
}

thread_local! {
    /// The app's sync, for edits that happen outside any component (the store's writes).
    static SYNC: Cell<Option<Sync>> = const { Cell::new(None) };
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}
