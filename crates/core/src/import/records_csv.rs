//! Orders and events to CSV, in the style of the customer export (UTF-8 with a byte-order mark,
//! formula-safe text) and with headers the importer maps back by itself, so an exported file
//! imports again without duplicates:
//! - orders: `order_id,customer_id,customer_name,ordered_at,amount,quantity,channel,status`
//!   (a refund's amount is written negative, which reads back as a refund);
//! - events: `customer_id,customer_name,event_type,occurred_at,item,category,channel`.
//!
//! `customer_id` is the customer's external id (their kezhi id when they have none); times are
//! `YYYY-MM-DD HH:MM:SS` in the given time zone.

use crate::dataset::Dataset;
use crate::export::safe_text;
use crate::model::{Customer, OrderStatus};
use crate::money::yuan;
use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::FixedOffset;
use rustc_hash::FxHashMap;
use uuid::Uuid;

pub const ORDER_COLUMNS: [&str; 8] = [
    "order_id",
    "customer_id",
    "customer_name",
    "ordered_at",
    "amount",
    "quantity",
    "channel",
    "status",
];

pub const EVENT_COLUMNS: [&str; 7] = [
    "customer_id",
    "customer_name",
    "event_type",
    "occurred_at",
    "item",
    "category",
    "channel",
];

fn customers_by_id(data: &Dataset) -> FxHashMap<Uuid, &Customer> {
    data.customers.iter().map(|c| (c.id, c)).collect()
}

fn customer_ref(c: Option<&&Customer>, id: Uuid) -> (String, String) {
    match c {
        Some(c) => (
            c.external_id.clone().unwrap_or_else(|| c.id.to_string()),
            c.name.clone(),
        ),
        None => (id.to_string(), String::new()),
    }
}

fn local(t: Timestamp, offset: FixedOffset) -> String {
    t.to_offset(offset)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// The orders at `rows` (indices into `data.orders`, in that order), or all of them.
pub fn orders_csv(data: &Dataset, rows: Option<&[usize]>, offset: FixedOffset) -> String {
    let customers = customers_by_id(data);
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row is skipped rather than aborting the file.
    let _ = writer.write_record(ORDER_COLUMNS);
    let all: Vec<usize>;
    let rows = match rows {
        Some(r) => r,
        None => {
            all = (0..data.orders.len()).collect();
            &all
        }
    };
    for o in rows.iter().filter_map(|&i| data.orders.get(i)) {
        let (customer_id, name) = customer_ref(customers.get(&o.customer_id), o.customer_id);
        let (amount, status) = match o.status {
            OrderStatus::Paid => (o.amount_cents, "paid"),
            OrderStatus::Refunded => (-o.amount_cents, "refunded"),
        };
        let _ = writer.write_record([
            safe_text(&o.source_order_id),
            safe_text(&customer_id),
            safe_text(&name),
            local(o.ordered_at, offset),
            yuan(amount),
            o.item_count.to_string(),
            safe_text(o.channel.as_str()),
            status.to_string(),
        ]);
    }
    finish(writer)
}

/// All events, in the data's order.
pub fn events_csv(data: &Dataset, offset: FixedOffset) -> String {
    let customers = customers_by_id(data);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(EVENT_COLUMNS);
    let sym = |s: Option<Sym>| s.map(|s| safe_text(s.as_str())).unwrap_or_default();
    for e in &data.events {
        let (customer_id, name) = customer_ref(customers.get(&e.customer_id), e.customer_id);
        let _ = writer.write_record([
            safe_text(&customer_id),
            safe_text(&name),
            safe_text(e.kind.as_str()),
            local(e.occurred_at, offset),
            sym(e.props.item),
            sym(e.props.category),
            sym(e.props.channel),
        ]);
    }
    finish(writer)
}
