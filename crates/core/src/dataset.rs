//! All of one workspace's data, with the record-by-record merge that lets two copies
//! (two browser tabs, later a sync server) combine without losing either side's edits.

use crate::event_log::EventLog;
use crate::model::*;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub use crate::order_hints::OrderHints;

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    pub events: EventLog,
    pub activities: Vec<Activity>,
    pub tombstones: Vec<Tombstone>,
    /// Requests, recommendations, care campaigns and their tasks.
    pub desk: Desk,
    /// Where each order's customer was last found (the analytics' shortcut): not data, never
    /// saved, compared or printed.
    #[serde(skip)]
    pub order_hints: OrderHints,
}

/// The data's fields only, as the derived `Debug` printed them before the hints were kept
/// (the demo's fingerprint is a print of the data).
impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("customers", &self.customers)
            .field("orders", &self.orders)
            .field("events", &self.events)
            .field("activities", &self.activities)
            .field("tombstones", &self.tombstones)
            .field("desk", &self.desk)
            .finish()
    }
}

impl Dataset {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.orders.is_empty()
            && self.events.is_empty()
            && self.activities.is_empty()
            && self.desk.is_empty()
    }

    /// Position of every customer in `customers`, by id.
    pub fn customer_positions(&self) -> rustc_hash::FxHashMap<Uuid, usize> {
        self.customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect()
    }

    /// The positions of the customers whose own record, or one of whose orders, was written
    /// at or after `since` (every edit stamps what it writes with the time of the edit), for
    /// updating analytics and the list index instead of rebuilding them. `None` when a record
    /// was deleted since: positions may have moved. A desk record's deletion (a request, a
    /// recommendation, a campaign and its tasks) moves no customer and changes no figure the
    /// analytics or the index read, so it does not count.
    pub fn touched_since(&self, since: Timestamp) -> Option<Vec<usize>> {
        if self
            .tombstones
            .iter()
            .any(|t| t.deleted_at >= since && !t.kind.is_desk())
        {
            return None;
        }
        let mut touched: Vec<usize> = (0..self.customers.len())
            .filter(|&i| self.customers[i].updated_at >= since)
            .collect();
        let buyers: HashSet<Uuid> = self
            .orders
            .iter()
            .filter(|o| o.updated_at >= since)
            .map(|o| o.customer_id)
            .collect();
        if !buyers.is_empty() {
            touched.extend(
                (0..self.customers.len()).filter(|&i| buyers.contains(&self.customers[i].id)),
            );
            touched.sort_unstable();
            touched.dedup();
        }
        Some(touched)
    }

    pub fn customer(&self, id: Uuid) -> Option<&Customer> {
        self.customers.iter().find(|c| c.id == id)
    }

    /// Another customer with the same phone or e-mail (compared as stored, normalised),
    /// so a form can warn before a duplicate is saved.
    pub fn find_duplicate(
        &self,
        phone: Option<&str>,
        email: Option<&str>,
        except: Uuid,
    ) -> Option<&Customer> {
        // `stored.to_lowercase() == wanted`, without a new string per customer for the
        // ASCII addresses nearly all are (this runs over every customer on each save).
        let same_email = |stored: &str, wanted: &str| {
            if stored.is_ascii() {
                stored.len() == wanted.len()
                    && stored
                        .bytes()
                        .zip(wanted.bytes())
                        .all(|(s, w)| s.to_ascii_lowercase() == w)
            } else {
                stored.to_lowercase() == wanted
            }
        };
        self.customers.iter().find(|c| {
            c.id != except
                && ((phone.is_some() && c.phone.as_deref() == phone)
                    || email.is_some_and(|wanted| {
                        c.email.as_deref().is_some_and(|e| same_email(e, wanted))
                    }))
        })
    }

    /// Adds a customer or replaces the one with the same id.
    pub fn upsert_customer(&mut self, customer: Customer) {
        match self.customers.iter_mut().find(|c| c.id == customer.id) {
            Some(slot) => *slot = customer,
            None => self.customers.push(customer),
        }
    }

    /// Deletes a customer with everything that belongs to them, leaving tombstones so that a
    /// merge with an older copy does not bring them back.
    pub fn delete_customer(&mut self, id: Uuid, now: Timestamp) -> bool {
        let before = self.customers.len();
        self.customers.retain(|c| c.id != id);
        if self.customers.len() == before {
            return false;
        }
        self.add_tombstone(RecordKind::Customer, RecordKey::Id(id), now);
        // Dependent records go with the customer; the customer's tombstone covers them in a
        // merge (see `drop_orphans`), so they need no tombstones of their own.
        self.orders.retain(|o| o.customer_id != id);
        self.events.remove_customers(|c| *c == id);
        self.activities.retain(|a| a.customer_id != id);
        self.desk.drop_customers(&|c| *c == id);
        true
    }

    pub fn add_tombstone(&mut self, kind: RecordKind, key: RecordKey, deleted_at: Timestamp) {
        match self
            .tombstones
            .iter_mut()
            .find(|t| t.kind == kind && t.key == key)
        {
            Some(t) => t.deleted_at = t.deleted_at.max(deleted_at),
            None => self.tombstones.push(Tombstone {
                kind,
                key,
                deleted_at,
            }),
        }
    }

    /// Combines another copy into this one: for each record the newer `updated_at` wins, and a
    /// tombstone wins over any version of its record that is not newer than the deletion.
    pub fn merge(&mut self, other: Dataset) {
        self.tombstones = merge_tombstones(std::mem::take(&mut self.tombstones), other.tombstones);
        let dead = tombstone_index(&self.tombstones);
        self.customers = merge_records(std::mem::take(&mut self.customers), other.customers, &dead);
        self.orders = merge_records(std::mem::take(&mut self.orders), other.orders, &dead);
        // Last writer wins by identity, as `merge_records` does for the other records.
        self.events.take_by_identity(
            other.events.iter(),
            |ours, theirs| theirs.updated_at > ours.updated_at,
            |_| true,
            |_| {},
        );
        self.events.retain(|e| alive(&dead, e));
        self.events.normalize();
        self.activities = merge_records(
            std::mem::take(&mut self.activities),
            other.activities,
            &dead,
        );
        let (ours, theirs) = (&mut self.desk, other.desk);
        ours.requests = merge_records(std::mem::take(&mut ours.requests), theirs.requests, &dead);
        ours.recommendations = merge_records(
            std::mem::take(&mut ours.recommendations),
            theirs.recommendations,
            &dead,
        );
        ours.campaigns =
            merge_records(std::mem::take(&mut ours.campaigns), theirs.campaigns, &dead);
        ours.tasks = merge_records(std::mem::take(&mut ours.tasks), theirs.tasks, &dead);
        self.drop_orphans();
    }

    /// Applies a few records another writer stored (a tab's edit, later a sync pull) with the
    /// rules of [`Dataset::merge`], in one pass over our records with lookups in theirs: at
    /// 100,000 customers and millions of events, `merge` would index all of ours first.
    /// Their event records are whole event logs of their customers; events of ours they do
    /// not mention are kept. Returns whether anything of ours changed.
    pub fn merge_changes(&mut self, theirs: Dataset) -> bool {
        let mut changed = false;
        let dead_before = self.tombstones.len();
        self.tombstones = merge_tombstones(
            std::mem::take(&mut self.tombstones),
            theirs.tombstones.clone(),
        );
        let new_tombstones = self.tombstones.len() != dead_before || !theirs.tombstones.is_empty();
        let fresh: TombstoneIndex = tombstone_index(&theirs.tombstones);
        let all: TombstoneIndex = tombstone_index(&self.tombstones);
        changed |= apply_small(&mut self.customers, theirs.customers, &fresh, &all);
        changed |= apply_small(&mut self.orders, theirs.orders, &fresh, &all);
        changed |= apply_small_events(&mut self.events, theirs.events, &fresh, &all);
        changed |= apply_small(&mut self.activities, theirs.activities, &fresh, &all);
        let (ours, theirs) = (&mut self.desk, theirs.desk);
        let desk_changed = apply_small(&mut ours.requests, theirs.requests, &fresh, &all)
            | apply_small(
                &mut ours.recommendations,
                theirs.recommendations,
                &fresh,
                &all,
            )
            | apply_small(&mut ours.campaigns, theirs.campaigns, &fresh, &all)
            | apply_small(&mut ours.tasks, theirs.tasks, &fresh, &all);
        if desk_changed {
            ours.normalize();
        }
        changed |= desk_changed;
        if new_tombstones {
            let before = self.counts();
            self.drop_orphans();
            changed |= self.counts() != before;
        }
        changed
    }

    /// Removes orders, events and activities whose customer was deleted.
    pub fn drop_orphans(&mut self) {
        let deleted: HashSet<Uuid> = self
            .tombstones
            .iter()
            .filter_map(|t| match (t.kind, &t.key) {
                (RecordKind::Customer, RecordKey::Id(id)) => Some(*id),
                _ => None,
            })
            .filter(|id| self.customers.iter().all(|c| c.id != *id))
            .collect();
        if deleted.is_empty() {
            return;
        }
        self.orders.retain(|o| !deleted.contains(&o.customer_id));
        self.events.remove_customers(|c| deleted.contains(c));
        self.activities
            .retain(|a| !deleted.contains(&a.customer_id));
        self.desk.drop_customers(&|c| deleted.contains(c));
    }

    /// The canonical order of records, which loading restores: customers as they were
    /// added, the rest by time.
    pub fn normalize(&mut self) {
        // Unstable sorts on keys that identify a record (so the result is still one fixed
        // order): a stable sort allocates half the vector again, and with millions of events
        // that peak stays with the tab for good, as wasm memory never shrinks.
        self.events.normalize();
        self.normalize_all_but_events();
    }

    /// [`Dataset::normalize`] for everything but the events (which a caller sorts by
    /// [`event_order`] itself, say in steps). A load sorts in steps into the same order
    /// (`RecordRepository::load`).
    pub fn normalize_all_but_events(&mut self) {
        self.orders.sort_unstable_by_key(|o| (o.ordered_at, o.id));
        self.activities.sort_unstable_by_key(|a| (a.at, a.id));
        self.desk.normalize();
        crate::sorting::sort_by(&mut self.tombstones, |a, b| {
            (a.kind, &a.key, a.deleted_at).cmp(&(b.kind, &b.key, b.deleted_at))
        });
    }

    /// Number of records of every kind, for labels and the storage manifest.
    pub fn counts(&self) -> Counts {
        Counts {
            customers: self.customers.len(),
            orders: self.orders.len(),
            events: self.events.len(),
            activities: self.activities.len(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub customers: usize,
    pub orders: usize,
    pub events: usize,
    pub activities: usize,
}

/// The canonical order of events: by customer, then time, type, properties and write time
/// (the [`crate::EventLog`]'s, which holds them customer by customer).
pub fn event_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    (a.customer_id, a.occurred_at, a.kind, a.props, a.updated_at).cmp(&(
        b.customer_id,
        b.occurred_at,
        b.kind,
        b.props,
        b.updated_at,
    ))
}

/// The first 8 bytes of the event's customer id as an unsigned key in the same order:
/// [`event_order`] orders first by it (for sorting by key,
/// [`crate::sliced_sort::SlicedSort::step_by_key`]).
pub fn event_key(e: &Event) -> u64 {
    let b = e.customer_id.as_bytes();
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// Whether a record outlives the tombstone of its key, if it has one.
fn alive<R: Record>(dead: &TombstoneIndex, r: &R) -> bool {
    match dead.get(&(R::KIND, r.key())) {
        Some(&deleted_at) => r.updated_at() > deleted_at,
        None => true,
    }
}

type TombstoneIndex = HashMap<(RecordKind, RecordKey), Timestamp>;

fn tombstone_index(tombstones: &[Tombstone]) -> TombstoneIndex {
    tombstones
        .iter()
        .map(|t| ((t.kind, t.key.clone()), t.deleted_at))
        .collect()
}

/// Union of two tombstone lists, keeping the later deletion time of each key.
pub fn merge_tombstones(ours: Vec<Tombstone>, theirs: Vec<Tombstone>) -> Vec<Tombstone> {
    let mut index: HashMap<(RecordKind, RecordKey), usize> = HashMap::new();
    let mut out: Vec<Tombstone> = Vec::with_capacity(ours.len() + theirs.len());
    for t in ours.into_iter().chain(theirs) {
        let k = (t.kind, t.key.clone());
        match index.get(&k) {
            Some(&i) => out[i].deleted_at = out[i].deleted_at.max(t.deleted_at),
            None => {
                index.insert(k, out.len());
                out.push(t);
            }
        }
    }
    out
}

/// [`merge_records`] for a few records of theirs: one pass over ours, lookups in theirs.
/// Records of ours covered by one of `fresh` (their tombstones) go too; theirs that one of
/// `all` covers are not taken.
fn apply_small<R: Record>(
    ours: &mut Vec<R>,
    theirs: Vec<R>,
    fresh: &TombstoneIndex,
    all: &TombstoneIndex,
) -> bool {
    let dead_here = fresh.keys().any(|(kind, _)| *kind == R::KIND);
    if theirs.is_empty() && !dead_here {
        return false;
    }
    let mut incoming: HashMap<RecordKey, R> = theirs.into_iter().map(|r| (r.key(), r)).collect();
    let mut changed = false;
    for slot in ours.iter_mut() {
        if incoming.is_empty() {
            break;
        }
        if let Some(r) = incoming.remove(&slot.key())
            && r.updated_at() > slot.updated_at()
        {
            *slot = r;
            changed = true;
        }
    }
    // Theirs that we did not have, in a fixed order (the caller normalises afterwards).
    let mut rest: Vec<R> = incoming.into_values().collect();
    crate::sorting::sort_by_key(&mut rest, |r| r.key());
    let alive = |dead: &TombstoneIndex, r: &R| match dead.get(&(R::KIND, r.key())) {
        Some(&deleted_at) => r.updated_at() > deleted_at,
        None => true,
    };
    rest.retain(|r| alive(all, r));
    changed |= !rest.is_empty();
    ours.extend(rest);
    if dead_here {
        let n = ours.len();
        ours.retain(|r| alive(fresh, r));
        changed |= ours.len() != n;
    }
    changed
}

/// [`apply_small`] for the events: theirs looked up in ours by identity, one binary search
/// each, instead of a pass over all of ours (millions at 100,000 customers).
fn apply_small_events(
    ours: &mut EventLog,
    theirs: EventLog,
    fresh: &TombstoneIndex,
    all: &TombstoneIndex,
) -> bool {
    let dead_here = fresh.keys().any(|(kind, _)| *kind == RecordKind::Event);
    if theirs.is_empty() && !dead_here {
        return false;
    }
    let mut changed = false;
    ours.take_by_identity(
        theirs.iter(),
        |ours, theirs| theirs.updated_at > ours.updated_at,
        |theirs| alive(all, theirs),
        |_| changed = true,
    );
    if dead_here {
        let n = ours.len();
        ours.retain(|e| alive(fresh, e));
        changed |= ours.len() != n;
    }
    changed
}

/// Last-writer-wins merge of one collection. Our order is kept; records only they have
/// follow in their order.
pub fn merge_records<R: Record>(ours: Vec<R>, theirs: Vec<R>, dead: &TombstoneIndex) -> Vec<R> {
    let mut position: HashMap<RecordKey, usize> = HashMap::with_capacity(ours.len());
    let mut out: Vec<R> = Vec::with_capacity(ours.len().max(theirs.len()));
    for record in ours.into_iter().chain(theirs) {
        let key = record.key();
        match position.get(&key) {
            Some(&i) => {
                if record.updated_at() > out[i].updated_at() {
                    out[i] = record;
                }
            }
            None => {
                position.insert(key, out.len());
                out.push(record);
            }
        }
    }
    out.retain(|r| match dead.get(&(R::KIND, r.key())) {
        Some(&deleted_at) => r.updated_at() > deleted_at,
        None => true,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn customer(n: u8, name: &str, updated: i64) -> Customer {
        let mut c = Customer::new(id(n), name, Timestamp(0));
        c.updated_at = Timestamp(updated);
        c
    }

    #[test]
    fn duplicates_by_phone_or_by_email_in_any_case() {
        let mut a = customer(1, "张三", 1);
        a.email = Some("Zhang.San@Example.com".into());
        let mut b = customer(2, "李四", 1);
        b.phone = Some("13800000000".into());
        b.email = Some("LÌ@例子.中国".into());
        let d = Dataset {
            customers: vec![a, b],
            ..Dataset::default()
        };
        let found = |phone, email, except| d.find_duplicate(phone, email, id(except)).map(|c| c.id);
        assert_eq!(found(None, Some("zhang.san@example.com"), 9), Some(id(1)));
        assert_eq!(
            found(None, Some("zhang.san@example.com"), 1),
            None,
            "not itself"
        );
        // What is looked for is already lowercase; an uppercase one matches nothing.
        assert_eq!(found(None, Some("Zhang.San@Example.com"), 9), None);
        assert_eq!(found(None, Some("zhang.san@example.co"), 9), None);
        assert_eq!(found(None, Some("lì@例子.中国"), 9), Some(id(2)));
        assert_eq!(found(Some("13800000000"), None, 9), Some(id(2)));
        assert_eq!(found(Some("13800000001"), Some("x@y.z"), 9), None);
    }

    #[test]
    fn newer_edit_wins_and_edits_of_different_customers_both_survive() {
        let base = Dataset {
            customers: vec![customer(1, "张三", 10), customer(2, "李四", 10)],
            ..Dataset::default()
        };
        let mut tab_a = base.clone();
        let mut tab_b = base;
        tab_a.upsert_customer(customer(1, "张三丰", 20));
        tab_b.upsert_customer(customer(2, "李四光", 30));
        tab_a.merge(tab_b.clone());
        tab_b.merge(tab_a.clone());
        let names: Vec<_> = tab_a.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["张三丰", "李四光"]);
        assert_eq!(tab_a, tab_b);
    }

    #[test]
    fn deletion_survives_merge_with_older_copy_but_not_a_newer_edit() {
        let mut ours = Dataset {
            customers: vec![customer(1, "张三", 10), customer(2, "李四", 10)],
            orders: vec![Order {
                id: id(9),
                customer_id: id(1),
                source_order_id: "A1".into(),
                ordered_at: Timestamp(5),
                amount_cents: 100,
                item_count: 1,
                channel: "tmall".into(),
                status: OrderStatus::Paid,
                updated_at: Timestamp(5),
            }],
            ..Dataset::default()
        };
        let old_copy = ours.clone();
        assert!(ours.delete_customer(id(1), Timestamp(50)));
        assert!(ours.delete_customer(id(2), Timestamp(50)));
        let mut newer_edit = old_copy.clone();
        newer_edit.upsert_customer(customer(2, "李四(新)", 60));

        ours.merge(old_copy);
        ours.merge(newer_edit);
        let names: Vec<_> = ours.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["李四(新)"]);
        assert!(
            ours.orders.is_empty(),
            "orders of a deleted customer are gone"
        );
        assert_eq!(ours.tombstones.len(), 2);
    }

    #[test]
    fn duplicates_by_phone_or_email_but_not_oneself() {
        let mut a = customer(1, "张三", 1);
        a.phone = Some("13812345678".into());
        a.email = Some("Zhang@Example.com".into());
        let b = customer(2, "李四", 1);
        let d = Dataset {
            customers: vec![a, b],
            ..Dataset::default()
        };
        let found = |p: Option<&str>, e: Option<&str>, except: u8| {
            d.find_duplicate(p, e, id(except)).map(|c| c.name.clone())
        };
        assert_eq!(found(Some("13812345678"), None, 2).as_deref(), Some("张三"));
        assert_eq!(
            found(None, Some("zhang@example.com"), 2).as_deref(),
            Some("张三")
        );
        assert_eq!(
            found(Some("13812345678"), None, 1),
            None,
            "oneself is no duplicate"
        );
        assert_eq!(found(None, None, 2), None);
        assert_eq!(found(Some("13900000000"), Some("x@y.cn"), 2), None);
    }

    #[test]
    fn tombstones_keep_the_later_time() {
        let a = vec![Tombstone {
            kind: RecordKind::Customer,
            key: RecordKey::Id(id(1)),
            deleted_at: Timestamp(5),
        }];
        let mut b = a.clone();
        b[0].deleted_at = Timestamp(7);
        let merged = merge_tombstones(a, b);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].deleted_at, Timestamp(7));
    }
}
