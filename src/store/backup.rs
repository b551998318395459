//! The backup file: all the data and the settings that belong to it, downloaded and restored.

use super::{Store, storage};
use crate::derived::Writes;
use crate::files;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::keys;
use crate::ui::ToastKind;
use kezhi_core::files::{Reply, Request};
use kezhi_core::store::Section;
use kezhi_core::store::backup::{
    Backup, BackupError, BackupParts, backup_from_parts, backup_parts, read_backup,
    write_backup_parts,
};
use kezhi_core::store::codec;
use kezhi_core::store::records::{LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY, SavedLists};
use leptos::prelude::*;
use std::collections::BTreeMap;

impl Store {
    /// The backup file of all data and the settings that belong to it. The page lays out the
    /// records (a section at a time, painting between); the files worker compresses them and
    /// writes the file (most of the work: seconds at 100,000 customers). Where the worker
    /// cannot run, the page writes it itself.
    pub fn download_backup(&self) {
        if self.ui.busy.get_untracked().is_some() {
            return;
        }
        let store = *self;
        self.ui.busy.set(Some(Msg::PreparingBackup));
        leptos::task::spawn_local(async move {
            platform::yield_to_browser().await;
            let parts = store.backup_parts().await;
            let request = Request::WriteBackup(Box::new(parts));
            let file = match files::ask(&request, None).await {
                Ok(Reply::BackupFile(file)) => file,
                // No worker (or another version of it): the same file, written here.
                _ => {
                    let Request::WriteBackup(parts) = request else {
                        return;
                    };
                    platform::timed("kezhi:backup-file", || write_backup_parts(&parts))
                }
            };
            let name = format!("kezhi-backup-{}.json", platform::today());
            store.ui.offer_download(&name, "application/json", &file);
            store.ui.busy.set(None);
        });
    }

    /// The page's half of a backup: the settings, and each section's records laid out in
    /// its own task.
    async fn backup_parts(&self) -> BackupParts {
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
        let writes = self.writes.with_value(Writes::count);
        let now = platform::now();
        let mut parts = self
            .data
            .with_untracked(|d| BackupParts::begin(d.counts(), &settings, now));
        for section in Section::ALL {
            let bytes = self.data.try_with_untracked(|d| {
                platform::timed("kezhi:backup", || codec::section_bytes(d, section))
            });
            parts.sections.push(bytes.unwrap_or_default());
            platform::yield_to_browser().await;
        }
        // The data changed between two sections (a pull arrived): the sections would not
        // agree with each other, so they are laid out again in one go.
        if self.writes.try_with_value(Writes::count) != Some(writes) {
            parts = self.data.with_untracked(|d| {
                platform::timed("kezhi:backup", || backup_parts(d, &settings, now))
            });
        }
        parts
    }

    /// Reads a chosen backup file: the files worker unpacks it, the page decodes the records
    /// (the page alone where the worker cannot run).
    pub async fn read_backup_file(bytes: Vec<u8>, zh: bool) -> Result<Backup, String> {
        let request = Request::ReadBackup(bytes);
        match files::ask(&request, None).await {
            Ok(Reply::BackupParts(parts)) => {
                platform::timed("kezhi:backup-read", || backup_from_parts(*parts))
                    .map_err(|e| e.message(zh))
            }
            Ok(Reply::Failed(why)) => Err(why.get(zh).to_string()),
            _ => {
                let Request::ReadBackup(bytes) = request else {
                    return Err(BackupError::NotABackup.message(zh));
                };
                let text =
                    String::from_utf8(bytes).map_err(|_| BackupError::NotABackup.message(zh))?;
                platform::timed("kezhi:backup-read", || read_backup(&text))
                    .map_err(|e| e.message(zh))
            }
        }
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
