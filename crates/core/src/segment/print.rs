//! Rule tree → the text query language, in the canonical spelling (English field names,
//! upper-case keywords, money in yuan). `parse(print(t)) == t` for normalised trees.

use super::ast::{Condition, Group, Node, Op, Operator, Value};
use super::fields::Field;
use super::span::Span;

pub fn print(root: &Group) -> String {
    let inner = items(root);
    if root.negated {
        format!("NOT ({inner})")
    } else {
        inner
    }
}

fn items(g: &Group) -> String {
    let joiner = match g.op {
        Op::And => " AND ",
        Op::Or => " OR ",
    };
    g.items.iter().map(nested).collect::<Vec<_>>().join(joiner)
}

/// A node inside a group: groups in parentheses (a negated single item as `NOT x`).
fn nested(n: &Node) -> String {
    match n {
        Node::Condition(c) => condition(c),
        Node::Group(g) if g.negated && g.items.len() == 1 => {
            format!("NOT {}", g.items.first().map(nested).unwrap_or_default())
        }
        Node::Group(g) if g.negated => format!("NOT ({})", items(g)),
        Node::Group(g) => format!("({})", items(g)),
    }
}

pub fn span(s: Span) -> String {
    s.to_string()
}

pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Cents as yuan, without trailing zeros: 500000 → `5000`, 1250 → `12.5`.
pub fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let (whole, frac) = (c / 100, c % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(s) => quote(s),
        Value::Number(n) => n.to_string(),
        Value::Money(c) => yuan(*c),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Span(s) => span(*s),
    }
}

fn list(items: &[String]) -> String {
    format!(
        "({})",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn field(f: &Field) -> String {
    match f {
        Field::Events { kind, within } => match within {
            Some(s) => format!("events({}, {})", quote(kind), span(*s)),
            None => format!("events({})", quote(kind)),
        },
        Field::ChannelOrders { channel } => format!("channel_orders({})", quote(channel)),
        Field::OrdersBetween { from, to } => format!("orders_between({from}, {to})"),
        Field::Contacts { within } => format!("contacts({})", span(*within)),
        Field::InSegment { name } => format!("in_segment({})", quote(name)),
        Field::Requests { category, within } => match within {
            Some(s) => format!("requests({}, {})", quote(category), span(*s)),
            None => format!("requests({})", quote(category)),
        },
        plain => plain.name().to_string(),
    }
}

pub fn condition(c: &Condition) -> String {
    let f = field(&c.field);
    match &c.operator {
        Operator::IsTrue => f,
        Operator::Eq(v) => format!("{f} = {}", value(v)),
        Operator::Ne(v) => format!("{f} != {}", value(v)),
        Operator::Gt(v) => format!("{f} > {}", value(v)),
        Operator::Ge(v) => format!("{f} >= {}", value(v)),
        Operator::Lt(v) => format!("{f} < {}", value(v)),
        Operator::Le(v) => format!("{f} <= {}", value(v)),
        Operator::Between(a, b) => format!("{f} BETWEEN {} AND {}", value(a), value(b)),
        Operator::In(items) => format!("{f} IN {}", list(items)),
        Operator::NotIn(items) => format!("{f} NOT IN {}", list(items)),
        Operator::Contains(s) => format!("{f} CONTAINS {}", quote(s)),
        Operator::StartsWith(s) => format!("{f} STARTS WITH {}", quote(s)),
        Operator::IsEmpty => format!("{f} IS EMPTY"),
        Operator::IsNotEmpty => format!("{f} IS NOT EMPTY"),
        Operator::Before(d) => format!("{f} BEFORE {d}"),
        Operator::After(d) => format!("{f} AFTER {d}"),
        Operator::Within(s) => format!("{f} WITHIN {}", span(*s)),
        Operator::OlderThan(s) => format!("{f} OLDER THAN {}", span(*s)),
        Operator::HasAny(items) => format!("{f} HAS ANY {}", list(items)),
        Operator::HasAll(items) => format!("{f} HAS ALL {}", list(items)),
        Operator::HasNone(items) => format!("{f} HAS NONE {}", list(items)),
    }
}
