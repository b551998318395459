//! Cohort retention (docs/analytics.md, "Cohort retention"): customers grouped by the calendar
//! month of their first paid order (their cohort), and for each month after it (period 0, 1,
//! 2, … up to the data's last month) how many of them placed a paid order in that month and
//! what the cohort spent net in it.
//!
//! - A customer's cohort is the month, at the given offset, of their first paid order (the
//!   analytics' `first_order`, so the two never disagree). Refunds are not orders: a customer
//!   with refunds only has no cohort.
//! - A cell counts a customer once however many paid orders they placed in the month.
//! - Net spend of a month is what was paid in it minus what was refunded in it, by the date of
//!   each record — the rule of `metrics` (M) and of the dashboard's monthly sales. A refund
//!   dated before its customer's cohort month belongs to no period; it is kept apart
//!   ([`Cohort::earlier_refunds`]) so that a cohort's periods minus it add up to its
//!   customers' M.
//!
//! One pass over the orders (plus one over the customers): the analytics already know every
//! customer's first paid order.

use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::model::{Cents, OrderStatus};
use crate::money::div_round;
use crate::report::Month;
use crate::time::Timestamp;
use chrono::FixedOffset;
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

/// Which customers and cohorts a table covers, and the time zone of its months.
#[derive(Clone, Copy, Debug)]
pub struct CohortOptions<'a> {
    /// Months are calendar months at this offset (the user's zone).
    pub offset: FixedOffset,
    /// Only these customers: one flag per customer, aligned with `Dataset::customers` (a
    /// segment's members). `None`: everyone.
    pub members: Option<&'a [bool]>,
    /// Only customers whose channel (of acquisition, `Customer::channel`) is this stored value.
    pub channel: Option<&'a str>,
    /// Only cohorts from this month on / up to this month (both included).
    pub from: Option<Month>,
    pub to: Option<Month>,
}

impl CohortOptions<'_> {
    /// Everyone, every cohort.
    pub fn new(offset: FixedOffset) -> Self {
        CohortOptions {
            offset,
            members: None,
            channel: None,
            from: None,
            to: None,
        }
    }
}

/// One cohort: its customers' activity month by month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    /// The month of the first paid order of its customers.
    pub month: Month,
    /// Its customers.
    pub size: u32,
    /// Per period `k` (the month `k` months after `month`): customers of the cohort with at
    /// least one paid order in it. `active[0] == size`. One entry per period up to the data's
    /// last month.
    pub active: Vec<u32>,
    /// Per period: the cohort's net spend in that month (paid − refunded), cents.
    pub revenue: Vec<Cents>,
    /// Refunds of the cohort's customers dated before the cohort's month (orders the data does
    /// not hold, refunded later), cents, positive: in no period.
    pub earlier_refunds: Cents,
}

impl Cohort {
    /// Periods from the cohort's month to the data's last month.
    pub fn periods(&self) -> usize {
        self.active.len()
    }

    /// Retention of period `k`: active customers ÷ cohort size.
    pub fn rate(&self, k: usize) -> Option<f64> {
        let n = *self.active.get(k)?;
        (self.size > 0).then(|| f64::from(n) / f64::from(self.size))
    }

    /// [`Cohort::rate`] as the UI contract writes it: four decimals (`0.2500`).
    pub fn rate_text(&self, k: usize) -> Option<String> {
        ratio_text(i64::from(*self.active.get(k)?), i64::from(self.size))
    }

    /// Revenue retention of period `k`: net spend in it ÷ net spend in period 0; `None` when
    /// period 0's net spend is not positive (nothing to compare with).
    pub fn revenue_rate(&self, k: usize) -> Option<f64> {
        let (v, base) = (*self.revenue.get(k)?, *self.revenue.first()?);
        (base > 0).then(|| v as f64 / base as f64)
    }

    /// [`Cohort::revenue_rate`] with four decimals (`1.0833`, `-0.0400`).
    pub fn revenue_rate_text(&self, k: usize) -> Option<String> {
        let (v, base) = (*self.revenue.get(k)?, *self.revenue.first()?);
        if base > 0 { ratio_text(v, base) } else { None }
    }
}

/// The retention table: cohorts in month order (only months that have customers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CohortTable {
    pub cohorts: Vec<Cohort>,
    /// The month of the latest order (paid or refunded) in the data, whoever placed it: every
    /// cohort's periods run up to it.
    pub last_month: Option<Month>,
}

impl CohortTable {
    /// The most periods of any cohort (the oldest one's).
    pub fn periods(&self) -> usize {
        self.cohorts.iter().map(Cohort::periods).max().unwrap_or(0)
    }

    /// Customers in all cohorts together.
    pub fn customers(&self) -> u64 {
        self.cohorts.iter().map(|c| u64::from(c.size)).sum()
    }

    /// The cohort of a month, if it has customers.
    pub fn cohort(&self, month: Month) -> Option<&Cohort> {
        self.cohorts.iter().find(|c| c.month == month)
    }
}

/// `num ÷ den` with four decimals, rounded half away from zero: `0.2500`, `1.0833`, `-0.0400`;
/// `None` when `den` is 0. Exact (integer arithmetic), so the same counts always read alike.
pub fn ratio_text(num: i64, den: i64) -> Option<String> {
    if den == 0 {
        return None;
    }
    let p = div_round(i128::from(num) * 10_000, i128::from(den));
    let sign = if p < 0 { "-" } else { "" };
    let abs = p.unsigned_abs();
    Some(format!("{sign}{}.{:04}", abs / 10_000, abs % 10_000))
}

/// No cohort (the customer is not counted); no month.
const NONE: i64 = i64::MIN;

/// The month (months since year 0, [`Month::ordinal`]) of a day number (days since
/// 1970-01-01): the civil calendar by arithmetic (H. Hinnant's `civil_from_days`), as every
/// order is classified and chrono's dates cost an order of magnitude more.
fn month_of_day(day: i64) -> i64 {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year * 12 + month - 1
}

fn month_of(t: Timestamp, offset: FixedOffset) -> i64 {
    month_of_day(t.local_day(offset))
}

/// Every customer's cohort month as an ordinal, or [`NONE`] when the options leave them out or
/// they never paid.
fn cohort_months(data: &Dataset, analytics: &Analytics, options: &CohortOptions) -> Vec<i64> {
    let from = options.from.map_or(i64::MIN, Month::ordinal);
    let to = options.to.map_or(i64::MAX, Month::ordinal);
    // The analytics' first paid orders when they describe these customers, else counted here.
    let counted;
    let first: &dyn Fn(usize) -> Option<Timestamp> =
        if analytics.customers.len() == data.customers.len() {
            &|i| analytics.customers.first_order(i)
        } else {
            counted = first_paid(data);
            &|i| counted[i]
        };
    data.customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let member = options
                .members
                .is_none_or(|m| m.get(i).copied().unwrap_or(false));
            let channel = options
                .channel
                .is_none_or(|ch| c.channel.is_some_and(|s| s.as_str() == ch));
            match first(i) {
                Some(t) if member && channel => {
                    let m = month_of(t, options.offset);
                    if (from..=to).contains(&m) { m } else { NONE }
                }
                _ => NONE,
            }
        })
        .collect()
}

/// Each customer's first paid order, counted from the orders.
fn first_paid(data: &Dataset) -> Vec<Option<Timestamp>> {
    let index = data.customer_positions();
    let mut first = vec![None; data.customers.len()];
    for o in &data.orders {
        if o.status != OrderStatus::Paid {
            continue;
        }
        if let Some(&i) = index.get(&o.customer_id) {
            let f: &mut Option<Timestamp> = &mut first[i];
            *f = Some(f.map_or(o.ordered_at, |t| t.min(o.ordered_at)));
        }
    }
    first
}

/// A cohort's running totals while the orders are read.
struct Row {
    month: i64,
    size: u32,
    active: Vec<u32>,
    revenue: Vec<Cents>,
    earlier_refunds: Cents,
}

impl Row {
    /// Period `k`'s cells, made on first use.
    fn cell(&mut self, k: usize) -> (&mut u32, &mut Cents) {
        if k >= self.active.len() {
            self.active.resize(k + 1, 0);
            self.revenue.resize(k + 1, 0);
        }
        (&mut self.active[k], &mut self.revenue[k])
    }
}

/// A counted customer, found by id from each order: their row and the last period in which a
/// paid order of theirs was counted. One lookup per order, and what it finds is all it needs
/// (the orders are in time order, not by customer: each lookup is a cache miss).
#[derive(Clone, Copy)]
struct Slot {
    row: u32,
    last: i64,
}

/// A customer's paid order earlier than one already counted: the orders are not in time order,
/// and the customers' months are counted through a set instead.
struct OutOfOrder;

/// Reads every order into the rows. `set`: count each (customer, period) through a set rather
/// than by the slot's last period, which needs each customer's orders in time order.
fn tally(
    data: &Dataset,
    offset: FixedOffset,
    rows: &mut [Row],
    slots: &mut FxHashMap<Uuid, Slot>,
    mut set: Option<FxHashSet<(Uuid, i64)>>,
) -> Result<i64, OutOfOrder> {
    let mut last = NONE;
    for o in &data.orders {
        let month = month_of(o.ordered_at, offset);
        last = last.max(month);
        let Some(slot) = slots.get_mut(&o.customer_id) else {
            continue;
        };
        let Some(row) = rows.get_mut(slot.row as usize) else {
            continue;
        };
        let k = month - row.month;
        match o.status {
            OrderStatus::Refunded if k < 0 => row.earlier_refunds += o.amount_cents,
            OrderStatus::Refunded => *row.cell(k as usize).1 -= o.amount_cents,
            // Never before the first paid order's month; skipped should the analytics be
            // another data's.
            OrderStatus::Paid if k < 0 => {}
            OrderStatus::Paid => {
                let first_time = match &mut set {
                    Some(seen) => seen.insert((o.customer_id, k)),
                    None if k < slot.last => return Err(OutOfOrder),
                    None => std::mem::replace(&mut slot.last, k) != k,
                };
                let (active, revenue) = row.cell(k as usize);
                *revenue += o.amount_cents;
                if first_time {
                    *active += 1;
                }
            }
        }
    }
    Ok(last)
}

/// The retention table of `data` (see the module's definitions). `analytics` are `data`'s.
pub fn compute(data: &Dataset, analytics: &Analytics, options: &CohortOptions) -> CohortTable {
    let cohort = cohort_months(data, analytics, options);
    let mut sizes: FxHashMap<i64, u32> = FxHashMap::default();
    for &m in cohort.iter().filter(|&&m| m != NONE) {
        *sizes.entry(m).or_default() += 1;
    }
    let mut months: Vec<i64> = sizes.keys().copied().collect();
    months.sort_unstable();
    let row_of: FxHashMap<i64, u32> = months
        .iter()
        .enumerate()
        .map(|(r, &m)| (m, r as u32))
        .collect();
    let counted: usize = sizes.values().map(|&n| n as usize).sum();
    let mut slots: FxHashMap<Uuid, Slot> = FxHashMap::default();
    slots.reserve(counted);
    for (c, &m) in data.customers.iter().zip(&cohort) {
        if let Some(&row) = row_of.get(&m) {
            slots.insert(c.id, Slot { row, last: -1 });
        }
    }
    let fresh_rows = || -> Vec<Row> {
        months
            .iter()
            .map(|&month| Row {
                month,
                size: sizes.get(&month).copied().unwrap_or(0),
                active: Vec::new(),
                revenue: Vec::new(),
                earlier_refunds: 0,
            })
            .collect()
    };
    let mut rows = fresh_rows();
    // In the data's canonical order (by time) each customer's last counted period is enough;
    // out of order, start again with a set of (customer, period).
    let last = match tally(data, options.offset, &mut rows, &mut slots, None) {
        Ok(last) => last,
        Err(OutOfOrder) => {
            rows = fresh_rows();
            let set = Some(FxHashSet::default());
            tally(data, options.offset, &mut rows, &mut slots, set).unwrap_or(NONE)
        }
    };

    let cohorts = rows
        .into_iter()
        .map(|mut row| {
            // Every cohort runs to the data's last month, months without orders as zeros.
            let periods = usize::try_from(last - row.month + 1).unwrap_or(0);
            if periods > row.active.len() {
                row.cell(periods - 1);
            }
            Cohort {
                month: Month::from_ordinal(row.month),
                size: row.size,
                active: row.active,
                revenue: row.revenue,
                earlier_refunds: row.earlier_refunds,
            }
        })
        .collect();
    CohortTable {
        cohorts,
        last_month: (last != NONE).then(|| Month::from_ordinal(last)),
    }
}

/// The customers (positions in `Dataset::customers`, ascending) of a cohort — with `period`,
/// only those with a paid order in that period's month: what a cell of [`compute`]'s table
/// counts, for opening them as a list.
pub fn cell_customers(
    data: &Dataset,
    analytics: &Analytics,
    options: &CohortOptions,
    cohort: Month,
    period: Option<usize>,
) -> Vec<usize> {
    let c = cohort.ordinal();
    let months = cohort_months(data, analytics, options);
    let in_cohort = (0..months.len()).filter(|&i| months[i] == c);
    let Some(k) = period else {
        return in_cohort.collect();
    };
    let target = c + k as i64;
    // The cohort's customers by id, and whether they bought in the cell's month.
    let mut bought: FxHashMap<Uuid, (usize, bool)> = in_cohort
        .map(|i| (data.customers[i].id, (i, false)))
        .collect();
    for o in &data.orders {
        if o.status == OrderStatus::Paid
            && month_of(o.ordered_at, options.offset) == target
            && let Some(b) = bought.get_mut(&o.customer_id)
        {
            b.1 = true;
        }
    }
    let mut rows: Vec<usize> = bought
        .into_values()
        .filter_map(|(i, b)| b.then_some(i))
        .collect();
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{day_date, day_number};
    use chrono::NaiveDate;

    #[test]
    fn months_of_days_agree_with_chrono() {
        let start = day_number(NaiveDate::from_ymd_opt(1899, 12, 1).expect("date"));
        let end = day_number(NaiveDate::from_ymd_opt(2101, 3, 1).expect("date"));
        for day in (start..end).step_by(7).chain([-1, 0, 1, 59, 60, 11_016]) {
            let date = day_date(day).expect("date");
            assert_eq!(
                Month::from_ordinal(month_of_day(day)),
                Month::of(date),
                "{date}"
            );
        }
    }

    #[test]
    fn ratios_have_four_decimals_rounded_half_away_from_zero() {
        assert_eq!(ratio_text(1, 4).as_deref(), Some("0.2500"));
        assert_eq!(ratio_text(2, 3).as_deref(), Some("0.6667"));
        assert_eq!(ratio_text(1, 20_000).as_deref(), Some("0.0001"));
        assert_eq!(ratio_text(13, 12).as_deref(), Some("1.0833"));
        assert_eq!(ratio_text(-1, 25).as_deref(), Some("-0.0400"));
        assert_eq!(ratio_text(-1, 20_000).as_deref(), Some("-0.0001"));
        assert_eq!(ratio_text(5, 5).as_deref(), Some("1.0000"));
        assert_eq!(ratio_text(0, 7).as_deref(), Some("0.0000"));
        assert_eq!(ratio_text(1, 0), None);
    }

    #[test]
    fn month_labels_read_back() {
        for label in ["2026-03", "1999-12", "1000-01"] {
            assert_eq!(
                Month::parse(label).map(|m| m.label()).as_deref(),
                Some(label)
            );
        }
        for bad in [
            "2026-13",
            "2026-00",
            "2026-3",
            "26-03",
            "2026/03",
            "2026-03-01",
            "",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let m = Month::parse("2026-01").expect("month");
        assert_eq!(Month::from_ordinal(m.ordinal() - 1).label(), "2025-12");
    }
}
