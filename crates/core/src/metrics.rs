//! Customer analytics: per-customer R/F/M and order figures, RFM scores and groups, lifecycle
//! stages and value tiers, and the dashboard's KPIs. The definitions are the documented ones
//! (docs/analytics.md); every figure here is computed from paid orders and refunds only.
//!
//! - F = paid orders; refunds are not orders. M = net spend (paid − refunded), in cents.
//! - R = calendar days, in the configured time zone, from the date of the last paid order to
//!   the reference date (default: the day after the latest paid order in the data).
//! - Scores 1–5: `1 + floor(5 × c / n)`, `c` = scored customers with a strictly smaller value,
//!   `n` = customers with at least one paid order; R uses the negated days. Ties share a score.

use crate::dataset::Dataset;
use crate::model::{Cents, Order, OrderStatus, Tier};
// Only for `segment/` (complete.rs, parse.rs), which still names them here: remove once the
// seglang branch imports them from `crate::model` (their home since the classes moved).
pub use crate::model::{RfmGroup, Stage};
use crate::money::div_round_i64;
use crate::time::Timestamp;
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

mod default_tiers;
pub use default_tiers::{default_other_tier, default_tier_rules};

/// The thresholds of Settings, with the defaults the product documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Settings saved by an older version lack newer fields: those take their defaults.
#[serde(default)]
pub struct AnalyticsSettings {
    /// `None`: the day after the latest paid order.
    pub reference: Option<NaiveDate>,
    /// The time zone calendar days are counted in, as minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// R, F and M count as "high" from this score up (RFM groups).
    pub rfm_high: u8,
    /// 开发/新客: first order within this many days.
    pub new_days: i64,
    /// 成熟: at least this many paid orders.
    pub mature_orders: u32,
    /// 流失预警 for one-time buyers: no order for more than this many days.
    pub at_risk_days: i64,
    /// 流失: no order for more than this many days.
    pub churn_days: i64,
    /// Value tiers in order; the first rule a customer meets gives their tier.
    pub tiers: Vec<TierRule>,
    /// The tier of customers who meet no rule.
    pub other_tier: TierName,
    /// Predicted lifetime value: years a customer who is still active keeps buying.
    pub ltv_years: u32,
    /// Custom cut points instead of quintiles, four ascending values per metric (see
    /// [`cut_score`]): days for R, paid orders for F, cents for M.
    pub r_cuts: Option<[i64; 4]>,
    pub f_cuts: Option<[i64; 4]>,
    pub m_cuts: Option<[i64; 4]>,
    /// Request categories and their service levels. Not analytics, but these settings are
    /// the team's shared settings document (synced, in backups): the desk's belong with them.
    pub desk: crate::desk::requests::DeskSettings,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        AnalyticsSettings {
            reference: None,
            utc_offset_minutes: 8 * 60,
            rfm_high: 3,
            new_days: 30,
            mature_orders: 4,
            at_risk_days: 90,
            churn_days: 180,
            tiers: default_tier_rules(),
            other_tier: default_other_tier(),
            ltv_years: 3,
            r_cuts: None,
            f_cuts: None,
            m_cuts: None,
            desk: Default::default(),
        }
    }
}

impl AnalyticsSettings {
    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or_else(crate::time::china_offset)
    }
}

/// A tier's code (in URLs and settings) and its names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierName {
    pub code: String,
    pub zh: String,
    /// Empty: the Chinese name is used.
    pub en: String,
}

impl TierName {
    pub fn new(code: &str, zh: &str, en: &str) -> Self {
        TierName {
            code: code.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn name(&self, chinese: bool) -> &str {
        if chinese || self.en.trim().is_empty() {
            &self.zh
        } else {
            &self.en
        }
    }
}

/// Who belongs to a tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TierCondition {
    /// Net spend at least this many cents.
    MinSpend(Cents),
    /// Among the top this-many percent of all customers by net spend (positive spend only):
    /// fewer than that share of all customers spent strictly more.
    TopPercent(u32),
}

/// One rule of the value tiers; the first rule a customer meets gives their tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRule {
    pub tier: TierName,
    pub condition: TierCondition,
}

/// The most rules (the tier index is a byte, and a list longer than this helps nobody).
pub const MAX_TIER_RULES: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerMetrics {
    /// F: paid orders.
    pub orders: u32,
    /// M: paid minus refunded, cents.
    pub total_spent: Cents,
    /// Net spend ÷ paid orders, rounded half away from zero.
    pub aov: Option<Cents>,
    pub first_order: Option<Timestamp>,
    pub last_order: Option<Timestamp>,
    /// R: calendar days from the last paid order's date to the reference date.
    pub recency_days: Option<i64>,
    /// Median of the calendar days between consecutive paid orders (rounded down).
    pub median_gap_days: Option<i64>,
    pub r: Option<u8>,
    pub f: Option<u8>,
    pub m: Option<u8>,
    pub group: Option<RfmGroup>,
    /// The lifecycle stage: the manual one if the customer has one, else `computed_stage`.
    pub stage: Option<Stage>,
    /// The stage the rules give, whatever was set by hand.
    pub computed_stage: Option<Stage>,
    pub tier: Option<Tier>,
    /// Predicted lifetime value (cents): net spend so far plus the expected future spend,
    /// `AOV × paid orders per year × ltv_years × p`, where orders per year are counted from
    /// the first paid order to the reference date (at least a year) and `p` is 1 for active
    /// customers, ½ for 流失预警 and 0 for 流失. The historic value is `total_spent`.
    pub ltv: Option<Cents>,
    /// 流失预警 only: days without an order beyond which the customer counts as at risk
    /// (twice the usual gap, or `at_risk_days` for one-time buyers).
    pub at_risk_after: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analytics {
    pub reference: Option<NaiveDate>,
    /// The tiers' codes and names, highest first: `tiers[t.0]` describes tier `t`.
    pub tiers: Vec<TierName>,
    /// Aligned with `Dataset::customers`.
    pub customers: Vec<CustomerMetrics>,
    /// The customers' ids and the settings these analytics were computed for, so that
    /// [`Analytics::update`] can tell whether an update fits.
    ids: Vec<uuid::Uuid>,
    settings: AnalyticsSettings,
}

/// `1 + floor(5 × c / n)` for every value, `c` = values strictly smaller.
pub fn quintile_scores(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    // Sorted with their positions, `c` is where a run of equal values starts: one pass gives
    // every score (a binary search per value was a cache miss per step).
    let mut sorted: Vec<(i64, u32)> = values.iter().copied().zip(0u32..).collect();
    sorted.sort_unstable();
    let mut out = vec![1u8; n];
    let mut smaller = 0;
    for k in 0..sorted.len() {
        if k > 0 && sorted[k].0 != sorted[k - 1].0 {
            smaller = k;
        }
        if let Some(score) = out.get_mut(sorted[k].1 as usize) {
            *score = (1 + 5 * smaller / n.max(1)).clamp(1, 5) as u8;
        }
    }
    out
}

/// A score by cut points `c1 < c2 < c3 < c4`. Higher is better (F, M): 1 + the number of
/// cut points at or below the value (`≥ c1` → 2 … `≥ c4` → 5). Lower is better (R, in days):
/// 1 + the number of cut points at or above the value (`≤ c4` → 2 … `≤ c1` → 5).
pub fn cut_score(value: i64, cuts: [i64; 4], higher_is_better: bool) -> u8 {
    let n = if higher_is_better {
        cuts.iter().filter(|&&c| c <= value).count()
    } else {
        cuts.iter().filter(|&&c| c >= value).count()
    };
    1 + n as u8
}

/// Parses four ascending cut points written `30, 60, 120, 240` (also with `，` or spaces).
pub fn parse_cuts(text: &str) -> Option<[i64; 4]> {
    let values: Vec<i64> = text
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let cuts: [i64; 4] = values.try_into().ok()?;
    cuts.windows(2).all(|w| w[0] < w[1]).then_some(cuts)
}

pub fn compute(data: &Dataset, settings: &AnalyticsSettings) -> Analytics {
    let mut out = vec![CustomerMetrics::default(); data.customers.len()];
    order_figures(data, settings, &mut out, 0..data.customers.len());
    finish(out, data, settings)
}

/// The RFM subset of [`compute`] alone: every customer's paid orders (F), net spend (M), first
/// and last paid order, recency (R), the three scores and the RFM group — the same values as
/// [`compute`]'s, the rest left at their defaults. What a question about RFM alone costs (the
/// native race against DuckDB, tests/bench/peer/native.py).
pub fn rfm(data: &Dataset, settings: &AnalyticsSettings) -> Vec<CustomerMetrics> {
    let mut out = vec![CustomerMetrics::default(); data.customers.len()];
    order_sums(data, &mut out, 0..data.customers.len(), |_, _| {});
    recency_and_scores(&mut out, settings);
    out
}

impl Analytics {
    /// The analytics after an edit that changed only the customers at `touched` (their own
    /// fields, their orders) or added customers at the end, equal to [`compute`] over the new
    /// data at a fraction of its cost: only those customers' order figures are recounted; the
    /// scores, stages and tiers, which compare customers with each other, are redone for all
    /// from the kept figures. Anything else (customers removed or moved, other settings) is a
    /// full [`compute`].
    pub fn update(
        mut self,
        data: &Dataset,
        settings: &AnalyticsSettings,
        touched: &[usize],
    ) -> Self {
        let (old, n) = (self.ids.len(), data.customers.len());
        let same_shape = self.settings == *settings
            && old <= n
            && old == self.customers.len()
            && self
                .ids
                .iter()
                .zip(&data.customers)
                .all(|(id, c)| *id == c.id);
        if !same_shape {
            return compute(data, settings);
        }
        let touched: Vec<usize> = touched.iter().copied().filter(|&i| i < old).collect();
        let before: Vec<CustomerMetrics> =
            touched.iter().map(|&i| self.customers[i].clone()).collect();
        self.customers.resize(n, CustomerMetrics::default());
        let recount: Vec<usize> = touched.iter().copied().chain(old..n).collect();
        for &i in &recount {
            self.customers[i] = CustomerMetrics::default();
        }
        order_figures(data, settings, &mut self.customers, recount);
        let figures_kept = old == n
            && touched
                .iter()
                .zip(&before)
                .all(|(&i, b)| same_order_figures(&self.customers[i], b));
        if !figures_kept {
            return finish(std::mem::take(&mut self.customers), data, settings);
        }
        // No order changed: the scores, tiers and recency of everyone stay; what the edited
        // customers' own fields decide is redone for them (a stage set by hand, and with it
        // the churn limit and LTV).
        let offset = settings.offset();
        let reference_day = self.reference.map(crate::time::day_number);
        for (&i, b) in touched.iter().zip(before) {
            let m = &mut self.customers[i];
            *m = b;
            settle_stage(m, &data.customers[i], settings, reference_day, offset);
        }
        self
    }
}

/// Whether two metrics agree in everything a customer's orders give.
fn same_order_figures(a: &CustomerMetrics, b: &CustomerMetrics) -> bool {
    (
        a.orders,
        a.total_spent,
        a.aov,
        a.first_order,
        a.last_order,
        a.median_gap_days,
    ) == (
        b.orders,
        b.total_spent,
        b.aov,
        b.first_order,
        b.last_order,
        b.median_gap_days,
    )
}

/// Counts the paid orders, net spend, first and last order, average order value and median
/// gap of the customers at the positions `recount` yields (their metrics start at the
/// default); orders of other customers are skipped.
fn order_figures(
    data: &Dataset,
    settings: &AnalyticsSettings,
    out: &mut [CustomerMetrics],
    recount: impl IntoIterator<Item = usize>,
) {
    let offset = settings.offset();
    let n = out.len();
    // Each paid order's customer position and local day, then grouped by customer with a
    // counting sort: one buffer for all the days instead of a vector per customer (100,000
    // small vectors and their regrowth were a fifth of the time in wasm).
    let mut paid: Vec<(u32, i64)> = Vec::with_capacity(data.orders.len());
    let mut starts = vec![0u32; n + 1];
    order_sums(data, out, recount, |position, o| {
        paid.push((position, o.ordered_at.local_day(offset)));
        if let Some(s) = starts.get_mut(position as usize + 1) {
            *s += 1;
        }
    });
    for k in 1..=n {
        starts[k] += starts[k - 1];
    }
    let mut days = vec![0i64; paid.len()];
    let mut next = starts.clone();
    for &(i, day) in &paid {
        let slot = &mut next[i as usize];
        days[*slot as usize] = day;
        *slot += 1;
    }
    drop(paid);
    let mut gaps: Vec<i64> = Vec::new();
    for (k, m) in out.iter_mut().enumerate() {
        let days = &mut days[starts[k] as usize..starts[k + 1] as usize];
        if days.is_empty() {
            continue;
        }
        m.aov = Some(div_round_i64(m.total_spent, i64::from(m.orders)));
        days.sort_unstable();
        gaps.clear();
        gaps.extend(days.windows(2).map(|w| w[1] - w[0]));
        gaps.sort_unstable();
        m.median_gap_days = match gaps.len() {
            0 => None,
            n if n % 2 == 1 => Some(gaps[n / 2]),
            n => Some((gaps[n / 2 - 1] + gaps[n / 2]).div_euclid(2)),
        };
    }
}

/// Paid orders, net spend and first and last paid order of the customers at the positions
/// `recount` yields, added to `out`; `on_paid` hears of each of their paid orders with the
/// customer's position.
fn order_sums(
    data: &Dataset,
    out: &mut [CustomerMetrics],
    recount: impl IntoIterator<Item = usize>,
    mut on_paid: impl FnMut(u32, &Order),
) {
    // The sums live in the table that finds an order's customer: a million orders land on
    // customers in random order, and finding the customer and then its row elsewhere was two
    // cache misses per order (most of the time, in `perf`); one 48-byte entry is one.
    #[derive(Clone, Copy)]
    struct Sums {
        position: u32,
        orders: u32,
        spent: Cents,
        first: i64,
        last: i64,
    }
    let recount = recount.into_iter();
    let mut sums: rustc_hash::FxHashMap<uuid::Uuid, Sums> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(recount.size_hint().0, Default::default());
    for i in recount {
        if let (Some(c), Ok(position)) = (data.customers.get(i), u32::try_from(i)) {
            let fresh = Sums {
                position,
                orders: 0,
                spent: 0,
                first: i64::MAX,
                last: i64::MIN,
            };
            sums.insert(c.id, fresh);
        }
    }
    for o in &data.orders {
        let Some(s) = sums.get_mut(&o.customer_id) else {
            continue;
        };
        match o.status {
            OrderStatus::Paid => {
                s.orders += 1;
                s.spent += o.amount_cents;
                s.first = s.first.min(o.ordered_at.0);
                s.last = s.last.max(o.ordered_at.0);
                on_paid(s.position, o);
            }
            OrderStatus::Refunded => s.spent -= o.amount_cents,
        }
    }
    for s in sums.values() {
        let Some(m) = out.get_mut(s.position as usize) else {
            continue;
        };
        m.orders += s.orders;
        m.total_spent += s.spent;
        if s.orders > 0 {
            m.first_order = Some(Timestamp(s.first));
            m.last_order = Some(Timestamp(s.last));
        }
    }
}

/// The reference date (the settings', or the day after the latest paid order), and from it
/// every customer's recency, R, F and M scores and RFM group, given their order figures.
fn recency_and_scores(
    out: &mut [CustomerMetrics],
    settings: &AnalyticsSettings,
) -> Option<NaiveDate> {
    let offset = settings.offset();
    let day = |t: Timestamp| -> i64 { t.local_day(offset) };
    // The latest paid order of all is the latest of the customers' last paid orders.
    let latest = out.iter().filter_map(|m| m.last_order).max();
    let reference = settings.reference.or_else(|| {
        latest
            .and_then(|t| t.to_offset(offset))
            .and_then(|d| d.date_naive().succ_opt())
    });
    let reference_day = reference.map(crate::time::day_number);
    for m in out.iter_mut() {
        // The last paid order's day is the latest of the paid days.
        m.recency_days = match (reference_day, m.last_order) {
            (Some(r), Some(last)) if m.orders > 0 => Some(r - day(last)),
            _ => None,
        };
        (m.r, m.f, m.m, m.group) = (None, None, None, None);
        m.at_risk_after = None;
    }

    // RFM scores over customers with a paid order.
    let scored: Vec<usize> = (0..out.len()).filter(|&i| out[i].orders > 0).collect();
    let r_values: Vec<i64> = scored
        .iter()
        .map(|&i| -out[i].recency_days.unwrap_or(0))
        .collect();
    let f_values: Vec<i64> = scored.iter().map(|&i| i64::from(out[i].orders)).collect();
    let m_values: Vec<i64> = scored.iter().map(|&i| out[i].total_spent).collect();
    let scores = |values: &[i64], cuts: Option<[i64; 4]>, negated: bool| match cuts {
        Some(cuts) => values
            .iter()
            .map(|&v| {
                if negated {
                    cut_score(-v, cuts, false)
                } else {
                    cut_score(v, cuts, true)
                }
            })
            .collect(),
        None => quintile_scores(values),
    };
    let (rs, fs, ms): (Vec<u8>, Vec<u8>, Vec<u8>) = (
        scores(&r_values, settings.r_cuts, true),
        scores(&f_values, settings.f_cuts, false),
        scores(&m_values, settings.m_cuts, false),
    );
    let high = settings.rfm_high;
    for (k, &i) in scored.iter().enumerate() {
        let m = &mut out[i];
        m.r = Some(rs[k]);
        m.f = Some(fs[k]);
        m.m = Some(ms[k]);
        m.group = Some(RfmGroup::of(rs[k] >= high, fs[k] >= high, ms[k] >= high));
    }
    reference
}

/// From every customer's order figures: the reference date, recency, RFM scores and groups,
/// stages, churn limits, LTV and value tiers (what compares customers with each other).
fn finish(
    mut out: Vec<CustomerMetrics>,
    data: &Dataset,
    settings: &AnalyticsSettings,
) -> Analytics {
    let reference = recency_and_scores(&mut out, settings);
    let offset = settings.offset();
    let reference_day = reference.map(crate::time::day_number);

    for (m, c) in out.iter_mut().zip(&data.customers) {
        m.computed_stage = Some(stage_of(m, settings));
        settle_stage(m, c, settings, reference_day, offset);
    }

    // Value tiers: the first rule met; "top share" counts the customers who spent more.
    let n = out.len() as i64;
    let mut spends: Vec<i64> = out.iter().map(|m| m.total_spent).collect();
    spends.sort_unstable();
    let rules = &settings.tiers[..settings.tiers.len().min(MAX_TIER_RULES)];
    for m in out.iter_mut() {
        let greater = n - spends.partition_point(|&x| x <= m.total_spent) as i64;
        let meets = |c: &TierCondition| match *c {
            TierCondition::MinSpend(cents) => m.total_spent >= cents,
            TierCondition::TopPercent(p) => m.total_spent > 0 && greater * 100 < i64::from(p) * n,
        };
        let k = rules
            .iter()
            .position(|r| meets(&r.condition))
            .unwrap_or(rules.len());
        m.tier = Some(Tier(k as u8));
    }
    let tiers = rules
        .iter()
        .map(|r| r.tier.clone())
        .chain([settings.other_tier.clone()])
        .collect();
    Analytics {
        reference,
        tiers,
        ids: data.customers.iter().map(|c| c.id).collect(),
        settings: settings.clone(),
        customers: out,
    }
}

/// The stage shown (set by hand, or the computed one), the churn limit and the LTV, given the
/// computed stage.
fn settle_stage(
    m: &mut CustomerMetrics,
    c: &crate::Customer,
    settings: &AnalyticsSettings,
    reference_day: Option<i64>,
    offset: FixedOffset,
) {
    let computed = m.computed_stage.unwrap_or_else(|| stage_of(m, settings));
    let stage = c.stage_override.unwrap_or(computed);
    m.stage = Some(stage);
    // Warnings come from the rules; a stage set by hand (either way) silences them.
    m.at_risk_after =
        (stage == Stage::AtRisk && computed == Stage::AtRisk).then(|| at_risk_limit(m, settings));
    m.ltv = predicted_ltv(m, settings, reference_day, &|t: Timestamp| {
        t.local_day(offset)
    });
}

/// The lifecycle stage; the first rule that applies wins: no order → 潜在; quiet beyond
/// `churn_days` → 流失; quiet beyond twice the customer's own median gap (one-time buyers:
/// beyond `at_risk_days`) → 流失预警; then by paid orders: ≥ `mature_orders` → 成熟, ≥ 2 → 成长,
/// 1 → 开发.
fn stage_of(m: &CustomerMetrics, s: &AnalyticsSettings) -> Stage {
    if m.orders == 0 {
        return Stage::Prospect;
    }
    let recency = m.recency_days.unwrap_or(0);
    if recency > s.churn_days {
        return Stage::Churned;
    }
    if recency > at_risk_limit(m, s) {
        return Stage::AtRisk;
    }
    if m.orders >= s.mature_orders {
        Stage::Mature
    } else if m.orders >= 2 {
        Stage::Growing
    } else {
        Stage::Developing
    }
}

/// Days without an order after which the customer is at risk (流失预警).
fn at_risk_limit(m: &CustomerMetrics, s: &AnalyticsSettings) -> i64 {
    match m.median_gap_days {
        Some(gap) => 2 * gap.max(1),
        None => s.at_risk_days,
    }
}

/// See [`CustomerMetrics::ltv`].
fn predicted_ltv(
    m: &CustomerMetrics,
    s: &AnalyticsSettings,
    reference_day: Option<i64>,
    day: &impl Fn(Timestamp) -> i64,
) -> Option<Cents> {
    let (aov, first, reference) = (m.aov?, m.first_order?, reference_day?);
    let weight_halves: i64 = match m.stage {
        Some(Stage::Churned) => 0,
        Some(Stage::AtRisk) => 1,
        _ => 2,
    };
    // At least a year: a new customer's single order says little about how often they buy.
    let tenure_days = (reference - day(first)).max(365);
    // AOV × (orders × 365 ÷ tenure) × years × (halves ÷ 2), in one rounding.
    let numerator = i128::from(aov)
        * i128::from(m.orders)
        * 365
        * i128::from(s.ltv_years)
        * i128::from(weight_halves);
    let denominator = i128::from(tenure_days) * 2;
    let future = (numerator + denominator / 2).div_euclid(denominator);
    Some(m.total_spent + i64::try_from(future).unwrap_or(i64::MAX / 2))
}

/// Whether a one-order customer is still "new" (新客): first order within `new_days`.
pub fn is_new(
    m: &CustomerMetrics,
    reference: Option<NaiveDate>,
    settings: &AnalyticsSettings,
) -> bool {
    match (
        m.first_order.and_then(|t| t.to_offset(settings.offset())),
        reference,
    ) {
        (Some(first), Some(r)) => {
            m.orders == 1 && (r - first.date_naive()).num_days() <= settings.new_days
        }
        _ => false,
    }
}

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
    kpis_of(&analytics.customers)
}

/// The same figures over some customers only (a segment and the rest, `segment::compare`):
/// the one definition of 客单价 and 复购率.
pub fn kpis_of<'a>(customers: impl IntoIterator<Item = &'a CustomerMetrics>) -> Kpis {
    let mut k = Kpis::default();
    for m in customers {
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
    stage_counts_of(&analytics.customers)
}

/// [`stage_counts`] over some customers only.
pub fn stage_counts_of<'a>(
    customers: impl IntoIterator<Item = &'a CustomerMetrics>,
) -> [(Stage, usize); 6] {
    let mut counts = Stage::ALL.map(|s| (s, 0));
    for m in customers {
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
pub fn tier_counts_of<'a>(
    tiers: usize,
    customers: impl IntoIterator<Item = &'a CustomerMetrics>,
) -> Vec<usize> {
    let mut counts = vec![0; tiers];
    for m in customers {
        if let Some(slot) = m.tier.and_then(|t| counts.get_mut(usize::from(t.0))) {
            *slot += 1;
        }
    }
    counts
}

/// The 5×5 R×F grid: `grid[r - 1][f - 1]`.
pub fn rf_grid(analytics: &Analytics) -> [[RfmCell; 5]; 5] {
    rf_grid_of(&analytics.customers)
}

/// [`rf_grid`] over some customers only.
pub fn rf_grid_of<'a>(
    customers: impl IntoIterator<Item = &'a CustomerMetrics>,
) -> [[RfmCell; 5]; 5] {
    let mut grid = [[RfmCell::default(); 5]; 5];
    for m in customers {
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

impl Analytics {
    /// The name of a tier (empty for a tier these analytics do not have).
    pub fn tier_name(&self, tier: Tier, chinese: bool) -> &str {
        self.tiers
            .get(usize::from(tier.0))
            .map_or("", |t| t.name(chinese))
    }

    pub fn tier_code(&self, tier: Tier) -> &str {
        self.tiers
            .get(usize::from(tier.0))
            .map_or("", |t| t.code.as_str())
    }

    pub fn tier_by_code(&self, code: &str) -> Option<Tier> {
        self.tiers
            .iter()
            .position(|t| t.code == code)
            .map(|k| Tier(k as u8))
    }
}

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
