//! Lifecycle stages (computed and set by hand), churn limits, LTV and who counts as new.

use super::*;

/// The stage shown (set by hand, or the computed one), the churn limit and the LTV, given the
/// computed stage.
pub(super) fn settle_stage(
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
pub(super) fn stage_of(m: &CustomerMetrics, s: &AnalyticsSettings) -> Stage {
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
pub(super) fn at_risk_limit(m: &CustomerMetrics, s: &AnalyticsSettings) -> i64 {
    match m.median_gap_days {
        Some(gap) => 2 * gap.max(1),
        None => s.at_risk_days,
    }
}

/// See [`CustomerMetrics::ltv`].
pub(super) fn predicted_ltv(
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
