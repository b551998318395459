//! Stage 5: which customers a bound tree matches.
//!
//! **Missing values**, one rule everywhere: a condition on a value the customer does not have
//! (no city, no orders so no R/F/M/AOV/last order, no LTV) is false — except `IS EMPTY`, which
//! is true. So `!=` and `NOT IN` do not match customers without the value; `NOT (city = "上海")`
//! does. Counts (orders, behaviour, contacts), net spend and points are never missing (0).
//!
//! Relative spans (`WITHIN 90d`) end the day before the analytics' reference date, so they
//! agree with R. Dates are calendar days in the settings' time zone.
//!
//! **Column-wise.** Every condition is worked out for all customers at once, over a column of
//! the values it tests ([`super::columns`]), into a set of positions ([`Bits`]); groups
//! combine those sets 64 customers at a time. Labels, tiers and interned texts are compared
//! once per distinct value, not once per customer. The result is the one a customer-by-
//! customer walk of the tree gives (the rules below are that walk's, per value).

use super::ast::{Group, Op};
use super::bind::{
    Bound, BoundGroup, BoundNode, DateTest, LabelTest, Memberships, NumberTest, TagsTest, Test,
    TextOf, TextTest, bind,
};
use super::bits::Bits;
use super::by_row;
use super::columns::{self, NO_LABEL, Numbers, SegmentColumns};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings};
use crate::model::{RfmGroup, Stage, Tier};
use crate::sym::Sym;
use rustc_hash::FxHashMap;
use std::marker::PhantomData;

/// A rule tree's matches: the tree is bound to the data and evaluated for every customer
/// up front; asking about a customer is then reading a bit.
pub struct Matcher<'a> {
    matched: Bits,
    /// What the tree says of a position past the customers (no condition holds there).
    outside: bool,
    _data: PhantomData<&'a Dataset>,
}

impl<'a> Matcher<'a> {
    /// A matcher for a tree without `in_segment(…)` conditions (they match nobody here; see
    /// [`Matcher::with_segments`]).
    pub fn new(
        data: &'a Dataset,
        analytics: &'a Analytics,
        settings: &AnalyticsSettings,
        root: &'a Group,
    ) -> Self {
        let columns = SegmentColumns::for_one_query(settings);
        Self::with_columns(data, analytics, settings, root, None, &columns)
    }

    /// A matcher that answers `in_segment(…)` from resolved memberships
    /// ([`super::membership::resolve`]).
    pub fn with_segments(
        data: &'a Dataset,
        analytics: &'a Analytics,
        settings: &AnalyticsSettings,
        root: &'a Group,
        segments: &'a Memberships,
    ) -> Self {
        let columns = SegmentColumns::for_one_query(settings);
        Self::with_columns(data, analytics, settings, root, Some(segments), &columns)
    }

    /// A matcher reading (and filling) `columns`, which must have been made for this data and
    /// these analytics ([`SegmentColumns`]): the next query over the same data finds the
    /// columns it shares with this one built.
    pub fn with_columns(
        data: &'a Dataset,
        analytics: &'a Analytics,
        settings: &AnalyticsSettings,
        root: &'a Group,
        segments: Option<&'a Memberships>,
        columns: &SegmentColumns,
    ) -> Self {
        let bound = bind(data, analytics, settings, root, segments);
        // Columns dated in another time zone cannot serve these settings' dates.
        let own;
        let columns = if columns.offset() == bound.offset {
            columns
        } else {
            own = SegmentColumns::with_offset(bound.offset, false);
            &own
        };
        let eval = Eval {
            data,
            analytics,
            bound: &bound,
            columns,
            n: data.customers.len(),
        };
        Matcher {
            matched: eval.group(&bound.root, &Bits::all(data.customers.len())),
            outside: outside(&bound.root),
            _data: PhantomData,
        }
    }

    /// Whether the customer at `i` (in `data.customers`) matches.
    pub fn matches(&self, i: usize) -> bool {
        if i < self.matched.len() {
            self.matched.get(i)
        } else {
            self.outside
        }
    }

    /// Positions of the matching customers, in data order.
    pub fn matching(&self) -> Vec<usize> {
        self.matched.ones()
    }

    /// How many customers match.
    pub fn count(&self) -> usize {
        self.matched.count()
    }
}

/// How many customers match.
pub fn count_matches(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
) -> usize {
    Matcher::new(data, analytics, settings, root).count()
}

/// The tree at a position past the customers, where no condition holds.
fn outside(g: &BoundGroup) -> bool {
    let node = |n: &BoundNode| match n {
        BoundNode::Test(_) => false,
        BoundNode::Group(inner) => outside(inner),
    };
    let result = match g.op {
        Op::And => g.items.iter().all(node),
        Op::Or => g.items.iter().any(node),
    };
    result != g.negated
}

struct Eval<'e> {
    data: &'e Dataset,
    analytics: &'e Analytics,
    bound: &'e Bound<'e>,
    columns: &'e SegmentColumns,
    n: usize,
}

impl Eval<'_> {
    /// The customers among `among` that the group matches. Like the walk customer by
    /// customer, a group stops asking about a customer once it is decided: an AND passes on
    /// only those every item so far matched, an OR only those no item matched yet. Cheap
    /// items go first (AND and OR do not depend on their items' order), so the costly ones —
    /// free text, tags — see the fewest customers.
    fn group(&self, g: &BoundGroup, among: &Bits) -> Bits {
        let mut items: Vec<&BoundNode> = g.items.iter().collect();
        crate::sorting::sort_by_key(&mut items, |n| self.cost(n));
        let inner = match g.op {
            Op::And => {
                let mut acc = among.clone();
                for item in items {
                    if acc.is_none() {
                        break;
                    }
                    acc = self.node(item, &acc);
                }
                acc
            }
            Op::Or => {
                let mut acc = Bits::none(self.n);
                let mut open = among.clone();
                for item in items {
                    if open.is_none() {
                        break;
                    }
                    let hit = self.node(item, &open);
                    acc.or(&hit);
                    open.and_not(&hit);
                }
                acc
            }
        };
        if g.negated {
            let mut out = among.clone();
            out.and_not(&inner);
            out
        } else {
            inner
        }
    }

    fn node(&self, n: &BoundNode, among: &Bits) -> Bits {
        match n {
            BoundNode::Test(t) => self.test(t, among),
            BoundNode::Group(inner) => self.group(inner, among),
        }
    }

    /// 0: reads a built column or the figures bind made; 1: an interned text not in a column
    /// (a dictionary to build, or for one query a symbol per customer left); 2: reads strings
    /// customer by customer (free text, tags not yet built).
    fn cost(&self, n: &BoundNode) -> u8 {
        match n {
            BoundNode::Group(g) => g.items.iter().map(|n| self.cost(n)).max().unwrap_or(0),
            BoundNode::Test(t) if self.ready(t) => 0,
            BoundNode::Test(Test::Text(of, _)) if self.columns.syms_field(*of) => 1,
            BoundNode::Test(Test::Text(..) | Test::Tags(_)) => 2,
            BoundNode::Test(_) => 0,
        }
    }

    /// Whether the values a test reads are in a column already (or in bind's figures).
    fn ready(&self, t: &Test) -> bool {
        let c = self.columns;
        match t {
            Test::Text(of, TextTest::IsEmpty | TextTest::IsNotEmpty) => c.has_text(*of),
            Test::Text(of, _) => c.syms_field(*of) && c.has_text(*of),
            Test::Tags(_) => c.has_tags(),
            Test::Number(of, _) => c.has_numbers(*of),
            Test::Date(of, _) => c.has_dates(*of),
            // The analytics' own columns.
            Test::Stage(_) | Test::Group(_) | Test::Tier(_) => true,
            Test::Count(..) | Test::OpenComplaint | Test::Member(_) => true,
        }
    }

    /// The customers among `among` that meet a condition: read from its column (built now if
    /// need be), or — when few customers are left and the column is not built — tested one
    /// by one as the walk does, which costs less than a column over everyone.
    fn test(&self, t: &Test, among: &Bits) -> Bits {
        // Free text (contains, equals … on a name or phone) has no column: its strings are
        // read whatever happens.
        let no_column = matches!(t, Test::Text(of, test) if !self.columns.syms_field(*of)
            && !matches!(test, TextTest::IsEmpty | TextTest::IsNotEmpty));
        // Kept columns are built now even for a few customers: the next queries read them (a
        // walk of the few, every query, costs a cache miss per customer and value each time).
        if !self.ready(t) && (no_column || !self.columns.kept()) {
            let left = among.count();
            // Reading strings costs a memory access per customer, a column or not: below half
            // of everyone, one by one; other columns are sequential passes, cheap to build.
            let plain_text = matches!(t, Test::Text(of, _) if !self.columns.syms_field(*of));
            // An interned text for one query: each customer left costs a table lookup by
            // symbol, where a dictionary over everyone cost a hash lookup per customer.
            let one_by_one = if matches!(t, Test::Text(of, _) if self.columns.syms_field(*of)) {
                true
            } else if plain_text || matches!(t, Test::Tags(_)) {
                left * 2 <= self.n
            } else {
                left * 16 <= self.n
            };
            if one_by_one {
                return self.one_by_one(t, among);
            }
        }
        let mut b = self.test_all(t);
        b.and(among);
        b
    }

    /// The customers among `among` that meet a condition, tested one by one as the walk does
    /// and in position order. Interned values (a city, tags) are compared by symbol: each
    /// distinct symbol's text is tested once and remembered, where reading and comparing the
    /// text per customer was a cache miss per value.
    fn one_by_one(&self, t: &Test, among: &Bits) -> Bits {
        let (data, a, bound) = (self.data, self.analytics, self.bound);
        match t {
            Test::Tags(test) => {
                if let Some(b) = tags_one_by_one(data, among, test, among.count()) {
                    return b;
                }
            }
            Test::Text(of, test) if self.columns.syms_field(*of) => {
                return interned_one_by_one(data, among, *of, test, among.count());
            }
            _ => {}
        }
        among.filter(|i| by_row::test_at(data, a, bound, t, i))
    }

    /// A condition for every customer.
    fn test_all(&self, t: &Test) -> Bits {
        let (data, a, n) = (self.data, self.analytics, self.n);
        match t {
            Test::Text(of, test) => {
                if let Some(dict) = self.columns.syms(*of, data) {
                    // Each distinct value once; code 0 is "no value".
                    let table: Vec<bool> = std::iter::once(text(None, test))
                        .chain(dict.distinct.iter().map(|s| text(Some(s.as_str()), test)))
                        .collect();
                    return by_code(&dict.codes, &table);
                }
                match (test, self.columns.present(*of, data)) {
                    (TextTest::IsNotEmpty, Some(present)) => present.into_owned(),
                    (TextTest::IsEmpty, Some(present)) => {
                        let mut b = present.into_owned();
                        b.not();
                        b
                    }
                    _ => Bits::from_fn(n, |i| {
                        text(columns::plain_text(*of, &data.customers[i]), test)
                    }),
                }
            }
            Test::Tags(test) => tags(&self.columns.tags(data), test),
            Test::Number(of, test) => number(&self.columns.numbers(*of, data, a), *test),
            Test::Count(k, test) => {
                let counts = self.bound.counts.get(*k);
                let values = (0..n)
                    .map(|i| i64::from(counts.and_then(|c| c.get(i)).copied().unwrap_or(0)))
                    .collect();
                number(
                    &Numbers {
                        values,
                        present: None,
                    },
                    *test,
                )
            }
            Test::Date(of, test) => number(&self.columns.dates(*of, data, a), as_number(*test)),
            Test::Stage(test) => {
                let table = label_table(Stage::ALL.len(), |k| Stage::ALL.get(k).copied(), test);
                by_label(&SegmentColumns::labels(0, data, a), &table)
            }
            Test::Group(test) => {
                let table =
                    label_table(RfmGroup::ALL.len(), |k| RfmGroup::ALL.get(k).copied(), test);
                by_label(&SegmentColumns::labels(1, data, a), &table)
            }
            Test::Tier(test) => {
                let code = |k: usize| Some(a.tier_code(Tier(k as u8)));
                let table = label_table(usize::from(NO_LABEL), code, test);
                by_label(&SegmentColumns::labels(2, data, a), &table)
            }
            Test::OpenComplaint => {
                let open = &self.bound.open_complaint;
                Bits::from_fn(n, |i| open.get(i).copied().unwrap_or(false))
            }
            Test::Member(members) => Bits::from_fn(n, |i| {
                members.and_then(|f| f.get(i).copied()).unwrap_or(false)
            }),
        }
    }
}

/// The customers among `among` whose interned text `of` meets `test`, compared by symbol:
/// every symbol the test accepts found in one pass over the interner (when it holds at most
/// `limit` symbols), then a table lookup per customer; else each symbol's answer remembered
/// as it is met. Reading and comparing the text per customer was a cache miss per value.
fn interned_one_by_one(
    data: &Dataset,
    among: &Bits,
    of: TextOf,
    test: &TextTest,
    limit: usize,
) -> Bits {
    let none = text(None, test);
    let customer = |i: usize| data.customers.get(i);
    if let Some(yes) = Sym::matching(limit, |s| text(Some(s), test)) {
        let mut table = vec![false; yes.iter().map(|s| s.number() + 1).max().unwrap_or(0)];
        for s in yes {
            table[s.number()] = true;
        }
        let accepts = |s: Sym| table.get(s.number()).copied().unwrap_or(false);
        // Past the customers no condition holds (as in the walk).
        return among
            .filter(|i| customer(i).is_some_and(|c| columns::sym_of(of, c).map_or(none, accepts)));
    }
    let mut memo: FxHashMap<Sym, bool> = FxHashMap::default();
    among.filter(|i| {
        customer(i).is_some_and(|c| match columns::sym_of(of, c) {
            None => none,
            Some(s) => *memo
                .entry(s)
                .or_insert_with(|| text(Some(s.as_str()), test)),
        })
    })
}

/// Customers whose code's entry in `table` is true (a code past the table: false).
fn by_code(codes: &[u32], table: &[bool]) -> Bits {
    Bits::from_fn(codes.len(), |i| {
        table.get(codes[i] as usize).copied().unwrap_or(false)
    })
}

/// A label test worked out for every label (indices `0..count`, `label(k)` the label with
/// that index) and for "no label" (index [`NO_LABEL`]).
fn label_table<K: PartialEq + Copy>(
    count: usize,
    label_of: impl Fn(usize) -> Option<K>,
    test: &LabelTest<K>,
) -> [bool; 256] {
    let mut table = [false; 256];
    for (k, slot) in table.iter_mut().enumerate().take(count) {
        if let Some(v) = label_of(k) {
            *slot = label(Some(v), test);
        }
    }
    table[usize::from(NO_LABEL)] = label(None, test);
    table
}

fn by_label(column: &[u8], table: &[bool; 256]) -> Bits {
    Bits::from_fn(column.len(), |i| table[usize::from(column[i])])
}

/// A date test is a number test on day numbers.
fn as_number(test: DateTest) -> NumberTest {
    match test {
        DateTest::IsEmpty => NumberTest::IsEmpty,
        DateTest::IsNotEmpty => NumberTest::IsNotEmpty,
        DateTest::Eq(w) => NumberTest::Eq(w),
        DateTest::Ne(w) => NumberTest::Ne(w),
        DateTest::Lt(w) => NumberTest::Lt(w),
        DateTest::Gt(w) => NumberTest::Gt(w),
        DateTest::Ge(w) => NumberTest::Ge(w),
        DateTest::Between(lo, hi) => NumberTest::Between(lo, hi),
        DateTest::Never => NumberTest::Never,
    }
}

/// A number test over a column, with the missing-value rule: a customer without a value
/// meets only `IS EMPTY`. Each operator is its own loop of plain comparisons.
fn number(column: &Numbers, test: NumberTest) -> Bits {
    let v = &column.values;
    let n = v.len();
    let present = column.present.as_ref();
    let mut b = match test {
        NumberTest::IsEmpty => {
            return present.map_or_else(
                || Bits::none(n),
                |p| {
                    let mut b = p.clone();
                    b.not();
                    b
                },
            );
        }
        NumberTest::IsNotEmpty => return present.cloned().unwrap_or_else(|| Bits::all(n)),
        NumberTest::Never => return Bits::none(n),
        NumberTest::Eq(w) => Bits::from_fn(n, |i| v[i] == w),
        NumberTest::Ne(w) => Bits::from_fn(n, |i| v[i] != w),
        NumberTest::Gt(w) => Bits::from_fn(n, |i| v[i] > w),
        NumberTest::Ge(w) => Bits::from_fn(n, |i| v[i] >= w),
        NumberTest::Lt(w) => Bits::from_fn(n, |i| v[i] < w),
        NumberTest::Le(w) => Bits::from_fn(n, |i| v[i] <= w),
        NumberTest::Between(lo, hi) => Bits::from_fn(n, |i| v[i] >= lo && v[i] <= hi),
    };
    if let Some(p) = present {
        b.and(p);
    }
    b
}

/// A tags test for the customers among `among`, one by one: each distinct tag is compared
/// with the test's words once, into a mask of the words it equals; a customer's tags then
/// only OR their masks. `None` for the tests without words and for lists past 64 words
/// (tested by the walk instead).
fn tags_one_by_one(data: &Dataset, among: &Bits, test: &TagsTest, limit: usize) -> Option<Bits> {
    let words: &[String] = match test {
        TagsTest::Any(list) | TagsTest::All(list) | TagsTest::None(list) => list,
        _ => return None,
    };
    let full = match words.len() {
        64 => u64::MAX,
        k if k < 64 => (1u64 << k) - 1,
        _ => return None,
    };
    let meets = |seen: u64| match test {
        TagsTest::Any(_) => seen != 0,
        TagsTest::All(_) => seen == full,
        TagsTest::None(_) => seen == 0,
        _ => false,
    };
    let mask = |tag: &str| {
        let hits = words.iter().enumerate().filter(|(_, w)| same_text(tag, w));
        hits.fold(0u64, |m, (k, _)| m | 1 << k)
    };
    // Every tag a customer holds is interned, so the symbols equal to a word are all among
    // the interned ones: found in one pass over them (when there are fewer than customers to
    // read: `limit`), a word no symbol equals is one no customer has. Tags nobody has (a typo, a tag
    // of another shop) then decide every customer without reading any.
    let matching = Sym::matching(limit, |s| mask(s) != 0);
    if matching.as_ref().is_some_and(Vec::is_empty) {
        let answer = meets(0);
        // Past the customers no condition holds (as in the walk).
        return Some(among.filter(|i| answer && i < data.customers.len()));
    }
    let mut memo: FxHashMap<Sym, u64> = matching
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s, mask(s.as_str())))
        .collect();
    // With the matching symbols known, any other symbol matches no word.
    let known = !memo.is_empty();
    let mut mask_of = |s: Sym| match memo.get(&s) {
        Some(&m) => m,
        None if known => 0,
        None => *memo.entry(s).or_insert_with(|| mask(s.as_str())),
    };
    Some(among.filter(|i| {
        // Past the customers no condition holds (as in the walk).
        let Some(c) = data.customers.get(i) else {
            return false;
        };
        meets(c.tags.iter().fold(0, |m, &t| m | mask_of(t)))
    }))
}

fn tags(column: &columns::TagColumn, test: &TagsTest) -> Bits {
    let n = column.starts.len() - 1;
    let of = |i: usize| {
        let (a, b) = (column.starts[i] as usize, column.starts[i + 1] as usize);
        &column.codes[a..b]
    };
    // For a list of words: which distinct tags equal one of them.
    let matching = |words: &[String]| -> Vec<bool> {
        column
            .distinct
            .iter()
            .map(|t| words.iter().any(|w| same_text(t, w)))
            .collect()
    };
    let has_any = |table: &[bool]| Bits::from_fn(n, |i| of(i).iter().any(|&c| table[c as usize]));
    match test {
        TagsTest::IsEmpty => Bits::from_fn(n, |i| of(i).is_empty()),
        TagsTest::IsNotEmpty => Bits::from_fn(n, |i| !of(i).is_empty()),
        TagsTest::Any(list) => has_any(&matching(list)),
        TagsTest::All(list) => {
            let mut b = Bits::all(n);
            for w in list.iter() {
                b.and(&has_any(&matching(std::slice::from_ref(w))));
            }
            b
        }
        TagsTest::None(list) => {
            let mut b = has_any(&matching(list));
            b.not();
            b
        }
        TagsTest::Never => Bits::none(n),
    }
}

fn present(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// Equal ignoring the case of Latin letters (Chinese has none), without allocating: this
/// runs per customer and value.
pub(super) fn same_text(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub(super) fn text(v: Option<&str>, test: &TextTest) -> bool {
    let v = present(v);
    match test {
        TextTest::IsEmpty => v.is_none(),
        TextTest::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            match test {
                TextTest::Eq(w) => same_text(v, w),
                TextTest::Ne(w) => !same_text(v, w),
                TextTest::In(list) => list.iter().any(|w| same_text(v, w)),
                TextTest::NotIn(list) => !list.iter().any(|w| same_text(v, w)),
                TextTest::Contains(w) => contains_ignoring_case(v, w),
                TextTest::StartsWith(w) => v
                    .get(..w.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(w)),
                _ => false,
            }
        }
    }
}

fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

pub(super) fn label<K: PartialEq + Copy>(v: Option<K>, test: &LabelTest<K>) -> bool {
    match test {
        LabelTest::IsEmpty => v.is_none(),
        LabelTest::IsNotEmpty => v.is_some(),
        _ if v.is_none() => false,
        LabelTest::Eq(w) => w.is_some() && *w == v,
        LabelTest::Ne(w) => !(w.is_some() && *w == v),
        LabelTest::In(list) => list.iter().any(|w| Some(*w) == v),
        LabelTest::NotIn(list) => !list.iter().any(|w| Some(*w) == v),
        LabelTest::Never => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::columns::local_day;
    use super::*;
    use crate::time::Timestamp;
    use chrono::FixedOffset;

    #[test]
    fn days_outside_the_calendar_are_missing_like_day_date_says() {
        let utc = FixedOffset::east_opt(0).expect("utc");
        assert_eq!(local_day(Timestamp(0), utc), Some(0));
        assert_eq!(local_day(Timestamp(-1), utc), Some(-1));
        assert_eq!(local_day(Timestamp(i64::MAX), utc), None);
        assert_eq!(local_day(Timestamp(i64::MIN / 2), utc), None);
        for t in [
            i64::MIN / 2,
            -1,
            0,
            1_700_000_000_000,
            i64::MAX / 2,
            i64::MAX,
        ] {
            let t = Timestamp(t);
            assert_eq!(
                local_day(t, utc).is_some(),
                crate::time::day_date(t.local_day(utc)).is_some()
            );
        }
    }

    #[test]
    fn tags_tested_one_by_one_agree_whether_the_matching_symbols_are_listed_or_not() {
        let tagged: [&[&str]; 6] = [
            &[],
            &["VIP"],
            &["vip", "母婴"],
            &["母婴"],
            &["Vip", "new"],
            &["nobody's tag"],
        ];
        let mut data = Dataset::default();
        for (k, tags) in tagged.iter().enumerate() {
            let id = uuid::Uuid::from_u128(k as u128 + 1);
            let mut c = crate::model::Customer::new(id, "x", Timestamp(0));
            c.tags = tags.iter().map(|t| Sym::new(t)).collect();
            data.customers.push(c);
        }
        let n = tagged.len();
        let has = |i: usize, w: &String| tagged[i].iter().any(|t| t.eq_ignore_ascii_case(w));
        let words: [&[&str]; 5] = [
            &[],
            &["vip"],
            &["VIP", "母婴"],
            &["no such tag"],
            &["new", "vip"],
        ];
        for list in words {
            let list: Vec<String> = list.iter().map(|w| w.to_string()).collect();
            let tests = [
                (
                    TagsTest::Any(&list),
                    Bits::from_fn(n, |i| list.iter().any(|w| has(i, w))),
                ),
                (
                    TagsTest::All(&list),
                    Bits::from_fn(n, |i| list.iter().all(|w| has(i, w))),
                ),
                (
                    TagsTest::None(&list),
                    Bits::from_fn(n, |i| !list.iter().any(|w| has(i, w))),
                ),
            ];
            let among = Bits::from_fn(n, |i| i != 3);
            for (test, want) in tests {
                let mut want = want;
                want.and(&among);
                // Listed (the interner holds fewer symbols than usize::MAX) and not (0).
                for limit in [usize::MAX, 0] {
                    let got = tags_one_by_one(&data, &among, &test, limit);
                    assert_eq!(got.as_ref(), Some(&want), "{list:?} limit {limit}");
                }
            }
        }
    }

    #[test]
    fn interned_texts_tested_one_by_one_agree_whether_the_symbols_are_listed_or_not() {
        let cities = [
            None,
            Some("上海"),
            Some("杭州"),
            Some("SHANGHAI"),
            Some(" "),
            Some("上海"),
        ];
        let mut data = Dataset::default();
        for (k, city) in cities.iter().enumerate() {
            let id = uuid::Uuid::from_u128(k as u128 + 1);
            let mut c = crate::model::Customer::new(id, "x", Timestamp(0));
            c.city = city.map(Sym::new);
            data.customers.push(c);
        }
        let list = vec!["上海".to_string(), "shanghai".to_string()];
        let tests = [
            TextTest::IsEmpty,
            TextTest::IsNotEmpty,
            TextTest::Eq("上海"),
            TextTest::Ne("上海"),
            TextTest::In(&list),
            TextTest::NotIn(&list),
            TextTest::Contains("hang"),
            TextTest::StartsWith("杭"),
            TextTest::Eq("no such city"),
        ];
        // Position 3 is left out, and 6 and 7 lie past the customers.
        let among = Bits::from_fn(cities.len() + 2, |i| i != 3);
        for (k, test) in tests.iter().enumerate() {
            let want = Bits::from_fn(cities.len() + 2, |i| {
                i != 3 && i < cities.len() && text(cities[i], test)
            });
            // Listed (the interner holds fewer symbols than usize::MAX) and not (0).
            for limit in [usize::MAX, 0] {
                let got = interned_one_by_one(&data, &among, TextOf::City, test, limit);
                assert_eq!(got, want, "test {k} limit {limit}");
            }
        }
    }

    #[test]
    fn labels_compare_by_identity_and_follow_the_missing_value_rule() {
        assert!(label(Some(1), &LabelTest::Eq(Some(1))));
        assert!(!label(Some(1), &LabelTest::Eq(None)));
        assert!(label(Some(1), &LabelTest::Ne(None)));
        assert!(!label(None, &LabelTest::Ne(Some(1))));
        assert!(label(None::<u8>, &LabelTest::IsEmpty));
        assert!(label(Some(2), &LabelTest::NotIn(vec![1, 3])));
        assert!(!label(Some(2), &LabelTest::Never));
    }
}
