//! Events grouped by customer, built once per data change and shared by every funnel
//! computation (the app keeps it in a memo).
//!
//! `Dataset::events` is sorted by time across all customers; a funnel needs each customer's
//! events together. A counting sort of event indices by customer position does that in two
//! linear passes, and as it is stable each customer's events stay in time order. The index
//! holds 4 bytes per event and per customer — not a copy of the events, which would double
//! the largest part of the tab's memory.

use crate::dataset::Dataset;

/// The owner of an event whose customer is not in the dataset.
const UNKNOWN: u32 = u32::MAX;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventIndex {
    /// `order[starts[p]..starts[p + 1]]` are the events of the customer at position `p`.
    starts: Vec<u32>,
    /// Indices into `Dataset::events`, grouped by customer, each group in time order.
    order: Vec<u32>,
    /// Events whose customer is not in `Dataset::customers`: ignored, but counted so the
    /// page can say so.
    unknown: usize,
    /// The sizes it was built for, to notice being used with other data.
    customers: usize,
    events: usize,
}

impl EventIndex {
    pub fn build(data: &Dataset) -> Self {
        let positions = data.customer_positions();
        // u32 positions and indices: half the memory of usize on native targets, and the
        // browser's 4 GiB address space cannot hold more events than that anyway.
        let owner: Vec<u32> = data
            .events
            .iter()
            .map(|e| positions.get(&e.customer_id).map_or(UNKNOWN, |&p| p as u32))
            .collect();
        let n = data.customers.len();
        let mut starts = vec![0u32; n + 1];
        let mut unknown = 0;
        for &p in &owner {
            // No arithmetic on the marker: `u32::MAX + 1` overflows on 32-bit wasm.
            match p {
                UNKNOWN => unknown += 1,
                p => starts[p as usize + 1] += 1,
            }
        }
        for p in 0..n {
            starts[p + 1] += starts[p];
        }
        let mut next: Vec<u32> = starts[..n].to_vec();
        let mut order = vec![0u32; data.events.len() - unknown];
        for (i, &p) in owner.iter().enumerate() {
            if p != UNKNOWN {
                let slot = &mut next[p as usize];
                order[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        let mut index = EventIndex {
            starts,
            order,
            unknown,
            customers: n,
            events: data.events.len(),
        };
        index.sort_unsorted_groups(data);
        index
    }

    /// Normalised data is already in time order; data that is not (events appended by an
    /// import before `normalize`) is put in order here, customer by customer.
    fn sort_unsorted_groups(&mut self, data: &Dataset) {
        let time = |i: &u32| data.events.get(*i as usize).map(|e| e.occurred_at);
        for p in 0..self.customers {
            let (a, b) = (self.starts[p] as usize, self.starts[p + 1] as usize);
            let group = &mut self.order[a..b];
            if !group.is_sorted_by_key(time) {
                group.sort_by_key(|i| (time(i), *i));
            }
        }
    }

    /// Whether the index was built for data of these sizes (a stale index is rebuilt by the
    /// computations rather than read out of bounds).
    pub fn fits(&self, data: &Dataset) -> bool {
        self.customers == data.customers.len() && self.events == data.events.len()
    }

    /// The event indices of the customer at `position`, in time order.
    pub fn customer_events(&self, position: usize) -> &[u32] {
        let (a, b) = self.event_span(position);
        self.order.get(a..b).unwrap_or(&[])
    }

    /// The event indices of the customers at positions `from..to`, one after the other.
    pub(super) fn events_of_range(&self, from: usize, to: usize) -> &[u32] {
        let (a, b) = (self.first_event_of(from), self.first_event_of(to));
        self.order.get(a..b).unwrap_or(&[])
    }

    /// Where the events of the customer at `position` start in the grouped order (the end
    /// for positions past the last customer).
    pub(super) fn first_event_of(&self, position: usize) -> usize {
        let last = self.starts.last().copied().unwrap_or(0);
        self.starts.get(position).copied().unwrap_or(last) as usize
    }

    /// The customer's events as a range of the grouped order.
    pub(super) fn event_span(&self, position: usize) -> (usize, usize) {
        let a = self.first_event_of(position);
        (a, self.first_event_of(position + 1).max(a))
    }

    /// Events whose customer is unknown (ignored by funnels).
    pub fn unknown_customer_events(&self) -> usize {
        self.unknown
    }

    pub fn customer_count(&self) -> usize {
        self.customers
    }
}
