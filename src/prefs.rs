//! The user's preferences, remembered in this browser (localStorage): the language and the
//! analytics settings. Provided as a context of its own ([`use_prefs`]).

use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::ui::{ToastKind, Ui};
use kezhi_core::metrics::AnalyticsSettings;
use leptos::prelude::*;

pub const LANG_KEY: &str = "kezhi:lang";
pub const ANALYTICS_KEY: &str = "kezhi:analytics";
/// When the analytics settings were last changed (what sync compares).
pub const ANALYTICS_AT_KEY: &str = "kezhi:analytics-at";

#[derive(Clone, Copy)]
pub struct Prefs {
    pub lang: RwSignal<Lang>,
    /// Analytics thresholds and reference date (Settings), remembered in this browser.
    pub analytics: RwSignal<AnalyticsSettings>,
    /// When they were last changed here or by sync (0: never, the defaults).
    pub analytics_at: RwSignal<kezhi_core::Timestamp>,
    /// Where a preference that could not be stored is reported.
    ui: Ui,
}

impl Prefs {
    pub fn new(ui: Ui) -> Self {
        let lang = kezhi_storage_web::get_pref::<Lang>(LANG_KEY)
            .or_else(|| Lang::from_code(&platform::browser_language()))
            .unwrap_or(Lang::En);
        Prefs {
            lang: RwSignal::new(lang),
            analytics: RwSignal::new(
                kezhi_storage_web::get_pref(ANALYTICS_KEY).unwrap_or_default(),
            ),
            analytics_at: RwSignal::new(kezhi_core::Timestamp(
                kezhi_storage_web::get_pref(ANALYTICS_AT_KEY).unwrap_or(0),
            )),
            ui,
        }
    }

    /// The analytics settings (tracked), with days counted in the user's time zone.
    pub fn analytics_settings(&self) -> AnalyticsSettings {
        in_local_time(self.analytics.get())
    }

    /// Stores a preference; a full storage keeps it in this page only and says so.
    fn remember(&self, key: &str, value: &impl serde::Serialize) {
        if kezhi_storage_web::set_pref(key, value).is_err() {
            self.ui.toast(ToastKind::Error, self.tr(Msg::QuotaFull));
        }
    }

    /// Changes and remembers the analytics thresholds.
    pub fn set_analytics(&self, edit: impl FnOnce(&mut AnalyticsSettings)) {
        self.analytics.update(edit);
        self.remember(ANALYTICS_KEY, &self.analytics.get_untracked());
        self.analytics_at.set(platform::now());
        self.remember(
            ANALYTICS_AT_KEY,
            &self.analytics_at.get_untracked().millis(),
        );
        crate::sync::local_edit();
    }

    /// The team's settings as sync brought them (with the time they were changed there).
    pub fn take_synced_analytics(&self, settings: AnalyticsSettings, at: kezhi_core::Timestamp) {
        self.analytics.set(settings);
        self.remember(ANALYTICS_KEY, &self.analytics.get_untracked());
        self.analytics_at.set(at);
        self.remember(ANALYTICS_AT_KEY, &at.millis());
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

    /// Another tab wrote to localStorage: follows its preferences (the data's keys are
    /// [`crate::store::Store::on_storage_event`]'s).
    pub fn on_storage_event(&self, key: Option<&str>) {
        match key {
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
            _ => {}
        }
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
