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
use crate::model::{Cents, OrderStatus, Tier};
// Only for `segment/` (complete.rs, parse.rs), which still names them here: remove once the
// seglang branch imports them from `crate::model` (their home since the classes moved).
pub use crate::model::{RfmGroup, Stage};
use crate::money::div_round_i64;
use crate::time::Timestamp;
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

mod compare;
mod default_tiers;
mod figures;
mod scores;
mod stages;
mod stepped;
mod summaries;
mod table;
use compare::Comparison;
pub use default_tiers::{default_other_tier, default_tier_rules};
use figures::{OrderFigures, Recount, order_figures, order_sums, same_order_figures};
use scores::recency_and_scores;
pub use scores::{cut_score, parse_cuts, quintile_scores};
pub use stages::is_new;
use stages::{settle_stage, stage_of};
pub use stepped::AnalyticsBuilder;
pub use summaries::*;
pub use table::{MetricsTable, NumberColumn, Numbers, SmallColumn};

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
    /// Aligned with `Dataset::customers`, stored column-wise.
    pub customers: MetricsTable,
    /// A print of the customers' ids and the settings these analytics were computed for, so
    /// that [`Analytics::update`] can tell whether an update fits.
    ids: crate::id_print::IdPrint,
    settings: AnalyticsSettings,
}

pub fn compute(data: &Dataset, settings: &AnalyticsSettings) -> Analytics {
    let mut out = vec![CustomerMetrics::default(); data.customers.len()];
    order_figures(data, settings, &mut out, Recount::All);
    finish(out, data, settings)
}

/// The RFM subset of [`compute`] alone: every customer's paid orders (F), net spend (M), first
/// and last paid order, recency (R), the three scores and the RFM group — the same values as
/// [`compute`]'s, the rest left at their defaults. What a question about RFM alone costs (the
/// native race against DuckDB, tests/bench/peer/native.py).
pub fn rfm(data: &Dataset, settings: &AnalyticsSettings) -> Vec<CustomerMetrics> {
    let mut out = vec![CustomerMetrics::default(); data.customers.len()];
    order_sums(data, settings, &mut out, Recount::All);
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
            && self.ids.begins(&data.customers);
        if !same_shape {
            return compute(data, settings);
        }
        let mut touched: Vec<usize> = touched.iter().copied().filter(|&i| i < old).collect();
        touched.sort_unstable();
        touched.dedup();
        // The touched customers' and the new ones' figures are recounted in rows of their own
        // (the counting works on rows), `rows[k]` for `recount[k]`: an edit of one customer
        // counts one row, not a row for everybody.
        let recount: Vec<usize> = touched.iter().copied().chain(old..n).collect();
        let mut rows = vec![CustomerMetrics::default(); recount.len()];
        order_figures(data, settings, &mut rows, Recount::Some(recount.clone()));
        let figures_kept = old == n
            && touched.iter().zip(&rows).all(|(&i, row)| {
                self.customers
                    .get(i)
                    .is_some_and(|b| same_order_figures(row, &b))
            });
        if !figures_kept {
            let mut all = self.customers.to_rows();
            all.resize(n, CustomerMetrics::default());
            for (&i, row) in recount.iter().zip(rows) {
                all[i] = row;
            }
            return finish(all, data, settings);
        }
        // No order changed: the scores, tiers and recency of everyone stay; what the edited
        // customers' own fields decide is redone for them (a stage set by hand, and with it
        // the churn limit and LTV).
        let offset = settings.offset();
        let reference_day = self.reference.map(crate::time::day_number);
        for &i in &touched {
            if let Some(mut m) = self.customers.get(i) {
                settle_stage(&mut m, &data.customers[i], settings, reference_day, offset);
                self.customers.set(i, &m);
            }
        }
        self
    }
}

/// From every customer's order figures: the reference date, recency, RFM scores and groups,
/// stages, churn limits, LTV and value tiers (what compares customers with each other).
fn finish(out: Vec<CustomerMetrics>, data: &Dataset, settings: &AnalyticsSettings) -> Analytics {
    Comparison::new().into_analytics(out, data, settings)
}

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
