//! Ready-made funnels: the purchase funnel over behaviour events, the repurchase funnel over
//! orders, and the lifecycle stage funnel over the computed stages.

use super::compute::{FunnelOptions, FunnelResult};
use super::definition::{FunnelDefinition, FunnelError, MAX_STEPS, Window};
use super::path::Path;
use super::stats::Tally;
use crate::dataset::Dataset;
use crate::model::Stage;
use crate::model::{OrderStatus, event_type as et};
use crate::time::Timestamp;

/// A ready-made funnel (the funnel page's buttons, the comparison's choices). A code: the app
/// names it (`i18n::Localize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunnelTemplate {
    Purchase,
    Repurchase,
    Stages,
}

impl FunnelTemplate {
    pub fn code(self) -> &'static str {
        match self {
            FunnelTemplate::Purchase => "purchase",
            FunnelTemplate::Repurchase => "repurchase",
            FunnelTemplate::Stages => "stages",
        }
    }

    pub fn from_code(code: &str) -> Option<FunnelTemplate> {
        TEMPLATES.into_iter().find(|t| t.code() == code)
    }
}

/// The templates, in the order the page offers them.
pub const TEMPLATES: [FunnelTemplate; 3] = [
    FunnelTemplate::Purchase,
    FunnelTemplate::Repurchase,
    FunnelTemplate::Stages,
];

/// visit → view → add_to_cart → checkout → pay within one day, sequential, all time.
pub fn purchase_funnel() -> FunnelDefinition {
    FunnelDefinition::of_events(&et::FUNNEL, Window::days(1))
}

/// The repurchase funnel's two steps, as codes the app names (`i18n::Localize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RepurchaseStep {
    /// A customer's first paid order.
    First,
    /// Their next paid order.
    Second,
}

pub const REPURCHASE_STEPS: [RepurchaseStep; 2] = [RepurchaseStep::First, RepurchaseStep::Second];

/// The repurchase funnel: step 1 is a customer's first paid order (ever; with a range, only
/// customers whose first paid order falls in `[from, to)`), step 2 their next paid order at
/// most `within_days` days later. Refunded orders do not count. Orders at the same
/// millisecond are taken in the order of their ids. The result has two steps and the same
/// shape as an event funnel's, `unknown_customer_records` counting orders.
pub fn repurchase_funnel(
    data: &Dataset,
    within_days: u32,
    range: Option<(Timestamp, Timestamp)>,
    options: &FunnelOptions,
) -> Result<FunnelResult, FunnelError> {
    // Validated as a two-step funnel, so the same limits and messages apply.
    let check = FunnelDefinition {
        window: Window::days(within_days),
        range,
        ..FunnelDefinition::of_events(&["first_paid_order", "second_paid_order"], Window::days(1))
    };
    check.validate()?;
    let window = check.window.millis();
    let positions = data.customer_positions();
    // The first two paid orders of each customer, by (time, id) — not relying on the
    // orders' storage order.
    let mut firsts: Vec<[Option<(Timestamp, uuid::Uuid)>; 2]> =
        vec![[None, None]; data.customers.len()];
    let mut unknown = 0;
    for order in &data.orders {
        let Some(&p) = positions.get(&order.customer_id) else {
            unknown += 1;
            continue;
        };
        if order.status != OrderStatus::Paid {
            continue;
        }
        let key = Some((order.ordered_at, order.id));
        let [first, second] = &mut firsts[p];
        if first.is_none() || key < *first {
            *second = *first;
            *first = key;
        } else if second.is_none() || key < *second {
            *second = key;
        }
    }
    let mut tally = Tally::new(2, 0);
    let mut furthest = vec![0u8; data.customers.len()];
    for (p, pair) in firsts.iter().enumerate() {
        let [Some((t1, _)), second] = *pair else {
            continue;
        };
        if !check.in_range(t1) || !options.eligible(p) {
            continue;
        }
        let mut path = Path {
            reached: 1,
            times: [t1.0; MAX_STEPS],
            optional: 0,
        };
        if let Some((t2, _)) = second
            && t2.0.saturating_sub(t1.0) <= window
        {
            path.reached = 2;
            path.times[1] = t2.0;
        }
        furthest[p] = path.reached as u8;
        tally.add(&path, options.period_of(t1.0));
    }
    Ok(FunnelResult {
        stats: tally.finish(options.period),
        furthest,
        unknown_customer_records: unknown,
        ..FunnelResult::default()
    })
}

/// The stages of the lifecycle stage funnel, in order.
pub const STAGE_FUNNEL: [Stage; 4] = [
    Stage::Prospect,
    Stage::Developing,
    Stage::Growing,
    Stage::Mature,
];

/// How many customers stand at each stage of [`STAGE_FUNNEL`] now (a customer counts at
/// their own stage only; at-risk, churned and unknown stages are not on the path).
pub fn stage_funnel(stages: impl IntoIterator<Item = Option<Stage>>) -> [u32; 4] {
    let mut counts = [0; 4];
    for stage in stages.into_iter().flatten() {
        if let Some(i) = STAGE_FUNNEL.iter().position(|s| *s == stage) {
            counts[i] += 1;
        }
    }
    counts
}
