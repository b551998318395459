//! The visual builder's edits of a rule tree, addressed by paths (indices from the root).
//! Every edit returns the tree in canonical form, so the text editor shows the same rule.

use super::ast::{Condition, Group, Node, Op, Operator, Value};
use super::fields::{Field, FieldType};
use super::span::Span;

/// The operators the builder offers for a field type, by their text spelling.
pub fn operators_for(ty: FieldType) -> &'static [&'static str] {
    match ty {
        FieldType::Text => &[
            "=",
            "!=",
            "IN",
            "NOT IN",
            "CONTAINS",
            "STARTS WITH",
            "IS EMPTY",
            "IS NOT EMPTY",
        ],
        FieldType::Label => &["=", "!=", "IN", "NOT IN", "IS EMPTY", "IS NOT EMPTY"],
        FieldType::Number | FieldType::Money => &[
            "=",
            "!=",
            ">",
            ">=",
            "<",
            "<=",
            "BETWEEN",
            "IS EMPTY",
            "IS NOT EMPTY",
        ],
        FieldType::Date => &[
            "WITHIN",
            "OLDER THAN",
            "BEFORE",
            "AFTER",
            "BETWEEN",
            "=",
            "IS EMPTY",
            "IS NOT EMPTY",
        ],
        FieldType::Tags => &["HAS ANY", "HAS ALL", "HAS NONE", "IS EMPTY", "IS NOT EMPTY"],
        FieldType::Flag => &["IS TRUE"],
    }
}

/// The spelling of an operator (as in [`operators_for`]).
pub fn operator_name(op: &Operator) -> &'static str {
    match op {
        Operator::Eq(_) => "=",
        Operator::Ne(_) => "!=",
        Operator::Gt(_) => ">",
        Operator::Ge(_) => ">=",
        Operator::Lt(_) => "<",
        Operator::Le(_) => "<=",
        Operator::Between(..) => "BETWEEN",
        Operator::In(_) => "IN",
        Operator::NotIn(_) => "NOT IN",
        Operator::Contains(_) => "CONTAINS",
        Operator::StartsWith(_) => "STARTS WITH",
        Operator::IsEmpty => "IS EMPTY",
        Operator::IsNotEmpty => "IS NOT EMPTY",
        Operator::Before(_) => "BEFORE",
        Operator::After(_) => "AFTER",
        Operator::Within(_) => "WITHIN",
        Operator::OlderThan(_) => "OLDER THAN",
        Operator::HasAny(_) => "HAS ANY",
        Operator::HasAll(_) => "HAS ALL",
        Operator::HasNone(_) => "HAS NONE",
        Operator::IsTrue => "IS TRUE",
    }
}

/// A starting value of the field's type, kept from `old` where it fits.
fn default_value(ty: FieldType, old: Option<&Value>) -> Value {
    match (ty, old) {
        (FieldType::Number, Some(v @ Value::Number(_)))
        | (FieldType::Money, Some(v @ Value::Money(_)))
        | (FieldType::Date, Some(v @ Value::Date(_)))
        | (FieldType::Text | FieldType::Label, Some(v @ Value::Text(_))) => v.clone(),
        (FieldType::Number, _) => Value::Number(0),
        (FieldType::Money, _) => Value::Money(0),
        (FieldType::Date, _) => Value::Date(chrono::NaiveDate::default()),
        _ => Value::Text(String::new()),
    }
}

/// The operator called `name` for a field of type `ty`, keeping what it can of `old`.
pub fn make_operator(name: &str, ty: FieldType, old: Option<&Operator>) -> Operator {
    let old_value = match old {
        Some(
            Operator::Eq(v)
            | Operator::Ne(v)
            | Operator::Gt(v)
            | Operator::Ge(v)
            | Operator::Lt(v)
            | Operator::Le(v)
            | Operator::Between(v, _),
        ) => Some(v),
        _ => None,
    };
    // The text the old operator held (one value, the first of a list, a fragment).
    let old_text: Option<String> = match old {
        Some(
            Operator::In(l)
            | Operator::NotIn(l)
            | Operator::HasAny(l)
            | Operator::HasAll(l)
            | Operator::HasNone(l),
        ) => l.first().cloned(),
        Some(Operator::Contains(s) | Operator::StartsWith(s)) => Some(s.clone()),
        _ => match old_value {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        },
    };
    let v = || match (&old_text, ty) {
        (Some(t), FieldType::Text | FieldType::Label) => Value::Text(t.clone()),
        _ => default_value(ty, old_value),
    };
    let list = || match old {
        Some(
            Operator::In(l)
            | Operator::NotIn(l)
            | Operator::HasAny(l)
            | Operator::HasAll(l)
            | Operator::HasNone(l),
        ) => l.clone(),
        _ => vec![old_text.clone().unwrap_or_default()],
    };
    let text = || old_text.clone().unwrap_or_default();
    let span = || match old {
        Some(Operator::Within(s) | Operator::OlderThan(s)) => *s,
        _ => Span::Days(30),
    };
    let date = || match old {
        Some(Operator::Before(d) | Operator::After(d)) => *d,
        _ => chrono::NaiveDate::default(),
    };
    match name {
        "=" => Operator::Eq(v()),
        "!=" => Operator::Ne(v()),
        ">" => Operator::Gt(v()),
        ">=" => Operator::Ge(v()),
        "<" => Operator::Lt(v()),
        "<=" => Operator::Le(v()),
        "BETWEEN" => Operator::Between(v(), v()),
        "IN" => Operator::In(list()),
        "NOT IN" => Operator::NotIn(list()),
        "CONTAINS" => Operator::Contains(text()),
        "STARTS WITH" => Operator::StartsWith(text()),
        "IS EMPTY" => Operator::IsEmpty,
        "IS NOT EMPTY" => Operator::IsNotEmpty,
        "BEFORE" => Operator::Before(date()),
        "AFTER" => Operator::After(date()),
        "WITHIN" => Operator::Within(span()),
        "OLDER THAN" => Operator::OlderThan(span()),
        "HAS ANY" => Operator::HasAny(list()),
        "HAS ALL" => Operator::HasAll(list()),
        "HAS NONE" => Operator::HasNone(list()),
        _ => Operator::IsTrue,
    }
}

/// A new condition on `field`, with the first operator its type offers.
pub fn new_condition(field: Field) -> Condition {
    let ty = field.field_type();
    let op = operators_for(ty).first().copied().unwrap_or("=");
    Condition {
        operator: make_operator(op, ty, None),
        field,
    }
}

/// The group at `path` (empty: the root).
pub fn group_at<'a>(root: &'a mut Group, path: &[usize]) -> Option<&'a mut Group> {
    let mut g = root;
    for &k in path {
        g = match g.items.get_mut(k)? {
            Node::Group(inner) => inner,
            Node::Condition(_) => return None,
        };
    }
    Some(g)
}

/// The node at `path` (non-empty).
pub fn node_at<'a>(root: &'a mut Group, path: &[usize]) -> Option<&'a mut Node> {
    let (last, parent) = path.split_last()?;
    group_at(root, parent)?.items.get_mut(*last)
}

/// One edit of the builder.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Append a condition to the group at the path.
    AddCondition(Vec<usize>, Condition),
    /// Append an OR group of two conditions to the group at the path.
    AddGroup(Vec<usize>, Condition),
    Remove(Vec<usize>),
    /// Swap with the previous item of the same group.
    MoveUp(Vec<usize>),
    /// Swap with the next item of the same group.
    MoveDown(Vec<usize>),
    /// Put the item and the one before it into a new group of the other combination.
    Indent(Vec<usize>),
    /// Move the item out of its group, after that group.
    Outdent(Vec<usize>),
    /// Switch the group at the path between AND and OR.
    ToggleOp(Vec<usize>),
    /// Negate or un-negate the node at the path (a condition is wrapped in `NOT`).
    ToggleNot(Vec<usize>),
    Replace(Vec<usize>, Condition),
    /// Drag and drop: move the node at `from` into the group at `to`, before its item
    /// `index` (past the end: last). Dropping a group into itself changes nothing.
    Move {
        from: Vec<usize>,
        to: Vec<usize>,
        index: usize,
    },
}

/// Applies an edit and returns the canonical tree; an edit that does not fit the tree (a
/// stale path) changes nothing.
pub fn apply(mut root: Group, edit: Edit) -> Group {
    match edit {
        Edit::AddCondition(path, c) => {
            if let Some(g) = group_at(&mut root, &path) {
                g.items.push(Node::Condition(c));
            }
        }
        Edit::AddGroup(path, c) => {
            if let Some(g) = group_at(&mut root, &path) {
                let other = if g.op == Op::Or { Op::And } else { Op::Or };
                g.items.push(Node::Group(Group {
                    op: other,
                    negated: false,
                    items: vec![Node::Condition(c.clone()), Node::Condition(c)],
                }));
            }
        }
        Edit::Remove(path) => {
            if let Some((last, parent)) = path.split_last()
                && let Some(g) = group_at(&mut root, parent)
                && *last < g.items.len()
            {
                g.items.remove(*last);
            }
        }
        Edit::MoveUp(path) | Edit::MoveDown(path) if path.is_empty() => {}
        Edit::MoveUp(path) => {
            if let Some((&last, parent)) = path.split_last()
                && let Some(g) = group_at(&mut root, parent)
                && last > 0
                && last < g.items.len()
            {
                g.items.swap(last, last - 1);
            }
        }
        Edit::MoveDown(path) => {
            if let Some((&last, parent)) = path.split_last()
                && let Some(g) = group_at(&mut root, parent)
                && last + 1 < g.items.len()
            {
                g.items.swap(last, last + 1);
            }
        }
        Edit::Indent(path) => {
            if let Some((&last, parent)) = path.split_last()
                && let Some(g) = group_at(&mut root, parent)
                && last > 0
                && last < g.items.len()
            {
                let item = g.items.remove(last);
                let before = g.items.remove(last - 1);
                let other = if g.op == Op::Or { Op::And } else { Op::Or };
                g.items.insert(
                    last - 1,
                    Node::Group(Group {
                        op: other,
                        negated: false,
                        items: vec![before, item],
                    }),
                );
            }
        }
        Edit::Outdent(path) => {
            if path.len() >= 2
                && let Some((&last, parent)) = path.split_last()
                && let Some((&group_pos, grand)) = parent.split_last()
            {
                let moved = group_at(&mut root, parent)
                    .filter(|g| last < g.items.len())
                    .map(|g| g.items.remove(last));
                if let (Some(item), Some(outer)) = (moved, group_at(&mut root, grand)) {
                    let at = (group_pos + 1).min(outer.items.len());
                    outer.items.insert(at, item);
                }
            }
        }
        Edit::ToggleOp(path) => {
            if let Some(g) = group_at(&mut root, &path) {
                g.op = if g.op == Op::And { Op::Or } else { Op::And };
            }
        }
        Edit::ToggleNot(path) => {
            if let Some(node) = node_at(&mut root, &path) {
                let taken = std::mem::replace(node, Node::Group(Group::all(vec![])));
                *node = match taken {
                    Node::Group(mut g) if g.negated && g.items.len() == 1 && g.op == Op::And => {
                        g.items.pop().unwrap_or(Node::Group(Group::all(vec![])))
                    }
                    Node::Group(mut g) if g.negated || g.items.len() > 1 => {
                        g.negated = !g.negated;
                        Node::Group(g)
                    }
                    other => Node::Group(Group {
                        op: Op::And,
                        negated: true,
                        items: vec![other],
                    }),
                };
            }
        }
        Edit::Replace(path, c) => {
            if let Some(node) = node_at(&mut root, &path) {
                *node = Node::Condition(c);
            }
        }
        Edit::Move { from, to, index } => move_node(&mut root, &from, to, index),
    }
    root.normalize()
}

fn move_node(root: &mut Group, from: &[usize], mut to: Vec<usize>, mut index: usize) {
    let Some((&last, parent)) = from.split_last() else {
        return;
    };
    // Into itself or one of its own groups: nowhere to go.
    if to.starts_with(from) || group_at(root, &to).is_none() {
        return;
    }
    let Some(node) = group_at(root, parent)
        .filter(|g| last < g.items.len())
        .map(|g| g.items.remove(last))
    else {
        return;
    };
    // Removing the node shifts its later siblings (and groups below them) up by one.
    if to.len() > parent.len()
        && to.starts_with(parent)
        && let Some(k) = to.get_mut(parent.len())
        && *k > last
    {
        *k -= 1;
    }
    if to == parent && index > last {
        index -= 1;
    }
    if let Some(g) = group_at(root, &to) {
        let at = index.min(g.items.len());
        g.items.insert(at, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::{parse, print};

    fn edited(q: &str, edit: Edit) -> String {
        print(&apply(parse(q).expect("parses").normalize(), edit))
    }

    #[test]
    fn drag_and_drop_moves_within_and_across_groups() {
        let q = "orders = 1 AND orders = 2 AND (orders = 3 OR orders = 4)";
        let mv = |from: Vec<usize>, to: Vec<usize>, index| Edit::Move { from, to, index };
        // Reorder within a group, both directions, and to the end.
        assert_eq!(
            edited(q, mv(vec![0], vec![], 2)),
            "orders = 2 AND orders = 1 AND (orders = 3 OR orders = 4)"
        );
        assert_eq!(
            edited(q, mv(vec![1], vec![], 0)),
            "orders = 2 AND orders = 1 AND (orders = 3 OR orders = 4)"
        );
        assert_eq!(
            edited(q, mv(vec![0], vec![], 99)),
            "orders = 2 AND (orders = 3 OR orders = 4) AND orders = 1"
        );
        // Into a group that comes after it (its path shifts when the item leaves).
        assert_eq!(
            edited(q, mv(vec![0], vec![2], 1)),
            "orders = 2 AND (orders = 3 OR orders = 1 OR orders = 4)"
        );
        // Out of a group: the group of one left behind is that item.
        assert_eq!(
            edited(q, mv(vec![2, 0], vec![], 0)),
            "orders = 3 AND orders = 1 AND orders = 2 AND orders = 4"
        );
        // A group into itself, or a stale path: nothing changes.
        assert_eq!(edited(q, mv(vec![2], vec![2], 0)), q);
        assert_eq!(edited(q, mv(vec![7], vec![], 0)), q);
        assert_eq!(edited(q, mv(vec![0], vec![5], 0)), q);
    }

    #[test]
    fn edits_read_back_as_the_expected_text() {
        let c = new_condition(Field::City);
        assert_eq!(
            edited("", Edit::AddCondition(vec![], c.clone())),
            r#"city = """#
        );
        assert_eq!(
            edited("orders >= 2", Edit::AddGroup(vec![], c.clone())),
            r#"orders >= 2 AND (city = "" OR city = "")"#
        );
        assert_eq!(
            edited("orders >= 2 AND orders <= 5", Edit::ToggleOp(vec![])),
            "orders >= 2 OR orders <= 5"
        );
        assert_eq!(
            edited("orders >= 2 AND orders <= 5", Edit::MoveUp(vec![1])),
            "orders <= 5 AND orders >= 2"
        );
        assert_eq!(
            edited("orders >= 2 AND orders <= 5", Edit::MoveDown(vec![0])),
            "orders <= 5 AND orders >= 2"
        );
        assert_eq!(
            edited("orders >= 2 AND orders <= 5", Edit::Remove(vec![0])),
            "orders <= 5"
        );
        assert_eq!(
            edited("city IS EMPTY", Edit::ToggleNot(vec![0])),
            "NOT city IS EMPTY"
        );
        assert_eq!(
            edited("NOT city IS EMPTY", Edit::ToggleNot(vec![0])),
            "city IS EMPTY"
        );
        assert_eq!(
            edited(
                "orders = 1 AND (city = \"a\" OR city = \"b\")",
                Edit::ToggleNot(vec![1])
            ),
            r#"orders = 1 AND NOT (city = "a" OR city = "b")"#
        );
        assert_eq!(
            edited(
                "orders = 1 AND orders = 2 AND orders = 3",
                Edit::Indent(vec![2])
            ),
            "orders = 1 AND (orders = 2 OR orders = 3)"
        );
        assert_eq!(
            edited(
                "orders = 1 AND (orders = 2 OR orders = 3 OR orders = 4)",
                Edit::Outdent(vec![1, 2])
            ),
            "orders = 1 AND (orders = 2 OR orders = 3) AND orders = 4"
        );
        // An operator change keeps the value where it fits.
        let c = Condition {
            field: Field::TotalSpent,
            operator: make_operator(
                ">=",
                FieldType::Money,
                Some(&Operator::Gt(Value::Money(500_000))),
            ),
        };
        assert_eq!(
            edited("orders = 1", Edit::Replace(vec![0], c)),
            "total_spent >= 5000"
        );
        let eq = Operator::Eq(Value::Text("上海".into()));
        assert_eq!(
            make_operator("IN", FieldType::Text, Some(&eq)),
            Operator::In(vec!["上海".into()])
        );
        let list = Operator::In(vec!["杭州".into(), "上海".into()]);
        assert_eq!(
            make_operator("=", FieldType::Text, Some(&list)),
            Operator::Eq(Value::Text("杭州".into()))
        );
        assert_eq!(
            make_operator("CONTAINS", FieldType::Text, Some(&list)),
            Operator::Contains("杭州".into())
        );
        // Stale paths change nothing.
        assert_eq!(edited("orders = 1", Edit::Remove(vec![7])), "orders = 1");
        assert_eq!(edited("orders = 1", Edit::Outdent(vec![0])), "orders = 1");
    }

    #[test]
    fn every_operator_offered_prints_and_parses_back() {
        use crate::segment::fields::PLAIN;
        for (field, ..) in PLAIN.iter() {
            for op in operators_for(field.field_type()) {
                let c = Condition {
                    field: field.clone(),
                    operator: make_operator(op, field.field_type(), None),
                };
                let tree = Group::all(vec![Node::Condition(c)]).normalize();
                let text = print(&tree);
                // Label values must be known stages or groups; the empty default is not.
                if matches!(field, Field::Lifecycle | Field::RfmGroup) && text.contains("\"\"") {
                    continue;
                }
                assert_eq!(parse(&text).as_ref(), Ok(&tree), "{text}");
            }
        }
    }
}
