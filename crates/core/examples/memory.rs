//! Heap held by the demo data, the analytics and the list index (native, 64-bit: wasm's
//! pointers are half as wide, so its figures are somewhat smaller):
//! `cargo run --release -p kezhi-core --example memory -- 100000`.
use kezhi_core::Timestamp;
use kezhi_core::customer_query::CustomerIndex;
use kezhi_core::demo::{DemoConfig, generate};
use kezhi_core::heap_count::{self, Counting};
use kezhi_core::metrics::AnalyticsSettings;
use kezhi_core::store::{MemoryStore, Repository};

#[global_allocator]
static A: Counting = Counting;

/// Prints the heap held now and the peak since the last report.
fn report(what: &str) {
    println!(
        "{what:<28} now {:>7.1} MB  peak {:>7.1} MB",
        heap_count::now() as f64 / 1e6,
        heap_count::peak() as f64 / 1e6
    );
    heap_count::reset_peak();
}

fn main() {
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
    println!(
        "sizes: customer {} order {} event {} activity {}",
        size_of::<kezhi_core::Customer>(),
        size_of::<kezhi_core::Order>(),
        size_of::<kezhi_core::Event>(),
        size_of::<kezhi_core::Activity>()
    );
    let data = generate(&DemoConfig::new(size, end));
    report("demo data");
    println!(
        "records: {} customers, {} orders, {} events, {} activities",
        data.customers.len(),
        data.orders.len(),
        data.events.len(),
        data.activities.len()
    );
    let with_activities: std::collections::HashSet<_> =
        data.activities.iter().map(|a| a.customer_id).collect();
    println!("customers with activities: {}", with_activities.len());
    drop(with_activities);
    heap_count::reset_peak();
    // As the app does with a demo: try to store it (the browser's quota stops it early).
    let mut data = data;
    let mut repo = Repository::new(MemoryStore::with_quota(5_242_880), "m");
    repo.capacity = Some(5_242_880);
    let saved = repo.replace_all(&mut data, "demo", Timestamp(0)).is_ok();
    report(&format!("+ save attempt (saved: {saved})"));
    drop(repo);
    let settings = AnalyticsSettings::default();
    let analytics = kezhi_core::metrics::compute(&data, &settings);
    report("+ analytics");
    let index = CustomerIndex::build(&data, &analytics);
    report("+ list index");
    std::hint::black_box(&index);
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
    let today = kezhi_core::today::today_list(&data, &analytics, Default::default(), end, offset);
    report(&format!("+ today ({} items)", today.len()));
    drop(today);
    // What each part holds: the heap given back when it is dropped.
    println!("held by:");
    let mut last = heap_count::now();
    let mut freed = |what: &str| {
        let now = heap_count::now();
        println!("  {what:<28} {:>7.1} MB", (last - now) as f64 / 1e6);
        last = now;
    };
    drop(index);
    freed("the list index");
    drop(analytics);
    freed("the analytics");
    data.events = Default::default();
    freed("events");
    data.orders = Vec::new();
    freed("orders");
    data.customers = Vec::new();
    freed("customers");
    data.activities = Vec::new();
    freed("activities");
    data.desk = Default::default();
    freed("desk (requests, campaigns…)");
    report("what is left");
}
