//! Loading: everything stored read a page at a time, decoded (records that cannot be read set
//! aside as damaged), swept of what the tombstones cover and sorted in steps. Separate because
//! it is the one long task of a start, paced by the store's pauses.

use super::super::encode::event_log_len;
use super::super::encode::{Decoded, decode_event_log_into, decode_value};
use super::super::{Kind, RecordStore, StoredRecord};
use super::{Damaged, LoadProgress, Loaded, PAGE, RecordRepository, list_state};
use crate::dataset::{Dataset, event_key, event_order};
use crate::model::*;
use crate::sliced_sort::SlicedSort;
use crate::store::StoreError;
use crate::time::Timestamp;
use rustc_hash::FxHashMap;
use uuid::Uuid;

/// Event logs decoded between two offers of a pause during a load (~6,000 events at 100k:
/// a millisecond or two; the store decides whether to pause, see [`RecordStore::pause`]).
/// An offer costs a clock reading; the work between two is what a task can run past the
/// store's slice, so offers come every few milliseconds at most.
const LOGS_PER_PAUSE: usize = 250;
/// Other records decoded between two offers of a pause (a thousand customers decode in a few
/// milliseconds; five thousand took up to 35 ms natively at 500k).
const RECORDS_PER_PAUSE: usize = 1_000;
/// Elements gone over by the steps of sorting the events between two offers of a pause (a
/// median split of all 2.55 M events at 100k is one step that goes over all of them).
const SORT_WORK_PER_PAUSE: usize = 100_000;

/// A time as an unsigned key in the same order (for [`SlicedSort::step_by_key`]).
fn time_key(t: Timestamp) -> u64 {
    (t.0 as u64) ^ (1 << 63)
}

impl<S: RecordStore> RecordRepository<S> {
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
        // The events arrive grouped by customer in id order, and went straight into the
        // log's columns; any that could not (a damaged store's stray order) are sorted in
        // steps like the rest. The others arrive in the order of their ids; sorting the
        // orders (283,083 at 100k) at once would block the page for a tenth of a second, so
        // all are sorted in steps with pauses between, into the canonical order
        // (`Dataset::normalize`): each key identifies one record, so the order is one
        // whatever the sort.
        let d = &mut loaded.data;
        self.sort_in_steps(d.events.pending_mut(), event_key, event_order)
            .await;
        d.events.normalize();
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
}

/// Adds one stored record to what is being loaded, or sets it aside as damaged.
pub(super) fn take(into: &mut Loaded, kind: Kind, key: Vec<u8>, value: Vec<u8>) {
    let decoded = if kind == Kind::EventLog {
        // Straight into the event columns: the logs come in customer id order, as the log
        // holds them, so each is appended.
        let mut buffer = Vec::new();
        let decoded = decode_event_log_into(&key, &value, &mut buffer);
        into.data.events.add_customer_log(&mut buffer);
        decoded.map(|()| Decoded::Events(vec![]))
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
