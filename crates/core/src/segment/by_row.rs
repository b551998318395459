//! The customer-by-customer walk of a bound tree: how [`super::eval`] evaluated segments
//! before it went column-wise, kept as the reference the property tests compare the columns
//! with (crates/core/tests/segment_columns.rs). [`super::eval`] still tests single customers
//! this way ([`test_at`]) when a group has only a few left undecided. The analytics are read
//! from their columns a field at a time (a test reads one or two of a customer's figures).

use super::ast::{Group, Op};
use super::bind::{
    Bound, BoundGroup, BoundNode, DateTest, Memberships, NumberTest, TagsTest, Test, TextOf, bind,
};
use super::columns;
use super::eval::{label, same_text, text};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings};
use crate::model::Customer;
use crate::sym::Sym;

/// Whether each position `0..positions` matches (positions past the customers included: no
/// condition holds there), walking the tree once per customer.
#[doc(hidden)]
pub fn matches_by_row(
    data: &Dataset,
    analytics: &Analytics,
    settings: &AnalyticsSettings,
    root: &Group,
    segments: Option<&Memberships>,
    positions: usize,
) -> Vec<bool> {
    let w = Walker {
        data,
        analytics,
        bound: bind(data, analytics, settings, root, segments),
    };
    (0..positions).map(|i| w.matches(i)).collect()
}

struct Walker<'a> {
    data: &'a Dataset,
    analytics: &'a Analytics,
    bound: Bound<'a>,
}

impl Walker<'_> {
    /// Whether the customer at `i` (in `data.customers`) matches.
    pub fn matches(&self, i: usize) -> bool {
        let row = self
            .data
            .customers
            .get(i)
            .map(|customer| Row { i, customer });
        self.group(&self.bound.root, row.as_ref())
    }

    fn group(&self, g: &BoundGroup, row: Option<&Row>) -> bool {
        let node = |n: &BoundNode| match n {
            // A position past the customers meets no condition.
            BoundNode::Test(t) => {
                row.is_some_and(|r| test(&self.bound, self.data, self.analytics, t, r))
            }
            BoundNode::Group(inner) => self.group(inner, row),
        };
        let result = match g.op {
            Op::And => g.items.iter().all(node),
            Op::Or => g.items.iter().any(node),
        };
        result != g.negated
    }
}

fn test(bound: &Bound, data: &Dataset, analytics: &Analytics, t: &Test, r: &Row) -> bool {
    let (c, m, i) = (r.customer, &analytics.customers, r.i);
    match t {
        Test::Text(of, test) => text(text_of(*of, c), test),
        Test::Tags(test) => tags(&c.tags, test),
        Test::Number(of, test) => number(columns::number_at(*of, data, analytics, i), *test),
        Test::Count(k, test) => {
            let n = bound.counts.get(*k).and_then(|v| v.get(i));
            number(Some(i64::from(n.copied().unwrap_or(0))), *test)
        }
        Test::Date(of, test) => date(
            columns::date_at(*of, data, analytics, bound.offset, i),
            *test,
        ),
        Test::Stage(test) => label(m.stage(i), test),
        Test::Group(test) => label(m.group(i), test),
        Test::Tier(test) => label(m.tier(i).map(|t| analytics.tier_code(t)), test),
        Test::OpenComplaint => bound.open_complaint.get(i).copied().unwrap_or(false),
        Test::Member(members) => members.and_then(|f| f.get(i).copied()).unwrap_or(false),
    }
}

/// One condition for the customer at `i` alone (false past the customers): how
/// [`super::eval`] tests the few customers a group still has undecided, without building a
/// column for them.
pub(super) fn test_at(
    data: &Dataset,
    analytics: &Analytics,
    bound: &Bound,
    t: &Test,
    i: usize,
) -> bool {
    data.customers
        .get(i)
        .is_some_and(|customer| test(bound, data, analytics, t, &Row { i, customer }))
}

/// The customer being tested, looked up once for all its conditions.
struct Row<'c> {
    i: usize,
    customer: &'c Customer,
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

fn tags(v: &[Sym], test: &TagsTest) -> bool {
    let has = |w: &String| v.iter().any(|t| same_text(t.as_str(), w));
    match test {
        TagsTest::IsEmpty => v.is_empty(),
        TagsTest::IsNotEmpty => !v.is_empty(),
        TagsTest::Any(list) => list.iter().any(has),
        TagsTest::All(list) => list.iter().all(has),
        TagsTest::None(list) => !list.iter().any(has),
        TagsTest::Never => false,
    }
}
