//! The customers' values a segment tests, one column per field: built the first time a
//! condition asks for the field and kept for the next queries over the same data (the
//! segment page re-counts on every keystroke; the data does not change in between).
//!
//! Reading `Customer` row by row touches a few hundred bytes per customer for each value; a
//! column holds just the value (8 bytes, or a 4-byte code), so a condition over 100,000
//! customers is a tight loop over under a megabyte. Interned texts (city, channel, …) and
//! tags become small dictionary codes, so a text test is worked out once per distinct value
//! and then looked up per customer. The analytics are stored column-wise already
//! ([`crate::metrics::MetricsTable`]): their number and label columns are read as they are,
//! and the others (paid orders, scores, dates as local days) are a quick pass over one of
//! them.

use super::bind::{DateOf, NumberOf, TextOf};
use super::bits::Bits;
use crate::dataset::Dataset;
pub(super) use crate::metrics::Numbers;
use crate::metrics::{Analytics, AnalyticsSettings, MetricsTable, NumberColumn, SmallColumn};
use crate::model::Customer;
use crate::sym::Sym;
use crate::time::{Timestamp, day_number};
use chrono::{FixedOffset, NaiveDate};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

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

/// The label of a customer without one in a label column (stage: position in `Stage::ALL`,
/// group: in `RfmGroup::ALL`, tier number), as the analytics' table stores it.
pub(super) const NO_LABEL: u8 = MetricsTable::NONE;

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
        }
    }

    pub(super) fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// Whether these columns outlive the query ([`SegmentColumns::new`]).
    pub(super) fn kept(&self) -> bool {
        self.kept
    }

    /// Whether the column a test reads is built already or is a quick pass over one of the
    /// analytics' columns (reading it is then cheap).
    pub(super) fn has_numbers(&self, of: NumberOf) -> bool {
        of != NumberOf::Points || self.numbers[of as usize].get().is_some()
    }

    pub(super) fn has_dates(&self, of: DateOf) -> bool {
        of != DateOf::Created || self.dates[of as usize].get().is_some()
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

    pub(super) fn numbers<'s>(
        &'s self,
        of: NumberOf,
        data: &Dataset,
        a: &'s Analytics,
    ) -> Cow<'s, Numbers> {
        if let Some(stored) = stored(of)
            && a.customers.len() == data.customers.len()
        {
            return Cow::Borrowed(a.customers.numbers(stored));
        }
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
            k if k == n + d => drop(self.tags(data)),
            k if k < n + d + 1 + t => {
                let of = TEXTS[k - n - d - 1];
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

    /// Stage (0), RFM group (1), tier (2) of every customer: the analytics' own column.
    pub(super) fn labels<'s>(k: usize, data: &Dataset, a: &'s Analytics) -> Cow<'s, [u8]> {
        let of = [SmallColumn::Stage, SmallColumn::Group, SmallColumn::Tier][k.min(2)];
        let stored = a.customers.small(of);
        if stored.len() == data.customers.len() {
            return Cow::Borrowed(stored);
        }
        // Analytics of other data (a caller's slip): their labels where they have them.
        let padded = (0..data.customers.len()).map(|i| stored.get(i).copied().unwrap_or(NO_LABEL));
        Cow::Owned(padded.collect())
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

/// The analytics' column a number field is read from as it is stored.
fn stored(of: NumberOf) -> Option<NumberColumn> {
    match of {
        NumberOf::TotalSpent => Some(NumberColumn::TotalSpent),
        NumberOf::Aov => Some(NumberColumn::Aov),
        NumberOf::RecencyDays => Some(NumberColumn::RecencyDays),
        NumberOf::Ltv => Some(NumberColumn::Ltv),
        _ => None,
    }
}

/// The number of the customer at `i` in the column of `of` (a customer the analytics do not
/// cover has no figures: 0 orders, 0 spent).
pub(super) fn number_at(of: NumberOf, data: &Dataset, a: &Analytics, i: usize) -> Option<i64> {
    let t = &a.customers;
    let score = |of: SmallColumn| t.small_at(of, i).map(i64::from);
    match of {
        NumberOf::Orders => Some(t.orders().get(i).map_or(0, |&o| i64::from(o))),
        NumberOf::R => score(SmallColumn::R),
        NumberOf::F => score(SmallColumn::F),
        NumberOf::M => score(SmallColumn::M),
        NumberOf::Points => data.customers.get(i).map(|c| c.points),
        NumberOf::TotalSpent => Some(t.total_spent(i)),
        NumberOf::RecencyDays => t.numbers(NumberColumn::RecencyDays).get(i),
        NumberOf::Aov => t.numbers(NumberColumn::Aov).get(i),
        NumberOf::Ltv => t.numbers(NumberColumn::Ltv).get(i),
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
    let (t, n) = (&a.customers, data.customers.len());
    // The analytics' paid orders and scores widened to numbers in a straight pass.
    let score = match of {
        NumberOf::R => Some(SmallColumn::R),
        NumberOf::F => Some(SmallColumn::F),
        NumberOf::M => Some(SmallColumn::M),
        _ => None,
    };
    if t.len() == n {
        if let NumberOf::Orders = of {
            let values = t.orders().iter().map(|&o| i64::from(o)).collect();
            return Numbers {
                values,
                present: None,
            };
        }
        if let Some(score) = score {
            let s = t.small(score);
            let has = |v: u8| v != MetricsTable::NONE;
            return Numbers {
                values: s
                    .iter()
                    .map(|&v| if has(v) { i64::from(v) } else { 0 })
                    .collect(),
                present: Some(Bits::from_fn(n, |i| has(s[i]))),
            };
        }
    }
    let value = |i: usize| number_at(of, data, a, i);
    optional_column(n, value, always(of))
}

/// The day number of the customer at `i` in the column of `of`.
pub(super) fn date_at(
    of: DateOf,
    data: &Dataset,
    a: &Analytics,
    offset: FixedOffset,
    i: usize,
) -> Option<i64> {
    let day = |t: Timestamp| local_day(t, offset);
    match of {
        DateOf::LastOrder => a.customers.last_order(i).and_then(day),
        DateOf::FirstOrder => a.customers.first_order(i).and_then(day),
        DateOf::Created => data.customers.get(i).and_then(|c| day(c.created_at)),
    }
}

fn dates(of: DateOf, data: &Dataset, a: &Analytics, offset: FixedOffset) -> Numbers {
    let n = data.customers.len();
    let stored = match of {
        DateOf::LastOrder => Some(NumberColumn::LastOrder),
        DateOf::FirstOrder => Some(NumberColumn::FirstOrder),
        DateOf::Created => None,
    };
    if let Some(stored) = stored
        && a.customers.len() == n
    {
        // The analytics' moments made local days in one straight pass, 64 customers a word
        // of `present` (date_at per customer looked each one up: 1 ms at 100,000).
        let moments = a.customers.numbers(stored);
        let ((lo, hi), shift) = (*DAY_RANGE, crate::time::offset_millis(offset));
        let mut values = Vec::with_capacity(n);
        let mut words = Vec::with_capacity(n.div_ceil(64));
        for (w, chunk) in moments.values.chunks(64).enumerate() {
            let has = moments
                .present
                .as_ref()
                .map_or(u64::MAX, |p| p.words().get(w).copied().unwrap_or(0));
            let mut word = 0u64;
            for (k, &ms) in chunk.iter().enumerate() {
                let day = Timestamp(ms).local_day_shifted(shift);
                let ok = (has >> k) & 1 == 1 && lo <= day && day <= hi;
                word |= u64::from(ok) << k;
                values.push(if ok { day } else { 0 });
            }
            words.push(word);
        }
        return Numbers {
            values,
            present: Some(Bits::from_words(words, n)),
        };
    }
    let value = |i: usize| date_at(of, data, a, offset, i);
    optional_column(n, value, false)
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
    let d = t.local_day(offset);
    (DAY_RANGE.0..=DAY_RANGE.1).contains(&d).then_some(d)
}

/// The day numbers of the first and last dates there are.
static DAY_RANGE: LazyLock<(i64, i64)> =
    LazyLock::new(|| (day_number(NaiveDate::MIN), day_number(NaiveDate::MAX)));

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
