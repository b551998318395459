//! Moving data stored by earlier versions (localStorage formats 1, 2 and 3, and the saved
//! segments and funnels kept as preferences) into the record store.
//!
//! The old keys are removed only after the new copy was written in one transaction and read
//! back equal. Any failure leaves them in place and says why; the next start tries again.

use super::RecordStore;
use super::repo::{Loaded, RecordRepository, SavedLists};
use crate::dataset::{Counts, Dataset};
use crate::funnel::SavedFunnel;
use crate::segment::saved::SavedSegment;
use crate::store::{
    KeyValueStore, LoadOutcome, MANIFEST_KEY, Repository, StoreError, Unreadable, v1,
};
use crate::time::Timestamp;
use thiserror::Error;

/// The preference keys under which earlier versions kept the saved segments and funnels.
pub const LEGACY_SEGMENTS_KEY: &str = "kezhi:segments";
pub const LEGACY_FUNNELS_KEY: &str = "kezhi:funnels";
const LEGACY_SECTION_PREFIX: &str = "kezhi:s:";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The localStorage format the data came from (1, 2 or 3; 0: only saved lists).
    pub from: u32,
    pub counts: Counts,
    pub segments: usize,
    pub funnels: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MigrationError {
    #[error("{0}")]
    Unreadable(Unreadable),
    #[error("the saved {0} of the older version are damaged: {1}")]
    Lists(&'static str, String),
    #[error("{0}")]
    Store(StoreError),
    #[error("the copy read back differs from the data of the older version ({0})")]
    Verify(String),
}

impl From<StoreError> for MigrationError {
    fn from(e: StoreError) -> Self {
        MigrationError::Store(e)
    }
}

/// Whether the localStorage holds anything of an earlier version.
pub fn has_legacy<K: KeyValueStore>(legacy: &K) -> bool {
    [
        MANIFEST_KEY,
        v1::KEY,
        LEGACY_SEGMENTS_KEY,
        LEGACY_FUNNELS_KEY,
    ]
    .iter()
    .any(|k| matches!(legacy.get(k), Ok(Some(_))))
}

/// Moves what `legacy` holds into the record store (merged with what the record store
/// already has, newer edits winning), verifies it, then removes the old keys. `Ok(None)`:
/// there was nothing to move.
pub async fn migrate_from<K: KeyValueStore, S: RecordStore>(
    legacy: K,
    repo: &mut RecordRepository<S>,
    dataset: String,
    now: Timestamp,
) -> Result<Option<(Migration, Loaded)>, MigrationError> {
    if !has_legacy(&legacy) {
        return Ok(None);
    }
    let (data, from, mut legacy) = read_legacy(legacy, now)?;
    let lists = SavedLists {
        segments: read_list::<K, SavedSegment>(&legacy, LEGACY_SEGMENTS_KEY, "segments")?,
        funnels: read_list::<K, SavedFunnel>(&legacy, LEGACY_FUNNELS_KEY, "funnels")?,
    };
    // A copy already there (an earlier start wrote it but could not remove the old keys, or
    // this browser ran without IndexedDB for a while): merge rather than replace.
    let mut stored = repo.load(now, &|_| {}).await?;
    if !stored.damaged.is_empty() {
        return Err(MigrationError::Store(StoreError::Failed(format!(
            "{} stored records could not be read",
            stored.damaged.len()
        ))));
    }
    let mut merged = std::mem::take(&mut stored.data);
    merged.merge(data);
    merged.normalize();
    let lists = merge_lists(stored.lists, lists);
    repo.replace_all(&merged, &lists, dataset, now, None)
        .await?;

    let mut back = repo.load(now, &|_| {}).await?;
    verify(&merged, &lists, &mut back)?;

    for key in legacy.keys().unwrap_or_default() {
        if key == MANIFEST_KEY
            || key == v1::KEY
            || key == LEGACY_SEGMENTS_KEY
            || key == LEGACY_FUNNELS_KEY
            || key.starts_with(LEGACY_SECTION_PREFIX)
        {
            // A key left behind is merged again (to the same result) at the next start.
            let _ = legacy.remove(&key);
        }
    }
    let migration = Migration {
        from,
        counts: back.data.counts(),
        segments: back.lists.segments.len(),
        funnels: back.lists.funnels.len(),
    };
    Ok(Some((migration, back)))
}

fn read_legacy<K: KeyValueStore>(
    legacy: K,
    now: Timestamp,
) -> Result<(Dataset, u32, K), MigrationError> {
    let has_manifest = matches!(legacy.get(MANIFEST_KEY), Ok(Some(_)));
    if !has_manifest {
        return match legacy
            .get(v1::KEY)
            .map_err(|e| MigrationError::Unreadable(Unreadable::Store(e)))?
        {
            Some(json) => {
                let mut data = v1::migrate(&json)
                    .map_err(|e| MigrationError::Unreadable(Unreadable::Legacy(e)))?;
                data.normalize();
                Ok((data, 1, legacy))
            }
            None => Ok((Dataset::default(), 0, legacy)),
        };
    }
    let mut old = Repository::new(legacy, "migrate");
    let outcome = old.load(now);
    let from = old.manifest().map_or(0, |m| m.format);
    let data = match outcome {
        LoadOutcome::Empty => Dataset::default(),
        LoadOutcome::Loaded(data) => data,
        LoadOutcome::Migrated { data, .. } => data,
        LoadOutcome::Unreadable(why) => return Err(MigrationError::Unreadable(why)),
    };
    Ok((data, from, old.into_store()))
}

fn read_list<K: KeyValueStore, T: serde::de::DeserializeOwned>(
    legacy: &K,
    key: &str,
    what: &'static str,
) -> Result<Vec<T>, MigrationError> {
    match legacy.get(key) {
        Ok(Some(json)) => {
            serde_json::from_str(&json).map_err(|e| MigrationError::Lists(what, e.to_string()))
        }
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(MigrationError::Lists(what, e.to_string())),
    }
}

/// Union by id; the later `updated_at` wins.
fn merge_lists(stored: SavedLists, legacy: SavedLists) -> SavedLists {
    fn union<T: Clone>(
        a: Vec<T>,
        b: Vec<T>,
        id: fn(&T) -> &str,
        at: fn(&T) -> Timestamp,
    ) -> Vec<T> {
        let mut out: Vec<T> = a;
        for item in b {
            match out.iter_mut().find(|x| id(x) == id(&item)) {
                Some(slot) if at(&item) > at(slot) => *slot = item,
                Some(_) => {}
                None => out.push(item),
            }
        }
        out
    }
    SavedLists {
        segments: union(
            stored.segments,
            legacy.segments,
            |s| &s.id,
            |s| s.updated_at,
        ),
        funnels: union(stored.funnels, legacy.funnels, |f| &f.id, |f| f.updated_at),
    }
}

fn verify(data: &Dataset, lists: &SavedLists, back: &mut Loaded) -> Result<(), MigrationError> {
    if !back.damaged.is_empty() {
        return Err(MigrationError::Verify(format!(
            "{} records unreadable",
            back.damaged.len()
        )));
    }
    if back.data.counts() != data.counts() {
        return Err(MigrationError::Verify(format!(
            "{:?} instead of {:?}",
            back.data.counts(),
            data.counts()
        )));
    }
    // The record store lists customers in its own order; compare them by id.
    let mut ours = data.customers.clone();
    crate::sorting::sort_by_key(&mut ours, |c| c.id);
    let mut theirs = back.data.customers.clone();
    crate::sorting::sort_by_key(&mut theirs, |c| c.id);
    let same_records = ours == theirs
        && back.data.orders == data.orders
        && back.data.events == data.events
        && back.data.activities == data.activities;
    if !same_records {
        return Err(MigrationError::Verify("records".into()));
    }
    let sorted = |l: &SavedLists| {
        let mut l = l.clone();
        crate::sorting::sort_by(&mut l.segments, |a, b| a.id.cmp(&b.id));
        crate::sorting::sort_by(&mut l.funnels, |a, b| a.id.cmp(&b.id));
        l
    };
    if sorted(&back.lists) != sorted(lists) {
        return Err(MigrationError::Verify("saved segments or funnels".into()));
    }
    Ok(())
}
