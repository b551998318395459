//! The generator's state (the random stream, the weighted tables, the data so far) and its
//! random draws, and the run over all customers. Separate from the rules of each kind of
//! record, which draw through it in a fixed order (the demo must stay the same everywhere).

use super::DemoConfig;
use super::tables::*;
use crate::dataset::Dataset;
use crate::time::{MS_PER_DAY, Timestamp, china_offset};
use chrono::Duration;
use rand::distributions::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use uuid::Uuid;

/// What a customer's history looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Archetype {
    Prospect,
    OneTime,
    Repeat,
    Loyal,
    Lapsed,
    Business,
}

const HISTORY_DAYS: i64 = 3 * 365;

pub(super) struct Generator {
    pub(super) rng: ChaCha8Rng,
    pub(super) count: usize,
    pub(super) start: Timestamp,
    pub(super) end: Timestamp,
    /// When the data was written; `updated_at` of every generated record.
    pub(super) written_at: Timestamp,
    pub(super) owners: Vec<&'static str>,
    pub(super) surnames: WeightedIndex<u32>,
    pub(super) provinces: WeightedIndex<u32>,
    pub(super) channels: WeightedIndex<u32>,
    pub(super) archetypes: WeightedIndex<u32>,
    pub(super) hours: WeightedIndex<u32>,
    pub(super) domains: WeightedIndex<u32>,
    pub(super) phones: HashSet<u64>,
    pub(super) order_seq: u64,
    pub(super) data: Dataset,
    /// The events of the customers since the last [`EVENT_BUFFER`]'s worth, in the order they
    /// were made: merged into `data.events` a buffer at a time, so that they are never all
    /// held at 48 bytes each (the log keeps ~13 an event).
    pub(super) events: Vec<crate::Event>,
}

/// Events merged into the log at a time: 25 MB of buffer, ~5 merges for the 100k demo.
const EVENT_BUFFER: usize = 1 << 19;

/// Weights are constants above, all positive, so building the index cannot fail.
fn weighted<T>(table: &[(T, u32)]) -> WeightedIndex<u32> {
    WeightedIndex::new(table.iter().map(|(_, w)| *w)).expect("positive constant weights")
}

impl Generator {
    pub(super) fn new(config: &DemoConfig) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let offset = china_offset();
        let end_day = config.end_date + Duration::days(1);
        let end = Timestamp::start_of_day(end_day, offset).unwrap_or_default();
        let start = end.plus_millis(-HISTORY_DAYS * MS_PER_DAY);
        let owner_count = rng.gen_range(5..=OWNERS.len() as u32) as usize;
        let provinces: Vec<(&str, u32)> = PROVINCES.iter().map(|(p, w, _)| (*p, *w)).collect();
        Generator {
            count: config.customers,
            start,
            end,
            written_at: end,
            owners: OWNERS[..owner_count].to_vec(),
            surnames: weighted(&SURNAMES),
            provinces: weighted(&provinces),
            channels: weighted(&CHANNEL_WEIGHTS),
            archetypes: weighted(&ARCHETYPES),
            hours: WeightedIndex::new(HOUR_WEIGHTS).expect("positive constant weights"),
            domains: weighted(&MAIL_DOMAINS),
            phones: HashSet::with_capacity(config.customers),
            order_seq: 0,
            // Reserved up front: growing by doubling would peak at twice the final size, and
            // wasm memory, once grown, is never given back.
            data: Dataset {
                orders: Vec::with_capacity(config.customers * 3),
                ..Dataset::default()
            },
            events: Vec::with_capacity(EVENT_BUFFER.min(config.customers * 26)),
            rng,
        }
    }

    pub(super) fn run(mut self) -> Dataset {
        for _ in 0..self.count {
            self.customer();
            // Between customers: each customer's events go into the log together.
            if self.events.len() >= EVENT_BUFFER - 200 {
                self.data.events.add_buffer(&mut self.events);
            }
        }
        self.data.events.add_buffer(&mut self.events);
        crate::sorting::sort_unstable_by(&mut self.data.customers, |a, b| {
            a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id))
        });
        self.data.normalize();
        // An event's identity is (customer, type, time); drop the rare exact repeats, which
        // the normalised order puts next to each other.
        self.data.events.dedup_identities();
        // The vectors grew by doubling; give the slack back (wasm memory never shrinks, so
        // what is held here is held for the life of the tab).
        self.data.customers.shrink_to_fit();
        self.data.orders.shrink_to_fit();
        self.data.events.shrink_to_fit();
        self.data.activities.shrink_to_fit();
        self.data
    }

    pub(super) fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid()
    }

    /// A uniform index below `n`. Drawn as u32: `usize` ranges draw differently on 32-bit
    /// wasm and 64-bit native targets, and the demo must be the same everywhere.
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.rng.gen_range(0..n as u32) as usize
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    /// An approximately standard normal variate: the sum of twelve uniforms minus six
    /// (Irwin–Hall). Only additions, so every platform computes the same bits, unlike `ln`
    /// and `cos`, whose last bit differs between libms.
    pub(super) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.rng.r#gen::<f64>()).sum::<f64>() - 6.0
    }
}
