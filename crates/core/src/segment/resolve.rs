//! Stage 3 of the query language: the conditions as written → the typed tree the editors,
//! the printer and the binder share. Names become [`Field`]s, the operator is checked against
//! the field's type, operands become values (whole numbers, yuan → cents, dates), lifecycle
//! stages and RFM groups must exist. Tiers are named in Settings, so any text is accepted
//! here; they are looked up when the tree is bound to the data ([`super::bind`]).
//!
//! [`parse`] runs the three stages (lex, parse, resolve) and is the language's front door.

use super::ast::{Condition, Group, Node, Operator, Value};
use super::error::{ErrorKind, Expected, ParseError};
use super::fields::{Field, FieldType};
use super::lex::{Tok, tokenize};
use super::parse::{FieldName, Follow, OpKind, Shape, ShapeGroup, Written, written_date};
use crate::metrics::{RfmGroup, Stage};

/// Parses a query into a tree. An empty query is an empty group: it matches every customer.
/// The error is the first problem in the text, whichever stage finds it.
pub fn parse(text: &str) -> Result<Group, ParseError> {
    let tokens = tokenize(text)?;
    let parsed = super::parse::parse(tokens, text.chars().count());
    // In text order, so that a problem in an earlier condition is reported before a syntax
    // error after it (as one reading from the left would).
    let mut conditions = Vec::with_capacity(parsed.conditions.len());
    for written in &parsed.conditions {
        conditions.push(condition(written)?);
    }
    let root = parsed.root?;
    Ok(build(root, &mut conditions))
}

fn build(g: ShapeGroup, conditions: &mut [Option<Condition>]) -> Group {
    Group {
        op: g.op,
        negated: g.negated,
        items: g
            .items
            .into_iter()
            .filter_map(|s| match s {
                Shape::Group(inner) => Some(Node::Group(build(inner, conditions))),
                Shape::Condition(k) => conditions
                    .get_mut(k)
                    .and_then(Option::take)
                    .map(Node::Condition),
            })
            .collect(),
    }
}

/// A written condition as a typed one; `Ok(None)` when a syntax error cut it short before
/// anything wrong was found in it.
fn condition(written: &Written) -> Result<Option<Condition>, ParseError> {
    let field = match &written.field {
        FieldName::Plain { word, at } => Field::plain(word)
            .ok_or_else(|| ParseError::new(*at, ErrorKind::UnknownField(word.clone())))?,
        FieldName::Call(f) => f.clone(),
    };
    let ty = field.field_type();
    let op = match (&written.follow, ty) {
        (Follow::Nothing { .. }, FieldType::Flag) => {
            return Ok(Some(Condition {
                field,
                operator: Operator::IsTrue,
            }));
        }
        // A yes/no field takes no operator: the condition ended before it, and what cannot
        // follow a condition is reported as such.
        (Follow::Operator(op), FieldType::Flag) => {
            let kind = if written.in_parens {
                ErrorKind::Expected(Expected::ClosingParen)
            } else {
                ErrorKind::Unexpected(op.first.to_string())
            };
            return Err(ParseError::new(op.at, kind));
        }
        (Follow::Nothing { at, next }, _) => {
            let kind = match next {
                None => ErrorKind::UnexpectedEnd,
                Some(Tok::Word(w)) => not_for(&field, &w.to_ascii_uppercase()),
                Some(_) => ErrorKind::Expected(Expected::Operator),
            };
            return Err(ParseError::new(*at, kind));
        }
        (Follow::Operator(op), _) => op,
    };
    if !applies(op.kind, ty) {
        return Err(ParseError::new(op.at, not_for(&field, &op.name)));
    }
    let mut operands = op.operands.iter();
    let mut next_value = || match operands.next() {
        Some(operand) => value(&field, ty, operand).map(Some),
        None => Ok(None),
    };
    let one = |f: fn(Value) -> Operator, v: Option<Value>| v.map(f);
    let operator = match op.kind {
        OpKind::Eq => one(Operator::Eq, next_value()?),
        OpKind::Ne => one(Operator::Ne, next_value()?),
        OpKind::Gt => one(Operator::Gt, next_value()?),
        OpKind::Ge => one(Operator::Ge, next_value()?),
        OpKind::Lt => one(Operator::Lt, next_value()?),
        OpKind::Le => one(Operator::Le, next_value()?),
        OpKind::Between => match (next_value()?, next_value()?) {
            (Some(a), Some(b)) => Some(Operator::Between(a, b)),
            _ => None,
        },
        OpKind::In => Some(Operator::In(list(&field, ty, &op.operands)?)),
        OpKind::NotIn => Some(Operator::NotIn(list(&field, ty, &op.operands)?)),
        OpKind::HasAny => Some(Operator::HasAny(list(&field, ty, &op.operands)?)),
        OpKind::HasAll => Some(Operator::HasAll(list(&field, ty, &op.operands)?)),
        OpKind::HasNone => Some(Operator::HasNone(list(&field, ty, &op.operands)?)),
        OpKind::Has => None,
        OpKind::Contains => text(&op.operands).map(Operator::Contains),
        OpKind::StartsWith => text(&op.operands).map(Operator::StartsWith),
        OpKind::IsEmpty => Some(Operator::IsEmpty),
        OpKind::IsNotEmpty => Some(Operator::IsNotEmpty),
        OpKind::Before => date(&op.operands).map(Operator::Before),
        OpKind::After => date(&op.operands).map(Operator::After),
        OpKind::Within => span(&op.operands).map(Operator::Within),
        OpKind::OlderThan => span(&op.operands).map(Operator::OlderThan),
    };
    Ok(operator.map(|operator| Condition { field, operator }))
}

fn not_for(field: &Field, operator: &str) -> ErrorKind {
    ErrorKind::NotFor {
        field: field.name().to_string(),
        operator: operator.to_string(),
    }
}

/// Which operators a field type takes (a yes/no field takes none).
fn applies(kind: OpKind, ty: FieldType) -> bool {
    use FieldType::*;
    let ordered = matches!(ty, Number | Money);
    match kind {
        OpKind::Eq | OpKind::Ne => ty != Tags,
        OpKind::Gt | OpKind::Ge | OpKind::Lt | OpKind::Le => ordered,
        OpKind::Between => ordered || ty == Date,
        OpKind::In | OpKind::NotIn => matches!(ty, Text | Label),
        OpKind::Contains | OpKind::StartsWith => ty == Text,
        OpKind::IsEmpty | OpKind::IsNotEmpty => true,
        OpKind::Before | OpKind::After | OpKind::Within | OpKind::OlderThan => ty == Date,
        OpKind::Has | OpKind::HasAny | OpKind::HasAll | OpKind::HasNone => ty == Tags,
    }
}

/// A comparison's operand as a value of the field's type.
fn value(field: &Field, ty: FieldType, (at, tok): &(usize, Tok)) -> Result<Value, ParseError> {
    let at = *at;
    let fail = |kind| Err(ParseError::new(at, kind));
    match (ty, tok) {
        (FieldType::Number, Tok::Num(n)) => match n.parse::<i64>() {
            Ok(v) => Ok(Value::Number(v)),
            Err(_) => fail(ErrorKind::BadNumber(n.clone())),
        },
        (FieldType::Number, _) => fail(ErrorKind::Expected(Expected::Number)),
        (FieldType::Money, Tok::Num(n)) => match yuan_to_cents(n) {
            Some(c) => Ok(Value::Money(c)),
            None => fail(ErrorKind::BadNumber(n.clone())),
        },
        (FieldType::Money, _) => fail(ErrorKind::Expected(Expected::Amount)),
        (FieldType::Date, Tok::Date(d)) => Ok(Value::Date(*d)),
        (FieldType::Date, Tok::Str(s)) => match written_date(s) {
            Some(d) => Ok(Value::Date(d)),
            None => fail(ErrorKind::Expected(Expected::Date)),
        },
        (FieldType::Date, _) => fail(ErrorKind::Expected(Expected::Date)),
        (FieldType::Label, Tok::Str(s)) => {
            check_label(field, s).map_err(|kind| ParseError::new(at, kind))?;
            Ok(Value::Text(s.clone()))
        }
        (_, Tok::Str(s)) => Ok(Value::Text(s.clone())),
        (_, _) => fail(ErrorKind::Expected(Expected::QuotedText)),
    }
}

/// A list's texts (the parser read only quoted texts into it), labels checked in order.
fn list(
    field: &Field,
    ty: FieldType,
    operands: &[(usize, Tok)],
) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::with_capacity(operands.len());
    for (at, tok) in operands {
        if let Tok::Str(s) = tok {
            if ty == FieldType::Label {
                check_label(field, s).map_err(|kind| ParseError::new(*at, kind))?;
            }
            out.push(s.clone());
        }
    }
    Ok(out)
}

fn text(operands: &[(usize, Tok)]) -> Option<String> {
    match operands.first() {
        Some((_, Tok::Str(s))) => Some(s.clone()),
        _ => None,
    }
}

fn date(operands: &[(usize, Tok)]) -> Option<chrono::NaiveDate> {
    match operands.first() {
        Some((_, Tok::Date(d))) => Some(*d),
        _ => None,
    }
}

fn span(operands: &[(usize, Tok)]) -> Option<super::span::Span> {
    match operands.first() {
        Some((_, Tok::Span(s))) => Some(*s),
        _ => None,
    }
}

/// Lifecycle stages and RFM groups are known: a typo is an error at once. Tiers are named in
/// Settings, so any text is accepted (an unknown tier matches nobody).
fn check_label(field: &Field, v: &str) -> Result<(), ErrorKind> {
    let known = match field {
        Field::Lifecycle => label_stage(v).is_some(),
        Field::RfmGroup => label_group(v).is_some(),
        _ => true,
    };
    if known {
        Ok(())
    } else {
        Err(ErrorKind::UnknownLabel(v.to_string()))
    }
}

/// A stage by code, Chinese or English name.
pub fn label_stage(v: &str) -> Option<Stage> {
    Stage::ALL.iter().copied().find(|&s| {
        s.code() == v || stage_word(s, true) == v || stage_word(s, false).eq_ignore_ascii_case(v)
    })
}

/// An RFM group by code, Chinese or English name.
pub fn label_group(v: &str) -> Option<RfmGroup> {
    RfmGroup::ALL.iter().copied().find(|&g| {
        g.code() == v || group_word(g, true) == v || group_word(g, false).eq_ignore_ascii_case(v)
    })
}

/// A stage as the query language names it (`lifecycle = "流失预警"`, `lifecycle = "At risk"`):
/// syntax, which a query may use in either language and saved queries keep — not the UI's
/// label (the app's `i18n::Localize`), even where the two read alike.
pub fn stage_word(stage: Stage, chinese: bool) -> &'static str {
    match (stage, chinese) {
        (Stage::Prospect, true) => "潜在",
        (Stage::Developing, true) => "开发",
        (Stage::Growing, true) => "成长",
        (Stage::Mature, true) => "成熟",
        (Stage::AtRisk, true) => "流失预警",
        (Stage::Churned, true) => "流失",
        (Stage::Prospect, false) => "Prospect",
        (Stage::Developing, false) => "Developing",
        (Stage::Growing, false) => "Growing",
        (Stage::Mature, false) => "Mature",
        (Stage::AtRisk, false) => "At risk",
        (Stage::Churned, false) => "Churned",
    }
}

/// An RFM group as the query language names it (`rfm_group = "重要价值客户"`): syntax, like
/// [`stage_word`].
pub fn group_word(group: RfmGroup, chinese: bool) -> &'static str {
    match (group, chinese) {
        (RfmGroup::ImportantValue, true) => "重要价值客户",
        (RfmGroup::ImportantDevelop, true) => "重要发展客户",
        (RfmGroup::ImportantRetain, true) => "重要保持客户",
        (RfmGroup::ImportantWinBack, true) => "重要挽留客户",
        (RfmGroup::GeneralValue, true) => "一般价值客户",
        (RfmGroup::GeneralDevelop, true) => "一般发展客户",
        (RfmGroup::GeneralRetain, true) => "一般保持客户",
        (RfmGroup::GeneralWinBack, true) => "一般挽留客户",
        (RfmGroup::ImportantValue, false) => "Important value",
        (RfmGroup::ImportantDevelop, false) => "Important to develop",
        (RfmGroup::ImportantRetain, false) => "Important to retain",
        (RfmGroup::ImportantWinBack, false) => "Important to win back",
        (RfmGroup::GeneralValue, false) => "General value",
        (RfmGroup::GeneralDevelop, false) => "General to develop",
        (RfmGroup::GeneralRetain, false) => "General to retain",
        (RfmGroup::GeneralWinBack, false) => "General to win back",
    }
}

/// `5000`, `12.5`, `1.2万` (yuan) → cents; at most two decimals.
pub fn yuan_to_cents(s: &str) -> Option<i64> {
    let (s, factor) = match s.strip_suffix('万') {
        Some(rest) => (rest, 10_000i64),
        None => (s, 1),
    };
    let negative = s.starts_with('-');
    let s = s.trim_start_matches('-');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    // Up to 6 decimals are read (1.23456万 is ¥12,345.60); the cents must come out whole.
    if frac.len() > 6 {
        return None;
    }
    let scale = 10i128.pow(frac.len() as u32);
    let units: i128 = format!("{whole}{frac}").parse().ok()?;
    let cents_times_scale = units * 100 * i128::from(factor);
    if cents_times_scale % scale != 0 {
        return None;
    }
    let cents = i64::try_from(cents_times_scale / scale).ok()?;
    Some(if negative { -cents } else { cents })
}

/// A request category as a query names it: its code, or the Chinese name of a built-in one.
pub fn request_category(word: &str) -> &str {
    use crate::model::desk::category;
    match word.trim() {
        "咨询" => category::CONSULTATION,
        "投诉" => category::COMPLAINT,
        "需求" => category::NEED,
        "服务" | "售后" => category::SERVICE,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(q: &str) -> (usize, ErrorKind) {
        let e = parse(q).expect_err(q);
        (e.at, e.kind)
    }

    /// The first problem from the left wins, whichever stage finds it.
    #[test]
    fn an_earlier_problem_comes_before_a_later_syntax_error() {
        assert_eq!(
            error("foo = 1 AND ("),
            (0, ErrorKind::UnknownField("foo".into()))
        );
        assert_eq!(
            error(r#"lifecycle = "成熟了" AND foo = 1"#),
            (12, ErrorKind::UnknownLabel("成熟了".into()))
        );
        assert_eq!(
            error("orders NOT IN 5"),
            (
                7,
                ErrorKind::NotFor {
                    field: "orders".into(),
                    operator: "NOT".into()
                }
            )
        );
        assert_eq!(
            error(r#"orders BETWEEN "x" 5"#),
            (15, ErrorKind::Expected(Expected::Number))
        );
        assert_eq!(
            error("(city = )"),
            (8, ErrorKind::Expected(Expected::QuotedText))
        );
    }

    #[test]
    fn a_yes_no_field_takes_no_operator() {
        assert_eq!(
            error("has_open_complaint = 1"),
            (19, ErrorKind::Unexpected("=".into()))
        );
        assert_eq!(
            error("(has_open_complaint = 1)"),
            (20, ErrorKind::Expected(Expected::ClosingParen))
        );
        assert_eq!(
            error("city AND x"),
            (
                5,
                ErrorKind::NotFor {
                    field: "city".into(),
                    operator: "AND".into()
                }
            )
        );
        assert_eq!(
            error("city )"),
            (5, ErrorKind::Expected(Expected::Operator))
        );
        assert_eq!(error("city"), (4, ErrorKind::UnexpectedEnd));
    }

    #[test]
    fn yuan_amounts() {
        assert_eq!(yuan_to_cents("1.2万"), Some(1_200_000));
        assert_eq!(yuan_to_cents("-12.5"), Some(-1250));
        assert_eq!(yuan_to_cents("1.234"), None);
        assert_eq!(yuan_to_cents("1.23456万"), Some(1_234_560));
    }
}
