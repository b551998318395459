//! Funnels over 1,000,000 events of 100,000 customers (issue 6: ≤ 60 ms natively for a
//! 5-step funnel, ≤ 2× that with a 5-way breakdown).
//! `cargo bench -p kezhi-core --bench funnels`; results are recorded in docs/funnels.md and
//! docs/benchmarks.md.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use kezhi_core::Dataset;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::funnel::{
    EventIndex, Exclusion, FunnelDefinition, FunnelOptions, OrderMode, Period, PropField, SplitBy,
    Step, compute, compute_breakdown, purchase_funnel, repurchase_funnel,
};
use kezhi_core::metrics::Analytics;
use std::hint::black_box;

const EVENTS: usize = 1_000_000;

/// The 100,000-customer demo (2.55 M events) cut to its most recent 1,000,000 events: whole
/// funnel paths, as the demo writes them, over the last 14 months or so.
fn bench_data() -> Dataset {
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let mut data = generate(&DemoConfig::new(100_000, end));
    kezhi_core::demo::keep_recent_events(&mut data, EVENTS);
    data
}

/// Each customer's acquisition channel, numbered: six channels, so the top five and "other".
fn channel_keys(data: &Dataset) -> Vec<u32> {
    kezhi_core::funnel::split_keys(data, &Analytics::default(), SplitBy::Channel).0
}

fn funnels(c: &mut Criterion) {
    let data = bench_data();
    let customers_with_events = {
        let index = EventIndex::build(&data);
        (0..data.customers.len())
            .filter(|&p| index.event_count(p) > 0)
            .count()
    };
    eprintln!(
        "{} customers ({customers_with_events} with events), {} events",
        data.customers.len(),
        data.events.len()
    );
    let index = EventIndex::build(&data);
    let options = FunnelOptions::default();
    let keys = channel_keys(&data);
    let purchase = purchase_funnel();
    let strict = FunnelDefinition {
        mode: OrderMode::Strict,
        ..purchase.clone()
    };
    let filtered = FunnelDefinition {
        steps: vec![
            Step::new("visit").with(PropField::Channel, "tmall"),
            Step::new("view").with(PropField::Category, "数码家电"),
            Step::new("add_to_cart"),
            Step::new("checkout"),
            Step::new("pay"),
        ],
        ..purchase.clone()
    };
    // The purchase funnel with view optional and an exclusion (a `fav` between add to cart
    // and pay): the second pass over each path.
    let mut extended = purchase.clone();
    extended.steps[1].optional = true;
    extended.exclusions.push(Exclusion::new("fav", 2, 4));

    let mut group = c.benchmark_group("funnels 1M events");
    group.sample_size(20);
    group.bench_function("build event index", |b| {
        b.iter(|| EventIndex::build(black_box(&data)))
    });
    group.bench_function("5 steps, sequential", |b| {
        b.iter(|| compute(&data, &index, black_box(&purchase), &options).map(|r| r.stats))
    });
    group.bench_function("5 steps, strict", |b| {
        b.iter(|| compute(&data, &index, black_box(&strict), &options).map(|r| r.stats))
    });
    group.bench_function("5 steps with filters", |b| {
        b.iter(|| compute(&data, &index, black_box(&filtered), &options).map(|r| r.stats))
    });
    group.bench_function("5 steps, an optional step and an exclusion", |b| {
        b.iter(|| compute(&data, &index, black_box(&extended), &options).map(|r| r.stats))
    });
    group.bench_function("5 steps, 5-way breakdown by channel", |b| {
        b.iter(|| {
            compute_breakdown(&data, &index, black_box(&purchase), &options, &keys, 5)
                .map(|r| r.groups.len())
        })
    });
    let weekly = FunnelOptions {
        period: Period::Week,
        ..options
    };
    group.bench_function("repurchase within 30 days (orders)", |b| {
        b.iter(|| repurchase_funnel(black_box(&data), 30, None, &weekly).map(|r| r.stats))
    });
    group.finish();
}

/// The whole 100,000-customer demo, as the app holds it: 2.55 M events.
fn full_demo(c: &mut Criterion) {
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let data = generate(&DemoConfig::new(100_000, end));
    let index = EventIndex::build(&data);
    let purchase = purchase_funnel();
    let options = FunnelOptions::default();
    let mut group = c.benchmark_group("funnels 100000 demo");
    group.sample_size(10);
    group.bench_function("build event index", |b| {
        b.iter(|| EventIndex::build(black_box(&data)))
    });
    group.bench_function("5 steps, sequential", |b| {
        b.iter(|| compute(&data, &index, black_box(&purchase), &options).map(|r| r.stats))
    });
    group.finish();
}

criterion_group!(benches, funnels, full_demo);
criterion_main!(benches);
