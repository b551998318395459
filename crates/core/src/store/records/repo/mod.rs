//! The record repository: the rules of storing a [`Dataset`] record by record.
//!
//! - **What to write.** Every edit stamps `updated_at` (deletions: a tombstone's
//!   `deleted_at`) with the time of the edit. A save writes the records stamped at or after
//!   the time the previous save was prepared (the watermark): one edited customer is one put,
//!   a bulk action on 100,000 is 100,000 puts in one transaction. Stamps at the same
//!   millisecond are written twice rather than missed.
//! - **Other tabs.** A commit names the sequence number it last saw; if another tab wrote in
//!   between, the store refuses it ([`StoreError::Conflict`]), and the caller pulls their
//!   changes, merges them (newer `updated_at` wins), prepares again and retries.
//! - **Damaged records** are set aside at load, reported, offered for download and never
//!   written over: nothing in the dataset has their key, so no save touches them.
//!
//! The repository's work is split by what it does: `load` (reading everything, records set
//! aside as damaged, tombstones swept), `save` (what changed since the watermark, commits
//! retried after a merge), `touched` (storing what a sync pull brought), `pull` (other
//! tabs' changes and bringing them into the data), `replace` (all of it at once). This file
//! holds the repository and the types they share.
//!
//! [`StoreError::Conflict`]: crate::store::StoreError::Conflict

mod load;
mod pull;
mod replace;
mod save;
mod touched;

pub use pull::apply_pulled;

use super::encode::{encode_funnel, encode_segment};
use super::{Kind, Op, RecordStore};
use crate::dataset::Dataset;
use crate::funnel::SavedFunnel;
use crate::model::*;
use crate::segment::saved::SavedSegment;
use crate::time::Timestamp;
use std::collections::BTreeMap;

/// How often a commit that lost the race against another tab is retried.
pub const SAVE_RETRIES: usize = 5;
/// Records read per request at load: small enough that decoding one page is a short task.
const PAGE: usize = 10_000;

/// A stored record that could not be read: kept as it is, shown, offered for download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damaged {
    pub kind: Kind,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
    pub why: String,
}

/// The saved segments and funnels: records too, shared like the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavedLists {
    pub segments: Vec<SavedSegment>,
    pub funnels: Vec<SavedFunnel>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub data: Dataset,
    pub lists: SavedLists,
    pub damaged: Vec<Damaged>,
}

/// How far a load has come, in records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadProgress {
    pub done: usize,
    pub total: usize,
}

/// What [`RecordRepository::pull`] found.
#[derive(Debug)]
pub enum Pulled {
    Unchanged,
    /// Records another writer stored since our last read (merge them with
    /// [`Dataset::merge_changes`]), and the lists as they are now.
    Changed {
        data: Dataset,
        lists: SavedLists,
    },
    /// The data was replaced as a whole (or deleted) elsewhere: this is all of it now.
    Replaced(Loaded),
}

/// A save, encoded and ready to commit.
#[derive(Debug)]
pub struct Prepared {
    ops: Vec<Op>,
    now: Timestamp,
    /// The events were looked through (see [`RecordRepository::skip_events_once`]).
    events_scanned: bool,
    lists: ListState,
    /// Records written (puts and deletions), for reports and tests.
    pub records: usize,
}

impl Prepared {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The values of the saved lists as stored, by id: lists are few, so they are compared whole.
pub type ListState = (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>);

pub struct RecordRepository<S> {
    store: S,
    dataset: String,
    /// The sequence number of the last write we read or made.
    seen: u64,
    /// Records stamped at or after this are not stored yet.
    watermark: Timestamp,
    /// The same for events, which a save may skip: events stamped at or after this are not
    /// stored yet.
    events_watermark: Timestamp,
    /// The next save may leave the events unread (see [`Self::skip_events_once`]).
    skip_events: bool,
    lists: ListState,
}

impl<S: RecordStore> RecordRepository<S> {
    pub fn new(store: S) -> Self {
        RecordRepository {
            store,
            dataset: String::new(),
            seen: 0,
            watermark: Timestamp(i64::MIN),
            events_watermark: Timestamp(i64::MIN),
            skip_events: false,
            lists: Default::default(),
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The saved lists as last stored or read, by id (to reconcile a pull with local edits).
    pub fn stored_lists(&self) -> ListState {
        self.lists.clone()
    }
}

/// Where the data lives while a save runs (the app's signals; a plain cell in tests). The
/// closure must not wait: it runs between the save's steps.
pub trait DataCell {
    /// `None`: the data is gone (the page is closing); nothing is saved.
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R>;

    /// A number that changes whenever the data or the lists change (except through
    /// [`DataCell::with_data`] in a save): a save is then prepared a part at a time, the
    /// browser painting between parts, and again at once if the number moved meanwhile.
    /// `None` (the default): prepared at once.
    fn version(&self) -> Option<u64> {
        None
    }
}

impl DataCell for std::cell::RefCell<(Dataset, SavedLists)> {
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R> {
        let mut cell = self.borrow_mut();
        let (data, lists) = &mut *cell;
        Some(f(data, lists))
    }
}

/// What a save did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    /// Records written or deleted.
    pub records: usize,
    /// Another writer's changes were merged into the data first.
    pub merged: bool,
}

/// The collection of a desk record type.
fn desk_kind<T: DeskRecord>() -> Kind {
    // Every desk record kind has its collection (`Kind::of_desk`); the fallback is unused.
    Kind::of_desk(T::KIND).unwrap_or(Kind::Request)
}

fn op_order(op: &Op) -> (Kind, &[u8]) {
    match op {
        Op::Put { kind, key, .. } | Op::Delete { kind, key } => (*kind, key.as_slice()),
    }
}

fn list_state(lists: &SavedLists) -> ListState {
    (
        lists
            .segments
            .iter()
            .map(|s| {
                let (_, v) = encode_segment(s);
                (s.id.clone(), v)
            })
            .collect(),
        lists
            .funnels
            .iter()
            .map(|f| {
                let (_, v) = encode_funnel(f);
                (f.id.clone(), v)
            })
            .collect(),
    )
}
