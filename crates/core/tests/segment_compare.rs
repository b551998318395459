//! Segment vs the rest on the demo: `segment::compare` agrees with the plain count of
//! `reference/compare.rs` for segments large, small, empty and whole, and the two sides add up
//! to the dashboard's figures.

#[path = "reference/compare.rs"]
mod reference;

use chrono::NaiveDate;
use kezhi_core::Dataset;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::funnel::{EventIndex, purchase_funnel};
use kezhi_core::metrics::{Analytics, AnalyticsSettings, compute, kpis};
use kezhi_core::segment::compare::{
    ComparedFunnel, Metric, Side, Value, compare, compare_funnel, member_flags,
};
use kezhi_core::segment::{membership, parse};
use kezhi_core::time::china_offset;
use reference::Figures;
use std::sync::OnceLock;

fn demo() -> &'static (Dataset, Analytics, EventIndex) {
    static DEMO: OnceLock<(Dataset, Analytics, EventIndex)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
        let data = generate(&DemoConfig::new(5_000, end));
        let analytics = compute(&data, &AnalyticsSettings::default());
        let index = EventIndex::build(&data);
        (data, analytics, index)
    })
}

fn members(query: &str) -> Vec<usize> {
    let (data, analytics, _) = demo();
    let tree = parse(query).expect("query").normalize();
    membership::select(data, analytics, &AnalyticsSettings::default(), &tree, &[]).expect("members")
}

/// `side` in the reference's terms.
fn as_figures(side: &Side, purchase: &[u32], repurchase: &[u32]) -> Figures {
    let k = &side.kpis;
    let mut f = Figures {
        customers: k.customers as u64,
        buyers: k.buyers as u64,
        repeat_buyers: k.repeat_buyers as u64,
        paid_orders: k.paid_orders,
        net_spend: k.net_spend,
        aov: k.aov,
        repeat_rate: k.repeat_rate,
        purchase: purchase.to_vec(),
        repurchase: repurchase.to_vec(),
        ..Figures::default()
    };
    for (r, row) in side.rf.iter().enumerate() {
        for (fs, cell) in row.iter().enumerate() {
            if cell.customers > 0 {
                f.rf.insert(
                    (r as u8 + 1, fs as u8 + 1),
                    (cell.customers as u64, cell.revenue),
                );
            }
        }
    }
    for &(stage, n) in &side.stages {
        f.stages.insert(stage.code(), n as u64);
    }
    for (t, &n) in side.tiers.iter().enumerate() {
        if n > 0 {
            f.tiers.insert(t as u8, n as u64);
        }
    }
    f
}

#[test]
fn each_side_is_what_the_plain_count_gives_and_they_add_up_to_the_whole() {
    let (data, analytics, index) = demo();
    let whole = kpis(analytics);
    for query in [
        r#"city IN ("上海", "北京")"#,
        "orders >= 2",
        r#"rfm_group = "重要价值客户""#,
        "orders > 100000",
        "orders >= 0",
    ] {
        let rows = members(query);
        let c = compare(analytics, &rows);
        let flags = member_flags(data.customers.len(), &rows);
        let events = ComparedFunnel::Events {
            index,
            definition: &purchase_funnel(),
        };
        let purchase = compare_funnel(data, events, &flags, china_offset()).expect("funnel");
        let repurchase = compare_funnel(
            data,
            ComparedFunnel::Repurchase { within_days: 90 },
            &flags,
            china_offset(),
        )
        .expect("funnel");
        for (side, funnel, again, is_member) in [
            (&c.members, &purchase.members, &repurchase.members, true),
            (&c.rest, &purchase.rest, &repurchase.rest, false),
        ] {
            assert_eq!(
                as_figures(side, &funnel.reached, &again.reached),
                reference::figures(data, analytics, index, &flags, is_member),
                "{query}, members: {is_member}"
            );
        }
        // Members and the rest make the whole.
        assert_eq!(c.members.kpis.customers, rows.len(), "{query}");
        for metric in Metric::ALL.into_iter().filter(|m| m.additive()) {
            let sum = match (c.members.value(metric), c.rest.value(metric)) {
                (Some(Value::Count(a)), Some(Value::Count(b))) => (a + b) as i64,
                (Some(Value::Cents(a)), Some(Value::Cents(b))) => a + b,
                other => panic!("{query} {metric:?}: {other:?}"),
            };
            let expected = match metric {
                Metric::Customers => whole.customers as i64,
                Metric::Buyers => whole.buyers as i64,
                Metric::PaidOrders => whole.paid_orders as i64,
                Metric::NetSpend => whole.net_spend,
                _ => unreachable!(),
            };
            assert_eq!(sum, expected, "{query} {metric:?}");
        }
        let everyone = reference::figures(data, analytics, index, &[], false);
        let sum =
            |a: &[u32], b: &[u32]| -> Vec<u32> { a.iter().zip(b).map(|(x, y)| x + y).collect() };
        assert_eq!(
            sum(&purchase.members.reached, &purchase.rest.reached),
            everyone.purchase
        );
        assert_eq!(
            sum(&repurchase.members.reached, &repurchase.rest.reached),
            everyone.repurchase
        );
    }
}

#[test]
fn an_empty_segment_and_everyone_leave_a_side_without_rates() {
    let (_, analytics, _) = demo();
    let none = compare(analytics, &members("orders > 100000"));
    assert_eq!(none.members.kpis.customers, 0);
    assert_eq!(none.members.value(Metric::Aov), None);
    assert_eq!(none.members.value(Metric::RepeatRate), None);
    assert_eq!(none.difference(Metric::RepeatRate), None);
    assert_eq!(none.rest.kpis, kpis(analytics));
    let all = compare(analytics, &members("orders >= 0"));
    assert_eq!(all.rest.kpis.customers, 0);
    assert_eq!(all.members.kpis, kpis(analytics));
}
