//! The race against DuckDB-WASM (tests/bench/peer/race.mjs): the page asks for one dataset —
//! the demo of 100,000 customers with its order history lengthened to 1,000,000 orders and
//! its events cut to the most recent 1,000,000, as the core's benchmarks do — writes it out
//! as CSV for DuckDB, then times kezhi's answer to each of the three questions and hands the
//! results over, so the script can check both engines agree customer by customer.
//!
//! The data lives in this module between calls (generating it is not what is raced).

use kezhi_core::Dataset;
use kezhi_core::funnel::{EventIndex, FunnelOptions, compute as funnel, purchase_funnel};
use kezhi_core::metrics::{Analytics, AnalyticsSettings, compute};
use kezhi_core::model::{RfmGroup, Stage};
use kezhi_core::segment::{Group, Matcher, SegmentColumns, parse};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

/// The 10-condition nested rule of the core's benchmark (crates/core/benches/core.rs).
pub const SEGMENT_RULE: &str = r#"total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP")) AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户") AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY"#;

struct Race {
    data: Dataset,
    settings: AnalyticsSettings,
    analytics: Analytics,
    rule: Group,
    /// Kept between segment queries, as the segment page keeps them per data change.
    columns: SegmentColumns,
    members: Vec<usize>,
    furthest: Vec<u8>,
}

thread_local! {
    static RACE: RefCell<Option<Race>> = const { RefCell::new(None) };
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(f64::NAN, |p| p.now())
}

/// Generates the race's data (untimed): `customers` with `orders` orders and the most recent
/// `events` events. False if the date or the rule cannot be made (they are constants).
#[wasm_bindgen]
pub fn race_prepare(customers: u32, orders: u32, events: u32) -> bool {
    use kezhi_core::demo::{DemoConfig, extend_order_history, generate, keep_recent_events};
    let (Some(end), Ok(rule)) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
        parse(SEGMENT_RULE),
    ) else {
        return false;
    };
    let mut data = generate(&DemoConfig::new(customers as usize, end));
    extend_order_history(&mut data, orders as usize);
    keep_recent_events(&mut data, events as usize);
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let columns = SegmentColumns::new(&settings);
    // The "columns kept" rounds time the query after one that built them (the segment page's
    // next keystroke), so a first, untimed query builds them here.
    std::hint::black_box(
        Matcher::with_columns(&data, &analytics, &settings, &rule, None, &columns).count(),
    );
    RACE.with(|r| {
        *r.borrow_mut() = Some(Race {
            data,
            settings,
            analytics,
            rule,
            columns,
            members: Vec::new(),
            furthest: Vec::new(),
        })
    });
    true
}

fn with_race<T>(f: impl FnOnce(&mut Race) -> T, otherwise: T) -> T {
    RACE.with(|r| r.borrow_mut().as_mut().map_or(otherwise, f))
}

/// The race's query text (for the report).
#[wasm_bindgen]
pub fn race_segment_rule() -> String {
    SEGMENT_RULE.to_string()
}

/// One table of the data as CSV with a header: `customers` (cid, name, city, tags joined by
/// U+001F, stage_override), `orders` (cid, ordered_at, amount_cents, status) or `events`
/// (cid, occurred_at, kind). Customers are numbered by position (`cid`); times are UTC
/// milliseconds. Empty for another name or before `race_prepare`.
#[wasm_bindgen]
pub fn race_csv(table: &str) -> String {
    with_race(
        |r| kezhi_core::demo::peer_csv(&r.data, table),
        String::new(),
    )
}

/// Question (a): milliseconds to compute every customer's analytics (F, net M, R, the three
/// scores, RFM group, stage, tier — and the rest of `metrics::compute`: LTV, gaps…).
#[wasm_bindgen]
pub fn race_analytics() -> f64 {
    with_race(
        |r| {
            let start = now();
            let analytics = compute(&r.data, &r.settings);
            let elapsed = now() - start;
            r.analytics = analytics;
            elapsed
        },
        f64::NAN,
    )
}

/// The analytics' answer, 9 numbers per customer in position order: F, net M (cents), R
/// (days; -1 for none), R, F and M scores (0 for none), RFM group (index in `RfmGroup::ALL`,
/// -1 for none), stage (index in `Stage::ALL`, -1 for none), tier (its number).
#[wasm_bindgen]
pub fn race_analytics_columns() -> Vec<f64> {
    with_race(
        |r| {
            let mut out = Vec::with_capacity(r.analytics.customers.len() * 9);
            for m in r.analytics.customers.iter() {
                out.extend([
                    f64::from(m.orders),
                    m.total_spent as f64,
                    m.recency_days.map_or(-1.0, |d| d as f64),
                    f64::from(m.r.unwrap_or(0)),
                    f64::from(m.f.unwrap_or(0)),
                    f64::from(m.m.unwrap_or(0)),
                    m.group.map_or(-1.0, |g| index_of(&RfmGroup::ALL, g)),
                    m.stage.map_or(-1.0, |s| index_of(&Stage::ALL, s)),
                    m.tier.map_or(-1.0, |t| f64::from(t.0)),
                ]);
            }
            out
        },
        Vec::new(),
    )
}

fn index_of<T: PartialEq>(all: &[T], x: T) -> f64 {
    all.iter().position(|y| *y == x).map_or(-1.0, |k| k as f64)
}

/// Question (b): milliseconds to find the members of the 10-condition segment (bind and
/// evaluate). `kept`: with the columns kept from the previous query over the same data (the
/// segment page's case: one query per keystroke, the data unchanged); otherwise the columns
/// are built inside the timed query.
#[wasm_bindgen]
pub fn race_segment(kept: bool) -> f64 {
    with_race(
        |r| {
            let fresh;
            let columns = if kept {
                &r.columns
            } else {
                fresh = SegmentColumns::for_one_query(&r.settings);
                &fresh
            };
            let start = now();
            let matcher =
                Matcher::with_columns(&r.data, &r.analytics, &r.settings, &r.rule, None, columns);
            let count = matcher.count();
            let elapsed = now() - start;
            std::hint::black_box(count);
            r.members = matcher.matching();
            elapsed
        },
        f64::NAN,
    )
}

/// The segment's members (positions, ascending) found by the last `race_segment`.
#[wasm_bindgen]
pub fn race_segment_members() -> Vec<u32> {
    with_race(
        |r| r.members.iter().map(|&p| p as u32).collect(),
        Vec::new(),
    )
}

/// Question (c): milliseconds for the 5-step purchase funnel with a 1-day window: the event
/// index (built once per data change in the app) and the funnel, together.
#[wasm_bindgen]
pub fn race_funnel() -> f64 {
    with_race(
        |r| {
            let definition = purchase_funnel();
            let start = now();
            let index = EventIndex::build(&r.data);
            let result = funnel(&r.data, &index, &definition, &FunnelOptions::default());
            let elapsed = now() - start;
            r.furthest = result.map(|f| f.furthest).unwrap_or_default();
            elapsed
        },
        f64::NAN,
    )
}

/// Each customer's furthest funnel step (1-based, 0: not entered) from the last `race_funnel`.
#[wasm_bindgen]
pub fn race_funnel_furthest() -> Vec<u8> {
    with_race(|r| r.furthest.clone(), Vec::new())
}

/// Where question (a)'s time goes (tests/bench/peer/phases.mjs): the analytics counted by
/// the app's stepped builder with no budget, so that each step is one phase, each timed in
/// milliseconds — making the builder, then its steps in order (the order figures' phases, then
/// the comparison's: see `metrics::figures` and `metrics::compare`), then `finish`.
#[wasm_bindgen]
pub fn race_analytics_phases() -> Vec<f64> {
    with_race(
        |r| {
            let mut times = Vec::new();
            let start = now();
            let mut b = kezhi_core::metrics::AnalyticsBuilder::new(&r.data, &r.settings);
            times.push(now() - start);
            loop {
                let t = now();
                let done = b.step(&r.data, usize::MAX);
                times.push(now() - t);
                if done {
                    break;
                }
            }
            let t = now();
            r.analytics = b.finish(&r.data);
            times.push(now() - t);
            times
        },
        Vec::new(),
    )
}
