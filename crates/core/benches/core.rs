//! Benchmarks of the core: generating the demo, encoding it for storage and loading it back.
//! `cargo bench -p kezhi-core`; results are recorded in docs/benchmarks.md.

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kezhi_core::Timestamp;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::store::{LoadOutcome, MemoryStore, Repository, Section, codec};
use std::hint::black_box;

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 31).expect("date")
}

fn demo(c: &mut Criterion) {
    let mut group = c.benchmark_group("demo");
    group.sample_size(10);
    for size in [5_000usize, 20_000] {
        group.bench_with_input(BenchmarkId::new("generate", size), &size, |b, &size| {
            b.iter(|| generate(black_box(&DemoConfig::new(size, end()))))
        });
    }
    group.finish();
}

fn storage(c: &mut Criterion) {
    let data = generate(&DemoConfig::new(5_000, end()));
    let mut group = c.benchmark_group("storage 5000");
    group.sample_size(10);
    group.bench_function("encode all sections", |b| {
        b.iter(|| {
            Section::ALL
                .iter()
                .map(|s| codec::encode_section(black_box(&data), *s).len())
                .sum::<usize>()
        })
    });
    let mut repo = Repository::new(MemoryStore::default(), "bench");
    let mut copy = data.clone();
    repo.save(&mut copy, &Section::ALL, Timestamp(1))
        .expect("saved");
    let store = repo.store().clone();
    group.bench_function("load (decode all sections)", |b| {
        b.iter(|| {
            let mut reader = Repository::new(store.clone(), "r");
            match reader.load(Timestamp(2)) {
                LoadOutcome::Loaded(d) => d.customers.len(),
                _ => 0,
            }
        })
    });
    group.bench_function("save one customer edit", |b| {
        b.iter(|| {
            copy.customers[0].updated_at.0 += 1;
            repo.save(&mut copy, &[Section::Customers], Timestamp(3))
                .expect("saved")
        })
    });
    group.finish();
}

fn customer_list(c: &mut Criterion) {
    use kezhi_core::customer_query::{CustomerIndex, CustomerQuery, SortKey};
    let data = generate(&DemoConfig::new(100_000, end()));
    let mut group = c.benchmark_group("customer list 100000");
    group.sample_size(10);
    group.bench_function("build index", |b| {
        b.iter(|| {
            CustomerIndex::build(
                black_box(&data),
                &kezhi_core::metrics::compute(&data, &Default::default()),
            )
        })
    });
    let index = CustomerIndex::build(
        &data,
        &kezhi_core::metrics::compute(&data, &Default::default()),
    );
    // One customer edited at 100,000: what the app does from the edit to the updated list
    // (touched positions, analytics and index updated, the list queried again).
    let settings = Default::default();
    let analytics = kezhi_core::metrics::compute(&data, &settings);
    let mut edited = data.clone();
    let mut state = Some((analytics.clone(), index.clone()));
    let mut clock = 1_900_000_000_000i64;
    group.bench_function("one customer edited: update analytics, index, list", |b| {
        b.iter(|| {
            let since = Timestamp(clock);
            clock += 1;
            edited.customers[77].name = format!("编辑{clock}");
            edited.customers[77].updated_at = Timestamp(clock);
            let touched = edited.touched_since(since).expect("no deletion");
            let (analytics, index) = state.take().expect("state");
            let analytics = analytics.update(&edited, &settings, &touched);
            let index = index.update(&edited, &analytics, &touched);
            let rows = index.query(&edited, &CustomerQuery::default()).len();
            state = Some((analytics, index));
            rows
        })
    });
    for text in ["王", "138", "zs", "zhangwei"] {
        group.bench_with_input(
            BenchmarkId::new("search keystroke", text),
            &text,
            |b, text| {
                let q = CustomerQuery {
                    text: text.to_string(),
                    ..CustomerQuery::default()
                };
                b.iter(|| index.query(&data, black_box(&q)).len())
            },
        );
    }
    for key in [SortKey::Name, SortKey::TotalSpent, SortKey::City] {
        group.bench_with_input(
            BenchmarkId::new("sort all", key.as_str()),
            &key,
            |b, key| {
                let q = CustomerQuery {
                    sort: *key,
                    descending: true,
                    ..CustomerQuery::default()
                };
                b.iter(|| index.query(&data, black_box(&q)).len())
            },
        );
    }
    group.finish();
}

fn analytics(c: &mut Criterion) {
    use kezhi_core::customer_query::CustomerIndex;
    use kezhi_core::metrics::{AnalyticsSettings, churn_warnings, compute};
    use kezhi_core::report::{DateRange, reports};
    let mut data = generate(&DemoConfig::new(100_000, end()));
    kezhi_core::demo::extend_order_history(&mut data, 1_000_000);
    let settings = AnalyticsSettings::default();
    let mut group = c.benchmark_group("analytics 100000 customers 1000000 orders");
    group.sample_size(10);
    group.bench_function("metrics, scores, stages, tiers, LTV", |b| {
        b.iter(|| compute(black_box(&data), &settings))
    });
    let analytics = compute(&data, &settings);
    group.bench_function("dashboard reports (all time)", |b| {
        b.iter(|| {
            reports(
                black_box(&data),
                &analytics,
                &settings,
                DateRange::default(),
            )
        })
    });
    group.bench_function("churn warnings", |b| {
        b.iter(|| churn_warnings(black_box(&analytics)).len())
    });
    group.bench_function("list index (given the metrics)", |b| {
        b.iter(|| CustomerIndex::build(black_box(&data), &analytics))
    });
    group.finish();
}

fn segments(c: &mut Criterion) {
    use kezhi_core::metrics::{AnalyticsSettings, compute};
    use kezhi_core::segment::{Matcher, count_matches, parse};
    let data = generate(&DemoConfig::new(100_000, end()));
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let mut group = c.benchmark_group("segments 100000 customers");
    group.sample_size(10);
    // Ten conditions, nested, over profile fields, metrics and labels.
    let rule = parse(
        r#"total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP")) AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户") AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY"#,
    )
    .expect("parses");
    group.bench_function("10-condition nested rule", |b| {
        b.iter(|| count_matches(black_box(&data), &analytics, &settings, &rule))
    });
    // The segment page's case: a query per keystroke over unchanged data, the columns kept.
    let columns = kezhi_core::segment::SegmentColumns::new(&settings);
    group.bench_function("10-condition nested rule, columns kept", |b| {
        b.iter(|| {
            Matcher::with_columns(
                black_box(&data),
                &analytics,
                &settings,
                &rule,
                None,
                &columns,
            )
            .count()
        })
    });
    // The walk the columns replaced (segment/by_row.rs), for the record.
    group.bench_function("10-condition nested rule, customer by customer", |b| {
        b.iter(|| {
            let n = data.customers.len();
            kezhi_core::segment::by_row::matches_by_row(
                black_box(&data),
                &analytics,
                &settings,
                &rule,
                None,
                n,
            )
            .into_iter()
            .filter(|&m| m)
            .count()
        })
    });
    let behaviour = parse(r#"events("add_to_cart", 30d) >= 1"#).expect("parses");
    group.bench_function(
        format!("behaviour condition over {} events", data.events.len()),
        |b| b.iter(|| Matcher::new(black_box(&data), &analytics, &settings, &behaviour)),
    );
    group.finish();
}

/// Today's list (issue 16: ≤ 50 ms at 100,000 customers in the browser), everyone's and one
/// manager's, on the day after the demo ends.
fn today(c: &mut Criterion) {
    use kezhi_core::metrics::{AnalyticsSettings, compute};
    use kezhi_core::today::{Whose, managers, today_list};
    let data = generate(&DemoConfig::new(100_000, end()));
    let analytics = compute(&data, &AnalyticsSettings::default());
    let day = end().succ_opt().expect("date");
    let offset = kezhi_core::time::china_offset();
    let mut group = c.benchmark_group("today 100000 customers");
    group.sample_size(20);
    group.bench_function("everyone's list", |b| {
        b.iter(|| today_list(black_box(&data), &analytics, Whose::Everyone, day, offset).len())
    });
    let first = managers(&data)
        .first()
        .copied()
        .map_or(Whose::Everyone, Whose::Manager);
    group.bench_function("one manager's list", |b| {
        b.iter(|| today_list(black_box(&data), &analytics, first, day, offset).len())
    });
    group.bench_function("the managers (whoami menu)", |b| {
        b.iter(|| managers(black_box(&data)).len())
    });
    group.finish();
}

criterion_group!(
    benches,
    demo,
    storage,
    customer_list,
    analytics,
    segments,
    today
);
criterion_main!(benches);
