//! Putting what a pull decided into the data. The engine has already chosen every winner
//! (the server's current version, or the rule's choice in a conflict), so records are taken
//! as they come, not compared again: a merge by `updated_at` alone would disagree with the
//! rule at equal times, and devices would drift apart.

use crate::dataset::{Dataset, merge_tombstones};
use crate::model::{
    Activity, Customer, Desk, DeskRecord, Event, Order, Record, RecordKey, RecordKind, Tombstone,
};
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

/// Records to take as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incoming {
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    pub events: Vec<Event>,
    pub activities: Vec<Activity>,
    pub desk: Desk,
    /// Deletions: the record goes, the tombstone stays.
    pub tombstones: Vec<Tombstone>,
}

impl Incoming {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.orders.is_empty()
            && self.events.is_empty()
            && self.activities.is_empty()
            && self.desk.is_empty()
            && self.tombstones.is_empty()
    }
    pub fn len(&self) -> usize {
        self.customers.len()
            + self.orders.len()
            + self.events.len()
            + self.activities.len()
            + self.desk.len()
            + self.tombstones.len()
    }
}

/// What [`apply_incoming`] changed, by key: what a store must write (or delete) now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub customers: FxHashSet<Uuid>,
    pub orders: FxHashSet<Uuid>,
    pub activities: FxHashSet<Uuid>,
    /// Customers whose event log changed.
    pub event_logs: FxHashSet<Uuid>,
    pub tombstones: FxHashSet<(RecordKind, RecordKey)>,
    /// Desk records (requests, recommendations, campaigns, tasks) by kind and id.
    pub desk: FxHashSet<(RecordKind, Uuid)>,
    /// Customers an incoming order was taken from (it now names another customer): their
    /// figures changed too, though no record of theirs is written.
    pub former_buyers: FxHashSet<Uuid>,
}

impl Touched {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.orders.is_empty()
            && self.activities.is_empty()
            && self.event_logs.is_empty()
            && self.desk.is_empty()
            && self.tombstones.is_empty()
    }
}

impl Touched {
    /// The positions in `data` (as left by [`apply_incoming`]) of every customer whose own
    /// record or orders this pull changed: what the analytics and the list index must redo,
    /// instead of a rebuild per pulled batch. `None` when a customer or an order was deleted
    /// (positions moved, or the order's customer is gone with it): then rebuild. Events and
    /// activities do not enter those figures.
    pub fn customer_positions(&self, data: &Dataset) -> Option<Vec<usize>> {
        let removed = self
            .tombstones
            .iter()
            .any(|(kind, _)| matches!(kind, RecordKind::Customer | RecordKind::Order));
        if removed {
            return None;
        }
        let mut ids: FxHashSet<Uuid> = self.customers.clone();
        ids.extend(self.former_buyers.iter().copied());
        if !self.orders.is_empty() {
            ids.extend(
                data.orders
                    .iter()
                    .filter(|o| self.orders.contains(&o.id))
                    .map(|o| o.customer_id),
            );
        }
        let mut positions: Vec<usize> = data
            .customers
            .iter()
            .enumerate()
            .filter(|(_, c)| ids.contains(&c.id))
            .map(|(i, _)| i)
            .collect();
        positions.sort_unstable();
        Some(positions)
    }
}

/// The keys of desk records, for the revival of their tombstones.
fn desk_keys(desk: &Desk) -> impl Iterator<Item = (RecordKind, RecordKey)> + '_ {
    (desk.requests.iter().map(|r| (RecordKind::Request, r.key())))
        .chain((desk.recommendations.iter()).map(|r| (RecordKind::Recommendation, r.key())))
        .chain(
            desk.campaigns
                .iter()
                .map(|r| (RecordKind::Campaign, r.key())),
        )
        .chain(desk.tasks.iter().map(|r| (RecordKind::Task, r.key())))
}

/// The customers these tombstones delete.
fn deleted_customers<'a>(tombstones: impl Iterator<Item = &'a Tombstone>) -> FxHashSet<Uuid> {
    tombstones
        .filter_map(|ts| match (ts.kind, &ts.key) {
            (RecordKind::Customer, RecordKey::Id(id)) => Some(*id),
            _ => None,
        })
        .collect()
}

fn take_all<R: Record + PartialEq>(
    ours: &mut Vec<R>,
    theirs: Vec<R>,
    id: impl Fn(&R) -> Uuid,
    touched: &mut FxHashSet<Uuid>,
) {
    if theirs.is_empty() {
        return;
    }
    let mut incoming: FxHashMap<RecordKey, R> = theirs.into_iter().map(|r| (r.key(), r)).collect();
    for slot in ours.iter_mut() {
        if let Some(r) = incoming.remove(&slot.key())
            && *slot != r
        {
            touched.insert(id(&r));
            *slot = r;
        }
        if incoming.is_empty() {
            return;
        }
    }
    let mut rest: Vec<R> = incoming.into_values().collect();
    crate::sorting::sort_by_key(&mut rest, |r| r.key());
    for r in rest {
        touched.insert(id(&r));
        ours.push(r);
    }
}

/// Takes `incoming` into `data` as it is; returns what changed. The data is left in its
/// canonical order (normalised) when anything changed.
pub fn apply_incoming(data: &mut Dataset, mut incoming: Incoming) -> Touched {
    let mut t = Touched::default();
    // A deletion of a record (but a customer) this device never had leaves nothing behind: the server only
    // ever sends a record's latest revision, so no older copy can come back through sync,
    // and a reset on another device would otherwise leave a tombstone here per record.
    if !incoming.tombstones.is_empty() {
        let wanted: FxHashSet<(RecordKind, RecordKey)> = incoming
            .tombstones
            .iter()
            .map(|ts| (ts.kind, ts.key.clone()))
            .collect();
        let mut here: FxHashSet<(RecordKind, RecordKey)> = FxHashSet::default();
        let mut look = |kind: RecordKind, key: RecordKey| {
            let k = (kind, key);
            if wanted.contains(&k) {
                here.insert(k);
            }
        };
        data.customers
            .iter()
            .for_each(|r| look(RecordKind::Customer, r.key()));
        data.orders
            .iter()
            .for_each(|r| look(RecordKind::Order, r.key()));
        data.activities
            .iter()
            .for_each(|r| look(RecordKind::Activity, r.key()));
        data.events
            .iter()
            .for_each(|r| look(RecordKind::Event, r.key()));
        desk_keys(&data.desk).for_each(|(kind, key)| look(kind, key));
        data.tombstones
            .iter()
            .for_each(|ts| look(ts.kind, ts.key.clone()));
        // A customer's deletion is kept all the same: its orders, events and activities may
        // arrive (or be here) without it, and its tombstone is what drops them.
        incoming.tombstones.retain(|ts| {
            ts.kind == RecordKind::Customer || here.contains(&(ts.kind, ts.key.clone()))
        });
    }
    // A version that comes back to life ends its deletion here (or the next load would drop
    // it again under the tombstone).
    let alive: FxHashSet<(RecordKind, RecordKey)> = incoming
        .customers
        .iter()
        .map(|c| (RecordKind::Customer, c.key()))
        .chain(incoming.orders.iter().map(|o| (RecordKind::Order, o.key())))
        .chain(incoming.events.iter().map(|e| (RecordKind::Event, e.key())))
        .chain(
            incoming
                .activities
                .iter()
                .map(|a| (RecordKind::Activity, a.key())),
        )
        .chain(desk_keys(&incoming.desk))
        .collect();
    if !alive.is_empty() {
        data.tombstones.retain(|ts| {
            let revived = alive.contains(&(ts.kind, ts.key.clone()));
            if revived {
                t.tombstones.insert((ts.kind, ts.key.clone()));
            }
            !revived
        });
    }
    // Orders, events and activities of a deleted customer stay out (their documents outlive
    // the customer on the server).
    let gone = deleted_customers(data.tombstones.iter().chain(&incoming.tombstones));
    if !gone.is_empty() {
        incoming.orders.retain(|o| !gone.contains(&o.customer_id));
        incoming.events.retain(|e| !gone.contains(&e.customer_id));
        incoming
            .activities
            .retain(|a| !gone.contains(&a.customer_id));
        incoming.desk.drop_customers(&|c| gone.contains(c));
    }
    take_all(
        &mut data.customers,
        incoming.customers,
        |c| c.id,
        &mut t.customers,
    );
    if !incoming.orders.is_empty() {
        let buyer: FxHashMap<Uuid, Uuid> = incoming
            .orders
            .iter()
            .map(|o| (o.id, o.customer_id))
            .collect();
        t.former_buyers.extend(
            data.orders
                .iter()
                .filter(|o| buyer.get(&o.id).is_some_and(|c| *c != o.customer_id))
                .map(|o| o.customer_id),
        );
    }
    take_all(&mut data.orders, incoming.orders, |o| o.id, &mut t.orders);
    take_all(
        &mut data.activities,
        incoming.activities,
        |a| a.id,
        &mut t.activities,
    );
    // As `take_all`: theirs replaces ours where they differ, by identity.
    data.events.take_by_identity(
        incoming.events,
        |ours, theirs| ours != theirs,
        |_| true,
        |e| {
            t.event_logs.insert(e.customer_id);
        },
    );
    let mut desk_touched: FxHashSet<Uuid> = FxHashSet::default();
    macro_rules! take_desk {
        ($t:ty) => {
            desk_touched.clear();
            take_all(
                <$t as DeskRecord>::list_mut(&mut data.desk),
                std::mem::take(<$t as DeskRecord>::list_mut(&mut incoming.desk)),
                |r| r.id,
                &mut desk_touched,
            );
            t.desk
                .extend(desk_touched.drain().map(|id| (<$t as Record>::KIND, id)));
        };
    }
    crate::for_each_desk!(take_desk);
    if !incoming.tombstones.is_empty() {
        let gone: FxHashSet<(RecordKind, RecordKey)> = incoming
            .tombstones
            .iter()
            .map(|ts| (ts.kind, ts.key.clone()))
            .collect();
        for ts in &incoming.tombstones {
            t.tombstones.insert((ts.kind, ts.key.clone()));
        }
        let dead = |kind: RecordKind, key: RecordKey| gone.contains(&(kind, key));
        let dead_customers = deleted_customers(incoming.tombstones.iter());
        data.customers.retain(|c| {
            let d = dead(RecordKind::Customer, c.key());
            if d {
                t.customers.insert(c.id);
            }
            !d
        });
        // A customer's orders, events and activities go with it (as a local delete does).
        data.orders.retain(|o| {
            let d = dead(RecordKind::Order, o.key()) || dead_customers.contains(&o.customer_id);
            if d {
                t.orders.insert(o.id);
            }
            !d
        });
        data.activities.retain(|a| {
            let d = dead(RecordKind::Activity, a.key()) || dead_customers.contains(&a.customer_id);
            if d {
                t.activities.insert(a.id);
            }
            !d
        });
        data.events.retain(|e| {
            let d = dead(RecordKind::Event, e.key()) || dead_customers.contains(&e.customer_id);
            if d {
                t.event_logs.insert(e.customer_id);
            }
            !d
        });
        macro_rules! drop_desk {
            ($t:ty) => {
                <$t as DeskRecord>::list_mut(&mut data.desk).retain(|r| {
                    let kind = <$t as Record>::KIND;
                    let d = dead(kind, r.key())
                        || r.customer().is_some_and(|c| dead_customers.contains(&c));
                    if d {
                        t.desk.insert((kind, r.id));
                    }
                    !d
                });
            };
        }
        crate::for_each_desk!(drop_desk);
        data.tombstones =
            merge_tombstones(std::mem::take(&mut data.tombstones), incoming.tombstones);
    }
    if !t.event_logs.is_empty() {
        data.events.normalize();
    }
    if !t.is_empty() {
        data.normalize_all_but_events();
    }
    t
}
