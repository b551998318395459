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
use kezhi_core::sync::shared::{
    SharedChange, SharedItem, SharedKind, funnel_item, read_funnel, read_segment, read_settings,
    segment_item, settings_item,
};
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
    /// A local edit since the round began: the loop goes round again instead of waiting.
    edited: Cell<bool>,
    /// Conflict decisions waiting for the engine (the loop holds it while it long-polls).
    actions: RefCell<Vec<Action>>,
    /// The server, database and account the current run syncs with.
    connection: RefCell<Option<Connection>>,
}

/// What a run connects with: a change of any of it while sync is on starts a new run.
type Connection = (String, String, String, String);

impl Config {
    fn connection(&self) -> Connection {
        (
            self.url.trim().to_string(),
            self.db.trim().to_string(),
            self.user.trim().to_string(),
            self.password.clone(),
        )
    }
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

/// The data as the engine sees it: read from the store's signal, written through storage;
/// the shared items from the store's lists and the preferences' analytics settings.
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
    fn shared(&self) -> Vec<SharedItem> {
        let store = self.0;
        let mut out: Vec<SharedItem> = store
            .segments
            .with_untracked(|l| l.iter().map(segment_item).collect());
        out.extend(
            store
                .funnels
                .with_untracked(|l| l.iter().map(funnel_item).collect::<Vec<_>>()),
        );
        let prefs = store.prefs();
        let at = prefs.analytics_at.get_untracked();
        // Settings never changed here are the defaults: nothing to share (a team's own win).
        if at.millis() > 0 {
            out.push(settings_item(&prefs.analytics.get_untracked(), at));
        }
        out
    }
    async fn apply_shared(&self, changes: Vec<SharedChange>) -> Result<(), String> {
        let store = self.0;
        let (mut segments, mut funnels) = (false, false);
        let mut seg_list = store.segments.get_untracked();
        let mut fun_list = store.funnels.get_untracked();
        for c in changes {
            match c.kind {
                SharedKind::Segment => {
                    segments = true;
                    seg_list.retain(|s| s.id != c.id);
                    if let Some(s) = c.item.as_ref().and_then(read_segment) {
                        seg_list.push(s);
                    }
                }
                SharedKind::Funnel => {
                    funnels = true;
                    fun_list.retain(|f| f.id != c.id);
                    if let Some(f) = c.item.as_ref().and_then(read_funnel) {
                        fun_list.push(f);
                    }
                }
                SharedKind::Setting => {
                    if let Some((settings, at)) = c.item.as_ref().and_then(read_settings) {
                        store.prefs().take_synced_analytics(settings, at);
                    }
                }
            }
        }
        if segments {
            store.set_segments(|l| *l = seg_list);
        }
        if funnels {
            store.set_funnels(|l| *l = fun_list);
        }
        Ok(())
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

    /// "Keep the other one" for a conflict.
    pub fn keep_other(&self, doc_id: String) {
        self.decide(Action::KeepOther(doc_id));
    }

    /// "Keep this one": closes the conflict on every device.
    pub fn keep_this(&self, doc_id: String) {
        self.decide(Action::KeepThis(doc_id));
    }

    /// Queues a decision: the loop takes it at its next round (a wake starts one now); when
    /// no loop holds the engine (paused, waiting to retry), it is taken here at once.
    fn decide(&self, action: Action) {
        runner().actions.borrow_mut().push(action);
        wake();
        let sync = *self;
        spawn_local(async move {
            let r = runner();
            let Some(mut slot) = r.engine.try_lock() else {
                return; // the loop has it, and takes the decision next
            };
            if let Some(engine) = slot.as_mut() {
                sync.take_actions(engine).await;
            }
        });
    }

    async fn take_actions(&self, engine: &mut Engine) {
        let actions: Vec<Action> = runner().actions.borrow_mut().drain(..).collect();
        if actions.is_empty() {
            return;
        }
        let replica = AppReplica(self.store);
        for action in actions {
            let done = match action {
                Action::KeepOther(id) => engine
                    .keep_other(&replica, &id, platform::now())
                    .await
                    .map(|_| ()),
                Action::KeepThis(id) => engine.dismiss(&id).await,
            };
            if let Err(e) = done {
                self.failed(e);
            }
        }
        self.after_round(engine);
        wake();
    }

    fn after_round(&self, engine: &Engine) {
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

/// Cuts a long-poll short, and a wait before a retry too ("sync now", back online, a
/// decision on a conflict): try now.
fn wake() {
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

thread_local! {
    /// The app's sync, for edits that happen outside any component (the store's writes).
    static SYNC: Cell<Option<Sync>> = const { Cell::new(None) };
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
        if let Some(engine) = slot.as_ref() {
            sync.pending.set(engine.pending(&AppReplica(sync.store)));
        }
    });
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}
