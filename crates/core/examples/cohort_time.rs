//! Times the cohort table and one cell's customers on the demo (the analytics computed before,
//! as the app has them): `cargo run --release -p kezhi-core --example cohort_time [customers]`
//! (default 100,000). Prints the minimum and median of 15 runs.
use kezhi_core::cohort::{CohortOptions, cell_customers, compute};
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::metrics::{self, AnalyticsSettings};
use kezhi_core::time::china_offset;
use std::time::Instant;

fn timed(mut f: impl FnMut()) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[0], ms[ms.len() / 2])
}

fn main() {
    let size = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    let data = generate(&DemoConfig::new(size, end));
    let analytics = metrics::compute(&data, &AnalyticsSettings::default());
    let options = CohortOptions::new(china_offset());
    let table = compute(&data, &analytics, &options);
    println!(
        "{} customers, {} orders: {} cohorts, {} customers in them, {} periods",
        data.customers.len(),
        data.orders.len(),
        table.cohorts.len(),
        table.customers(),
        table.periods()
    );
    let (min, median) = timed(|| {
        std::hint::black_box(compute(&data, &analytics, &options));
    });
    println!("table: min {min:.1} ms, median {median:.1} ms");
    // For scale, on the same machine and load: the customer index every order pass needs, and
    // the full analytics.
    let (min, median) = timed(|| {
        std::hint::black_box(data.customer_positions());
    });
    println!("(customer positions alone: min {min:.1} ms, median {median:.1} ms)");
    let (min, median) = timed(|| {
        std::hint::black_box(metrics::compute(&data, &AnalyticsSettings::default()));
    });
    println!("(full analytics: min {min:.1} ms, median {median:.1} ms)");
    let tmall = CohortOptions {
        channel: Some("tmall"),
        ..options
    };
    let (min, median) = timed(|| {
        std::hint::black_box(compute(&data, &analytics, &tmall));
    });
    println!("table, one channel: min {min:.1} ms, median {median:.1} ms");
    let mut shuffled = data.clone();
    shuffled.orders.reverse();
    let (min, median) = timed(|| {
        std::hint::black_box(compute(&shuffled, &analytics, &options));
    });
    println!("table, orders out of time order: min {min:.1} ms, median {median:.1} ms");
    if let Some(first) = table.cohorts.first() {
        let month = first.month;
        let (min, median) = timed(|| {
            std::hint::black_box(cell_customers(&data, &analytics, &options, month, Some(1)));
        });
        println!("one cell's customers: min {min:.1} ms, median {median:.1} ms");
    }
}
