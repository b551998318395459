//! The demo's desk: recommendations in every status and one past care campaign with its
//! contact tasks in every status, so that a demo shows a real day of an account manager.
//!
//! Drawn from a random stream of its own (the config's seed, stream [`DESK_STREAM`]): the
//! customers, orders, events and activities stay exactly what they were before the desk
//! existed. No activity is added (a done task's Care activity is recorded when a person marks
//! it in the app): the demo's activity counts stay as other tests know them.

use super::DemoConfig;
use crate::dataset::Dataset;
use crate::model::desk::occasion;
use crate::model::*;
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Timestamp, china_offset};
use chrono::Datelike;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use uuid::Uuid;

/// The desk's stream of the demo's ChaCha8 ("desk" in ASCII); the rest uses stream 0.
const DESK_STREAM: u64 = 0x6465_736b;

/// Products and offers an account manager recommends, with their usual price in yuan (0: no
/// amount is named).
const PRODUCTS: [(&str, i64); 8] = [
    ("年度黑卡会员", 1_288),
    ("企业采购年度框架协议", 50_000),
    ("家电以旧换新套餐", 8_999),
    ("定制节日礼盒", 2_680),
    ("三年延保服务", 699),
    ("美妆年度订阅", 3_600),
    ("母婴成长礼包", 1_599),
    ("会员日专场邀约", 0),
];

/// Notes on some recommendations.
const NOTES: [&str; 4] = [
    "客户说月底前答复",
    "需要和家人商量",
    "对价格比较敏感",
    "希望先试用",
];

/// Net spend at which a customer is as valuable as the default top tier (优质客户, ¥50,000):
/// about two in five of them get a recommendation, the others stay to follow up.
const VALUABLE_CENTS: Cents = 5_000_000;

/// The campaign's segment: customers with at least this many paid orders.
const CAMPAIGN_MIN_ORDERS: usize = 8;

struct Desk<'a> {
    rng: ChaCha8Rng,
    data: &'a mut Dataset,
    /// The day after the history's last day, 00:00 China time.
    end: Timestamp,
    written_at: Timestamp,
}

/// Adds the desk's records to the generated `data` (its history ends at `end`; every record is
/// written at `written_at`).
pub(super) fn add_desk(
    config: &DemoConfig,
    data: &mut Dataset,
    end: Timestamp,
    written_at: Timestamp,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(DESK_STREAM);
    let mut desk = Desk {
        rng,
        data,
        end,
        written_at,
    };
    desk.recommendations();
    desk.campaign();
    desk.data.desk.normalize();
}

impl Desk<'_> {
    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid()
    }

    /// A uniform index below `n`, drawn as u32 (the same on 32- and 64-bit targets).
    fn below(&mut self, n: usize) -> usize {
        self.rng.gen_range(0..n.max(1) as u32) as usize
    }

    /// A time `days_ago` days before the end, in office hours (9:00–17:59 China time).
    fn office_time(&mut self, days_ago: i64) -> Timestamp {
        let hour = 9 + self.rng.gen_range(0..9);
        let minute = self.rng.gen_range(0..60);
        self.end
            .plus_millis(-days_ago * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE)
    }

    /// Picks an index by the weights (all positive constants).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let mut x = self.rng.gen_range(0..weights.iter().sum::<u32>());
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    fn recommendations(&mut self) {
        let mut spent: FxHashMap<Uuid, Cents> = FxHashMap::default();
        for o in &self.data.orders {
            let sign = if o.status == OrderStatus::Paid { 1 } else { -1 };
            *spent.entry(o.customer_id).or_default() += sign * o.amount_cents;
        }
        // Customers with a manager: the valuable ones often, the other buyers now and then.
        let mut chosen: Vec<(Uuid, Sym)> = Vec::new();
        for c in &self.data.customers {
            let Some(owner) = c.owner else { continue };
            let value = spent.get(&c.id).copied().unwrap_or(0);
            let p = if value >= VALUABLE_CENTS {
                0.4
            } else if value > 0 {
                0.02
            } else {
                0.0
            };
            if p > 0.0 && self.rng.gen_bool(p) {
                chosen.push((c.id, owner));
            }
        }
        let now = self.written_at;
        for (k, (customer_id, owner)) in chosen.into_iter().enumerate() {
            let (product, price) = PRODUCTS[self.below(PRODUCTS.len())];
            let amount = (price > 0).then(|| {
                // The usual price, or a bundle of two or three.
                let units = [1, 1, 2, 3][self.below(4)];
                price * units * 100
            });
            // The first four cover every status, whatever the demo's size.
            let status = RecommendationStatus::ALL[if k < 4 {
                k
            } else {
                self.weighted(&[30, 25, 25, 20])
            }];
            let days_ago = self.rng.gen_range(3..120);
            let recommended_at = self.office_time(days_ago);
            let closed_at = status.is_closed().then(|| {
                let after = self.rng.gen_range(1..days_ago);
                recommended_at.plus_millis(after * MS_PER_DAY).min(now)
            });
            let note = if self.rng.gen_bool(0.3) {
                NOTES[self.below(NOTES.len())].to_string()
            } else {
                String::new()
            };
            let id = self.uuid();
            self.data.desk.recommendations.push(Recommendation {
                id,
                customer_id,
                product: product.to_string(),
                amount_cents: amount,
                status,
                won_cents: (status == RecommendationStatus::Won)
                    .then_some(amount)
                    .flatten(),
                owner: Some(owner.as_str().to_string()),
                recommended_at,
                closed_at,
                note,
                updated_at: self.written_at,
            });
        }
    }

    /// One campaign 45 days before the end, for the season's occasion, over the customers
    /// with many orders: its contacts mostly made, some not answered or declined, a few left.
    fn campaign(&mut self) {
        let created_at = self.office_time(45);
        let month = created_at
            .to_offset(china_offset())
            .map_or(1, |t| t.month());
        let (code, name, template) = match month {
            1 | 2 => (
                occasion::SPRING_FESTIVAL,
                "春节问候",
                "{name}{title}您好！我是您的客户经理{owner}，给您拜个早年，祝您新春快乐、万事如意！",
            ),
            9 | 10 => (
                occasion::MID_AUTUMN,
                "中秋关怀",
                "{name}{title}您好！我是您的客户经理{owner}，中秋将至，祝您和家人花好月圆、阖家幸福！",
            ),
            _ => (
                occasion::MEMBER_DAY,
                "会员日关怀",
                "{name}{title}您好！我是您的客户经理{owner}，本周会员日为您准备了专属礼遇，欢迎回店看看。",
            ),
        };
        let mut orders: FxHashMap<Uuid, usize> = FxHashMap::default();
        for o in &self.data.orders {
            if o.status == OrderStatus::Paid {
                *orders.entry(o.customer_id).or_default() += 1;
            }
        }
        let members: Vec<(Uuid, Option<Sym>)> = self
            .data
            .customers
            .iter()
            .filter(|c| orders.get(&c.id).copied().unwrap_or(0) >= CAMPAIGN_MIN_ORDERS)
            .map(|c| (c.id, c.owner))
            .collect();
        if members.is_empty() {
            return;
        }
        let campaign = Campaign {
            id: self.uuid(),
            name: name.to_string(),
            occasion: code.to_string(),
            segment: format!("orders >= {CAMPAIGN_MIN_ORDERS}"),
            template: template.to_string(),
            created_at,
            updated_at: self.written_at,
        };
        for (k, (customer_id, owner)) in members.into_iter().enumerate() {
            // The first four cover every status; then mostly done.
            let status = [
                TaskStatus::Done,
                TaskStatus::NoAnswer,
                TaskStatus::Declined,
                TaskStatus::Todo,
            ][if k < 4 {
                k
            } else {
                self.weighted(&[55, 15, 8, 22])
            }];
            let done_at = (status != TaskStatus::Todo).then(|| {
                let days = self.rng.gen_range(0..10);
                let minutes = self.rng.gen_range(0..8 * 60);
                created_at.plus_millis(days * MS_PER_DAY + minutes * MS_PER_MINUTE)
            });
            let id = self.uuid();
            self.data.desk.tasks.push(CampaignTask {
                id,
                campaign_id: campaign.id,
                customer_id,
                owner: owner.map(|o| o.as_str().to_string()),
                status,
                done_at,
                updated_at: self.written_at,
            });
        }
        self.data.desk.campaigns.push(campaign);
    }
}
