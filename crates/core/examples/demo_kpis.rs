//! Prints, as JSON, the dashboard KPIs the core computes for the default demo ending on a given
//! date — what the end-to-end test compares the dashboard's hooks with.
//! `cargo run -p kezhi-core --example demo_kpis -- 2026-11-22`
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::metrics::{AnalyticsSettings, churn_warnings, compute, kpis};
use kezhi_core::report::{DateRange, reports};

fn main() {
    let Some(end) = std::env::args()
        .nth(1)
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
    else {
        eprintln!("usage: demo_kpis YYYY-MM-DD (the demo's last day, China time)");
        std::process::exit(2);
    };
    let data = generate(&DemoConfig::new(DEMO_SIZES[0], end));
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let k = kpis(&analytics);
    let warnings = churn_warnings(&analytics).len();
    let all = reports(&data, &analytics, &settings, DateRange::default());
    let top = all.top.first().map_or(0, |t| t.gmv);
    let last_month = all.months.last().map_or(0, |m| m.gmv);
    println!(
        "{{\"customers\":{},\"buyers\":{},\"aov_cents\":{},\"repeat_rate\":{:.6},\"net_spend_cents\":{},\"churn_warnings\":{warnings},\"top_customer_cents\":{top},\"last_month_cents\":{last_month}}}",
        k.customers,
        k.buyers,
        k.aov.unwrap_or(0),
        k.repeat_rate.unwrap_or(0.0),
        k.net_spend
    );
}
