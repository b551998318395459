//! What the pages summarise from the analytics: KPIs (客单价, 复购率), stage and tier counts,
//! the R×F grid and churn warnings.

use super::*;

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

// The summaries read the table's columns, a byte or a number per customer: at half a million
// customers, putting every row together (as they did) four times over for the dashboard, and
// eight for a segment against the rest, was tens of milliseconds in wasm each time.

/// The dashboard's headline figures over all customers.
pub fn kpis(analytics: &Analytics) -> Kpis {
    kpis_where(analytics, |_| true)
}

/// [`kpis`] over the customers whose positions `keep` accepts (a segment and the rest,
/// `segment::compare`): the one definition of 客单价 and 复购率.
pub fn kpis_where(analytics: &Analytics, keep: impl Fn(usize) -> bool) -> Kpis {
    let table = &analytics.customers;
    // Everybody has a net spend (0 without orders).
    let spent = &table.numbers(NumberColumn::TotalSpent).values;
    let mut k = Kpis::default();
    for (i, (&orders, &spent)) in table.orders().iter().zip(spent).enumerate() {
        if keep(i) {
            k.customers += 1;
            k.buyers += usize::from(orders >= 1);
            k.repeat_buyers += usize::from(orders >= 2);
            k.paid_orders += u64::from(orders);
            k.net_spend += spent;
        }
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
    stage_counts_where(analytics, |_| true)
}

/// [`stage_counts`] over the customers whose positions `keep` accepts.
pub fn stage_counts_where(
    analytics: &Analytics,
    keep: impl Fn(usize) -> bool,
) -> [(Stage, usize); 6] {
    // The stage column holds each stage's position in `Stage::ALL` (`NONE`: no stage).
    let column = analytics.customers.small(SmallColumn::Stage);
    let counts = count_codes(column, Stage::ALL.len(), keep);
    let mut out = Stage::ALL.map(|s| (s, 0));
    for (slot, n) in out.iter_mut().zip(counts) {
        slot.1 = n;
    }
    out
}

/// How many customers whose positions `keep` accepts are in each value tier: `counts[t.0]`
/// for tier `t`, one entry per tier of the analytics (the tier of customers no rule matches
/// last); customers without a tier, or with one beyond the list, are not counted.
pub fn tier_counts_where(analytics: &Analytics, keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let column = analytics.customers.small(SmallColumn::Tier);
    count_codes(column, analytics.tiers.len(), keep)
}

/// How many of the kept customers hold each code `0..codes` in a small column (other codes,
/// `NONE` among them, are not counted).
fn count_codes(column: &[u8], codes: usize, keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut counts = vec![0; codes];
    for (i, &code) in column.iter().enumerate() {
        if let Some(slot) = counts.get_mut(usize::from(code))
            && keep(i)
        {
            *slot += 1;
        }
    }
    counts
}

/// The 5×5 R×F grid: `grid[r - 1][f - 1]`.
pub fn rf_grid(analytics: &Analytics) -> [[RfmCell; 5]; 5] {
    rf_grid_where(analytics, |_| true)
}

/// [`rf_grid`] over the customers whose positions `keep` accepts.
pub fn rf_grid_where(analytics: &Analytics, keep: impl Fn(usize) -> bool) -> [[RfmCell; 5]; 5] {
    let table = &analytics.customers;
    let mut grid = [[RfmCell::default(); 5]; 5];
    let rs = table.small(SmallColumn::R);
    let fs = table.small(SmallColumn::F);
    let spent = &table.numbers(NumberColumn::TotalSpent).values;
    for (i, ((&r, &f), &spent)) in rs.iter().zip(fs).zip(spent).enumerate() {
        // Scores are 1–5; `NONE` (no score) falls outside the grid.
        let cell = usize::from(r)
            .checked_sub(1)
            .zip(usize::from(f).checked_sub(1))
            .and_then(|(r, f)| grid.get_mut(r)?.get_mut(f));
        if let Some(cell) = cell
            && keep(i)
        {
            cell.customers += 1;
            cell.revenue += spent;
        }
    }
    grid
}

/// A customer counts as *newly* at risk for this many days after crossing the limit.
pub const NEWLY_AT_RISK_DAYS: i64 = 30;

impl CustomerMetrics {
    /// 流失预警 that began within the last [`NEWLY_AT_RISK_DAYS`] days.
    pub fn newly_at_risk(&self) -> bool {
        newly_at_risk(self.at_risk_after, self.recency_days)
    }
}

/// A customer with this churn limit and recency is newly at risk.
fn newly_at_risk(at_risk_after: Option<i64>, recency_days: Option<i64>) -> bool {
    match (at_risk_after, recency_days) {
        (Some(limit), Some(recency)) => recency - limit <= NEWLY_AT_RISK_DAYS,
        _ => false,
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
    let table = &analytics.customers;
    let limits = table.numbers(NumberColumn::AtRiskAfter);
    let recency = table.numbers(NumberColumn::RecencyDays);
    let gaps = table.numbers(NumberColumn::MedianGapDays);
    let mut out: Vec<ChurnWarning> = (0..table.len())
        .filter_map(|index| {
            let (limit, recency) = (limits.get(index), recency.get(index));
            newly_at_risk(limit, recency).then_some(ChurnWarning {
                index,
                recency_days: recency?,
                usual_gap_days: gaps.get(index),
                limit_days: limit?,
                total_spent: table.total_spent(index),
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
