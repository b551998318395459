//! Prints, as JSON, a segment of the default demo ending on a date against the rest, counted the
//! plain way (`tests/reference/compare.rs`, not `segment::compare`) — what the end-to-end test
//! compares the comparison view's hooks with. Rates as the view writes them: shares with six
//! decimals, differences in percentage points with four.
//! `cargo run -p kezhi-core --example segment_compare -- 2026-11-22 'city IN ("上海", "北京")'`

#[path = "../tests/reference/compare.rs"]
mod reference;

use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::funnel::EventIndex;
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::segment::{membership, parse};
use reference::Figures;

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "\"\"".into(), |r| format!("\"{r:.6}\""))
}

fn side(f: &Figures, tiers: &[String]) -> String {
    let rf: Vec<String> =
        f.rf.iter()
            .map(|((r, fs), (n, _))| format!("\"{r},{fs}\":{n}"))
            .collect();
    let stages: Vec<String> = f
        .stages
        .iter()
        .map(|(s, n)| format!("\"{s}\":{n}"))
        .collect();
    let tiers: Vec<String> = tiers
        .iter()
        .enumerate()
        .map(|(t, code)| format!("\"{code}\":{}", f.tiers.get(&(t as u8)).unwrap_or(&0)))
        .collect();
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    format!(
        "{{\"customers\":{},\"buyers\":{},\"paid_orders\":{},\"net_spend\":{},\"aov\":{},\"repeat_rate\":{},\"rf\":{{{}}},\"stages\":{{{}}},\"tiers\":{{{}}},\"purchase\":[{}],\"repurchase\":[{}]}}",
        f.customers,
        f.buyers,
        f.paid_orders,
        f.net_spend,
        f.aov.map_or_else(|| "\"\"".into(), |a| format!("\"{a}\"")),
        rate(f.repeat_rate),
        rf.join(","),
        stages.join(","),
        tiers.join(","),
        list(&f.purchase),
        list(&f.repurchase),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(end), Some(query)) = (
        args.next()
            .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        args.next(),
    ) else {
        eprintln!("usage: segment_compare YYYY-MM-DD QUERY");
        std::process::exit(2);
    };
    let tree = match parse(&query) {
        Ok(t) => t.normalize(),
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let data = generate(&DemoConfig::new(DEMO_SIZES[0], end));
    let settings = AnalyticsSettings::default();
    let analytics = compute(&data, &settings);
    let index = EventIndex::build(&data);
    let rows = match membership::select(&data, &analytics, &settings, &tree, &[]) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let mut member = vec![false; data.customers.len()];
    for p in rows {
        member[p] = true;
    }
    let segment = reference::figures(&data, &analytics, &index, &member, true);
    let rest = reference::figures(&data, &analytics, &index, &member, false);
    let points = match (segment.repeat_rate, rest.repeat_rate) {
        (Some(a), Some(b)) => format!("\"{:.4}\"", (a - b) * 100.0),
        _ => "\"\"".into(),
    };
    let tiers: Vec<String> = analytics.tiers.iter().map(|t| t.code.clone()).collect();
    println!(
        "{{\"segment\":{},\"rest\":{},\"repeat_rate_points\":{points}}}",
        side(&segment, &tiers),
        side(&rest, &tiers)
    );
}
