//! Analytics and the list index updated after an edit equal the ones built from scratch over
//! the edited data: any sequence of edits (renames, stage overrides, new orders and refunds,
//! new customers) gives, step after step, exactly what a full rebuild gives.

use chrono::NaiveDate;
use kezhi_core::customer_query::{CustomerIndex, CustomerQuery, SortKey};
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::model::Stage;
use kezhi_core::{Customer, Dataset, Order, OrderStatus, Sym, Timestamp};
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Clone, Debug)]
enum Edit {
    Rename(usize, String),
    Override(usize, Option<u8>),
    Order(usize, i64, bool, i64),
    Add(String),
    Tag(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let names = prop::sample::select(vec![
        "张三",
        "李四",
        "王五",
        "Zoe",
        "alice",
        "欧阳娜娜",
        "单田芳",
        "Émile",
        "赵",
        "",
    ]);
    prop_oneof![
        (any::<usize>(), names.clone()).prop_map(|(i, n)| Edit::Rename(i, n.to_string())),
        (any::<usize>(), prop::option::of(0u8..6)).prop_map(|(i, s)| Edit::Override(i, s)),
        (any::<usize>(), 1i64..500_000, any::<bool>(), 0i64..400)
            .prop_map(|(i, a, paid, d)| Edit::Order(i, a, paid, d)),
        names.prop_map(|n| Edit::Add(n.to_string())),
        any::<usize>().prop_map(Edit::Tag),
    ]
}

/// Applies an edit as the app does: what it writes is stamped `now`.
fn apply(d: &mut Dataset, e: &Edit, now: Timestamp, seq: u128) {
    let n = d.customers.len();
    match e {
        Edit::Rename(i, name) => {
            let c = &mut d.customers[i % n];
            c.name = name.clone();
            c.updated_at = now;
        }
        Edit::Override(i, s) => {
            let c = &mut d.customers[i % n];
            c.stage_override = s.map(|s| Stage::ALL[usize::from(s)]);
            c.updated_at = now;
        }
        Edit::Order(i, amount, paid, days_ago) => {
            let customer_id = d.customers[i % n].id;
            d.orders.push(Order {
                id: Uuid::from_u128(seq),
                customer_id,
                source_order_id: format!("T{seq}"),
                ordered_at: Timestamp(now.0 - days_ago * 86_400_000),
                amount_cents: *amount,
                item_count: 1,
                channel: Sym::new("tmall"),
                status: if *paid {
                    OrderStatus::Paid
                } else {
                    OrderStatus::Refunded
                },
                updated_at: now,
            });
        }
        Edit::Add(name) => d
            .customers
            .push(Customer::new(Uuid::from_u128(seq), name.clone(), now)),
        Edit::Tag(i) => {
            let c = &mut d.customers[i % n];
            c.tags.push("新标签".into());
            c.updated_at = now;
        }
    }
}

fn demo() -> Dataset {
    generate(&DemoConfig::new(
        300,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ))
}

/// The list as the user sees it: every sort key, both directions, and a search.
fn views(ix: &CustomerIndex, d: &Dataset) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for key in [
        SortKey::Name,
        SortKey::TotalSpent,
        SortKey::Stage,
        SortKey::R,
        SortKey::City,
    ] {
        for descending in [false, true] {
            let q = CustomerQuery {
                sort: key,
                descending,
                ..Default::default()
            };
            out.push(ix.query(d, &q));
        }
    }
    let q = CustomerQuery {
        text: "zh".into(),
        ..Default::default()
    };
    out.push(ix.query(d, &q));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn updates_equal_rebuilds(batches in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..6)) {
        let mut d = demo();
        let settings = AnalyticsSettings::default();
        let mut analytics = compute(&d, &settings);
        let mut index = CustomerIndex::build(&d, &analytics);
        let mut clock = 1_900_000_000_000i64;
        let mut seq = 1u128 << 100;
        for batch in &batches {
            let since = Timestamp(clock);
            for e in batch {
                clock += 1;
                seq += 1;
                apply(&mut d, e, Timestamp(clock), seq);
            }
            let touched = d.touched_since(since).expect("nothing deleted");
            analytics = analytics.update(&d, &settings, &touched);
            let full = compute(&d, &settings);
            prop_assert_eq!(&analytics, &full);
            index = index.update(&d, &analytics, &touched);
            let rebuilt = CustomerIndex::build(&d, &full);
            prop_assert_eq!(views(&index, &d), views(&rebuilt, &d));
            prop_assert_eq!(&index, &rebuilt);
        }
    }
}

#[test]
fn touched_since_names_edited_customers_and_buyers() {
    let mut d = demo();
    let since = Timestamp(1_900_000_000_000);
    assert_eq!(d.touched_since(since), Some(vec![]));
    apply(&mut d, &Edit::Rename(7, "张三".into()), since, 1);
    apply(
        &mut d,
        &Edit::Order(3, 100, true, 0),
        Timestamp(since.0 + 1),
        2,
    );
    assert_eq!(d.touched_since(since), Some(vec![3, 7]));
    let id = d.customers[5].id;
    d.delete_customer(id, Timestamp(since.0 + 2));
    assert_eq!(d.touched_since(since), None, "a deletion moves positions");
}

#[test]
fn an_update_that_does_not_fit_is_a_rebuild() {
    let mut d = demo();
    let settings = AnalyticsSettings::default();
    let analytics = compute(&d, &settings);
    let index = CustomerIndex::build(&d, &analytics);
    // Positions moved (and nothing says so in `touched`): both notice and rebuild.
    d.customers.swap(0, 1);
    let updated = analytics.update(&d, &settings, &[]);
    assert_eq!(updated, compute(&d, &settings));
    assert_eq!(
        index.update(&d, &updated, &[]),
        CustomerIndex::build(&d, &updated)
    );
    // Other settings: a full computation.
    let other = AnalyticsSettings {
        churn_days: 90,
        ..AnalyticsSettings::default()
    };
    assert_eq!(updated.update(&d, &other, &[]), compute(&d, &other));
}

/// A batch as a pull brings it: records changed on another device, stamped with *that*
/// device's (older) times, so `touched_since` cannot find them.
#[derive(Clone, Debug)]
enum Pulled {
    Rename(usize, String),
    Order(usize, i64, bool),
    /// An existing order now names another customer.
    Reassign(usize, usize),
    Add(String),
}

fn pulled() -> impl Strategy<Value = Pulled> {
    let names = prop::sample::select(vec!["张三", "李四", "Zoe", "欧阳娜娜", ""]);
    prop_oneof![
        (any::<usize>(), names.clone()).prop_map(|(i, n)| Pulled::Rename(i, n.to_string())),
        (any::<usize>(), 1i64..500_000, any::<bool>()).prop_map(|(i, a, p)| Pulled::Order(i, a, p)),
        (any::<usize>(), any::<usize>()).prop_map(|(o, c)| Pulled::Reassign(o, c)),
        names.prop_map(|n| Pulled::Add(n.to_string())),
    ]
}

fn incoming(d: &Dataset, batch: &[Pulled], seq: &mut u128) -> kezhi_core::sync::Incoming {
    let old = Timestamp(1_600_000_000_000);
    let mut inc = kezhi_core::sync::Incoming::default();
    let n = d.customers.len();
    for p in batch {
        *seq += 1;
        match p {
            Pulled::Rename(i, name) => {
                let mut c = d.customers[i % n].clone();
                c.name = name.clone();
                c.updated_at = old;
                inc.customers.push(c);
            }
            Pulled::Order(i, amount, paid) => inc.orders.push(Order {
                id: Uuid::from_u128(*seq),
                customer_id: d.customers[i % n].id,
                source_order_id: format!("P{seq}"),
                ordered_at: old,
                amount_cents: *amount,
                item_count: 1,
                channel: Sym::new("jd"),
                status: if *paid {
                    OrderStatus::Paid
                } else {
                    OrderStatus::Refunded
                },
                updated_at: old,
            }),
            Pulled::Reassign(o, c) => {
                let mut order = d.orders[o % d.orders.len()].clone();
                order.customer_id = d.customers[c % n].id;
                order.updated_at = old;
                inc.orders.push(order);
            }
            Pulled::Add(name) => {
                inc.customers
                    .push(Customer::new(Uuid::from_u128(*seq), name.clone(), old))
            }
        }
    }
    inc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// What a pull changed, by position, is enough to update the analytics and the list
    /// index: equal to a rebuild after every batch.
    #[test]
    fn updates_after_pulled_batches_equal_rebuilds(batches in prop::collection::vec(prop::collection::vec(pulled(), 1..6), 1..5)) {
        let mut d = demo();
        let settings = AnalyticsSettings::default();
        let mut analytics = compute(&d, &settings);
        let mut index = CustomerIndex::build(&d, &analytics);
        let mut seq = 1u128 << 101;
        for batch in &batches {
            let inc = incoming(&d, batch, &mut seq);
            let touched = kezhi_core::sync::apply_incoming(&mut d, inc);
            let positions = touched.customer_positions(&d).expect("nothing deleted");
            analytics = analytics.update(&d, &settings, &positions);
            let full = compute(&d, &settings);
            prop_assert_eq!(&analytics, &full);
            index = index.update(&d, &analytics, &positions);
            prop_assert_eq!(&index, &CustomerIndex::build(&d, &full));
        }
    }
}

#[test]
fn a_pulled_batch_names_its_customers_the_buyers_and_the_former_buyers() {
    let mut d = demo();
    let mut seq = 1u128 << 102;
    let from = d.orders[0].customer_id;
    let to = d
        .customers
        .iter()
        .position(|c| c.id != from)
        .expect("another");
    let batch = [
        Pulled::Rename(7, "张三".into()),
        Pulled::Reassign(0, to),
        Pulled::Add("新客".into()),
    ];
    let inc = incoming(&d, &batch, &mut seq);
    let n = d.customers.len();
    let touched = kezhi_core::sync::apply_incoming(&mut d, inc);
    let from_at = d.customers.iter().position(|c| c.id == from).expect("from");
    let mut want = vec![7, to, from_at, n];
    want.sort_unstable();
    want.dedup();
    assert_eq!(touched.customer_positions(&d), Some(want));
    // A customer deleted by the pull: positions moved, so the caller rebuilds.
    let gone = kezhi_core::sync::Incoming {
        tombstones: vec![kezhi_core::Tombstone {
            kind: kezhi_core::RecordKind::Customer,
            key: kezhi_core::RecordKey::Id(d.customers[3].id),
            deleted_at: Timestamp(1_600_000_000_000),
        }],
        ..Default::default()
    };
    let touched = kezhi_core::sync::apply_incoming(&mut d, gone);
    assert_eq!(touched.customer_positions(&d), None);
}
