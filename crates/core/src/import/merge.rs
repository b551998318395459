//! Committing a plan: first everything is worked out against the data as it is, into a
//! [`ChangeSet`] (the `Dataset` is only read); then [`ChangeSet::apply_to`] upserts the
//! records in one go, which cannot fail. So an import is either all in or not at all: a cancel
//! drops the importer or the plan, and a failed save keeps the data it had before (the page
//! applies the change set to a copy, or keeps the change set to retry).
//!
//! Matching (re-importing the same file adds nothing):
//! - customers by external id, then phone, then e-mail, then the id an earlier import gave
//!   them (which catches customers with only a name); order and event rows refer to customers
//!   by external id only, as the UI contract says, and create the ones that do not exist,
//!   named by their id;
//! - orders by their order id (`Order::source_order_id`);
//! - events by (customer, type, time).
//!
//! New records get ids derived from what identifies them (a 128-bit FNV-1a hash, as a UUID of
//! version 8), so two tabs importing the same file create the same records and their copies
//! merge instead of doubling. New and changed records get `updated_at = now`.

use super::draft::{CustomerDraft, CustomerRef, Drafts, OrderDraft, fnv1a_128};
use super::mapping::ImportKind;
use super::plan::{ImportPlan, MergePolicy};
use super::summary::ImportSummary;
use super::values::{self, micros_to_cents};
use crate::dataset::Dataset;
use crate::model::{Customer, Event, Order, OrderStatus};
use crate::store::Section;
use crate::sym::Sym;
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

/// The id of a record an import creates, from what identifies it (`customer`, `ext:12923`).
pub fn import_id(kind: &str, key: &str) -> Uuid {
    let mut input = Vec::with_capacity(kind.len() + key.len() + 16);
    input.extend_from_slice(b"kezhi-import\0");
    input.extend_from_slice(kind.as_bytes());
    input.push(0);
    input.extend_from_slice(key.as_bytes());
    let mut bytes = fnv1a_128(&input).to_be_bytes();
    // Version 8 (custom) and the RFC 4122 variant, so it is a well-formed UUID.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// What committing an import changes: records to add or replace, and the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// New customers and new versions of existing ones (same id).
    pub customers: Vec<Customer>,
    /// New orders and new versions of existing ones (same id).
    pub orders: Vec<Order>,
    /// New events and new versions of existing ones (same customer, type and time).
    pub events: Vec<Event>,
    pub summary: Option<ImportSummary>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.orders.is_empty() && self.events.is_empty()
    }

    /// The storage sections the change touches (what `Store::change` saves).
    pub fn sections(&self) -> Vec<Section> {
        let mut out = Vec::new();
        if !self.customers.is_empty() {
            out.push(Section::Customers);
        }
        if !self.orders.is_empty() {
            out.push(Section::Orders);
        }
        if !self.events.is_empty() {
            out.push(Section::Events);
        }
        out
    }

    /// Upserts every record, then puts the data in its canonical order. Cannot fail, so it
    /// never leaves the data half-changed.
    pub fn apply_to(self, data: &mut Dataset) {
        if self.is_empty() {
            return;
        }
        if !self.customers.is_empty() {
            let mut at = data.customer_positions();
            for c in self.customers {
                match at.get(&c.id) {
                    Some(&i) => data.customers[i] = c,
                    None => {
                        at.insert(c.id, data.customers.len());
                        data.customers.push(c);
                    }
                }
            }
        }
        if !self.orders.is_empty() {
            let mut at: FxHashMap<Uuid, usize> = data
                .orders
                .iter()
                .enumerate()
                .map(|(i, o)| (o.id, i))
                .collect();
            for o in self.orders {
                match at.get(&o.id) {
                    Some(&i) => data.orders[i] = o,
                    None => {
                        at.insert(o.id, data.orders.len());
                        data.orders.push(o);
                    }
                }
            }
        }
        if !self.events.is_empty() {
            data.events.upsert(self.events);
        }
        data.normalize();
    }

    /// A copy of `data` with the change applied (the original is untouched).
    pub fn applied(self, data: &Dataset) -> Dataset {
        let mut copy = data.clone();
        self.apply_to(&mut copy);
        copy
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Existing(usize),
    New(usize),
}

/// The customers side of a commit: indexes over the existing customers, the ones this import
/// creates, and copies of the existing ones it changes.
struct People<'a> {
    data: &'a Dataset,
    now: Timestamp,
    policy: MergePolicy,
    by_ext: FxHashMap<String, Slot>,
    by_phone: FxHashMap<String, Slot>,
    by_email: FxHashMap<String, Slot>,
    by_id: FxHashMap<Uuid, Slot>,
    /// Copies of existing customers the import touched, with whether they changed.
    edited: FxHashMap<usize, (Customer, bool)>,
    edit_order: Vec<usize>,
    matched: FxHashSet<usize>,
    created: Vec<Customer>,
}

impl<'a> People<'a> {
    fn new(data: &'a Dataset, now: Timestamp, policy: MergePolicy, contacts: bool) -> Self {
        let mut p = People {
            data,
            now,
            policy,
            by_ext: FxHashMap::default(),
            by_phone: FxHashMap::default(),
            by_email: FxHashMap::default(),
            by_id: FxHashMap::default(),
            edited: FxHashMap::default(),
            edit_order: Vec::new(),
            matched: FxHashSet::default(),
            created: Vec::new(),
        };
        for (i, c) in data.customers.iter().enumerate() {
            let slot = Slot::Existing(i);
            p.by_id.entry(c.id).or_insert(slot);
            if let Some(ext) = c.external_id.as_deref().and_then(ext_key) {
                p.by_ext.entry(ext).or_insert(slot);
            }
            // Phones and e-mails only matter to customer files.
            if contacts {
                if let Some(phone) = c.phone.as_deref().and_then(phone_key) {
                    p.by_phone.entry(phone).or_insert(slot);
                }
                if let Some(email) = c.email.as_deref().map(|e| e.trim().to_lowercase()) {
                    p.by_email.entry(email).or_insert(slot);
                }
            }
        }
        p
    }

    fn customer(&self, slot: Slot) -> Option<&Customer> {
        match slot {
            Slot::Existing(i) => self
                .edited
                .get(&i)
                .map(|(c, _)| c)
                .or_else(|| self.data.customers.get(i)),
            Slot::New(j) => self.created.get(j),
        }
    }

    fn fresh_id(&self, base: Uuid) -> Uuid {
        let mut id = base;
        let mut n = 0u32;
        while self.by_id.contains_key(&id) {
            n += 1;
            id = import_id("again", &format!("{base}/{n}"));
        }
        id
    }

    fn create(&mut self, mut customer: Customer) -> Slot {
        customer.id = self.fresh_id(customer.id);
        let slot = Slot::New(self.created.len());
        self.by_id.insert(customer.id, slot);
        self.created.push(customer);
        slot
    }

    fn index(&mut self, slot: Slot, ext: Option<&str>, phone: Option<&str>, email: Option<&str>) {
        if let Some(e) = ext {
            self.by_ext.entry(e.to_string()).or_insert(slot);
        }
        if let Some(p) = phone {
            self.by_phone.entry(p.to_string()).or_insert(slot);
        }
        if let Some(m) = email {
            self.by_email.entry(m.to_string()).or_insert(slot);
        }
    }

    /// The customer an order or event row refers to, created if need be. Returns its id and
    /// whether it was created.
    fn resolve_ref(&mut self, r: &CustomerRef) -> (Uuid, bool) {
        let base = import_id("customer", &format!("ext:{}", r.external_id));
        let found = self
            .by_ext
            .get(&r.external_id)
            .or_else(|| self.by_id.get(&base))
            .copied();
        if let Some(slot) = found {
            if let Slot::Existing(i) = slot {
                self.matched.insert(i);
            }
            if let Some(c) = self.customer(slot) {
                return (c.id, false);
            }
        }
        let mut c = Customer::new(base, r.external_id.clone(), self.now);
        c.external_id = Some(r.external_id.clone());
        c.province = r.region;
        // A customer since their first order or event in the file (never in the future).
        c.created_at = r.first_at.min(self.now);
        let slot = self.create(c);
        self.index(slot, Some(&r.external_id), None, None);
        let id = self.customer(slot).map_or(base, |c| c.id);
        (id, true)
    }

    /// A row of a customer file: merged into the customer it matches, or created.
    fn merge_draft(&mut self, d: &CustomerDraft) {
        let key = identity_key(d);
        let base = import_id("customer", &key);
        let found = d
            .external_id
            .as_ref()
            .and_then(|e| self.by_ext.get(e))
            .or_else(|| d.phone.as_ref().and_then(|p| self.by_phone.get(p)))
            .or_else(|| d.email.as_ref().and_then(|m| self.by_email.get(m)))
            .or_else(|| self.by_id.get(&base))
            .copied();
        let policy = self.policy;
        let slot = match found {
            Some(Slot::Existing(i)) => {
                self.matched.insert(i);
                if !self.edited.contains_key(&i) {
                    let Some(original) = self.data.customers.get(i) else {
                        return;
                    };
                    self.edited.insert(i, (original.clone(), false));
                    self.edit_order.push(i);
                }
                if let Some((c, changed)) = self.edited.get_mut(&i) {
                    *changed |= merge_fields(c, d, policy);
                }
                Slot::Existing(i)
            }
            Some(Slot::New(j)) => {
                if let Some(c) = self.created.get_mut(j) {
                    merge_fields(c, d, policy);
                }
                Slot::New(j)
            }
            None => {
                let name = d
                    .name
                    .clone()
                    .or_else(|| d.external_id.clone())
                    .or_else(|| d.phone.clone())
                    .or_else(|| d.email.clone())
                    .unwrap_or_default();
                let mut c = Customer::new(base, name, self.now);
                merge_fields(&mut c, d, MergePolicy::Overwrite);
                self.create(c)
            }
        };
        self.index(
            slot,
            d.external_id.as_deref(),
            d.phone.as_deref(),
            d.email.as_deref(),
        );
    }

    /// The changed and created customers, stamped `now`.
    fn finish(mut self, summary: &mut ImportSummary) -> Vec<Customer> {
        summary.customers_created = self.created.len();
        summary.customers_merged = self.matched.len();
        let mut out = Vec::with_capacity(self.created.len() + self.edit_order.len());
        for i in std::mem::take(&mut self.edit_order) {
            if let Some((mut c, true)) = self.edited.remove(&i) {
                c.updated_at = self.now;
                out.push(c);
                summary.customers_updated += 1;
            }
        }
        for mut c in self.created {
            c.updated_at = self.now;
            out.push(c);
        }
        out
    }
}

fn ext_key(ext: &str) -> Option<String> {
    values::normalize_id(ext).ok().flatten()
}

fn phone_key(phone: &str) -> Option<String> {
    values::normalize_phone(phone).ok().flatten()
}

/// What identifies a customer row, for the id of the customer it creates.
fn identity_key(d: &CustomerDraft) -> String {
    if let Some(e) = &d.external_id {
        format!("ext:{e}")
    } else if let Some(p) = &d.phone {
        format!("phone:{p}")
    } else if let Some(m) = &d.email {
        format!("email:{m}")
    } else {
        format!(
            "name:{}\u{0}{}\u{0}{}",
            d.name.as_deref().unwrap_or(""),
            d.city.map(Sym::as_str).unwrap_or(""),
            d.owner.map(Sym::as_str).unwrap_or("")
        )
    }
}

/// Applies a row's non-empty values to a customer; returns whether anything changed.
/// Keeping fills only empty fields (a name that is just the external id counts as empty:
/// it is what an order import names a customer it had to create) and adds new tags;
/// overwriting replaces.
fn merge_fields(c: &mut Customer, d: &CustomerDraft, policy: MergePolicy) -> bool {
    let overwrite = policy == MergePolicy::Overwrite;
    let mut changed = false;
    let placeholder = c.name.is_empty() || c.external_id.as_deref() == Some(c.name.as_str());
    if let Some(name) = &d.name
        && (overwrite || placeholder)
        && c.name != *name
    {
        c.name = name.clone();
        changed = true;
    }
    fn set<T: PartialEq + Clone>(slot: &mut Option<T>, value: &Option<T>, overwrite: bool) -> bool {
        match value {
            Some(v) if (overwrite || slot.is_none()) && slot.as_ref() != Some(v) => {
                *slot = Some(v.clone());
                true
            }
            _ => false,
        }
    }
    changed |= set(&mut c.external_id, &d.external_id, overwrite);
    changed |= set(&mut c.phone, &d.phone, overwrite);
    changed |= set(&mut c.email, &d.email, overwrite);
    changed |= set(&mut c.city, &d.city, overwrite);
    changed |= set(&mut c.owner, &d.owner, overwrite);
    if overwrite {
        let same = c.tags.len() == d.tags.len()
            && c.tags
                .iter()
                .zip(&d.tags)
                .all(|(a, b)| a.as_str() == b.as_str());
        if !d.tags.is_empty() && !same {
            c.tags = d.tags.iter().map(|t| Sym::new(t)).collect();
            changed = true;
        }
    } else {
        for t in &d.tags {
            if !c.tags.iter().any(|x| x.as_str() == t.as_str()) {
                c.tags.push(Sym::new(t));
                changed = true;
            }
        }
    }
    changed
}

/// The ids of the file's customer references, creating the missing customers.
fn resolve_refs(
    people: &mut People,
    refs: &[CustomerRef],
    summary: &mut ImportSummary,
) -> Vec<Uuid> {
    refs.iter()
        .map(|r| {
            let (id, created) = people.resolve_ref(r);
            if created {
                summary.unknown_customer_rows += r.rows;
            }
            id
        })
        .collect()
}

fn order_record(
    draft: &OrderDraft,
    customer_id: Uuid,
    has_quantity: bool,
    default_channel: Sym,
) -> Order {
    let cents =
        micros_to_cents(draft.micros.checked_abs().unwrap_or(i128::MAX)).unwrap_or(i64::MAX);
    Order {
        id: Uuid::nil(),
        customer_id,
        source_order_id: draft.source_id.clone(),
        ordered_at: draft.at,
        amount_cents: cents,
        item_count: if has_quantity {
            u32::try_from(draft.items).unwrap_or(u32::MAX)
        } else {
            draft.lines
        },
        channel: draft.channel.unwrap_or(default_channel),
        status: if draft.is_refund() {
            OrderStatus::Refunded
        } else {
            OrderStatus::Paid
        },
        updated_at: Timestamp(0),
    }
}

impl ImportPlan {
    /// What committing this plan to `data` would change, and the report. `data` is only read.
    pub fn changes(&self, data: &Dataset, now: Timestamp) -> ChangeSet {
        let mut summary = ImportSummary::new(self.kind, &self.counts);
        let policy = self.options.policy;
        let mut people = People::new(data, now, policy, self.kind == ImportKind::Customers);
        let mut change = ChangeSet::default();
        match &self.rows {
            Drafts::Customers(drafts) => {
                for d in drafts {
                    people.merge_draft(d);
                }
            }
            Drafts::Orders(lines) => {
                let ids = resolve_refs(&mut people, &lines.refs, &mut summary);
                let by_source: FxHashMap<&str, usize> = data
                    .orders
                    .iter()
                    .enumerate()
                    .rev() // so the first of duplicated order ids wins
                    .map(|(i, o)| (o.source_order_id.as_str(), i))
                    .collect();
                let mut taken: FxHashSet<Uuid> = data.orders.iter().map(|o| o.id).collect();
                let default_channel = Sym::new(&self.options.default_channel);
                for draft in &lines.orders {
                    let Some(&customer_id) = ids.get(draft.customer as usize) else {
                        continue;
                    };
                    let mut order =
                        order_record(draft, customer_id, lines.has_quantity, default_channel);
                    if order.status == OrderStatus::Refunded {
                        summary.refunds += 1;
                    }
                    match by_source
                        .get(draft.source_id.as_str())
                        .and_then(|&i| data.orders.get(i))
                    {
                        Some(existing) => {
                            order.id = existing.id;
                            order.updated_at = existing.updated_at;
                            if order == *existing || policy == MergePolicy::KeepExisting {
                                summary.orders_unchanged += 1;
                            } else {
                                order.updated_at = now;
                                change.orders.push(order);
                                summary.orders_updated += 1;
                            }
                        }
                        None => {
                            let base = import_id("order", &draft.source_id);
                            let mut id = base;
                            let mut n = 0u32;
                            while taken.contains(&id) {
                                n += 1;
                                id = import_id("again", &format!("{base}/{n}"));
                            }
                            taken.insert(id);
                            order.id = id;
                            order.updated_at = now;
                            change.orders.push(order);
                            summary.orders_created += 1;
                        }
                    }
                }
            }
            Drafts::Events(rows) => {
                let ids = resolve_refs(&mut people, &rows.refs, &mut summary);
                // Only customers that were already there can have events already.
                let known: FxHashSet<Uuid> = people
                    .matched
                    .iter()
                    .filter_map(|&i| data.customers.get(i).map(|c| c.id))
                    .collect();
                // Some(i): an existing event; None: one this import adds or already updated.
                let mut seen: FxHashMap<(Uuid, Sym, Timestamp), Option<usize>> = data
                    .events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| known.contains(&e.customer_id))
                    .map(|(i, e)| ((e.customer_id, e.kind, e.occurred_at), Some(i)))
                    .collect();
                for d in &rows.events {
                    let Some(&customer_id) = ids.get(d.customer as usize) else {
                        continue;
                    };
                    let key = (customer_id, d.kind, d.at);
                    match seen.get(&key).copied() {
                        Some(Some(i)) => {
                            let existing = data.events.get(i);
                            let differs = existing.is_some_and(|e| e.props != d.props);
                            if policy == MergePolicy::Overwrite && differs {
                                if let Some(e) = existing {
                                    change.events.push(Event {
                                        props: d.props,
                                        updated_at: now,
                                        ..e
                                    });
                                }
                                seen.insert(key, None);
                                summary.events_updated += 1;
                            } else {
                                summary.events_existing += 1;
                            }
                        }
                        Some(None) => summary.events_existing += 1,
                        None => {
                            change.events.push(Event {
                                customer_id,
                                kind: d.kind,
                                occurred_at: d.at,
                                props: d.props,
                                updated_at: now,
                            });
                            seen.insert(key, None);
                            summary.events_created += 1;
                        }
                    }
                }
            }
        }
        change.customers = people.finish(&mut summary);
        change.summary = Some(summary);
        change
    }
}
