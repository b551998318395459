//! The demo's request cards: about one customer in twenty raised a request in the last 45 days
//! of the history; older ones are mostly resolved (some after their deadline, a few closed),
//! and some are still open — overdue, due today, or due later — so the requests page, the
//! dashboard's figures and the day's list all have something real to show.
//!
//! Drawn from a random stream of its own: the rest of the demo is unchanged by it.

use super::DemoConfig;
use crate::dataset::Dataset;
use crate::desk::requests::DeskSettings;
use crate::model::desk::category;
use crate::model::{Priority, Request, RequestStatus};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The requests' stream of the demo's ChaCha8 ("reqs" in ASCII).
const REQUESTS_STREAM: u64 = 0x7265_7173;
/// Share of customers with a request.
const SHARE: f64 = 0.05;
/// Requests are opened in this many days before the history's end.
const DAYS: i64 = 45;

/// (category, weight, what customers ask).
const KINDS: [(&str, u32, &[&str]); 4] = [
    (
        category::CONSULTATION,
        35,
        &[
            "咨询会员积分如何兑换",
            "询问企业团购价格",
            "想了解分期付款方式",
            "咨询新品到货时间",
        ],
    ),
    (
        category::COMPLAINT,
        20,
        &[
            "快递包装破损，商品有划痕",
            "客服回复太慢",
            "发票开错抬头",
            "收到的颜色与下单不符",
        ],
    ),
    (
        category::NEED,
        30,
        &[
            "希望定制公司年会礼品",
            "需要批量采购报价单",
            "想预约上门安装",
            "希望增加送货前电话通知",
        ],
    ),
    (
        category::SERVICE,
        15,
        &["申请退换货", "预约售后维修", "修改收货地址", "补寄赠品"],
    ),
];

const RESOLUTIONS: [&str; 5] = [
    "已电话说明并解决",
    "已补发，客户确认收到",
    "已提供报价，客户满意",
    "已安排上门服务",
    "已退款并致歉",
];

/// Adds the request cards to the generated `data`, whose history ends at `end` (the day after
/// its last day, 00:00 China time); every record is written at `written_at`.
pub(super) fn add_requests(
    config: &DemoConfig,
    data: &mut Dataset,
    end: Timestamp,
    written_at: Timestamp,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(REQUESTS_STREAM);
    let settings = DeskSettings::default();
    let total: u32 = KINDS.iter().map(|(_, w, _)| w).sum();
    let mut out = Vec::new();
    for c in &data.customers {
        if !rng.gen_bool(SHARE) {
            continue;
        }
        let mut pick = rng.gen_range(0..total);
        let (cat, _, texts) = KINDS
            .iter()
            .find(|(_, w, _)| {
                let hit = pick < *w;
                pick = pick.saturating_sub(*w);
                hit
            })
            .copied()
            .unwrap_or(KINDS[0]);
        let minutes = rng.gen_range(0..DAYS * 24 * 60);
        let opened = end.plus_millis(-(minutes + 60) * MS_PER_MINUTE);
        let due = settings.due_at(cat, opened);
        let priority = match rng.gen_range(0..100) {
            0..15 => Priority::Low,
            15..70 => Priority::Normal,
            70..92 => Priority::High,
            _ => Priority::Urgent,
        };
        let sla = due.millis() - opened.millis();
        let roll: u32 = rng.gen_range(0..100);
        // When it was resolved, if it was: most within the service level, some late; never
        // after the history's end.
        let resolved_at = |rng: &mut ChaCha8Rng| {
            let after = if rng.gen_bool(0.75) {
                sla * rng.gen_range(10..95) / 100
            } else {
                sla + rng.gen_range(1..48) * MS_PER_HOUR
            };
            Timestamp(opened.millis() + after)
        };
        let (status, closed_at) = if due < end {
            match roll {
                0..78 => {
                    let at = resolved_at(&mut rng);
                    (RequestStatus::Resolved, Some(at))
                }
                78..86 => (
                    RequestStatus::Closed,
                    Some(Timestamp(due.millis() - sla / 2)),
                ),
                86..93 => (RequestStatus::InProgress, None),
                _ => (RequestStatus::Open, None),
            }
        } else {
            match roll {
                0..35 => (
                    RequestStatus::Resolved,
                    Some(Timestamp(opened.millis() + sla / 4)),
                ),
                35..70 => (RequestStatus::InProgress, None),
                _ => (RequestStatus::Open, None),
            }
        };
        // A resolution cannot come after the history's end.
        let closed_at = closed_at.map(|t| t.min(end.plus_millis(-MS_PER_MINUTE)));
        let status = match (status, closed_at) {
            (RequestStatus::Resolved, Some(t)) if t <= opened => RequestStatus::Open,
            (s, _) => s,
        };
        let closed_at = closed_at.filter(|_| !status.is_open());
        // Indices drawn as u32: `usize` draws differ between 32-bit wasm and 64-bit builds,
        // and the demo must be the same everywhere.
        let description = texts[rng.gen_range(0..texts.len() as u32) as usize].to_string();
        let resolution = match status {
            RequestStatus::Resolved => {
                RESOLUTIONS[rng.gen_range(0..RESOLUTIONS.len() as u32) as usize].to_string()
            }
            _ => String::new(),
        };
        out.push(Request {
            id: uuid::Builder::from_random_bytes(rng.r#gen()).into_uuid(),
            customer_id: c.id,
            category: cat.to_string(),
            description,
            priority,
            status,
            owner: c.owner.map(|o| o.to_string()),
            opened_at: opened,
            due_at: due,
            closed_at,
            resolution,
            updated_at: written_at,
        });
    }
    debug_assert!(out.iter().all(
        |r| r.opened_at < end && r.opened_at.millis() > end.millis() - (DAYS + 1) * MS_PER_DAY
    ));
    data.desk.requests.extend(out);
    data.desk.normalize();
}
