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
use std::borrow::Cow;

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
        let log = data.events.normalized();
        let positions = data.customer_positions();
        let mut spans = vec![(0u32, 0u32); data.customers.len()];
        let mut in_log_order = Vec::with_capacity(log.customers().len());
        let mut unknown = 0;
        for (id, run) in log.runs() {
            match positions
                .get(&id)
                .and_then(|&p| Some((p, spans.get_mut(p)?)))
            {
                Some((p, span)) => {
                    *span = (run.start as u32, run.end as u32);
                    in_log_order.push(p as u32);
                }
                None => unknown += run.len(),
            }
        }
        EventIndex {
            spans,
            in_log_order,
            unknown,
            copy: match log {
                Cow::Borrowed(_) => None,
                Cow::Owned(copy) => Some(copy),
            },
            customers: data.customers.len(),
            events: data.events.len(),
        }
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
