//! Prints a funnel over the default demo ending on a date, one line per step:
//! `event count rate`, the rate from step 1 with four decimals — what the end-to-end test
//! compares the Funnels page with.
//!
//! `cargo run -p kezhi-core --example funnel_steps -- 2026-11-22 visit,view,add_to_cart,checkout,pay 1 day [strict]`
//!
//! Steps may carry filters in the URL form's syntax, e.g. `view(category.phone)`.
use kezhi_core::demo::{DEMO_SIZES, DemoConfig, generate};
use kezhi_core::funnel::{
    EventIndex, FunnelDefinition, FunnelError, FunnelOptions, OrderMode, WindowUnit, compute,
};

const USAGE: &str = "usage: funnel_steps YYYY-MM-DD STEP,STEP[,…] N minute|hour|day [strict]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(definition) = parse_args(&args) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let definition = match definition {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let Some(end) = args
        .first()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let data = generate(&DemoConfig::new(DEMO_SIZES[0], end));
    let index = EventIndex::build(&data);
    let result = match compute(&data, &index, &definition, &FunnelOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    for (i, step) in definition.steps.iter().enumerate() {
        let name = FunnelDefinition {
            steps: vec![step.clone()],
            ..definition.clone()
        }
        .to_url();
        // The step alone in URL form: its event and filters, without the window.
        let name = name.split('!').next().unwrap_or_default();
        println!(
            "{name} {} {:.4}",
            result.stats.reached(i),
            result.stats.conversion_from_first(i)
        );
    }
}

/// The definition from the arguments after the date; `None` when they do not fit at all.
fn parse_args(args: &[String]) -> Option<Result<FunnelDefinition, FunnelError>> {
    let [_, steps, value, unit, rest @ ..] = args else {
        return None;
    };
    let value: u32 = value.parse().ok()?;
    let unit = match unit.trim_end_matches('s') {
        "minute" | "min" | "m" => WindowUnit::Minute,
        "hour" | "h" => WindowUnit::Hour,
        "day" | "d" => WindowUnit::Day,
        _ => return None,
    };
    let mode = match rest {
        [] => OrderMode::Sequential,
        [m] if m == "strict" => OrderMode::Strict,
        [m] if m == "sequential" || m == "seq" => OrderMode::Sequential,
        _ => return None,
    };
    // The steps are read by the URL form's parser, so filters work the same way.
    let text = format!("{}!{value}{}", steps.replace(',', "~"), unit.letter());
    Some(FunnelDefinition::from_url(&text).map(|d| FunnelDefinition { mode, ..d }))
}
