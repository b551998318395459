//! Saving: the records stamped since the last save (the watermark), deletions, and the saved
//! lists that differ from the stored, encoded and committed; a commit that lost the race
//! against another tab is merged and retried. Separate from loading and pulling: it only
//! writes.

use super::super::encode::{
    encode_activity, encode_customer, encode_desk, encode_event_log, encode_order,
    encode_tombstone, key_of_customer,
};
use super::super::{Commit, Kind, Op, RecordStore};
use super::{
    DataCell, ListState, Prepared, RecordRepository, SAVE_RETRIES, Saved, SavedLists, apply_pulled,
    desk_kind, list_state, op_order,
};
use crate::dataset::Dataset;
use crate::model::*;
use crate::store::StoreError;
use crate::time::Timestamp;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use uuid::Uuid;

impl<S: RecordStore> RecordRepository<S> {
    /// Encodes what changed since the last save: records stamped at or after the watermark,
    /// the tombstones of deletions since, and the saved lists that differ from the stored.
    pub fn prepare(&self, data: &Dataset, lists: &SavedLists, now: Timestamp) -> Prepared {
        let mut draft = Draft::new(!self.skip_events);
        for part in PARTS {
            self.prepare_part(part, data, lists, &mut draft);
        }
        draft.finish(now)
    }

    /// One part of [`Self::prepare`], added to `draft`. Each part's puts are put in key
    /// order here, so that the final sort only merges runs.
    fn prepare_part(&self, part: Part, data: &Dataset, lists: &SavedLists, draft: &mut Draft) {
        let w = self.watermark;
        let scan_events = draft.scan_events;
        let Draft {
            deletes,
            puts,
            lists: state,
            ..
        } = draft;
        let put = |kind: Kind, (key, value): (Vec<u8>, Vec<u8>)| Op::Put { kind, key, value };
        let first = puts.len();
        match part {
            Part::Customers => puts.extend(
                data.customers
                    .iter()
                    .filter(|c| c.updated_at >= w)
                    .map(|c| put(Kind::Customer, encode_customer(c))),
            ),
            Part::Orders => puts.extend(
                data.orders
                    .iter()
                    .filter(|o| o.updated_at >= w)
                    .map(|o| put(Kind::Order, encode_order(o))),
            ),
            Part::Rest => *state = self.prepare_rest(data, lists, scan_events, deletes, puts),
        }
        if part != Part::Rest {
            crate::sorting::sort_by(&mut puts[first..], |a, b| op_order(a).cmp(&op_order(b)));
        }
    }

    /// The activities, the desk, the event logs, the deletions and the saved lists: few
    /// records in any save but an import's or a restore's.
    fn prepare_rest(
        &self,
        data: &Dataset,
        lists: &SavedLists,
        scan_events: bool,
        deletes: &mut Vec<Op>,
        puts: &mut Vec<Op>,
    ) -> ListState {
        let w = self.watermark;
        let put = |kind: Kind, (key, value): (Vec<u8>, Vec<u8>)| Op::Put { kind, key, value };
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
            let mut logs: Vec<Uuid> = logs.into_iter().collect();
            logs.sort_unstable();
            for customer in logs {
                // The customer's run of the log (a search, not a pass over all events).
                let events = data.events.of_customer(customer);
                match events.is_empty() {
                    false => puts.push(put(Kind::EventLog, encode_event_log(customer, &events))),
                    true => deletes.push(Op::Delete {
                        kind: Kind::EventLog,
                        key: key_of_customer(customer),
                    }),
                }
            }
        }
        let state = list_state(lists);
        list_ops(Kind::Segment, &self.lists.0, &state.0, deletes, puts);
        list_ops(Kind::Funnel, &self.lists.1, &state.1, deletes, puts);
        state
    }

    /// Writes a prepared save in one transaction, unless another writer came first
    /// ([`StoreError::Conflict`]: [`Self::pull`], merge, prepare again). On any error nothing
    /// was written and the same records are prepared again next time.
    pub async fn commit(
        &mut self,
        prepared: Prepared,
        progress: Option<super::super::Progress<'_>>,
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
        let at_once =
            |repo: &Self, data: &Dataset, lists: &SavedLists| repo.prepare(data, lists, now());
        // A cell that tells its changes is prepared a part at a time, the store pausing
        // between parts; the parts agree with each other only if nothing changed meanwhile.
        let Some(version) = cell.version() else {
            return self.commit_retrying(cell, now, &at_once).await;
        };
        let at = now();
        let mut draft = Draft::new(!self.skip_events);
        for part in PARTS {
            let prepared =
                cell.with_data(|data, lists| self.prepare_part(part, data, lists, &mut draft));
            if prepared.is_none() {
                return Ok(Saved::default());
            }
            self.store.pause().await;
        }
        if cell.version() != Some(version) {
            return self.commit_retrying(cell, now, &at_once).await;
        }
        let prepared = draft.finish(at);
        let records = prepared.records;
        match self.commit(prepared, None).await {
            Ok(()) => Ok(Saved {
                records,
                merged: false,
            }),
            Err(StoreError::Conflict) => {
                let merged = self.merge_theirs(cell, now).await?;
                let saved = self.commit_retrying(cell, now, &at_once).await?;
                Ok(Saved {
                    merged: merged || saved.merged,
                    ..saved
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Another writer came first: their changes pulled and merged into the cell; whether
    /// anything was merged.
    async fn merge_theirs<C: DataCell>(
        &mut self,
        cell: &C,
        now: &dyn Fn() -> Timestamp,
    ) -> Result<bool, StoreError> {
        let before = self.lists.clone();
        let pulled = self.pull(now()).await?;
        Ok(cell
            .with_data(|data, lists| apply_pulled(data, lists, &before, pulled))
            .unwrap_or(false))
    }

    /// Prepares and commits; when another writer came first, merges their changes into the
    /// cell and prepares again (a few times).
    pub(super) async fn commit_retrying<C: DataCell>(
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
                Err(StoreError::Conflict) => merged |= self.merge_theirs(cell, now).await?,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }
}

/// The parts of a save's preparation ([`RecordRepository::prepare`]), each encoded in a
/// borrow of the data of its own, so that a save can let the browser paint between them: an
/// import's save of 250,000 records was one task of ~0.2 s. Their order is the collections'
/// key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Customers,
    Orders,
    /// Activities, the desk, event logs, deletions and the saved lists.
    Rest,
}

const PARTS: [Part; 3] = [Part::Customers, Part::Orders, Part::Rest];

/// A save being prepared, part by part.
struct Draft {
    deletes: Vec<Op>,
    puts: Vec<Op>,
    /// The events are looked through (see [`RecordRepository::skip_events_once`]).
    scan_events: bool,
    lists: ListState,
}

impl Draft {
    fn new(scan_events: bool) -> Self {
        Draft {
            deletes: Vec::new(),
            puts: Vec::new(),
            scan_events,
            lists: ListState::default(),
        }
    }

    fn finish(self, now: Timestamp) -> Prepared {
        let Draft {
            mut deletes,
            puts,
            scan_events,
            lists,
        } = self;
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
            lists,
        }
    }
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
