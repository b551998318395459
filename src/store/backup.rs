//! The backup file: all the data and the settings that belong to it, downloaded and restored.

use super::{Store, storage};
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::keys;
use crate::ui::ToastKind;
use kezhi_core::store::backup::{Backup, write_backup};
use kezhi_core::store::records::{LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY, SavedLists};
use leptos::prelude::*;
use std::collections::BTreeMap;

impl Store {
    /// The backup file of all data and the settings that belong to it. Written in one go
    /// (seconds at 100,000 customers), so the page first says so and paints.
    pub fn download_backup(&self) {
        let store = *self;
        self.ui.busy_after_paint(Msg::PreparingBackup, move || {
            store.write_backup_file();
            store.ui.busy.set(None);
        });
    }

    fn write_backup_file(&self) {
        // The preferences a backup carries with the data (`Pref::in_backup`: the analytics
        // settings and the layouts of the list and of imports; the language stays the
        // browser's).
        let mut settings: BTreeMap<String, serde_json::Value> =
            keys::backup_settings(&kezhi_storage_web::BrowserStore);
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
        self.ui.offer_download(&name, "application/json", &file);
    }

    /// Replaces all data and those settings with a backup's (stored, with progress; if it
    /// cannot be, kept in this page and labelled "not saved"); `then` runs once stored.
    pub fn restore_backup(&self, backup: Backup, then: impl FnOnce() + 'static) {
        keys::restore_settings(&mut kezhi_storage_web::BrowserStore, &backup.settings);
        self.prefs.reload_analytics();
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
        let store = *self;
        self.ui.busy.set(Some(Msg::SavingProgress));
        storage::replace(*self, backup.data, lists, move || {
            store.ui.busy.set(None);
            store.ui.toast(ToastKind::Info, store.tr(Msg::Restored));
            then();
        });
    }
}
