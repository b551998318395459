//! Deterministic demo data for Chinese e-commerce: the same [`DemoConfig`] always gives the
//! same [`Dataset`], on every platform (ChaCha8 is value-stable).
//!
//! Customers follow archetypes (prospects without orders, one-time buyers, repeat buyers,
//! loyal customers, lapsed customers, a few business buyers); orders follow the shopping
//! calendar (春节, 618, 双11, 双12) and the hours people shop; every order has a preceding
//! funnel path of behaviour events (visit → view → add_to_cart → checkout → pay), and most
//! visits do not convert.

mod desk;
mod peer;
mod requests;
mod tables;

pub use peer::peer_csv;

use crate::dataset::Dataset;
use crate::model::{event_type as et, *};
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND, Timestamp, china_offset};
use chrono::{Datelike, Duration, NaiveDate, Timelike};
use rand::distributions::{Distribution, WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use tables::*;
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

/// What a customer's history looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Archetype {
    Prospect,
    OneTime,
    Repeat,
    Loyal,
    Lapsed,
    Business,
}

const ARCHETYPES: [(Archetype, u32); 6] = [
    (Archetype::Prospect, 22),
    (Archetype::OneTime, 33),
    (Archetype::Repeat, 26),
    (Archetype::Loyal, 9),
    (Archetype::Lapsed, 8),
    (Archetype::Business, 2),
];

const HISTORY_DAYS: i64 = 3 * 365;

/// Cuts `data`'s events to the `n` most recent (the events are sorted by time): the funnel
/// benchmarks' data, natively and in the browser alike — whole funnel paths, as the demo
/// writes them, over the last months.
pub fn keep_recent_events(data: &mut Dataset, n: usize) {
    let cut = data.events.len().saturating_sub(n);
    data.events.drain(..cut);
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

struct Generator {
    rng: ChaCha8Rng,
    count: usize,
    start: Timestamp,
    end: Timestamp,
    /// When the data was written; `updated_at` of every generated record.
    written_at: Timestamp,
    owners: Vec<&'static str>,
    surnames: WeightedIndex<u32>,
    provinces: WeightedIndex<u32>,
    channels: WeightedIndex<u32>,
    archetypes: WeightedIndex<u32>,
    hours: WeightedIndex<u32>,
    domains: WeightedIndex<u32>,
    phones: HashSet<u64>,
    order_seq: u64,
    data: Dataset,
}

/// Weights are constants above, all positive, so building the index cannot fail.
fn weighted<T>(table: &[(T, u32)]) -> WeightedIndex<u32> {
    WeightedIndex::new(table.iter().map(|(_, w)| *w)).expect("positive constant weights")
}

impl Generator {
    fn new(config: &DemoConfig) -> Self {
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
                events: Vec::with_capacity(config.customers * 26),
                orders: Vec::with_capacity(config.customers * 3),
                ..Dataset::default()
            },
            rng,
        }
    }

    fn run(mut self) -> Dataset {
        for _ in 0..self.count {
            self.customer();
        }
        crate::sorting::sort_unstable_by(&mut self.data.customers, |a, b| {
            a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id))
        });
        self.data.normalize();
        // An event's identity is (customer, type, time); drop the rare exact repeats, which
        // the normalised order puts next to each other.
        self.data.events.dedup_by(|a, b| {
            a.occurred_at == b.occurred_at && a.customer_id == b.customer_id && a.kind == b.kind
        });
        // The vectors grew by doubling; give the slack back (wasm memory never shrinks, so
        // what is held here is held for the life of the tab).
        self.data.customers.shrink_to_fit();
        self.data.orders.shrink_to_fit();
        self.data.events.shrink_to_fit();
        self.data.activities.shrink_to_fit();
        self.data
    }

    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid()
    }

    /// A uniform index below `n`. Drawn as u32: `usize` ranges draw differently on 32-bit
    /// wasm and 64-bit native targets, and the demo must be the same everywhere.
    fn below(&mut self, n: usize) -> usize {
        self.rng.gen_range(0..n as u32) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    /// An approximately standard normal variate: the sum of twelve uniforms minus six
    /// (Irwin–Hall). Only additions, so every platform computes the same bits, unlike `ln`
    /// and `cos`, whose last bit differs between libms.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.rng.r#gen::<f64>()).sum::<f64>() - 6.0
    }

    fn customer(&mut self) {
        let id = self.uuid();
        let archetype = ARCHETYPES[self.archetypes.sample(&mut self.rng)].0;
        let gender = if self.chance(0.55) {
            Gender::Female
        } else {
            Gender::Male
        };
        let name = self.name(gender);
        let (province, city) = self.place();
        let channel = CHANNEL_WEIGHTS[self.channels.sample(&mut self.rng)].0;
        // More customers arrived recently: the square root skews towards the end.
        let span = (self.end.0 - self.start.0) as f64;
        let offset_s = (span * self.rng.r#gen::<f64>().sqrt()) as i64 / MS_PER_SECOND;
        let created_at = self.start.plus_millis(offset_s * MS_PER_SECOND);
        let phone = self.phone();
        let email = if self.chance(0.55) {
            Some(self.email())
        } else {
            None
        };
        let birthday = if self.chance(0.8) {
            let year = 2026 - self.rng.gen_range(18..66);
            NaiveDate::from_ymd_opt(year, self.rng.gen_range(1..=12), self.rng.gen_range(1..=28))
        } else {
            None
        };
        let owner = if archetype == Archetype::Business || self.chance(0.75) {
            // The same draw as `pick`.
            let k = self.below(self.owners.len());
            Some(Sym::new(self.owners[k]))
        } else {
            None
        };
        let mut customer = Customer {
            id,
            external_id: Some(format!("C{:07}", self.data.customers.len() + 1)),
            name,
            phone: Some(phone),
            email,
            gender,
            birthday,
            province: Some(Sym::new(province)),
            city: Some(Sym::new(city)),
            channel: Some(Sym::new(channel)),
            member_level: None,
            points: 0,
            tags: Vec::new(),
            owner,
            notes: String::new(),
            stage_override: None,
            created_at,
            updated_at: self.written_at,
        };
        let bought = self.orders_for(&customer, archetype);
        let refunds = self.refunds_for(&bought);
        self.label(&mut customer, archetype, &bought, &refunds);
        self.sessions_for(&customer, archetype, &bought);
        self.activities_for(&customer, bought.len());
        self.data
            .orders
            .extend(bought.into_iter().map(|(order, _)| order));
        self.data.orders.extend(refunds);
        self.data.customers.push(customer);
    }

    fn name(&mut self, gender: Gender) -> String {
        let surname = SURNAMES[self.surnames.sample(&mut self.rng)].0;
        let given = match gender {
            Gender::Female => *self.pick(&GIVEN_FEMALE),
            _ => *self.pick(&GIVEN_MALE),
        };
        format!("{surname}{given}")
    }

    fn place(&mut self) -> (&'static str, &'static str) {
        let (province, _, cities) = PROVINCES[self.provinces.sample(&mut self.rng)];
        // The capital (listed first) has about half of a province's online shoppers.
        let city = if cities.len() == 1 || self.chance(0.5) {
            cities[0]
        } else {
            cities[1 + self.below(cities.len() - 1)]
        };
        (province, city)
    }

    /// A unique mainland mobile number.
    fn phone(&mut self) -> String {
        const PREFIXES: [u64; 14] = [
            130, 131, 132, 135, 136, 137, 138, 139, 150, 152, 158, 177, 186, 199,
        ];
        loop {
            let number = PREFIXES[self.below(PREFIXES.len())] * 100_000_000
                + self.rng.gen_range(0..100_000_000);
            if self.phones.insert(number) {
                return number.to_string();
            }
        }
    }

    fn email(&mut self) -> String {
        let domain = MAIL_DOMAINS[self.domains.sample(&mut self.rng)].0;
        if domain == "qq.com" {
            format!(
                "{}@qq.com",
                self.rng.gen_range(10_000_000u64..3_000_000_000)
            )
        } else {
            let a = *self.pick(&SYLLABLES);
            let b = *self.pick(&SYLLABLES);
            format!("{a}{b}{}@{domain}", self.rng.gen_range(1..10_000))
        }
    }

    /// Relative order volume on a local calendar day: the shopping festivals and the
    /// Spring Festival pre-holiday peak and holiday dip.
    fn season_weight(date: NaiveDate) -> f64 {
        let (m, d) = (date.month(), date.day());
        for (y, fm, fd) in SPRING_FESTIVALS {
            if let Some(festival) = NaiveDate::from_ymd_opt(y, fm, fd) {
                let days = (date - festival).num_days();
                if (-20..0).contains(&days) {
                    return 1.8;
                }
                if (0..7).contains(&days) {
                    return 0.4;
                }
            }
        }
        match (m, d) {
            (11, 11) => 8.0,
            (11, 1..=10) => 3.0,
            (6, 18) => 5.0,
            (6, 1..=17) => 2.2,
            (12, 12) => 3.0,
            _ => 1.0,
        }
    }

    /// A time in [from, to) following the shopping calendar and the hours of the day.
    fn shopping_time(&mut self, from: Timestamp, to: Timestamp) -> Timestamp {
        let offset = china_offset();
        let from_day = from.0.div_euclid(MS_PER_DAY);
        let to_day = to.0.div_euclid(MS_PER_DAY).max(from_day + 1);
        let mut day_ms = from.0;
        for _ in 0..64 {
            let day = self.rng.gen_range(from_day..to_day);
            let candidate = day * MS_PER_DAY;
            let date = Timestamp(candidate)
                .to_offset(offset)
                .map(|t| t.date_naive())
                .unwrap_or_default();
            day_ms = candidate;
            if self.rng.gen_range(0.0..8.0) < Self::season_weight(date) {
                break;
            }
        }
        let local_midnight = Timestamp(day_ms)
            .to_offset(offset)
            .and_then(|t| t.with_hour(0))
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .map(|t| t.timestamp_millis())
            .unwrap_or(day_ms);
        let hour = self.hours.sample(&mut self.rng) as i64;
        let t = local_midnight
            + hour * 60 * MS_PER_MINUTE
            + self.rng.gen_range(0..60 * MS_PER_MINUTE) / MS_PER_SECOND * MS_PER_SECOND;
        Timestamp(t.clamp(from.0, (to.0 - MS_PER_MINUTE).max(from.0)))
    }

    /// The customer's orders, each with the index of its main category in [`CATEGORIES`].
    fn orders_for(&mut self, customer: &Customer, archetype: Archetype) -> Vec<(Order, usize)> {
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
    fn refunds_for(&mut self, orders: &[(Order, usize)]) -> Vec<Order> {
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

    /// Member level, points and tags follow from what the customer bought (net of refunds).
    fn label(
        &mut self,
        customer: &mut Customer,
        archetype: Archetype,
        orders: &[(Order, usize)],
        refunds: &[Order],
    ) {
        let paid: i64 = orders.iter().map(|(o, _)| o.amount_cents).sum();
        let spent = paid - refunds.iter().map(|o| o.amount_cents).sum::<i64>();
        let level = match spent {
            s if s >= 2_000_000 => "diamond",
            s if s >= 500_000 => "gold",
            s if s >= 100_000 => "silver",
            _ => "normal",
        };
        customer.member_level = Some(Sym::new(level));
        let earned = spent / 100;
        customer.points = earned - (earned as f64 * self.rng.gen_range(0.0..0.6)) as i64;
        let mut tags: Vec<String> = Vec::new();
        // The category bought most often becomes an interest tag.
        let mut per_category = [0usize; CATEGORIES.len()];
        for (_, cat) in orders {
            per_category[*cat] += 1;
        }
        if let Some((cat, _)) = per_category
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        {
            tags.push(CATEGORIES[cat].2.to_string());
        }
        if archetype == Archetype::Business {
            tags.push("企业客户".into());
        }
        if self.chance(0.15) {
            tags.push(self.pick(&TAGS_EXTRA[..2]).to_string());
        }
        if archetype == Archetype::Loyal && self.chance(0.5) {
            tags.push("高潜力".into());
        }
        tags.dedup();
        customer.tags = tags;
    }

    /// One of the 400 items of a category, as an interned id like `SKU30123`.
    fn item(&mut self, category: usize) -> Sym {
        let n = self.rng.gen_range(0..400);
        Sym::new(&format!("SKU{}{n:04}", category + 1))
    }

    fn event(&self, customer: Uuid, kind: &str, at: Timestamp, props: EventProps) -> Event {
        Event {
            customer_id: customer,
            kind: Sym::new(kind),
            occurred_at: at,
            props,
            updated_at: self.written_at,
        }
    }

    /// The funnel path before each order, and browsing sessions that did not convert.
    fn sessions_for(
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
                let props = match kind {
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
                };
                let e = self.event(id, kind, at, props);
                self.data.events.push(e);
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
                let props = match *kind {
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
                };
                let e = self.event(customer.id, kind, at, props);
                self.data.events.push(e);
                at = at.plus_millis(self.rng.gen_range(20..900) * MS_PER_SECOND);
            }
        }
    }

    fn activities_for(&mut self, customer: &Customer, order_count: usize) {
        let Some(owner) = customer.owner else {
            return;
        };
        let count = match order_count {
            0 => self.rng.gen_range(0..=1),
            1..=3 => self.rng.gen_range(0..=2),
            _ => self.rng.gen_range(1..=4),
        };
        for _ in 0..count {
            let (kind_code, texts) = *self.pick(&ACTIVITY_TEXTS);
            let kind = ActivityKind::from_text(kind_code).unwrap_or(ActivityKind::Note);
            let at = self.shopping_time(customer.created_at, self.end);
            let next_follow_up = if self.chance(0.4) {
                at.to_offset(china_offset())
                    .map(|t| t.date_naive() + Duration::days(self.rng.gen_range(3..45)))
            } else {
                None
            };
            let activity = Activity {
                id: self.uuid(),
                customer_id: customer.id,
                kind,
                at,
                text: self.pick(texts).to_string(),
                owner: Some(owner.to_string()),
                next_follow_up,
                outcome: None,
                updated_at: self.written_at,
            };
            self.data.activities.push(activity);
        }
    }
}

/// A fingerprint of the data a config generates, for checking that every platform (native,
/// wasm) generates exactly the same demo.
pub fn fingerprint(data: &Dataset) -> u32 {
    crc32fast::hash(format!("{data:?}").as_bytes())
}
