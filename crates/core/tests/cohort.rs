//! Cohort retention with exact expected values: a hand-made fixture (refunds, a customer whose
//! first order is a refund, month boundaries at +08:00, narrowing by members, channel and
//! cohort months, the cells' customers) and the Online Retail sample against an independent
//! computation.

use chrono::{FixedOffset, NaiveDate};
use kezhi_core::cohort::{CohortOptions, CohortTable, cell_customers, compute};
use kezhi_core::metrics::{Analytics, AnalyticsSettings};
use kezhi_core::report::Month;
use kezhi_core::time::china_offset;
use kezhi_core::*;
use uuid::Uuid;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Timestamp {
    let t = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, s))
        .expect("time");
    Timestamp(t.and_utc().timestamp_millis())
}

/// Noon at +08:00 (04:00 UTC): well inside the day in either zone.
fn noon(y: i32, m: u32, d: u32) -> Timestamp {
    utc(y, m, d, 4, 0, 0)
}

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;
const E: usize = 4;
const F: usize = 5;
const G: usize = 6;
const H: usize = 7;

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

/// Eight customers, months at +08:00:
/// - A (tmall): paid ¥100 on 1-05 and ¥50 on 1-20 (one customer in January, however many
///   orders), ¥80 on 3-10, and a ¥30 refund on 3-15.
/// - B (jd): paid ¥120 at 2025-01-31 16:00 UTC = 2025-02-01 00:00 at +08:00: cohort February;
///   ¥30 at 2025-04-30 15:59:59 UTC = April 30, 23:59:59 at +08:00: April.
/// - C (tmall): paid ¥70 at 2025-01-31 15:59:59 UTC = January 31, 23:59:59: cohort January;
///   ¥25 at 2025-02-28 16:00 UTC = March 1: period 2.
/// - D (jd): first a ¥40 refund on 1-10 (before any paid order), then paid ¥200 on 2-03 and
///   ¥100 on 4-01: cohort February, the refund in no period.
/// - E: a ¥20 refund on 5-02 only: no cohort, but the data's last month is May.
/// - F: no orders.
/// - G (tmall): paid ¥60 on 2-14, refunded in full on 2-20: active in February, net ¥0.
/// - H (douyin): paid ¥10 on 3-01.
fn fixture() -> Dataset {
    use OrderStatus::{Paid, Refunded};
    let channels = ["tmall", "jd", "tmall", "jd", "", "", "tmall", "douyin"];
    let customers = channels
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let mut c = Customer::new(Uuid::from_u128(i as u128), format!("c{i}"), Timestamp(0));
            c.channel = (!ch.is_empty()).then(|| Sym::new(ch));
            c
        })
        .collect();
    let mut orders = vec![
        order(A, noon(2025, 1, 5), 100, Paid),
        order(A, noon(2025, 1, 20), 50, Paid),
        order(A, noon(2025, 3, 10), 80, Paid),
        order(A, noon(2025, 3, 15), 30, Refunded),
        order(B, utc(2025, 1, 31, 16, 0, 0), 120, Paid),
        order(B, utc(2025, 4, 30, 15, 59, 59), 30, Paid),
        order(C, utc(2025, 1, 31, 15, 59, 59), 70, Paid),
        order(C, utc(2025, 2, 28, 16, 0, 0), 25, Paid),
        order(D, noon(2025, 1, 10), 40, Refunded),
        order(D, noon(2025, 2, 3), 200, Paid),
        order(D, noon(2025, 4, 1), 100, Paid),
        order(E, noon(2025, 5, 2), 20, Refunded),
        order(G, noon(2025, 2, 14), 60, Paid),
        order(G, noon(2025, 2, 20), 60, Refunded),
        order(H, noon(2025, 3, 1), 10, Paid),
    ];
    orders.sort_by_key(|o| (o.ordered_at, o.id));
    Dataset {
        customers,
        orders,
        ..Dataset::default()
    }
}

fn analytics(data: &Dataset) -> Analytics {
    kezhi_core::metrics::compute(data, &AnalyticsSettings::default())
}

fn month(label: &str) -> Month {
    Month::parse(label).expect("month")
}

/// A table as plain values: (cohort, size, active per period, revenue per period in cents,
/// earlier refunds).
type Row = (String, u32, Vec<u32>, Vec<i64>, i64);
/// A [`Row`] written as a literal (only the `files` test reads one).
#[cfg(feature = "files")]
type RowLiteral<'a> = (&'a str, u32, &'a [u32], &'a [i64], i64);

fn rows(table: &CohortTable) -> Vec<Row> {
    table
        .cohorts
        .iter()
        .map(|c| {
            (
                c.month.label(),
                c.size,
                c.active.clone(),
                c.revenue.clone(),
                c.earlier_refunds,
            )
        })
        .collect()
}

fn row(label: &str, size: u32, active: &[u32], revenue: &[i64], earlier: i64) -> Row {
    (
        label.to_string(),
        size,
        active.to_vec(),
        revenue.to_vec(),
        earlier,
    )
}

fn china() -> CohortOptions<'static> {
    CohortOptions::new(china_offset())
}

#[test]
fn the_fixture_grid_at_plus_eight() {
    let data = fixture();
    let table = compute(&data, &analytics(&data), &china());
    assert_eq!(table.last_month, Some(month("2025-05")));
    assert_eq!(
        rows(&table),
        vec![
            // A and C. March: A ¥80 − ¥30, C ¥25.
            row("2025-01", 2, &[2, 0, 2, 0, 0], &[22_000, 0, 7_500, 0, 0], 0),
            // B, D, G. February: ¥120 + ¥200 + ¥60 − ¥60; April: B ¥30, D ¥100. D's ¥40
            // refund of January precedes the cohort.
            row("2025-02", 3, &[3, 0, 2, 0], &[32_000, 0, 13_000, 0], 4_000),
            row("2025-03", 1, &[1, 0, 0], &[1_000, 0, 0], 0),
        ]
    );
    assert_eq!(table.periods(), 5);
    assert_eq!(
        table.customers(),
        6,
        "E (refunds only) and F (no orders) are in none"
    );

    let jan = table.cohort(month("2025-01")).expect("january");
    let rates: Vec<_> = (0..5).map(|k| jan.rate_text(k)).collect();
    assert_eq!(
        rates,
        ["1.0000", "0.0000", "1.0000", "0.0000", "0.0000"].map(|s| Some(s.to_string()))
    );
    assert_eq!(jan.revenue_rate_text(2).as_deref(), Some("0.3409"));
    assert_eq!(jan.rate(2), Some(1.0));
    let feb = table.cohort(month("2025-02")).expect("february");
    assert_eq!(feb.rate_text(2).as_deref(), Some("0.6667"));
    // 13,000 ÷ 32,000 = 0.40625: half away from zero.
    assert_eq!(feb.revenue_rate_text(2).as_deref(), Some("0.4063"));
    assert_eq!(feb.revenue_rate(2), Some(0.40625));
    assert_eq!(feb.rate_text(4), None, "beyond the data's last month");
}

#[test]
fn periods_minus_earlier_refunds_are_the_cohorts_net_spend() {
    let data = fixture();
    let a = analytics(&data);
    let table = compute(&data, &a, &china());
    let offset = china_offset();
    for cohort in &table.cohorts {
        let members = cell_customers(&data, &a, &china(), cohort.month, None);
        assert!(!members.contains(&E) && !members.contains(&F));
        assert_eq!(members.len(), cohort.size as usize);
        let m: i64 = members.iter().map(|&i| a.customers.at(i).total_spent).sum();
        let periods: i64 = cohort.revenue.iter().sum();
        assert_eq!(
            periods - cohort.earlier_refunds,
            m,
            "{}",
            cohort.month.label()
        );
        for &i in &members {
            let first = a.customers.at(i).first_order.expect("paid");
            let date = first.to_offset(offset).expect("time").date_naive();
            assert_eq!(Month::of(date), cohort.month);
        }
    }
}

#[test]
fn the_month_boundary_follows_the_offset() {
    let data = fixture();
    let a = analytics(&data);
    let at_utc = CohortOptions::new(FixedOffset::east_opt(0).expect("utc"));
    let table = compute(&data, &a, &at_utc);
    // At UTC, B's first order (January 31, 16:00) is in January, and C's second (February 28,
    // 16:00) in February; B's April order stays in April.
    assert_eq!(
        rows(&table),
        vec![
            row(
                "2025-01",
                3,
                &[3, 1, 1, 1, 0],
                &[34_000, 2_500, 5_000, 3_000, 0],
                0
            ),
            row("2025-02", 2, &[2, 0, 1, 0], &[20_000, 0, 10_000, 0], 4_000),
            row("2025-03", 1, &[1, 0, 0], &[1_000, 0, 0], 0),
        ]
    );
}

#[test]
fn the_cells_customers_are_those_it_counts() {
    let data = fixture();
    let a = analytics(&data);
    let o = china();
    assert_eq!(
        cell_customers(&data, &a, &o, month("2025-01"), Some(0)),
        [A, C]
    );
    assert_eq!(
        cell_customers(&data, &a, &o, month("2025-01"), Some(1)),
        Vec::<usize>::new()
    );
    assert_eq!(
        cell_customers(&data, &a, &o, month("2025-02"), Some(2)),
        [B, D]
    );
    assert_eq!(
        cell_customers(&data, &a, &o, month("2025-02"), None),
        [B, D, G]
    );
    assert_eq!(
        cell_customers(&data, &a, &o, month("2025-04"), None),
        Vec::<usize>::new()
    );
    let table = compute(&data, &a, &o);
    for cohort in &table.cohorts {
        for k in 0..cohort.periods() {
            let who = cell_customers(&data, &a, &o, cohort.month, Some(k));
            assert_eq!(who.len() as u32, cohort.active[k]);
        }
    }
}

#[test]
fn narrowed_to_members_a_channel_or_cohort_months() {
    let data = fixture();
    let a = analytics(&data);
    let tmall = CohortOptions {
        channel: Some("tmall"),
        ..china()
    };
    assert_eq!(
        rows(&compute(&data, &a, &tmall)),
        vec![
            row("2025-01", 2, &[2, 0, 2, 0, 0], &[22_000, 0, 7_500, 0, 0], 0),
            row("2025-02", 1, &[1, 0, 0, 0], &[0, 0, 0, 0], 0),
        ]
    );
    let g = compute(&data, &a, &tmall);
    let feb = g.cohort(month("2025-02")).expect("G");
    assert_eq!(feb.revenue_rate_text(0), None, "no revenue in period 0");
    assert_eq!(feb.rate_text(0).as_deref(), Some("1.0000"));
    assert_eq!(
        cell_customers(&data, &a, &tmall, month("2025-02"), Some(0)),
        [G]
    );

    let mut flags = vec![false; data.customers.len()];
    flags[B] = true;
    flags[D] = true;
    flags[E] = true;
    let members = CohortOptions {
        members: Some(&flags),
        ..china()
    };
    assert_eq!(
        rows(&compute(&data, &a, &members)),
        vec![row(
            "2025-02",
            2,
            &[2, 0, 2, 0],
            &[32_000, 0, 13_000, 0],
            4_000
        )]
    );

    let range = CohortOptions {
        from: Some(month("2025-02")),
        to: Some(month("2025-03")),
        ..china()
    };
    let table = compute(&data, &a, &range);
    let labels: Vec<String> = table.cohorts.iter().map(|c| c.month.label()).collect();
    assert_eq!(labels, ["2025-02", "2025-03"]);
    // The periods still run to the data's last month.
    assert_eq!(table.last_month, Some(month("2025-05")));
    assert_eq!(table.periods(), 4);
    let only = CohortOptions {
        from: Some(month("2025-03")),
        to: Some(month("2025-03")),
        channel: Some("douyin"),
        ..china()
    };
    assert_eq!(
        cell_customers(&data, &a, &only, month("2025-03"), None),
        [H]
    );
    let nobody = CohortOptions {
        channel: Some("wechat"),
        ..china()
    };
    let empty = compute(&data, &a, &nobody);
    assert!(empty.cohorts.is_empty());
    assert_eq!(empty.periods(), 0);
}

#[test]
fn order_of_records_and_missing_analytics_change_nothing() {
    let data = fixture();
    let a = analytics(&data);
    let expected = compute(&data, &a, &china());
    // Out of time order (a customer's months counted through a set instead).
    let mut shuffled = data.clone();
    shuffled.orders.reverse();
    shuffled.orders.swap(2, 9);
    assert_eq!(compute(&shuffled, &a, &china()), expected);
    // Analytics of other customers: the first paid orders are counted from the data.
    assert_eq!(compute(&data, &Analytics::default(), &china()), expected);
    assert_eq!(
        cell_customers(
            &shuffled,
            &Analytics::default(),
            &china(),
            month("2025-02"),
            Some(2)
        ),
        [B, D]
    );
    assert_eq!(
        compute(&Dataset::default(), &Analytics::default(), &china()),
        CohortTable::default()
    );
}

/// The Online Retail sample (data/real/) imported as the app imports it (China time, the
/// default), against figures computed independently by a Python script over the CSV: it groups
/// the lines by InvoiceNo (rows without CustomerID skipped, `12923.0` → `12923`), sums
/// quantity × unit price with `decimal.Decimal` and rounds half away from zero to the cent once
/// per invoice, marks an invoice a refund when its number is `C` + digit or its sum is negative,
/// takes the earliest line's InvoiceDate as its time and the first seven characters of that
/// wall-clock time as its month; then first paid invoice per customer → cohort, distinct
/// customers with a paid invoice per (cohort, month), paid − refunded per (cohort, month), and
/// refunds before the cohort's month apart. It found 3,569 customers, 3,546 of them with a paid
/// invoice, 11,727 invoices of which 519 refunds, the last in 2011-12.
#[cfg(feature = "files")]
#[test]
fn online_retail_sample_cohorts() {
    use kezhi_core::import::{ImportKind, ImportOptions, ReadOptions, read_file};
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/real/online_retail_sample.csv"
    ))
    .expect("sample");
    let plan = read_file(
        bytes,
        &ReadOptions::default(),
        ImportKind::Orders,
        None,
        ImportOptions::default(),
    )
    .expect("readable");
    let mut data = Dataset::default();
    plan.changes(&data, Timestamp(1_767_225_600_000))
        .apply_to(&mut data);
    data.normalize();
    assert_eq!((data.customers.len(), data.orders.len()), (3_569, 11_727));

    let a = analytics(&data);
    let table = compute(&data, &a, &china());
    assert_eq!(table.last_month, Some(month("2011-12")));
    assert_eq!(table.customers(), 3_546);
    #[rustfmt::skip]
    let expected: [RowLiteral; 13] = [
        ("2010-12", 582, &[582, 169, 158, 180, 163, 193, 175, 171, 162, 178, 180, 257, 123], &[4073679, 1371273, 1561547, 1089580, 983159, 1312341, 1314972, 1431211, 1487111, 1564764, 1810730, 2360274, 865580], 0),
        ("2011-01", 346, &[346, 58, 87, 76, 95, 91, 80, 81, 104, 96, 132, 41], &[2027840, 338974, 688900, 411399, 962707, 932371, 523886, 699079, 937225, 1283004, 1330690, 198550], 12011),
        ("2011-02", 303, &[303, 48, 53, 67, 74, 60, 67, 67, 67, 74, 18], &[1165039, 223501, 281721, 321767, 345661, 312927, 430649, 406319, 345494, 458846, 67264], 5555),
        ("2011-03", 354, &[354, 40, 85, 61, 76, 54, 66, 75, 78, 21], &[1587824, 184048, 377796, 408807, 464273, 409632, 334155, 413234, 404978, 50937], 4725),
        ("2011-04", 244, &[244, 33, 37, 43, 39, 56, 47, 55, 14], &[1136937, 159650, 169065, 230329, 156003, 200794, 191445, 225232, 49489], 42825),
        ("2011-05", 256, &[256, 39, 42, 42, 42, 56, 61, 16], &[1102934, 165068, 142713, 220084, 206362, 245874, 282112, 69289], 4865),
        ("2011-06", 206, &[206, 24, 27, 47, 32, 56, 19], &[938768, 130014, 90889, 160050, 135786, 275548, 45443], 165),
        ("2011-07", 172, &[172, 17, 31, 31, 31, 14], &[812223, 133139, 148114, 140028, 136369, 33840], 5265),
        ("2011-08", 150, &[150, 25, 31, 38, 11], &[706752, 98317, 143121, 187457, 36472], 0),
        ("2011-09", 286, &[286, 58, 70, 23], &[1482319, 274817, 558345, -2211], 6860),
        ("2011-10", 312, &[312, 63, 23], &[1340652, 354083, 67454], 595),
        ("2011-11", 285, &[285, 27], &[1532303, 99803], 3855),
        ("2011-12", 50, &[50], &[198188], 4995),
    ];
    let expected: Vec<Row> = expected
        .iter()
        .map(|(m, size, active, revenue, earlier)| row(m, *size, active, revenue, *earlier))
        .collect();
    assert_eq!(rows(&table), expected);
    let first = &table.cohorts[0];
    // 169 of 582 December 2010 customers bought in January 2011.
    assert_eq!(first.rate_text(1).as_deref(), Some("0.2904"));
    assert_eq!(first.revenue_rate_text(1).as_deref(), Some("0.3366"));
}
