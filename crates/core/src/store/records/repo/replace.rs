//! Replacing everything stored in one transaction under a new dataset id (an import, a
//! restore, a reset), encoded as the store takes it. Separate: it writes all, not changes.

use super::super::encode::{
    encode_activity, encode_customer, encode_desk, encode_event_log, encode_funnel, encode_order,
    encode_segment, encode_tombstone,
};
use super::super::{Commit, Kind, Op, RecordStore};
use super::{RecordRepository, SavedLists, desk_kind, list_state};
use crate::EventLog;
use crate::dataset::Dataset;
use crate::model::*;
use crate::store::StoreError;
use crate::time::Timestamp;

impl<S: RecordStore> RecordRepository<S> {
    /// Replaces everything stored with `data` and `lists` in one transaction, under a new
    /// dataset id (other tabs reload instead of merging). On error nothing changed.
    pub async fn replace_all(
        &mut self,
        data: &Dataset,
        lists: &SavedLists,
        dataset: String,
        now: Timestamp,
        progress: Option<super::super::Progress<'_>>,
    ) -> Result<(), StoreError> {
        // The log holds the events customer by customer in id order: its runs are the
        // stored logs, in key order.
        let log = data.events.normalized();
        let log: &EventLog = &log;
        self.store.pause().await;
        let total = data.customers.len()
            + data.orders.len()
            + data.activities.len()
            + data.tombstones.len()
            + log.customers().len()
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
            .chain((log.customers().iter().enumerate()).map(|(k, c)| {
                let events: Vec<Event> = log.run_events(k).collect();
                put(Kind::EventLog, encode_event_log(*c, &events))
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

/// Positions of `items` in the order of their keys.
fn key_order<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_unstable_by_key(|&i| key(&items[i as usize]));
    order
}
