//! The customers' values a segment tests, one column per field: built the first time a
//! condition asks for the field and kept for the next queries over the same data (the
//! segment page re-counts on every keystroke; the data does not change in between).
//!
//! Reading `Customer` and `CustomerMetrics` row by row touches a few hundred bytes per
//! customer for each value; a column holds just the value (8 bytes, or a 4-byte code), so a
//! condition over 100,000 customers is a tight loop over under a megabyte. Interned texts
//! (city, channel, …) and tags become small dictionary codes, so a text test is worked out
//! once per distinct value and then looked up per customer.

use super::bind::{DateOf, NumberOf, TextOf};
use super::bits::Bits;
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings, CustomerMetrics};
use crate::model::{Customer, RfmGroup, Stage};
use crate::sym::Sym;
use crate::time::{Timestamp, day_number};
use chrono::{FixedOffset, NaiveDate};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

/// A number per customer; `present` says who has one (`None`: everybody).
#[derive(Clone, Debug)]
pub(super) struct Numbers {
    pub values: Vec<i64>,
    pub present: Option<Bits>,
}

/// A dictionary-coded column: `codes[i]` is 0 for no value, `k` for `distinct[k - 1]`.
#[derive(Clone, Debug)]
pub(super) struct Dict<T> {
    pub codes: Vec<u32>,
    pub distinct: Vec<T>,
}

/// Every customer's tags as dictionary codes: customer `i` has
/// `codes[starts[i]..starts[i + 1]]`.
#[derive(Clone, Debug)]
pub(super) struct TagColumn {
    pub starts: Vec<u32>,
    pub codes: Vec<u32>,
    pub distinct: Vec<String>,
}

/// A label per customer by its index (stage in `Stage::ALL`, group in `RfmGroup::ALL`, tier
/// number); [`NO_LABEL`] for none.
#[derive(Clone, Debug)]
pub(super) struct Labels(pub Vec<u8>);

/// The label of a customer without one (in [`Labels`]).
pub(super) const NO_LABEL: u8 = u8::MAX;

/// Every number field with a column, the most asked-for first (the order [`SegmentColumns::warm`]
/// builds them in).
const NUMBER_FIELDS: [NumberOf; 9] = [
    NumberOf::TotalSpent,
    NumberOf::Orders,
    NumberOf::Aov,
    NumberOf::RecencyDays,
    NumberOf::R,
    NumberOf::F,
    NumberOf::M,
    NumberOf::Points,
    NumberOf::Ltv,
];

/// Every date field with a column, the most asked-for first.
const DATE_FIELDS: [DateOf; 3] = [DateOf::LastOrder, DateOf::FirstOrder, DateOf::Created];

/// The columns of one dataset and its analytics, filled as conditions ask for them.
///
/// Keep one per data change (as the app keeps its [`crate::funnel::EventIndex`]) and pass it
/// to [`super::Matcher::with_columns`]; a column whose length no longer fits the data is
/// rebuilt for that query rather than read, but a cache kept across an edit that leaves the
/// number of customers unchanged would answer with the old values: build a new one then.
#[derive(Debug)]
pub struct SegmentColumns {
    /// Dates are calendar days in this time zone.
    offset: FixedOffset,
    /// Whether the owner keeps these columns for the next queries: a column is then always
    /// built, even for the few customers a condition still has to decide, because every later
    /// query reads it (the segment page: one query per keystroke). Columns for one query alone
    /// test those few one by one instead.
    kept: bool,
    numbers: [OnceLock<Numbers>; 9],
    dates: [OnceLock<Numbers>; 3],
    /// City, province, channel, level, owner.
    syms: [OnceLock<Dict<Sym>>; 5],
    /// Name, phone, e-mail, external id: whether the customer has one (not blank).
    present: [OnceLock<Bits>; 4],
    tags: OnceLock<TagColumn>,
    /// Stage, RFM group, tier.
    labels: [OnceLock<Labels>; 3],
}

impl SegmentColumns {
    /// Empty columns for data analysed with `settings` (their time zone dates the dates), to
    /// be kept for the queries that follow over the same data.
    pub fn new(settings: &AnalyticsSettings) -> Self {
        Self::with_offset(settings.offset(), true)
    }

    /// Empty columns for a single query (dropped after it): only the columns that pay for
    /// themselves within that query are built.
    pub fn for_one_query(settings: &AnalyticsSettings) -> Self {
        Self::with_offset(settings.offset(), false)
    }

    pub(super) fn with_offset(offset: FixedOffset, kept: bool) -> Self {
        SegmentColumns {
            offset,
            kept,
            numbers: Default::default(),
            dates: Default::default(),
            syms: Default::default(),
            present: Default::default(),
            tags: OnceLock::new(),
            labels: Default::default(),
        }
    }

    pub(super) fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// Whether these columns outlive the query ([`SegmentColumns::new`]).
    pub(super) fn kept(&self) -> bool {
        self.kept
    }

    /// Whether the column a test reads is built already (reading it is then cheap).
    pub(super) fn has_numbers(&self, of: NumberOf) -> bool {
        self.numbers[of as usize].get().is_some()
    }

    pub(super) fn has_dates(&self, of: DateOf) -> bool {
        self.dates[of as usize].get().is_some()
    }

    /// For a text field: its dictionary (interned fields) or who has a value (the others).
    pub(super) fn has_text(&self, of: TextOf) -> bool {
        let cell = match of {
            TextOf::City => &self.syms[0],
            TextOf::Province => &self.syms[1],
            TextOf::Channel => &self.syms[2],
            TextOf::Level => &self.syms[3],
            TextOf::Owner => &self.syms[4],
            TextOf::Name => return self.present[0].get().is_some(),
            TextOf::Phone => return self.present[1].get().is_some(),
            TextOf::Email => return self.present[2].get().is_some(),
            TextOf::ExternalId => return self.present[3].get().is_some(),
        };
        cell.get().is_some()
    }

    /// Whether a text field is interned (and so has a dictionary column).
    pub(super) fn syms_field(&self, of: TextOf) -> bool {
        matches!(
            of,
            TextOf::City | TextOf::Province | TextOf::Channel | TextOf::Level | TextOf::Owner
        )
    }

    pub(super) fn has_tags(&self) -> bool {
        self.tags.get().is_some()
    }

    /// Stage (0), RFM group (1), tier (2).
    pub(super) fn has_labels(&self, k: usize) -> bool {
        self.labels.get(k).is_some_and(|c| c.get().is_some())
    }

    pub(super) fn numbers(&self, of: NumberOf, data: &Dataset, a: &Analytics) -> Cow<'_, Numbers> {
        let build = || numbers(of, data, a);
        cached(&self.numbers[of as usize], data, |c| c.values.len(), build)
    }

    pub(super) fn dates(&self, of: DateOf, data: &Dataset, a: &Analytics) -> Cow<'_, Numbers> {
        let build = || dates(of, data, a, self.offset);
        cached(&self.dates[of as usize], data, |c| c.values.len(), build)
    }

    /// The dictionary of an interned text field; `None` for the others (plain strings).
    pub(super) fn syms(&self, of: TextOf, data: &Dataset) -> Option<Cow<'_, Dict<Sym>>> {
        let k = match of {
            TextOf::City => 0,
            TextOf::Province => 1,
            TextOf::Channel => 2,
            TextOf::Level => 3,
            TextOf::Owner => 4,
            _ => return None,
        };
        let build = || sym_dict(data, |c| sym_of(of, c));
        Some(cached(&self.syms[k], data, |c| c.codes.len(), build))
    }

    /// Who has a value of a plain text field; `None` for the interned ones.
    pub(super) fn present(&self, of: TextOf, data: &Dataset) -> Option<Cow<'_, Bits>> {
        let k = match of {
            TextOf::Name => 0,
            TextOf::Phone => 1,
            TextOf::Email => 2,
            TextOf::ExternalId => 3,
            _ => return None,
        };
        let build = || {
            Bits::from_fn(data.customers.len(), |i| {
                plain_text(of, &data.customers[i]).is_some_and(|s| !s.trim().is_empty())
            })
        };
        Some(cached(&self.present[k], data, Bits::len, build))
    }

    /// Builds the `k`-th column of every column there is (most asked-for first), if not built
    /// yet; false past the last. The segment page builds them one per step while the user
    /// types, so that the first query finds them built (at 500,000 customers, building the
    /// ten columns of a typical rule took the first query ~300 ms).
    pub fn warm(&self, data: &Dataset, a: &Analytics, k: usize) -> bool {
        use TextOf as T;
        const TEXTS: [TextOf; 9] = [
            T::City,
            T::Name,
            T::Province,
            T::Channel,
            T::Level,
            T::Owner,
            T::Phone,
            T::Email,
            T::ExternalId,
        ];
        let (n, d, t) = (NUMBER_FIELDS.len(), DATE_FIELDS.len(), TEXTS.len());
        match k {
            k if k < n => drop(self.numbers(NUMBER_FIELDS[k], data, a)),
            k if k < n + d => drop(self.dates(DATE_FIELDS[k - n], data, a)),
            k if k < n + d + 3 => match k - n - d {
                0 => drop(self.stages(data, a)),
                1 => drop(self.groups(data, a)),
                _ => drop(self.tiers(data, a)),
            },
            k if k == n + d + 3 => drop(self.tags(data)),
            k if k < n + d + 4 + t => {
                let of = TEXTS[k - n - d - 4];
                drop(self.syms(of, data));
                drop(self.present(of, data));
            }
            _ => return false,
        }
        true
    }

    pub(super) fn tags(&self, data: &Dataset) -> Cow<'_, TagColumn> {
        cached(
            &self.tags,
            data,
            |c| c.starts.len() - 1,
            || tag_column(data),
        )
    }

    pub(super) fn stages(&self, data: &Dataset, a: &Analytics) -> Cow<'_, Labels> {
        let build = || labels(data, a, |m| label_at(0, m));
        cached(&self.labels[0], data, |l| l.0.len(), build)
    }

    pub(super) fn groups(&self, data: &Dataset, a: &Analytics) -> Cow<'_, Labels> {
        let build = || labels(data, a, |m| label_at(1, m));
        cached(&self.labels[1], data, |l| l.0.len(), build)
    }

    pub(super) fn tiers(&self, data: &Dataset, a: &Analytics) -> Cow<'_, Labels> {
        let build = || labels(data, a, |m| label_at(2, m));
        cached(&self.labels[2], data, |l| l.0.len(), build)
    }

    /// Builds the `wanted` number, date and label columns not built yet in one pass over the
    /// customers and their metrics, rather than a pass each when a condition first asks:
    /// each pass reads a cache line or two of every customer's metrics (far larger than the
    /// columns), and a query's conditions mostly read the same lines. For columns built for
    /// one query, whose conditions each build theirs: a column no condition reaches in the end
    /// costs little more in the shared pass.
    pub(super) fn fill(&self, data: &Dataset, a: &Analytics, wanted: &Wanted) {
        let n = data.customers.len();
        let numbers = NUMBER_FIELDS
            .into_iter()
            .filter(|&of| wanted.numbers[of as usize] && self.numbers[of as usize].get().is_none());
        let dates = DATE_FIELDS
            .into_iter()
            .filter(|&of| wanted.dates[of as usize] && self.dates[of as usize].get().is_none());
        let valued = numbers.map(Valued::Number).chain(dates.map(Valued::Date));
        let mut filling: Vec<Filling> = valued
            .map(|of| Filling::Values(of, Vec::with_capacity(n), Vec::with_capacity(n)))
            .collect();
        for k in 0..3 {
            if wanted.labels[k] && self.labels[k].get().is_none() {
                filling.push(Filling::Label(k, Vec::with_capacity(n)));
            }
        }
        // A single column: its own pass is the same pass.
        if filling.len() < 2 {
            return;
        }
        for i in 0..n {
            for f in &mut filling {
                match f {
                    Filling::Values(of, values, present) => {
                        let v = match *of {
                            Valued::Number(of) => number_at(of, data, a, i),
                            Valued::Date(of) => date_at(of, data, a, self.offset, i),
                        };
                        values.push(v.unwrap_or(0));
                        present.push(v.is_some());
                    }
                    Filling::Label(k, values) => {
                        values.push(label_at(*k, metrics(a, i)).unwrap_or(NO_LABEL));
                    }
                }
            }
        }
        // Each cell was empty above and nothing else fills it meanwhile (a query fills its
        // columns alone), so the sets succeed; were one filled, its column would be the same.
        for f in filling {
            let present = |p: Vec<bool>| Bits::from_fn(n, |i| p[i]);
            match f {
                Filling::Values(Valued::Number(of), values, p) => {
                    let present = (!always(of)).then(|| present(p));
                    let _ = self.numbers[of as usize].set(Numbers { values, present });
                }
                Filling::Values(Valued::Date(of), values, p) => {
                    let present = Some(present(p));
                    let _ = self.dates[of as usize].set(Numbers { values, present });
                }
                Filling::Label(k, values) => {
                    let _ = self.labels[k].set(Labels(values));
                }
            }
        }
    }
}

/// The cached column if it fits the data's size, else one built for this query alone.
fn cached<'c, T: Clone>(
    cell: &'c OnceLock<T>,
    data: &Dataset,
    len: impl Fn(&T) -> usize,
    build: impl FnOnce() -> T,
) -> Cow<'c, T> {
    let n = data.customers.len();
    match cell.get() {
        Some(c) if len(c) == n => Cow::Borrowed(c),
        Some(_) => Cow::Owned(build()),
        // Built here from this data, so it fits.
        None => Cow::Borrowed(cell.get_or_init(build)),
    }
}

/// The metrics of the customer at `i`; none for a customer the analytics do not cover.
fn metrics(a: &Analytics, i: usize) -> &CustomerMetrics {
    static NONE: LazyLock<CustomerMetrics> = LazyLock::new(CustomerMetrics::default);
    a.customers.get(i).unwrap_or(&NONE)
}

/// The number of the customer at `i` in the column of `of`.
fn number_at(of: NumberOf, data: &Dataset, a: &Analytics, i: usize) -> Option<i64> {
    let m = metrics(a, i);
    match of {
        NumberOf::Orders => Some(i64::from(m.orders)),
        NumberOf::R => m.r.map(i64::from),
        NumberOf::F => m.f.map(i64::from),
        NumberOf::M => m.m.map(i64::from),
        NumberOf::Points => data.customers.get(i).map(|c| c.points),
        NumberOf::RecencyDays => m.recency_days,
        NumberOf::TotalSpent => Some(m.total_spent),
        NumberOf::Aov => m.aov,
        NumberOf::Ltv => m.ltv,
    }
}

/// Whether every customer has a number of `of` (its column then has no `present`).
fn always(of: NumberOf) -> bool {
    matches!(
        of,
        NumberOf::Orders | NumberOf::Points | NumberOf::TotalSpent
    )
}

fn numbers(of: NumberOf, data: &Dataset, a: &Analytics) -> Numbers {
    let value = |i: usize| number_at(of, data, a, i);
    optional_column(data.customers.len(), value, always(of))
}

/// The day number of the customer at `i` in the column of `of`.
fn date_at(
    of: DateOf,
    data: &Dataset,
    a: &Analytics,
    offset: FixedOffset,
    i: usize,
) -> Option<i64> {
    let day = |t: Timestamp| local_day(t, offset);
    match of {
        DateOf::LastOrder => metrics(a, i).last_order.and_then(day),
        DateOf::FirstOrder => metrics(a, i).first_order.and_then(day),
        DateOf::Created => data.customers.get(i).and_then(|c| day(c.created_at)),
    }
}

fn dates(of: DateOf, data: &Dataset, a: &Analytics, offset: FixedOffset) -> Numbers {
    let value = |i: usize| date_at(of, data, a, offset, i);
    optional_column(data.customers.len(), value, false)
}

/// The label of a customer's metrics in the labels column `k`: stage (0), RFM group (1),
/// tier (2).
fn label_at(k: usize, m: &CustomerMetrics) -> Option<u8> {
    match k {
        0 => m.stage.and_then(|s| position(&Stage::ALL, s)),
        1 => m.group.and_then(|g| position(&RfmGroup::ALL, g)),
        // Tier numbers are below MAX_TIER_RULES + 1, far from NO_LABEL.
        _ => m.tier.map(|t| t.0.min(NO_LABEL - 1)),
    }
}

/// The columns a query asks for, by their index in [`SegmentColumns`]' arrays.
#[derive(Default)]
pub(super) struct Wanted {
    pub numbers: [bool; 9],
    pub dates: [bool; 3],
    pub labels: [bool; 3],
}

/// A column being filled by [`SegmentColumns::fill`]: numbers or dates (day numbers) and who
/// has one, or labels.
enum Filling {
    Values(Valued, Vec<i64>, Vec<bool>),
    Label(usize, Vec<u8>),
}

/// A column of numbers: a number field's, or a date field's as day numbers.
#[derive(Clone, Copy)]
enum Valued {
    Number(NumberOf),
    Date(DateOf),
}

fn optional_column(n: usize, value: impl Fn(usize) -> Option<i64>, always: bool) -> Numbers {
    let values: Vec<Option<i64>> = (0..n).map(value).collect();
    Numbers {
        present: (!always).then(|| Bits::from_fn(n, |i| values[i].is_some())),
        values: values.into_iter().map(|v| v.unwrap_or(0)).collect(),
    }
}

/// The day number of a moment in the time zone, if it is a date at all (the same range as
/// [`crate::time::day_date`]).
pub(super) fn local_day(t: Timestamp, offset: FixedOffset) -> Option<i64> {
    static RANGE: LazyLock<(i64, i64)> =
        LazyLock::new(|| (day_number(NaiveDate::MIN), day_number(NaiveDate::MAX)));
    let d = t.local_day(offset);
    (RANGE.0..=RANGE.1).contains(&d).then_some(d)
}

pub(super) fn sym_of(of: TextOf, c: &Customer) -> Option<Sym> {
    match of {
        TextOf::City => c.city,
        TextOf::Province => c.province,
        TextOf::Channel => c.channel,
        TextOf::Level => c.member_level,
        TextOf::Owner => c.owner,
        _ => None,
    }
}

/// A plain (not interned) text field of a customer.
pub(super) fn plain_text(of: TextOf, c: &Customer) -> Option<&str> {
    match of {
        TextOf::Name => Some(&c.name),
        TextOf::Phone => c.phone.as_deref(),
        TextOf::Email => c.email.as_deref(),
        TextOf::ExternalId => c.external_id.as_deref(),
        _ => None,
    }
}

fn sym_dict(data: &Dataset, of: impl Fn(&Customer) -> Option<Sym>) -> Dict<Sym> {
    let mut ids: FxHashMap<Sym, u32> = FxHashMap::default();
    let mut distinct = Vec::new();
    let codes = data
        .customers
        .iter()
        .map(|c| match of(c) {
            None => 0,
            Some(s) => *ids.entry(s).or_insert_with(|| {
                distinct.push(s);
                distinct.len() as u32
            }),
        })
        .collect();
    Dict { codes, distinct }
}

fn tag_column(data: &Dataset) -> TagColumn {
    // By symbol: tags are interned, so a tag's code is found without reading its text (the
    // texts, scattered over the heap, were a cache miss per tag when tags were strings).
    let mut ids: FxHashMap<Sym, u32> = FxHashMap::default();
    let mut distinct: Vec<String> = Vec::new();
    let mut starts = Vec::with_capacity(data.customers.len() + 1);
    let mut codes = Vec::new();
    starts.push(0);
    for c in &data.customers {
        for &t in &c.tags {
            let code = *ids.entry(t).or_insert_with(|| {
                distinct.push(t.as_str().to_string());
                distinct.len() as u32 - 1
            });
            codes.push(code);
        }
        starts.push(codes.len() as u32);
    }
    TagColumn {
        starts,
        codes,
        distinct,
    }
}

fn labels(data: &Dataset, a: &Analytics, of: impl Fn(&CustomerMetrics) -> Option<u8>) -> Labels {
    Labels(
        (0..data.customers.len())
            .map(|i| of(metrics(a, i)).unwrap_or(NO_LABEL))
            .collect(),
    )
}

fn position<T: PartialEq>(all: &[T], x: T) -> Option<u8> {
    all.iter().position(|y| *y == x).map(|k| k as u8)
}
