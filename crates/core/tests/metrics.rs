//! Analytics on a hand-made fixture with exact expected values: refunds, ties, customers
//! without orders, the reference date, RFM scores and groups, stages and tiers.

use chrono::NaiveDate;
use kezhi_core::dataset::OrderHints;
use kezhi_core::metrics::{AnalyticsSettings, compute, quintile_scores, rfm};
use kezhi_core::model::{RfmGroup, Stage, Tier};
use kezhi_core::time::china_offset;
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

fn noon(y: i32, m: u32, d: u32) -> Timestamp {
    let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
    Timestamp::from_local(date.and_hms_opt(12, 0, 0).expect("time"), china_offset()).expect("ts")
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

/// Seven customers, reference date 2026-01-11 (the day after the latest paid order):
/// A three orders and a ¥50 refund; B one recent big order; C one order 224 days ago; D none;
/// E four monthly ¥20,000 orders; F one order 102 days ago; G two orders 10 days apart, 61 days ago.
fn fixture() -> Dataset {
    let names = ["A", "B", "C", "D", "E", "F", "G"];
    let customers = names
        .iter()
        .enumerate()
        .map(|(i, n)| Customer::new(Uuid::from_u128(i as u128), *n, Timestamp(0)))
        .collect();
    use OrderStatus::{Paid, Refunded};
    let orders = vec![
        order(0, noon(2026, 1, 1), 100, Paid),
        order(0, noon(2026, 1, 5), 300, Paid),
        order(0, noon(2026, 1, 10), 200, Paid),
        order(0, noon(2026, 1, 10).plus_millis(3_600_000), 50, Refunded),
        order(1, noon(2025, 12, 1), 1_000, Paid),
        order(2, noon(2025, 6, 1), 50, Paid),
        order(4, noon(2025, 9, 1), 20_000, Paid),
        order(4, noon(2025, 10, 1), 20_000, Paid),
        order(4, noon(2025, 11, 1), 20_000, Paid),
        order(4, noon(2025, 12, 1), 20_000, Paid),
        order(5, noon(2025, 10, 1), 100, Paid),
        order(6, noon(2025, 11, 1), 100, Paid),
        order(6, noon(2025, 11, 11), 100, Paid),
    ];
    Dataset {
        customers,
        orders,
        ..Dataset::default()
    }
}

#[test]
fn per_customer_figures_scores_groups_stages_and_tiers() {
    let d = fixture();
    let a = compute(&d, &AnalyticsSettings::default());
    assert_eq!(
        a.reference,
        NaiveDate::from_ymd_opt(2026, 1, 11),
        "day after the latest paid order"
    );
    let m = a.customers.to_rows();

    // A: three paid orders, one refund of ¥50.
    assert_eq!(m[0].orders, 3);
    assert_eq!(m[0].total_spent, 55_000);
    assert_eq!(m[0].aov, Some(18_333));
    assert_eq!(m[0].recency_days, Some(1));
    assert_eq!(
        m[0].median_gap_days,
        Some(4),
        "gaps 4 and 5: mean rounded down"
    );
    assert_eq!(m[3].orders, 0, "D has no orders");
    assert_eq!((m[3].r, m[3].f, m[3].m, m[3].aov), (None, None, None, None));

    let scores: Vec<_> = m.iter().map(|c| (c.r, c.f, c.m)).collect();
    assert_eq!(
        scores,
        [
            (Some(5), Some(4), Some(3)),
            (Some(3), Some(1), Some(4)),
            (Some(1), Some(1), Some(1)),
            (None, None, None),
            (Some(3), Some(5), Some(5)),
            (Some(1), Some(1), Some(1)),
            (Some(2), Some(3), Some(2)),
        ]
    );
    let groups: Vec<_> = m.iter().map(|c| c.group).collect();
    assert_eq!(
        groups,
        [
            Some(RfmGroup::ImportantValue),
            Some(RfmGroup::ImportantDevelop),
            Some(RfmGroup::GeneralWinBack),
            None,
            Some(RfmGroup::ImportantValue),
            Some(RfmGroup::GeneralWinBack),
            Some(RfmGroup::GeneralRetain),
        ]
    );
    let stages: Vec<_> = m.iter().map(|c| c.stage).collect();
    use Stage::*;
    assert_eq!(
        stages,
        [
            Some(Growing),
            Some(Developing),
            Some(Churned),
            Some(Prospect),
            Some(Mature),
            Some(AtRisk),
            Some(AtRisk)
        ]
    );
    assert_eq!(
        kezhi_core::metrics::stage_counts(&a),
        [
            (Prospect, 1),
            (Developing, 1),
            (Growing, 1),
            (Mature, 1),
            (AtRisk, 2),
            (Churned, 1)
        ]
    );
    let tiers: Vec<&str> = m
        .iter()
        .map(|c| c.tier.map_or("", |t| a.tier_code(t)))
        .collect();
    assert_eq!(
        tiers,
        [
            "regular", "key", "regular", "regular", "premium", "regular", "regular"
        ]
    );
    assert_eq!(a.tier_name(Tier(0), true), "优质客户");
    assert_eq!(a.tier_name(Tier(2), false), "Regular");
}

#[test]
fn an_explicit_reference_date_moves_recency_and_stages() {
    let d = fixture();
    let settings = AnalyticsSettings {
        reference: NaiveDate::from_ymd_opt(2026, 3, 1),
        ..AnalyticsSettings::default()
    };
    let m = compute(&d, &settings).customers.to_rows();
    assert_eq!(m[0].recency_days, Some(50));
    assert_eq!(m[1].recency_days, Some(90));
    assert_eq!(
        m[1].stage,
        Some(Stage::Developing),
        "90 days is not beyond 90"
    );
    assert_eq!(m[4].stage, Some(Stage::AtRisk), "E: 90 days > 2 × 30");
}

#[test]
fn kpis_over_the_fixture() {
    let k = kezhi_core::metrics::kpis(&compute(&fixture(), &AnalyticsSettings::default()));
    assert_eq!(
        (k.customers, k.buyers, k.repeat_buyers, k.paid_orders),
        (7, 6, 3, 12)
    );
    // ¥600 − ¥50 + ¥1,000 + ¥50 + ¥80,000 + ¥100 + ¥200 = ¥81,900 over 12 paid orders.
    assert_eq!(k.net_spend, 8_190_000);
    assert_eq!(k.aov, Some(682_500));
    assert_eq!(k.repeat_rate, Some(0.5));
}

#[test]
fn the_rf_grid_counts_and_sums_each_cell() {
    let grid = kezhi_core::metrics::rf_grid(&compute(&fixture(), &AnalyticsSettings::default()));
    // (R, F): A (5,4), B (3,1), C (1,1), E (3,5), F (1,1), G (2,3).
    assert_eq!(grid[4][3].customers, 1);
    assert_eq!(grid[0][0].customers, 2);
    assert_eq!(grid[0][0].revenue, 5_000 + 10_000);
    assert_eq!(grid[0][0].average(), Some(7_500));
    assert_eq!(grid[2][4].revenue, 8_000_000);
    let total: usize = grid.iter().flatten().map(|c| c.customers).sum();
    assert_eq!(total, 6, "prospects are not in the grid");
}

#[test]
fn ties_share_a_score() {
    assert_eq!(quintile_scores(&[10, 10, 10, 10]), [1, 1, 1, 1]);
    assert_eq!(quintile_scores(&[1, 2, 3, 4, 5]), [1, 2, 3, 4, 5]);
    assert_eq!(quintile_scores(&[5, 1, 5, 1, 3]), [4, 1, 4, 1, 3]);
    assert_eq!(quintile_scores(&[7]), [1]);
}

/// `1 + floor(5 × c / n)` for each value, `c` the values strictly smaller, counted by brute
/// force.
fn scores_by_definition(values: &[i64]) -> Vec<u8> {
    let n = values.len().max(1) as i64;
    values
        .iter()
        .map(|v| (1 + 5 * values.iter().filter(|x| *x < v).count() as i64 / n) as u8)
        .collect()
}

proptest! {
    /// The scores are the definition's, `1 + floor(5 × c / n)` with `c` the values strictly
    /// smaller, counted by brute force (many ties: values from a small range).
    #[test]
    fn quintile_scores_follow_the_definition(values in proptest::collection::vec(-20i64..20, 0..300)) {
        prop_assert_eq!(quintile_scores(&values), scores_by_definition(&values));
    }

    /// The same for values spread too widely to be counted (they are sorted), and for a narrow
    /// range with far outliers, `i64::MIN` and `i64::MAX` among them.
    #[test]
    fn quintile_scores_of_wide_values_follow_the_definition(
        values in proptest::collection::vec(
            prop_oneof![any::<i64>(), -3i64..3, Just(i64::MIN), Just(i64::MAX)],
            0..300,
        )
    ) {
        prop_assert_eq!(quintile_scores(&values), scores_by_definition(&values));
    }
}

/// Counted (a narrow span: below twice the number of values, or 1,024) and sorted (wider)
/// give the definition's scores at the edge between the two: 601 values spanning 1,201
/// (counted), 1,202 and 1,203 (sorted), and well inside and outside.
#[test]
fn quintile_scores_are_the_same_counted_or_sorted() {
    for span in [700i64, 1_201, 1_202, 1_203, 5_000] {
        let values: Vec<i64> = (0..600).map(|k| (k * 7919) % (span + 1) - 500).collect();
        let values: Vec<i64> = values.iter().copied().chain([span - 500]).collect();
        assert_eq!(
            quintile_scores(&values),
            scores_by_definition(&values),
            "span {span}"
        );
    }
}

/// The RFM subset gives exactly the full analytics' RFM figures, customer by customer.
#[test]
fn the_rfm_subset_agrees_with_the_full_analytics() {
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let data = kezhi_core::demo::generate(&kezhi_core::demo::DemoConfig::new(2_000, end));
    for settings in [
        AnalyticsSettings::default(),
        AnalyticsSettings {
            r_cuts: Some([30, 60, 120, 240]),
            ..AnalyticsSettings::default()
        },
    ] {
        let full = compute(&data, &settings);
        let subset = rfm(&data, &settings);
        assert_eq!(subset.len(), 2_000);
        let pick = |m: &kezhi_core::metrics::CustomerMetrics| {
            (
                m.orders,
                m.total_spent,
                m.first_order,
                m.last_order,
                m.recency_days,
                m.r,
                m.f,
                m.m,
                m.group,
            )
        };
        let a: Vec<_> = full.customers.iter().map(|m| pick(&m)).collect();
        let b: Vec<_> = subset.iter().map(pick).collect();
        assert_eq!(a, b);
        assert!(b.iter().filter(|x| x.5.is_some()).count() > 1_000);
    }
}

/// Twelve customers (`c0`…`c11`) and an order per row: (customer, day after 2025-01-01, yuan,
/// refunded), each a millisecond apart so that no two share a time.
fn twelve_customers(rows: &[(usize, i64, i64, bool)]) -> Dataset {
    let customers = (0..12)
        .map(|i| Customer::new(Uuid::from_u128(i as u128), format!("c{i}"), Timestamp(0)))
        .collect();
    let orders = rows
        .iter()
        .enumerate()
        .map(|(k, &(c, day, yuan, refund))| {
            let at = noon(2025, 1, 1).plus_millis(day * 86_400_000 + k as i64);
            let status = if refund {
                OrderStatus::Refunded
            } else {
                OrderStatus::Paid
            };
            let mut o = order(c, at, yuan, status);
            o.id = Uuid::from_u128(k as u128 + 1000);
            o
        })
        .collect();
    Dataset {
        customers,
        orders,
        ..Dataset::default()
    }
}

proptest! {
    /// Scores are always 1–5; every customer gets exactly one stage and one tier.
    #[test]
    fn scores_in_range_and_every_customer_classified(
        rows in proptest::collection::vec((0usize..12, 0i64..400, 1i64..5_000, any::<bool>()), 0..60),
    ) {
        let d = twelve_customers(&rows);
        let a = compute(&d, &AnalyticsSettings::default());
        prop_assert_eq!(a.customers.len(), 12);
        for m in a.customers.iter() {
            prop_assert!(m.stage.is_some() && m.tier.is_some());
            for s in [m.r, m.f, m.m].into_iter().flatten() {
                prop_assert!((1..=5).contains(&s));
            }
            prop_assert_eq!(m.r.is_some(), m.orders > 0);
            prop_assert_eq!(m.stage == Some(Stage::Prospect), m.orders == 0);
        }
    }
}

#[test]
fn labels_round_trip_through_their_codes() {
    for s in Stage::ALL {
        assert_eq!(Stage::from_code(s.code()), Some(s));
    }
    let a = compute(&fixture(), &AnalyticsSettings::default());
    for k in 0..3 {
        assert_eq!(a.tier_by_code(a.tier_code(Tier(k))), Some(Tier(k)));
    }
    assert_eq!(a.tier_by_code("nonsense"), None);
    for g in RfmGroup::ALL {
        assert_eq!(RfmGroup::from_code(g.code()), Some(g));
    }
    assert_eq!(Stage::from_code("nonsense"), None);
}

#[test]
fn predicted_lifetime_value_follows_the_documented_formula() {
    let d = fixture();
    let a = compute(&d, &AnalyticsSettings::default());
    let ltv: Vec<Option<i64>> = a.customers.iter().map(|m| m.ltv).collect();
    assert_eq!(
        ltv,
        [
            // A: 550 + AOV 183.33 × 3 orders per year (tenure under a year counts as one) × 3.
            Some(55_000 + 18_333 * 9),
            // B: one order, active.
            Some(100_000 + 300_000),
            // C: churned, nothing more expected.
            Some(5_000),
            // D: no orders.
            None,
            // E: 4 orders in under a year, mature.
            Some(8_000_000 + 24_000_000),
            // F and G: at risk, half weight.
            Some(10_000 + 15_000),
            Some(20_000 + 30_000),
        ]
    );
    let none = compute(
        &d,
        &AnalyticsSettings {
            ltv_years: 0,
            ..AnalyticsSettings::default()
        },
    );
    assert_eq!(none.customers.at(4).ltv, Some(8_000_000));
}

#[test]
fn churn_warnings_list_the_newly_at_risk_with_their_reason() {
    let d = fixture();
    let a = compute(&d, &AnalyticsSettings::default());
    // F: one order 102 days ago, limit 90 → 12 days over: new. G: 61 days, usually every
    // 10 → limit 20, 41 days over: at risk for longer than 30 days, so not new.
    assert_eq!(a.customers.at(6).stage, Some(Stage::AtRisk));
    assert!(!a.customers.at(6).newly_at_risk());
    assert_eq!(
        kezhi_core::metrics::churn_warnings(&a),
        [kezhi_core::metrics::ChurnWarning {
            index: 5,
            recency_days: 102,
            usual_gap_days: None,
            limit_days: 90,
            total_spent: 10_000,
        }]
    );
    // Moving the reference date 20 days back makes G newly at risk too (41 → 21 days over),
    // with its usual gap as the reason; the more valuable G comes first.
    let earlier = compute(
        &d,
        &AnalyticsSettings {
            reference: NaiveDate::from_ymd_opt(2025, 12, 22),
            ..AnalyticsSettings::default()
        },
    );
    let warnings = kezhi_core::metrics::churn_warnings(&earlier);
    let g = warnings.iter().find(|w| w.index == 6).expect("G warned");
    assert_eq!(
        (g.recency_days, g.usual_gap_days, g.limit_days),
        (41, Some(10), 20)
    );
}

/// The dashboard's summaries and a segment's side of "segment vs the rest" read the
/// analytics' columns. They must be what the definitions give from every customer's row,
/// counted here row by row: on the demo with default settings, custom R/F/M cuts and an
/// earlier reference date (other stages, scores and warnings), over everybody and over the
/// customers at even positions.
#[test]
fn summaries_from_the_columns_are_the_summaries_of_the_rows() {
    use kezhi_core::metrics::{
        ChurnWarning, CustomerMetrics, Kpis, RfmCell, churn_warnings, kpis, kpis_where, rf_grid,
        rf_grid_where, stage_counts, stage_counts_where, tier_counts_where,
    };
    fn kpis_of(rows: &[&CustomerMetrics]) -> Kpis {
        let buyers = rows.iter().filter(|m| m.orders >= 1).count();
        let repeat_buyers = rows.iter().filter(|m| m.orders >= 2).count();
        let paid_orders: u64 = rows.iter().map(|m| u64::from(m.orders)).sum();
        let net_spend: i64 = rows.iter().map(|m| m.total_spent).sum();
        Kpis {
            customers: rows.len(),
            buyers,
            repeat_buyers,
            paid_orders,
            net_spend,
            aov: (paid_orders > 0)
                .then(|| kezhi_core::money::div_round_i64(net_spend, paid_orders as i64)),
            repeat_rate: (buyers > 0).then(|| repeat_buyers as f64 / buyers as f64),
        }
    }
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let data = kezhi_core::demo::generate(&kezhi_core::demo::DemoConfig::new(3_000, end));
    for settings in [
        AnalyticsSettings::default(),
        AnalyticsSettings {
            r_cuts: Some([30, 60, 120, 240]),
            f_cuts: Some([2, 3, 5, 8]),
            m_cuts: Some([10_000, 50_000, 100_000, 500_000]),
            ..AnalyticsSettings::default()
        },
        AnalyticsSettings {
            reference: NaiveDate::from_ymd_opt(2026, 3, 1),
            ..AnalyticsSettings::default()
        },
    ] {
        let a = compute(&data, &settings);
        let all: Vec<CustomerMetrics> = a.customers.iter().collect();
        let even = |i: usize| i.is_multiple_of(2);
        for (rows, whole) in [
            (all.iter().collect::<Vec<_>>(), true),
            (all.iter().step_by(2).collect(), false),
        ] {
            let keep = |i: usize| whole || even(i);
            let stages =
                Stage::ALL.map(|s| (s, rows.iter().filter(|m| m.stage == Some(s)).count()));
            let tiers: Vec<usize> = (0..a.tiers.len())
                .map(|t| {
                    rows.iter()
                        .filter(|m| m.tier == Some(Tier(t as u8)))
                        .count()
                })
                .collect();
            let mut grid = [[RfmCell::default(); 5]; 5];
            for m in &rows {
                if let (Some(r), Some(f)) = (m.r, m.f) {
                    grid[usize::from(r) - 1][usize::from(f) - 1].customers += 1;
                    grid[usize::from(r) - 1][usize::from(f) - 1].revenue += m.total_spent;
                }
            }
            assert_eq!(kpis_where(&a, keep), kpis_of(&rows), "{settings:?}");
            assert_eq!(stage_counts_where(&a, keep), stages);
            assert_eq!(tier_counts_where(&a, keep), tiers);
            assert_eq!(rf_grid_where(&a, keep), grid);
            if whole {
                assert_eq!(kpis(&a), kpis_of(&rows));
                assert_eq!(stage_counts(&a), stages);
                assert_eq!(rf_grid(&a), grid);
                assert_eq!(kpis(&a).customers, 3_000);
                // Every stage and tier occurs, so each column is read for real.
                assert!(stages.iter().all(|&(_, n)| n > 0), "{settings:?}");
                assert!(tiers.iter().all(|&n| n > 0), "{tiers:?}");
            } else {
                assert_eq!(kpis_where(&a, keep).customers, 1_500);
            }
        }
        let mut warned: Vec<ChurnWarning> = all
            .iter()
            .enumerate()
            .filter(|(_, m)| m.newly_at_risk())
            .map(|(index, m)| ChurnWarning {
                index,
                recency_days: m.recency_days.expect("a recency"),
                usual_gap_days: m.median_gap_days,
                limit_days: m.at_risk_after.expect("a limit"),
                total_spent: m.total_spent,
            })
            .collect();
        warned.sort_by_key(|w| (std::cmp::Reverse(w.total_spent), w.index));
        assert!(!warned.is_empty(), "some customers are newly at risk");
        assert_eq!(churn_warnings(&a), warned);
    }
}

mod reports {
    use super::*;
    use kezhi_core::report::{DateRange, Month, ReportBuilder, reports};

    fn event(customer: u128, at: Timestamp) -> Event {
        Event {
            customer_id: Uuid::from_u128(customer),
            kind: Sym::new("visit"),
            occurred_at: at,
            props: EventProps::default(),
            updated_at: at,
        }
    }

    fn with_events() -> Dataset {
        let mut d = fixture();
        // D visits without buying; A views (already a buyer: one visitor); an event of an
        // unknown customer is ignored.
        d.events = kezhi_core::EventLog::from(vec![
            event(0, noon(2026, 1, 2)),
            event(3, noon(2026, 1, 3)),
            event(3, noon(2026, 1, 4)),
            event(99, noon(2026, 1, 5)),
        ]);
        d
    }

    #[test]
    fn monthly_trend_new_and_returning_buyers_and_the_decomposition() {
        let d = with_events();
        let settings = AnalyticsSettings::default();
        let a = compute(&d, &settings);
        let r = reports(&d, &a, &settings, DateRange::default());
        let months: Vec<(String, i64, u64, u64, u64, u64, u64)> = r
            .months
            .iter()
            .map(|m| {
                (
                    m.month.map(Month::label).unwrap_or_default(),
                    m.gmv,
                    m.orders,
                    m.buyers,
                    m.new_buyers,
                    m.returning_buyers,
                    m.visitors,
                )
            })
            .collect();
        let row = |m: &str, gmv, orders, buyers, new, returning, visitors| {
            (m.to_string(), gmv, orders, buyers, new, returning, visitors)
        };
        assert_eq!(
            months,
            [
                row("2025-06", 5_000, 1, 1, 1, 0, 1),
                row("2025-07", 0, 0, 0, 0, 0, 0),
                row("2025-08", 0, 0, 0, 0, 0, 0),
                row("2025-09", 2_000_000, 1, 1, 1, 0, 1),
                row("2025-10", 2_010_000, 2, 2, 1, 1, 2),
                row("2025-11", 2_020_000, 3, 2, 1, 1, 2),
                row("2025-12", 2_100_000, 2, 2, 1, 1, 2),
                // A's three orders less the ¥50 refund; D visited without buying.
                row("2026-01", 55_000, 3, 1, 1, 0, 2),
            ]
        );
        let january = &r.months[7];
        assert_eq!(january.conversion(), Some(0.5));
        assert_eq!(january.per_buyer(), Some(55_000));
        assert_eq!(r.channels.len(), 1);
        assert_eq!(
            (
                r.channels[0].key.as_str(),
                r.channels[0].gmv,
                r.channels[0].orders,
                r.channels[0].buyers
            ),
            ("tmall", 8_190_000, 12, 6)
        );
        assert_eq!(r.cities.len(), 1);
        assert_eq!(r.cities[0].key, "");
        let top: Vec<(usize, i64, u64)> =
            r.top.iter().map(|t| (t.index, t.gmv, t.orders)).collect();
        assert_eq!(
            top,
            [
                (4, 8_000_000, 4),
                (1, 100_000, 1),
                (0, 55_000, 3),
                (6, 20_000, 2),
                (5, 10_000, 1),
                (2, 5_000, 1)
            ]
        );
    }

    proptest! {
        /// Records in time order take the fast path (no sets); shuffled ones the general
        /// path. Both must give the same reports.
        #[test]
        fn the_order_of_records_does_not_change_the_reports(
            orders in proptest::collection::vec((0usize..6, 0i64..400, 1i64..500, any::<bool>()), 0..40),
            events in proptest::collection::vec((0u128..7, 0i64..400), 0..40),
            seed in any::<u64>(),
            from in proptest::option::of(0i64..400),
        ) {
            let start = noon(2025, 1, 1);
            let day = |d: i64| start.plus_millis(d * 86_400_000 + d * 3_600_000 % 86_400_000);
            let mut d = fixture();
            d.orders = orders
                .iter()
                .map(|&(c, at, yuan, refund)| {
                    let status = if refund { OrderStatus::Refunded } else { OrderStatus::Paid };
                    order(c, day(at), yuan, status)
                })
                .collect();
            d.events = events.iter().map(|&(c, at)| event(c, day(at))).collect();
            d.normalize();
            let settings = AnalyticsSettings::default();
            let a = compute(&d, &settings);
            let range = DateRange {
                from: from.map(|f| NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Days::new(f as u64)),
                to: None,
            };
            let sorted = reports(&d, &a, &settings, range);
            let mut shuffled = d.clone();
            // A deterministic shuffle from the seed.
            let mut x = seed | 1;
            for i in (1..shuffled.orders.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.orders.swap(i, (x % (i as u64 + 1)) as usize);
            }
            shuffled.events = shuffled.events.to_vec().into_iter().rev().collect();
            prop_assert_eq!(reports(&shuffled, &a, &settings, range), sorted.clone());
            // A slice at a time (as the dashboard computes them) gives the same.
            let mut builder = ReportBuilder::new(&d, &settings, range);
            while !builder.step(&d, &a, 3) {}
            prop_assert_eq!(builder.finish(&d), sorted);
        }
    }

    proptest! {
        /// The top customers are the first [`TOP_CUSTOMERS`] of every buyer ordered by net
        /// spend, then id: with more buyers than that, many ties in spend, and ids not in the
        /// order of the customers' positions.
        #[test]
        fn the_top_customers_are_the_first_by_spend_then_id(
            spends in proptest::collection::vec(proptest::collection::vec((1i64..4, any::<bool>()), 0..4), 0..40),
        ) {
            use kezhi_core::report::TOP_CUSTOMERS;
            let id = |k: usize| (k as u128 * 7_919) % 1_009;
            let mut d = Dataset {
                customers: (0..spends.len())
                    .map(|k| Customer::new(Uuid::from_u128(id(k)), "c", Timestamp(0)))
                    .collect(),
                ..Dataset::default()
            };
            let mut net = vec![0i64; spends.len()];
            for (k, orders) in spends.iter().enumerate() {
                for (j, &(yuan, refund)) in orders.iter().enumerate() {
                    let status = if refund { OrderStatus::Refunded } else { OrderStatus::Paid };
                    net[k] += if refund { -yuan * 100 } else { yuan * 100 };
                    d.orders.push(order(id(k) as usize, noon(2025, 3, 1 + j as u32), yuan, status));
                }
            }
            d.normalize();
            let settings = AnalyticsSettings::default();
            let a = compute(&d, &settings);
            let r = reports(&d, &a, &settings, DateRange::default());
            let mut expected: Vec<(usize, i64)> =
                (0..net.len()).filter(|&k| net[k] > 0).map(|k| (k, net[k])).collect();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(id(a.0).cmp(&id(b.0))));
            expected.truncate(TOP_CUSTOMERS);
            let top: Vec<(usize, i64)> = r.top.iter().map(|t| (t.index, t.gmv)).collect();
            prop_assert_eq!(top, expected);
        }
    }

    #[test]
    fn a_date_range_limits_every_report() {
        let d = with_events();
        let settings = AnalyticsSettings::default();
        let a = compute(&d, &settings);
        let range = DateRange {
            from: NaiveDate::from_ymd_opt(2025, 11, 1),
            to: NaiveDate::from_ymd_opt(2025, 12, 31),
        };
        let r = reports(&d, &a, &settings, range);
        let labels: Vec<String> = r
            .months
            .iter()
            .filter_map(|m| m.month.map(Month::label))
            .collect();
        assert_eq!(labels, ["2025-11", "2025-12"]);
        assert_eq!(r.channels[0].gmv, 4_120_000);
        let top: Vec<(usize, i64)> = r.top.iter().map(|t| (t.index, t.gmv)).collect();
        assert_eq!(top, [(4, 4_000_000), (1, 100_000), (6, 20_000)]);
        // Events out of order are still counted once per customer and month.
        let mut shuffled = with_events();
        shuffled.events = shuffled.events.to_vec().into_iter().rev().collect();
        let all = reports(&shuffled, &a, &settings, DateRange::default());
        assert_eq!(all.months[7].visitors, 2);
    }
}

#[test]
fn a_manual_stage_replaces_the_computed_one_and_keeps_it_visible() {
    let mut d = fixture();
    // G is at risk by the rules; the account manager knows better.
    d.customers[6].stage_override = Some(Stage::Mature);
    let a = compute(&d, &AnalyticsSettings::default());
    assert_eq!(a.customers.at(6).stage, Some(Stage::Mature));
    assert_eq!(a.customers.at(6).computed_stage, Some(Stage::AtRisk));
    assert_eq!(
        a.customers.at(6).at_risk_after,
        None,
        "no churn warning for it"
    );
    // B, active by the rules, set to 流失预警 by hand: not warned about either, as a warning
    // explains a rule.
    d.customers[1].stage_override = Some(Stage::AtRisk);
    let a = compute(&d, &AnalyticsSettings::default());
    assert_eq!(a.customers.at(1).stage, Some(Stage::AtRisk));
    assert!(!a.customers.at(1).newly_at_risk());
    assert_eq!(a.customers.at(0).stage, a.customers.at(0).computed_stage);
}

#[test]
fn custom_cut_points_replace_quintiles_per_metric() {
    use kezhi_core::metrics::{cut_score, parse_cuts};
    let d = fixture();
    let settings = AnalyticsSettings {
        r_cuts: parse_cuts("10, 30, 60, 120"),
        f_cuts: parse_cuts("2，3，4，5"),
        m_cuts: Some([10_000, 50_000, 100_000, 1_000_000]),
        ..AnalyticsSettings::default()
    };
    let a = compute(&d, &settings);
    let scores: Vec<Option<(u8, u8, u8)>> = a
        .customers
        .iter()
        .map(|m| Some((m.r?, m.f?, m.m?)))
        .collect();
    assert_eq!(
        scores,
        [
            Some((5, 3, 3)), // A: 1 day, 3 orders, ¥550
            Some((3, 1, 4)), // B: 41 days, 1 order, ¥1,000
            Some((1, 1, 1)), // C: 224 days, ¥50
            None,            // D: no orders, no scores
            Some((3, 4, 5)), // E: 41 days, 4 orders, ¥80,000
            Some((2, 1, 2)), // F: 102 days, ¥100
            Some((2, 2, 2)), // G: 61 days, 2 orders, ¥200
        ]
    );
    // Edges: a value equal to a cut point reaches it.
    assert_eq!(cut_score(30, [10, 30, 60, 120], false), 4);
    assert_eq!(cut_score(31, [10, 30, 60, 120], false), 3);
    assert_eq!(cut_score(4, [2, 3, 4, 5], true), 4);
    assert_eq!(parse_cuts("1,2,3"), None, "four values");
    assert_eq!(parse_cuts("1,3,2,4"), None, "ascending");
    assert_eq!(parse_cuts("1,x,3,4"), None);
}

#[test]
fn value_tiers_are_ordered_rules_and_the_first_met_wins() {
    use kezhi_core::metrics::{TierCondition, TierName, TierRule};
    let d = fixture();
    // Spend: A ¥550, B ¥1,000, C ¥50, D —, E ¥80,000, F ¥100, G ¥200.
    let settings = AnalyticsSettings {
        tiers: vec![
            TierRule {
                tier: TierName::new("vip", "贵宾", ""),
                // Fewer than 10 % of the 7 customers (0.7) spent more: only E.
                condition: TierCondition::TopPercent(10),
            },
            TierRule {
                tier: TierName::new("mid", "中坚", "Core"),
                condition: TierCondition::MinSpend(50_000), // A, B (E is taken already)
            },
        ],
        other_tier: TierName::new("rest", "其他", "Others"),
        ..AnalyticsSettings::default()
    };
    let a = compute(&d, &settings);
    let codes: Vec<&str> = a
        .customers
        .iter()
        .map(|m| m.tier.map_or("", |t| a.tier_code(t)))
        .collect();
    assert_eq!(codes, ["mid", "mid", "rest", "rest", "vip", "rest", "rest"]);
    assert_eq!(
        a.tier_name(Tier(0), false),
        "贵宾",
        "no English name: the Chinese one"
    );
    assert_eq!(a.tier_name(Tier(1), false), "Core");
    // No rules at all: everyone is in the one remaining tier.
    let none = compute(
        &d,
        &AnalyticsSettings {
            tiers: vec![],
            ..settings
        },
    );
    assert!(none.customers.iter().all(|m| m.tier == Some(Tier(0))));
    assert_eq!(none.tier_code(Tier(0)), "rest");
}

/// Whether every order's hint is its customer's position (`NONE` for a customer who is not
/// there).
fn hints_point_at_their_customers(d: &Dataset) -> bool {
    let hints = d.order_hints.positions();
    hints.len() == d.orders.len()
        && d.orders.iter().zip(&hints).all(|(o, &h)| {
            match d.customers.iter().position(|c| c.id == o.customer_id) {
                Some(p) => h as usize == p,
                None => h == OrderHints::NONE,
            }
        })
}

proptest! {
    /// The analytics are the same whatever the hints kept with the data say: counted once
    /// (which writes them), then the data changed in a way that leaves them stale — customers
    /// moved, removed or added, orders added or sorted otherwise — and counted again with the
    /// stale hints, they equal the analytics of the same data with no hints at all; and the
    /// second count leaves a hint for every order again.
    #[test]
    fn stale_order_hints_never_change_the_analytics(
        rows in proptest::collection::vec((0usize..12, 0i64..400, 1i64..5_000, any::<bool>()), 0..60),
        change in 0usize..6,
        turn in 0usize..12,
    ) {
        let mut d = twelve_customers(&rows);
        let settings = AnalyticsSettings::default();
        let first = compute(&d, &settings);
        prop_assert!(hints_point_at_their_customers(&d), "the count wrote a hint per order");
        // A second count with every hint right gives the same analytics.
        prop_assert_eq!(&compute(&d, &settings), &first);
        match change {
            0 => d.customers.rotate_left(turn),
            1 => {
                if !d.customers.is_empty() {
                    let gone = d.customers.remove(turn % d.customers.len()).id;
                    d.orders.retain(|o| o.customer_id != gone);
                }
            }
            2 => d.customers.insert(0, Customer::new(Uuid::from_u128(99), "new", Timestamp(0))),
            3 => d.orders.reverse(),
            4 => {
                let k = turn.min(d.orders.len());
                d.orders.rotate_left(k);
            }
            _ => {
                // An order of a customer who is not there (its hint can point nowhere).
                let mut o = order(77, noon(2025, 3, 1), 10, OrderStatus::Paid);
                o.id = Uuid::from_u128(5);
                d.orders.insert(0, o);
                d.customers.swap(0, turn);
            }
        }
        let fresh = Dataset { order_hints: Default::default(), ..d.clone() };
        prop_assert!(fresh.order_hints.is_empty());
        let expected = compute(&fresh, &settings);
        prop_assert_eq!(&compute(&d, &settings), &expected);
        prop_assert!(hints_point_at_their_customers(&d));
        // The hints are no part of the data.
        prop_assert_eq!(&d, &fresh);
        prop_assert_eq!(format!("{d:?}"), format!("{fresh:?}"));
    }
}
