//! Format 1: the first layout, one JSON document under the key `kezhi:data`.
//!
//! It held customers, orders and events only (no activities, no tombstones), tags as one
//! comma-separated string, the place as one "省 市" string and times in Unix seconds. It is
//! kept here, frozen, so that a browser holding it is migrated to the current format instead
//! of being told its data is unreadable.

use crate::dataset::Dataset;
use crate::model::*;
use crate::time::{MS_PER_SECOND, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const KEY: &str = "kezhi:data";

#[derive(Serialize, Deserialize)]
pub struct PayloadV1 {
    pub version: u32,
    pub customers: Vec<CustomerV1>,
    #[serde(default)]
    pub orders: Vec<OrderV1>,
    #[serde(default)]
    pub events: Vec<EventV1>,
}

#[derive(Serialize, Deserialize)]
pub struct CustomerV1 {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// "广东 深圳", or just "深圳".
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    /// "高价值,母婴".
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub owner: Option<String>,
    pub created: i64,
    pub updated: i64,
}

#[derive(Serialize, Deserialize)]
pub struct OrderV1 {
    pub id: Uuid,
    pub customer: Uuid,
    pub order_no: String,
    pub time: i64,
    pub amount_cents: i64,
    #[serde(default = "one")]
    pub items: u32,
    pub channel: String,
    #[serde(default)]
    pub refunded: bool,
}

fn one() -> u32 {
    1
}

#[derive(Serialize, Deserialize)]
pub struct EventV1 {
    pub customer: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub time: i64,
}

fn seconds(s: i64) -> Timestamp {
    Timestamp(s.saturating_mul(MS_PER_SECOND))
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads a format-1 payload into the current model.
pub fn migrate(json: &str) -> Result<Dataset, String> {
    let payload: PayloadV1 = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if payload.version != 1 {
        return Err(format!("expected format 1, found {}", payload.version));
    }
    let customers = payload
        .customers
        .into_iter()
        .map(|c| {
            let (province, city) = match blank_to_none(c.region) {
                Some(region) => match region.split_once(char::is_whitespace) {
                    Some((p, city)) => (Some(p.to_string()), Some(city.trim().to_string())),
                    None => (None, Some(region)),
                },
                None => (None, None),
            };
            let mut customer = Customer::new(c.id, c.name, seconds(c.created));
            customer.phone = blank_to_none(c.phone);
            customer.email = blank_to_none(c.email);
            customer.province = province.map(|s: String| crate::Sym::new(&s));
            customer.city = city.map(|s: String| crate::Sym::new(&s));
            customer.channel = blank_to_none(c.channel).map(|s| crate::Sym::new(&s));
            customer.tags = c
                .tags
                .split([',', '，'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(crate::Sym::new)
                .collect();
            customer.owner = blank_to_none(c.owner).map(|s| crate::Sym::new(&s));
            customer.updated_at = seconds(c.updated);
            customer
        })
        .collect();
    let orders = payload
        .orders
        .into_iter()
        .map(|o| Order {
            id: o.id,
            customer_id: o.customer,
            source_order_id: o.order_no,
            ordered_at: seconds(o.time),
            amount_cents: o.amount_cents,
            item_count: o.items,
            channel: crate::Sym::new(&o.channel),
            status: if o.refunded {
                OrderStatus::Refunded
            } else {
                OrderStatus::Paid
            },
            updated_at: seconds(o.time),
        })
        .collect();
    let events = payload
        .events
        .into_iter()
        .map(|e| Event {
            customer_id: e.customer,
            kind: crate::sym::Sym::new(&e.kind),
            occurred_at: seconds(e.time),
            props: EventProps::default(),
            updated_at: seconds(e.time),
        })
        .collect();
    let mut data = Dataset {
        customers,
        orders,
        events,
        ..Dataset::default()
    };
    super::codec::normalize(&mut data);
    Ok(data)
}
