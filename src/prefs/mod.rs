//! The user's preferences, remembered in this browser (localStorage): the language and the
//! analytics settings, provided as a context of its own ([`use_prefs`]); every stored
//! preference (these and the pages' own) is a typed key of [`keys`].

pub mod keys;

use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::ui::{ToastKind, Ui};
use keys::{ANALYTICS, ANALYTICS_AT, LANG, Pref, WHOAMI};
use kezhi_core::metrics::AnalyticsSettings;
use kezhi_core::store::StoreError;
use kezhi_storage_web::BrowserStore;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

impl<T: Serialize + DeserializeOwned> Pref<T> {
    /// The value in this browser's localStorage, or the default.
    pub fn get(&self) -> T {
        self.read(&BrowserStore)
    }

    /// The value in this browser's localStorage, if any and readable.
    pub fn get_stored(&self) -> Option<T> {
        self.read_stored(&BrowserStore)
    }

    /// Stores the value in this browser's localStorage.
    pub fn set(&self, value: &T) -> Result<(), StoreError> {
        self.write(&mut BrowserStore, value)
    }
}

#[derive(Clone, Copy)]
pub struct Prefs {
    pub lang: RwSignal<Lang>,
    /// Analytics thresholds and reference date (Settings), remembered in this browser.
    pub analytics: RwSignal<AnalyticsSettings>,
    /// When they were last changed here or by sync (0: never, the defaults).
    pub analytics_at: RwSignal<kezhi_core::Timestamp>,
    /// Who uses this browser (`whoami`): an account manager's name, `None` for everyone.
    pub whoami: RwSignal<Option<String>>,
    /// Where a preference that could not be stored is reported.
    ui: Ui,
}

impl Prefs {
    pub fn new(ui: Ui) -> Self {
        let lang = LANG
            .get()
            .or_else(|| Lang::from_code(&platform::browser_language()))
            .unwrap_or(Lang::En);
        Prefs {
            lang: RwSignal::new(lang),
            analytics: RwSignal::new(ANALYTICS.get()),
            analytics_at: RwSignal::new(kezhi_core::Timestamp(ANALYTICS_AT.get())),
            whoami: RwSignal::new(WHOAMI.get()),
            ui,
        }
    }

    /// The analytics settings (tracked), with days counted in the user's time zone.
    pub fn analytics_settings(&self) -> AnalyticsSettings {
        in_local_time(self.analytics.get())
    }

    /// Stores a preference; a full storage keeps it in this page only and says so.
    fn remember<T: Serialize + DeserializeOwned>(&self, pref: &Pref<T>, value: &T) {
        if pref.set(value).is_err() {
            self.ui.toast(ToastKind::Error, self.tr(Msg::QuotaFull));
        }
    }

    /// Changes and remembers the analytics thresholds.
    pub fn set_analytics(&self, edit: impl FnOnce(&mut AnalyticsSettings)) {
        self.analytics.update(edit);
        self.remember(&ANALYTICS, &self.analytics.get_untracked());
        self.analytics_at.set(platform::now());
        self.remember(&ANALYTICS_AT, &self.analytics_at.get_untracked().millis());
        crate::sync::local_edit();
    }

    /// The team's settings as sync brought them (with the time they were changed there).
    pub fn take_synced_analytics(&self, settings: AnalyticsSettings, at: kezhi_core::Timestamp) {
        self.analytics.set(settings);
        self.remember(&ANALYTICS, &self.analytics.get_untracked());
        self.analytics_at.set(at);
        self.remember(&ANALYTICS_AT, &at.millis());
    }

    pub fn tr(&self, msg: Msg) -> &'static str {
        t(self.lang.get(), msg)
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        platform::set_document_lang(lang.code());
        // Losing the preference is harmless; the browser's language applies next time.
        let _ = LANG.set(&Some(lang));
    }

    /// Changes and remembers who uses this browser.
    pub fn set_whoami(&self, who: Option<String>) {
        let who = who.filter(|w| !w.is_empty());
        self.remember(&WHOAMI, &who);
        self.whoami.set(who);
    }

    /// Whose work Today shows (tracked): the chosen manager's, or everyone's.
    pub fn whose(&self) -> kezhi_core::today::Whose {
        use kezhi_core::today::Whose;
        self.whoami.with(|w| match w {
            Some(name) => Whose::Manager(kezhi_core::Sym::new(name)),
            None => Whose::Everyone,
        })
    }

    /// Another tab wrote to localStorage: follows its preferences (the data's keys are
    /// [`crate::store::Store::on_storage_event`]'s).
    pub fn on_storage_event(&self, key: Option<&str>) {
        if LANG.is(key) {
            if let Some(lang) = LANG.get() {
                self.lang.set(lang);
            }
        } else if WHOAMI.is(key) {
            self.whoami.set(WHOAMI.get());
        } else if ANALYTICS.is(key)
            && let Some(settings) = ANALYTICS.get_stored()
        {
            self.analytics.set(settings);
        }
    }

    /// The analytics settings as stored (after a restore replaced them).
    pub fn reload_analytics(&self) {
        self.analytics.set(ANALYTICS.get());
    }
}

/// Days are counted in the user's time zone, whatever zone the settings were saved in.
fn in_local_time(settings: AnalyticsSettings) -> AnalyticsSettings {
    AnalyticsSettings {
        utc_offset_minutes: platform::local_offset().local_minus_utc() / 60,
        ..settings
    }
}

pub fn use_prefs() -> Prefs {
    expect_context::<Prefs>()
}
