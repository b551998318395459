//! The column-wise segment evaluation (segment/eval.rs over segment/columns.rs) gives exactly
//! what the customer-by-customer walk of the tree gives (segment/by_row.rs): on random trees
//! of every field and operator — including operators that do not fit their field, values no
//! customer has and labels by code, Chinese or English name — over a slice of the demo with
//! a few hand-made oddities (blank and Latin names, a stage set by hand, tags in other cases),
//! with segment memberships, with columns kept from one query to the next, and at positions
//! past the customers.

use chrono::NaiveDate;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::metrics::{Analytics, AnalyticsSettings, compute};
use kezhi_core::model::Stage;
use kezhi_core::segment::ast::Span;
use kezhi_core::segment::bind::Memberships;
use kezhi_core::segment::by_row::matches_by_row;
use kezhi_core::segment::fields::{Field, PLAIN};
use kezhi_core::segment::{Condition, Group, Matcher, Node, Op, Operator, SegmentColumns, Value};
use kezhi_core::*;
use proptest::prelude::*;
use std::sync::LazyLock;

struct World {
    data: Dataset,
    settings: AnalyticsSettings,
    analytics: Analytics,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let mut data = generate(&DemoConfig::new(300, end));
    // What the demo never writes.
    data.customers[0].name = "  ".into();
    data.customers[1].name = "Amy Wang".into();
    data.customers[2].tags = vec!["vip".into(), "母婴".into()];
    data.customers[3].stage_override = Some(Stage::Mature);
    data.customers[4].city = Some(" ".into());
    data.customers[5].email = Some("AMY@example.com".into());
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    World {
        data,
        settings,
        analytics,
    }
});

const TEXTS: [&str; 16] = [
    "上海", "杭州", "北京", "amy", "AMY", "VIP", "vip", "", " ", "a", "王", "tmall", "gold",
    "example", "138", "母婴",
];
const LABELS: [&str; 12] = [
    "流失",
    "churned",
    "Mature",
    "流失预警",
    "prospect",
    "一般挽留客户",
    "important_value",
    "General value",
    "优质客户",
    "premium",
    "Key",
    "无此标签",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&TEXTS[..]).prop_map(String::from),
        prop::sample::select(&LABELS[..]).prop_map(String::from),
        "[a-z上海]{0,3}",
    ]
}

fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(&[-1i64, 0, 1, 2, 3, 4, 5, 30, 90, 365, 5_000, 50_000, 500_000][..]),
        -100_000i64..10_000_000,
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..2_600)
        .prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).expect("date") + chrono::Days::new(d))
}

fn span() -> impl Strategy<Value = Span> {
    (0u32..4, 0u32..400).prop_map(|(k, n)| match k {
        0 => Span::Days(n),
        1 => Span::Weeks(n % 60),
        2 => Span::Months(n % 48),
        _ => Span::Years(n % 5),
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::Text),
        number().prop_map(Value::Number),
        number().prop_map(Value::Money),
        date().prop_map(Value::Date),
        span().prop_map(Value::Span),
    ]
}

fn operator() -> impl Strategy<Value = Operator> {
    let list = || prop::collection::vec(text(), 0..3);
    prop_oneof![
        value().prop_map(Operator::Eq),
        value().prop_map(Operator::Ne),
        value().prop_map(Operator::Gt),
        value().prop_map(Operator::Ge),
        value().prop_map(Operator::Lt),
        value().prop_map(Operator::Le),
        (value(), value()).prop_map(|(a, b)| Operator::Between(a, b)),
        (number(), number()).prop_map(|(a, b)| Operator::Between(Value::Money(a), Value::Money(b))),
        (date(), date()).prop_map(|(a, b)| Operator::Between(Value::Date(a), Value::Date(b))),
        list().prop_map(Operator::In),
        list().prop_map(Operator::NotIn),
        text().prop_map(Operator::Contains),
        text().prop_map(Operator::StartsWith),
        Just(Operator::IsEmpty),
        Just(Operator::IsNotEmpty),
        date().prop_map(Operator::Before),
        date().prop_map(Operator::After),
        span().prop_map(Operator::Within),
        span().prop_map(Operator::OlderThan),
        list().prop_map(Operator::HasAny),
        list().prop_map(Operator::HasAll),
        list().prop_map(Operator::HasNone),
        Just(Operator::IsTrue),
    ]
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        4 => prop::sample::select(PLAIN.iter().map(|(f, ..)| f.clone()).collect::<Vec<_>>()),
        1 => (prop::sample::select(&["visit", "view", "add_to_cart", "pay", "fav"][..]), prop::option::of(span()))
            .prop_map(|(k, within)| Field::Events { kind: k.into(), within }),
        1 => prop::sample::select(&["tmall", "jd", "wechat", "无"][..])
            .prop_map(|c| Field::ChannelOrders { channel: c.into() }),
        1 => (date(), date()).prop_map(|(from, to)| Field::OrdersBetween { from, to }),
        1 => span().prop_map(|within| Field::Contacts { within }),
        1 => prop::sample::select(&["高价值", "无此分群"][..])
            .prop_map(|n| Field::InSegment { name: n.into() }),
    ]
}

fn tree() -> impl Strategy<Value = Group> {
    let leaf = (field(), operator())
        .prop_map(|(field, operator)| Node::Condition(Condition { field, operator }));
    let node = leaf.prop_recursive(3, 20, 4, |inner| {
        (
            prop::collection::vec(inner, 0..4),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(items, or, negated)| {
                Node::Group(Group {
                    op: if or { Op::Or } else { Op::And },
                    negated,
                    items,
                })
            })
    });
    // Not normalised: a tree built by hand may hold empty or negated groups anywhere.
    (
        prop::collection::vec(node, 0..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(items, or, negated)| Group {
            op: if or { Op::Or } else { Op::And },
            negated,
            items,
        })
}

/// Members of "高价值" for `in_segment` (a snapshot of every third customer); "无此分群" stays
/// unresolved and matches nobody.
fn memberships(w: &World) -> Memberships {
    use kezhi_core::segment::membership::resolve;
    use kezhi_core::segment::saved::{SavedSegment, Snapshot};
    let saved = SavedSegment {
        id: "s".into(),
        name: "高价值".into(),
        query: String::new(),
        snapshot: Some(Snapshot {
            taken_at: Timestamp(0),
            customers: w.data.customers.iter().step_by(3).map(|c| c.id).collect(),
        }),
        updated_at: Timestamp(0),
    };
    let names = Group::all(vec![Node::Condition(Condition {
        field: Field::InSegment {
            name: "高价值".into(),
        },
        operator: Operator::IsTrue,
    })]);
    resolve(&w.data, &w.analytics, &w.settings, &names, &[saved], None).expect("resolves")
}

/// Every column built ahead, as the segment page does while the user types.
static WARMED: LazyLock<SegmentColumns> = LazyLock::new(|| {
    let w = &*WORLD;
    let columns = SegmentColumns::new(&w.settings);
    let built = (0..)
        .take_while(|&k| columns.warm(&w.data, &w.analytics, k))
        .count();
    assert_eq!(
        built, 22,
        "9 numbers, 3 dates, the tags, 9 texts (labels are the analytics' own)"
    );
    columns
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn columns_match_the_customer_by_customer_walk(a in tree(), b in tree()) {
        let w = &*WORLD;
        let n = w.data.customers.len();
        let segments = memberships(w);
        let kept = SegmentColumns::new(&w.settings);
        for t in [&a, &b] {
            let expected = matches_by_row(&w.data, &w.analytics, &w.settings, t, Some(&segments), n + 2);
            let fresh = Matcher::with_segments(&w.data, &w.analytics, &w.settings, t, &segments);
            let reused = Matcher::with_columns(&w.data, &w.analytics, &w.settings, t, Some(&segments), &kept);
            let warmed = Matcher::with_columns(&w.data, &w.analytics, &w.settings, t, Some(&segments), &WARMED);
            for m in [&fresh, &reused, &warmed] {
                let got: Vec<bool> = (0..n + 2).map(|i| m.matches(i)).collect();
                prop_assert_eq!(&got, &expected);
                let positions: Vec<usize> = (0..n).filter(|&i| expected[i]).collect();
                prop_assert_eq!(m.matching(), positions.clone());
                prop_assert_eq!(m.count(), positions.len());
            }
        }
    }
}

/// The race's rule (tests/bench/peer/) on the demo: the same members both ways, and some.
#[test]
fn the_benchmark_rule_matches_alike_both_ways() {
    let w = &*WORLD;
    let rule = kezhi_core::segment::parse(
        r#"total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP")) AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户") AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY"#,
    )
    .expect("parses");
    let n = w.data.customers.len();
    let expected = matches_by_row(&w.data, &w.analytics, &w.settings, &rule, None, n);
    let m = Matcher::new(&w.data, &w.analytics, &w.settings, &rule);
    let got: Vec<bool> = (0..n).map(|i| m.matches(i)).collect();
    assert_eq!(got, expected);
    assert!(m.count() > 0 && m.count() < n, "{}", m.count());
}
