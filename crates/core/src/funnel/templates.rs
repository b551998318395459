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

/// A template: code, Chinese and English name.
pub const TEMPLATES: [(&str, &str, &str); 3] = [
    ("purchase", "购买漏斗", "Purchase funnel"),
    ("repurchase", "复购漏斗", "Repurchase funnel"),
    ("stages", "生命周期阶段", "Lifecycle stages"),
];

/// The purchase funnel's steps: event type, Chinese and English label.
pub const PURCHASE_STEPS: [(&str, &str, &str); 5] = [
    (et::VISIT, "访问", "Visit"),
    (et::VIEW, "浏览商品", "View item"),
    (et::ADD_TO_CART, "加购", "Add to cart"),
    (et::CHECKOUT, "下单", "Check out"),
    (et::PAY, "支付", "Pay"),
];

/// The label of a known event type (the purchase funnel's), in either language.
pub fn event_label(event: &str, chinese: bool) -> Option<&'static str> {
    PURCHASE_STEPS
        .iter()
        .find(|(e, _, _)| *e == event)
        .map(|&(_, zh, en)| if chinese { zh } else { en })
}

/// 访问 → 浏览商品 → 加购 → 下单 → 支付 within one day, sequential, all time.
pub fn purchase_funnel() -> FunnelDefinition {
    FunnelDefinition::of_events(&et::FUNNEL, Window::days(1))
}

/// The repurchase funnel's step labels.
pub const REPURCHASE_STEPS: [(&str, &str); 2] = [
    ("首次支付订单", "First paid order"),
    ("再次支付订单", "Second paid order"),
];

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
