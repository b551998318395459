//! Segments: the query language (parse, print, errors at their position, round trips, never a
//! panic) and the evaluation of every operator with the missing-value rule, on a hand-made
//! fixture with exact expected matches.

use chrono::NaiveDate;
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::segment::ast::Span;
use kezhi_core::segment::complete;
use kezhi_core::segment::error::ErrorKind;
use kezhi_core::segment::fields::Field;
use kezhi_core::segment::membership::{self, RefError};
use kezhi_core::segment::saved::{SavedSegment, Snapshot};
use kezhi_core::segment::{Condition, Group, Matcher, Node, Op, Operator, Value, parse, print};
use kezhi_core::time::china_offset;
use kezhi_core::*;
use proptest::prelude::*;
use uuid::Uuid;

fn noon(y: i32, m: u32, d: u32) -> Timestamp {
    let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
    Timestamp::from_local(date.and_hms_opt(12, 0, 0).expect("time"), china_offset()).expect("ts")
}

fn order(customer: u128, n: u128, at: Timestamp, yuan: i64) -> Order {
    Order {
        id: Uuid::from_u128((customer << 64) | n),
        customer_id: Uuid::from_u128(customer),
        source_order_id: format!("{customer}-{n}"),
        ordered_at: at,
        amount_cents: yuan * 100,
        item_count: 1,
        channel: "tmall".into(),
        status: OrderStatus::Paid,
        updated_at: at,
    }
}

fn event(customer: u128, kind: &str, at: Timestamp) -> Event {
    Event {
        customer_id: Uuid::from_u128(customer),
        kind: Sym::new(kind),
        occurred_at: at,
        props: EventProps::default(),
        updated_at: at,
    }
}

fn complaint(customer: u128, n: u128, at: Timestamp, outcome: Option<&str>) -> Activity {
    Activity {
        id: Uuid::from_u128(1000 + n),
        customer_id: Uuid::from_u128(customer),
        kind: ActivityKind::Complaint,
        at,
        text: "物流太慢".into(),
        owner: None,
        next_follow_up: None,
        outcome: outcome.map(String::from),
        updated_at: at,
    }
}

/// Latest paid order 2026-05-30, so the reference date is 2026-05-31.
/// 0 张三: 上海, VIP, phone 138…, ¥3,000 + ¥4,000 recently, an open complaint.
/// 1 李四: 杭州, no tags, one ¥6,000 order 200 days earlier.
/// 2 王五: no city, VIP + 母婴, no orders, visits only.
/// 3 赵六: 北京, five ¥20,000 orders, a resolved complaint.
/// 4 Amy: 上海, amy@example.com, one ¥100 order, two add-to-carts in the last week.
fn fixture() -> Dataset {
    let mut cs: Vec<Customer> = ["张三", "李四", "王五", "赵六", "Amy"]
        .iter()
        .enumerate()
        .map(|(i, n)| Customer::new(Uuid::from_u128(i as u128), *n, Timestamp(0)))
        .collect();
    cs[0].city = Some("上海".into());
    cs[0].tags = vec!["VIP".into()];
    cs[0].phone = Some("13812345678".into());
    cs[1].city = Some("杭州".into());
    cs[2].tags = vec!["VIP".into(), "母婴".into()];
    cs[3].city = Some("北京".into());
    cs[4].city = Some("上海".into());
    cs[4].email = Some("amy@example.com".into());
    let mut orders = vec![
        order(0, 1, noon(2026, 5, 20), 3_000),
        order(0, 2, noon(2026, 5, 30), 4_000),
        order(1, 1, noon(2025, 11, 14), 6_000),
        order(4, 1, noon(2026, 5, 25), 100),
    ];
    for k in 0..5 {
        orders.push(order(3, k, noon(2026, 1 + k as u32, 1), 20_000));
    }
    let events = vec![
        event(2, "visit", noon(2026, 5, 1)),
        event(2, "visit", noon(2026, 5, 2)),
        event(4, "add_to_cart", noon(2026, 5, 27)),
        event(4, "add_to_cart", noon(2026, 5, 28)),
        event(4, "add_to_cart", noon(2026, 3, 1)),
    ];
    let activities = vec![
        complaint(0, 1, noon(2026, 5, 31), None),
        complaint(3, 2, noon(2026, 5, 15), Some("已补发")),
    ];
    Dataset {
        customers: cs,
        orders,
        events: events.into(),
        activities,
        ..Dataset::default()
    }
}

/// Names of the customers the query matches.
fn matching(data: &Dataset, query: &str) -> Vec<String> {
    let settings = AnalyticsSettings::default();
    let analytics = compute(data, &settings);
    let root = parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    let m = Matcher::new(data, &analytics, &settings, &root);
    m.matching()
        .into_iter()
        .map(|i| data.customers[i].name.clone())
        .collect()
}

#[test]
fn every_operator_with_the_missing_value_rule() {
    let d = fixture();
    let cases: &[(&str, &[&str])] = &[
        ("total_spent > 5000", &["张三", "李四", "赵六"]),
        ("total_spent BETWEEN 6000 AND 7000", &["张三", "李四"]),
        ("total_spent <= 100", &["王五", "Amy"]),
        ("累计消费 >= 1.2万", &["赵六"]),
        ("city IN (\"上海\", \"杭州\")", &["张三", "李四", "Amy"]),
        // Missing values never match != or NOT IN; a negated group does.
        ("city != \"上海\"", &["李四", "赵六"]),
        ("city NOT IN (\"上海\")", &["李四", "赵六"]),
        ("NOT city = \"上海\"", &["李四", "王五", "赵六"]),
        ("city IS EMPTY", &["王五"]),
        ("city IS NOT EMPTY", &["张三", "李四", "赵六", "Amy"]),
        ("name CONTAINS \"AM\"", &["Amy"]),
        ("name = \"amy\"", &["Amy"]),
        ("phone STARTS WITH \"138\"", &["张三"]),
        ("email CONTAINS \"@example\"", &["Amy"]),
        ("tags HAS ANY (\"VIP\")", &["张三", "王五"]),
        ("tags HAS ALL (\"VIP\", \"母婴\")", &["王五"]),
        ("tags HAS NONE (\"VIP\")", &["李四", "赵六", "Amy"]),
        ("tags IS EMPTY", &["李四", "赵六", "Amy"]),
        // The span starts 30 days before the reference date, on 05-01: 赵六's last order.
        ("last_order_at WITHIN 30d", &["张三", "赵六", "Amy"]),
        ("last_order_at WITHIN 29d", &["张三", "Amy"]),
        ("last_order_at WITHIN 5m", &["张三", "赵六", "Amy"]),
        ("last_order_at OLDER THAN 30d", &["李四"]),
        ("last_order_at BEFORE 2026-01-01", &["李四"]),
        ("last_order_at AFTER 2026-05-29", &["张三"]),
        ("first_order_at = 2026-05-20", &["张三"]),
        ("last_order_at IS EMPTY", &["王五"]),
        ("orders >= 2", &["张三", "赵六"]),
        ("orders = 0", &["王五"]),
        ("aov IS EMPTY", &["王五"]),
        (
            "r IS NOT EMPTY AND r >= 1 AND r <= 5",
            &["张三", "李四", "赵六", "Amy"],
        ),
        ("days_since_last_order = 1", &["张三"]),
        ("days_since_last_order = 30", &["赵六"]),
        ("has_open_complaint", &["张三"]),
        ("NOT has_open_complaint", &["李四", "王五", "赵六", "Amy"]),
        ("events(\"add_to_cart\", 7d) >= 2", &["Amy"]),
        ("events(\"add_to_cart\") = 3", &["Amy"]),
        ("events(\"visit\") >= 1 AND orders = 0", &["王五"]),
        (
            "channel_orders(\"tmall\") >= 1",
            &["张三", "李四", "赵六", "Amy"],
        ),
        ("orders_between(2026-02-01, 2026-03-31) = 2", &["赵六"]),
        ("contacts(30d) = 0", &["李四", "王五", "Amy"]),
        ("lifecycle = \"潜在\"", &["王五"]),
        (
            "lifecycle IN (\"prospect\", \"Churned\")",
            &["王五", "李四"],
        ),
        ("tier = \"优质客户\"", &["赵六"]),
        ("tier = \"premium\" OR tier = \"nonsense\"", &["赵六"]),
        ("rfm_group IS EMPTY", &["王五"]),
        (
            "(city = \"上海\" OR city = \"杭州\") AND orders = 1",
            &["李四", "Amy"],
        ),
        (
            "NOT (city = \"上海\" OR tags HAS ANY (\"VIP\"))",
            &["李四", "赵六"],
        ),
        ("", &["张三", "李四", "王五", "赵六", "Amy"]),
    ];
    for (query, want) in cases {
        let mut got = matching(&d, query);
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{query}");
    }
}

#[test]
fn the_issue_example_parses_prints_canonically_and_evaluates() {
    let q = r#"total_spent > 5000 AND city IN ("上海", "杭州") AND last_order_at WITHIN 90d AND (tags HAS ANY ("VIP") OR rfm_group = "重要价值客户") AND NOT has_open_complaint"#;
    let tree = parse(q).expect("parses");
    assert_eq!(print(&tree), q);
    let d = fixture();
    // 张三 qualifies on everything but has an open complaint.
    assert!(matching(&d, q).is_empty());
    assert_eq!(
        matching(&d, q.trim_end_matches(" AND NOT has_open_complaint")),
        ["张三"]
    );
    // Chinese aliases and keywords in any case print in the canonical spelling.
    let zh = parse("累计消费 > 5000 and 城市 = '上海' or 标签 has any (\"VIP\")").expect("parses");
    assert_eq!(
        print(&zh),
        r#"(total_spent > 5000 AND city = "上海") OR tags HAS ANY ("VIP")"#
    );
}

fn error(q: &str) -> (usize, ErrorKind) {
    let e = parse(q).expect_err(q);
    (e.at, e.kind)
}

#[test]
fn errors_point_at_their_position() {
    assert_eq!(error("total_spent >"), (13, ErrorKind::UnexpectedEnd));
    assert_eq!(error("foo = 1"), (0, ErrorKind::UnknownField("foo".into())));
    assert!(matches!(
        error("city > \"a\""),
        (5, ErrorKind::NotFor { .. })
    ));
    assert_eq!(
        error("lifecycle = \"成熟了\""),
        (12, ErrorKind::UnknownLabel("成熟了".into()))
    );
    assert_eq!(error("city = \"上海"), (7, ErrorKind::UnclosedString));
    assert_eq!(error("(city = \"a\""), (11, ErrorKind::UnexpectedEnd));
    assert_eq!(
        error("city = \"a\" city = \"b\""),
        (11, ErrorKind::Unexpected("city".into()))
    );
    assert_eq!(
        error("orders > 1.5"),
        (9, ErrorKind::BadNumber("1.5".into()))
    );
    assert_eq!(
        error("total_spent > 1.234"),
        (14, ErrorKind::BadNumber("1.234".into()))
    );
    assert_eq!(error("()"), (1, ErrorKind::EmptyGroup));
    // Positions count characters, not bytes.
    assert_eq!(error("城市 = 上海").0, 5);
    // Its wording in both languages is the app's (src/i18n/errors.rs tests that it quotes the `~`).
    let e = parse("城市 ~ 1").expect_err("bad");
    assert_eq!(e.kind, ErrorKind::Unexpected("~".into()));
}

fn leaf() -> impl Strategy<Value = Condition> {
    let text = "[a-z上海杭州\" ]{0,6}";
    prop_oneof![
        (text, 0usize..4).prop_map(|(s, k)| Condition {
            field: Field::City,
            operator: match k {
                0 => Operator::Eq(Value::Text(s)),
                1 => Operator::Contains(s),
                2 => Operator::NotIn(vec![s, "上海".into()]),
                _ => Operator::IsEmpty,
            },
        }),
        (-1_000_000i64..1_000_000_000, 0usize..3).prop_map(|(c, k)| Condition {
            field: Field::TotalSpent,
            operator: match k {
                0 => Operator::Gt(Value::Money(c)),
                1 => Operator::Between(Value::Money(c), Value::Money(c + 1)),
                _ => Operator::Le(Value::Money(c)),
            },
        }),
        (0u32..400, 0usize..3).prop_map(|(n, k)| Condition {
            field: Field::LastOrderAt,
            operator: match k {
                0 => Operator::Within(Span::Days(n)),
                1 => Operator::OlderThan(Span::Months(n)),
                _ => Operator::Before(
                    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
                        + chrono::Days::new(u64::from(n))
                ),
            },
        }),
        ("[a-z_]{1,8}", proptest::option::of(1u32..60), 0i64..10).prop_map(|(kind, w, n)| {
            Condition {
                field: Field::Events {
                    kind,
                    within: w.map(Span::Weeks),
                },
                operator: Operator::Ge(Value::Number(n)),
            }
        }),
        Just(Condition {
            field: Field::HasOpenComplaint,
            operator: Operator::IsTrue
        }),
        "[a-z高价值\" ]{0,6}".prop_map(|name| Condition {
            field: Field::InSegment { name },
            operator: Operator::IsTrue
        }),
        Just(Condition {
            field: Field::Lifecycle,
            operator: Operator::In(vec!["流失预警".into(), "mature".into()])
        }),
        Just(Condition {
            field: Field::Tags,
            operator: Operator::HasNone(vec!["VIP".into()])
        }),
    ]
}

fn tree() -> impl Strategy<Value = Group> {
    let node = leaf()
        .prop_map(Node::Condition)
        .prop_recursive(3, 24, 4, |inner| {
            (
                proptest::collection::vec(inner, 1..4),
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
    (proptest::collection::vec(node, 0..4), any::<bool>()).prop_map(|(items, or)| {
        Group {
            op: if or { Op::Or } else { Op::And },
            negated: false,
            items,
        }
        .normalize()
    })
}

proptest! {
    /// Visual → text → visual: a canonical tree prints and parses back unchanged.
    #[test]
    fn canonical_trees_round_trip_through_text(t in tree()) {
        let text = print(&t);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e:?}")))?;
        prop_assert_eq!(&back, &t, "{}", text);
        prop_assert_eq!(back.clone().normalize(), back);
    }

    /// Whatever is typed, the parser answers with a tree or an error inside the text.
    #[test]
    fn the_parser_never_panics(q in "[a-z_ ()\"'=!<>,0-9.dwmy万上海标签ANDORNOTINISEMPTYHASBETWEEN-]{0,40}") {
        if let Err(e) = parse(&q) {
            prop_assert!(e.at <= q.chars().count());
        }
    }

    #[test]
    fn arbitrary_text_never_panics_either(q in ".{0,60}") {
        let _ = parse(&q);
    }

    /// Autocompletion answers for any text and caret, replacing a range inside the text.
    #[test]
    fn completion_never_panics(
        q in "[a-z_ ()\"“”'=!<>,0-9.dwmy城市标签ANDORNOTINISEMPTYHAS\\-]{0,40}",
        caret in 0usize..50,
    ) {
        let known = |_: &Field| vec!["上海".to_string(), "VIP".to_string()];
        let c = complete::complete(&q, caret, &known);
        prop_assert!(c.from <= c.to && c.to <= q.chars().count());
    }
}

#[test]
fn every_template_parses_prints_back_and_matches_someone_in_the_demo() {
    use kezhi_core::demo::{DemoConfig, generate};
    use kezhi_core::segment::saved::TEMPLATES;
    let data = generate(&DemoConfig::new(
        2_000,
        NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    ));
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    for (code, query) in TEMPLATES {
        let tree = parse(query).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        assert_eq!(print(&tree), query, "{code} is written canonically");
        let n = kezhi_core::segment::count_matches(&data, &analytics, &settings, &tree);
        assert!(n > 0 && n < data.customers.len(), "{code}: {n}");
    }
}

fn saved(name: &str, query: &str, snapshot: Option<Vec<u128>>) -> SavedSegment {
    SavedSegment {
        id: name.into(),
        name: name.into(),
        query: query.into(),
        snapshot: snapshot.map(|ids| Snapshot {
            taken_at: Timestamp(0),
            customers: ids.into_iter().map(Uuid::from_u128).collect(),
        }),
        updated_at: Timestamp(0),
    }
}

fn select_names(
    data: &Dataset,
    query: &str,
    list: &[SavedSegment],
) -> Result<Vec<String>, RefError> {
    let settings = AnalyticsSettings::default();
    let analytics = compute(data, &settings);
    let root = parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    Ok(
        membership::select(data, &analytics, &settings, &root.normalize(), list)?
            .into_iter()
            .map(|i| data.customers[i].name.clone())
            .collect(),
    )
}

#[test]
fn in_segment_uses_dynamic_queries_snapshots_and_chains() {
    let d = fixture();
    let list = vec![
        saved("上海客户", r#"city = "上海""#, None),
        // A static snapshot: 李四 and a customer deleted since.
        saved("Q1 名单", "city = \"杭州\"", Some(vec![1, 99])),
        // A chain: big spenders among the Shanghai segment.
        saved(
            "上海大客户",
            r#"in_segment("上海客户") AND total_spent > 5000"#,
            None,
        ),
    ];
    let ok = |q: &str| select_names(&d, q, &list).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(ok(r#"in_segment("上海客户")"#), ["张三", "Amy"]);
    assert_eq!(ok(r#"属于分群("q1 名单")"#), ["李四"]);
    assert_eq!(ok(r#"in_segment("上海大客户")"#), ["张三"]);
    assert_eq!(
        ok(r#"NOT in_segment("上海客户") AND NOT in_segment("Q1 名单")"#),
        ["王五", "赵六"]
    );
    // Without resolution (the plain matcher) membership matches nobody.
    assert!(matching(&d, r#"in_segment("上海客户")"#).is_empty());
    assert_eq!(
        select_names(&d, r#"in_segment("无此分群")"#, &list),
        Err(RefError::Unknown("无此分群".into()))
    );
}

#[test]
fn segments_naming_each_other_in_a_circle_are_refused() {
    let d = fixture();
    let settings = AnalyticsSettings::default();
    let analytics = compute(&d, &settings);
    let list = vec![
        saved("A", r#"in_segment("B") OR city = "上海""#, None),
        saved("B", r#"in_segment("C")"#, None),
        saved("C", r#"in_segment("a") AND orders > 0"#, None),
        saved("self", r#"in_segment("self")"#, None),
    ];
    let err = select_names(&d, r#"in_segment("A")"#, &list).expect_err("cycle");
    assert_eq!(
        err,
        RefError::Cycle(vec!["A".into(), "B".into(), "C".into(), "a".into()])
    );
    // Worded by the app: src/i18n/errors.rs tests "分群不能循环引用：A → B → C → a".
    assert!(matches!(
        select_names(&d, r#"in_segment("self")"#, &list),
        Err(RefError::Cycle(p)) if p == ["self", "self"]
    ));
    // Saving a query under a name it leads back to is a cycle too.
    let tree = parse(r#"in_segment("B")"#).expect("parse");
    let refused = membership::resolve(&d, &analytics, &settings, &tree, &list[1..2], Some("D"));
    assert!(matches!(refused, Err(RefError::Unknown(n)) if n == "C"));
    let refused = membership::resolve(&d, &analytics, &settings, &tree, &list, Some("C"));
    assert!(matches!(refused, Err(RefError::Cycle(p)) if p == ["C", "B", "C"]));
    // A broken saved query is reported by name.
    let broken = vec![saved("坏", "city = ", None)];
    assert!(matches!(
        select_names(&d, r#"in_segment("坏")"#, &broken),
        Err(RefError::Invalid { name, .. }) if name == "坏"
    ));
}

#[test]
fn renaming_a_segment_rewrites_the_queries_that_name_it() {
    assert_eq!(
        membership::rename_references(r#"in_segment("old") and city = "上海""#, "OLD", "新名")
            .as_deref(),
        Some(r#"in_segment("新名") AND city = "上海""#)
    );
    assert_eq!(
        membership::rename_references("city = \"上海\"", "old", "new"),
        None
    );
    let list = vec![
        saved("old", "orders > 1", None),
        saved("uses", r#"in_segment("old")"#, None),
        saved("snap", r#"in_segment("old")"#, Some(vec![])),
    ];
    assert_eq!(membership::referenced_by(&list, "Old"), ["uses"]);
}

#[test]
fn the_vocabulary_offers_the_data_values_most_frequent_first() {
    let d = fixture();
    let v = complete::Vocabulary::new(&d);
    assert_eq!(v.cities, ["上海", "北京", "杭州"]);
    assert_eq!(v.tags, ["VIP", "母婴"]);
    assert_eq!(v.event_kinds, ["add_to_cart", "visit"]);
    assert_eq!(v.order_channels, ["tmall"]);
    assert!(v.owners.is_empty());
    let stages = v.values(&Field::Lifecycle, true, &[], &[]);
    assert!(stages.contains(&"流失预警".to_string()));
    let segs = vec!["高价值".to_string()];
    assert_eq!(
        v.values(
            &Field::InSegment {
                name: String::new()
            },
            true,
            &[],
            &segs
        ),
        segs
    );
    // Personal data is never offered.
    assert!(v.values(&Field::Phone, true, &[], &[]).is_empty());
    let known = |f: &Field| v.values(f, true, &[], &[]);
    let c = complete::complete("city = \"杭", 9, &known);
    assert_eq!(c.items.len(), 1);
    assert_eq!(c.items[0].insert, "\"杭州\"");
}
