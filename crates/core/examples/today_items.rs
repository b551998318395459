//! Prints, as JSON, today's list the core makes for the default demo ending on a given date
//! (China time), on the day after: per account manager, the items as `[customer id, reason]`,
//! and everyone's count — what the end-to-end test (tests/e2e/today.test.mjs) compares the
//! Today page's hooks with.
//! `cargo run -p kezhi-core --example today_items -- 2026-11-22`
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::today::{Whose, managers, today_list};

fn main() {
    let Some(end) = std::env::args()
        .nth(1)
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
    else {
        eprintln!("usage: today_items YYYY-MM-DD (the demo's last day, China time)");
        std::process::exit(2);
    };
    let data = generate(&DemoConfig::new(DEMO_SIZES[0], end));
    let analytics = compute(&data, &AnalyticsSettings::default());
    let Some(today) = end.succ_opt() else {
        std::process::exit(2);
    };
    let offset = kezhi_core::time::china_offset();
    let list = |whose| {
        today_list(&data, &analytics, whose, today, offset)
            .iter()
            .filter_map(|i| {
                let c = data.customers.get(i.index)?;
                Some(format!("[\"{}\",\"{}\"]", c.id, i.reason.code()))
            })
            .collect::<Vec<_>>()
    };
    let per_manager: Vec<String> = managers(&data)
        .into_iter()
        .map(|m| format!("\"{}\":[{}]", m.as_str(), list(Whose::Manager(m)).join(",")))
        .collect();
    println!(
        "{{\"everyone\":{},\"managers\":{{{}}}}}",
        list(Whose::Everyone).len(),
        per_manager.join(",")
    );
}
