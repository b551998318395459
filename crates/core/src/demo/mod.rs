//! Deterministic demo data for Chinese e-commerce: the same [`DemoConfig`] always gives the
//! same [`Dataset`], on every platform (ChaCha8 is value-stable).
//!
//! Customers follow archetypes (prospects without orders, one-time buyers, repeat buyers,
//! loyal customers, lapsed customers, a few business buyers); orders follow the shopping
//! calendar (春节, 618, 双11, 双12) and the hours people shop; every order has a preceding
//! funnel path of behaviour events (visit → view → add_to_cart → checkout → pay), and most
//! visits do not convert.
//!
//! This file holds the public API (the config, `generate`, the benchmarks' helpers); the
//! generator's rules live in `generator` (its state and random draws), `customers`, `orders`,
//! `events`, `activities` and `calendar` (when people shop); the data it draws from in
//! `tables`; the desk and the request cards in `desk` and `requests`, from streams of their own.

mod activities;
mod calendar;
mod customers;
mod desk;
mod events;
mod generator;
mod orders;
mod peer;
mod requests;
mod tables;

pub use peer::peer_csv;

use crate::dataset::Dataset;
use crate::time::MS_PER_DAY;
use chrono::NaiveDate;
use generator::Generator;
use uuid::Uuid;

/// The sizes offered in Settings; the first is the default.
pub const DEMO_SIZES: [usize; 3] = [5_000, 20_000, 100_000];
pub const DEFAULT_SEED: u64 = 20_261_111;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DemoConfig {
    pub seed: u64,
    pub customers: usize,
    /// The last day of the generated history (China time); the history covers three years.
    pub end_date: NaiveDate,
}

impl DemoConfig {
    pub fn new(customers: usize, end_date: NaiveDate) -> Self {
        DemoConfig {
            seed: DEFAULT_SEED,
            customers,
            end_date,
        }
    }
}

/// Cuts `data`'s events to the `n` most recent (the events are sorted by time): the funnel
/// benchmarks' data, natively and in the browser alike — whole funnel paths, as the demo
/// writes them, over the last months.
pub fn keep_recent_events(data: &mut Dataset, n: usize) {
    data.events.keep_recent(n);
}

/// Lengthens the order history of `data` to `total` orders, for benchmarks at a scale the
/// demo does not reach (e.g. 1,000,000 orders of 100,000 customers): the existing orders are
/// repeated, each copy 97 days earlier than the one before, under new ids. Deterministic.
pub fn extend_order_history(data: &mut Dataset, total: usize) {
    let n = data.orders.len();
    if n == 0 || total <= n {
        return;
    }
    data.orders.reserve_exact(total - n);
    for k in 0..total - n {
        let mut o = data.orders[k % n].clone();
        let round = (k / n + 1) as i64;
        o.id = Uuid::from_u128((1u128 << 100) | k as u128);
        o.ordered_at = o.ordered_at.plus_millis(-round * 97 * MS_PER_DAY);
        o.source_order_id = format!("{}-{round}", o.source_order_id);
        data.orders.push(o);
    }
    data.normalize();
}

pub fn generate(config: &DemoConfig) -> Dataset {
    let generator = Generator::new(config);
    let (end, written_at) = (generator.end, generator.written_at);
    let mut data = generator.run();
    // The desk's records, from a random stream of their own (demo/desk.rs).
    desk::add_desk(config, &mut data, end, written_at);
    // Request cards, from a random stream of their own (demo/requests.rs).
    requests::add_requests(config, &mut data, end, written_at);
    data
}

/// A fingerprint of the data a config generates, for checking that every platform (native,
/// wasm) generates exactly the same demo.
pub fn fingerprint(data: &Dataset) -> u32 {
    crate::crc32::crc32(format!("{data:?}").as_bytes())
}
