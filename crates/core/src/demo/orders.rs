//! A customer's orders (by archetype, on the shopping calendar, priced around their
//! category's median) and the refunds of some of them.

use super::generator::{Archetype, Generator};
use super::tables::*;
use crate::model::*;
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, MS_PER_MINUTE, Timestamp, china_offset};
use rand::Rng;
use rand::distributions::Distribution;

impl Generator {
    /// The customer's orders, each with the index of its main category in [`CATEGORIES`].
    pub(super) fn orders_for(
        &mut self,
        customer: &Customer,
        archetype: Archetype,
    ) -> Vec<(Order, usize)> {
        // Leave room after the last order for its pay event.
        let last = self.end.plus_millis(-2 * 60 * MS_PER_MINUTE);
        let first = customer.created_at;
        let (count, until) = match archetype {
            Archetype::Prospect => (0, last),
            Archetype::OneTime => (1, last),
            Archetype::Repeat => (self.rng.gen_range(2..=5), last),
            Archetype::Loyal => (self.rng.gen_range(6..=20), last),
            Archetype::Business => (self.rng.gen_range(4..=14), last),
            Archetype::Lapsed => {
                // They bought for a while, then stopped at least 200 days ago.
                let stop = last.plus_millis(-self.rng.gen_range(200..500) * MS_PER_DAY);
                (self.rng.gen_range(2..=6), stop)
            }
        };
        if count == 0 || until <= first {
            return Vec::new();
        }
        let favourite = self.below(CATEGORIES.len());
        let mut times: Vec<Timestamp> = (0..count)
            .map(|_| self.shopping_time(first, until))
            .collect();
        times.sort();
        let home_channel = customer
            .channel
            .map_or_else(|| "tmall".to_string(), |c| c.to_string());
        times
            .into_iter()
            .map(|ordered_at| {
                let category = if self.chance(0.6) {
                    favourite
                } else {
                    self.below(CATEGORIES.len())
                };
                let median_yuan = f64::from(CATEGORIES[category].1);
                let scale = if archetype == Archetype::Business {
                    12.0
                } else {
                    1.0
                };
                let yuan = median_yuan * scale * (0.6 * self.normal()).exp();
                // Prices end in .00, .90 or .99 as shops set them.
                let cents = ((yuan.max(9.9) as i64) * 100) + [0, 90, 99][self.below(3)];
                let channel = if self.chance(0.7) {
                    home_channel.clone()
                } else {
                    CHANNEL_WEIGHTS[self.channels.sample(&mut self.rng)]
                        .0
                        .to_string()
                };
                self.order_seq += 1;
                let date = ordered_at.format_date(china_offset()).replace('-', "");
                let order = Order {
                    id: self.uuid(),
                    customer_id: customer.id,
                    source_order_id: format!(
                        "{}{}{:07}",
                        order_prefix(&channel),
                        date,
                        self.order_seq
                    ),
                    ordered_at,
                    amount_cents: cents,
                    item_count: 1 + (self.rng.r#gen::<f64>().powi(3) * 5.0) as u32,
                    channel: Sym::new(&channel),
                    status: OrderStatus::Paid,
                    updated_at: self.written_at,
                };
                (order, category)
            })
            .collect()
    }

    /// About one order in 25 is returned, in full or in part, a few days after it was paid.
    pub(super) fn refunds_for(&mut self, orders: &[(Order, usize)]) -> Vec<Order> {
        let latest = self.end.plus_millis(-MS_PER_MINUTE);
        let mut refunds = Vec::new();
        for (order, _) in orders {
            if !self.chance(0.04) {
                continue;
            }
            let full = self.chance(0.7);
            let days = self.rng.gen_range(1..15) * MS_PER_DAY;
            refunds.push(Order {
                id: self.uuid(),
                customer_id: order.customer_id,
                source_order_id: format!("{}-R", order.source_order_id),
                ordered_at: order.ordered_at.plus_millis(days).min(latest),
                amount_cents: if full {
                    order.amount_cents
                } else {
                    order.amount_cents / 2
                },
                item_count: if full { order.item_count } else { 1 },
                channel: order.channel,
                status: OrderStatus::Refunded,
                updated_at: self.written_at,
            });
        }
        refunds
    }
}
