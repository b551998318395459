//! Runs the race's 10-condition segment (100,000 customers, 1,000,000 orders) over and over,
//! to profile the segment alone: `cargo run --release -p kezhi-core --example segment_profile`
//! (under `perf record`, or with ROUNDS=… for a time per round). KEPT=0 builds the columns in
//! every query; otherwise they are built once and kept (the segment page's case).
use kezhi_core::demo::{DemoConfig, extend_order_history, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::segment::{Matcher, SegmentColumns, parse};
use std::time::Instant;

/// The rule of the race (src/bench_hooks/race.rs) and of benches/core.rs.
const RULE: &str = r#"total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP")) AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户") AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY"#;

fn main() {
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let mut data = generate(&DemoConfig::new(100_000, end));
    extend_order_history(&mut data, 1_000_000);
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let rule = parse(RULE).expect("the race's rule parses");
    let env = |k: &str| std::env::var(k).ok();
    let rounds: usize = env("ROUNDS").and_then(|r| r.parse().ok()).unwrap_or(200);
    let kept = env("KEPT").as_deref() != Some("0");
    let columns = SegmentColumns::new(&settings);
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..=rounds {
        let t = Instant::now();
        count = if kept {
            Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns).count()
        } else {
            Matcher::new(&data, &analytics, &settings, &rule).count()
        };
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // The first kept round builds the columns.
    let first = times.remove(0);
    times.sort_by(f64::total_cmp);
    println!(
        "segment ({}), 100k customers: {count} match; first {first:.2} ms, then min {:.2} ms, median {:.2} ms",
        if kept {
            "columns kept"
        } else {
            "columns built"
        },
        times[0],
        times[times.len() / 2]
    );
}
