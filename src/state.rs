//! The app's state and the only place that talks to the repository: pages call
//! [`AppState::change`] and friends, which update the data signal and persist it, and turn
//! every storage outcome into something the user sees (a toast, the "not saved" badge, the
//! unreadable-data banner).

use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::route::Route;
use kezhi_core::Dataset;
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::funnel::{EventIndex, SavedFunnel};
use kezhi_core::metrics::{self, Analytics, AnalyticsSettings};
use kezhi_core::segment::saved::SavedSegment;
use kezhi_core::store::backup::{Backup, write_backup};
use kezhi_core::store::{
    KEY_PREFIX, LoadOutcome, MANIFEST_KEY, Refresh, Repository, SaveError, Section,
};
use kezhi_storage_web::BrowserStore;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// localStorage holds about 5 Mi UTF-16 code units per origin in Chromium and Firefox.
pub const QUOTA: usize = 5 * 1024 * 1024;
const LANG_KEY: &str = "kezhi:lang";
const ANALYTICS_KEY: &str = "kezhi:analytics";
/// Saved segments (queries, and for static ones their customers), remembered in this browser.
const SEGMENTS_KEY: &str = "kezhi:segments";
/// Saved funnels (definitions only), remembered in this browser.
const FUNNELS_KEY: &str = "kezhi:funnels";
/// The preferences a backup carries with the data (the language stays the browser's).
const BACKUP_SETTINGS: [&str; 6] = [
    ANALYTICS_KEY,
    SEGMENTS_KEY,
    FUNNELS_KEY,
    "kezhi:columns",
    "kezhi:column-widths",
    "kezhi:import-mappings",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Everything in memory is stored.
    Saved,
    /// The last save failed; the data is only in this page.
    NotSaved(String),
    /// The stored data could not be read and is kept untouched; nothing is saved.
    Unreadable(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
    /// The toast offers to undo what it reports.
    pub undoable: bool,
}

type UndoFn = Box<dyn FnOnce() + Send + Sync>;

/// A question for the confirmation dialog; `on_yes` runs if the user agrees.
#[derive(Clone)]
pub struct Confirm {
    pub message: Msg,
    pub on_yes: Callback<()>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub data: RwSignal<Dataset>,
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    pub persistence: RwSignal<Persistence>,
    /// Bytes of the app's stored data.
    pub usage: RwSignal<usize>,
    pub toasts: RwSignal<Vec<Toast>>,
    pub confirm: RwSignal<Option<Confirm>>,
    /// A long task is running (e.g. generating a large demo).
    pub busy: RwSignal<Option<Msg>>,
    /// Analytics thresholds and reference date (Settings), remembered in this browser.
    pub analytics: RwSignal<AnalyticsSettings>,
    /// Every customer's metrics and labels, computed once per change of the data or of the
    /// settings and shared by the dashboard, the list, the exports and the segments.
    pub metrics: Memo<Arc<Analytics>>,
    pub segments: RwSignal<Vec<SavedSegment>>,
    pub funnels: RwSignal<Vec<SavedFunnel>>,
    /// Each customer's events together, for funnels: built on first use after a data change.
    pub event_index: Memo<Arc<EventIndex>>,
    /// The data was too big for storage: no further save is attempted until it is replaced.
    memory_only: RwSignal<bool>,
    repo: StoredValue<Repository<BrowserStore>>,
    next_toast: StoredValue<u64>,
    /// The undo of the latest undoable action, with the id of its toast. Only the latest
    /// can be undone: an older undo could clobber what came after it.
    pending_undo: StoredValue<Option<(u64, UndoFn)>>,
}

impl AppState {
    pub fn new() -> Self {
        let lang = kezhi_storage_web::get_pref::<Lang>(LANG_KEY)
            .or_else(|| Lang::from_code(&platform::browser_language()))
            .unwrap_or(Lang::En);
        let writer = platform::random_hex::<4>();
        let mut repo = Repository::new(BrowserStore, writer);
        repo.capacity = Some(QUOTA);
        let data = RwSignal::new(Dataset::default());
        let analytics =
            RwSignal::new(kezhi_storage_web::get_pref(ANALYTICS_KEY).unwrap_or_default());
        // Compared as never equal: comparing would cost as much as computing.
        let metrics = Memo::new_with_compare(
            move |_| {
                let settings = in_local_time(analytics.get());
                data.with(|d| {
                    Arc::new(platform::timed("kezhi:analytics", || {
                        metrics::compute(d, &settings)
                    }))
                })
            },
            |_, _| true,
        );
        let event_index = Memo::new_with_compare(
            move |_| {
                data.with(|d| {
                    Arc::new(platform::timed("kezhi:event-index", || {
                        EventIndex::build(d)
                    }))
                })
            },
            |_, _| true,
        );
        AppState {
            data,
            lang: RwSignal::new(lang),
            route: RwSignal::new(Route::parse(&platform::location_hash())),
            persistence: RwSignal::new(Persistence::Saved),
            usage: RwSignal::new(0),
            toasts: RwSignal::new(Vec::new()),
            confirm: RwSignal::new(None),
            busy: RwSignal::new(None),
            analytics,
            metrics,
            segments: RwSignal::new(kezhi_storage_web::get_pref(SEGMENTS_KEY).unwrap_or_default()),
            funnels: RwSignal::new(kezhi_storage_web::get_pref(FUNNELS_KEY).unwrap_or_default()),
            event_index,
            memory_only: RwSignal::new(false),
            repo: StoredValue::new(repo),
            next_toast: StoredValue::new(0),
            pending_undo: StoredValue::new(None),
        }
    }

    /// The analytics settings (tracked), with days counted in the user's time zone.
    pub fn analytics_settings(&self) -> AnalyticsSettings {
        in_local_time(self.analytics.get())
    }

    /// Offers text as a file download; a refusal of the browser is a toast.
    pub fn offer_download(&self, name: &str, mime: &str, text: &str) {
        if let Err(e) = platform::download(name, mime, text) {
            self.toast(ToastKind::Error, e);
        }
    }

    /// The backup file of all data and the settings that belong to it.
    pub fn download_backup(&self) {
        let settings: BTreeMap<String, serde_json::Value> = BACKUP_SETTINGS
            .iter()
            .filter_map(|k| {
                kezhi_storage_web::get_pref::<serde_json::Value>(k).map(|v| (k.to_string(), v))
            })
            .collect();
        let file = self.data.with_untracked(|d| {
            platform::timed("kezhi:backup", || {
                write_backup(d, settings, platform::now())
            })
        });
        let name = format!("kezhi-backup-{}.json", platform::today());
        self.offer_download(&name, "application/json", &file);
    }

    /// Replaces all data and those settings with a backup's (stored if it fits, else kept in
    /// this page, labelled "not saved").
    pub fn restore_backup(&self, backup: Backup) {
        for (key, value) in &backup.settings {
            // Only the keys a backup is made of: a file cannot plant other preferences.
            if BACKUP_SETTINGS.contains(&key.as_str()) {
                let _ = kezhi_storage_web::set_pref(key, value);
            }
        }
        for key in BACKUP_SETTINGS {
            if !backup.settings.contains_key(key) {
                kezhi_storage_web::remove_pref(key);
            }
        }
        self.analytics
            .set(kezhi_storage_web::get_pref(ANALYTICS_KEY).unwrap_or_default());
        self.segments
            .set(kezhi_storage_web::get_pref(SEGMENTS_KEY).unwrap_or_default());
        self.funnels
            .set(kezhi_storage_web::get_pref(FUNNELS_KEY).unwrap_or_default());
        let mut data = backup.data;
        self.replace_data(&mut data);
        self.data.set(data);
        self.toast(ToastKind::Info, self.tr(Msg::Restored));
    }

    /// Changes the saved funnels and remembers them.
    pub fn set_funnels(&self, edit: impl FnOnce(&mut Vec<SavedFunnel>)) {
        self.funnels.update(edit);
        self.remember(FUNNELS_KEY, &self.funnels.get_untracked());
    }

    /// Changes the saved segments and remembers them.
    pub fn set_segments(&self, edit: impl FnOnce(&mut Vec<SavedSegment>)) {
        self.segments.update(edit);
        self.remember(SEGMENTS_KEY, &self.segments.get_untracked());
    }

    /// Stores a preference; a full storage keeps it in this page only and says so.
    fn remember(&self, key: &str, value: &impl serde::Serialize) {
        if kezhi_storage_web::set_pref(key, value).is_err() {
            self.toast(ToastKind::Error, self.tr(Msg::QuotaFull));
        }
    }

    /// Changes and remembers the analytics thresholds.
    pub fn set_analytics(&self, edit: impl FnOnce(&mut AnalyticsSettings)) {
        self.analytics.update(edit);
        self.remember(ANALYTICS_KEY, &self.analytics.get_untracked());
    }

    pub fn tr(&self, msg: Msg) -> &'static str {
        t(self.lang.get(), msg)
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        platform::set_document_lang(lang.code());
        // Losing the preference is harmless; the browser's language applies next time.
        let _ = kezhi_storage_web::set_pref(LANG_KEY, &lang);
    }

    /// Reads the stored data at start-up.
    pub fn load(&self) {
        let now = platform::now();
        let outcome = platform::timed("kezhi:load", || self.repo.try_update_value(|r| r.load(now)));
        match outcome {
            None | Some(LoadOutcome::Empty) => {}
            Some(LoadOutcome::Loaded(data)) => self.data.set(data),
            Some(LoadOutcome::Migrated { data, saved, .. }) => {
                self.data.set(data);
                match saved {
                    Ok(()) => self.toast(ToastKind::Info, self.tr(Msg::Migrated)),
                    Err(e) => {
                        self.persistence.set(Persistence::NotSaved(e.to_string()));
                        self.toast(ToastKind::Error, self.tr(Msg::MigratedNotSaved));
                    }
                }
            }
            Some(LoadOutcome::Unreadable(why)) => {
                self.persistence
                    .set(Persistence::Unreadable(why.to_string()));
            }
        }
        self.repo.update_value(|r| r.collect_garbage());
        self.refresh_usage();
    }

    pub fn refresh_usage(&self) {
        let used = self.repo.with_value(|r| r.usage());
        self.usage.set(used);
    }

    /// Applies an edit to the data and saves the sections it touched.
    pub fn change(&self, sections: &[Section], edit: impl FnOnce(&mut Dataset)) {
        self.data.update(edit);
        self.save(sections);
    }

    /// Saves the given sections of the data as it is now (see [`AppState::change`]).
    pub fn save(&self, sections: &[Section]) {
        if self.memory_only.get_untracked()
            || matches!(self.persistence.get_untracked(), Persistence::Unreadable(_))
        {
            return;
        }
        let now = platform::now();
        let mut result = None;
        self.data.update_untracked(|data| {
            result = self.repo.try_update_value(|r| r.save(data, sections, now));
        });
        match result {
            Some(Ok(report)) => {
                if report.merged_from_elsewhere {
                    self.data.notify();
                }
                self.persistence.set(Persistence::Saved);
            }
            Some(Err(e)) => self.save_failed(e),
            None => {}
        }
        self.refresh_usage();
    }

    fn save_failed(&self, e: SaveError) {
        let text = match &e {
            SaveError::QuotaExceeded => self.tr(Msg::QuotaFull).to_string(),
            other => format!("{}: {other}", self.tr(Msg::SaveFailed)),
        };
        if let SaveError::Blocked(why) = &e {
            self.persistence
                .set(Persistence::Unreadable(why.to_string()));
        } else {
            self.persistence.set(Persistence::NotSaved(text.clone()));
        }
        self.toast(ToastKind::Error, text);
    }

    /// Loads the demo; asks first when that would replace data the user has.
    pub fn offer_demo(&self, customers: usize) {
        if self.data.with_untracked(|d| d.is_empty()) {
            self.load_demo(customers);
        } else {
            let state = *self;
            self.ask(Msg::ConfirmReplaceDemo, move || state.load_demo(customers));
        }
    }

    /// Generates the demo of the given size and makes it the data, saving it if it fits.
    fn load_demo(&self, customers: usize) {
        if self.busy.get_untracked().is_some() {
            return;
        }
        self.busy.set(Some(Msg::Generating));
        let state = *self;
        // Let the browser paint the "generating" state before the work blocks the thread.
        set_timeout(
            move || {
                // The history ends yesterday (China time), so every generated record is older
                // than any edit the user makes from now on.
                let end = platform::now()
                    .to_offset(kezhi_core::time::china_offset())
                    .map(|t| t.date_naive())
                    .unwrap_or_default()
                    .pred_opt()
                    .unwrap_or_default();
                let mut data = platform::timed("kezhi:generate", || {
                    generate(&DemoConfig::new(customers, end))
                });
                if customers > DEMO_SIZES[0] {
                    // The larger demos are tens of megabytes stored, far beyond any browser's
                    // local storage: trying would only encode them (a memory peak the tab then
                    // keeps, as wasm memory never shrinks) to learn that they do not fit.
                    state.keep_in_memory_only();
                } else {
                    platform::timed("kezhi:save", || state.replace_data(&mut data));
                }
                state.data.set(data);
                state.busy.set(None);
                state.toast(ToastKind::Info, state.tr(Msg::DemoLoaded));
            },
            Duration::from_millis(30),
        );
    }

    /// Stores `data` as the new whole dataset (other tabs replace theirs with it).
    fn replace_data(&self, data: &mut Dataset) {
        if matches!(self.persistence.get_untracked(), Persistence::Unreadable(_)) {
            return;
        }
        let id = platform::random_hex::<6>();
        let now = platform::now();
        let result = self.repo.try_update_value(|r| r.replace_all(data, id, now));
        match result {
            Some(Ok(_)) => {
                self.memory_only.set(false);
                self.persistence.set(Persistence::Saved);
            }
            Some(Err(SaveError::QuotaExceeded)) => self.keep_in_memory_only(),
            Some(Err(e)) => self.save_failed(e),
            None => {}
        }
        self.refresh_usage();
    }

    /// The data is too large to store: it stays in this page only, labelled "not saved", and
    /// what was stored before is left as it was.
    fn keep_in_memory_only(&self) {
        self.memory_only.set(true);
        let text = format!(
            "{} — {}",
            self.tr(Msg::InMemoryOnly),
            self.tr(Msg::QuotaFull)
        );
        self.persistence.set(Persistence::NotSaved(text.clone()));
        self.toast(ToastKind::Error, text);
    }

    /// Deletes all stored data (also lifts an unreadable-data block).
    pub fn reset(&self) {
        let result = self.repo.try_update_value(|r| r.clear());
        match result {
            Some(Err(e)) => self.toast(
                ToastKind::Error,
                format!("{}: {e}", self.tr(Msg::SaveFailed)),
            ),
            _ => {
                self.data.set(Dataset::default());
                // Segments are customer data too (static ones list customers).
                self.segments.set(Vec::new());
                kezhi_storage_web::remove_pref(SEGMENTS_KEY);
                self.funnels.set(Vec::new());
                kezhi_storage_web::remove_pref(FUNNELS_KEY);
                self.memory_only.set(false);
                self.persistence.set(Persistence::Saved);
                self.toast(ToastKind::Info, self.tr(Msg::DataReset));
            }
        }
        self.refresh_usage();
    }

    /// Offers every stored key of the app as one JSON file (the rescue for unreadable data).
    pub fn download_raw(&self) {
        let dump = self.repo.with_value(|r| r.raw_dump());
        let json = serde_json::to_string_pretty(&dump).unwrap_or_default();
        let name = format!("kezhi-raw-{}.json", platform::today());
        self.offer_download(&name, "application/json", &json);
    }

    /// Another tab wrote to localStorage.
    pub fn on_storage_event(&self, key: Option<String>) {
        match key.as_deref() {
            Some(LANG_KEY) => {
                if let Some(lang) = kezhi_storage_web::get_pref::<Lang>(LANG_KEY) {
                    self.lang.set(lang);
                }
                return;
            }
            Some(ANALYTICS_KEY) => {
                if let Some(settings) = kezhi_storage_web::get_pref(ANALYTICS_KEY) {
                    self.analytics.set(settings);
                }
                return;
            }
            Some(SEGMENTS_KEY) => {
                if let Some(list) = kezhi_storage_web::get_pref(SEGMENTS_KEY) {
                    self.segments.set(list);
                }
                return;
            }
            Some(FUNNELS_KEY) => {
                if let Some(list) = kezhi_storage_web::get_pref(FUNNELS_KEY) {
                    self.funnels.set(list);
                }
                return;
            }
            // `None` is localStorage.clear() in the other tab.
            Some(MANIFEST_KEY) | None => {}
            Some(k) if !k.starts_with(KEY_PREFIX) => return,
            Some(_) => return, // section keys: the manifest write that follows is what counts
        }
        if self.memory_only.get_untracked() {
            return; // this tab shows data that is deliberately not the stored one
        }
        let mut outcome = None;
        self.data.update_untracked(|data| {
            outcome = self.repo.try_update_value(|r| r.refresh(data));
        });
        match outcome {
            Some(Ok(Refresh::Unchanged)) | None => {}
            Some(Ok(_)) => {
                self.data.notify();
                self.persistence.set(Persistence::Saved);
            }
            Some(Err(why)) => self
                .persistence
                .set(Persistence::Unreadable(why.to_string())),
        }
        self.refresh_usage();
    }

    pub fn toast(&self, kind: ToastKind, text: impl Into<String>) {
        self.push_toast(kind, text.into(), false);
    }

    /// A confirmation with an Undo button that runs `undo` (once, and only while it is the
    /// latest undoable action: an older undo could clobber what came after it).
    pub fn toast_with_undo(
        &self,
        text: impl Into<String>,
        undo: impl FnOnce() + Send + Sync + 'static,
    ) {
        // Only the latest action can be undone, so older offers go away.
        self.toasts.update(|list| list.retain(|t| !t.undoable));
        let id = self.push_toast(ToastKind::Info, text.into(), true);
        self.pending_undo.set_value(Some((id, Box::new(undo))));
    }

    pub fn run_undo(&self, toast: u64) {
        let mut pending = None;
        self.pending_undo.update_value(|p| pending = p.take());
        match pending {
            Some((id, undo)) if id == toast => {
                undo();
                self.toast(ToastKind::Info, self.tr(Msg::Undone));
            }
            other => self.pending_undo.set_value(other),
        }
        self.dismiss_toast(toast);
    }

    fn push_toast(&self, kind: ToastKind, text: String, undoable: bool) -> u64 {
        let id = self.next_toast.get_value();
        self.next_toast.set_value(id + 1);
        self.toasts.update(|list| {
            list.push(Toast {
                id,
                kind,
                text,
                undoable,
            })
        });
        let toasts = self.toasts;
        // Errors stay longer: they explain something the user has to act on; an undo offer
        // stays long enough to notice a mistake.
        let ms = match (kind, undoable) {
            (ToastKind::Error, _) => 12_000,
            (_, true) => 10_000,
            _ => 4_000,
        };
        set_timeout(
            move || toasts.update(|list| list.retain(|t| t.id != id)),
            Duration::from_millis(ms),
        );
        id
    }

    pub fn dismiss_toast(&self, id: u64) {
        self.toasts.update(|list| list.retain(|t| t.id != id));
    }

    pub fn ask(&self, message: Msg, on_yes: impl Fn() + Send + Sync + 'static) {
        self.confirm.set(Some(Confirm {
            message,
            on_yes: Callback::new(move |_| on_yes()),
        }));
    }

    /// Moves to another route, as a new history entry.
    pub fn navigate(&self, route: Route) {
        let hash = route.to_hash();
        self.route.set(route);
        platform::push_hash(&hash);
    }

    /// Changes the current route's state without a history entry (search typing, selection).
    pub fn replace_route(&self, route: Route) {
        let hash = route.to_hash();
        self.route.set(route);
        platform::replace_hash(&hash);
    }
}

/// Days are counted in the user's time zone, whatever zone the settings were saved in.
fn in_local_time(settings: AnalyticsSettings) -> AnalyticsSettings {
    AnalyticsSettings {
        utc_offset_minutes: platform::local_offset().local_minus_utc() / 60,
        ..settings
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
