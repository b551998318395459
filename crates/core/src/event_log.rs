//! The behaviour events of a workspace, the largest part of its data (2.55 M events at
//! 100,000 customers): [`EventLog`] is what every reader and writer of them goes through, so
//! that how they are held can change without changing its users.
//!
//! Iteration yields [`Event`] values (it is `Copy`), in the log's order once normalised
//! ([`EventLog::normalize`]); code that adds events normalises afterwards, as it does for
//! the other records.

use crate::dataset::event_order;
use crate::model::Event;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventLog {
    events: Vec<Event>,
}

impl EventLog {
    pub fn new() -> Self {
        EventLog::default()
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.events.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Every event, in the log's order.
    #[inline]
    pub fn iter(&self) -> <&Self as IntoIterator>::IntoIter {
        self.into_iter()
    }

    /// The event at `i` in the log's order. Inlined: the funnel's copy loop reads three
    /// fields of millions of them through it.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Event> {
        self.events.get(i).copied()
    }

    /// The events of one customer, in time order (then type, properties, write time).
    pub fn of_customer(&self, customer: Uuid) -> Vec<Event> {
        let mut out: Vec<Event> = self
            .events
            .iter()
            .filter(|e| e.customer_id == customer)
            .copied()
            .collect();
        out.sort_unstable_by(event_order);
        out
    }

    /// Adds an event; the log is in its canonical order again after [`EventLog::normalize`].
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Adds `events`, each replacing the one of ours with its identity (customer, type,
    /// time) if there is one: an import's events. Normalise afterwards.
    pub fn upsert(&mut self, events: Vec<Event>) {
        type Identity = (Uuid, crate::Sym, crate::Timestamp);
        let identity = |e: &Event| (e.customer_id, e.kind, e.occurred_at);
        // Only the events of the customers concerned can share an identity with the new ones.
        let concerned: FxHashSet<Uuid> = events.iter().map(|e| e.customer_id).collect();
        let mut at: FxHashMap<Identity, usize> = (self.events.iter().enumerate())
            .filter(|(_, e)| concerned.contains(&e.customer_id))
            .map(|(i, e)| (identity(e), i))
            .collect();
        for e in events {
            let key = identity(&e);
            match at.get(&key).and_then(|&i| self.events.get_mut(i)) {
                Some(slot) => *slot = e,
                None => {
                    at.insert(key, self.events.len());
                    self.events.push(e);
                }
            }
        }
    }

    pub fn retain(&mut self, keep: impl FnMut(&Event) -> bool) {
        self.events.retain(keep);
    }

    /// Drops the events of the customers `gone` names.
    pub fn remove_customers(&mut self, gone: impl Fn(&Uuid) -> bool) {
        self.events.retain(|e| !gone(&e.customer_id));
    }

    /// Puts the events in their canonical order ([`event_order`]).
    pub fn normalize(&mut self) {
        // Unstable: the key identifies a record, so the result is still one fixed order, and
        // a stable sort would allocate half the events again (wasm memory never shrinks).
        self.events.sort_unstable_by(event_order);
    }

    /// Whether the events are in time order (as normalised ones are).
    pub fn is_sorted_by_time(&self) -> bool {
        self.events.is_sorted_by_key(|e| e.occurred_at)
    }

    /// Drops exact repeats of an event's identity (customer, type, time) that lie next to
    /// each other in the normalised order, keeping the first.
    pub fn dedup_identities(&mut self) {
        self.events.dedup_by(|a, b| {
            a.occurred_at == b.occurred_at && a.customer_id == b.customer_id && a.kind == b.kind
        });
    }

    /// Keeps only the `n` most recent events in the canonical order (the normalised log's
    /// last `n`).
    pub fn keep_recent(&mut self, n: usize) {
        let cut = self.events.len().saturating_sub(n);
        self.events.drain(..cut);
    }

    pub fn contains(&self, event: &Event) -> bool {
        self.events.contains(event)
    }

    /// How many events the log has room for without growing.
    pub fn capacity(&self) -> usize {
        self.events.capacity()
    }

    /// The bytes the log holds on the heap, by capacity: what its events cost the tab.
    pub fn heap_bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<Event>()
    }

    pub fn reserve_exact(&mut self, additional: usize) {
        self.events.reserve_exact(additional);
    }

    pub fn shrink_to_fit(&mut self) {
        self.events.shrink_to_fit();
    }

    /// The events as a vector, in the log's order.
    pub fn to_vec(&self) -> Vec<Event> {
        self.events.clone()
    }

    pub fn into_vec(self) -> Vec<Event> {
        self.events
    }

    /// The events in the log's order, for the crate's codecs that read them as a slice.
    pub(crate) fn as_slice(&self) -> &[Event] {
        &self.events
    }

    /// The events as a vector to change in place, for the crate's merges, loads and sorts
    /// that work on vectors of any record.
    pub(crate) fn vec_mut(&mut self) -> &mut Vec<Event> {
        &mut self.events
    }
}

impl From<Vec<Event>> for EventLog {
    fn from(events: Vec<Event>) -> Self {
        EventLog { events }
    }
}

impl FromIterator<Event> for EventLog {
    fn from_iter<I: IntoIterator<Item = Event>>(iter: I) -> Self {
        EventLog {
            events: iter.into_iter().collect(),
        }
    }
}

impl Extend<Event> for EventLog {
    fn extend<I: IntoIterator<Item = Event>>(&mut self, iter: I) {
        self.events.extend(iter);
    }
}

impl<'a> IntoIterator for &'a EventLog {
    type Item = Event;
    type IntoIter = std::iter::Copied<std::slice::Iter<'a, Event>>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.events.iter().copied()
    }
}

/// Shown as the list of its events, as `Vec<Event>` was (the demo's fingerprint hashes the
/// Debug text of the data).
impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialised as the list of its events, as `Vec<Event>` was.
impl Serialize for EventLog {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for EventLog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Event>::deserialize(d).map(EventLog::from)
    }
}
