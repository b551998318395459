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
use crate::model::OrderStatus;
use crate::time::Timestamp;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// First and last day of the reports, both included; `None` is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateRange {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
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
        (self.buyers > 0).then(|| div_round(self.gmv, self.buyers as i64))
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

fn div_round(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b.abs() {
        q + (a.signum() * b.signum())
    } else {
        q
    }
}

pub fn reports(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    range: DateRange,
) -> Reports {
    let offset = settings.offset();
    let local_day = |t: Timestamp| t.to_offset(offset).map(|d| d.date_naive());
    let index: HashMap<Uuid, usize> = data
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let first_month = |i: usize| {
        analytics
            .customers
            .get(i)
            .and_then(|m| m.first_order)
            .and_then(local_day)
            .map(Month::of)
    };

    let mut months: BTreeMap<Month, MonthRow> = BTreeMap::new();
    let mut buyers: HashSet<(Month, usize)> = HashSet::new();
    // Used only when the events are not in time order.
    let mut visitors: HashSet<(Month, usize)> = HashSet::new();
    let mut channels: HashMap<&str, (Share, HashSet<usize>)> = HashMap::new();
    let mut cities: HashMap<&str, (Share, HashSet<usize>)> = HashMap::new();
    let mut per_customer: HashMap<usize, (Cents, u64)> = HashMap::new();

    for o in &data.orders {
        let (Some(&i), Some(day)) = (index.get(&o.customer_id), local_day(o.ordered_at)) else {
            continue;
        };
        if !range.contains(day) {
            continue;
        }
        let month = Month::of(day);
        let row = months.entry(month).or_default();
        let paid = o.status == OrderStatus::Paid;
        let (amount, count) = if paid {
            (o.amount_cents, 1)
        } else {
            (-o.amount_cents, 0)
        };
        row.gmv += amount;
        row.orders += count;
        let city = data.customers[i].city.as_deref().unwrap_or("");
        for (map, key) in [(&mut channels, o.channel.as_str()), (&mut cities, city)] {
            let (share, who) = map.entry(key).or_default();
            share.gmv += amount;
            share.orders += count;
            if paid {
                who.insert(i);
            }
        }
        let spent = per_customer.entry(i).or_default();
        spent.0 += amount;
        spent.1 += count;
        if paid && buyers.insert((month, i)) {
            row.buyers += 1;
            if first_month(i) == Some(month) {
                row.new_buyers += 1;
            } else {
                row.returning_buyers += 1;
            }
        }
    }
    // Millions of events: when they are in time order (as stored), remembering each
    // customer's last counted month is enough to count each once per month.
    let in_order = data.events.is_sorted_by_key(|e| e.occurred_at);
    let mut last_seen: Vec<Option<Month>> = vec![None; data.customers.len()];
    let mut event_visitors: BTreeMap<Month, u64> = BTreeMap::new();
    for e in &data.events {
        let (Some(&i), Some(day)) = (index.get(&e.customer_id), local_day(e.occurred_at)) else {
            continue;
        };
        if !range.contains(day) {
            continue;
        }
        let month = Month::of(day);
        let new = if in_order {
            last_seen[i].replace(month) != Some(month)
        } else {
            true
        };
        if new && !buyers.contains(&(month, i)) && (in_order || visitors.insert((month, i))) {
            *event_visitors.entry(month).or_default() += 1;
        }
    }
    for row in months.values_mut() {
        row.visitors = row.buyers;
    }
    for (month, n) in event_visitors {
        months.entry(month).or_default().visitors += n;
    }

    // A continuous axis: months without data show as zero rather than disappear.
    let mut rows = Vec::with_capacity(months.len());
    if let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) {
        let mut m = first;
        while m <= last {
            let mut row = months.remove(&m).unwrap_or_default();
            row.month = Some(m);
            rows.push(row);
            m = m.next();
        }
    }

    let ranked = |map: HashMap<&str, (Share, HashSet<usize>)>| {
        let mut out: Vec<Share> = map
            .into_iter()
            .map(|(key, (mut share, who))| {
                share.key = key.to_string();
                share.buyers = who.len() as u64;
                share
            })
            .collect();
        out.sort_by(|a, b| b.gmv.cmp(&a.gmv).then_with(|| a.key.cmp(&b.key)));
        out
    };

    let mut top: Vec<TopCustomer> = per_customer
        .into_iter()
        .filter(|(_, (gmv, _))| *gmv > 0)
        .map(|(index, (gmv, orders))| TopCustomer { index, gmv, orders })
        .collect();
    top.sort_by(|a, b| {
        b.gmv
            .cmp(&a.gmv)
            .then_with(|| data.customers[a.index].id.cmp(&data.customers[b.index].id))
    });
    top.truncate(TOP_CUSTOMERS);

    Reports {
        months: rows,
        channels: ranked(channels),
        cities: ranked(cities),
        top,
    }
}
