//! The backup file: all the data and the settings that belong to it, downloaded and restored.

use super::{Store, storage};
use crate::derived::Writes;
use crate::files;
use crate::i18n::Msg;
use crate::i18n::{Lang, backup_error};
use crate::platform;
use crate::prefs::keys;
use crate::ui::ToastKind;
use kezhi_core::files::Reply;
use kezhi_core::store::Section;
use kezhi_core::store::backup::{
    Backup, BackupError, BackupParts, BackupRead, backup_parts, read_backup_parts,
    write_backup_parts,
};
use kezhi_core::store::codec::SectionLayout;
use kezhi_core::store::records::{LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY, SavedLists};
use kezhi_core::sync::shared::{funnel_value, segment_value};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Records laid out or decoded in one step of a backup: a few milliseconds of work, so that
/// a slice ([`platform::Slice`]) ends close to its length.
const STEP_RECORDS: usize = 20_000;

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
            let parts = platform::timed_async("kezhi:backup", store.backup_parts()).await;
            let name = format!("kezhi-backup-{}.json", platform::today());
            // The worker hands the file over as a Blob: its 40 MB at 100,000 customers never
            // pass through the page's wasm (receiving and offering them were tasks of 200–300
            // ms).
            match files::ask_backup_file(&parts).await {
                Ok(blob) => {
                    if let Err(e) = platform::download_blob(&name, &blob) {
                        store.ui.toast(ToastKind::Error, e);
                    }
                }
                // No worker (or another version of it): the same file, written here.
                Err(_) => {
                    let file = platform::timed("kezhi:backup-file", || write_backup_parts(&parts));
                    store.ui.offer_download(&name, "application/json", &file);
                }
            }
            store.ui.busy_progress.set(None);
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
        // Each item through the core's `to_value` (shared with sync's items): `to_value` of
        // the list compiled here would be a second copy. An array of the items' values is what
        // `to_value` of the list gives; these strings and numbers always serialise.
        let lists = [
            (
                LEGACY_SEGMENTS_KEY,
                (self.segments).with_untracked(|l| l.iter().map(segment_value).collect()),
            ),
            (
                LEGACY_FUNNELS_KEY,
                (self.funnels).with_untracked(|l| l.iter().map(funnel_value).collect()),
            ),
        ];
        for (key, values) in lists {
            settings.insert(key.to_string(), serde_json::Value::Array(values));
        }
        let writes = self.writes.with_value(Writes::count);
        let now = platform::now();
        let mut parts = self
            .data
            .with_untracked(|d| BackupParts::begin(d.counts(), &settings, now));
        let total: usize = self.data.with_untracked(|d| {
            Section::ALL
                .iter()
                .map(|s| SectionLayout::work(d, *s))
                .sum()
        });
        let mut done = 0;
        let mut slice = platform::Slice::start();
        for section in Section::ALL {
            let mut layout = SectionLayout::new(section);
            loop {
                let step = self
                    .data
                    .try_with_untracked(|d| layout.step(d, STEP_RECORDS))
                    .flatten();
                let Some(n) = step else { break };
                done += n;
                if slice.over() {
                    self.ui.busy_progress.set(Some((done, total)));
                    platform::yield_to_browser().await;
                    slice = platform::Slice::start();
                }
            }
            let bytes = self.data.try_with_untracked(|d| layout.finish(d));
            parts.sections.push(bytes.unwrap_or_default());
            // Putting the events' 40 MB together is a slice of its own.
            platform::yield_to_browser().await;
            slice = platform::Slice::start();
        }
        // The data changed between two steps (a pull arrived): the sections would not agree
        // with each other, so they are laid out again in one go.
        if self.writes.try_with_value(Writes::count) != Some(writes) {
            parts = self
                .data
                .with_untracked(|d| backup_parts(d, &settings, now));
        }
        parts
    }

    /// Reads a chosen backup file: the files worker unpacks it, the page decodes the records
    /// in steps, painting between them (the page alone where the worker cannot run). The
    /// file's bytes go to the worker without passing through the page's wasm (copying and
    /// encoding 44 MB was a task of ~0.35 s).
    pub async fn read_backup_file(&self, file: web_sys::File, zh: bool) -> Result<Backup, String> {
        let lang = if zh { Lang::Zh } else { Lang::En };
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|e| format!("{e:?}"))?;
        let bytes = js_sys::Uint8Array::new(&buffer);
        let header = kezhi_core::files::read_backup_header(bytes.length() as usize);
        let message = js_sys::Uint8Array::new_with_length(header.len() as u32 + bytes.length());
        message.set(&js_sys::Uint8Array::from(header.as_slice()), 0);
        message.set(&bytes, header.len() as u32);
        let parts = match files::ask_message(message).await {
            Ok((Reply::BackupParts(parts), sections)) => take_sections(*parts, sections).await,
            // No worker (or another version of it), or it refused the file: read here (a
            // file that is no backup is refused here too, in the page's words).
            _ => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| backup_error(lang, &BackupError::NotABackup))?;
                read_backup_parts(&text).map_err(|e| backup_error(lang, &e))?
            }
        };
        // The decode takes seconds at 100,000 customers: the page says so, with progress.
        let busy = self.ui.busy.get_untracked().is_none();
        if busy {
            self.ui.busy.set(Some(Msg::ReadingBackup));
        }
        let read = platform::timed_async("kezhi:backup-read", self.decode_backup(parts)).await;
        self.ui.busy_progress.set(None);
        if busy {
            self.ui.busy.set(None);
        }
        read.map_err(|e| backup_error(lang, &e))
    }

    /// The records of a backup's parts, decoded a slice at a time.
    async fn decode_backup(&self, parts: BackupParts) -> Result<Backup, BackupError> {
        let mut read = BackupRead::new(parts)?;
        let mut slice = platform::Slice::start();
        while read.step(STEP_RECORDS)?.is_some() {
            if slice.over() {
                self.ui.busy_progress.set(Some(read.progress()));
                platform::yield_to_browser().await;
                slice = platform::Slice::start();
            }
        }
        read.finish()
    }

    /// Replaces all data and those settings with a backup's (stored, with progress; if it
    /// cannot be, kept in this page and labelled "not saved"); `then` runs once stored.
    pub fn restore_backup(&self, backup: Backup, then: impl FnOnce() + 'static) {
        keys::restore_settings(&mut kezhi_storage_web::BrowserStore, &backup.settings);
        self.prefs.reload_analytics();
        // Through the text, as the migration of format 2's lists reads them
        // (kezhi_core::json_reread says why).
        fn list<T: serde::de::DeserializeOwned>(backup: &Backup, key: &str) -> Vec<T> {
            backup
                .settings
                .get(key)
                .and_then(|v| kezhi_core::json_reread::from_value_as_str(v).ok())
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

/// A backup's sections taken from the buffers the worker sent beside its parts, one per task:
/// the events' section alone is ~40 MB at 100,000 customers. Parts that came with their
/// sections inside (no buffers beside them) are as they are.
async fn take_sections(mut parts: BackupParts, sections: Vec<js_sys::Uint8Array>) -> BackupParts {
    for section in sections {
        parts.sections.push(section.to_vec());
        platform::yield_to_browser().await;
    }
    parts
}
