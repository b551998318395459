//! Event rows: a customer id, a behaviour and a time, optionally the item, category and
//! channel. Behaviour words become the funnel's event types (`pv` → `view`, see
//! [`super::values::event_kind`]). An event's identity is (customer, type, time): rows
//! repeating one are imported once. The `files` feature only.

use super::draft::{EventDraft, EventDrafts};
use super::mapping::Field;
use super::row::{CustomerRefs, RowCtx, RowOutcome, SymCache, TimeColumn, customer_id};
use super::values;
use crate::model::EventProps;
use crate::sym::Sym;

#[derive(Default)]
pub(crate) struct EventReader {
    events: Vec<EventDraft>,
    refs: CustomerRefs,
    kinds: SymCache,
    channels: SymCache,
}

impl EventReader {
    pub fn read(&mut self, ctx: &mut RowCtx, time: &mut TimeColumn) -> RowOutcome {
        let customer_cell = ctx.get(Field::CustomerId);
        let customer = match customer_id(ctx, &customer_cell) {
            Ok(Some(c)) => Some(c),
            Ok(None) => return RowOutcome::MissingCustomer,
            Err(()) => None,
        };
        let kinds = &mut self.kinds;
        let kind = ctx.required(Field::EventType, |s| Ok(kinds.get(s, values::event_kind)));
        let at = ctx.required(Field::OccurredAt, |s| time.parse(s));
        // Items and categories are many and rarely repeat within a chunk: interned directly.
        let sym = |field: Field| {
            let cell = ctx.get(field)?;
            values::id_slice(&cell).ok().flatten().map(Sym::new)
        };
        let item = sym(Field::Item);
        let category = sym(Field::Category);
        let channel = ctx.get(Field::Channel).and_then(|c| {
            let t = values::text(&c)?;
            Some(self.channels.get(t, values::channel_code))
        });
        let (Some(customer), Some(kind), Some(at)) = (customer, kind, at) else {
            return RowOutcome::Error;
        };
        if !ctx.errors.is_empty() {
            return RowOutcome::Error;
        }
        let customer = self.refs.note(customer, at, None);
        self.events.push(EventDraft {
            customer,
            kind,
            at,
            props: EventProps {
                channel,
                item,
                category,
            },
        });
        RowOutcome::Imported
    }
    pub fn finish(self) -> EventDrafts {
        EventDrafts {
            events: self.events,
            refs: self.refs.into_list(),
        }
    }
}
