//! A segment against the rest: the same figures for its members and for every other customer,
//! side by side, so an operator sees what distinguishes the segment (docs/analytics.md,
//! "Segment vs the rest").
//!
//! Every figure is one the dashboard already shows, computed by the same function over one
//! side's customers ([`metrics::kpis_where`], [`metrics::rf_grid_where`],
//! [`metrics::stage_counts_where`], [`metrics::tier_counts_where`],
//! [`funnel::compute`] with the side as its eligible customers): a segment's 复购率 can never
//! mean something other than the dashboard's. Numbers and codes only; the app words them.
//! A side without customers has `None` where a figure would divide by zero.

use crate::dataset::Dataset;
use crate::funnel::{self, EventIndex, FunnelDefinition, FunnelError, FunnelOptions, Period};
use crate::metrics::{self, Analytics, Kpis, RfmCell};
use crate::model::{Cents, Stage};
use chrono::FixedOffset;

/// One side's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    /// Customers, buyers (≥ 1 paid order), repeat buyers (≥ 2), paid orders, net spend, 客单价
    /// (`None` without a paid order), 复购率 (`None` without a buyer): the dashboard's KPIs.
    pub kpis: Kpis,
    /// The 5×5 R×F grid, `rf[r - 1][f - 1]` (customers with a paid order only).
    pub rf: [[RfmCell; 5]; 5],
    /// Customers at each lifecycle stage, in [`Stage::ALL`]'s order.
    pub stages: [(Stage, usize); 6],
    /// Customers in each value tier: `tiers[t.0]` (the analytics' tiers, in their order).
    pub tiers: Vec<usize>,
}

/// A segment's members and everyone else.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub members: Side,
    pub rest: Side,
}

/// One flag per customer (`customers` of them): whether the position is in `members`.
/// Positions beyond the customers are ignored, repeated ones count once.
pub fn member_flags(customers: usize, members: &[usize]) -> Vec<bool> {
    let mut flags = vec![false; customers];
    for &p in members {
        if let Some(f) = flags.get_mut(p) {
            *f = true;
        }
    }
    flags
}

/// The figures of the customers whose flag is `side` (customers beyond `flags` are not
/// members: they belong to the rest).
fn side(analytics: &Analytics, flags: &[bool], side: bool) -> Side {
    let keep = |p: usize| flags.get(p).copied().unwrap_or(false) == side;
    Side {
        kpis: metrics::kpis_where(analytics, keep),
        rf: metrics::rf_grid_where(analytics, keep),
        stages: metrics::stage_counts_where(analytics, keep),
        tiers: metrics::tier_counts_where(analytics, keep),
    }
}

/// The members (positions in `Dataset::customers`, as `membership::members` returns them)
/// against every other customer of `analytics`.
pub fn compare(analytics: &Analytics, members: &[usize]) -> Comparison {
    let flags = member_flags(analytics.customers.len(), members);
    Comparison {
        members: side(analytics, &flags, true),
        rest: side(analytics, &flags, false),
    }
}

/// A figure of the side-by-side table (its code names it in URLs and test hooks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Customers,
    /// Customers with at least one paid order.
    Buyers,
    PaidOrders,
    NetSpend,
    /// 客单价: net spend ÷ paid orders, cents rounded half away from zero.
    Aov,
    /// 复购率: customers with ≥ 2 paid orders ÷ customers with ≥ 1.
    RepeatRate,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Customers,
        Metric::Buyers,
        Metric::PaidOrders,
        Metric::NetSpend,
        Metric::Aov,
        Metric::RepeatRate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Metric::Customers => "customers",
            Metric::Buyers => "buyers",
            Metric::PaidOrders => "paid_orders",
            Metric::NetSpend => "net_spend",
            Metric::Aov => "aov",
            Metric::RepeatRate => "repeat_rate",
        }
    }

    /// Whether the figure is a count of the side's customers or orders, which two sides add
    /// up to the whole's (AOV and the repurchase rate do not).
    pub fn additive(self) -> bool {
        !matches!(self, Metric::Aov | Metric::RepeatRate)
    }
}

/// A figure's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Count(u64),
    Cents(Cents),
    /// A share between 0 and 1.
    Rate(f64),
}

/// Members minus the rest: counts and cents as such, rates in percentage points
/// (`(a − b) × 100`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Difference {
    Count(i64),
    Cents(Cents),
    Points(f64),
}

impl Side {
    /// A figure of this side; `None` where it would divide by zero (AOV without a paid order,
    /// the repurchase rate without a buyer).
    pub fn value(&self, metric: Metric) -> Option<Value> {
        let k = &self.kpis;
        match metric {
            Metric::Customers => Some(Value::Count(k.customers as u64)),
            Metric::Buyers => Some(Value::Count(k.buyers as u64)),
            Metric::PaidOrders => Some(Value::Count(k.paid_orders)),
            Metric::NetSpend => Some(Value::Cents(k.net_spend)),
            Metric::Aov => k.aov.map(Value::Cents),
            Metric::RepeatRate => k.repeat_rate.map(Value::Rate),
        }
    }
}

impl Comparison {
    /// Members minus the rest for a figure; `None` when either side has no value.
    pub fn difference(&self, metric: Metric) -> Option<Difference> {
        difference(self.members.value(metric)?, self.rest.value(metric)?)
    }
}

/// `a − b` of two values of one kind (`None` for values of different kinds).
pub fn difference(a: Value, b: Value) -> Option<Difference> {
    let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    match (a, b) {
        (Value::Count(a), Value::Count(b)) => Some(Difference::Count(signed(a) - signed(b))),
        (Value::Cents(a), Value::Cents(b)) => Some(Difference::Cents(a.saturating_sub(b))),
        (Value::Rate(a), Value::Rate(b)) => Some(Difference::Points(points(a, b))),
        _ => None,
    }
}

/// `(a − b) × 100`: the difference of two shares in percentage points.
pub fn points(a: f64, b: f64) -> f64 {
    (a - b) * 100.0
}

/// The funnel compared: the events of a definition, or the repurchase template (a first paid
/// order, then the next one within `within_days`).
#[derive(Clone, Copy, Debug)]
pub enum ComparedFunnel<'a> {
    Events {
        index: &'a EventIndex,
        definition: &'a FunnelDefinition,
    },
    Repurchase {
        within_days: u32,
    },
}

/// One side's funnel: customers who reached each step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunnelSide {
    pub reached: Vec<u32>,
}

impl FunnelSide {
    /// Customers who reached step 1.
    pub fn entered(&self) -> u32 {
        self.reached.first().copied().unwrap_or(0)
    }

    /// Step `step` (0-based) ÷ step 1; `None` when nobody entered.
    pub fn from_first(&self, step: usize) -> Option<f64> {
        share(*self.reached.get(step)?, self.entered())
    }

    /// Step `step` (0-based) ÷ the step before (step 1 ÷ itself); `None` when nobody reached
    /// the step before.
    pub fn from_previous(&self, step: usize) -> Option<f64> {
        let previous = *self.reached.get(step.saturating_sub(1))?;
        share(*self.reached.get(step)?, previous)
    }

    /// The last step ÷ step 1; `None` when nobody entered.
    pub fn overall(&self) -> Option<f64> {
        self.from_first(self.reached.len().checked_sub(1)?)
    }
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// A funnel for the members and for the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunnelComparison {
    pub members: FunnelSide,
    pub rest: FunnelSide,
}

impl FunnelComparison {
    /// Members' conversion from step 1 minus the rest's, in percentage points; `None` when
    /// either side has nobody at step 1.
    pub fn from_first_points(&self, step: usize) -> Option<f64> {
        Some(points(
            self.members.from_first(step)?,
            self.rest.from_first(step)?,
        ))
    }
}

/// The funnel computed twice, once with the members as its eligible customers and once with
/// everyone else (`members` from [`member_flags`]; customers beyond it are the rest's).
/// `offset` is the time zone of the funnel's days (which decide no count here).
pub fn compare_funnel(
    data: &Dataset,
    funnel: ComparedFunnel,
    members: &[bool],
    offset: FixedOffset,
) -> Result<FunnelComparison, FunnelError> {
    let n = data.customers.len();
    let rest: Vec<bool> = (0..n)
        .map(|p| !members.get(p).copied().unwrap_or(false))
        .collect();
    let one = |eligible: &[bool]| -> Result<FunnelSide, FunnelError> {
        let options = FunnelOptions {
            eligible: Some(eligible),
            offset,
            period: Period::Day,
        };
        let result = match funnel {
            ComparedFunnel::Events { index, definition } => {
                funnel::compute(data, index, definition, &options)?
            }
            ComparedFunnel::Repurchase { within_days } => {
                funnel::repurchase_funnel(data, within_days, None, &options)?
            }
        };
        Ok(FunnelSide {
            reached: result.stats.steps.iter().map(|s| s.reached).collect(),
        })
    };
    Ok(FunnelComparison {
        members: one(members)?,
        rest: one(&rest)?,
    })
}

/// The customers' figures a side adds up (for checks): every additive KPI, the grid's
/// counts and revenue, the stage and tier counts.
#[cfg(test)]
fn additive(side: &Side) -> Vec<i64> {
    let k = &side.kpis;
    let mut out = vec![
        k.customers as i64,
        k.buyers as i64,
        k.repeat_buyers as i64,
        k.paid_orders as i64,
        k.net_spend,
    ];
    for cell in side.rf.iter().flatten() {
        out.extend([cell.customers as i64, cell.revenue]);
    }
    out.extend(side.stages.iter().map(|&(_, n)| n as i64));
    out.extend(side.tiers.iter().map(|&n| n as i64));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AnalyticsSettings, compute};
    use crate::model::{Customer, Event, EventProps, Order, OrderStatus, event_type as et};
    use crate::sym::Sym;
    use crate::time::{Timestamp, china_offset};
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn noon(y: i32, m: u32, d: u32) -> Timestamp {
        let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
        Timestamp::from_local(date.and_hms_opt(12, 0, 0).expect("time"), china_offset())
            .expect("ts")
    }

    fn order(customer: usize, at: Timestamp, yuan: i64, status: OrderStatus) -> Order {
        Order {
            id: Uuid::from_u128(((customer as u128) << 64) | at.0 as u128),
            customer_id: Uuid::from_u128(customer as u128),
            source_order_id: format!("{customer}-{}", at.0),
            ordered_at: at,
            amount_cents: yuan * 100,
            item_count: 1,
            channel: "tmall".into(),
            status,
            updated_at: at,
        }
    }

    fn event(customer: usize, kind: &str, at: Timestamp) -> Event {
        Event {
            customer_id: Uuid::from_u128(customer as u128),
            kind: Sym::new(kind),
            occurred_at: at,
            props: EventProps::default(),
            updated_at: at,
        }
    }

    const HOUR: i64 = 3_600_000;

    /// Six customers (reference date 2026-01-11, the day after B's order):
    /// - A: ¥100 on 2026-01-01, ¥300 on 01-05 — 2 orders, ¥400, R 6 days, gap 4 days;
    ///   events visit → add_to_cart → pay.
    /// - B: ¥1,000 on 2026-01-10 — 1 order, R 1; events visit → add_to_cart.
    /// - C: ¥200 on 2025-06-01, ¥50 of it refunded 06-03 — 1 order, ¥150, R 224; a visit.
    /// - D: no order; events visit → add_to_cart → pay.
    /// - E: ¥20,000 on 2025-11-01, 12-01, 2026-01-01 — 3 orders, ¥60,000, R 10, gaps 30 and
    ///   31 days (median 30); no event.
    /// - F: no order; a visit.
    fn fixture() -> Dataset {
        let customers = ["A", "B", "C", "D", "E", "F"]
            .iter()
            .enumerate()
            .map(|(i, n)| Customer::new(Uuid::from_u128(i as u128), *n, Timestamp(0)))
            .collect();
        use OrderStatus::{Paid, Refunded};
        let orders = vec![
            order(0, noon(2026, 1, 1), 100, Paid),
            order(0, noon(2026, 1, 5), 300, Paid),
            order(1, noon(2026, 1, 10), 1_000, Paid),
            order(2, noon(2025, 6, 1), 200, Paid),
            order(2, noon(2025, 6, 3), 50, Refunded),
            order(4, noon(2025, 11, 1), 20_000, Paid),
            order(4, noon(2025, 12, 1), 20_000, Paid),
            order(4, noon(2026, 1, 1), 20_000, Paid),
        ];
        let t = noon(2026, 1, 2).0;
        let at = |h: i64| Timestamp(t + h * HOUR);
        let mut events = vec![
            event(0, et::VISIT, at(0)),
            event(0, et::ADD_TO_CART, at(1)),
            event(0, et::PAY, at(2)),
            event(1, et::VISIT, at(3)),
            event(1, et::ADD_TO_CART, at(4)),
            event(2, et::VISIT, at(5)),
            event(3, et::VISIT, at(6)),
            event(3, et::ADD_TO_CART, at(7)),
            event(3, et::PAY, at(8)),
            event(5, et::VISIT, at(9)),
        ];
        events.sort_by_key(|e| e.occurred_at);
        Dataset {
            customers,
            orders,
            events: events.into(),
            ..Dataset::default()
        }
    }

    /// A, B, D and E.
    const MEMBERS: [usize; 4] = [0, 1, 3, 4];

    fn analytics() -> Analytics {
        compute(&fixture(), &AnalyticsSettings::default())
    }

    #[test]
    fn the_figures_of_each_side() {
        let c = compare(&analytics(), &MEMBERS);
        let (m, r) = (&c.members.kpis, &c.rest.kpis);
        // Members A, B, D, E: buyers A, B, E; repeat buyers A (2 orders) and E (3).
        assert_eq!(
            (m.customers, m.buyers, m.repeat_buyers, m.paid_orders),
            (4, 3, 2, 6)
        );
        // ¥400 + ¥1,000 + ¥60,000 = ¥61,400 over 6 orders = ¥10,233.333… → ¥10,233.33.
        assert_eq!(m.net_spend, 6_140_000);
        assert_eq!(m.aov, Some(1_023_333));
        assert_eq!(m.repeat_rate, Some(2.0 / 3.0));
        // The rest C and F: one buyer (C, ¥200 − ¥50 refunded), no repeat buyer.
        assert_eq!(
            (r.customers, r.buyers, r.repeat_buyers, r.paid_orders),
            (2, 1, 0, 1)
        );
        assert_eq!(
            (r.net_spend, r.aov, r.repeat_rate),
            (15_000, Some(15_000), Some(0.0))
        );

        use Difference as D;
        assert_eq!(c.difference(Metric::Customers), Some(D::Count(2)));
        assert_eq!(c.difference(Metric::Buyers), Some(D::Count(2)));
        assert_eq!(c.difference(Metric::PaidOrders), Some(D::Count(5)));
        assert_eq!(c.difference(Metric::NetSpend), Some(D::Cents(6_125_000)));
        assert_eq!(c.difference(Metric::Aov), Some(D::Cents(1_008_333)));
        assert_eq!(
            c.difference(Metric::RepeatRate),
            Some(D::Points((2.0 / 3.0 - 0.0) * 100.0))
        );
    }

    #[test]
    fn the_rf_grids_stages_and_tiers_of_each_side() {
        let c = compare(&analytics(), &MEMBERS);
        // Scored: A, B, C, E (n = 4); score = 1 + ⌊5c/4⌋, c = customers strictly below.
        // R (negated days) −6, −1, −224, −10 → A 3, B 4, C 1, E 2.
        // F 2, 1, 1, 3 → A 3, B 1, C 1, E 4.
        let cells = |side: &Side| -> Vec<(usize, usize, usize, Cents)> {
            let mut out = Vec::new();
            for (r, row) in side.rf.iter().enumerate() {
                for (f, cell) in row.iter().enumerate() {
                    if cell.customers > 0 {
                        out.push((r + 1, f + 1, cell.customers, cell.revenue));
                    }
                }
            }
            out
        };
        // Members: E (2, 4), A (3, 3), B (4, 1); D has no order, so no score.
        assert_eq!(
            cells(&c.members),
            [(2, 4, 1, 6_000_000), (3, 3, 1, 40_000), (4, 1, 1, 100_000)]
        );
        assert_eq!(cells(&c.rest), [(1, 1, 1, 15_000)]);

        // Stages: A growing (2 orders, 6 days ≤ 2 × 4), B developing, D prospect, E growing
        // (3 < 4 orders, 10 ≤ 2 × 30); C churned (224 > 180), F prospect.
        let counts = |s: &Side| s.stages.map(|(_, n)| n);
        // Order: prospect, developing, growing, mature, at risk, churned.
        assert_eq!(counts(&c.members), [1, 1, 2, 0, 0, 0]);
        assert_eq!(counts(&c.rest), [1, 0, 0, 0, 0, 1]);

        // Tiers: E premium (≥ ¥50,000); B key (1 of 6 spent more: 100 < 20 × 6); the others
        // regular (A: 2 spent more; C; D and F spent nothing).
        assert_eq!(c.members.tiers, [1, 1, 2]);
        assert_eq!(c.rest.tiers, [0, 0, 2]);
    }

    #[test]
    fn members_and_the_rest_add_up_to_the_whole() {
        let a = analytics();
        let whole = compare(&a, &[]).rest;
        assert_eq!(whole.kpis, metrics::kpis(&a));
        assert_eq!(whole.rf, metrics::rf_grid(&a));
        assert_eq!(whole.stages, metrics::stage_counts(&a));
        for members in [&MEMBERS[..], &[], &[0, 1, 2, 3, 4, 5], &[2, 2, 5, 99]] {
            let c = compare(&a, members);
            let sum: Vec<i64> = additive(&c.members)
                .iter()
                .zip(additive(&c.rest))
                .map(|(x, y)| x + y)
                .collect();
            assert_eq!(sum, additive(&whole), "{members:?}");
            for metric in Metric::ALL.into_iter().filter(|m| m.additive()) {
                let add = match (c.members.value(metric), c.rest.value(metric)) {
                    (Some(Value::Count(x)), Some(Value::Count(y))) => Value::Count(x + y),
                    (Some(Value::Cents(x)), Some(Value::Cents(y))) => Value::Cents(x + y),
                    other => panic!("{metric:?}: {other:?}"),
                };
                assert_eq!(Some(add), whole.value(metric), "{metric:?}");
            }
        }
    }

    #[test]
    fn an_empty_side_has_no_rates_and_no_differences_of_them() {
        let everyone = compare(&analytics(), &[0, 1, 2, 3, 4, 5]);
        let rest = &everyone.rest;
        assert_eq!(rest.kpis.customers, 0);
        assert_eq!(rest.value(Metric::Customers), Some(Value::Count(0)));
        assert_eq!(rest.value(Metric::NetSpend), Some(Value::Cents(0)));
        assert_eq!(rest.value(Metric::Aov), None);
        assert_eq!(rest.value(Metric::RepeatRate), None);
        assert_eq!(everyone.difference(Metric::Aov), None);
        assert_eq!(everyone.difference(Metric::RepeatRate), None);
        assert_eq!(
            everyone.difference(Metric::Customers),
            Some(Difference::Count(6))
        );
        assert_eq!(rest.rf, [[RfmCell::default(); 5]; 5]);
        assert_eq!(rest.tiers, [0, 0, 0]);
        // Only prospects: customers, but no paid order.
        let prospects = compare(&analytics(), &[3, 5]);
        assert_eq!(
            prospects.members.value(Metric::Customers),
            Some(Value::Count(2))
        );
        assert_eq!(prospects.members.value(Metric::Aov), None);
        assert_eq!(prospects.members.value(Metric::RepeatRate), None);
    }

    #[test]
    fn the_funnel_of_each_side() {
        let data = fixture();
        let index = EventIndex::build(&data);
        let definition = FunnelDefinition::of_events(
            &[et::VISIT, et::ADD_TO_CART, et::PAY],
            funnel::Window::days(1),
        );
        let events = ComparedFunnel::Events {
            index: &index,
            definition: &definition,
        };
        let flags = member_flags(data.customers.len(), &MEMBERS);
        let f = compare_funnel(&data, events, &flags, china_offset()).expect("funnel");
        // Members: A, B, D visit; A, B, D add to cart; A and D pay (E has no event).
        assert_eq!(f.members.reached, [3, 3, 2]);
        assert_eq!(f.members.from_first(2), Some(2.0 / 3.0));
        assert_eq!(f.members.from_previous(1), Some(1.0));
        assert_eq!(f.members.overall(), Some(2.0 / 3.0));
        // The rest: C and F visit, nothing more.
        assert_eq!(f.rest.reached, [2, 0, 0]);
        assert_eq!(f.rest.from_first(1), Some(0.0));
        assert_eq!(f.rest.from_previous(2), None, "nobody reached step 2");
        assert_eq!(f.from_first_points(2), Some((2.0 / 3.0 - 0.0) * 100.0));
        // Both sides together are the funnel of everyone.
        let all =
            funnel::compute(&data, &index, &definition, &FunnelOptions::default()).expect("funnel");
        let whole: Vec<u32> = all.stats.steps.iter().map(|s| s.reached).collect();
        let sum: Vec<u32> = f
            .members
            .reached
            .iter()
            .zip(&f.rest.reached)
            .map(|(a, b)| a + b)
            .collect();
        assert_eq!(sum, whole);
        assert_eq!(whole, [5, 3, 2]);

        // Everyone a member: the rest's funnel is empty and has no conversion.
        let all_flags = vec![true; 6];
        let f = compare_funnel(&data, events, &all_flags, china_offset()).expect("funnel");
        assert_eq!(
            (f.members.reached.clone(), f.rest.reached.clone()),
            (vec![5, 3, 2], vec![0, 0, 0])
        );
        assert_eq!((f.rest.from_first(1), f.rest.overall()), (None, None));
        assert_eq!(f.from_first_points(1), None);
    }

    #[test]
    fn the_repurchase_funnel_of_each_side() {
        let data = fixture();
        let flags = member_flags(data.customers.len(), &MEMBERS);
        let f = compare_funnel(
            &data,
            ComparedFunnel::Repurchase { within_days: 90 },
            &flags,
            china_offset(),
        )
        .expect("funnel");
        // Members: A (again after 4 days), B (once), E (again after 30 days); D never bought.
        assert_eq!(f.members.reached, [3, 2]);
        // The rest: C once (a refund is not an order).
        assert_eq!(f.rest.reached, [1, 0]);
        assert_eq!(f.rest.overall(), Some(0.0));
        // Beyond the flags: the rest's.
        let f = compare_funnel(
            &data,
            ComparedFunnel::Repurchase { within_days: 90 },
            &[true],
            china_offset(),
        )
        .expect("funnel");
        assert_eq!(
            (f.members.reached.clone(), f.rest.reached.clone()),
            (vec![1, 1], vec![3, 1])
        );
    }

    #[test]
    fn flags_ignore_positions_beyond_the_customers_and_repeats() {
        assert_eq!(member_flags(3, &[2, 2, 7]), [false, false, true]);
        assert_eq!(member_flags(0, &[0]), Vec::<bool>::new());
    }
}
