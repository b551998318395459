//! Runs the full analytics of the race (100,000 customers, 1,000,000 orders) over and over, to
//! profile `metrics::compute` alone: `cargo run --release -p kezhi-core --example
//! analytics_profile` (under `perf record`, or with ROUNDS=… for a time per round).
use kezhi_core::demo::{DemoConfig, extend_order_history, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use std::time::Instant;

fn main() {
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let mut data = generate(&DemoConfig::new(100_000, end));
    extend_order_history(&mut data, 1_000_000);
    let settings = AnalyticsSettings::default();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut times = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let a = compute(&data, &settings);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(a.customers.len());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "compute, 100k customers × 1M orders: min {:.1} ms, median {:.1} ms",
        times[0],
        times[times.len() / 2]
    );
}
