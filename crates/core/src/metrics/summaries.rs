//! What the pages summarise from the analytics: KPIs (客单价, 复购率), stage and tier counts,
//! the R×F grid and churn warnings.

use super::*;
use std::borrow::Borrow;

/// The dashboard's headline figures over all data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kpis {
    pub customers: usize,
    /// Customers with at least one paid order.
    pub buyers: usize,
    /// Customers with at least two paid orders.
    pub repeat_buyers: usize,
    pub paid_orders: u64,
    /// Net spend of all customers (paid − refunded), cents.
    pub net_spend: Cents,
    /// 客单价: net spend ÷ paid orders, rounded half away from zero.
    pub aov: Option<Cents>,
    /// 复购率: repeat buyers ÷ buyers.
    pub repeat_rate: Option<f64>,
}

pub fn kpis(analytics: &Analytics) -> Kpis {
    kpis_of(analytics.customers.iter())
}

/// The same figures over some customers only (a segment and the rest, `segment::compare`):
/// the one definition of 客单价 and 复购率.
pub fn kpis_of(customers: impl IntoIterator<Item = impl Borrow<CustomerMetrics>>) -> Kpis {
    let mut k = Kpis::default();
    for m in customers {
        let m = m.borrow();
        k.customers += 1;
        k.buyers += usize::from(m.orders >= 1);
        k.repeat_buyers += usize::from(m.orders >= 2);
        k.paid_orders += u64::from(m.orders);
        k.net_spend += m.total_spent;
    }
    let (paid_orders, net_spend, buyers) = (k.paid_orders, k.net_spend, k.buyers);
    k.aov = (paid_orders > 0).then(|| div_round_i64(net_spend, paid_orders as i64));
    k.repeat_rate = (buyers > 0).then(|| k.repeat_buyers as f64 / buyers as f64);
    k
}

/// One cell of the R×F grid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RfmCell {
    pub customers: usize,
    /// Net spend of the cell's customers, cents.
    pub revenue: Cents,
}

impl RfmCell {
    /// Average M of the cell, rounded half away from zero.
    pub fn average(&self) -> Option<Cents> {
        (self.customers > 0).then(|| div_round_i64(self.revenue, self.customers as i64))
    }
}

/// How many customers are at each lifecycle stage, in [`Stage::ALL`]'s order (customers
/// without a stage are not counted).
pub fn stage_counts(analytics: &Analytics) -> [(Stage, usize); 6] {
    stage_counts_of(analytics.customers.iter())
}

/// [`stage_counts`] over some customers only.
pub fn stage_counts_of(
    customers: impl IntoIterator<Item = impl Borrow<CustomerMetrics>>,
) -> [(Stage, usize); 6] {
    let mut counts = Stage::ALL.map(|s| (s, 0));
    for m in customers {
        let m = m.borrow();
        if let Some(slot) = m
            .stage
            .and_then(|s| counts.iter_mut().find(|(x, _)| *x == s))
        {
            slot.1 += 1;
        }
    }
    counts
}

/// How many customers are in each value tier: `counts[t.0]` for tier `t`, one entry per tier
/// of `tiers` (the analytics' tiers, the tier of customers no rule matches last); customers
/// without a tier, or with one beyond the list, are not counted.
pub fn tier_counts_of(
    tiers: usize,
    customers: impl IntoIterator<Item = impl Borrow<CustomerMetrics>>,
) -> Vec<usize> {
    let mut counts = vec![0; tiers];
    for m in customers {
        let m = m.borrow();
        if let Some(slot) = m.tier.and_then(|t| counts.get_mut(usize::from(t.0))) {
            *slot += 1;
        }
    }
    counts
}

/// The 5×5 R×F grid: `grid[r - 1][f - 1]`.
pub fn rf_grid(analytics: &Analytics) -> [[RfmCell; 5]; 5] {
    rf_grid_of(analytics.customers.iter())
}

/// [`rf_grid`] over some customers only.
pub fn rf_grid_of(
    customers: impl IntoIterator<Item = impl Borrow<CustomerMetrics>>,
) -> [[RfmCell; 5]; 5] {
    let mut grid = [[RfmCell::default(); 5]; 5];
    for m in customers {
        let m = m.borrow();
        if let (Some(r), Some(f)) = (m.r, m.f) {
            let cell = &mut grid[usize::from(r) - 1][usize::from(f) - 1];
            cell.customers += 1;
            cell.revenue += m.total_spent;
        }
    }
    grid
}

/// A customer counts as *newly* at risk for this many days after crossing the limit.
pub const NEWLY_AT_RISK_DAYS: i64 = 30;

impl CustomerMetrics {
    /// 流失预警 that began within the last [`NEWLY_AT_RISK_DAYS`] days.
    pub fn newly_at_risk(&self) -> bool {
        match (self.at_risk_after, self.recency_days) {
            (Some(limit), Some(recency)) => recency - limit <= NEWLY_AT_RISK_DAYS,
            _ => false,
        }
    }
}

/// One entry of the churn warning list, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChurnWarning {
    /// Index into `Dataset::customers`.
    pub index: usize,
    /// Days since the last paid order.
    pub recency_days: i64,
    /// The customer's median gap between orders; `None` for one-time buyers.
    pub usual_gap_days: Option<i64>,
    /// The limit that was crossed.
    pub limit_days: i64,
    pub total_spent: Cents,
}

/// Customers newly at risk, the most valuable (net spend) first, ties by position.
pub fn churn_warnings(analytics: &Analytics) -> Vec<ChurnWarning> {
    let mut out: Vec<ChurnWarning> = analytics
        .customers
        .iter()
        .enumerate()
        .filter(|(_, m)| m.newly_at_risk())
        .filter_map(|(index, m)| {
            Some(ChurnWarning {
                index,
                recency_days: m.recency_days?,
                usual_gap_days: m.median_gap_days,
                limit_days: m.at_risk_after?,
                total_spent: m.total_spent,
            })
        })
        .collect();
    crate::sorting::sort_by(&mut out, |a, b| {
        b.total_spent
            .cmp(&a.total_spent)
            .then(a.index.cmp(&b.index))
    });
    out
}
