//! Prints how many customers of the default demo ending on a date match a segment query —
//! what the end-to-end test compares the segment page's count with.
//! `cargo run -p kezhi-core --example segment_count -- 2026-11-22 'orders >= 2'`
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::segment::{count_matches, parse};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(end), Some(query)) = (
        args.next()
            .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        args.next(),
    ) else {
        eprintln!("usage: segment_count YYYY-MM-DD QUERY");
        std::process::exit(2);
    };
    let tree = match parse(&query) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let data = generate(&DemoConfig::new(DEMO_SIZES[0], end));
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    println!("{}", count_matches(&data, &analytics, &settings, &tree));
}
