//! Stage 5: which customers a bound tree matches.
//!
//! **Missing values**, one rule everywhere: a condition on a value the customer does not have
//! (no city, no orders so no R/F/M/AOV/last order, no LTV) is false — except `IS EMPTY`, which
//! is true. So `!=` and `NOT IN` do not match customers without the value; `NOT (city = "上海")`
//! does. Counts (orders, behaviour, contacts), net spend and points are never missing (0).
//!
//! Relative spans (`WITHIN 90d`) end the day before the analytics' reference date, so they
//! agree with R. Dates are calendar days in the settings' time zone.

use super::ast::{Group, Op};
use super::bind::{
    Bound, BoundGroup, BoundNode, DateOf, DateTest, LabelTest, Memberships, NumberOf, NumberTest,
    TagsTest, Test, TextOf, TextTest, bind,
};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings, CustomerMetrics};
use crate::model::Customer;
use crate::sym::Sym;
use crate::time::{Timestamp, day_number};
use chrono::NaiveDate;
use std::sync::LazyLock;

/// A rule tree ready to test customers: bound to the data once, up front.
pub struct Matcher<'a> {
    data: &'a Dataset,
    analytics: &'a Analytics,
    bound: Bound<'a>,
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
        Matcher {
            data,
            analytics,
            bound: bind(data, analytics, settings, root, None),
        }
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
        Matcher {
            data,
            analytics,
            bound: bind(data, analytics, settings, root, Some(segments)),
        }
    }

    /// Whether the customer at `i` (in `data.customers`) matches.
    pub fn matches(&self, i: usize) -> bool {
        static NONE: LazyLock<CustomerMetrics> = LazyLock::new(CustomerMetrics::default);
        let row = self.data.customers.get(i).map(|customer| Row {
            i,
            customer,
            m: self.analytics.customers.get(i).unwrap_or(&NONE),
        });
        self.group(&self.bound.root, row.as_ref())
    }

    /// Positions of the matching customers, in data order.
    pub fn matching(&self) -> Vec<usize> {
        (0..self.data.customers.len())
            .filter(|&i| self.matches(i))
            .collect()
    }

    fn group(&self, g: &BoundGroup, row: Option<&Row>) -> bool {
        let node = |n: &BoundNode| match n {
            // A position past the customers meets no condition.
            BoundNode::Test(t) => row.is_some_and(|r| self.test(t, r)),
            BoundNode::Group(inner) => self.group(inner, row),
        };
        let result = match g.op {
            Op::And => g.items.iter().all(node),
            Op::Or => g.items.iter().any(node),
        };
        result != g.negated
    }

    fn test(&self, t: &Test, r: &Row) -> bool {
        let (c, m, i) = (r.customer, r.m, r.i);
        match t {
            Test::Text(of, test) => text(text_of(*of, c), test),
            Test::Tags(test) => tags(&c.tags, test),
            Test::Number(of, test) => number(number_of(*of, c, m), *test),
            Test::Count(k, test) => {
                let n = self.bound.counts.get(*k).and_then(|v| v.get(i));
                number(Some(i64::from(n.copied().unwrap_or(0))), *test)
            }
            Test::Date(of, test) => {
                let day = |t: Timestamp| local_day(t, self.bound.offset);
                let v = match of {
                    DateOf::LastOrder => m.last_order.and_then(day),
                    DateOf::FirstOrder => m.first_order.and_then(day),
                    DateOf::Created => day(c.created_at),
                };
                date(v, *test)
            }
            Test::Stage(test) => label(m.stage, test),
            Test::Group(test) => label(m.group, test),
            Test::Tier(test) => label(m.tier.map(|t| self.analytics.tier_code(t)), test),
            Test::OpenComplaint => self.bound.open_complaint.get(i).copied().unwrap_or(false),
            Test::Member(members) => members.and_then(|f| f.get(i).copied()).unwrap_or(false),
        }
    }
}

/// The customer being tested, looked up once for all its conditions.
struct Row<'c> {
    i: usize,
    customer: &'c Customer,
    m: &'c CustomerMetrics,
}

/// How many customers match.
pub fn count_matches(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
) -> usize {
    let m = Matcher::new(data, analytics, settings, root);
    (0..data.customers.len()).filter(|&i| m.matches(i)).count()
}

fn text_of(of: TextOf, c: &Customer) -> Option<&str> {
    match of {
        TextOf::Name => Some(&c.name),
        TextOf::Phone => c.phone.as_deref(),
        TextOf::Email => c.email.as_deref(),
        TextOf::City => c.city.map(Sym::as_str),
        TextOf::Province => c.province.map(Sym::as_str),
        TextOf::Channel => c.channel.map(Sym::as_str),
        TextOf::Level => c.member_level.map(Sym::as_str),
        TextOf::Owner => c.owner.map(Sym::as_str),
        TextOf::ExternalId => c.external_id.as_deref(),
    }
}

fn number_of(of: NumberOf, c: &Customer, m: &CustomerMetrics) -> Option<i64> {
    match of {
        NumberOf::Orders => Some(i64::from(m.orders)),
        NumberOf::R => m.r.map(i64::from),
        NumberOf::F => m.f.map(i64::from),
        NumberOf::M => m.m.map(i64::from),
        NumberOf::Points => Some(c.points),
        NumberOf::RecencyDays => m.recency_days,
        NumberOf::TotalSpent => Some(m.total_spent),
        NumberOf::Aov => m.aov,
        NumberOf::Ltv => m.ltv,
    }
}

/// The day number of a moment in the time zone, if it is a date at all (the same range as
/// [`crate::time::day_date`]).
fn local_day(t: Timestamp, offset: chrono::FixedOffset) -> Option<i64> {
    static RANGE: LazyLock<(i64, i64)> =
        LazyLock::new(|| (day_number(NaiveDate::MIN), day_number(NaiveDate::MAX)));
    let d = t.local_day(offset);
    (RANGE.0..=RANGE.1).contains(&d).then_some(d)
}

fn present(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// Equal ignoring the case of Latin letters (Chinese has none), without allocating: this
/// runs per customer and value.
fn same_text(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn text(v: Option<&str>, test: &TextTest) -> bool {
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

fn label<K: PartialEq + Copy>(v: Option<K>, test: &LabelTest<K>) -> bool {
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

fn number(v: Option<i64>, test: NumberTest) -> bool {
    match test {
        NumberTest::IsEmpty => v.is_none(),
        NumberTest::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            match test {
                NumberTest::Eq(w) => v == w,
                NumberTest::Ne(w) => v != w,
                NumberTest::Gt(w) => v > w,
                NumberTest::Ge(w) => v >= w,
                NumberTest::Lt(w) => v < w,
                NumberTest::Le(w) => v <= w,
                NumberTest::Between(lo, hi) => v >= lo && v <= hi,
                _ => false,
            }
        }
    }
}

fn date(v: Option<i64>, test: DateTest) -> bool {
    match test {
        DateTest::IsEmpty => v.is_none(),
        DateTest::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            match test {
                DateTest::Eq(w) => v == w,
                DateTest::Ne(w) => v != w,
                DateTest::Lt(w) => v < w,
                DateTest::Gt(w) => v > w,
                DateTest::Ge(w) => v >= w,
                DateTest::Between(lo, hi) => v >= lo && v <= hi,
                _ => false,
            }
        }
    }
}

fn tags(v: &[String], test: &TagsTest) -> bool {
    let has = |w: &String| v.iter().any(|t| same_text(t, w));
    match test {
        TagsTest::IsEmpty => v.is_empty(),
        TagsTest::IsNotEmpty => !v.is_empty(),
        TagsTest::Any(list) => list.iter().any(has),
        TagsTest::All(list) => list.iter().all(has),
        TagsTest::None(list) => !list.iter().any(has),
        TagsTest::Never => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
