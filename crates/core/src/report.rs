//! The dashboard's reports over a date range: the monthly trend (GMV, orders, new and
//! returning buyers, and the sales decomposition 销售额 = 访客数 × 转化率 × 客单价), the channel
//! and city breakdowns, and the top customers. Pure functions of the data and its analytics;
//! the definitions are in docs/analytics.md.
//!
//! Days and months are calendar days and months in the settings' time zone. Money is net:
//! a refund counts in the month (and channel) of the refund record, so a month's GMV is what
//! was paid in it minus what was refunded in it.

use crate::Cents;
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings};
use crate::model::{Event, Order, OrderStatus};
use crate::money::div_round_i64;
use crate::sym::Sym;
use crate::time::{Timestamp, day_date, day_number};
use chrono::{Datelike, FixedOffset, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use uuid::Uuid;

/// First and last day of the reports, both included; `None` is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A calendar month, ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2026-03`.
    pub fn label(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }

    /// Months since year 0, so that consecutive months differ by one.
    pub fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month `ordinal` months after January of year 0 (the inverse of [`Month::ordinal`]).
    pub fn from_ordinal(ordinal: i64) -> Month {
        Month {
            year: i32::try_from(ordinal.div_euclid(12)).unwrap_or(i32::MAX),
            month: ordinal.rem_euclid(12) as u32 + 1,
        }
    }

    /// Reads `2026-03` (what [`Month::label`] writes).
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        (is_month_label(text) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

/// `YYYY-MM` exactly: four digits, a dash, two digits.
fn is_month_label(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// One month of the trend.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthRow {
    pub month: Option<Month>,
    /// Paid minus refunded in the month, cents.
    pub gmv: Cents,
    /// Paid orders.
    pub orders: u64,
    /// Customers with a paid order in the month.
    pub buyers: u64,
    /// Buyers whose first paid order ever is in this month.
    pub new_buyers: u64,
    /// Buyers who had paid before this month.
    pub returning_buyers: u64,
    /// 访客数: customers with a behaviour event or a paid order in the month (a buyer is
    /// always a visitor, so the conversion never exceeds 1).
    pub visitors: u64,
}

impl MonthRow {
    /// 转化率: buyers ÷ visitors.
    pub fn conversion(&self) -> Option<f64> {
        (self.visitors > 0).then(|| self.buyers as f64 / self.visitors as f64)
    }

    /// 客单价 of the decomposition: GMV ÷ buyers (per paying customer, so that visitors ×
    /// conversion × this = GMV exactly), rounded half away from zero.
    pub fn per_buyer(&self) -> Option<Cents> {
        (self.buyers > 0).then(|| div_round_i64(self.gmv, self.buyers as i64))
    }
}

/// Revenue of one value of a breakdown (a channel, a city).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub key: String,
    pub gmv: Cents,
    pub orders: u64,
    pub buyers: u64,
}

/// A customer's net spend within the range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopCustomer {
    /// Index into `Dataset::customers`.
    pub index: usize,
    pub gmv: Cents,
    pub orders: u64,
}

/// All reports for one range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reports {
    /// Every month from the first to the last with data in the range, gaps included.
    pub months: Vec<MonthRow>,
    /// By order channel, largest GMV first.
    pub channels: Vec<Share>,
    /// By the customer's city (empty key: no city), largest GMV first.
    pub cities: Vec<Share>,
    /// Largest net spend first, at most [`TOP_CUSTOMERS`].
    pub top: Vec<TopCustomer>,
}

pub const TOP_CUSTOMERS: usize = 10;

/// Running totals of [`reports`].
struct Totals {
    offset: FixedOffset,
    from: i64,
    to: i64,
    months: MonthOfDay,
    index: FxHashMap<Uuid, usize>,
    /// The customer of the record taken last and their position in `index`: events come
    /// customer by customer, and looking up each event's customer (hashing the id, comparing
    /// 16 bytes) was a third of the reports at 100,000 customers.
    last_customer: Option<(u128, Option<usize>)>,
    first_month: Vec<Option<Month>>,
    rows: MonthRows,
    /// Orders are taken before events: who bought in which month, for the events' visitors
    /// (a buyer of the month is counted as a visitor already).
    buyers: FxHashSet<(Month, usize)>,
    /// The events come customer by customer, each customer's in time order (a normalised
    /// log): each customer's last month as a visitor is enough to count them once a month.
    /// Otherwise the set below is used.
    events_grouped: bool,
    seen_in: Vec<Option<Month>>,
    visitors: FxHashSet<(Month, usize)>,
    /// Per customer: net spend and paid orders in the range.
    spent: Vec<(Cents, u64)>,
    channel_pos: HashMap<Sym, usize>,
    channels: Vec<Share>,
    channel_buyers: Vec<FxHashSet<usize>>,
}

impl Totals {
    /// The customer's position and the month of `t`, if both count.
    fn locate(&mut self, customer: &Uuid, t: Timestamp) -> Option<(usize, Month)> {
        let key = customer.as_u128();
        let i = match self.last_customer {
            Some((last, i)) if last == key => i,
            _ => {
                let i = self.index.get(customer).copied();
                self.last_customer = Some((key, i));
                i
            }
        }?;
        let day = t.local_day(self.offset);
        (self.from..=self.to)
            .contains(&day)
            .then(|| (i, self.months.of(day)))
    }

    fn order(&mut self, o: &Order) {
        let Some((i, month)) = self.locate(&o.customer_id, o.ordered_at) else {
            return;
        };
        let paid = o.status == OrderStatus::Paid;
        let (amount, count) = if paid {
            (o.amount_cents, 1)
        } else {
            (-o.amount_cents, 0)
        };
        let row = self.rows.get(month);
        row.gmv += amount;
        row.orders += count;
        self.spent[i].0 += amount;
        self.spent[i].1 += count;
        let c = match self.channel_pos.get(&o.channel) {
            Some(&c) => c,
            None => {
                self.channels.push(Share {
                    key: o.channel.as_str().to_string(),
                    ..Share::default()
                });
                self.channel_buyers.push(FxHashSet::default());
                self.channel_pos.insert(o.channel, self.channels.len() - 1);
                self.channels.len() - 1
            }
        };
        self.channels[c].gmv += amount;
        self.channels[c].orders += count;
        if !paid {
            return;
        }
        self.channel_buyers[c].insert(i);
        if self.buyers.insert((month, i)) {
            let row = self.rows.get(month);
            row.buyers += 1;
            row.visitors += 1;
            if self.first_month[i] == Some(month) {
                row.new_buyers += 1;
            } else {
                row.returning_buyers += 1;
            }
        }
    }

    /// Call this after every order.
    fn event(&mut self, e: &Event) {
        let Some((i, month)) = self.locate(&e.customer_id, e.occurred_at) else {
            return;
        };
        let first_time = if self.events_grouped {
            self.seen_in[i].replace(month) != Some(month)
        } else {
            self.visitors.insert((month, i))
        };
        let bought = first_time && self.buyers.contains(&(month, i));
        // Buyers of the month are counted as visitors already.
        if first_time && !bought {
            self.rows.get(month).visitors += 1;
        }
    }
}

pub fn reports(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    range: DateRange,
) -> Reports {
    let mut builder = ReportBuilder::new(data, settings, range);
    while !builder.step(data, analytics, usize::MAX) {}
    builder.finish(data)
}

/// [`reports`] in steps, so that a page can compute them a slice at a time and stay
/// responsive: call [`ReportBuilder::step`] until it returns `true`, then
/// [`ReportBuilder::finish`]. Every call must get the same, unchanged data.
pub struct ReportBuilder {
    totals: Totals,
    /// Customers indexed so far.
    next_customer: usize,
    /// Orders and events taken so far.
    next_order: usize,
    next_event: usize,
    /// The customer of the event taken last, for [`crate::EventLog::get_after`].
    event_customer: usize,
}

impl ReportBuilder {
    pub fn new(data: &Dataset, settings: &AnalyticsSettings, range: DateRange) -> Self {
        let offset = settings.offset();
        let n = data.customers.len();
        let totals = Totals {
            offset,
            from: range.from.map_or(i64::MIN, day_number),
            to: range.to.map_or(i64::MAX, day_number),
            months: MonthOfDay::default(),
            index: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            last_customer: None,
            first_month: Vec::with_capacity(n),
            rows: MonthRows::default(),
            buyers: FxHashSet::default(),
            events_grouped: data.events.is_normalized(),
            seen_in: vec![None; n],
            visitors: FxHashSet::default(),
            spent: vec![(0, 0); n],
            channel_pos: HashMap::new(),
            channels: Vec::new(),
            channel_buyers: Vec::new(),
        };
        ReportBuilder {
            totals,
            next_customer: 0,
            next_order: 0,
            next_event: 0,
            event_customer: 0,
        }
    }

    /// Takes up to `budget` more items (customers to index first, then records); `true` when
    /// all are taken. `analytics` are those the builder was made with.
    pub fn step(&mut self, data: &Dataset, analytics: &Analytics, budget: usize) -> bool {
        let (orders, events) = (&data.orders, &data.events);
        let t = &mut self.totals;
        // First every customer's position and first month (at 500,000 customers a tenth of
        // a second in the browser, so taken a slice at a time as well), then all orders,
        // then all events (which need to know who bought in each month).
        let customers = data.customers.len();
        let mut budget = budget;
        while self.next_customer < customers && budget > 0 {
            let i = self.next_customer;
            t.index.insert(data.customers[i].id, i);
            let month = analytics
                .customers
                .first_order(i)
                .map(|at| t.months.of(at.local_day(t.offset)));
            t.first_month.push(month);
            self.next_customer += 1;
            budget -= 1;
        }
        for _ in 0..budget {
            if let Some(o) = orders.get(self.next_order) {
                t.order(o);
                self.next_order += 1;
                continue;
            }
            match events.get_after(self.next_event, &mut self.event_customer) {
                Some(e) => {
                    t.event(&e);
                    self.next_event += 1;
                }
                None => return true,
            }
        }
        self.next_order >= orders.len() && self.next_event >= events.len()
    }

    pub fn finish(self, data: &Dataset) -> Reports {
        let totals = self.totals;
        let Totals {
            rows,
            spent,
            mut channels,
            channel_buyers,
            ..
        } = totals;
        for (c, who) in channel_buyers.into_iter().enumerate() {
            channels[c].buyers = who.len() as u64;
        }

        let trend = rows.into_rows();

        let mut cities: HashMap<&str, Share> = HashMap::new();
        for (i, &(gmv, orders)) in spent.iter().enumerate() {
            if gmv == 0 && orders == 0 {
                continue;
            }
            let city = data.customers[i].city.map(Sym::as_str).unwrap_or("");
            let share = cities.entry(city).or_default();
            share.gmv += gmv;
            share.orders += orders;
            share.buyers += u64::from(orders > 0);
        }
        let mut cities: Vec<Share> = cities
            .into_iter()
            .map(|(key, share)| Share {
                key: key.to_string(),
                ..share
            })
            .collect();
        let by_gmv = |a: &Share, b: &Share| b.gmv.cmp(&a.gmv).then_with(|| a.key.cmp(&b.key));
        crate::sorting::sort_by(&mut cities, by_gmv);
        crate::sorting::sort_by(&mut channels, by_gmv);

        let by_spend = |a: &TopCustomer, b: &TopCustomer| {
            b.gmv
                .cmp(&a.gmv)
                .then_with(|| data.customers[a.index].id.cmp(&data.customers[b.index].id))
        };
        // Only the first few are shown: they are kept in order while the buyers pass, instead
        // of sorting every buyer (a third of a second at 500,000 customers in the browser);
        // most buyers are turned away by one comparison with the last kept. The order is total
        // (ids are unique), so these are the full sort's first few. (`select_nth_unstable`
        // would do too, for 20 KB more of wasm.)
        let mut top: Vec<TopCustomer> = Vec::with_capacity(TOP_CUSTOMERS + 1);
        for (index, &(gmv, orders)) in spent.iter().enumerate() {
            let buyer = TopCustomer { index, gmv, orders };
            let behind_the_last = top
                .get(TOP_CUSTOMERS.wrapping_sub(1))
                .is_some_and(|last| by_spend(&buyer, last).is_ge());
            if gmv <= 0 || behind_the_last {
                continue;
            }
            let at = top.partition_point(|kept| by_spend(kept, &buyer).is_lt());
            top.insert(at, buyer);
            top.truncate(TOP_CUSTOMERS);
        }

        Reports {
            months: trend,
            channels,
            cities,
            top,
        }
    }
}

/// The rows of consecutive months, found by arithmetic rather than a map lookup per record.
/// Months without data stay as zero rows: a continuous axis.
#[derive(Default)]
struct MonthRows {
    first: Option<Month>,
    rows: Vec<MonthRow>,
}

impl MonthRows {
    fn get(&mut self, month: Month) -> &mut MonthRow {
        let first = *self.first.get_or_insert(month);
        let k = month.ordinal() - first.ordinal();
        if k < 0 {
            // Earlier than any month so far (records out of time order): prepend.
            let missing = (-k) as usize;
            self.rows.splice(
                0..0,
                std::iter::repeat_with(MonthRow::default).take(missing),
            );
            self.first = Some(month);
            return &mut self.rows[0];
        }
        let k = k as usize;
        if k >= self.rows.len() {
            self.rows.resize_with(k + 1, MonthRow::default);
        }
        &mut self.rows[k]
    }

    fn into_rows(self) -> Vec<MonthRow> {
        let Some(mut month) = self.first else {
            return Vec::new();
        };
        let mut rows = self.rows;
        for row in &mut rows {
            row.month = Some(month);
            month = month.next();
        }
        rows
    }
}

/// Months of day numbers, remembering the last month looked up: orders come in time order,
/// and each customer's events too, so nearly every lookup is in the same month as the one
/// before.
#[derive(Default)]
struct MonthOfDay {
    /// First and last day of the cached month, and the month.
    cached: Option<(i64, i64, Month)>,
}

impl MonthOfDay {
    fn of(&mut self, day: i64) -> Month {
        self.lookup(day).2
    }

    fn lookup(&mut self, day: i64) -> (i64, i64, Month) {
        if let Some(c @ (first, last, _)) = self.cached
            && (first..=last).contains(&day)
        {
            return c;
        }
        let found = month_by_arithmetic(day).unwrap_or_else(|| month_by_dates(day));
        self.cached = Some(found);
        found
    }
}

/// The first and last day of `day`'s month, and the month, by dates (chrono). A day beyond
/// the dates chrono holds counts as 1970-01-01's month.
fn month_by_dates(day: i64) -> (i64, i64, Month) {
    let date = day_date(day).unwrap_or_default();
    let month = Month::of(date);
    let first = date.with_day(1).map_or(day, day_number);
    let next = month.next();
    let last = NaiveDate::from_ymd_opt(next.year, next.month, 1).map_or(day, |d| day_number(d) - 1);
    (first, last, month)
}

/// [`month_by_dates`] by integer arithmetic (the proleptic Gregorian calendar in 400-year
/// eras, H. Hinnant's `civil_from_days`), for days within ±260,000 years — well inside
/// chrono's dates. Customers' events change month at nearly every customer, and going through
/// chrono's dates each time was an eighth of the dashboard's reports at 100,000 customers.
fn month_by_arithmetic(day: i64) -> Option<(i64, i64, Month)> {
    if !(-95_000_000..=95_000_000).contains(&day) {
        return None;
    }
    let z = day + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097; // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
    let day_of_month = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let first = day - (day_of_month - 1);
    Some((
        first,
        first + length - 1,
        Month {
            year: i32::try_from(year).ok()?,
            month: month as u32,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn months_by_arithmetic_are_the_months_by_dates_at_the_edges() {
        // Every day of 1900–2100 (leap years, centuries, 2000) and of years around 0.
        for day in (-25_567..=47_482).chain(-719_893..=-718_432) {
            assert_eq!(
                month_by_arithmetic(day),
                Some(month_by_dates(day)),
                "day {day}"
            );
        }
        // The ends of the arithmetic's range; beyond it, dates decide.
        for day in [-95_000_000, 95_000_000] {
            assert_eq!(
                month_by_arithmetic(day),
                Some(month_by_dates(day)),
                "day {day}"
            );
        }
        assert_eq!(month_by_arithmetic(95_000_001), None);
        assert_eq!(month_by_arithmetic(i64::MIN), None);
        let mut months = MonthOfDay::default();
        assert_eq!(months.of(i64::MAX), Month::of(NaiveDate::default()));
        // 2024-02-29 is day 19,782.
        assert_eq!(
            month_by_arithmetic(19_782),
            Some((
                19_754,
                19_782,
                Month {
                    year: 2024,
                    month: 2
                }
            ))
        );
    }

    proptest! {
        #[test]
        fn months_by_arithmetic_are_the_months_by_dates(day in -95_000_000i64..=95_000_000) {
            prop_assert_eq!(month_by_arithmetic(day), Some(month_by_dates(day)));
        }
    }
}
