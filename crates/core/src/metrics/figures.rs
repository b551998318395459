//! Per-customer order figures — paid orders, net spend, first and last order, AOV, median gap —
//! counted in one pass over the orders (the hot loop of `compute`), in steps of bounded work
//! so that the app can count half a million customers' figures between paints.

use super::*;
use rustc_hash::FxHashMap;
use std::collections::hash_map;

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
/// gap of the customers at the positions `recount` lists into `out`, which is as long as that
/// list (the `k`-th listed customer's into `out[k]`; their metrics start at the default);
/// orders of other customers are skipped.
pub(super) fn order_figures(
    data: &Dataset,
    settings: &AnalyticsSettings,
    out: &mut [CustomerMetrics],
    recount: Recount,
) {
    let mut figures = OrderFigures::new(settings, out.len(), recount, true);
    while !figures.step(data, out, usize::MAX) {}
}

/// Paid orders, net spend and first and last paid order of the customers `recount` lists,
/// added to `out` (the RFM subset: no days, no gaps).
pub(super) fn order_sums(
    data: &Dataset,
    settings: &AnalyticsSettings,
    out: &mut [CustomerMetrics],
    recount: Recount,
) {
    let mut figures = OrderFigures::new(settings, out.len(), recount, false);
    while !figures.step(data, out, usize::MAX) {}
}

/// Which customers' figures to count.
pub(super) enum Recount {
    /// Everybody (positions `0..n`).
    All,
    /// These positions.
    Some(Vec<usize>),
}

/// The sums of one customer's orders. They live in the table that finds an order's customer:
/// a million orders land on customers in random order, and finding the customer and then its
/// row elsewhere was two cache misses per order (most of the time, in `perf`); one 48-byte
/// entry is one.
#[derive(Clone, Copy)]
struct Sums {
    position: u32,
    orders: u32,
    spent: Cents,
    first: i64,
    last: i64,
}

/// Where the count is: each phase goes over its items in steps.
enum Phase {
    /// Putting the recounted customers into the table (cursor over `recount`).
    Table(usize),
    /// Going over the orders (cursor over `data.orders`).
    Orders(usize),
    /// Writing the sums into the metrics, then the paid days' offsets per customer.
    Sums(hash_map::IntoIter<uuid::Uuid, Sums>),
    /// Grouping the paid days by customer (cursor over `paid`).
    Days(usize),
    /// Each customer's AOV and median gap (cursor over the customers).
    Gaps(usize),
    Done,
}

/// The order figures counted a bounded number of items (customers or orders) at a time; the
/// data must stay the same from the first step to the last.
pub(super) struct OrderFigures {
    offset: FixedOffset,
    recount: Recount,
    /// Whether to count the days (AOV, median gap) too, not only the sums.
    with_days: bool,
    phase: Phase,
    sums: FxHashMap<uuid::Uuid, Sums>,
    /// Each paid order's customer position and local day; then grouped by customer with a
    /// counting sort into `days`: one buffer for all the days instead of a vector per
    /// customer (100,000 small vectors and their regrowth were a fifth of the time in wasm).
    /// Days as `i32` (±5.8 million years; a day beyond, which no date parsed here reaches,
    /// counts as the last one): half the bytes of `i64`, and these buffers are held while the
    /// analytics of a load are counted, when the tab holds the most.
    paid: Vec<(u32, i32)>,
    starts: Vec<u32>,
    next: Vec<u32>,
    days: Vec<i32>,
    gaps: Vec<i64>,
}

impl OrderFigures {
    /// For metrics `n` long.
    pub(super) fn new(
        settings: &AnalyticsSettings,
        n: usize,
        recount: Recount,
        with_days: bool,
    ) -> Self {
        let expected = match &recount {
            Recount::All => n,
            Recount::Some(positions) => positions.len(),
        };
        OrderFigures {
            offset: settings.offset(),
            recount,
            with_days,
            phase: Phase::Table(0),
            sums: FxHashMap::with_capacity_and_hasher(expected, Default::default()),
            paid: Vec::new(),
            starts: if with_days {
                vec![0; n + 1]
            } else {
                Vec::new()
            },
            next: Vec::new(),
            days: Vec::new(),
            gaps: Vec::new(),
        }
    }

    /// Counts about `budget` more items into `out`; true when all is counted.
    pub(super) fn step(
        &mut self,
        data: &Dataset,
        out: &mut [CustomerMetrics],
        budget: usize,
    ) -> bool {
        let budget = budget.max(1);
        match &mut self.phase {
            Phase::Table(from) => {
                let from = *from;
                let total = match &self.recount {
                    Recount::All => out.len(),
                    Recount::Some(positions) => positions.len(),
                };
                let to = total.min(from.saturating_add(budget));
                for k in from..to {
                    let i = match &self.recount {
                        Recount::All => k,
                        Recount::Some(positions) => positions[k],
                    };
                    // The figures go to `out[k]`: `out` is as long as the list recounted
                    // (`k` is `i` when everybody is).
                    if let (Some(c), Ok(position)) = (data.customers.get(i), u32::try_from(k)) {
                        let fresh = Sums {
                            position,
                            orders: 0,
                            spent: 0,
                            first: i64::MAX,
                            last: i64::MIN,
                        };
                        self.sums.insert(c.id, fresh);
                    }
                }
                self.phase = if to == total {
                    if self.with_days {
                        self.paid.reserve(data.orders.len());
                    }
                    Phase::Orders(0)
                } else {
                    Phase::Table(to)
                };
            }
            Phase::Orders(from) => {
                let from = *from;
                let orders = data.orders.get(from..).unwrap_or_default();
                let orders = &orders[..orders.len().min(budget)];
                for o in orders {
                    let Some(s) = self.sums.get_mut(&o.customer_id) else {
                        continue;
                    };
                    match o.status {
                        OrderStatus::Paid => {
                            s.orders += 1;
                            s.spent += o.amount_cents;
                            s.first = s.first.min(o.ordered_at.0);
                            s.last = s.last.max(o.ordered_at.0);
                            if self.with_days {
                                let day = o.ordered_at.local_day(self.offset);
                                let day = i32::try_from(day).unwrap_or(if day < 0 {
                                    i32::MIN
                                } else {
                                    i32::MAX
                                });
                                self.paid.push((s.position, day));
                            }
                        }
                        OrderStatus::Refunded => s.spent -= o.amount_cents,
                    }
                }
                let to = from + orders.len();
                self.phase = if to >= data.orders.len() {
                    Phase::Sums(std::mem::take(&mut self.sums).into_iter())
                } else {
                    Phase::Orders(to)
                };
            }
            Phase::Sums(entries) => {
                for (_, s) in entries.by_ref().take(budget) {
                    let Some(m) = out.get_mut(s.position as usize) else {
                        continue;
                    };
                    m.orders += s.orders;
                    m.total_spent += s.spent;
                    // How many paid days the customer has (summed up below into where they
                    // start in `days`): counted here once per customer, not per order in
                    // the orders' loop, where it was a tenth of the time.
                    if let Some(n) = self.starts.get_mut(s.position as usize + 1) {
                        *n = s.orders;
                    }
                    if s.orders > 0 {
                        m.first_order = Some(Timestamp(s.first));
                        m.last_order = Some(Timestamp(s.last));
                    }
                }
                if entries.len() == 0 {
                    self.phase = if self.with_days {
                        for k in 1..self.starts.len() {
                            self.starts[k] += self.starts[k - 1];
                        }
                        self.days = vec![0; self.paid.len()];
                        self.next = self.starts.clone();
                        Phase::Days(0)
                    } else {
                        Phase::Done
                    };
                }
            }
            Phase::Days(from) => {
                let from = *from;
                let to = self.paid.len().min(from.saturating_add(budget));
                for &(i, day) in &self.paid[from..to] {
                    let slot = &mut self.next[i as usize];
                    self.days[*slot as usize] = day;
                    *slot += 1;
                }
                self.phase = if to == self.paid.len() {
                    self.paid = Vec::new();
                    self.next = Vec::new();
                    Phase::Gaps(0)
                } else {
                    Phase::Days(to)
                };
            }
            Phase::Gaps(from) => {
                let from = *from;
                let to = out.len().min(from.saturating_add(budget));
                for (k, m) in out.iter_mut().enumerate().take(to).skip(from) {
                    let (Some(&start), Some(&end)) = (self.starts.get(k), self.starts.get(k + 1))
                    else {
                        continue;
                    };
                    let days = &mut self.days[start as usize..end as usize];
                    if days.is_empty() {
                        continue;
                    }
                    m.aov = Some(div_round_i64(m.total_spent, i64::from(m.orders)));
                    days.sort_unstable();
                    self.gaps.clear();
                    self.gaps
                        .extend(days.windows(2).map(|w| i64::from(w[1]) - i64::from(w[0])));
                    self.gaps.sort_unstable();
                    let gaps = &self.gaps;
                    m.median_gap_days = match gaps.len() {
                        0 => None,
                        n if n % 2 == 1 => Some(gaps[n / 2]),
                        n => Some((gaps[n / 2 - 1] + gaps[n / 2]).div_euclid(2)),
                    };
                }
                self.phase = if to == out.len() {
                    Phase::Done
                } else {
                    Phase::Gaps(to)
                };
            }
            Phase::Done => {}
        }
        matches!(self.phase, Phase::Done)
    }
}
