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

use crate::platform;
use crate::store::Store;
use gloo_storage::{LocalStorage as Local, SessionStorage as Session, Storage};
use kezhi_core::Timestamp;
use kezhi_core::sync::couch::{Check, CouchClient, NetError, SyncError};
use kezhi_core::sync::doc::fnv1a;
use kezhi_core::sync::engine::{ConflictView, Progress, Replica, Syncer, conflict_views};
use kezhi_core::sync::{Incoming, backoff};
use kezhi_storage_web::sync::{FetchTransport, IdbSyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

const CONFIG_KEY: &str = "kezhi.sync";
/// How long a long-poll of `_changes` waits for a change before the loop goes round again.
const LONGPOLL_MS: u32 = 25_000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub url: String,
    pub db: String,
    pub user: String,
    pub password: String,
    pub remember: bool,
    /// Live sync is on (it starts again after a reload).
    pub on: bool,
}

impl Config {
    fn load() -> Config {
        Local::get::<Config>(CONFIG_KEY)
            .or_else(|_| Session::get::<Config>(CONFIG_KEY))
            .unwrap_or_default()
    }
    fn store(&self) {
        if self.remember {
            let _ = Local::set(CONFIG_KEY, self);
            Session::delete(CONFIG_KEY);
        } else {
            // Only for this session: nothing of it stays on the device.
            Local::delete(CONFIG_KEY);
            let _ = Session::set(CONFIG_KEY, self);
        }
    }
    pub fn complete(&self) -> bool {
        !self.url.trim().is_empty() && !self.db.trim().is_empty()
    }
    /// Names the server and database the sync state belongs to (not the credentials).
    fn target(&self) -> String {
        let key = format!(
            "{}|{}",
            self.url.trim().trim_end_matches('/'),
            self.db.trim()
        );
        format!("{:016x}", fnv1a(key.as_bytes()))
    }
    fn client(&self) -> CouchClient<FetchTransport> {
        CouchClient::new(
            FetchTransport::new(&self.url, self.user.trim(), &self.password),
            self.db.trim(),
        )
    }
}

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
}

thread_local! {
    static RUNNER: Rc<Runner> = Rc::new(Runner::default());
}

fn runner() -> Rc<Runner> {
    RUNNER.with(Rc::clone)
}

/// The data as the engine sees it: read from the store's signal, written through storage.
struct AppReplica(Store);

impl Replica for AppReplica {
    fn read<R>(&self, f: impl FnOnce(&kezhi_core::Dataset) -> R) -> R {
        self.0.data.with_untracked(f)
    }
    fn version(&self) -> u64 {
        self.0.writes().with_value(|w| w.count())
    }
    async fn apply(&self, incoming: Incoming) -> Result<(), String> {
        self.0.apply_sync(incoming).await
    }
}

/// Waits `ms`, or less when woken (a local edit, "sync now") or when the run is over.
async fn wait(ms: u32, generation: u32) {
    let r = runner();
    let mut left = ms;
    while left > 0 {
        if r.woken.replace(false) || r.generation.get() != generation {
            return;
        }
        let step = left.min(250);
        gloo_timers_sleep(step).await;
        left -= step;
    }
}

async fn gloo_timers_sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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

    /// "Keep the other one" for a conflict.
    pub fn keep_other(&self, doc_id: String) {
        let sync = *self;
        let store = self.store;
        wake();
        spawn_local(async move {
            let r = runner();
            let mut engine = r.engine.lock().await;
            if let Some(engine) = engine.as_mut() {
                let _ = engine
                    .keep_other(&AppReplica(store), &doc_id, platform::now())
                    .await;
                sync.after_round(engine);
            }
            drop(engine);
            wake();
        });
    }

    /// "Keep this one": closes the conflict on every device.
    pub fn keep_this(&self, doc_id: String) {
        let sync = *self;
        wake();
        spawn_local(async move {
            let r = runner();
            let mut engine = r.engine.lock().await;
            if let Some(engine) = engine.as_mut() {
                let _ = engine.dismiss(&doc_id).await;
                sync.after_round(engine);
            }
            drop(engine);
            wake();
        });
    }

    fn after_round(&self, engine: &Engine) {
        let replica = AppReplica(self.store);
        self.pending.set(engine.pending(&replica));
        let views = self
            .store
            .data
            .with_untracked(|d| conflict_views(d, &engine.state));
        self.conflicts.set(views);
        self.last_synced.set(engine.state.last_synced);
    }

    /// Starts a run (live: round after round; else one round).
    fn begin(&self, live: bool) {
        let r = runner();
        let generation = r.generation.get() + 1;
        r.generation.set(generation);
        let sync = *self;
        spawn_local(async move { sync.run(generation, live).await });
    }

    async fn run(self, generation: u32, live: bool) {
        let r = runner();
        let config = self.config.get_untracked();
        let transport = FetchTransport::new(&config.url, config.user.trim(), &config.password);
        *r.transport.borrow_mut() = Some(transport.clone());
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
            self.pending.set(engine.pending(&replica));
            self.state.set(State::Syncing);
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
            // Live: wait for the server's next change (or a local edit, which cuts it short).
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

    /// After a failed round: says why, and waits before the next try (`false`: stop).
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

/// Cuts a long-poll or a wait short: a local edit is to go up now.
fn wake() {
    let r = runner();
    r.woken.set(true);
    if r.polling.get()
        && let Some(t) = r.transport.borrow().as_ref()
    {
        t.abort_all();
    }
}

/// The data was edited here: counted as waiting, and pushed within moments when sync is on.
pub fn local_edit() {
    wake();
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}
