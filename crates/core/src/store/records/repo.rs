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

use super::encode::event_log_len;
use super::encode::{
    Decoded, add_events_by_customer, decode_event_log_into, decode_value, encode_activity,
    encode_customer, encode_desk, encode_event_log, encode_funnel, encode_order, encode_segment,
    encode_tombstone, key_of_customer, tombstone_key,
};
use super::{Commit, Kind, Op, RecordStore, StoredRecord};
use crate::dataset::{Dataset, event_key, event_order};
use crate::funnel::SavedFunnel;
use crate::model::*;
use crate::segment::saved::SavedSegment;
use crate::sliced_sort::SlicedSort;
use crate::store::StoreError;
use crate::sync::Touched;
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How often a commit that lost the race against another tab is retried.
pub const SAVE_RETRIES: usize = 5;
/// Records read per request at load: small enough that decoding one page is a short task.
const PAGE: usize = 10_000;
/// Event logs decoded between two offers of a pause during a load (~25,000 events at 100k:
/// a few milliseconds; the store decides whether to pause, see [`RecordStore::pause`]).
const LOGS_PER_PAUSE: usize = 1_000;
/// Other records decoded between two offers of a pause.
const RECORDS_PER_PAUSE: usize = 5_000;
/// Elements gone over by the steps of sorting the events between two offers of a pause (a
/// median split of all 2.55 M events at 100k is one step that goes over all of them).
const SORT_WORK_PER_PAUSE: usize = 100_000;
/// Events grouped by customer between two pauses of a replace.
const GROUP_PER_PAUSE: usize = 100_000;

/// A time as an unsigned key in the same order (for [`SlicedSort::step_by_key`]).
fn time_key(t: Timestamp) -> u64 {
    (t.0 as u64) ^ (1 << 63)
}

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

    /// Reads everything stored, a page at a time; `progress` hears after each page.
    pub async fn load(
        &mut self,
        now: Timestamp,
        progress: &dyn Fn(LoadProgress),
    ) -> Result<Loaded, StoreError> {
        let meta = self.store.meta().await?;
        let (counts, events) = self.store.counts_and_events().await?;
        let total = counts.iter().sum();
        self.store.expect_reads(&Kind::ALL, PAGE);
        let mut loaded = Loaded::default();
        // Exact capacities: growing by doubling would leave the tab's memory at the peak of
        // the last growth for good (wasm memory never shrinks) — for 2.55 M events, 100 MB.
        let d = &mut loaded.data;
        d.customers.reserve_exact(counts[0]);
        d.orders.reserve_exact(counts[1]);
        d.activities.reserve_exact(counts[3]);
        if let Some(events) = events {
            d.events.reserve_exact(events);
        }
        let mut done = 0;
        progress(LoadProgress { done, total });
        for kind in Kind::ALL {
            // Without the events' number, the event logs are read whole first (38 MB at
            // 100k) to count their events.
            let hold = kind == Kind::EventLog && events.is_none();
            let mut logs: Vec<StoredRecord> = Vec::new();
            let mut after: Option<Vec<u8>> = None;
            loop {
                let page = self.store.read_page(kind, after.as_deref(), PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.key.clone());
                done += page.len();
                if hold {
                    logs.extend(page);
                } else {
                    self.take_page(&mut loaded, kind, page).await;
                }
                progress(LoadProgress { done, total });
            }
            if hold {
                let events: usize = logs.iter().map(|r| event_log_len(&r.value)).sum();
                loaded.data.events.reserve_exact(events);
                self.take_page(&mut loaded, kind, logs).await;
            }
        }
        sweep_deleted(&mut loaded.data);
        // The events arrive grouped by customer, the others in the order of their ids; sorting
        // millions of events at once would block the page for most of a second, and the
        // orders (283,083 at 100k) for a tenth of one, so all are sorted in steps with pauses
        // between, into the canonical order (`Dataset::normalize`): each key identifies one
        // record, so the order is one whatever the sort.
        let d = &mut loaded.data;
        self.sort_in_steps(&mut d.events, event_key, event_order)
            .await;
        self.sort_in_steps(
            &mut d.orders,
            |o| time_key(o.ordered_at),
            |a, b| (a.ordered_at, a.id).cmp(&(b.ordered_at, b.id)),
        )
        .await;
        self.sort_in_steps(
            &mut d.activities,
            |a| time_key(a.at),
            |a, b| (a.at, a.id).cmp(&(b.at, b.id)),
        )
        .await;
        crate::sorting::sort_by(&mut d.tombstones, |a, b| {
            (a.kind, &a.key, a.deleted_at).cmp(&(b.kind, &b.key, b.deleted_at))
        });
        d.desk.normalize();
        // The store lists customers by id; the oldest first is the order they were added in.
        self.sort_in_steps(
            &mut d.customers,
            |c| time_key(c.created_at),
            |a, b| (a.created_at, a.id).cmp(&(b.created_at, b.id)),
        )
        .await;
        self.dataset = meta.dataset;
        self.seen = meta.seq;
        (self.watermark, self.events_watermark) = (now, now);
        self.lists = list_state(&loaded.lists);
        Ok(loaded)
    }

    /// Sorts `v` by `key`, then `compare` ([`SlicedSort::step_by_key`]), offering the store a
    /// pause between steps.
    async fn sort_in_steps<T>(
        &self,
        v: &mut [T],
        key: impl Fn(&T) -> u64,
        mut compare: impl FnMut(&T, &T) -> std::cmp::Ordering,
    ) {
        self.store.pause().await;
        let mut sort = SlicedSort::new(v.len());
        let mut work = 0;
        while let Some(n) = sort.step_by_key(v, &key, &mut compare) {
            work += n;
            if work >= SORT_WORK_PER_PAUSE {
                work = 0;
                self.store.pause().await;
            }
        }
    }

    /// Decodes a page of records into `loaded`, offering the store a pause every few
    /// milliseconds of work (a page of event logs is a few hundred thousand events).
    async fn take_page(&self, loaded: &mut Loaded, kind: Kind, page: Vec<StoredRecord>) {
        let per_pause = if kind == Kind::EventLog {
            LOGS_PER_PAUSE
        } else {
            RECORDS_PER_PAUSE
        };
        for (i, record) in page.into_iter().enumerate() {
            take(loaded, kind, record.key, record.value);
            if (i + 1) % per_pause == 0 {
                self.store.pause().await;
            }
        }
    }

    /// Encodes what changed since the last save: records stamped at or after the watermark,
    /// the tombstones of deletions since, and the saved lists that differ from the stored.
    pub fn prepare(&self, data: &Dataset, lists: &SavedLists, now: Timestamp) -> Prepared {
        let w = self.watermark;
        let scan_events = !self.skip_events;
        let mut deletes: Vec<Op> = Vec::new();
        let mut puts: Vec<Op> = Vec::new();
        let put = |kind: Kind, (key, value): (Vec<u8>, Vec<u8>)| Op::Put { kind, key, value };
        puts.extend(
            data.customers
                .iter()
                .filter(|c| c.updated_at >= w)
                .map(|c| put(Kind::Customer, encode_customer(c))),
        );
        puts.extend(
            data.orders
                .iter()
                .filter(|o| o.updated_at >= w)
                .map(|o| put(Kind::Order, encode_order(o))),
        );
        puts.extend(
            data.activities
                .iter()
                .filter(|a| a.updated_at >= w)
                .map(|a| put(Kind::Activity, encode_activity(a))),
        );
        macro_rules! desk_puts {
            ($t:ty) => {
                puts.extend(
                    <$t as DeskRecord>::list(&data.desk)
                        .iter()
                        .filter(|r| r.updated_at >= w)
                        .map(|r| put(desk_kind::<$t>(), encode_desk(r))),
                );
            };
        }
        crate::for_each_desk!(desk_puts);
        // Customers whose event log must be written again. Looking through millions of events
        // is most of an edit's save; an edit that wrote none lets the save skip them.
        let ew = self.events_watermark;
        let mut logs: FxHashSet<Uuid> = if scan_events {
            data.events
                .iter()
                .filter(|e| e.updated_at >= ew)
                .map(|e| e.customer_id)
                .collect()
        } else {
            FxHashSet::default()
        };
        let present: FxHashSet<Uuid> = if data.tombstones.iter().any(|t| t.deleted_at >= w) {
            data.customers.iter().map(|c| c.id).collect()
        } else {
            FxHashSet::default()
        };
        for t in data.tombstones.iter().filter(|t| t.deleted_at >= w) {
            puts.push(put(Kind::Tombstone, encode_tombstone(t)));
            match (&t.kind, &t.key) {
                (RecordKind::Customer, RecordKey::Id(id)) if !present.contains(id) => {
                    deletes.push(Op::Delete {
                        kind: Kind::Customer,
                        key: key_of_customer(*id),
                    });
                    // Their orders and activities are covered by the tombstone and swept at
                    // the next load; the event log is keyed by the customer.
                    deletes.push(Op::Delete {
                        kind: Kind::EventLog,
                        key: key_of_customer(*id),
                    });
                }
                (RecordKind::Order, RecordKey::Id(id)) => deletes.push(Op::Delete {
                    kind: Kind::Order,
                    key: id.as_bytes().to_vec(),
                }),
                (RecordKind::Activity, RecordKey::Id(id)) => deletes.push(Op::Delete {
                    kind: Kind::Activity,
                    key: id.as_bytes().to_vec(),
                }),
                (RecordKind::Event, RecordKey::Event(customer, _, _)) => {
                    logs.insert(*customer);
                }
                (kind, RecordKey::Id(id)) if kind.is_desk() => {
                    if let Some(kind) = Kind::of_desk(*kind) {
                        deletes.push(Op::Delete {
                            kind,
                            key: id.as_bytes().to_vec(),
                        });
                    }
                }
                _ => {}
            }
        }
        if !logs.is_empty() {
            let mut by_customer: FxHashMap<Uuid, Vec<&Event>> = FxHashMap::default();
            for e in data.events.iter().filter(|e| logs.contains(&e.customer_id)) {
                by_customer.entry(e.customer_id).or_default().push(e);
            }
            let mut logs: Vec<Uuid> = logs.into_iter().collect();
            logs.sort_unstable();
            for customer in logs {
                match by_customer.get(&customer) {
                    Some(events) => {
                        puts.push(put(Kind::EventLog, encode_event_log(customer, events)))
                    }
                    None => deletes.push(Op::Delete {
                        kind: Kind::EventLog,
                        key: key_of_customer(customer),
                    }),
                }
            }
        }
        let state = list_state(lists);
        list_ops(
            Kind::Segment,
            &self.lists.0,
            &state.0,
            &mut deletes,
            &mut puts,
        );
        list_ops(
            Kind::Funnel,
            &self.lists.1,
            &state.1,
            &mut deletes,
            &mut puts,
        );
        // Deletions first: a customer deleted and then restored (undo) is written back. Then
        // in key order (stable: a deletion stays before a put of the same key), so a store
        // that keeps records in groups writes each group once.
        deletes.extend(puts);
        crate::sorting::sort_by(&mut deletes, |a, b| op_order(a).cmp(&op_order(b)));
        Prepared {
            records: deletes.len(),
            ops: deletes,
            now,
            events_scanned: scan_events,
            lists: state,
        }
    }

    /// Writes a prepared save in one transaction, unless another writer came first
    /// ([`StoreError::Conflict`]: [`Self::pull`], merge, prepare again). On any error nothing
    /// was written and the same records are prepared again next time.
    pub async fn commit(
        &mut self,
        prepared: Prepared,
        progress: Option<super::Progress<'_>>,
    ) -> Result<(), StoreError> {
        if !prepared.ops.is_empty() {
            let total = prepared.ops.len();
            self.seen = self
                .store
                .commit(
                    Commit {
                        expect_seq: Some(self.seen),
                        replace: None,
                        ops: prepared.ops.into_iter(),
                        total,
                    },
                    progress,
                )
                .await?;
        }
        self.watermark = prepared.now;
        if prepared.events_scanned {
            self.events_watermark = prepared.now;
        }
        self.lists = prepared.lists;
        Ok(())
    }

    /// Saves what changed in the data `cell` holds: prepares, commits, and when another
    /// writer came first, merges their changes into the cell and tries again.
    pub async fn save<C: DataCell>(
        &mut self,
        cell: &C,
        now: &dyn Fn() -> Timestamp,
    ) -> Result<Saved, StoreError> {
        let result = self.save_once(cell, now).await;
        self.skip_events = false;
        result
    }

    /// The next save (only) may leave the events unread: every edit since the previous save
    /// wrote no event (the caller knows, as an edit names what it changes). Events edited
    /// meanwhile are still stored by the next save that reads them, as they are stamped after
    /// the events watermark, which only a save that read them moves.
    pub fn skip_events_once(&mut self) {
        self.skip_events = true;
    }

    async fn save_once<C: DataCell>(
        &mut self,
        cell: &C,
        now: &dyn Fn() -> Timestamp,
    ) -> Result<Saved, StoreError> {
        self.commit_retrying(cell, now, &|repo, data, lists| {
            repo.prepare(data, lists, now())
        })
        .await
    }

    /// Prepares and commits; when another writer came first, merges their changes into the
    /// cell and prepares again (a few times).
    async fn commit_retrying<C: DataCell>(
        &mut self,
        cell: &C,
        now: &dyn Fn() -> Timestamp,
        prepare: &dyn Fn(&Self, &Dataset, &SavedLists) -> Prepared,
    ) -> Result<Saved, StoreError> {
        let mut merged = false;
        for _ in 0..SAVE_RETRIES {
            let Some(prepared) = cell.with_data(|data, lists| prepare(self, data, lists)) else {
                return Ok(Saved { records: 0, merged });
            };
            let records = prepared.records;
            match self.commit(prepared, None).await {
                Ok(()) => return Ok(Saved { records, merged }),
                Err(StoreError::Conflict) => {
                    let before = self.lists.clone();
                    let pulled = self.pull(now()).await?;
                    merged |= cell
                        .with_data(|data, lists| apply_pulled(data, lists, &before, pulled))
                        .unwrap_or(false);
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }

    /// Encodes exactly the records `touched` names as they now are in `data` (absent ones are
    /// deleted): what a sync pull brought. Their stamps are another device's, usually older
    /// than the watermark, so a save by stamps would not see them.
    pub fn prepare_touched(&self, data: &Dataset, touched: &Touched) -> Prepared {
        let mut ops: Vec<Op> = Vec::new();
        let put = |kind: Kind, (key, value): (Vec<u8>, Vec<u8>)| Op::Put { kind, key, value };
        let id_key = |id: Uuid| id.as_bytes().to_vec();
        put_or_delete(
            &mut ops,
            Kind::Customer,
            &data.customers,
            &touched.customers,
            |c| c.id,
            encode_customer,
            key_of_customer,
        );
        put_or_delete(
            &mut ops,
            Kind::Order,
            &data.orders,
            &touched.orders,
            |o| o.id,
            encode_order,
            id_key,
        );
        put_or_delete(
            &mut ops,
            Kind::Activity,
            &data.activities,
            &touched.activities,
            |a| a.id,
            encode_activity,
            id_key,
        );
        macro_rules! touched_desk {
            ($t:ty) => {
                let kind = desk_kind::<$t>();
                let ids: FxHashSet<Uuid> = touched
                    .desk
                    .iter()
                    .filter(|(k, _)| *k == <$t as Record>::KIND)
                    .map(|(_, id)| *id)
                    .collect();
                if !ids.is_empty() {
                    put_or_delete(
                        &mut ops,
                        kind,
                        <$t as DeskRecord>::list(&data.desk),
                        &ids,
                        |r| r.id,
                        encode_desk,
                        id_key,
                    );
                }
            };
        }
        crate::for_each_desk!(touched_desk);
        if !touched.event_logs.is_empty() {
            let mut by_customer: FxHashMap<Uuid, Vec<&Event>> = FxHashMap::default();
            for e in data
                .events
                .iter()
                .filter(|e| touched.event_logs.contains(&e.customer_id))
            {
                by_customer.entry(e.customer_id).or_default().push(e);
            }
            for customer in &touched.event_logs {
                match by_customer.get(customer) {
                    Some(events) => {
                        ops.push(put(Kind::EventLog, encode_event_log(*customer, events)))
                    }
                    None => ops.push(Op::Delete {
                        kind: Kind::EventLog,
                        key: key_of_customer(*customer),
                    }),
                }
            }
        }
        for (kind, key) in &touched.tombstones {
            match data
                .tombstones
                .iter()
                .find(|t| t.kind == *kind && t.key == *key)
            {
                Some(t) => ops.push(put(Kind::Tombstone, encode_tombstone(t))),
                None => ops.push(Op::Delete {
                    kind: Kind::Tombstone,
                    key: tombstone_key(*kind, key),
                }),
            }
        }
        crate::sorting::sort_by(&mut ops, |a, b| op_order(a).cmp(&op_order(b)));
        Prepared {
            records: ops.len(),
            ops,
            // The watermarks stay: edits not saved yet are still found by their stamps.
            now: self.watermark,
            events_scanned: false,
            lists: self.lists.clone(),
        }
    }

    /// Stores what a sync pull brought into the data `cell` holds (see
    /// [`Self::prepare_touched`]); another tab writing first is merged as a save does.
    pub async fn store_touched<C: DataCell>(
        &mut self,
        cell: &C,
        touched: &Touched,
        now: &dyn Fn() -> Timestamp,
    ) -> Result<Saved, StoreError> {
        self.commit_retrying(cell, now, &|repo, data, _| {
            repo.prepare_touched(data, touched)
        })
        .await
    }

    /// The saved lists as last stored or read, by id (to reconcile a pull with local edits).
    pub fn stored_lists(&self) -> ListState {
        self.lists.clone()
    }

    /// What other writers stored since we last read or wrote.
    pub async fn pull(&mut self, now: Timestamp) -> Result<Pulled, StoreError> {
        let meta = self.store.meta().await?;
        if meta.dataset != self.dataset {
            let watermark = self.watermark;
            let loaded = self.load(now, &|_| {}).await?;
            // Our own unsaved edits are gone with the replaced data; keep the watermark
            // where it was so nothing of theirs is written back needlessly.
            self.watermark = watermark.max(now);
            self.events_watermark = self.watermark;
            return Ok(Pulled::Replaced(loaded));
        }
        if meta.seq == self.seen {
            return Ok(Pulled::Unchanged);
        }
        let mut theirs = Loaded::default();
        for kind in [
            Kind::Customer,
            Kind::Order,
            Kind::EventLog,
            Kind::Activity,
            Kind::Tombstone,
            Kind::Request,
            Kind::Recommendation,
            Kind::Campaign,
            Kind::Task,
        ] {
            let mut from = self.seen;
            loop {
                let page = self.store.changed_since(kind, from, PAGE).await?;
                let Some(last) = page.last() else { break };
                from = last.seq;
                for record in page {
                    take(&mut theirs, kind, record.key, record.value);
                }
            }
        }
        // Lists are few and a deletion leaves no record behind: read them whole.
        let lists = self.read_lists(&mut theirs).await?;
        // Not the highest number read: a commit landing while we read may have records in
        // collections already read. Reading some of them twice is harmless (same versions).
        self.seen = meta.seq;
        self.lists = list_state(&lists);
        Ok(Pulled::Changed {
            data: theirs.data,
            lists,
        })
    }

    async fn read_lists(&self, into: &mut Loaded) -> Result<SavedLists, StoreError> {
        for kind in [Kind::Segment, Kind::Funnel] {
            let page = self.store.read_page(kind, None, usize::MAX).await?;
            for record in page {
                take(into, kind, record.key, record.value);
            }
        }
        Ok(std::mem::take(&mut into.lists))
    }

    /// Replaces everything stored with `data` and `lists` in one transaction, under a new
    /// dataset id (other tabs reload instead of merging). On error nothing changed.
    pub async fn replace_all(
        &mut self,
        data: &Dataset,
        lists: &SavedLists,
        dataset: String,
        now: Timestamp,
        progress: Option<super::Progress<'_>>,
    ) -> Result<(), StoreError> {
        let mut logs: FxHashMap<Uuid, Vec<&Event>> = FxHashMap::default();
        for slice in data.events.chunks(GROUP_PER_PAUSE) {
            add_events_by_customer(&mut logs, slice);
            self.store.pause().await;
        }
        let mut log_keys: Vec<&Uuid> = logs.keys().collect();
        log_keys.sort_unstable();
        self.store.pause().await;
        let total = data.customers.len()
            + data.orders.len()
            + data.activities.len()
            + data.tombstones.len()
            + logs.len()
            + lists.segments.len()
            + lists.funnels.len()
            + data.desk.len();
        let put = |kind: Kind, (key, value): (Vec<u8>, Vec<u8>)| Op::Put { kind, key, value };
        // In key order (ids are the keys; the collections in the order of `Kind`), encoded as
        // the store takes them, so the whole encoding never sits in memory at once.
        // With pauses between: the sorts together were a task of ~0.35 s at 100k.
        let customers = key_order(&data.customers, |c| c.id);
        self.store.pause().await;
        let orders = key_order(&data.orders, |o| o.id);
        self.store.pause().await;
        let activities = key_order(&data.activities, |a| a.id);
        self.store.pause().await;
        let tombstones = key_order(&data.tombstones, |t| encode_tombstone(t).0);
        let segments = key_order(&lists.segments, |s| s.id.clone());
        let funnels = key_order(&lists.funnels, |f| f.id.clone());
        let ops = customers
            .into_iter()
            .map(move |i| put(Kind::Customer, encode_customer(&data.customers[i as usize])))
            .chain(
                orders
                    .into_iter()
                    .map(move |i| put(Kind::Order, encode_order(&data.orders[i as usize]))),
            )
            .chain(log_keys.into_iter().map(|c| {
                let events = logs.get(c).map(Vec::as_slice).unwrap_or_default();
                put(Kind::EventLog, encode_event_log(*c, events))
            }))
            .chain(activities.into_iter().map(move |i| {
                put(
                    Kind::Activity,
                    encode_activity(&data.activities[i as usize]),
                )
            }))
            .chain(tombstones.into_iter().map(move |i| {
                put(
                    Kind::Tombstone,
                    encode_tombstone(&data.tombstones[i as usize]),
                )
            }))
            .chain(
                segments
                    .into_iter()
                    .map(move |i| put(Kind::Segment, encode_segment(&lists.segments[i as usize]))),
            )
            .chain(
                funnels
                    .into_iter()
                    .map(move |i| put(Kind::Funnel, encode_funnel(&lists.funnels[i as usize]))),
            )
            .chain(desk_ops::<Request>(&data.desk))
            .chain(desk_ops::<Recommendation>(&data.desk))
            .chain(desk_ops::<Campaign>(&data.desk))
            .chain(desk_ops::<CampaignTask>(&data.desk));
        let seq = self
            .store
            .commit(
                Commit {
                    expect_seq: None,
                    replace: Some(dataset.clone()),
                    ops,
                    total,
                },
                progress,
            )
            .await?;
        self.dataset = dataset;
        self.seen = seq;
        (self.watermark, self.events_watermark) = (now, now);
        self.lists = list_state(lists);
        Ok(())
    }

    /// Deletes every record (a reset); other tabs see an empty dataset.
    pub async fn clear(&mut self, dataset: String, now: Timestamp) -> Result<(), StoreError> {
        self.replace_all(
            &Dataset::default(),
            &SavedLists::default(),
            dataset,
            now,
            None,
        )
        .await
    }
}

/// Where the data lives while a save runs (the app's signals; a plain cell in tests). The
/// closure must not wait: it runs between the save's steps.
pub trait DataCell {
    /// `None`: the data is gone (the page is closing); nothing is saved.
    fn with_data<R>(&self, f: impl FnOnce(&mut Dataset, &mut SavedLists) -> R) -> Option<R>;
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

/// Brings what [`RecordRepository::pull`] found into the data and lists; `stored_before` is
/// the lists as stored before the pull (a list item absent now but stored then was deleted
/// elsewhere; one that differs from it is a local edit not saved yet and stays). Returns
/// whether anything changed.
pub fn apply_pulled(
    data: &mut Dataset,
    lists: &mut SavedLists,
    stored_before: &ListState,
    pulled: Pulled,
) -> bool {
    match pulled {
        Pulled::Unchanged => false,
        Pulled::Replaced(loaded) => {
            *data = loaded.data;
            *lists = loaded.lists;
            true
        }
        Pulled::Changed {
            data: theirs,
            lists: their_lists,
        } => {
            let changed = data.merge_changes(theirs);
            if changed {
                data.normalize();
            }
            let new_lists = SavedLists {
                segments: reconcile(
                    &lists.segments,
                    their_lists.segments,
                    &stored_before.0,
                    |s| &s.id,
                    |s| s.updated_at,
                    encode_segment,
                ),
                funnels: reconcile(
                    &lists.funnels,
                    their_lists.funnels,
                    &stored_before.1,
                    |f| &f.id,
                    |f| f.updated_at,
                    encode_funnel,
                ),
            };
            let lists_changed = new_lists != *lists;
            *lists = new_lists;
            changed || lists_changed
        }
    }
}

/// Their list, plus our items not stored yet (new, or edited later than theirs).
fn reconcile<T: Clone>(
    ours: &[T],
    theirs: Vec<T>,
    stored_before: &BTreeMap<String, Vec<u8>>,
    id: fn(&T) -> &str,
    at: fn(&T) -> Timestamp,
    encode: fn(&T) -> (Vec<u8>, Vec<u8>),
) -> Vec<T> {
    let mut out = theirs;
    for item in ours {
        let unsaved = stored_before.get(id(item)) != Some(&encode(item).1);
        if !unsaved {
            continue; // as stored: theirs (or its absence, a deletion) is newer
        }
        match out.iter_mut().find(|x| id(x) == id(item)) {
            Some(slot) if at(item) >= at(slot) => *slot = item.clone(),
            Some(_) => {}
            None => out.push(item.clone()),
        }
    }
    out
}

/// Puts the records of `all` that `touched` names, and deletes the named ones not there.
fn put_or_delete<R>(
    ops: &mut Vec<Op>,
    kind: Kind,
    all: &[R],
    touched: &FxHashSet<Uuid>,
    id: impl Fn(&R) -> Uuid,
    encode: impl Fn(&R) -> (Vec<u8>, Vec<u8>),
    key: impl Fn(Uuid) -> Vec<u8>,
) {
    let mut found: FxHashSet<Uuid> = FxHashSet::default();
    for r in all.iter().filter(|r| touched.contains(&id(r))) {
        found.insert(id(r));
        let (key, value) = encode(r);
        ops.push(Op::Put { kind, key, value });
    }
    for missing in touched.iter().filter(|i| !found.contains(i)) {
        ops.push(Op::Delete {
            kind,
            key: key(*missing),
        });
    }
}

/// The collection of a desk record type.
fn desk_kind<T: DeskRecord>() -> Kind {
    // Every desk record kind has its collection (`Kind::of_desk`); the fallback is unused.
    Kind::of_desk(T::KIND).unwrap_or(Kind::Request)
}

/// Puts of all records of one desk kind, in key order (for [`RecordRepository::replace_all`]).
fn desk_ops<T: DeskRecord>(desk: &Desk) -> impl Iterator<Item = Op> + '_ {
    let list = T::list(desk);
    key_order(list, |r| r.id()).into_iter().map(move |i| {
        let (key, value) = encode_desk(&list[i as usize]);
        Op::Put {
            kind: desk_kind::<T>(),
            key,
            value,
        }
    })
}

fn op_order(op: &Op) -> (Kind, &[u8]) {
    match op {
        Op::Put { kind, key, .. } | Op::Delete { kind, key } => (*kind, key.as_slice()),
    }
}

/// Positions of `items` in the order of their keys.
fn key_order<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_unstable_by_key(|&i| key(&items[i as usize]));
    order
}

/// Adds one stored record to what is being loaded, or sets it aside as damaged.
fn take(into: &mut Loaded, kind: Kind, key: Vec<u8>, value: Vec<u8>) {
    let decoded = if kind == Kind::EventLog {
        // Straight into the events (no vector per log).
        decode_event_log_into(&key, &value, &mut into.data.events).map(|()| Decoded::Events(vec![]))
    } else {
        decode_value(kind, &key, &value)
    };
    match decoded {
        Ok(Decoded::Customer(c)) => into.data.customers.push(c),
        Ok(Decoded::Order(o)) => into.data.orders.push(o),
        Ok(Decoded::Events(events)) => into.data.events.extend(events),
        Ok(Decoded::Activity(a)) => into.data.activities.push(a),
        Ok(Decoded::Tombstone(t)) => into.data.tombstones.push(t),
        Ok(Decoded::Segment(s)) => into.lists.segments.push(s),
        Ok(Decoded::Funnel(f)) => into.lists.funnels.push(f),
        Ok(Decoded::Desk(item)) => into.data.desk.push(item),
        Err(e) => into.damaged.push(Damaged {
            kind,
            key,
            value,
            why: e.to_string(),
        }),
    }
}

/// Drops what the stored tombstones cover: the records of a deleted customer that a save
/// did not delete one by one (orders, activities), and anything older than its deletion.
fn sweep_deleted(data: &mut Dataset) {
    if data.tombstones.is_empty() {
        return;
    }
    let mut by_id: FxHashMap<(RecordKind, Uuid), Timestamp> = FxHashMap::default();
    let mut events: FxHashMap<RecordKey, Timestamp> = FxHashMap::default();
    for t in &data.tombstones {
        match &t.key {
            RecordKey::Id(id) => {
                by_id.insert((t.kind, *id), t.deleted_at);
            }
            key => {
                events.insert(key.clone(), t.deleted_at);
            }
        }
    }
    let alive = |kind: RecordKind, id: Uuid, updated: Timestamp| {
        by_id.get(&(kind, id)).is_none_or(|&d| updated > d)
    };
    data.customers
        .retain(|c| alive(RecordKind::Customer, c.id, c.updated_at));
    data.orders
        .retain(|o| alive(RecordKind::Order, o.id, o.updated_at));
    data.activities
        .retain(|a| alive(RecordKind::Activity, a.id, a.updated_at));
    macro_rules! sweep {
        ($t:ty) => {
            <$t as DeskRecord>::list_mut(&mut data.desk)
                .retain(|r| alive(<$t as Record>::KIND, r.id, r.updated_at));
        };
    }
    crate::for_each_desk!(sweep);
    if !events.is_empty() {
        data.events
            .retain(|e| events.get(&e.key()).is_none_or(|&d| e.updated_at > d));
    }
    data.drop_orphans();
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

fn list_ops(
    kind: Kind,
    stored: &BTreeMap<String, Vec<u8>>,
    now: &BTreeMap<String, Vec<u8>>,
    deletes: &mut Vec<Op>,
    puts: &mut Vec<Op>,
) {
    for id in stored.keys().filter(|id| !now.contains_key(*id)) {
        deletes.push(Op::Delete {
            kind,
            key: id.as_bytes().to_vec(),
        });
    }
    for (id, value) in now {
        if stored.get(id) != Some(value) {
            puts.push(Op::Put {
                kind,
                key: id.as_bytes().to_vec(),
                value: value.clone(),
            });
        }
    }
}
