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

/// Indices of the customers whose name, phone, e-mail, external id or id contains `query`
/// (case-insensitive); all of them for a blank query.
pub fn search(data: &Dataset, query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return (0..data.customers.len()).collect();
    }
    let has = |s: &str| s.to_lowercase().contains(&q);
    data.customers
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            has(&c.name)
                || c.phone.as_deref().is_some_and(has)
                || c.email.as_deref().is_some_and(has)
                || c.external_id.as_deref().is_some_and(has)
                || c.id.to_string().contains(&q)
        })
        .map(|(i, _)| i)
        .collect()
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

    #[test]
    fn search_matches_name_phone_email_and_ids() {
        let mut zhang = Customer::new(Uuid::from_bytes([1; 16]), "张三", Timestamp(0));
        zhang.phone = Some("13812345678".into());
        let mut li = Customer::new(Uuid::from_bytes([2; 16]), "Li Si", Timestamp(0));
        li.email = Some("li.si@Example.com".into());
        li.external_id = Some("C0000042".into());
        let data = Dataset {
            customers: vec![zhang, li],
            ..Dataset::default()
        };
        assert_eq!(search(&data, "张"), [0]);
        assert_eq!(search(&data, "1234"), [0]);
        assert_eq!(search(&data, "EXAMPLE"), [1]);
        assert_eq!(search(&data, "li si"), [1]);
        assert_eq!(search(&data, "c00000"), [1]);
        assert_eq!(search(&data, "02020202"), [1]);
        assert_eq!(search(&data, "  "), [0, 1]);
        assert!(search(&data, "王").is_empty());
    }
}
