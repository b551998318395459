//! The orders section's frozen DTOs: orders grouped by customer, times delta-coded within a
//! customer, channels through the dictionary.

use super::DecodeError;
use super::compact::{Delta, Dictionary, Millis, group_by_customer, required};
use super::tombstones::TombstoneV2;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
pub(super) struct OrdersV2 {
    strings: Vec<String>,
    groups: Vec<(/* customer */ [u8; 16], Vec<OrderV2>)>,
    pub(super) tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct OrderV2 {
    id: [u8; 16],
    source_order_id: String,
    /// From the previous order of the same customer (from 0 for the first).
    at: Millis,
    amount_cents: i64,
    item_count: u32,
    channel: u32,
    refunded: bool,
    /// From the previous order's `updated_at`.
    updated: i64,
}

impl OrderV2 {
    pub(super) fn new(
        o: &Order,
        dict: &mut Dictionary,
        at: &mut Delta,
        updated: &mut Delta,
    ) -> Self {
        OrderV2 {
            id: o.id.into_bytes(),
            source_order_id: o.source_order_id.clone(),
            at: Millis::split(at.encode(o.ordered_at.0)),
            amount_cents: o.amount_cents,
            item_count: o.item_count,
            channel: dict.sym(Some(o.channel)),
            refunded: o.status == OrderStatus::Refunded,
            updated: updated.encode(o.updated_at.0),
        }
    }

    pub(super) fn into_order(
        self,
        customer: [u8; 16],
        strings: &[String],
        time: &mut Delta,
        updated: &mut Delta,
    ) -> Result<Order, DecodeError> {
        let o = self;
        Ok(Order {
            id: Uuid::from_bytes(o.id),
            customer_id: Uuid::from_bytes(customer),
            source_order_id: o.source_order_id,
            ordered_at: Timestamp(time.decode(o.at.join())),
            amount_cents: o.amount_cents,
            item_count: o.item_count,
            channel: Sym::new(&required(strings, o.channel)?),
            status: if o.refunded {
                OrderStatus::Refunded
            } else {
                OrderStatus::Paid
            },
            updated_at: Timestamp(updated.decode(o.updated)),
        })
    }
}

pub(super) fn orders_v2(orders: &[Order], tombstones: Vec<TombstoneV2>) -> OrdersV2 {
    let mut dict = Dictionary::default();
    let mut updated = Delta::default();
    let groups = group_by_customer(orders, |o| o.customer_id)
        .into_iter()
        .map(|(customer, list)| {
            let mut at = Delta::default();
            let encoded = list
                .into_iter()
                .map(|o| OrderV2::new(o, &mut dict, &mut at, &mut updated))
                .collect();
            (customer.into_bytes(), encoded)
        })
        .collect();
    OrdersV2 {
        strings: dict.strings,
        groups,
        tombstones,
    }
}

impl OrdersV2 {
    pub(super) fn into_orders(self) -> Result<Vec<Order>, DecodeError> {
        let mut out = Vec::new();
        let mut updated = Delta::default();
        for (customer, list) in self.groups {
            let mut time = Delta::default();
            for o in list {
                out.push(o.into_order(customer, &self.strings, &mut time, &mut updated)?);
            }
        }
        crate::sorting::sort_by_key(&mut out, |o| (o.ordered_at, o.id));
        Ok(out)
    }
}
