//! Which customers a rule tree matches.
//!
//! **Missing values**, one rule everywhere: a condition on a value the customer does not have
//! (no city, no orders so no R/F/M/AOV/last order, no LTV) is false — except `IS EMPTY`, which
//! is true. So `!=` and `NOT IN` do not match customers without the value; `NOT (city = "上海")`
//! does. Counts (orders, behaviour, contacts), net spend and points are never missing (0).
//!
//! Relative spans (`WITHIN 90d`) end the day before the analytics' reference date, so they
//! agree with R. Dates are calendar days in the settings' time zone.

use super::ast::{Condition, Group, Node, Op, Operator, Value};
use super::fields::Field;
use super::membership::Memberships;
use super::parse::{label_group, label_stage};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, AnalyticsSettings, CustomerMetrics};
use crate::model::{ActivityKind, OrderStatus};
use crate::sym::Sym;
use crate::time::{Timestamp, day_date};
use chrono::{FixedOffset, NaiveDate};
use std::collections::HashMap;

/// A rule tree ready to test customers: behaviour counts are gathered once, up front.
pub struct Matcher<'a> {
    data: &'a Dataset,
    analytics: &'a Analytics,
    root: &'a Group,
    offset: FixedOffset,
    reference: NaiveDate,
    /// Per behaviour field of the tree: a count per customer.
    counts: HashMap<Field, Vec<u32>>,
    open_complaint: Vec<bool>,
    /// Members of the saved segments `in_segment(…)` names, resolved by the caller.
    segments: Option<&'a Memberships>,
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
        Self::build(data, analytics, settings, root, None)
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
        Self::build(data, analytics, settings, root, Some(segments))
    }

    fn build(
        data: &'a Dataset,
        analytics: &'a Analytics,
        settings: &AnalyticsSettings,
        root: &'a Group,
        segments: Option<&'a Memberships>,
    ) -> Self {
        let offset = settings.offset();
        let reference = analytics.reference.unwrap_or_default();
        let mut m = Matcher {
            data,
            analytics,
            root,
            offset,
            reference,
            counts: HashMap::new(),
            open_complaint: Vec::new(),
            segments,
        };
        let mut fields = Vec::new();
        collect_fields(root, &mut fields);
        fields.retain(|f| {
            matches!(
                f,
                Field::Events { .. }
                    | Field::ChannelOrders { .. }
                    | Field::OrdersBetween { .. }
                    | Field::Contacts { .. }
                    | Field::HasOpenComplaint
            )
        });
        if fields.is_empty() {
            return m;
        }
        let index = data.customer_positions();
        let n = data.customers.len();
        let day = |t: Timestamp| day_date(t.local_day(offset)).unwrap_or_default();
        for field in fields {
            if m.counts.contains_key(&field) {
                continue;
            }
            let mut counts = vec![0u32; n];
            let mut add = |id, yes: bool| {
                if yes && let Some(&i) = index.get(id) {
                    counts[i] += 1;
                }
            };
            match &field {
                Field::Events { kind, within } => {
                    let kind = Sym::new(kind);
                    let start = within.map(|s| s.start(reference));
                    for e in &data.events {
                        add(
                            &e.customer_id,
                            e.kind == kind && start.is_none_or(|s| day(e.occurred_at) >= s),
                        );
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
                    let start = within.start(reference);
                    for a in &data.activities {
                        add(
                            &a.customer_id,
                            a.kind != ActivityKind::OwnerChange && day(a.at) >= start,
                        );
                    }
                }
                Field::HasOpenComplaint => {
                    let mut open = vec![false; n];
                    for a in &data.activities {
                        let unresolved = a.outcome.as_deref().is_none_or(|o| o.trim().is_empty());
                        if a.kind == ActivityKind::Complaint
                            && unresolved
                            && let Some(&i) = index.get(&a.customer_id)
                        {
                            open[i] = true;
                        }
                    }
                    m.open_complaint = open;
                    continue;
                }
                _ => continue,
            }
            m.counts.insert(field, counts);
        }
        m
    }

    /// Whether the customer at `i` (in `data.customers`) matches.
    pub fn matches(&self, i: usize) -> bool {
        self.group(self.root, i)
    }

    /// Positions of the matching customers, in data order.
    pub fn matching(&self) -> Vec<usize> {
        (0..self.data.customers.len())
            .filter(|&i| self.matches(i))
            .collect()
    }

    fn group(&self, g: &Group, i: usize) -> bool {
        let result = match g.op {
            Op::And => g.items.iter().all(|n| self.node(n, i)),
            Op::Or => g.items.iter().any(|n| self.node(n, i)),
        };
        result != g.negated
    }

    fn node(&self, n: &Node, i: usize) -> bool {
        match n {
            Node::Condition(c) => self.condition(c, i),
            Node::Group(g) => self.group(g, i),
        }
    }

    fn condition(&self, c: &Condition, i: usize) -> bool {
        let Some(customer) = self.data.customers.get(i) else {
            return false;
        };
        let none = CustomerMetrics::default();
        let m = self.analytics.customers.get(i).unwrap_or(&none);
        let day = |t: Timestamp| day_date(t.local_day(self.offset));
        let count = |f: &Field| {
            self.counts
                .get(f)
                .and_then(|v| v.get(i))
                .copied()
                .unwrap_or(0)
        };
        use Field::*;
        match &c.field {
            Name => text(Some(&customer.name), &c.operator),
            Phone => text(customer.phone.as_deref(), &c.operator),
            Email => text(customer.email.as_deref(), &c.operator),
            City => text(customer.city.map(Sym::as_str), &c.operator),
            Province => text(customer.province.map(Sym::as_str), &c.operator),
            Channel => text(customer.channel.map(Sym::as_str), &c.operator),
            Level => text(customer.member_level.map(Sym::as_str), &c.operator),
            Owner => text(customer.owner.map(Sym::as_str), &c.operator),
            ExternalId => text(customer.external_id.as_deref(), &c.operator),
            Tags => tags(&customer.tags, &c.operator),
            Orders => number(Some(i64::from(m.orders)), &c.operator),
            R => number(m.r.map(i64::from), &c.operator),
            F => number(m.f.map(i64::from), &c.operator),
            M => number(m.m.map(i64::from), &c.operator),
            Points => number(Some(customer.points), &c.operator),
            RecencyDays => number(m.recency_days, &c.operator),
            TotalSpent => number(Some(m.total_spent), &c.operator),
            Aov => number(m.aov, &c.operator),
            Ltv => number(m.ltv, &c.operator),
            LastOrderAt => date(m.last_order.and_then(day), &c.operator, self.reference),
            FirstOrderAt => date(m.first_order.and_then(day), &c.operator, self.reference),
            CreatedAt => date(day(customer.created_at), &c.operator, self.reference),
            Lifecycle => label(m.stage.map(|s| s.code()), &c.operator, |v| {
                label_stage(v).map(|s| s.code())
            }),
            RfmGroup => label(m.group.map(|g| g.code()), &c.operator, |v| {
                label_group(v).map(|g| g.code())
            }),
            Tier => label(
                m.tier.map(|t| self.analytics.tier_code(t)),
                &c.operator,
                |v| {
                    self.analytics
                        .tiers
                        .iter()
                        .find(|t| t.code == v || t.zh == v || t.en.eq_ignore_ascii_case(v))
                        .map(|t| t.code.as_str())
                },
            ),
            HasOpenComplaint => self.open_complaint.get(i).copied().unwrap_or(false),
            InSegment { name } => self
                .segments
                .and_then(|s| s.get(name))
                .and_then(|members| members.get(i).copied())
                .unwrap_or(false),
            f @ (Events { .. } | ChannelOrders { .. } | OrdersBetween { .. } | Contacts { .. }) => {
                number(Some(i64::from(count(f))), &c.operator)
            }
        }
    }
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

pub(super) fn collect_fields(g: &Group, out: &mut Vec<Field>) {
    for n in &g.items {
        match n {
            Node::Condition(c) => out.push(c.field.clone()),
            Node::Group(inner) => collect_fields(inner, out),
        }
    }
}

fn present(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.trim().is_empty())
}

/// Equal ignoring the case of Latin letters (Chinese has none), without allocating: this
/// runs per customer and value.
fn same_text(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn text(v: Option<&str>, op: &Operator) -> bool {
    let v = present(v);
    match op {
        Operator::IsEmpty => v.is_none(),
        Operator::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            match op {
                Operator::Eq(Value::Text(w)) => same_text(v, w),
                Operator::Ne(Value::Text(w)) => !same_text(v, w),
                Operator::In(list) => list.iter().any(|w| same_text(v, w)),
                Operator::NotIn(list) => !list.iter().any(|w| same_text(v, w)),
                Operator::Contains(w) => contains_ignoring_case(v, w),
                Operator::StartsWith(w) => v
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

/// A label (stage, group, tier) compared by code; `code_of` turns what the query says (code
/// or name) into a code.
fn label<'v>(v: Option<&str>, op: &Operator, code_of: impl Fn(&str) -> Option<&'v str>) -> bool {
    let is = |w: &str| code_of(w).is_some_and(|c| Some(c) == v);
    match op {
        Operator::IsEmpty => v.is_none(),
        Operator::IsNotEmpty => v.is_some(),
        _ if v.is_none() => false,
        Operator::Eq(Value::Text(w)) => is(w),
        Operator::Ne(Value::Text(w)) => !is(w),
        Operator::In(list) => list.iter().any(|w| is(w)),
        Operator::NotIn(list) => !list.iter().any(|w| is(w)),
        _ => false,
    }
}

fn num(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) | Value::Money(n) => Some(*n),
        _ => None,
    }
}

fn number(v: Option<i64>, op: &Operator) -> bool {
    match op {
        Operator::IsEmpty => v.is_none(),
        Operator::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            let cmp = |w: &Value, f: fn(i64, i64) -> bool| num(w).is_some_and(|w| f(v, w));
            match op {
                Operator::Eq(w) => cmp(w, |a, b| a == b),
                Operator::Ne(w) => cmp(w, |a, b| a != b),
                Operator::Gt(w) => cmp(w, |a, b| a > b),
                Operator::Ge(w) => cmp(w, |a, b| a >= b),
                Operator::Lt(w) => cmp(w, |a, b| a < b),
                Operator::Le(w) => cmp(w, |a, b| a <= b),
                Operator::Between(a, b) => cmp(a, |x, lo| x >= lo) && cmp(b, |x, hi| x <= hi),
                _ => false,
            }
        }
    }
}

fn date(v: Option<NaiveDate>, op: &Operator, reference: NaiveDate) -> bool {
    match op {
        Operator::IsEmpty => v.is_none(),
        Operator::IsNotEmpty => v.is_some(),
        _ => {
            let Some(v) = v else {
                return false;
            };
            let d = |w: &Value| match w {
                Value::Date(d) => Some(*d),
                _ => None,
            };
            match op {
                Operator::Eq(w) => d(w) == Some(v),
                Operator::Ne(w) => d(w).is_some_and(|w| w != v),
                Operator::Before(w) => v < *w,
                Operator::After(w) => v > *w,
                Operator::Between(a, b) => {
                    d(a).is_some_and(|a| v >= a) && d(b).is_some_and(|b| v <= b)
                }
                Operator::Within(s) => v >= s.start(reference),
                Operator::OlderThan(s) => v < s.start(reference),
                _ => false,
            }
        }
    }
}

fn tags(v: &[String], op: &Operator) -> bool {
    let has = |w: &String| v.iter().any(|t| same_text(t, w));
    match op {
        Operator::IsEmpty => v.is_empty(),
        Operator::IsNotEmpty => !v.is_empty(),
        Operator::HasAny(list) => list.iter().any(has),
        Operator::HasAll(list) => list.iter().all(has),
        Operator::HasNone(list) => !list.iter().any(has),
        _ => false,
    }
}
