//! The events section's frozen DTOs: events grouped by customer in time order, times
//! delta-coded, kinds and properties through the dictionary.

use super::DecodeError;
use super::compact::{Delta, Dictionary, Millis, lookup, required};
use super::tombstones::TombstoneV2;
use crate::EventLog;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
pub(super) struct EventsV2 {
    strings: Vec<String>,
    groups: Vec<([u8; 16], Vec<EventV2>)>,
    pub(super) tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct EventV2 {
    kind: u32,
    /// From the previous event of the same customer.
    at: Millis,
    /// From the previous event's `updated_at`.
    updated: i64,
    channel: u32,
    item: u32,
    category: u32,
}

impl EventV2 {
    pub(super) fn new(
        e: &Event,
        dict: &mut Dictionary,
        at: &mut Delta,
        updated: &mut Delta,
    ) -> Self {
        EventV2 {
            kind: dict.sym(Some(e.kind)),
            at: Millis::split(at.encode(e.occurred_at.0)),
            updated: updated.encode(e.updated_at.0),
            channel: dict.sym(e.props.channel),
            item: dict.sym(e.props.item),
            category: dict.sym(e.props.category),
        }
    }

    pub(super) fn into_event(
        self,
        customer: [u8; 16],
        syms: &[Sym],
        time: &mut Delta,
        updated: &mut Delta,
    ) -> Result<Event, DecodeError> {
        let e = self;
        Ok(Event {
            customer_id: Uuid::from_bytes(customer),
            kind: required(syms, e.kind)?,
            occurred_at: Timestamp(time.decode(e.at.join())),
            props: EventProps {
                channel: lookup(syms, e.channel)?,
                item: lookup(syms, e.item)?,
                category: lookup(syms, e.category)?,
            },
            updated_at: Timestamp(updated.decode(e.updated)),
        })
    }
}

/// The events section: one group per customer, in the log's order (customers by id, each
/// customer's events in time order, which keeps the deltas small and positive).
pub(super) fn events_v2(log: &EventLog, tombstones: Vec<TombstoneV2>) -> EventsV2 {
    let log = log.normalized();
    let mut dict = Dictionary::default();
    let mut updated = Delta::default();
    let groups = (log.customers().iter().enumerate())
        .map(|(k, customer)| {
            let mut at = Delta::default();
            let encoded = log
                .run_events(k)
                .map(|e| EventV2::new(&e, &mut dict, &mut at, &mut updated))
                .collect();
            (customer.into_bytes(), encoded)
        })
        .collect();
    EventsV2 {
        strings: dict.strings,
        groups,
        tombstones,
    }
}

impl EventsV2 {
    pub(super) fn into_events(self) -> Result<Vec<Event>, DecodeError> {
        let syms: Vec<Sym> = self.strings.iter().map(|s| Sym::new(s)).collect();
        let mut out = Vec::with_capacity(self.groups.iter().map(|(_, l)| l.len()).sum());
        let mut updated = Delta::default();
        for (customer, list) in self.groups {
            let mut time = Delta::default();
            for e in list {
                out.push(e.into_event(customer, &syms, &mut time, &mut updated)?);
            }
        }
        crate::sorting::sort_by(&mut out, |a, b| {
            (a.occurred_at, a.customer_id, &a.kind).cmp(&(b.occurred_at, b.customer_id, &b.kind))
        });
        Ok(out)
    }
}
