//! What the browser benchmark (tests/bench/browser.mjs) reads through the wasm exports: the
//! bytes the app holds on its heap (`heap_now`, `heap_peak` — the browser only shows the size
//! of wasm memory, which never shrinks) and timings of the core at scale (`bench_metrics`).
//! Nothing in the app calls these. Compiled only with the `bench` feature (scripts/build.sh
//! --bench, into dist-bench/): the counting allocator below is then the app's allocator.
//! [`race`]: the race against DuckDB-WASM (tests/bench/peer/race.mjs). [`SCALE_DEMO`]: the
//! demo Settings offers only here, for tests/bench/scale.mjs (issue 17).

mod race;

use kezhi_core::heap_count::{self, Counting};
use wasm_bindgen::prelude::wasm_bindgen;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Customers of the demo tests/bench/scale.mjs loads through Settings (`load-demo-500000`), as a
/// user would have them: stored in IndexedDB, then loaded back (issue 17).
pub const SCALE_DEMO: usize = 500_000;

/// The events that demo keeps: the generator writes ~25 a customer, 12.7 M at 500,000; issue
/// 17's promise is about 10 M.
pub const SCALE_EVENTS: usize = 10_000_000;

/// A generated demo with its events cut to the most recent [`SCALE_EVENTS`] (smaller demos
/// have fewer and are left as they are). The cut's slack is given back: wasm memory never
/// shrinks, but the allocator can reuse it for what is built next.
pub fn cut_scale_demo(mut data: kezhi_core::Dataset) -> kezhi_core::Dataset {
    if data.events.len() > SCALE_EVENTS {
        kezhi_core::demo::keep_recent_events(&mut data, SCALE_EVENTS);
        data.events.shrink_to_fit();
    }
    data
}

/// Bytes allocated now.
#[wasm_bindgen]
pub fn heap_now() -> f64 {
    heap_count::now() as f64
}

/// The most bytes allocated at once so far.
#[wasm_bindgen]
pub fn heap_peak() -> f64 {
    heap_count::peak() as f64
}

/// Milliseconds this browser takes to compute every customer's metrics for the demo of
/// `customers` with its order history lengthened to `orders` (e.g. 100,000 × 1,000,000). The
/// data is generated first and dropped after; call it on a page of its own.
#[wasm_bindgen]
pub fn bench_metrics(customers: u32, orders: u32) -> f64 {
    use kezhi_core::demo::{DemoConfig, extend_order_history, generate};
    use kezhi_core::metrics::{AnalyticsSettings, compute};
    let Some(end) = chrono::NaiveDate::from_ymd_opt(2026, 10, 31) else {
        return f64::NAN;
    };
    let mut data = generate(&DemoConfig::new(customers as usize, end));
    extend_order_history(&mut data, orders as usize);
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return f64::NAN;
    };
    let start = performance.now();
    let analytics = compute(&data, &AnalyticsSettings::default());
    let elapsed = performance.now() - start;
    std::hint::black_box(&analytics);
    elapsed
}

/// Milliseconds this browser takes for the 10-condition segment of the core's benchmark
/// ([`race::SEGMENT_RULE`]) over the demo of `customers` with its order history lengthened to
/// `orders`, its analytics computed first (untimed, as the app holds them). `kept`: the
/// segment's columns are built by an untimed first query and kept (the segment page's case,
/// one query per keystroke over unchanged data); otherwise built inside the timed query.
/// Generates its own data; call it on a page of its own.
#[wasm_bindgen]
pub fn bench_segment(customers: u32, orders: u32, kept: bool) -> f64 {
    use kezhi_core::demo::{DemoConfig, extend_order_history, generate};
    use kezhi_core::metrics::{AnalyticsSettings, compute};
    use kezhi_core::segment::{Matcher, SegmentColumns, parse};
    let (Some(end), Some(performance), Ok(rule)) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
        web_sys::window().and_then(|w| w.performance()),
        parse(race::SEGMENT_RULE),
    ) else {
        return f64::NAN;
    };
    let mut data = generate(&DemoConfig::new(customers as usize, end));
    extend_order_history(&mut data, orders as usize);
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let columns = SegmentColumns::new(&settings);
    if kept {
        let warm = Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns);
        std::hint::black_box(warm.count());
    }
    let start = performance.now();
    let count = if kept {
        Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns).count()
    } else {
        Matcher::new(&data, &analytics, &settings, &rule).count()
    };
    let elapsed = performance.now() - start;
    std::hint::black_box(count);
    elapsed
}

/// Milliseconds this browser takes for the 5-step purchase funnel over the demo of
/// `customers` cut to its first `events` events (e.g. 100,000 × 1,000,000): the event index
/// (built once per data change) when `what` is 0, the funnel when 1, the funnel split 5 ways
/// when 2. Generates its own data; call it on a page of its own.
#[wasm_bindgen]
pub fn bench_funnel(customers: u32, events: u32, what: u32) -> f64 {
    use kezhi_core::demo::{DemoConfig, generate};
    use kezhi_core::funnel::{
        EventIndex, FunnelOptions, compute, compute_breakdown, purchase_funnel,
    };
    let (Some(end), Some(performance)) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
        web_sys::window().and_then(|w| w.performance()),
    ) else {
        return f64::NAN;
    };
    let mut data = generate(&DemoConfig::new(customers as usize, end));
    // The same cut as the native benchmark (crates/core/benches/funnels.rs).
    kezhi_core::demo::keep_recent_events(&mut data, events as usize);
    let definition = purchase_funnel();
    let options = FunnelOptions::default();
    let start = performance.now();
    let index = EventIndex::build(&data);
    if what == 0 {
        return performance.now() - start;
    }
    // By channel, as the native benchmark: six channels, so the top five and "other".
    let (keys, _) = kezhi_core::funnel::split_keys(
        &data,
        &kezhi_core::metrics::Analytics::default(),
        kezhi_core::funnel::SplitBy::Channel,
    );
    let start = performance.now();
    let ok = if what == 1 {
        compute(&data, &index, &definition, &options).map(|r| r.stats.entered())
    } else {
        compute_breakdown(&data, &index, &definition, &options, &keys, 5)
            .map(|b| b.total.stats.entered())
    };
    let elapsed = performance.now() - start;
    std::hint::black_box(ok.ok());
    elapsed
}

/// Milliseconds this browser takes for today's list (`kezhi_core::today::today_list`) over the
/// demo of `customers` on the day after it ends: everyone's when `manager` is 0, else the
/// `manager`-th account manager's (in name order). The analytics are computed first, untimed,
/// as the app holds them; generates its own data: call it on a page of its own.
#[wasm_bindgen]
pub fn bench_today(customers: u32, manager: u32) -> f64 {
    use kezhi_core::demo::{DemoConfig, generate};
    use kezhi_core::metrics::{AnalyticsSettings, compute};
    use kezhi_core::today::{Whose, managers, today_list};
    let (Some(end), Some(performance)) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
        web_sys::window().and_then(|w| w.performance()),
    ) else {
        return f64::NAN;
    };
    let data = generate(&DemoConfig::new(customers as usize, end));
    let analytics = compute(&data, &AnalyticsSettings::default());
    let whose = match manager {
        0 => Whose::Everyone,
        k => match managers(&data).get(k as usize - 1) {
            Some(m) => Whose::Manager(*m),
            None => return f64::NAN,
        },
    };
    let day = end + chrono::Duration::days(1);
    let offset = kezhi_core::time::china_offset();
    let start = performance.now();
    let items = today_list(&data, &analytics, whose, day, offset);
    let elapsed = performance.now() - start;
    std::hint::black_box(items.len());
    elapsed
}
