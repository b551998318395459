//! Storing what a sync pull brought: exactly the records it names, put as they now are or
//! deleted. Separate from the save by stamps, which would not see them (their stamps are
//! another device's).

use super::super::encode::{
    encode_activity, encode_customer, encode_desk, encode_event_log, encode_order,
    encode_tombstone, key_of_customer, tombstone_key,
};
use super::super::{Kind, Op, RecordStore};
use super::{DataCell, Prepared, RecordRepository, Saved, desk_kind, op_order};
use crate::dataset::Dataset;
use crate::model::*;
use crate::store::StoreError;
use crate::sync::Touched;
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

impl<S: RecordStore> RecordRepository<S> {
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
            let mut by_customer: FxHashMap<Uuid, Vec<Event>> = FxHashMap::default();
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
