//! This device's side: which records may not be on the server yet, and each one's document as
//! it would be sent. Push, pull and the conflict list all read local documents this way.

use super::DocKey;
use crate::dataset::Dataset;
use crate::model::{
    Campaign, CampaignTask, Desk, DeskRecord, Recommendation, Record, RecordKey, RecordKind,
    Request,
};
use crate::sync::doc::{
    CONFLICT_FIELD, Doc, DocKind, activity_doc, customer_doc, desk_doc, event_doc, order_doc,
    tombstone_doc,
};
use crate::time::Timestamp;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Position of a candidate for a push, in the data as of one version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    Customer(u32),
    Order(u32),
    Activity(u32),
    Event(u32),
    Tombstone(u32),
    /// A desk record: its kind and position in its list.
    Desk(RecordKind, u32),
    /// A record named in [`super::SyncState::dirty`].
    Key(DocKey),
}

pub(super) fn candidates(d: &Dataset, from: Timestamp, dirty: &BTreeSet<DocKey>) -> Vec<Slot> {
    let mut out: Vec<Slot> = dirty.iter().map(|&k| Slot::Key(k)).collect();
    let pos = |i: usize| i as u32;
    out.extend(
        (d.customers.iter().enumerate())
            .filter(|(_, c)| c.updated_at >= from)
            .map(|(i, _)| Slot::Customer(pos(i))),
    );
    out.extend(
        (d.orders.iter().enumerate())
            .filter(|(_, o)| o.updated_at >= from)
            .map(|(i, _)| Slot::Order(pos(i))),
    );
    out.extend(
        (d.activities.iter().enumerate())
            .filter(|(_, a)| a.updated_at >= from)
            .map(|(i, _)| Slot::Activity(pos(i))),
    );
    // The events by their shapes' write times (a few thousand shapes for millions of
    // events); then any not yet in the log's columns, which come after them.
    let recent: Vec<bool> = (d.events.shapes().iter())
        .map(|s| s.updated_at >= from)
        .collect();
    let numbers = d.events.shape_numbers();
    out.extend(
        (numbers.iter().enumerate())
            .filter(|&(_, n)| recent.get(n as usize) == Some(&true))
            .map(|(i, _)| Slot::Event(pos(i))),
    );
    out.extend(
        (numbers.len()..d.events.len())
            .filter(|&i| d.events.get(i).is_some_and(|e| e.updated_at >= from))
            .map(|i| Slot::Event(pos(i))),
    );
    out.extend(
        (d.tombstones.iter().enumerate())
            .filter(|(_, t)| t.deleted_at >= from)
            .map(|(i, _)| Slot::Tombstone(pos(i))),
    );
    macro_rules! desk_candidates {
        ($t:ty) => {
            out.extend(
                (<$t as DeskRecord>::list(&d.desk).iter().enumerate())
                    .filter(|(_, r)| r.updated_at >= from)
                    .map(|(i, _)| Slot::Desk(<$t as Record>::KIND, pos(i))),
            );
        };
    }
    crate::for_each_desk!(desk_candidates);
    out
}

/// The document of the desk record at `i` of the list of `kind`.
fn desk_slot_doc(d: &Dataset, kind: RecordKind, i: usize) -> Option<Doc> {
    let desk = &d.desk;
    match kind {
        RecordKind::Request => desk.requests.get(i).map(desk_doc),
        RecordKind::Recommendation => desk.recommendations.get(i).map(desk_doc),
        RecordKind::Campaign => desk.campaigns.get(i).map(desk_doc),
        RecordKind::Task => desk.tasks.get(i).map(desk_doc),
        _ => None,
    }
}

/// Where the desk record of `kind` with this id is in its list.
fn desk_position(d: &Dataset, kind: RecordKind, id: Uuid) -> Option<usize> {
    fn find<T: DeskRecord>(desk: &Desk, id: Uuid) -> Option<usize> {
        T::list(desk).iter().position(|r| r.id() == id)
    }
    match kind {
        RecordKind::Request => find::<Request>(&d.desk, id),
        RecordKind::Recommendation => find::<Recommendation>(&d.desk, id),
        RecordKind::Campaign => find::<Campaign>(&d.desk, id),
        RecordKind::Task => find::<CampaignTask>(&d.desk, id),
        _ => None,
    }
}

pub(super) fn slot_doc(
    d: &Dataset,
    slot: Slot,
    conflicts: &BTreeMap<String, Value>,
) -> Option<Doc> {
    let at = |i: u32| i as usize;
    match slot {
        Slot::Key(k) => local_doc(d, k, conflicts, None),
        Slot::Customer(i) => d.customers.get(at(i)).map(customer_doc),
        Slot::Order(i) => d.orders.get(at(i)).map(order_doc),
        Slot::Activity(i) => d.activities.get(at(i)).map(activity_doc),
        Slot::Event(i) => d.events.get(at(i)).map(|e| event_doc(&e)),
        Slot::Tombstone(i) => d.tombstones.get(at(i)).map(tombstone_doc),
        Slot::Desk(kind, i) => desk_slot_doc(d, kind, at(i)),
    }
}

/// Where the customers, orders and tombstones are, by id: a page of a pull looks up
/// thousands of them, and a search through 285,000 orders each time would be quadratic.
#[derive(Default)]
pub(super) struct Positions {
    customers: FxHashMap<Uuid, usize>,
    orders: FxHashMap<Uuid, usize>,
    tombstones: FxHashMap<(RecordKind, Uuid), usize>,
    desk: FxHashMap<(RecordKind, Uuid), usize>,
}

impl Positions {
    pub(super) fn of(d: &Dataset) -> Self {
        let by_id =
            |ids: &mut dyn Iterator<Item = Uuid>| ids.enumerate().map(|(i, id)| (id, i)).collect();
        Positions {
            customers: by_id(&mut d.customers.iter().map(|c| c.id)),
            orders: by_id(&mut d.orders.iter().map(|o| o.id)),
            tombstones: d
                .tombstones
                .iter()
                .enumerate()
                .filter_map(|(i, t)| match t.key {
                    RecordKey::Id(id) => Some(((t.kind, id), i)),
                    RecordKey::Event(..) => None,
                })
                .collect(),
            desk: {
                let mut desk = FxHashMap::default();
                macro_rules! index {
                    ($t:ty) => {
                        for (i, r) in <$t as DeskRecord>::list(&d.desk).iter().enumerate() {
                            desk.insert((<$t as Record>::KIND, r.id), i);
                        }
                    };
                }
                crate::for_each_desk!(index);
                desk
            },
        }
    }
}

/// The local document of a customer or order (or its deletion), as it would be pushed;
/// `at` finds it at once where many are looked up, else it is searched for.
pub(super) fn local_doc(
    d: &Dataset,
    key: DocKey,
    conflicts: &BTreeMap<String, Value>,
    at: Option<&Positions>,
) -> Option<Doc> {
    let doc = match (key.kind, at) {
        (DocKind::Customer, Some(p)) => p
            .customers
            .get(&key.id)
            .and_then(|&i| d.customers.get(i))
            .map(customer_doc),
        (DocKind::Customer, None) => d.customer(key.id).map(customer_doc),
        (DocKind::Order, Some(p)) => p
            .orders
            .get(&key.id)
            .and_then(|&i| d.orders.get(i))
            .map(order_doc),
        (DocKind::Order, None) => d.orders.iter().find(|o| o.id == key.id).map(order_doc),
        (kind, at) if kind.record_kind().is_desk() => {
            let kind = kind.record_kind();
            match at {
                Some(p) => p.desk.get(&(kind, key.id)).copied(),
                None => desk_position(d, kind, key.id),
            }
            .and_then(|i| desk_slot_doc(d, kind, i))
        }
        _ => None,
    }
    .or_else(|| {
        let kind = key.kind.record_kind();
        match at {
            Some(p) => p
                .tombstones
                .get(&(kind, key.id))
                .and_then(|&i| d.tombstones.get(i)),
            None => d
                .tombstones
                .iter()
                .find(|t| t.kind == kind && t.key == RecordKey::Id(key.id)),
        }
        .map(tombstone_doc)
    })?;
    Some(with_note(doc, conflicts))
}

pub(super) fn with_note(mut doc: Doc, conflicts: &BTreeMap<String, Value>) -> Doc {
    if let Some(note) = conflicts.get(&doc.id) {
        doc.body.insert(CONFLICT_FIELD.into(), note.clone());
    }
    doc
}
