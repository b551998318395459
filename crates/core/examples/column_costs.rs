//! Each field's column build at scale (temporary measure).
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::segment::{Matcher, SegmentColumns, parse};
use std::time::Instant;
fn main() {
    let n: usize = std::env::var("CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000);
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date");
    let data = generate(&DemoConfig::new(n, end));
    let settings = AnalyticsSettings::default();
    let t = Instant::now();
    let analytics = compute(&data, &settings);
    println!("analytics {:?}", t.elapsed());
    for rule in [
        "total_spent > 500",
        r#"city IN ("上海", "杭州", "北京")"#,
        r#"tags HAS ANY ("VIP")"#,
        "last_order_at WITHIN 365d",
        r#"lifecycle = "流失""#,
        r#"rfm_group = "一般挽留客户""#,
        "orders >= 2",
        "aov BETWEEN 50 AND 5000",
        r#"tier = "优质客户""#,
        "name IS NOT EMPTY",
    ] {
        let rule = parse(rule).expect("parses");
        let columns = SegmentColumns::new(&settings);
        let mut times = vec![];
        for _ in 0..3 {
            let t = Instant::now();
            let c =
                Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns).count();
            times.push((t.elapsed().as_secs_f64() * 1e4).round() / 10.0);
            let _ = c;
        }
        println!("{rule:?}: {times:?}");
    }
}
