//! Per-customer order figures — paid orders, net spend, first and last order, AOV, median gap —
//! counted in one pass over the orders (the hot loop of `compute`), in steps of bounded work
//! so that the app can count half a million customers' figures between paints.

use super::*;
use crate::dataset::OrderHints;
use rustc_hash::FxHashMap;

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

/// One counted customer's id and the sums of their orders, in a row of its own (`entries[k]`
/// for the `k`-th counted customer): an order whose customer position is known costs one read
/// of one 48-byte row, the id compared and the sums added in the same place.
#[derive(Clone, Copy)]
struct Entry {
    id: uuid::Uuid,
    /// False for a position past the customers (a recount of some, by a caller's positions):
    /// the row is kept so that rows stay `k`, but no order is counted in it.
    known: bool,
    orders: u32,
    spent: Cents,
    first: i64,
    last: i64,
}

/// Where the count is: each phase goes over its items in steps.
enum Phase {
    /// Putting the counted customers into rows (cursor over `recount`).
    Table(usize),
    /// Going over the orders (cursor over `data.orders`).
    Orders(usize),
    /// Writing the sums into the metrics (cursor over `entries`), then the paid days' offsets
    /// per customer.
    Sums(usize),
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
    entries: Vec<Entry>,
    /// The row of each counted customer by id, for orders whose position is not known. Made
    /// in the first phase unless every order has a hint; then only when a hint misses.
    rows: Option<FxHashMap<uuid::Uuid, u32>>,
    /// The orders' customer positions kept with the data ([`crate::dataset::OrderHints`]),
    /// taken out when everybody is counted (a row is then a position) and put back with what
    /// this count found; `None` before the first step and when only some are counted.
    hints: Option<Vec<u32>>,
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

/// The rows by id, for `entries`.
fn rows_of(entries: &[Entry]) -> FxHashMap<uuid::Uuid, u32> {
    let mut rows = FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (k, e) in entries.iter().enumerate() {
        if let (true, Ok(k)) = (e.known, u32::try_from(k)) {
            rows.insert(e.id, k);
        }
    }
    rows
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
            entries: Vec::with_capacity(expected),
            rows: None,
            hints: None,
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
                if self.hints.is_none() {
                    // The hints fit when everybody is counted (a row is a position) and
                    // there is one per order; otherwise the rows by id are needed from the
                    // start, and this count writes the hints afresh.
                    let hints = match self.recount {
                        Recount::All => data.order_hints.take(),
                        Recount::Some(_) => Vec::new(),
                    };
                    let fits =
                        matches!(self.recount, Recount::All) && hints.len() == data.orders.len();
                    self.hints = Some(if fits {
                        hints
                    } else if matches!(self.recount, Recount::All) {
                        vec![OrderHints::NONE; data.orders.len()]
                    } else {
                        Vec::new()
                    });
                    if !fits {
                        self.rows = Some(FxHashMap::with_capacity_and_hasher(
                            self.entries.capacity(),
                            Default::default(),
                        ));
                    }
                }
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
                    let customer = data.customers.get(i);
                    let id = customer.map_or(uuid::Uuid::nil(), |c| c.id);
                    self.entries.push(Entry {
                        id,
                        known: customer.is_some(),
                        orders: 0,
                        spent: 0,
                        first: i64::MAX,
                        last: i64::MIN,
                    });
                    if let (Some(rows), true, Ok(k)) =
                        (&mut self.rows, customer.is_some(), u32::try_from(k))
                    {
                        rows.insert(id, k);
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
                let hints = self.hints.get_or_insert_with(Vec::new);
                for (g, o) in (from..).zip(orders) {
                    // The hint first: its row, if the id there is this order's customer.
                    let hint = hints.get(g).copied().unwrap_or(OrderHints::NONE);
                    let row = match self.entries.get(hint as usize) {
                        Some(e) if e.known && e.id == o.customer_id => hint,
                        _ => {
                            let rows = self.rows.get_or_insert_with(|| rows_of(&self.entries));
                            let found = rows.get(&o.customer_id).copied();
                            if let Some(h) = hints.get_mut(g) {
                                *h = found.unwrap_or(OrderHints::NONE);
                            }
                            match found {
                                Some(row) => row,
                                None => continue,
                            }
                        }
                    };
                    let Some(s) = self.entries.get_mut(row as usize) else {
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
                                self.paid.push((row, day));
                            }
                        }
                        OrderStatus::Refunded => s.spent -= o.amount_cents,
                    }
                }
                let to = from + orders.len();
                self.phase = if to >= data.orders.len() {
                    if let (Recount::All, Some(hints)) = (&self.recount, self.hints.take()) {
                        data.order_hints.put(hints);
                    }
                    self.rows = None;
                    Phase::Sums(0)
                } else {
                    Phase::Orders(to)
                };
            }
            Phase::Sums(from) => {
                let from = *from;
                let to = self.entries.len().min(from.saturating_add(budget));
                for (k, s) in self.entries.iter().enumerate().take(to).skip(from) {
                    let Some(m) = out.get_mut(k) else {
                        continue;
                    };
                    m.orders += s.orders;
                    m.total_spent += s.spent;
                    // How many paid days the customer has (summed up below into where they
                    // start in `days`): counted here once per customer, not per order in
                    // the orders' loop, where it was a tenth of the time.
                    if let Some(n) = self.starts.get_mut(k + 1) {
                        *n = s.orders;
                    }
                    if s.orders > 0 {
                        m.first_order = Some(Timestamp(s.first));
                        m.last_order = Some(Timestamp(s.last));
                    }
                }
                if to == self.entries.len() {
                    self.entries = Vec::new();
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
                } else {
                    self.phase = Phase::Sums(to);
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
