//! Per-customer order figures the customer list shows. Refunds do not count as orders and
//! subtract from the total spent.

use crate::dataset::Dataset;
use crate::model::{Cents, OrderStatus};
use crate::time::Timestamp;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderSummary {
    /// Paid orders.
    pub orders: u32,
    /// Paid minus refunded, in cents.
    pub total_spent: Cents,
    /// Time of the last paid order.
    pub last_order: Option<Timestamp>,
}

pub fn order_summaries(data: &Dataset) -> HashMap<Uuid, OrderSummary> {
    let mut out: HashMap<Uuid, OrderSummary> = HashMap::with_capacity(data.customers.len());
    for o in &data.orders {
        let s = out.entry(o.customer_id).or_default();
        match o.status {
            OrderStatus::Paid => {
                s.orders += 1;
                s.total_spent += o.amount_cents;
                s.last_order = s.last_order.max(Some(o.ordered_at));
            }
            OrderStatus::Refunded => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn order(customer: Uuid, n: u8, cents: i64, at: i64, status: OrderStatus) -> Order {
        Order {
            id: Uuid::from_bytes([n; 16]),
            customer_id: customer,
            source_order_id: format!("O{n}"),
            ordered_at: Timestamp(at),
            amount_cents: cents,
            item_count: 1,
            channel: "tmall".into(),
            status,
            updated_at: Timestamp(at),
        }
    }

    #[test]
    fn refunds_are_not_orders_and_do_not_add_to_spend() {
        let a = Uuid::from_bytes([1; 16]);
        let data = Dataset {
            orders: vec![
                order(a, 1, 10_000, 5, OrderStatus::Paid),
                order(a, 2, 2_550, 9, OrderStatus::Paid),
                order(a, 3, 99_900, 12, OrderStatus::Refunded),
            ],
            ..Dataset::default()
        };
        let s = order_summaries(&data)[&a];
        assert_eq!(
            s,
            OrderSummary {
                orders: 2,
                total_spent: 12_550,
                last_order: Some(Timestamp(9))
            }
        );
    }
}
