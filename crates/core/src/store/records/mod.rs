//! The record store: every record under its own key, written in transactions, each write
//! stamped with a change sequence number (what sync reads to find local changes).
//!
//! [`RecordStore`] is the asynchronous adapter boundary (IndexedDB in `kezhi-storage-web`,
//! [`MemoryRecordStore`] here); [`RecordRepository`] holds the rules: which records an edit
//! changed, the optimistic check that no other tab wrote in between, loading in pages with
//! damaged records set aside, and the migration from the localStorage formats.
//!
//! Granularity: customers, orders, activities, tombstones, saved segments and saved funnels
//! are one record each. Behaviour events are facts that never change and come by the
//! million, so a customer's events are one record (its event log): 100,000 logs instead of
//! 2.5 million entries, and a new event rewrites only its customer's log.

mod encode;
pub mod group;
mod memory;
mod migrate;
mod repo;

pub use encode::{
    Decoded, RecordCodecError, decode_value, encode_desk, event_log_len, key_of_customer,
};
pub use memory::MemoryRecordStore;
pub use migrate::{
    LEGACY_FUNNELS_KEY, LEGACY_SEGMENTS_KEY, Migration, MigrationError, has_legacy, migrate_from,
};
pub use repo::{
    Damaged, DataCell, ListState, LoadProgress, Loaded, Prepared, Pulled, RecordRepository,
    SAVE_RETRIES, Saved, SavedLists, apply_pulled,
};

use super::StoreError;
use crate::model::RecordKind;

/// The collections of the record store (an IndexedDB object store each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Customer,
    Order,
    /// One customer's behaviour events, keyed by the customer's id.
    EventLog,
    Activity,
    Tombstone,
    Segment,
    Funnel,
    // The desk's records (`model::desk`), one collection per kind.
    Request,
    Recommendation,
    Campaign,
    Task,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Customer,
        Kind::Order,
        Kind::EventLog,
        Kind::Activity,
        Kind::Tombstone,
        Kind::Segment,
        Kind::Funnel,
        Kind::Request,
        Kind::Recommendation,
        Kind::Campaign,
        Kind::Task,
    ];
    /// The object store's name; frozen (a rename is a schema migration).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Order => "orders",
            Kind::EventLog => "events",
            Kind::Activity => "activities",
            Kind::Tombstone => "tombstones",
            Kind::Segment => "segments",
            Kind::Funnel => "funnels",
            Kind::Request => "requests",
            Kind::Recommendation => "recommendations",
            Kind::Campaign => "campaigns",
            Kind::Task => "campaign_tasks",
        }
    }
    /// The collection of a desk record kind.
    pub fn of_desk(kind: RecordKind) -> Option<Kind> {
        Some(match kind {
            RecordKind::Request => Kind::Request,
            RecordKind::Recommendation => Kind::Recommendation,
            RecordKind::Campaign => Kind::Campaign,
            RecordKind::Task => Kind::Task,
            _ => return None,
        })
    }
    /// The record kind a desk collection holds.
    pub fn desk_kind(self) -> Option<RecordKind> {
        RecordKind::DESK
            .into_iter()
            .find(|&k| Kind::of_desk(k) == Some(self))
    }
    pub fn from_name(name: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A record as stored: its key, the sequence number of the write that stored it, its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub key: Vec<u8>,
    pub seq: u64,
    pub value: Vec<u8>,
}

/// One change inside a [`Commit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Put {
        kind: Kind,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Delete {
        kind: Kind,
        key: Vec<u8>,
    },
}

/// The store's own bookkeeping, kept in the same transactions as the records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The sequence number of the last write (0: never written).
    pub seq: u64,
    /// Changes when the data is replaced as a whole (demo, restore) or reset: other tabs then
    /// reload instead of merging.
    pub dataset: String,
}

/// A set of changes applied in one transaction: all or nothing.
pub struct Commit<I> {
    /// Refuse with [`StoreError::Conflict`] (writing nothing) unless the store's sequence
    /// number is still this one: nobody else wrote since we last read.
    pub expect_seq: Option<u64>,
    /// Clear every collection first and mark the data with this new dataset id.
    pub replace: Option<String>,
    /// Sorted by collection and key where they can be (a grouping store then writes each group
    /// once); deletions of a key before a put of it.
    pub ops: I,
    /// How many ops there are (for progress), if known.
    pub total: usize,
}

/// Told how many of a commit's ops are done, so a long write can show progress.
pub type Progress<'a> = &'a dyn Fn(usize, usize);

/// What a record store offers. Implementations apply a [`Commit`] atomically: a failure in
/// the middle (a full quota above all) leaves every stored record as it was.
#[allow(async_fn_in_trait)]
pub trait RecordStore {
    async fn meta(&self) -> Result<Meta, StoreError>;
    /// Applies the commit; returns the new sequence number. Each put gets its own number.
    async fn commit<I: Iterator<Item = Op>>(
        &self,
        commit: Commit<I>,
        progress: Option<Progress<'_>>,
    ) -> Result<u64, StoreError>;
    /// Records of one collection in key order, after `after` (exclusive): about `limit` of
    /// them (a store that keeps records in groups returns whole groups); none when no more.
    async fn read_page(
        &self,
        kind: Kind,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError>;
    /// Records of one collection written after sequence number `seq`, in sequence order:
    /// about `limit` of them (whole groups); none when no more.
    async fn changed_since(
        &self,
        kind: Kind,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError>;
    /// A load is about to read `kinds` from their start, about `limit` records a page: a
    /// store whose reads cost a round trip each may ask for those first pages now, so that
    /// they are read side by side. Nothing by default.
    fn expect_reads(&self, _kinds: &[Kind], _limit: usize) {}
    /// Number of records in one collection.
    async fn count(&self, kind: Kind) -> Result<usize, StoreError>;
    /// Numbers of records of every collection, in [`Kind::ALL`]'s order (a store that keeps
    /// them together reads them at once).
    async fn counts(&self) -> Result<Vec<usize>, StoreError> {
        let mut out = Vec::with_capacity(Kind::ALL.len());
        for kind in Kind::ALL {
            out.push(self.count(kind).await?);
        }
        Ok(out)
    }
    /// [`Self::counts`], and the number of events in all event logs ([`event_log_len`]) if
    /// the store keeps it: a load then reserves the events' vector at once and decodes the
    /// logs as they come, instead of holding all of them (38 MB at 100k) to count first.
    async fn counts_and_events(&self) -> Result<(Vec<usize>, Option<usize>), StoreError> {
        Ok((self.counts().await?, None))
    }
    /// Bytes of the stored keys and values (what Settings shows as the data's size).
    async fn usage(&self) -> Result<u64, StoreError>;
    /// Lets the environment run between slices of long work on what was read (a browser
    /// paints); nothing by default. Called often (every few milliseconds of work): a store
    /// that yields does so only once the work since its last wait is long enough, as every
    /// wait costs time too.
    async fn pause(&self) {}
}

/// A shared store (two repositories on one store are two tabs on one database).
impl<T: RecordStore> RecordStore for &T {
    async fn meta(&self) -> Result<Meta, StoreError> {
        (**self).meta().await
    }
    async fn commit<I: Iterator<Item = Op>>(
        &self,
        commit: Commit<I>,
        progress: Option<Progress<'_>>,
    ) -> Result<u64, StoreError> {
        (**self).commit(commit, progress).await
    }
    async fn read_page(
        &self,
        kind: Kind,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        (**self).read_page(kind, after, limit).await
    }
    fn expect_reads(&self, kinds: &[Kind], limit: usize) {
        (**self).expect_reads(kinds, limit)
    }
    async fn changed_since(
        &self,
        kind: Kind,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        (**self).changed_since(kind, seq, limit).await
    }
    async fn count(&self, kind: Kind) -> Result<usize, StoreError> {
        (**self).count(kind).await
    }
    async fn counts(&self) -> Result<Vec<usize>, StoreError> {
        (**self).counts().await
    }
    async fn counts_and_events(&self) -> Result<(Vec<usize>, Option<usize>), StoreError> {
        (**self).counts_and_events().await
    }
    async fn usage(&self) -> Result<u64, StoreError> {
        (**self).usage().await
    }
    async fn pause(&self) {
        (**self).pause().await
    }
}
