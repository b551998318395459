//! A customer's behaviour events: the funnel path before each order and browsing sessions
//! that did not convert.

use super::generator::{Archetype, Generator};
use super::tables::*;
use crate::model::{event_type as et, *};
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND, Timestamp};
use rand::Rng;
use uuid::Uuid;

impl Generator {
    /// One of the 400 items of a category, as an interned id like `SKU30123`.
    pub(super) fn item(&mut self, category: usize) -> Sym {
        let n = self.rng.gen_range(0..400);
        Sym::new(&format!("SKU{}{n:04}", category + 1))
    }

    pub(super) fn event(
        &self,
        customer: Uuid,
        kind: &str,
        at: Timestamp,
        props: EventProps,
    ) -> Event {
        Event {
            customer_id: customer,
            kind: Sym::new(kind),
            occurred_at: at,
            props,
            updated_at: self.written_at,
        }
    }

    /// The funnel path before each order, and browsing sessions that did not convert.
    pub(super) fn sessions_for(
        &mut self,
        customer: &Customer,
        archetype: Archetype,
        orders: &[(Order, usize)],
    ) {
        for (order, cat) in orders {
            let (t, cat) = (order.ordered_at, *cat);
            let item = Some(self.item(cat));
            let category = Some(Sym::new(CATEGORIES[cat].0));
            let channel = Some(order.channel);
            let to_cart = self.rng.gen_range(1..20) * MS_PER_MINUTE;
            let to_view = to_cart + self.rng.gen_range(1..10) * MS_PER_MINUTE;
            let to_visit = to_view + self.rng.gen_range(10..300) * MS_PER_SECOND;
            let pay_after = self.rng.gen_range(5..600) * MS_PER_SECOND;
            let id = customer.id;
            let path = [
                (et::VISIT, t.plus_millis(-to_visit)),
                (et::VIEW, t.plus_millis(-to_view)),
                (et::ADD_TO_CART, t.plus_millis(-to_cart)),
                (et::CHECKOUT, t),
                (et::PAY, t.plus_millis(pay_after)),
            ];
            for (kind, at) in path {
                let props = step_props(kind, channel, item, category);
                let e = self.event(id, kind, at, props);
                self.events.push(e);
            }
        }
        // Browsing that did not lead to an order: most visits end on the first page.
        let extra = match archetype {
            Archetype::Prospect => 1 + self.below(6),
            Archetype::Lapsed => 1 + self.below(4),
            _ => orders.len() * (1 + self.below(3)) + self.below(4),
        };
        let until = match (archetype, orders.last()) {
            (Archetype::Lapsed, Some((o, _))) => o.ordered_at.plus_millis(60 * MS_PER_DAY),
            _ => self.end.plus_millis(-MS_PER_MINUTE * 60),
        }
        .min(self.end.plus_millis(-MS_PER_MINUTE * 60));
        for _ in 0..extra {
            if until <= customer.created_at {
                break;
            }
            let start = self.shopping_time(customer.created_at, until);
            let depth = match self.rng.gen_range(0..100) {
                0..=54 => 1,
                55..=84 => 2,
                85..=95 => 3,
                _ => 4,
            };
            let cat = self.below(CATEGORIES.len());
            let item = Some(self.item(cat));
            let category = Some(Sym::new(CATEGORIES[cat].0));
            let channel = customer.channel.map(Sym::as_str).map(Sym::new);
            let mut at = start;
            for kind in &et::FUNNEL[..depth] {
                let props = step_props(kind, channel, item, category);
                let e = self.event(customer.id, kind, at, props);
                self.events.push(e);
                at = at.plus_millis(self.rng.gen_range(20..900) * MS_PER_SECOND);
            }
        }
    }
}

/// What a funnel step's event says: a visit its channel, a view or an add-to-cart the item
/// and its category, the later steps nothing.
fn step_props(
    kind: &str,
    channel: Option<Sym>,
    item: Option<Sym>,
    category: Option<Sym>,
) -> EventProps {
    match kind {
        et::VISIT => EventProps {
            channel,
            ..EventProps::default()
        },
        et::VIEW | et::ADD_TO_CART => EventProps {
            channel: None,
            item,
            category,
        },
        _ => EventProps::default(),
    }
}
