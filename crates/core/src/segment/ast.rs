//! The rule tree. Both editors (visual and text) work on it; [`Group::normalize`] puts it in
//! the one canonical shape that prints and parses back unchanged.

use super::fields::Field;
use chrono::NaiveDate;

pub use super::span::Span;

/// How a group combines its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub op: Op,
    /// `NOT (…)`.
    pub negated: bool,
    pub items: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Condition(Condition),
    Group(Group),
}

/// A literal in a condition. Money is in cents (typed in yuan).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(i64),
    Money(i64),
    Date(NaiveDate),
    Span(Span),
}

/// What a condition asks of its field.
#[derive(Clone, Debug, PartialEq)]
pub enum Operator {
    Eq(Value),
    Ne(Value),
    Gt(Value),
    Ge(Value),
    Lt(Value),
    Le(Value),
    /// Both ends included.
    Between(Value, Value),
    In(Vec<String>),
    NotIn(Vec<String>),
    Contains(String),
    StartsWith(String),
    IsEmpty,
    IsNotEmpty,
    Before(NaiveDate),
    After(NaiveDate),
    /// On or after the first day of the span ending on the reference day.
    Within(Span),
    /// Before the span ending on the reference day.
    OlderThan(Span),
    HasAny(Vec<String>),
    HasAll(Vec<String>),
    HasNone(Vec<String>),
    /// A yes/no field (`has_open_complaint`) is true.
    IsTrue,
}

/// A condition: a field and what is asked of it. Behaviour fields carry their arguments
/// (`events("add_to_cart", 30d) >= 2`).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub operator: Operator,
}

impl Group {
    pub fn all(items: Vec<Node>) -> Group {
        Group {
            op: Op::And,
            negated: false,
            items,
        }
    }

    /// Every condition of the tree, depth first (in the order the text prints them).
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        collect(self, &mut out);
        out
    }

    /// The canonical shape: no nested group of one item unless it negates it, a negation of
    /// a single group moved onto that group, and a root that is never negated itself. Both
    /// editors normalise after each change, so what one shows the other shows too.
    pub fn normalize(self) -> Group {
        let mut root = normalize_group(self);
        if root.negated {
            root = Group::all(vec![Node::Group(root)]);
        }
        // A root holding just one plain group is that group.
        if let [Node::Group(inner)] = root.items.as_slice()
            && !inner.negated
        {
            return inner.clone();
        }
        if root.items.len() <= 1 {
            root.op = Op::And;
        }
        root
    }
}

fn collect<'g>(g: &'g Group, out: &mut Vec<&'g Condition>) {
    for n in &g.items {
        match n {
            Node::Condition(c) => out.push(c),
            Node::Group(inner) => collect(inner, out),
        }
    }
}

fn normalize_group(g: Group) -> Group {
    let items: Vec<Node> = g
        .items
        .into_iter()
        .map(normalize_node)
        .filter(|n| !matches!(n, Node::Group(inner) if inner.items.is_empty()))
        .collect();
    let mut g = Group { items, ..g };
    // NOT over a single plain group negates that group.
    if g.negated
        && let [Node::Group(inner)] = g.items.as_slice()
        && !inner.negated
    {
        let mut inner = inner.clone();
        inner.negated = true;
        g = inner;
    }
    if g.items.len() <= 1 {
        g.op = Op::And;
    }
    g
}

fn normalize_node(n: Node) -> Node {
    match n {
        Node::Condition(c) => Node::Condition(c),
        Node::Group(g) => {
            let mut g = normalize_group(g);
            // Empty groups (a builder's placeholder) ask nothing: dropped.
            g.items
                .retain(|n| !matches!(n, Node::Group(inner) if inner.items.is_empty()));
            // A plain group of one item is that item.
            if !g.negated && g.items.len() == 1 {
                g.items
                    .into_iter()
                    .next()
                    .unwrap_or(Node::Group(Group::all(vec![])))
            } else {
                Node::Group(g)
            }
        }
    }
}
