//! The behaviour events of a workspace, the largest part of its data (2.55 M events at
//! 100,000 customers, 10 M at 500,000): [`EventLog`] is what every reader and writer of them
//! goes through.
//!
//! **Held column-wise, customer by customer.** An [`Event`] is 48 bytes; the log keeps 10 per
//! event: its time (8) and the number (2; 4 beyond 65,536 shapes) of its *shape* — type,
//! properties and write time, of which a log has few distinct ones (a few thousand in the
//! demo) — in a table of shapes.
//! The customer is not stored per event: the events are grouped by customer, customers in id
//! order (`ids`, with where each one's events start), each customer's in time order. That is
//! also the order funnels and behaviour conditions read them in, so they walk contiguous
//! memory instead of an index of scattered events, and a load, which reads the stored logs
//! in id order, appends them without sorting.
//!
//! Events added by [`EventLog::push`] and the like wait in a plain list until
//! [`EventLog::normalize`] sorts them into the columns; iteration yields the columns' events,
//! then those, so code that adds events normalises afterwards, as it does for the other
//! records. The canonical order is [`crate::dataset::event_order`]: customer, time, type,
//! properties, write time.

mod numbers;

use numbers::Numbers;
pub use numbers::ShapeNumbers;

use crate::dataset::event_order;
use crate::model::{Event, EventProps};
use crate::{Sym, Timestamp};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::ops::Range;
use uuid::Uuid;

/// What an event shares with many others: its type, properties and write time. Ordered as
/// [`event_order`] orders events of one customer at one time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventShape {
    pub kind: Sym,
    pub props: EventProps,
    pub updated_at: Timestamp,
}

impl EventShape {
    pub fn of(e: &Event) -> Self {
        EventShape {
            kind: e.kind,
            props: e.props,
            updated_at: e.updated_at,
        }
    }
}

#[derive(Clone)]
pub struct EventLog {
    /// The customers with events in the columns, ascending.
    ids: Vec<Uuid>,
    /// `starts[k]..starts[k + 1]` are the events of `ids[k]`; one entry more than `ids`, the
    /// last being the number of events in the columns. No customer has an empty range.
    starts: Vec<u32>,
    /// Milliseconds since the Unix epoch (UTC), as in [`Timestamp`].
    times: Vec<i64>,
    /// Each event's number in `table` (2 bytes each while they fit: see [`numbers`]).
    shapes: Numbers,
    /// The distinct shapes, numbered in the order they were first met (not sorted: a new
    /// shape never renumbers the events).
    table: Vec<EventShape>,
    numbers: FxHashMap<EventShape, u32>,
    /// Events added since the last [`EventLog::normalize`], in the order they came.
    pending: Vec<Event>,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog {
            ids: Vec::new(),
            starts: vec![0],
            times: Vec::new(),
            shapes: Numbers::default(),
            table: Vec::new(),
            numbers: FxHashMap::default(),
            pending: Vec::new(),
        }
    }
}

impl EventLog {
    pub fn new() -> Self {
        EventLog::default()
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.times.len() + self.pending.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every event, in the log's order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            log: self,
            k: 0,
            i: 0,
            end: self.starts.get(1).map_or(0, |&s| s as usize),
            pending: self.pending.iter(),
        }
    }

    /// The event at `i` in the log's order.
    pub fn get(&self, i: usize) -> Option<Event> {
        if i < self.times.len() {
            // `starts[0]` is 0 ≤ i, so the point is at least 1.
            let k = self.starts.partition_point(|&s| s as usize <= i) - 1;
            Some(self.event_at(k, i))
        } else {
            self.pending.get(i - self.times.len()).copied()
        }
    }

    /// [`EventLog::get`] for a reader going through the log in order: `customer` is where
    /// the previous event's customer was in [`EventLog::customers`], kept by the caller, so
    /// that the next event is found without a search.
    #[inline]
    pub fn get_after(&self, i: usize, customer: &mut usize) -> Option<Event> {
        if i >= self.times.len() {
            return self.pending.get(i - self.times.len()).copied();
        }
        let mut k = *customer;
        if !self.run(k).contains(&i) {
            k = if self.run(k + 1).contains(&i) {
                k + 1
            } else {
                self.starts.partition_point(|&s| s as usize <= i) - 1
            };
            *customer = k;
        }
        Some(self.event_at(k, i))
    }

    /// The events of one customer, in time order (then type, properties, write time).
    pub fn of_customer(&self, customer: Uuid) -> Vec<Event> {
        let mut out: Vec<Event> = match self.ids.binary_search(&customer) {
            Ok(k) => self.run(k).map(|i| self.event_at(k, i)).collect(),
            Err(_) => Vec::new(),
        };
        let before = out.len();
        out.extend(self.pending.iter().filter(|e| e.customer_id == customer));
        if out.len() != before {
            out.sort_unstable_by(event_order);
        }
        out
    }

    /// Adds an event; the log is in its canonical order again after [`EventLog::normalize`].
    pub fn push(&mut self, event: Event) {
        self.pending.push(event);
    }

    /// Adds one customer's events (a stored log): straight into the columns when they belong
    /// after every customer there, as they do when a load reads the logs in id order;
    /// otherwise as [`EventLog::push`] would. Leaves `events` empty.
    pub fn add_customer_log(&mut self, events: &mut Vec<Event>) {
        let Some(first) = events.first() else { return };
        let id = first.customer_id;
        let after_all = self.pending.is_empty() && self.ids.last().is_none_or(|last| *last < id);
        if !after_all || events.iter().any(|e| e.customer_id != id) {
            self.pending.append(events);
            return;
        }
        sort_in_event_order(events);
        for e in events.drain(..) {
            self.push_in_order(e);
        }
    }

    /// Adds `events`, each replacing the one of ours with its identity (customer, type,
    /// time) if there is one: an import's events. Normalise afterwards.
    pub fn upsert(&mut self, events: Vec<Event>) {
        self.take_by_identity(events, |_, _| true, |_| true, |_| {});
    }

    /// Takes `incoming` events by identity (customer, type, time): one of ours with the same
    /// identity is replaced by it where `replace(ours, theirs)` says so, and one we do not
    /// have is added where `admit(theirs)` says so. `taken` is told of each event replaced
    /// or added. What merges and sync pulls do with records, in one binary search per event
    /// instead of a pass over all of ours. Normalise afterwards.
    pub fn take_by_identity(
        &mut self,
        incoming: impl IntoIterator<Item = Event>,
        mut replace: impl FnMut(&Event, &Event) -> bool,
        mut admit: impl FnMut(&Event) -> bool,
        mut taken: impl FnMut(&Event),
    ) {
        self.normalize();
        let mut added: FxHashMap<(Uuid, Sym, Timestamp), usize> = FxHashMap::default();
        // Customers whose events may be out of order after a replacement.
        let mut unsettled: Vec<usize> = Vec::new();
        for e in incoming {
            let key = (e.customer_id, e.kind, e.occurred_at);
            if let Some((k, i)) = self.position_of(key) {
                if replace(&self.event_at(k, i), &e) {
                    // Same customer, time and type: the event keeps its place in the order,
                    // unless a repeat of its identity sits beside it (properties and write
                    // time then decide between the two).
                    let n = self.shape_number(EventShape::of(&e));
                    self.shapes.set(i, n);
                    let run = self.run(k);
                    let same_time = |j: usize| run.contains(&j) && self.times[j] == e.occurred_at.0;
                    if same_time(i.wrapping_sub(1)) || same_time(i + 1) {
                        unsettled.push(k);
                    }
                    taken(&e);
                }
                continue;
            }
            let earlier = added.get(&key).copied();
            if let Some(slot) = earlier.and_then(|j| self.pending.get_mut(j)) {
                if replace(slot, &e) {
                    *slot = e;
                    taken(&e);
                }
            } else if admit(&e) {
                added.insert(key, self.pending.len());
                self.pending.push(e);
                taken(&e);
            }
        }
        unsettled.dedup();
        for k in unsettled {
            self.sort_run(k);
        }
    }

    /// Puts the events of the `k`th customer of the columns back in order.
    fn sort_run(&mut self, k: usize) {
        let run = self.run(k);
        let mut events: Vec<(i64, u32)> = run
            .clone()
            .map(|i| (self.times[i], self.shapes.get(i)))
            .collect();
        let table = &self.table;
        events
            .sort_unstable_by(|a, b| (a.0, &table[a.1 as usize]).cmp(&(b.0, &table[b.1 as usize])));
        for (i, (at, shape)) in run.zip(events) {
            self.times[i] = at;
            self.shapes.set(i, shape);
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Event) -> bool) {
        self.compact(|e, _| keep(&e));
        self.pending.retain(keep);
    }

    /// Drops the events of the customers `gone` names.
    pub fn remove_customers(&mut self, gone: impl Fn(&Uuid) -> bool) {
        let mut kept = 0;
        let mut w = 0;
        for k in 0..self.ids.len() {
            let run = self.run(k);
            let id = self.ids[k];
            if gone(&id) {
                continue;
            }
            let len = run.len();
            self.times.copy_within(run.clone(), w);
            self.shapes.copy_within(run, w);
            self.ids[kept] = id;
            self.starts[kept] = w as u32;
            kept += 1;
            w += len;
        }
        self.truncate_columns(kept, w);
        self.pending.retain(|e| !gone(&e.customer_id));
    }

    /// Puts the events in their canonical order ([`event_order`]).
    pub fn normalize(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.pending);
        sort_in_event_order(&mut pending);
        self.add_sorted(&mut pending);
    }

    /// Adds the events of `buffer` (any order) and normalises, leaving `buffer` empty with its
    /// capacity: a producer that makes events for customers in no particular order (the demo
    /// generator) adds them a buffer at a time, so that the events are never held at 48 bytes
    /// each all at once (wasm memory, once grown, is never given back).
    pub fn add_buffer(&mut self, buffer: &mut Vec<Event>) {
        self.normalize();
        sort_in_event_order(buffer);
        self.add_sorted(buffer);
    }

    /// Adds `events`, in [`event_order`], to the columns (the log normalised), leaving
    /// `events` empty: appended when they all belong after the columns' customers, merged
    /// into new columns otherwise.
    fn add_sorted(&mut self, events: &mut Vec<Event>) {
        let after_all = match (self.ids.last(), events.first()) {
            (Some(last), Some(first)) => *last < first.customer_id,
            _ => true,
        };
        if after_all {
            self.times.reserve(events.len());
            self.shapes.reserve(events.len());
            for e in events.drain(..) {
                self.push_in_order(e);
            }
        } else {
            let len = events.len();
            self.merge_sorted(events.drain(..), len);
        }
    }

    /// Merges `len` events in [`event_order`] into the columns, into new ones (the old ones
    /// are read while the new ones are written).
    fn merge_sorted(&mut self, pending: impl Iterator<Item = Event>, len: usize) {
        let total = self.times.len() + len;
        let mut out = EventLog {
            ids: Vec::with_capacity(self.ids.len() + 1),
            starts: Vec::with_capacity(self.ids.len() + 2),
            times: Vec::with_capacity(total),
            shapes: self.shapes.with_capacity_like(total),
            table: std::mem::take(&mut self.table),
            numbers: std::mem::take(&mut self.numbers),
            pending: Vec::new(),
        };
        out.starts.push(0);
        let mut theirs = pending.peekable();
        let mut k = 0;
        loop {
            let ours = self.ids.get(k).copied();
            let next = theirs.peek().map(|e| e.customer_id);
            let ours_first = match (ours, next) {
                (None, None) => break,
                (Some(o), n) => n.is_none_or(|n| o < n),
                (None, Some(_)) => false,
            };
            if ours_first {
                // A customer only we have: the whole range at once.
                let run = self.run(k);
                out.ids.push(self.ids[k]);
                out.times.extend_from_slice(&self.times[run.clone()]);
                out.shapes.extend_from(&self.shapes, run);
                out.starts.push(out.times.len() as u32);
                k += 1;
                continue;
            }
            let Some(id) = next else { break };
            let mut ours_left = if ours == Some(id) {
                k += 1;
                self.run(k - 1)
            } else {
                0..0
            };
            while let Some(e) = theirs.next_if(|e| e.customer_id == id) {
                let shape = EventShape::of(&e);
                // Ours that come before it.
                while let Some(i) = ours_left.clone().next() {
                    let our = (self.times[i], &out.table[self.shapes.get(i) as usize]);
                    if our.cmp(&(e.occurred_at.0, &shape)) == Ordering::Greater {
                        break;
                    }
                    out.push_number_in_order(id, Timestamp(self.times[i]), self.shapes.get(i));
                    ours_left.next();
                }
                let n = out.shape_number(shape);
                out.push_number_in_order(id, e.occurred_at, n);
            }
            for i in ours_left {
                out.push_number_in_order(id, Timestamp(self.times[i]), self.shapes.get(i));
            }
        }
        *self = out;
    }

    /// Whether the events are in time order across all customers (one customer's are once
    /// normalised; several customers' seldom are).
    pub fn is_sorted_by_time(&self) -> bool {
        self.iter().is_sorted_by_key(|e| e.occurred_at)
    }

    /// Drops exact repeats of an event's identity (customer, type, time) that lie next to
    /// each other in the normalised order, keeping the first.
    pub fn dedup_identities(&mut self) {
        self.compact(|e, previous| {
            previous.is_none_or(|(at, shape)| at != e.occurred_at || shape.kind != e.kind)
        });
        self.pending.dedup_by(|a, b| {
            a.occurred_at == b.occurred_at && a.customer_id == b.customer_id && a.kind == b.kind
        });
    }

    /// Keeps only the `n` most recent events: the last `n` by time, then customer, type,
    /// properties and write time.
    pub fn keep_recent(&mut self, n: usize) {
        self.normalize();
        let len = self.times.len();
        if n >= len {
            return;
        }
        if n == 0 {
            *self = EventLog {
                table: std::mem::take(&mut self.table),
                numbers: std::mem::take(&mut self.numbers),
                ..EventLog::default()
            };
            return;
        }
        // The time of the oldest event kept.
        let mut times = self.times.clone();
        let cut = Timestamp(*times.select_nth_unstable(len - n).1);
        drop(times);
        let newer = self.times.iter().filter(|&&t| t > cut.0).count();
        let at_cut = self.times.iter().filter(|&&t| t == cut.0).count();
        // Of the events at the cut time, the last ones by customer, type, properties and
        // write time stay: in the columns' order (customer, then time, then shape) they come
        // in exactly that order, so the first `at_cut - (n - newer)` of them go.
        let mut dropped_at_cut = at_cut - (n - newer);
        self.compact(|e, _| match e.occurred_at.cmp(&cut) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal if dropped_at_cut > 0 => {
                dropped_at_cut -= 1;
                false
            }
            Ordering::Equal => true,
        });
    }

    pub fn contains(&self, event: &Event) -> bool {
        let in_columns = match self.ids.binary_search(&event.customer_id) {
            Ok(k) => self.run(k).any(|i| self.event_at(k, i) == *event),
            Err(_) => false,
        };
        in_columns || self.pending.contains(event)
    }

    /// How many events the log has room for without growing.
    pub fn capacity(&self) -> usize {
        self.times.capacity().min(self.shapes.capacity()) + self.pending.capacity()
    }

    /// The bytes the log holds on the heap, by capacity: what its events cost the tab.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.ids.capacity() * size_of::<Uuid>()
            + self.starts.capacity() * size_of::<u32>()
            + self.times.capacity() * size_of::<i64>()
            + self.shapes.heap_bytes()
            + self.table.capacity() * size_of::<EventShape>()
            // A hash table's slots and their control bytes.
            + self.numbers.capacity() * (size_of::<(EventShape, u32)>() + 1)
            + self.pending.capacity() * size_of::<Event>()
    }

    pub fn reserve_exact(&mut self, additional: usize) {
        self.times.reserve_exact(additional);
        self.shapes.reserve_exact(additional);
    }

    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.starts.shrink_to_fit();
        self.times.shrink_to_fit();
        self.shapes.shrink_to_fit();
        self.table.shrink_to_fit();
        self.numbers.shrink_to_fit();
        self.pending.shrink_to_fit();
    }

    /// The events as a vector, in the log's order.
    pub fn to_vec(&self) -> Vec<Event> {
        self.iter().collect()
    }

    pub fn into_vec(self) -> Vec<Event> {
        self.to_vec()
    }

    /// Whether every event is in the columns (nothing added since the last normalise): what
    /// readers of the columns ([`EventLog::customers`] and the like) need.
    pub fn is_normalized(&self) -> bool {
        self.pending.is_empty()
    }

    /// The customers with events in the columns, ascending: customer `k`'s events are
    /// [`EventLog::run`]`(k)` of [`EventLog::times`] and [`EventLog::shape_numbers`].
    pub fn customers(&self) -> &[Uuid] {
        &self.ids
    }

    /// Where the events of the `k`th customer of [`EventLog::customers`] are in the columns.
    #[inline]
    pub fn run(&self, k: usize) -> Range<usize> {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// Where the events of `customer` are in the columns (empty if it has none there).
    pub fn run_of(&self, customer: &Uuid) -> Range<usize> {
        self.ids
            .binary_search(customer)
            .map_or(0..0, |k| self.run(k))
    }

    /// The events of the `k`th customer of [`EventLog::customers`], in order.
    pub fn run_events(&self, k: usize) -> impl Iterator<Item = Event> + '_ {
        self.run(k).map(move |i| self.event_at(k, i))
    }

    /// The log itself if it is normalised, or a normalised copy.
    pub fn normalized(&self) -> std::borrow::Cow<'_, EventLog> {
        if self.is_normalized() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut copy = self.clone();
            copy.normalize();
            std::borrow::Cow::Owned(copy)
        }
    }

    /// Each customer of the columns with where their events are.
    pub fn runs(&self) -> impl Iterator<Item = (Uuid, Range<usize>)> + '_ {
        (0..self.ids.len()).map(|k| (self.ids[k], self.run(k)))
    }

    /// The columns' event times, in milliseconds since the Unix epoch (UTC).
    #[inline]
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// The columns' events' numbers in [`EventLog::shapes`].
    #[inline]
    pub fn shape_numbers(&self) -> ShapeNumbers<'_> {
        self.shapes.view()
    }

    /// The distinct shapes, by number (including some no event may have any more).
    #[inline]
    pub fn shapes(&self) -> &[EventShape] {
        &self.table
    }

    /// The events added since the last normalise, for the crate's loads that sort them in
    /// steps before [`EventLog::normalize`] takes them (which then need not sort).
    pub(crate) fn pending_mut(&mut self) -> &mut Vec<Event> {
        &mut self.pending
    }

    // ---- inside the columns ----

    #[inline]
    fn event_at(&self, k: usize, i: usize) -> Event {
        let shape = self.table[self.shapes.get(i) as usize];
        Event {
            customer_id: self.ids[k],
            kind: shape.kind,
            occurred_at: Timestamp(self.times[i]),
            props: shape.props,
            updated_at: shape.updated_at,
        }
    }

    fn shape_number(&mut self, shape: EventShape) -> u32 {
        if let Some(&n) = self.numbers.get(&shape) {
            return n;
        }
        let n = self.table.len() as u32;
        self.table.push(shape);
        self.numbers.insert(shape, n);
        n
    }

    /// Appends an event that belongs after every event of the columns.
    fn push_in_order(&mut self, e: Event) {
        let n = self.shape_number(EventShape::of(&e));
        self.push_number_in_order(e.customer_id, e.occurred_at, n);
    }

    fn push_number_in_order(&mut self, customer: Uuid, at: Timestamp, shape: u32) {
        if self.ids.last() != Some(&customer) {
            self.ids.push(customer);
            self.starts.push(self.times.len() as u32);
        }
        self.times.push(at.0);
        self.shapes.push(shape);
        if let Some(end) = self.starts.last_mut() {
            *end = self.times.len() as u32;
        }
    }

    /// The customer's run and the event with this identity (customer, type, time).
    fn position_of(&self, (customer, kind, at): (Uuid, Sym, Timestamp)) -> Option<(usize, usize)> {
        let k = self.ids.binary_search(&customer).ok()?;
        let run = self.run(k);
        let times = &self.times[run.clone()];
        let from = run.start + times.partition_point(|&t| t < at.0);
        (from..run.end)
            .take_while(|&i| self.times[i] == at.0)
            .find(|&i| self.table[self.shapes.get(i) as usize].kind == kind)
            .map(|i| (k, i))
    }

    /// Keeps the columns' events `keep` says to keep, in order; `keep` is given the event
    /// and the time and shape of the last event kept before it of the same customer.
    fn compact(&mut self, mut keep: impl FnMut(Event, Option<(Timestamp, EventShape)>) -> bool) {
        let (mut kept_runs, mut w) = (0, 0);
        for k in 0..self.ids.len() {
            let run = self.run(k);
            let w0 = w;
            let mut previous = None;
            for i in run {
                let e = self.event_at(k, i);
                if keep(e, previous) {
                    previous = Some((e.occurred_at, EventShape::of(&e)));
                    self.times[w] = self.times[i];
                    let n = self.shapes.get(i);
                    self.shapes.set(w, n);
                    w += 1;
                }
            }
            // Only places before `k` are written, and only `k + 1` and later are read next.
            if w > w0 {
                self.ids[kept_runs] = self.ids[k];
                self.starts[kept_runs] = w0 as u32;
                kept_runs += 1;
            }
        }
        self.truncate_columns(kept_runs, w);
    }

    fn truncate_columns(&mut self, runs: usize, events: usize) {
        self.ids.truncate(runs);
        self.starts.truncate(runs);
        self.starts.push(events as u32);
        self.times.truncate(events);
        self.shapes.truncate(events);
    }
}

/// Sorts `events` into [`event_order`] unless they already are (a load's stored logs and a
/// producer's runs often are). Unstable: the key identifies a record, so the result is still
/// one fixed order, and a stable sort would allocate half the events again (wasm memory never
/// shrinks).
fn sort_in_event_order(events: &mut [Event]) {
    if !events.is_sorted_by(|a, b| event_order(a, b) != Ordering::Greater) {
        events.sort_unstable_by(event_order);
    }
}

/// The events of an [`EventLog`] by value: the columns' customer by customer, then those
/// added since.
pub struct Iter<'a> {
    log: &'a EventLog,
    /// The customer (in `log.ids`) of the event at `i`, which ends at `end`.
    k: usize,
    i: usize,
    end: usize,
    pending: std::slice::Iter<'a, Event>,
}

impl Iterator for Iter<'_> {
    type Item = Event;

    #[inline]
    fn next(&mut self) -> Option<Event> {
        loop {
            if self.i < self.end {
                let e = self.log.event_at(self.k, self.i);
                self.i += 1;
                return Some(e);
            }
            if self.k + 1 < self.log.ids.len() {
                self.k += 1;
                self.end = self.log.run(self.k).end;
                continue;
            }
            return self.pending.next().copied();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.log.times.len().saturating_sub(self.i) + self.pending.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl PartialEq for EventLog {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for EventLog {}

impl From<Vec<Event>> for EventLog {
    fn from(events: Vec<Event>) -> Self {
        EventLog {
            pending: events,
            ..EventLog::default()
        }
    }
}

impl FromIterator<Event> for EventLog {
    fn from_iter<I: IntoIterator<Item = Event>>(iter: I) -> Self {
        EventLog::from(iter.into_iter().collect::<Vec<Event>>())
    }
}

impl Extend<Event> for EventLog {
    fn extend<I: IntoIterator<Item = Event>>(&mut self, iter: I) {
        self.pending.extend(iter);
    }
}

impl<'a> IntoIterator for &'a EventLog {
    type Item = Event;
    type IntoIter = Iter<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Shown as the list of its events in time order (then customer, type, properties, write
/// time): the order the log had before it was held by customer, so the demo's fingerprint,
/// which hashes the Debug text of the data, did not change with the layout.
impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut events = self.to_vec();
        events.sort_unstable_by(|a, b| {
            (a.occurred_at, a.customer_id, EventShape::of(a)).cmp(&(
                b.occurred_at,
                b.customer_id,
                EventShape::of(b),
            ))
        });
        f.debug_list().entries(events).finish()
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
