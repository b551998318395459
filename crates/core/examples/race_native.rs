//! kezhi's side of the native race against DuckDB (tests/bench/peer/native.py runs both):
//! generates the race's data — the 100,000-customer demo with its order history lengthened to
//! 1,000,000 orders, as the browser race and benches/core.rs do —, writes it as CSV into the
//! folder given (with kezhi's RFM answer, to check DuckDB's against), then answers one timed
//! question per line read from standard input: `rfm` (F, M, R and the three scores alone,
//! `metrics::rfm`) or `full` (every customer's analytics, `metrics::compute`), printing the
//! milliseconds. The script interleaves the two engines' rounds this way.
//!
//! `cargo run --release -p kezhi-core --example race_native -- /tmp/race`
use kezhi_core::demo::{DemoConfig, extend_order_history, generate, peer_csv};
use kezhi_core::metrics::{AnalyticsSettings, CustomerMetrics, compute, rfm};
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: race_native FOLDER");
        std::process::exit(2);
    };
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let mut data = generate(&DemoConfig::new(100_000, end));
    extend_order_history(&mut data, 1_000_000);
    let settings = AnalyticsSettings::default();
    std::fs::create_dir_all(&dir)?;
    for table in ["customers", "orders"] {
        std::fs::write(format!("{dir}/{table}.csv"), peer_csv(&data, table))?;
    }
    std::fs::write(
        format!("{dir}/kezhi_rfm.csv"),
        answer(&rfm(&data, &settings)),
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let start = Instant::now();
        let done = match line?.trim() {
            "rfm" => rfm(&data, &settings).len(),
            "full" => compute(&data, &settings).customers.len(),
            _ => break,
        };
        let ms = start.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(done);
        writeln!(out, "{ms:.3}")?;
        out.flush()?;
    }
    Ok(())
}

/// cid, f, m, recency, rs, fs, ms per customer in position order (empty for none), as DuckDB's
/// query answers.
fn answer(metrics: &[CustomerMetrics]) -> String {
    let mut s = String::from("cid,f,m,recency,rs,fs,ms\n");
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (i, m) in metrics.iter().enumerate() {
        let _ = writeln!(
            s,
            "{i},{},{},{},{},{},{}",
            m.orders,
            m.total_spent,
            opt(m.recency_days),
            opt(m.r.map(i64::from)),
            opt(m.f.map(i64::from)),
            opt(m.m.map(i64::from)),
        );
    }
    s
}
