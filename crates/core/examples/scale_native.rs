//! Issue 17's data natively — the 500,000-customer demo with its events cut to the 10 M most
//! recent, what tests/bench/scale.mjs loads in Chromium — to tell the browser's share of its
//! figures from the data's: the race's segment (first query, columns built; then kept), the
//! event index and the purchase funnel. `cargo run --release -p kezhi-core --example scale_native`
//! (CUSTOMERS, EVENTS, ROUNDS to change).
use kezhi_core::demo::{DemoConfig, generate, keep_recent_events};
use kezhi_core::funnel::{EventIndex, FunnelOptions, compute as funnel, purchase_funnel};
use kezhi_core::metrics::{AnalyticsBuilder, AnalyticsSettings, compute};
use kezhi_core::segment::{Matcher, SegmentColumns, parse};
use std::time::Instant;

/// The rule of the race (src/bench_hooks/race.rs) and of benches/core.rs.
const RULE: &str = r#"total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP")) AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户") AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY"#;

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (customers, events, rounds) = (
        env("CUSTOMERS", 500_000),
        env("EVENTS", 10_000_000),
        env("ROUNDS", 5),
    );
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let t = Instant::now();
    let mut data = generate(&DemoConfig::new(customers, end));
    let generated = data.events.len();
    keep_recent_events(&mut data, events);
    // As the browser benchmark's data has it (src/bench_hooks.rs).
    data.events.shrink_to_fit();
    println!(
        "{customers} customers, {} orders, {} events (of {generated}); generated in {} ms",
        data.orders.len(),
        data.events.len(),
        ms(t)
    );
    let settings = AnalyticsSettings::default();
    let t = Instant::now();
    let analytics = compute(&data, &settings);
    println!(
        "events held in {} bytes ({:.2} per event, {} distinct shapes)",
        data.events.heap_bytes(),
        data.events.heap_bytes() as f64 / data.events.len().max(1) as f64,
        data.events.shapes().len()
    );
    println!("analytics: {} ms", ms(t));
    // The same in the app's steps (src/derived.rs: 20,000 items a step): the longest step (a
    // sort of all the customers' R, F or M, or of their spends, is one).
    let mut builder = AnalyticsBuilder::new(&data, &settings);
    let (mut steps, mut longest) = (0, 0.0f64);
    loop {
        let t = Instant::now();
        let done = builder.step(&data, 20_000);
        longest = longest.max(ms(t));
        steps += 1;
        if done {
            break;
        }
    }
    let t = Instant::now();
    let stepped = builder.finish(&data);
    println!(
        "analytics in {steps} steps of 20,000: longest step {longest} ms, then the analytics made up {} ms",
        ms(t)
    );
    assert_eq!(stepped, analytics, "the steps give what compute gives");
    let t = Instant::now();
    let vocabulary = kezhi_core::segment::complete::Vocabulary::new(&data);
    println!("segment completions (vocabulary): {} ms", ms(t));
    drop(vocabulary);
    let rule = parse(RULE).expect("the race's rule parses");
    let columns = SegmentColumns::new(&settings);
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..=rounds {
        let t = Instant::now();
        count = Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns).count();
        times.push(ms(t));
    }
    // The first round builds the kept columns (the segment page's first query after a load).
    println!("segment: {count} match; first (columns built) then kept, ms: {times:?}");
    let mut times = Vec::new();
    let mut index = None;
    for _ in 0..rounds {
        let t = Instant::now();
        index = Some(EventIndex::build(&data));
        times.push(ms(t));
    }
    println!("event index, ms: {times:?}");
    let index = index.expect("at least one round");
    let (definition, options) = (purchase_funnel(), FunnelOptions::default());
    let mut times = Vec::new();
    let mut entered = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let result = funnel(&data, &index, &definition, &options).expect("the purchase funnel");
        times.push(ms(t));
        entered = result.stats.steps.iter().map(|s| s.reached).collect();
    }
    println!("purchase funnel {entered:?}, ms: {times:?}");
}
