//! Stage 4: a typed tree bound to the data it will test, once, before any customer is looked
//! at. Labels become stages, groups and tier codes; dates and relative spans become day
//! numbers in the settings' time zone; `in_segment(…)` becomes that segment's member flags;
//! behaviour conditions become a count per customer (one pass over the events, orders or
//! activities each). What is left for [`super::eval`] per customer is reading a value and
//! comparing it.

use super::ast::{Condition, Group, Node, Op, Operator, Value};
use super::fields::Field;
use super::resolve::{label_group, label_stage, request_category};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings, RfmGroup, Stage};
use crate::model::{ActivityKind, OrderStatus};
use crate::sym::Sym;
use crate::time::{Timestamp, day_number};
use chrono::{FixedOffset, NaiveDate};
use std::collections::HashMap;

/// Members of every segment a tree names (directly or through other segments): one flag per
/// customer position. Filled by [`super::membership::resolve`].
#[derive(Clone, Debug, Default)]
pub struct Memberships {
    sets: HashMap<String, Vec<bool>>,
}

/// Segment names compare trimmed and ignoring case, as typed names do elsewhere.
pub(super) fn segment_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Memberships {
    pub fn get(&self, name: &str) -> Option<&[bool]> {
        self.sets.get(&segment_key(name)).map(Vec::as_slice)
    }

    pub(super) fn contains(&self, key: &str) -> bool {
        self.sets.contains_key(key)
    }

    pub(super) fn insert(&mut self, key: String, flags: Vec<bool>) {
        self.sets.insert(key, flags);
    }
}

/// A tree ready to be evaluated per customer.
pub struct Bound<'a> {
    pub(super) root: BoundGroup<'a>,
    pub(super) offset: FixedOffset,
    /// Per behaviour field of the tree (each once): a count per customer.
    pub(super) counts: Vec<Vec<u32>>,
    /// Per customer: an unresolved complaint (only when the tree asks).
    pub(super) open_complaint: Vec<bool>,
}

pub(super) struct BoundGroup<'a> {
    pub op: Op,
    pub negated: bool,
    pub items: Vec<BoundNode<'a>>,
}

pub(super) enum BoundNode<'a> {
    Test(Test<'a>),
    Group(BoundGroup<'a>),
}

/// One condition: which value of the customer, and what is asked of it.
pub(super) enum Test<'a> {
    Text(TextOf, TextTest<'a>),
    Tags(TagsTest<'a>),
    Number(NumberOf, NumberTest),
    /// A behaviour count, by index into [`Bound::counts`].
    Count(usize, NumberTest),
    Date(DateOf, DateTest),
    Stage(LabelTest<Stage>),
    Group(LabelTest<RfmGroup>),
    /// Tiers by code (Settings name them).
    Tier(LabelTest<&'a str>),
    OpenComplaint,
    /// A named segment's member flags; `None` (unresolved) matches nobody.
    Member(Option<&'a [bool]>),
}

#[derive(Clone, Copy)]
pub(super) enum TextOf {
    Name,
    Phone,
    Email,
    City,
    Province,
    Channel,
    Level,
    Owner,
    ExternalId,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberOf {
    Orders,
    R,
    F,
    M,
    Points,
    RecencyDays,
    TotalSpent,
    Aov,
    Ltv,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOf {
    LastOrder,
    FirstOrder,
    Created,
}

/// Text compares ignoring the case of Latin letters. `Never` is an operator that does not
/// apply (a tree built by hand may hold one): it matches nobody.
pub(super) enum TextTest<'a> {
    IsEmpty,
    IsNotEmpty,
    Eq(&'a str),
    Ne(&'a str),
    In(&'a [String]),
    NotIn(&'a [String]),
    Contains(&'a str),
    StartsWith(&'a str),
    Never,
}

pub(super) enum TagsTest<'a> {
    IsEmpty,
    IsNotEmpty,
    Any(&'a [String]),
    All(&'a [String]),
    None(&'a [String]),
    Never,
}

#[derive(Clone, Copy)]
pub(super) enum NumberTest {
    IsEmpty,
    IsNotEmpty,
    Eq(i64),
    Ne(i64),
    Gt(i64),
    Ge(i64),
    Lt(i64),
    Le(i64),
    /// Both ends included.
    Between(i64, i64),
    Never,
}

/// Dates as day numbers (days since 1970-01-01) in the settings' time zone.
#[derive(Clone, Copy)]
pub(super) enum DateTest {
    IsEmpty,
    IsNotEmpty,
    Eq(i64),
    Ne(i64),
    Lt(i64),
    Gt(i64),
    Ge(i64),
    Between(i64, i64),
    Never,
}

/// A label compared by identity; the query's names resolved up front (`None`: a name no
/// label has, which equals nothing).
pub(super) enum LabelTest<K> {
    IsEmpty,
    IsNotEmpty,
    Eq(Option<K>),
    Ne(Option<K>),
    In(Vec<K>),
    NotIn(Vec<K>),
    Never,
}

/// Binds `root` to the data. `segments` answers `in_segment(…)` (without it, such conditions
/// match nobody).
pub fn bind<'a>(
    data: &Dataset,
    analytics: &'a Analytics,
    settings: &AnalyticsSettings,
    root: &'a Group,
    segments: Option<&'a Memberships>,
) -> Bound<'a> {
    let mut b = Binder {
        data,
        analytics,
        segments,
        offset: settings.offset(),
        reference: analytics.reference.unwrap_or_default(),
        counted: Vec::new(),
        counts: Vec::new(),
        open_complaint: None,
    };
    let root = b.group(root);
    Bound {
        root,
        offset: b.offset,
        counts: b.counts,
        open_complaint: b.open_complaint.unwrap_or_default(),
    }
}

struct Binder<'d, 'a> {
    data: &'d Dataset,
    analytics: &'a Analytics,
    segments: Option<&'a Memberships>,
    offset: FixedOffset,
    reference: NaiveDate,
    /// The behaviour fields counted so far, by their index in `counts`.
    counted: Vec<&'a Field>,
    counts: Vec<Vec<u32>>,
    open_complaint: Option<Vec<bool>>,
}

impl<'a> Binder<'_, 'a> {
    fn group(&mut self, g: &'a Group) -> BoundGroup<'a> {
        BoundGroup {
            op: g.op,
            negated: g.negated,
            items: g
                .items
                .iter()
                .map(|n| match n {
                    Node::Condition(c) => BoundNode::Test(self.condition(c)),
                    Node::Group(inner) => BoundNode::Group(self.group(inner)),
                })
                .collect(),
        }
    }

    fn condition(&mut self, c: &'a Condition) -> Test<'a> {
        let op = &c.operator;
        let text = |of| Test::Text(of, text_test(op));
        let number = |of| Test::Number(of, number_test(op));
        let reference = self.reference;
        let date = |of| Test::Date(of, date_test(op, reference));
        match &c.field {
            Field::Name => text(TextOf::Name),
            Field::Phone => text(TextOf::Phone),
            Field::Email => text(TextOf::Email),
            Field::City => text(TextOf::City),
            Field::Province => text(TextOf::Province),
            Field::Channel => text(TextOf::Channel),
            Field::Level => text(TextOf::Level),
            Field::Owner => text(TextOf::Owner),
            Field::ExternalId => text(TextOf::ExternalId),
            Field::Tags => Test::Tags(tags_test(op)),
            Field::Orders => number(NumberOf::Orders),
            Field::R => number(NumberOf::R),
            Field::F => number(NumberOf::F),
            Field::M => number(NumberOf::M),
            Field::Points => number(NumberOf::Points),
            Field::RecencyDays => number(NumberOf::RecencyDays),
            Field::TotalSpent => number(NumberOf::TotalSpent),
            Field::Aov => number(NumberOf::Aov),
            Field::Ltv => number(NumberOf::Ltv),
            Field::LastOrderAt => date(DateOf::LastOrder),
            Field::FirstOrderAt => date(DateOf::FirstOrder),
            Field::CreatedAt => date(DateOf::Created),
            Field::Lifecycle => Test::Stage(label_test(op, label_stage)),
            Field::RfmGroup => Test::Group(label_test(op, label_group)),
            Field::Tier => {
                let analytics: &'a Analytics = self.analytics;
                let tiers = &analytics.tiers;
                Test::Tier(label_test(op, |v| {
                    tiers
                        .iter()
                        .find(|t| t.code == v || t.zh == v || t.en.eq_ignore_ascii_case(v))
                        .map(|t| t.code.as_str())
                }))
            }
            Field::HasOpenComplaint => {
                if self.open_complaint.is_none() {
                    self.open_complaint = Some(self.open_complaints());
                }
                Test::OpenComplaint
            }
            Field::InSegment { name } => Test::Member(self.segments.and_then(|s| s.get(name))),
            f @ (Field::Events { .. }
            | Field::ChannelOrders { .. }
            | Field::OrdersBetween { .. }
            | Field::Contacts { .. }
            | Field::OpenRequests
            | Field::OverdueRequests
            | Field::Requests { .. }) => Test::Count(self.count(f), number_test(op)),
        }
    }

    /// The index of a behaviour field's counts, counting them the first time.
    fn count(&mut self, field: &'a Field) -> usize {
        if let Some(k) = self.counted.iter().position(|f| *f == field) {
            return k;
        }
        let data = self.data;
        let index = data.customer_positions();
        let offset = self.offset;
        let day = |t: Timestamp| crate::time::day_date(t.local_day(offset)).unwrap_or_default();
        let mut counts = vec![0u32; data.customers.len()];
        let mut add = |id: &uuid::Uuid, yes: bool| {
            if yes && let Some(&i) = index.get(id) {
                counts[i] += 1;
            }
        };
        match field {
            Field::Events { kind, within } => {
                // Customer by customer through the log's columns: one lookup per customer,
                // and the type decided once per distinct shape.
                let kind = Sym::new(kind);
                let start = within.map(|s| s.start(self.reference));
                let log = data.events.normalized();
                let of_kind: Vec<bool> = log.shapes().iter().map(|s| s.kind == kind).collect();
                let (times, shapes) = (log.times(), log.shape_numbers());
                for (id, run) in log.runs() {
                    let Some(&i) = index.get(&id) else { continue };
                    let n = run
                        .filter(|&j| {
                            of_kind.get(shapes.at(j) as usize) == Some(&true)
                                && start.is_none_or(|s| day(Timestamp(times[j])) >= s)
                        })
                        .count();
                    counts[i] += n as u32;
                }
            }
            Field::ChannelOrders { channel } => {
                let channel = Sym::new(channel);
                for o in &data.orders {
                    add(
                        &o.customer_id,
                        o.status == OrderStatus::Paid && o.channel == channel,
                    );
                }
            }
            Field::OrdersBetween { from, to } => {
                for o in &data.orders {
                    let d = day(o.ordered_at);
                    add(
                        &o.customer_id,
                        o.status == OrderStatus::Paid && *from <= d && d <= *to,
                    );
                }
            }
            Field::Contacts { within } => {
                let start = within.start(self.reference);
                for a in &data.activities {
                    add(
                        &a.customer_id,
                        a.kind != ActivityKind::OwnerChange && day(a.at) >= start,
                    );
                }
            }
            Field::OpenRequests => {
                for r in &data.desk.requests {
                    add(&r.customer_id, r.status.is_open());
                }
            }
            Field::OverdueRequests => {
                // As of the reference day, like every relative condition of the language.
                let cutoff = Timestamp::start_of_day(self.reference, offset);
                for r in &data.desk.requests {
                    add(&r.customer_id, cutoff.is_some_and(|c| r.is_overdue(c)));
                }
            }
            Field::Requests { category, within } => {
                let category = request_category(category);
                let start = within.map(|s| s.start(self.reference));
                for r in &data.desk.requests {
                    add(
                        &r.customer_id,
                        r.category == category && start.is_none_or(|s| day(r.opened_at) >= s),
                    );
                }
            }
            _ => {}
        }
        self.counted.push(field);
        self.counts.push(counts);
        self.counts.len() - 1
    }

    fn open_complaints(&self) -> Vec<bool> {
        let index = self.data.customer_positions();
        let mut open = vec![false; self.data.customers.len()];
        for a in &self.data.activities {
            let unresolved = a.outcome.as_deref().is_none_or(|o| o.trim().is_empty());
            if a.kind == ActivityKind::Complaint
                && unresolved
                && let Some(&i) = index.get(&a.customer_id)
            {
                open[i] = true;
            }
        }
        open
    }
}

fn text_test(op: &Operator) -> TextTest<'_> {
    match op {
        Operator::IsEmpty => TextTest::IsEmpty,
        Operator::IsNotEmpty => TextTest::IsNotEmpty,
        Operator::Eq(Value::Text(w)) => TextTest::Eq(w),
        Operator::Ne(Value::Text(w)) => TextTest::Ne(w),
        Operator::In(list) => TextTest::In(list),
        Operator::NotIn(list) => TextTest::NotIn(list),
        Operator::Contains(w) => TextTest::Contains(w),
        Operator::StartsWith(w) => TextTest::StartsWith(w),
        _ => TextTest::Never,
    }
}

fn tags_test(op: &Operator) -> TagsTest<'_> {
    match op {
        Operator::IsEmpty => TagsTest::IsEmpty,
        Operator::IsNotEmpty => TagsTest::IsNotEmpty,
        Operator::HasAny(list) => TagsTest::Any(list),
        Operator::HasAll(list) => TagsTest::All(list),
        Operator::HasNone(list) => TagsTest::None(list),
        _ => TagsTest::Never,
    }
}

/// Numbers and money (cents) alike; an operand that is no number matches nobody.
fn number_test(op: &Operator) -> NumberTest {
    let n = |v: &Value| match v {
        Value::Number(n) | Value::Money(n) => Some(*n),
        _ => None,
    };
    let one = |v: &Value, f: fn(i64) -> NumberTest| n(v).map_or(NumberTest::Never, f);
    match op {
        Operator::IsEmpty => NumberTest::IsEmpty,
        Operator::IsNotEmpty => NumberTest::IsNotEmpty,
        Operator::Eq(v) => one(v, NumberTest::Eq),
        Operator::Ne(v) => one(v, NumberTest::Ne),
        Operator::Gt(v) => one(v, NumberTest::Gt),
        Operator::Ge(v) => one(v, NumberTest::Ge),
        Operator::Lt(v) => one(v, NumberTest::Lt),
        Operator::Le(v) => one(v, NumberTest::Le),
        Operator::Between(a, b) => match (n(a), n(b)) {
            (Some(lo), Some(hi)) => NumberTest::Between(lo, hi),
            _ => NumberTest::Never,
        },
        _ => NumberTest::Never,
    }
}

/// Dates as day numbers; spans end on the reference day (see [`super::span::Span::start`]).
fn date_test(op: &Operator, reference: NaiveDate) -> DateTest {
    let d = |v: &Value| match v {
        Value::Date(d) => Some(day_number(*d)),
        _ => None,
    };
    let one = |v: &Value, f: fn(i64) -> DateTest| d(v).map_or(DateTest::Never, f);
    match op {
        Operator::IsEmpty => DateTest::IsEmpty,
        Operator::IsNotEmpty => DateTest::IsNotEmpty,
        Operator::Eq(v) => one(v, DateTest::Eq),
        Operator::Ne(v) => one(v, DateTest::Ne),
        Operator::Before(w) => DateTest::Lt(day_number(*w)),
        Operator::After(w) => DateTest::Gt(day_number(*w)),
        Operator::Between(a, b) => match (d(a), d(b)) {
            (Some(lo), Some(hi)) => DateTest::Between(lo, hi),
            _ => DateTest::Never,
        },
        Operator::Within(s) => DateTest::Ge(day_number(s.start(reference))),
        Operator::OlderThan(s) => DateTest::Lt(day_number(s.start(reference))),
        _ => DateTest::Never,
    }
}

/// A label condition with the query's names resolved by `lookup` (code or name → label).
fn label_test<'v, K>(op: &'v Operator, lookup: impl Fn(&'v str) -> Option<K>) -> LabelTest<K> {
    let all = |list: &'v [String]| list.iter().filter_map(|w| lookup(w.as_str())).collect();
    match op {
        Operator::IsEmpty => LabelTest::IsEmpty,
        Operator::IsNotEmpty => LabelTest::IsNotEmpty,
        Operator::Eq(Value::Text(w)) => LabelTest::Eq(lookup(w.as_str())),
        Operator::Ne(Value::Text(w)) => LabelTest::Ne(lookup(w.as_str())),
        Operator::In(list) => LabelTest::In(all(list)),
        Operator::NotIn(list) => LabelTest::NotIn(all(list)),
        _ => LabelTest::Never,
    }
}
