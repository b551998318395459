//! Segment vs the rest counted the plain way, customer by customer from the raw orders, without
//! `segment::compare`: the reference `tests/segment_compare.rs` checks the module against, and
//! what `examples/segment_compare.rs` prints for the end-to-end test. (Shared by `#[path]`.)

use kezhi_core::Dataset;
use kezhi_core::OrderStatus;
use kezhi_core::funnel::{
    EventIndex, FunnelOptions, compute as funnel, purchase_funnel, repurchase_funnel,
};
use kezhi_core::metrics::Analytics;
use kezhi_core::model::Stage;
use kezhi_core::money::div_round_i64;
use std::collections::{BTreeMap, HashMap};

/// One side's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub customers: u64,
    pub buyers: u64,
    pub repeat_buyers: u64,
    pub paid_orders: u64,
    pub net_spend: i64,
    /// Net spend ÷ paid orders, half away from zero.
    pub aov: Option<i64>,
    pub repeat_rate: Option<f64>,
    /// (R, F) → customers, net spend.
    pub rf: BTreeMap<(u8, u8), (u64, i64)>,
    /// By stage code.
    pub stages: BTreeMap<&'static str, u64>,
    /// By tier index.
    pub tiers: BTreeMap<u8, u64>,
    /// The purchase funnel's customers per step, and the repurchase funnel's (90 days).
    pub purchase: Vec<u32>,
    pub repurchase: Vec<u32>,
}

/// The figures of the customers whose `member(position)` is `side`.
pub fn figures(
    data: &Dataset,
    analytics: &Analytics,
    index: &EventIndex,
    member: &[bool],
    side: bool,
) -> Figures {
    let on = |p: usize| member.get(p).copied().unwrap_or(false) == side;
    let positions: HashMap<_, _> = data
        .customers
        .iter()
        .enumerate()
        .map(|(p, c)| (c.id, p))
        .collect();
    let mut orders = vec![0u64; data.customers.len()];
    let mut spend = vec![0i64; data.customers.len()];
    for o in &data.orders {
        let Some(&p) = positions.get(&o.customer_id) else {
            continue;
        };
        match o.status {
            OrderStatus::Paid => {
                orders[p] += 1;
                spend[p] += o.amount_cents;
            }
            OrderStatus::Refunded => spend[p] -= o.amount_cents,
        }
    }
    let mut f = Figures::default();
    for p in (0..data.customers.len()).filter(|&p| on(p)) {
        f.customers += 1;
        f.buyers += u64::from(orders[p] >= 1);
        f.repeat_buyers += u64::from(orders[p] >= 2);
        f.paid_orders += orders[p];
        f.net_spend += spend[p];
        let m = analytics.customers.get(p).unwrap_or_default();
        if let (Some(r), Some(fs)) = (m.r, m.f) {
            let cell = f.rf.entry((r, fs)).or_default();
            cell.0 += 1;
            cell.1 += spend[p];
        }
        if let Some(s) = m.stage {
            *f.stages.entry(s.code()).or_default() += 1;
        }
        if let Some(t) = m.tier {
            *f.tiers.entry(t.0).or_default() += 1;
        }
    }
    for s in Stage::ALL {
        f.stages.entry(s.code()).or_default();
    }
    f.aov = (f.paid_orders > 0).then(|| div_round_i64(f.net_spend, f.paid_orders as i64));
    f.repeat_rate = (f.buyers > 0).then(|| f.repeat_buyers as f64 / f.buyers as f64);
    let eligible: Vec<bool> = (0..data.customers.len()).map(on).collect();
    let options = FunnelOptions {
        eligible: Some(&eligible),
        ..FunnelOptions::default()
    };
    let reached = |r: kezhi_core::funnel::FunnelResult| -> Vec<u32> {
        r.stats.steps.iter().map(|s| s.reached).collect()
    };
    f.purchase = reached(funnel(data, index, &purchase_funnel(), &options).expect("funnel"));
    f.repurchase = reached(repurchase_funnel(data, 90, None, &options).expect("funnel"));
    f
}
