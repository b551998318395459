//! The race's data as CSV for DuckDB (tests/bench/peer/: DuckDB-WASM in the browser,
//! src/bench_hooks/race.rs; DuckDB natively, examples/race_native.rs). Here so that both
//! races hand DuckDB the same files.

use crate::dataset::Dataset;
use crate::model::OrderStatus;
use std::fmt::Write;

/// One table of the data as CSV with a header: `customers` (cid, name, city, tags joined by
/// U+001F, stage_override), `orders` (cid, ordered_at, amount_cents, status) or `events`
/// (cid, occurred_at, kind). Customers are numbered by position (`cid`; -1 for a record whose
/// customer is missing); times are UTC milliseconds. Empty for another name.
pub fn peer_csv(data: &Dataset, table: &str) -> String {
    let positions = data.customer_positions();
    let cid = |id: &uuid::Uuid| positions.get(id).map_or(-1, |&p| p as i64);
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::new();
    // Writing to a String cannot fail.
    match table {
        "customers" => {
            out.push_str("cid,name,city,tags,stage_override\n");
            for (i, c) in data.customers.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{i},{},{},{},{}",
                    quoted(&c.name),
                    c.city.map(|s| quoted(s.as_str())).unwrap_or_default(),
                    quoted(&crate::Sym::join(&c.tags, "\u{1f}")),
                    c.stage_override.map(|s| s.code()).unwrap_or_default(),
                );
            }
        }
        "orders" => {
            out.push_str("cid,ordered_at,amount_cents,status\n");
            for o in &data.orders {
                let status = match o.status {
                    OrderStatus::Paid => "paid",
                    OrderStatus::Refunded => "refunded",
                };
                let _ = writeln!(
                    out,
                    "{},{},{},{status}",
                    cid(&o.customer_id),
                    o.ordered_at.0,
                    o.amount_cents
                );
            }
        }
        "events" => {
            out.push_str("cid,occurred_at,kind\n");
            for e in &data.events {
                let _ = writeln!(
                    out,
                    "{},{},{}",
                    cid(&e.customer_id),
                    e.occurred_at.0,
                    e.kind.as_str()
                );
            }
        }
        _ => {}
    }
    out
}
