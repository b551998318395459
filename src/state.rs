//! The app's state: pages call [`AppState::change`] and friends, which update the data
//! signal and hand the save to [`crate::storage`] (the only code that talks to the stores);
//! every storage outcome becomes something the user sees (a toast, the "not saved" badge,
//! a banner).

use crate::derived::{self, Writes};
use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::route::Route;
use crate::storage::{self, Notice};
use kezhi_core::Dataset;
use kezhi_core::customer_query::CustomerIndex;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::funnel::{EventIndex, SavedFunnel};
use kezhi_core::metrics::{Analytics, AnalyticsSettings};
use kezhi_core::segment::saved::SavedSegment;
use kezhi_core::store::backup::{Backup, write_backup};
use kezhi_core::store::records::{Damaged, LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY, SavedLists};
use kezhi_core::store::{KEY_PREFIX, MANIFEST_KEY, Section};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const LANG_KEY: &str = "kezhi:lang";
const ANALYTICS_KEY: &str = "kezhi:analytics";
/// Whether kezhi asked the browser to keep its data (asked once, after the first demo or
/// import).
const PERSIST_ASKED_KEY: &str = "kezhi:persist-asked";
/// The preferences a backup carries with the data (the language stays the browser's).
const BACKUP_PREFS: [&str; 4] = [
    ANALYTICS_KEY,
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
    /// The stored data is being read at start-up: records read of all.
    pub loading: RwSignal<Option<(usize, usize)>>,
    /// A large write (demo, restore) is running: records written of all.
    pub saving: RwSignal<Option<(usize, usize)>>,
    /// The stored data was loaded and the UI is interactive.
    pub ready: RwSignal<bool>,
    /// Why the data is not in IndexedDB, or what storage waits for.
    pub notice: RwSignal<Option<Notice>>,
    /// Stored records that could not be read (kept untouched, offered for download).
    pub damaged: RwSignal<Arc<Vec<Damaged>>>,
    /// A write to storage is queued or running.
    pub writing: RwSignal<bool>,
    /// Bytes of kezhi's stored data (keys and values), as of the last storage operation.
    pub stored_bytes: RwSignal<u64>,
    /// The browser's answer to `navigator.storage.persist()`, once asked.
    pub persisted: RwSignal<Option<bool>>,
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
    /// The customer list's index (search text, name order, labels), built on first use and
    /// then updated by edits.
    pub index: Memo<Arc<CustomerIndex>>,
    /// How the data was written since the derived values were made (see [`derived`]).
    writes: StoredValue<Writes>,
    /// The list index built ahead in slices (see [`derived::build_index_ahead`]).
    prebuilt: derived::Prebuilt,
    /// The data shown could not be stored as a whole (too big for the localStorage fallback,
    /// or a demo or restore the store refused): no edit is saved on top of the older stored
    /// data until the data is replaced again.
    pub memory_only: RwSignal<bool>,
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
        let data = RwSignal::new(Dataset::default());
        let analytics =
            RwSignal::new(kezhi_storage_web::get_pref(ANALYTICS_KEY).unwrap_or_default());
        let writes = StoredValue::new(Writes::default());
        let metrics = derived::analytics(data, move || in_local_time(analytics.get()), writes);
        let prebuilt = StoredValue::new(None);
        let index = derived::customer_index(data, metrics, writes, prebuilt);
        let event_index = derived::event_index(data);
        AppState {
            data,
            lang: RwSignal::new(lang),
            route: RwSignal::new(Route::parse(&platform::location_hash())),
            persistence: RwSignal::new(Persistence::Saved),
            loading: RwSignal::new(Some((0, 0))),
            saving: RwSignal::new(None),
            ready: RwSignal::new(false),
            notice: RwSignal::new(None),
            damaged: RwSignal::new(Arc::new(Vec::new())),
            writing: RwSignal::new(false),
            stored_bytes: RwSignal::new(0),
            persisted: RwSignal::new(None),
            toasts: RwSignal::new(Vec::new()),
            confirm: RwSignal::new(None),
            busy: RwSignal::new(None),
            analytics,
            metrics,
            segments: RwSignal::new(Vec::new()),
            funnels: RwSignal::new(Vec::new()),
            event_index,
            index,
            writes,
            prebuilt,
            memory_only: RwSignal::new(false),
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
        let mut settings: BTreeMap<String, serde_json::Value> = BACKUP_PREFS
            .iter()
            .filter_map(|k| {
                kezhi_storage_web::get_pref::<serde_json::Value>(k).map(|v| (k.to_string(), v))
            })
            .collect();
        // The saved lists are records now; a backup keeps them under their former keys, so
        // files of either version restore in both.
        let lists = [
            (
                LEGACY_SEGMENTS_KEY,
                serde_json::to_value(self.segments.get_untracked()),
            ),
            (
                LEGACY_FUNNELS_KEY,
                serde_json::to_value(self.funnels.get_untracked()),
            ),
        ];
        for (key, value) in lists {
            if let Ok(value) = value {
                settings.insert(key.to_string(), value);
            }
        }
        let file = self.data.with_untracked(|d| {
            platform::timed("kezhi:backup", || {
                write_backup(d, settings, platform::now())
            })
        });
        let name = format!("kezhi-backup-{}.json", platform::today());
        self.offer_download(&name, "application/json", &file);
    }

    /// Replaces all data and those settings with a backup's (stored, with progress; if it
    /// cannot be, kept in this page and labelled "not saved").
    pub fn restore_backup(&self, backup: Backup) {
        for (key, value) in &backup.settings {
            // Only the keys a backup is made of: a file cannot plant other preferences.
            if BACKUP_PREFS.contains(&key.as_str()) {
                let _ = kezhi_storage_web::set_pref(key, value);
            }
        }
        for key in BACKUP_PREFS {
            if !backup.settings.contains_key(key) {
                kezhi_storage_web::remove_pref(key);
            }
        }
        self.analytics
            .set(kezhi_storage_web::get_pref(ANALYTICS_KEY).unwrap_or_default());
        fn list<T: serde::de::DeserializeOwned>(backup: &Backup, key: &str) -> Vec<T> {
            backup
                .settings
                .get(key)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default()
        }
        let lists = SavedLists {
            segments: list(&backup, LEGACY_SEGMENTS_KEY),
            funnels: list(&backup, LEGACY_FUNNELS_KEY),
        };
        let state = *self;
        self.busy.set(Some(Msg::SavingProgress));
        storage::replace(*self, backup.data, lists, move || {
            state.busy.set(None);
            state.toast(ToastKind::Info, state.tr(Msg::Restored));
        });
    }

    /// Changes the saved funnels and stores them (records, shared like the data).
    pub fn set_funnels(&self, edit: impl FnOnce(&mut Vec<SavedFunnel>)) {
        self.funnels.update(edit);
        storage::save(*self, &[]);
    }

    /// Changes the saved segments and stores them.
    pub fn set_segments(&self, edit: impl FnOnce(&mut Vec<SavedSegment>)) {
        self.segments.update(edit);
        storage::save(*self, &[]);
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

    /// Reads the stored data at start-up (asynchronously; `ready` says when it is done).
    pub fn load(&self) {
        storage::start(*self);
    }

    /// Applies an edit to the data and saves what it changed. The edit must stamp what it
    /// writes with the time of the edit (`updated_at`, a tombstone's `deleted_at`): saves and
    /// the derived values find what changed by those stamps.
    pub fn change(&self, sections: &[Section], edit: impl FnOnce(&mut Dataset)) {
        self.writes.update_value(Writes::edit);
        self.data.update(edit);
        storage::save(*self, sections);
    }

    /// Builds the customer list's index in slices and hands it to `index` (after a load, so
    /// that no single task builds all of it).
    pub async fn build_index_ahead(&self) {
        derived::build_index_ahead(self.data, self.metrics, self.writes, self.prebuilt).await;
        self.index.with_untracked(|_| ());
    }

    /// Makes `data` the data (a load, a restore, a reset): everything derived is rebuilt.
    pub fn set_data(&self, data: Dataset) {
        self.writes.update_value(Writes::full);
        self.data.set(data);
    }

    /// The data was changed in place by something other than an edit (records of another
    /// tab merged in): everything derived is rebuilt.
    pub fn data_merged(&self) {
        self.writes.update_value(Writes::full);
        self.data.notify();
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

    /// Generates the demo of the given size and makes it the data, once stored (or, if it
    /// cannot be, in this page only, labelled "not saved").
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
                let data = platform::timed("kezhi:generate", || {
                    generate(&DemoConfig::new(customers, end))
                });
                state.busy.set(Some(Msg::SavingProgress));
                let lists = SavedLists {
                    segments: state.segments.get_untracked(),
                    funnels: state.funnels.get_untracked(),
                };
                storage::replace(state, data, lists, move || {
                    state.busy.set(None);
                    state.toast(ToastKind::Info, state.tr(Msg::DemoLoaded));
                    state.ask_to_persist_once();
                });
            },
            Duration::from_millis(30),
        );
    }

    /// After the first demo or import: asks the browser once to keep the data.
    pub fn ask_to_persist_once(&self) {
        if kezhi_storage_web::get_pref::<bool>(PERSIST_ASKED_KEY).unwrap_or(false) {
            return;
        }
        let _ = kezhi_storage_web::set_pref(PERSIST_ASKED_KEY, &true);
        self.request_persist();
    }

    /// Asks the browser to keep the data (`navigator.storage.persist()`) and shows its answer.
    pub fn request_persist(&self) {
        let persisted = self.persisted;
        leptos::task::spawn_local(async move {
            persisted.set(kezhi_storage_web::request_persist().await);
        });
    }

    /// Deletes all stored data (also lifts an unreadable-data block).
    pub fn reset(&self) {
        storage::reset(*self);
    }

    /// Offers every stored value of the app as one JSON file (the rescue for unreadable data).
    pub fn download_raw(&self) {
        let json = storage::raw_dump(*self);
        let name = format!("kezhi-raw-{}.json", platform::today());
        self.offer_download(&name, "application/json", &json);
    }

    /// Another tab wrote to localStorage: preferences, or (on the localStorage fallback) data.
    pub fn on_storage_event(&self, key: Option<String>) {
        match key.as_deref() {
            Some(LANG_KEY) => {
                if let Some(lang) = kezhi_storage_web::get_pref::<Lang>(LANG_KEY) {
                    self.lang.set(lang);
                }
            }
            Some(ANALYTICS_KEY) => {
                if let Some(settings) = kezhi_storage_web::get_pref(ANALYTICS_KEY) {
                    self.analytics.set(settings);
                }
            }
            Some(LEGACY_SEGMENTS_KEY) | Some(LEGACY_FUNNELS_KEY) if !storage::on_records() => {
                if let Some(list) = kezhi_storage_web::get_pref(LEGACY_SEGMENTS_KEY) {
                    self.segments.set(list);
                }
                if let Some(list) = kezhi_storage_web::get_pref(LEGACY_FUNNELS_KEY) {
                    self.funnels.set(list);
                }
            }
            // `None` is localStorage.clear() in the other tab.
            Some(MANIFEST_KEY) | None => storage::on_legacy_storage_event(*self),
            Some(k) if !k.starts_with(KEY_PREFIX) => {}
            Some(_) => {} // section keys: the manifest write that follows is what counts
        }
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
