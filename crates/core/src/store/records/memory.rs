//! An in-memory [`RecordStore`] with an optional byte quota, for native tests and benchmarks.
//! It keeps the contract the IndexedDB adapter keeps: atomic commits, a sequence number per
//! put, the conflict check, pages in key order.

use super::{Commit, Kind, Meta, Op, Progress, RecordStore, StoredRecord};
use crate::store::StoreError;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// One collection: key → (sequence number, value).
type Collection = BTreeMap<Vec<u8>, (u64, Vec<u8>)>;
/// What a key held before a commit changed it (`None`: nothing).
type UndoEntry = (Kind, Vec<u8>, Option<(u64, Vec<u8>)>);

#[derive(Clone, Debug, Default)]
struct State {
    meta: Meta,
    collections: BTreeMap<Kind, Collection>,
}

impl State {
    fn bytes(&self) -> usize {
        self.collections
            .values()
            .flat_map(|c| c.iter())
            .map(|(k, (_, v))| k.len() + v.len())
            .sum()
    }
}

#[derive(Debug, Default)]
pub struct MemoryRecordStore {
    state: RefCell<State>,
    /// Bytes of keys and values the store may hold; a commit beyond it fails whole.
    pub quota: Option<usize>,
    /// Every commit fails with this (a store that broke after opening).
    pub fail_with: RefCell<Option<StoreError>>,
    /// Number of commits applied (tests check that an edit is one transaction).
    pub commits: RefCell<usize>,
    /// Does not tell the events' number ([`RecordStore::counts_and_events`]), as a database
    /// an older version wrote: a load counts them from the logs.
    pub without_event_count: bool,
}

impl MemoryRecordStore {
    pub fn with_quota(quota: usize) -> Self {
        MemoryRecordStore {
            quota: Some(quota),
            ..Default::default()
        }
    }

    /// Bytes of keys and values stored.
    pub fn bytes(&self) -> usize {
        self.state.borrow().bytes()
    }

    /// The raw value under a key (tests damage it through [`Self::put_raw`]).
    pub fn get_raw(&self, kind: Kind, key: &[u8]) -> Option<Vec<u8>> {
        let state = self.state.borrow();
        state
            .collections
            .get(&kind)?
            .get(key)
            .map(|(_, v)| v.clone())
    }

    /// Writes a value behind the repository's back, as a damaged disk or another program
    /// would; the sequence number is not advanced.
    pub fn put_raw(&self, kind: Kind, key: &[u8], value: Vec<u8>) {
        let mut state = self.state.borrow_mut();
        let seq = state.meta.seq;
        state
            .collections
            .entry(kind)
            .or_default()
            .insert(key.to_vec(), (seq, value));
    }

    /// Everything stored, for comparing two states.
    pub fn snapshot(&self) -> Vec<(Kind, Vec<u8>, Vec<u8>)> {
        let state = self.state.borrow();
        state
            .collections
            .iter()
            .flat_map(|(kind, c)| c.iter().map(|(k, (_, v))| (*kind, k.clone(), v.clone())))
            .collect()
    }
}

impl RecordStore for MemoryRecordStore {
    async fn meta(&self) -> Result<Meta, StoreError> {
        Ok(self.state.borrow().meta.clone())
    }

    async fn commit<I: Iterator<Item = Op>>(
        &self,
        commit: Commit<I>,
        progress: Option<Progress<'_>>,
    ) -> Result<u64, StoreError> {
        if let Some(e) = self.fail_with.borrow().clone() {
            return Err(e);
        }
        let mut state = self.state.borrow_mut();
        if let Some(expected) = commit.expect_seq
            && expected != state.meta.seq
        {
            return Err(StoreError::Conflict);
        }
        // Changes are applied in place with an undo log, so a failure (the quota) puts back
        // exactly what was there, without copying the whole store for every commit.
        let before_meta = state.meta.clone();
        let mut replaced: Option<BTreeMap<Kind, Collection>> = None;
        let mut undo: Vec<UndoEntry> = Vec::new();
        if let Some(dataset) = commit.replace {
            replaced = Some(std::mem::take(&mut state.collections));
            state.meta.dataset = dataset;
        }
        let mut done = 0;
        for op in commit.ops {
            match op {
                Op::Put { kind, key, value } => {
                    state.meta.seq += 1;
                    let seq = state.meta.seq;
                    let old = state
                        .collections
                        .entry(kind)
                        .or_default()
                        .insert(key.clone(), (seq, value));
                    undo.push((kind, key, old));
                }
                Op::Delete { kind, key } => {
                    if let Some(old) = state
                        .collections
                        .get_mut(&kind)
                        .and_then(|c| c.remove(&key))
                    {
                        undo.push((kind, key, Some(old)));
                    }
                }
            }
            done += 1;
            if let Some(p) = progress
                && done % 10_000 == 0
            {
                p(done, commit.total);
            }
        }
        if self.quota.is_some_and(|q| state.bytes() > q) {
            for (kind, key, old) in undo.into_iter().rev() {
                let c = state.collections.entry(kind).or_default();
                match old {
                    Some(v) => {
                        c.insert(key, v);
                    }
                    None => {
                        c.remove(&key);
                    }
                }
            }
            if let Some(collections) = replaced {
                state.collections = collections;
            }
            state.meta = before_meta;
            return Err(StoreError::QuotaExceeded);
        }
        *self.commits.borrow_mut() += 1;
        Ok(state.meta.seq)
    }

    async fn read_page(
        &self,
        kind: Kind,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let state = self.state.borrow();
        let Some(c) = state.collections.get(&kind) else {
            return Ok(Vec::new());
        };
        let range = match after {
            Some(a) => {
                c.range::<[u8], _>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded))
            }
            None => c.range::<[u8], _>(..),
        };
        Ok(range
            .take(limit)
            .map(|(k, (seq, v))| StoredRecord {
                key: k.clone(),
                seq: *seq,
                value: v.clone(),
            })
            .collect())
    }

    async fn changed_since(
        &self,
        kind: Kind,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let state = self.state.borrow();
        let Some(c) = state.collections.get(&kind) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<StoredRecord> = c
            .iter()
            .filter(|(_, (s, _))| *s > seq)
            .map(|(k, (s, v))| StoredRecord {
                key: k.clone(),
                seq: *s,
                value: v.clone(),
            })
            .collect();
        crate::sorting::sort_by_key(&mut out, |r| r.seq);
        out.truncate(limit);
        Ok(out)
    }

    async fn usage(&self) -> Result<u64, StoreError> {
        Ok(self.bytes() as u64)
    }

    async fn counts_and_events(&self) -> Result<(Vec<usize>, Option<usize>), StoreError> {
        if self.without_event_count {
            return Ok((self.counts().await?, None));
        }
        let events = self
            .state
            .borrow()
            .collections
            .get(&Kind::EventLog)
            .map_or(0, |c| {
                c.values()
                    .map(|(_, v)| super::event_log_len(v))
                    .sum::<usize>()
            });
        Ok((self.counts().await?, Some(events)))
    }

    async fn count(&self, kind: Kind) -> Result<usize, StoreError> {
        Ok(self
            .state
            .borrow()
            .collections
            .get(&kind)
            .map_or(0, |c| c.len()))
    }
}
