//! Where each customer's events are, built once per data change and shared by every funnel
//! computation (the app keeps it in a memo).
//!
//! The [`crate::EventLog`] holds the events customer by customer (customers in id order),
//! each customer's in time order; a funnel goes through `Dataset::customers` by position.
//! The index is each position's range of the log's columns: 8 bytes per customer, found with
//! one lookup per customer of the log. (It was a list of event indices grouped by customer,
//! 4 bytes per event, built by a counting sort over all events: 1.5 s at 10 M events.)

use crate::EventLog;
use crate::dataset::Dataset;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use uuid::Uuid;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventIndex {
    /// `spans[p]` is the range of the log's columns holding the events of the customer at
    /// position `p` (empty if none).
    spans: Vec<(u32, u32)>,
    /// The positions of the customers with events, in the order of their events in the log:
    /// a pass in this order reads the columns front to back. (In position order it jumped
    /// about 80 MB of times at 500,000 customers, a cache miss per customer: a third of the
    /// funnel's time.)
    in_log_order: Vec<u32>,
    /// Events whose customer is not in `Dataset::customers`: ignored, but counted so the
    /// page can say so.
    unknown: usize,
    /// A normalised copy of the events, when the data's log had events not yet in its
    /// columns (an import's, before `normalize`); `None` for normalised data, the usual case.
    copy: Option<EventLog>,
    /// The sizes it was built for, to notice being used with other data.
    customers: usize,
    events: usize,
}

impl EventIndex {
    pub fn build(data: &Dataset) -> Self {
        let mut builder = EventIndexBuilder::new(data);
        while !builder.step(data, usize::MAX) {}
        builder.finish(data)
    }

    /// Whether the index was built for data of these sizes (a stale index is rebuilt by the
    /// computations rather than read out of bounds).
    pub fn fits(&self, data: &Dataset) -> bool {
        self.customers == data.customers.len()
            && self.events == data.events.len()
            && (self.copy.is_some() || data.events.is_normalized())
    }

    /// The log the spans point into: the data's, or the index's normalised copy of it.
    pub fn log<'a>(&'a self, data: &'a Dataset) -> &'a EventLog {
        self.copy.as_ref().unwrap_or(&data.events)
    }

    /// The customer's events as a range of the log's columns ([`EventIndex::log`]).
    pub fn event_span(&self, position: usize) -> (usize, usize) {
        self.spans
            .get(position)
            .map_or((0, 0), |&(a, b)| (a as usize, b as usize))
    }

    /// The positions of the customers with events, in the order their events are in the log
    /// (the order to read them in).
    pub fn positions_in_log_order(&self) -> &[u32] {
        &self.in_log_order
    }

    /// How many events the customer at `position` has.
    pub fn event_count(&self, position: usize) -> usize {
        let (a, b) = self.event_span(position);
        b - a
    }

    /// Events whose customer is unknown (ignored by funnels).
    pub fn unknown_customer_events(&self) -> usize {
        self.unknown
    }

    pub fn customer_count(&self) -> usize {
        self.customers
    }
}

/// [`EventIndex::build`] a bounded number of customers at a time, so that the app builds half
/// a million customers' index (~100 ms in one go) in slices with the browser painting between
/// them. The data must stay the same from the first step to the last.
pub struct EventIndexBuilder {
    /// The log's normalised copy, when the data's log had events not yet in its columns (an
    /// import's, before `normalize`): then everything is built in the first step.
    copy: Option<EventLog>,
    positions: FxHashMap<Uuid, u32>,
    spans: Vec<(u32, u32)>,
    in_log_order: Vec<u32>,
    unknown: usize,
    phase: Phase,
}

/// Where the build is.
enum Phase {
    /// Numbering the customers by position (cursor over `Dataset::customers`).
    Positions(usize),
    /// Finding each of the log's customers (cursor over [`EventLog::customers`]).
    Runs(usize),
    Done,
}

impl EventIndexBuilder {
    pub fn new(data: &Dataset) -> Self {
        let copy = match data.events.normalized() {
            Cow::Borrowed(_) => None,
            Cow::Owned(copy) => Some(copy),
        };
        let n = data.customers.len();
        EventIndexBuilder {
            in_log_order: Vec::with_capacity(
                copy.as_ref().unwrap_or(&data.events).customers().len(),
            ),
            copy,
            positions: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            spans: vec![(0, 0); n],
            unknown: 0,
            phase: Phase::Positions(0),
        }
    }

    /// Goes over about `budget` more customers (at least one); true when the index is built.
    pub fn step(&mut self, data: &Dataset, budget: usize) -> bool {
        let budget = if self.copy.is_some() {
            usize::MAX
        } else {
            budget.max(1)
        };
        loop {
            match self.phase {
                Phase::Positions(from) => {
                    let to = data.customers.len().min(from.saturating_add(budget));
                    for (p, c) in data.customers.iter().enumerate().take(to).skip(from) {
                        // Positions beyond u32 (no workspace comes near) are left out: their
                        // events count as a stranger's rather than land on another customer.
                        if let Ok(p) = u32::try_from(p) {
                            self.positions.insert(c.id, p);
                        }
                    }
                    self.phase = if to == data.customers.len() {
                        Phase::Runs(0)
                    } else {
                        Phase::Positions(to)
                    };
                }
                Phase::Runs(from) => {
                    let log = self.copy.as_ref().unwrap_or(&data.events);
                    let ids = log.customers();
                    let to = ids.len().min(from.saturating_add(budget));
                    for (k, id) in ids.iter().enumerate().take(to).skip(from) {
                        let run = log.run(k);
                        match self
                            .positions
                            .get(id)
                            .and_then(|&p| Some((p, self.spans.get_mut(p as usize)?)))
                        {
                            Some((p, span)) => {
                                *span = (run.start as u32, run.end as u32);
                                self.in_log_order.push(p);
                            }
                            None => self.unknown += run.len(),
                        }
                    }
                    self.phase = if to == ids.len() {
                        Phase::Done
                    } else {
                        Phase::Runs(to)
                    };
                }
                Phase::Done => return true,
            }
            // A copy's index is built in one go; otherwise one phase's part per step.
            if self.copy.is_none() {
                return matches!(self.phase, Phase::Done);
            }
        }
    }

    pub fn finish(self, data: &Dataset) -> EventIndex {
        EventIndex {
            spans: self.spans,
            in_log_order: self.in_log_order,
            unknown: self.unknown,
            copy: self.copy,
            customers: data.customers.len(),
            events: data.events.len(),
        }
    }
}
