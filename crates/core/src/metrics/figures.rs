//! Per-customer order figures — paid orders, net spend, first and last order, AOV, median gap —
//! counted in one pass over the orders (the hot loop of `compute`).

use super::*;

/// Whether two metrics agree in everything a customer's orders give.
pub(super) fn same_order_figures(a: &CustomerMetrics, b: &CustomerMetrics) -> bool {
    (
        a.orders,
        a.total_spent,
        a.aov,
        a.first_order,
        a.last_order,
        a.median_gap_days,
    ) == (
        b.orders,
        b.total_spent,
        b.aov,
        b.first_order,
        b.last_order,
        b.median_gap_days,
    )
}

/// Counts the paid orders, net spend, first and last order, average order value and median
/// gap of the customers at the positions `recount` yields (their metrics start at the
/// default); orders of other customers are skipped.
pub(super) fn order_figures(
    data: &Dataset,
    settings: &AnalyticsSettings,
    out: &mut [CustomerMetrics],
    recount: impl IntoIterator<Item = usize>,
) {
    let offset = settings.offset();
    let n = out.len();
    // Each paid order's customer position and local day, then grouped by customer with a
    // counting sort: one buffer for all the days instead of a vector per customer (100,000
    // small vectors and their regrowth were a fifth of the time in wasm).
    let mut paid: Vec<(u32, i64)> = Vec::with_capacity(data.orders.len());
    let mut starts = vec![0u32; n + 1];
    order_sums(data, out, recount, |position, o| {
        paid.push((position, o.ordered_at.local_day(offset)));
        if let Some(s) = starts.get_mut(position as usize + 1) {
            *s += 1;
        }
    });
    for k in 1..=n {
        starts[k] += starts[k - 1];
    }
    let mut days = vec![0i64; paid.len()];
    let mut next = starts.clone();
    for &(i, day) in &paid {
        let slot = &mut next[i as usize];
        days[*slot as usize] = day;
        *slot += 1;
    }
    drop(paid);
    let mut gaps: Vec<i64> = Vec::new();
    for (k, m) in out.iter_mut().enumerate() {
        let days = &mut days[starts[k] as usize..starts[k + 1] as usize];
        if days.is_empty() {
            continue;
        }
        m.aov = Some(div_round_i64(m.total_spent, i64::from(m.orders)));
        days.sort_unstable();
        gaps.clear();
        gaps.extend(days.windows(2).map(|w| w[1] - w[0]));
        gaps.sort_unstable();
        m.median_gap_days = match gaps.len() {
            0 => None,
            n if n % 2 == 1 => Some(gaps[n / 2]),
            n => Some((gaps[n / 2 - 1] + gaps[n / 2]).div_euclid(2)),
        };
    }
}

/// Paid orders, net spend and first and last paid order of the customers at the positions
/// `recount` yields, added to `out`; `on_paid` hears of each of their paid orders with the
/// customer's position.
pub(super) fn order_sums(
    data: &Dataset,
    out: &mut [CustomerMetrics],
    recount: impl IntoIterator<Item = usize>,
    mut on_paid: impl FnMut(u32, &Order),
) {
    // The sums live in the table that finds an order's customer: a million orders land on
    // customers in random order, and finding the customer and then its row elsewhere was two
    // cache misses per order (most of the time, in `perf`); one 48-byte entry is one.
    #[derive(Clone, Copy)]
    struct Sums {
        position: u32,
        orders: u32,
        spent: Cents,
        first: i64,
        last: i64,
    }
    let recount = recount.into_iter();
    let mut sums: rustc_hash::FxHashMap<uuid::Uuid, Sums> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(recount.size_hint().0, Default::default());
    for i in recount {
        if let (Some(c), Ok(position)) = (data.customers.get(i), u32::try_from(i)) {
            let fresh = Sums {
                position,
                orders: 0,
                spent: 0,
                first: i64::MAX,
                last: i64::MIN,
            };
            sums.insert(c.id, fresh);
        }
    }
    for o in &data.orders {
        let Some(s) = sums.get_mut(&o.customer_id) else {
            continue;
        };
        match o.status {
            OrderStatus::Paid => {
                s.orders += 1;
                s.spent += o.amount_cents;
                s.first = s.first.min(o.ordered_at.0);
                s.last = s.last.max(o.ordered_at.0);
                on_paid(s.position, o);
            }
            OrderStatus::Refunded => s.spent -= o.amount_cents,
        }
    }
    for s in sums.values() {
        let Some(m) = out.get_mut(s.position as usize) else {
            continue;
        };
        m.orders += s.orders;
        m.total_spent += s.spent;
        if s.orders > 0 {
            m.first_order = Some(Timestamp(s.first));
            m.last_order = Some(Timestamp(s.last));
        }
    }
}
