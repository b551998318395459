//! The repository: loads, saves and merges a [`Dataset`] through a [`KeyValueStore`].
//!
//! Layout (format 2): a small JSON manifest under [`MANIFEST_KEY`] names, for each section,
//! the key that holds it, with its record count, length and CRC-32. A save writes the changed
//! sections under *new* keys first and only then switches the manifest to them, so a failure
//! at any step (a full quota above all) leaves the previous data exactly as it was.

use super::codec::{self, DecodeError};
use super::{KeyValueStore, Section, StoreError, v1};
use crate::dataset::Dataset;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Every key the app owns starts with this.
pub const KEY_PREFIX: &str = "kezhi:";
pub const MANIFEST_KEY: &str = "kezhi:manifest";
const SECTION_KEY_PREFIX: &str = "kezhi:s:";
/// The newest format this code writes and reads. 3 appends an extension to the customers
/// section (manual lifecycle stages); everything else is as in 2, which is still read.
pub const FORMAT: u32 = 3;
/// Saves of more records than this are first estimated from every `ESTIMATE_EVERY`-th record.
const ESTIMATE_ABOVE_RECORDS: usize = 200_000;
const ESTIMATE_EVERY: usize = 20;

fn section_records(data: &Dataset, section: Section) -> usize {
    match section {
        Section::Customers => data.customers.len(),
        Section::Orders => data.orders.len(),
        Section::Events => data.events.len(),
        Section::Activities => data.activities.len(),
        Section::Desk => data.desk.len(),
    }
}
const OLDEST_READABLE: u32 = 2;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionEntry {
    pub key: String,
    pub count: usize,
    pub chars: usize,
    pub crc32: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Incremented by every save, whichever tab makes it.
    pub generation: u64,
    pub saved_at: Timestamp,
    /// Changes when the data is replaced as a whole (demo loaded, data reset): another tab
    /// then takes the new data instead of merging it with what it had.
    #[serde(default)]
    pub dataset: String,
    pub sections: BTreeMap<String, SectionEntry>,
}

/// What [`Repository::refresh`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refresh {
    Unchanged,
    /// Another tab's edits were merged into ours.
    Merged,
    /// Another tab replaced the data as a whole; ours was replaced by it.
    Replaced,
    /// Another tab deleted all data; ours is now empty.
    Cleared,
}

/// Why stored data could not be read. Such data is never overwritten.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Unreadable {
    #[error("the stored data was written by a newer version of kezhi (format {0})")]
    NewerFormat(u32),
    #[error("the stored index of the data is damaged: {0}")]
    Manifest(String),
    #[error("the stored {0} are missing")]
    MissingSection(String),
    #[error("the stored {0} are damaged: {1}")]
    Section(String, String),
    #[error("the stored data of an older version is damaged: {0}")]
    Legacy(String),
    #[error("{0}")]
    Store(StoreError),
}

#[derive(Debug)]
pub enum LoadOutcome {
    /// Nothing stored yet.
    Empty,
    Loaded(Dataset),
    /// Read from an older format. `saved` tells whether the current format was written; if
    /// not (e.g. no room for the new copy), the old payload is still in place.
    Migrated {
        data: Dataset,
        from: u32,
        saved: Result<(), SaveError>,
    },
    Unreadable(Unreadable),
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SaveError {
    #[error("the browser's storage is full; the change is kept in this tab but not saved")]
    QuotaExceeded,
    #[error("saving is off because the stored data could not be read: {0}")]
    Blocked(Unreadable),
    #[error("{0}")]
    Store(StoreError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::QuotaExceeded => SaveError::QuotaExceeded,
            other => SaveError::Store(other),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Another tab had saved in the meantime and its changes were merged in first.
    pub merged_from_elsewhere: bool,
    pub chars_written: usize,
}

pub struct Repository<S: KeyValueStore> {
    store: S,
    /// The manifest as of our last load or save; `None` before anything was stored.
    known: Option<Manifest>,
    /// Distinguishes this tab's keys from another tab's written at the same generation.
    writer: String,
    /// Set when stored data could not be read: saving would destroy it.
    blocked: Option<Unreadable>,
    /// The most the store can hold, if known (localStorage: 5 MiB code units). A save that
    /// cannot fit fails before writing anything, which spares the browser huge writes.
    pub capacity: Option<usize>,
}

impl<S: KeyValueStore> Repository<S> {
    pub fn new(store: S, writer: impl Into<String>) -> Self {
        Repository {
            store,
            known: None,
            writer: writer.into(),
            blocked: None,
            capacity: None,
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    pub fn blocked(&self) -> Option<&Unreadable> {
        self.blocked.as_ref()
    }

    pub fn manifest(&self) -> Option<&Manifest> {
        self.known.as_ref()
    }

    /// Reads everything stored. On any failure to read, saving is blocked until
    /// [`Repository::clear`], so the unreadable payload stays intact for the user to download.
    pub fn load(&mut self, now: Timestamp) -> LoadOutcome {
        self.blocked = None;
        self.known = None;
        match self.read_manifest() {
            Err(why) => self.unreadable(why),
            Ok(Some(manifest)) => match self.read_sections(&manifest, &Section::ALL) {
                Ok(mut data) => {
                    codec::normalize(&mut data);
                    self.known = Some(manifest);
                    LoadOutcome::Loaded(data)
                }
                Err(why) => self.unreadable(why),
            },
            Ok(None) => match self.store.get(v1::KEY) {
                Err(e) => self.unreadable(Unreadable::Store(e)),
                Ok(None) => LoadOutcome::Empty,
                Ok(Some(json)) => match v1::migrate(&json) {
                    Err(e) => self.unreadable(Unreadable::Legacy(e)),
                    Ok(mut data) => {
                        let saved = self.save(&mut data, &Section::ALL, now).map(|_| ());
                        if saved.is_ok() {
                            // Only now that format 2 is safely written does format 1 go.
                            let _ = self.store.remove(v1::KEY);
                        }
                        LoadOutcome::Migrated {
                            data,
                            from: 1,
                            saved,
                        }
                    }
                },
            },
        }
    }

    fn unreadable(&mut self, why: Unreadable) -> LoadOutcome {
        self.blocked = Some(why.clone());
        LoadOutcome::Unreadable(why)
    }

    fn read_manifest(&self) -> Result<Option<Manifest>, Unreadable> {
        let Some(text) = self.store.get(MANIFEST_KEY).map_err(Unreadable::Store)? else {
            return Ok(None);
        };
        // Read the format first, so that a newer layout is reported as such.
        let probe: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Unreadable::Manifest(e.to_string()))?;
        let format = probe.get("format").and_then(|f| f.as_u64()).unwrap_or(0) as u32;
        if format > FORMAT {
            return Err(Unreadable::NewerFormat(format));
        }
        let manifest: Manifest =
            serde_json::from_value(probe).map_err(|e| Unreadable::Manifest(e.to_string()))?;
        if !(OLDEST_READABLE..=FORMAT).contains(&manifest.format) {
            return Err(Unreadable::Manifest(format!(
                "unknown format {}",
                manifest.format
            )));
        }
        Ok(Some(manifest))
    }

    fn read_sections(&self, manifest: &Manifest, which: &[Section]) -> Result<Dataset, Unreadable> {
        let mut data = Dataset::default();
        for section in which {
            let name = section.name();
            let Some(entry) = manifest.sections.get(name) else {
                continue; // never written: empty
            };
            let text = self
                .store
                .get(&entry.key)
                .map_err(Unreadable::Store)?
                .ok_or_else(|| Unreadable::MissingSection(name.to_string()))?;
            if crate::crc32::crc32(text.as_bytes()) != entry.crc32 {
                return Err(Unreadable::Section(
                    name.to_string(),
                    "checksum mismatch".to_string(),
                ));
            }
            codec::decode_section(&text, *section, &mut data)
                .map_err(|e: DecodeError| Unreadable::Section(name.to_string(), e.to_string()))?;
        }
        Ok(data)
    }

    /// Brings into `data` whatever another tab saved since our last load or save: its edits
    /// are merged record by record; a wholesale replacement or a reset replaces ours.
    pub fn refresh(&mut self, data: &mut Dataset) -> Result<Refresh, Unreadable> {
        if let Some(why) = &self.blocked {
            return Err(why.clone());
        }
        let Some(current) = self.read_manifest()? else {
            if self.known.take().is_some() {
                *data = Dataset::default();
                return Ok(Refresh::Cleared);
            }
            return Ok(Refresh::Unchanged);
        };
        if self.known.as_ref() == Some(&current) {
            return Ok(Refresh::Unchanged);
        }
        let same_dataset = self
            .known
            .as_ref()
            .is_some_and(|m| m.dataset == current.dataset);
        if !same_dataset {
            let mut theirs = self.read_sections(&current, &Section::ALL)?;
            codec::normalize(&mut theirs);
            *data = theirs;
            self.known = Some(current);
            return Ok(Refresh::Replaced);
        }
        let changed: Vec<Section> = Section::ALL
            .into_iter()
            .filter(|s| {
                let theirs = current.sections.get(s.name());
                let ours = self.known.as_ref().and_then(|m| m.sections.get(s.name()));
                theirs.is_some() && theirs.map(|e| &e.key) != ours.map(|e| &e.key)
            })
            .collect();
        let theirs = self.read_sections(&current, &changed)?;
        data.merge(theirs);
        codec::normalize(data);
        self.known = Some(current);
        Ok(if changed.is_empty() {
            Refresh::Unchanged
        } else {
            Refresh::Merged
        })
    }

    /// Replaces everything stored with `data` (a demo, a restore), under a new dataset id so
    /// that other tabs replace rather than merge. On error what was stored stays as it was.
    pub fn replace_all(
        &mut self,
        data: &mut Dataset,
        dataset: impl Into<String>,
        now: Timestamp,
    ) -> Result<SaveReport, SaveError> {
        if let Some(why) = &self.blocked {
            return Err(SaveError::Blocked(why.clone()));
        }
        let base = Manifest {
            format: FORMAT,
            generation: self
                .read_manifest()
                .ok()
                .flatten()
                .map_or(0, |m| m.generation),
            saved_at: now,
            dataset: dataset.into(),
            sections: BTreeMap::new(),
        };
        let old_keys: Vec<String> = self
            .store
            .keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.starts_with(SECTION_KEY_PREFIX))
            .collect();
        let report = self.write(data, &Section::ALL, base, false)?;
        self.discard(&old_keys);
        Ok(report)
    }

    /// Saves the given sections of `data`. What another tab saved meanwhile is merged into
    /// `data` first, so neither tab's edits are lost. On error nothing stored has changed.
    pub fn save(
        &mut self,
        data: &mut Dataset,
        sections: &[Section],
        now: Timestamp,
    ) -> Result<SaveReport, SaveError> {
        if let Some(why) = &self.blocked {
            return Err(SaveError::Blocked(why.clone()));
        }
        let refreshed = self.refresh(data).map_err(|why| {
            self.blocked = Some(why.clone());
            SaveError::Blocked(why)
        })?;
        let mut base = self.known.clone().unwrap_or(Manifest {
            format: FORMAT,
            ..Manifest::default()
        });
        base.saved_at = now;
        self.write(data, sections, base, refreshed != Refresh::Unchanged)
    }

    /// Writes the sections under new keys, then the manifest that points to them, then drops
    /// the keys they replace. Any failure removes what this call wrote.
    fn write(
        &mut self,
        data: &Dataset,
        sections: &[Section],
        mut manifest: Manifest,
        merged_from_elsewhere: bool,
    ) -> Result<SaveReport, SaveError> {
        manifest.generation += 1;
        // Far too much for the store (a big import, a large demo): refused from a sample in a
        // fraction of the time the full encoding takes just to learn it does not fit.
        if let Some(cap) = self.capacity {
            let records: usize = sections.iter().map(|s| section_records(data, *s)).sum();
            if records > ESTIMATE_ABOVE_RECORDS {
                let estimate: usize = sections
                    .iter()
                    .map(|s| codec::estimate_section(data, *s, ESTIMATE_EVERY))
                    .sum();
                // The estimate is within a few percent (customers' records sampled whole);
                // a quarter more is clearly too much.
                if estimate / 5 > cap / 4 {
                    return Err(SaveError::QuotaExceeded);
                }
            }
        }
        // Encode everything first: a save that cannot fit fails before touching the store.
        let mut texts: Vec<(Section, String)> = Vec::with_capacity(sections.len());
        let mut total = 0usize;
        for section in sections {
            let text = codec::encode_section(data, *section);
            total += text.len();
            if self.capacity.is_some_and(|cap| total > cap) {
                return Err(SaveError::QuotaExceeded);
            }
            texts.push((*section, text));
        }
        let mut written: Vec<String> = Vec::new();
        let mut replaced: Vec<String> = Vec::new();
        let mut chars_written = 0;
        for (section, text) in texts {
            let key = format!(
                "{SECTION_KEY_PREFIX}{}:{}-{}",
                section.name(),
                manifest.generation,
                self.writer
            );
            if let Err(e) = self.store.set(&key, &text) {
                self.discard(&written);
                return Err(e.into());
            }
            chars_written += text.len();
            written.push(key.clone());
            let entry = SectionEntry {
                key,
                count: count_of(data, section),
                chars: text.len(),
                crc32: crate::crc32::crc32(text.as_bytes()),
            };
            if let Some(old) = manifest.sections.insert(section.name().to_string(), entry) {
                replaced.push(old.key);
            }
        }
        let manifest_text = serde_json::to_string(&manifest).unwrap_or_default();
        if let Err(e) = self.store.set(MANIFEST_KEY, &manifest_text) {
            self.discard(&written);
            return Err(e.into());
        }
        // The new data is in place; the old copies are garbage now.
        self.discard(&replaced);
        self.known = Some(manifest);
        Ok(SaveReport {
            merged_from_elsewhere,
            chars_written,
        })
    }

    fn discard(&mut self, keys: &[String]) {
        for key in keys {
            // Failing to remove garbage loses nothing; `clear` and later saves retry.
            let _ = self.store.remove(key);
        }
    }

    /// Every stored key of the app with its value, for the "download raw" rescue.
    pub fn raw_dump(&self) -> BTreeMap<String, String> {
        let keys = self.store.keys().unwrap_or_default();
        keys.into_iter()
            .filter(|k| k.starts_with(KEY_PREFIX))
            .filter_map(|k| self.store.get(&k).ok().flatten().map(|v| (k, v)))
            .collect()
    }

    /// Bytes the app's stored data occupies (keys and values; the payload is ASCII).
    pub fn usage(&self) -> usize {
        self.raw_dump().iter().map(|(k, v)| k.len() + v.len()).sum()
    }

    /// Deletes all stored data (not the preferences) and lifts a block.
    pub fn clear(&mut self) -> Result<(), StoreError> {
        let keys = self.store.keys()?;
        for key in keys {
            if key == MANIFEST_KEY || key == v1::KEY || key.starts_with(SECTION_KEY_PREFIX) {
                self.store.remove(&key)?;
            }
        }
        self.known = None;
        self.blocked = None;
        Ok(())
    }

    /// Removes section keys no manifest points to (left by a tab closed mid-save).
    pub fn collect_garbage(&mut self) {
        let Some(manifest) = &self.known else { return };
        let live: Vec<&String> = manifest.sections.values().map(|e| &e.key).collect();
        let stale: Vec<String> = self
            .store
            .keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.starts_with(SECTION_KEY_PREFIX) && !live.contains(&k))
            .collect();
        self.discard(&stale);
    }
}

fn count_of(data: &Dataset, section: Section) -> usize {
    match section {
        Section::Customers => data.customers.len(),
        Section::Orders => data.orders.len(),
        Section::Events => data.events.len(),
        Section::Activities => data.activities.len(),
        Section::Desk => data.desk.len(),
    }
}
