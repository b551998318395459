//! The text query language → rule tree. Errors carry the position (in characters) where the
//! text stops making sense, and a message in both languages. The parser never panics, whatever
//! the input (a property test feeds it arbitrary text).

use super::ast::{Condition, Group, Node, Op, Operator, Span, Value};
use super::fields::{
    CHANNEL_ORDERS, CONTACTS, EVENTS, Field, FieldType, IN_SEGMENT, ORDERS_BETWEEN,
};
use crate::metrics::{RfmGroup, Stage};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Str(String),
    Num(String),
    Date(NaiveDate),
    Span(Span),
    LParen,
    RParen,
    Comma,
    Cmp(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    UnexpectedEnd,
    Unexpected(String),
    UnknownField(String),
    /// The operator does not apply to the field's type.
    NotFor {
        field: String,
        operator: String,
    },
    Expected(&'static str),
    UnknownLabel(String),
    UnclosedString,
    BadNumber(String),
    EmptyGroup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Character offset in the query where the problem starts.
    pub at: usize,
    pub kind: ErrorKind,
}

impl ParseError {
    pub fn message(&self, chinese: bool) -> String {
        use ErrorKind::*;
        match (&self.kind, chinese) {
            (UnexpectedEnd, true) => "查询不完整".into(),
            (UnexpectedEnd, false) => "the query ends too early".into(),
            (Unexpected(t), true) => format!("此处不应出现“{t}”"),
            (Unexpected(t), false) => format!("unexpected “{t}”"),
            (UnknownField(f), true) => format!("未知字段“{f}”"),
            (UnknownField(f), false) => format!("unknown field “{f}”"),
            (NotFor { field, operator }, true) => format!("“{operator}”不能用于字段 {field}"),
            (NotFor { field, operator }, false) => {
                format!("“{operator}” does not apply to {field}")
            }
            (Expected(what), true) => format!("此处应为{}", expected_zh(what)),
            (Expected(what), false) => format!("expected {what}"),
            (UnknownLabel(v), true) => format!("未知取值“{v}”"),
            (UnknownLabel(v), false) => format!("unknown value “{v}”"),
            (UnclosedString, true) => "引号没有闭合".into(),
            (UnclosedString, false) => "unclosed quote".into(),
            (BadNumber(n), true) => format!("无法识别的数字“{n}”"),
            (BadNumber(n), false) => format!("not a number: “{n}”"),
            (EmptyGroup, true) => "括号内为空".into(),
            (EmptyGroup, false) => "empty parentheses".into(),
        }
    }
}

fn expected_zh(what: &str) -> &'static str {
    match what {
        "a field" => "字段",
        "an operator" => "运算符",
        "a number" => "数字",
        "an amount in yuan" => "金额（元）",
        "a date (2024-01-31)" => "日期（如 2024-01-31）",
        "a span (30d, 12w, 3m, 1y)" => "时间跨度（如 30d、12w、3m、1y）",
        "a quoted text" => "带引号的文字",
        "“(”" => "“(”",
        "“)”" => "“)”",
        "“,”" => "“,”",
        "AND" => "AND",
        _ => "其他内容",
    }
}

/// Parses a query. An empty query is an empty group: it matches every customer.
pub fn parse(text: &str) -> Result<Group, ParseError> {
    let tokens = tokenize(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: text.chars().count(),
    };
    if p.tokens.is_empty() {
        return Ok(Group::all(vec![]));
    }
    let (op, items) = p.or_chain()?;
    if let Some((at, t)) = p.tokens.get(p.pos) {
        return Err(ParseError {
            at: *at,
            kind: ErrorKind::Unexpected(show(t)),
        });
    }
    Ok(Group {
        op,
        negated: false,
        items,
    })
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) | Tok::Num(w) => w.clone(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Date(d) => d.to_string(),
        Tok::Span(s) => super::print::span(*s),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::Comma => ",".into(),
        Tok::Cmp(c) => (*c).into(),
    }
}

pub(super) fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let err = |kind| ParseError { at: start, kind };
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | '（' => {
                out.push((start, Tok::LParen));
                i += 1;
            }
            ')' | '）' => {
                out.push((start, Tok::RParen));
                i += 1;
            }
            ',' | '，' | '、' => {
                out.push((start, Tok::Comma));
                i += 1;
            }
            '"' | '“' | '”' | '\'' => {
                let close = match c {
                    '“' => '”',
                    other => other,
                };
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(ErrorKind::UnclosedString)),
                        Some('\\') => {
                            if let Some(&n) = chars.get(i + 1) {
                                s.push(n);
                            }
                            i += 2;
                        }
                        Some(&ch) if ch == close || (close == '”' && ch == '"') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push((start, Tok::Str(s)));
            }
            '=' | '!' | '<' | '>' | '≠' | '≥' | '≤' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => ("=", 2),
                    ('=', _) => ("=", 1),
                    ('!', Some('=')) | ('<', Some('>')) => ("!=", 2),
                    ('≠', _) => ("!=", 1),
                    ('>', Some('=')) => (">=", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('≥', _) => (">=", 1),
                    ('≤', _) => ("<=", 1),
                    ('>', _) => (">", 1),
                    ('<', _) => ("<", 1),
                    _ => return Err(err(ErrorKind::Unexpected(c.to_string()))),
                };
                out.push((start, Tok::Cmp(op)));
                i += len;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut s = String::from(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d.is_ascii_alphanumeric() || d == '.' || d == '-' || d == '万' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((
                    start,
                    number_token(&s).ok_or_else(|| err(ErrorKind::BadNumber(s.clone())))?,
                ));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if d.is_alphanumeric() || d == '_' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((start, Tok::Word(s)));
            }
            other => return Err(err(ErrorKind::Unexpected(other.to_string()))),
        }
    }
    Ok(out)
}

/// `2024-01-31` is a date, `30d` a span, anything else a number (checked when used).
fn number_token(s: &str) -> Option<Tok> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Tok::Date(d));
    }
    if let Some(unit) = s.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let n: u32 = s[..s.len() - 1].parse().ok()?;
        let span = match unit.to_ascii_lowercase() {
            'd' => Span::Days(n),
            'w' => Span::Weeks(n),
            'm' => Span::Months(n),
            'y' => Span::Years(n),
            _ => return None,
        };
        return Some(Tok::Span(span));
    }
    let plain = s.trim_end_matches('万');
    let ok = !plain.is_empty()
        && plain
            .chars()
            .enumerate()
            .all(|(k, c)| c.is_ascii_digit() || c == '.' || (k == 0 && c == '-'))
        && plain.matches('.').count() <= 1
        && s.matches('万').count() <= 1;
    ok.then(|| Tok::Num(s.to_string()))
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    /// Character count of the query: where "ends too early" points.
    end: usize,
}

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(a, _)| *a)
    }

    fn error<T>(&self, kind: ErrorKind) -> Result<T, ParseError> {
        Err(ParseError {
            at: self.at(),
            kind,
        })
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn keyword(&mut self, kw: &str) -> bool {
        if is_kw(self.peek(), kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: Tok, what: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(&tok) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            self.error(ErrorKind::UnexpectedEnd)
        } else {
            self.error(ErrorKind::Expected(what))
        }
    }

    /// `a OR b OR …` of AND chains: the items of one group and how they combine.
    fn or_chain(&mut self) -> Result<(Op, Vec<Node>), ParseError> {
        let mut alternatives = vec![self.and_chain()?];
        while self.keyword("OR") {
            alternatives.push(self.and_chain()?);
        }
        if alternatives.len() == 1 {
            return Ok((Op::And, alternatives.pop().unwrap_or_default()));
        }
        let items = alternatives
            .into_iter()
            .map(|mut items| {
                if items.len() == 1 {
                    items.pop().unwrap_or(Node::Group(Group::all(vec![])))
                } else {
                    Node::Group(Group::all(items))
                }
            })
            .collect();
        Ok((Op::Or, items))
    }

    fn and_chain(&mut self) -> Result<Vec<Node>, ParseError> {
        let mut items = vec![self.unary()?];
        while self.keyword("AND") {
            items.push(self.unary()?);
        }
        Ok(items)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if self.keyword("NOT") {
            let inner = self.unary()?;
            // NOT over a parenthesised group negates that group (the canonical shape).
            return Ok(match inner {
                Node::Group(g) if !g.negated && g.items.len() > 1 => {
                    Node::Group(Group { negated: true, ..g })
                }
                other => Node::Group(Group {
                    op: Op::And,
                    negated: true,
                    items: vec![other],
                }),
            });
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            if self.peek() == Some(&Tok::RParen) {
                return self.error(ErrorKind::EmptyGroup);
            }
            let (op, items) = self.or_chain()?;
            self.expect(Tok::RParen, "“)”")?;
            // `(x)` is just x; parentheses around several items make a group.
            return Ok(if items.len() == 1 {
                items
                    .into_iter()
                    .next()
                    .unwrap_or(Node::Group(Group::all(vec![])))
            } else {
                Node::Group(Group {
                    op,
                    negated: false,
                    items,
                })
            });
        }
        self.condition().map(Node::Condition)
    }

    fn condition(&mut self) -> Result<Condition, ParseError> {
        let field_at = self.at();
        let Some(Tok::Word(word)) = self.peek().cloned() else {
            return match self.peek() {
                None => self.error(ErrorKind::UnexpectedEnd),
                Some(_) => self.error(ErrorKind::Expected("a field")),
            };
        };
        self.pos += 1;
        let call = |names: (&str, &[&str])| {
            names.0.eq_ignore_ascii_case(&word) || names.1.contains(&word.as_str())
        };
        let field = if call(EVENTS) {
            self.expect(Tok::LParen, "“(”")?;
            let kind = self.text()?;
            let within = if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                Some(self.span()?)
            } else {
                None
            };
            self.expect(Tok::RParen, "“)”")?;
            Field::Events { kind, within }
        } else if call(CHANNEL_ORDERS) {
            self.expect(Tok::LParen, "“(”")?;
            let channel = self.text()?;
            self.expect(Tok::RParen, "“)”")?;
            Field::ChannelOrders { channel }
        } else if call(ORDERS_BETWEEN) {
            self.expect(Tok::LParen, "“(”")?;
            let from = self.date()?;
            self.expect(Tok::Comma, "“,”")?;
            let to = self.date()?;
            self.expect(Tok::RParen, "“)”")?;
            Field::OrdersBetween { from, to }
        } else if call(CONTACTS) {
            self.expect(Tok::LParen, "“(”")?;
            let within = self.span()?;
            self.expect(Tok::RParen, "“)”")?;
            Field::Contacts { within }
        } else if call(IN_SEGMENT) {
            self.expect(Tok::LParen, "“(”")?;
            let name = self.text()?;
            self.expect(Tok::RParen, "“)”")?;
            Field::InSegment { name }
        } else {
            match Field::plain(&word) {
                Some(f) => f,
                None => {
                    return Err(ParseError {
                        at: field_at,
                        kind: ErrorKind::UnknownField(word),
                    });
                }
            }
        };
        let operator = self.operator(&field)?;
        Ok(Condition { field, operator })
    }

    fn operator(&mut self, field: &Field) -> Result<Operator, ParseError> {
        let ty = field.field_type();
        let op_at = self.at();
        let not_for = |op: &str| ParseError {
            at: op_at,
            kind: ErrorKind::NotFor {
                field: field.name().to_string(),
                operator: op.to_string(),
            },
        };
        if ty == FieldType::Flag {
            return Ok(Operator::IsTrue);
        }
        let op = match self.peek() {
            Some(Tok::Cmp(c)) => c.to_string(),
            Some(Tok::Word(w)) => w.to_ascii_uppercase(),
            None => return self.error(ErrorKind::UnexpectedEnd),
            Some(_) => return self.error(ErrorKind::Expected("an operator")),
        };
        self.pos += 1;
        use FieldType::*;
        let ordered = matches!(ty, Number | Money);
        Ok(match op.as_str() {
            "=" | "!=" if ty != Tags => {
                let v = self.value(field, ty)?;
                if op == "=" {
                    Operator::Eq(v)
                } else {
                    Operator::Ne(v)
                }
            }
            ">" | ">=" | "<" | "<=" if ordered => {
                let v = self.value(field, ty)?;
                match op.as_str() {
                    ">" => Operator::Gt(v),
                    ">=" => Operator::Ge(v),
                    "<" => Operator::Lt(v),
                    _ => Operator::Le(v),
                }
            }
            "BETWEEN" if ordered || ty == Date => {
                let a = self.value(field, ty)?;
                if !self.keyword("AND") {
                    return self.error(ErrorKind::Expected("AND"));
                }
                let b = self.value(field, ty)?;
                Operator::Between(a, b)
            }
            "IN" if matches!(ty, Text | Label) => Operator::In(self.list(field, ty)?),
            "NOT" if matches!(ty, Text | Label) && self.keyword("IN") => {
                Operator::NotIn(self.list(field, ty)?)
            }
            "CONTAINS" if ty == Text => Operator::Contains(self.text()?),
            "STARTS" if ty == Text => {
                if !self.keyword("WITH") {
                    return self.error(ErrorKind::Expected("WITH"));
                }
                Operator::StartsWith(self.text()?)
            }
            "IS" => {
                let negated = self.keyword("NOT");
                if !self.keyword("EMPTY") {
                    return self.error(ErrorKind::Expected("EMPTY"));
                }
                if negated {
                    Operator::IsNotEmpty
                } else {
                    Operator::IsEmpty
                }
            }
            "BEFORE" if ty == Date => Operator::Before(self.date()?),
            "AFTER" if ty == Date => Operator::After(self.date()?),
            "WITHIN" if ty == Date => Operator::Within(self.span()?),
            "OLDER" if ty == Date => {
                if !self.keyword("THAN") {
                    return self.error(ErrorKind::Expected("THAN"));
                }
                Operator::OlderThan(self.span()?)
            }
            "HAS" if ty == Tags => {
                let which = self.next().map(|t| show(&t).to_ascii_uppercase());
                match which.as_deref() {
                    Some("ANY") => Operator::HasAny(self.list(field, ty)?),
                    Some("ALL") => Operator::HasAll(self.list(field, ty)?),
                    Some("NONE") => Operator::HasNone(self.list(field, ty)?),
                    _ => {
                        self.pos -= 1;
                        return self.error(ErrorKind::Expected("ANY, ALL or NONE"));
                    }
                }
            }
            _ => return Err(not_for(&op)),
        })
    }

    fn text(&mut self) -> Result<String, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(s)
            }
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected("a quoted text")),
        }
    }

    fn date(&mut self) -> Result<NaiveDate, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Date(d)) => {
                self.pos += 1;
                Ok(d)
            }
            Some(Tok::Str(s)) if NaiveDate::parse_from_str(&s, "%Y-%m-%d").is_ok() => {
                self.pos += 1;
                NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .or_else(|_| self.error(ErrorKind::Expected("a date (2024-01-31)")))
            }
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected("a date (2024-01-31)")),
        }
    }

    fn span(&mut self) -> Result<Span, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Span(s)) => {
                self.pos += 1;
                Ok(s)
            }
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected("a span (30d, 12w, 3m, 1y)")),
        }
    }

    fn value(&mut self, field: &Field, ty: FieldType) -> Result<Value, ParseError> {
        match ty {
            FieldType::Number => match self.peek().cloned() {
                Some(Tok::Num(n)) => match n.parse::<i64>() {
                    Ok(v) => {
                        self.pos += 1;
                        Ok(Value::Number(v))
                    }
                    Err(_) => self.error(ErrorKind::BadNumber(n)),
                },
                None => self.error(ErrorKind::UnexpectedEnd),
                Some(_) => self.error(ErrorKind::Expected("a number")),
            },
            FieldType::Money => match self.peek().cloned() {
                Some(Tok::Num(n)) => match yuan_to_cents(&n) {
                    Some(c) => {
                        self.pos += 1;
                        Ok(Value::Money(c))
                    }
                    None => self.error(ErrorKind::BadNumber(n)),
                },
                None => self.error(ErrorKind::UnexpectedEnd),
                Some(_) => self.error(ErrorKind::Expected("an amount in yuan")),
            },
            FieldType::Date => self.date().map(Value::Date),
            FieldType::Label => {
                let at = self.at();
                let v = self.text()?;
                check_label(field, &v).map_err(|kind| ParseError { at, kind })?;
                Ok(Value::Text(v))
            }
            _ => self.text().map(Value::Text),
        }
    }

    fn list(&mut self, field: &Field, ty: FieldType) -> Result<Vec<String>, ParseError> {
        self.expect(Tok::LParen, "“(”")?;
        let mut out = Vec::new();
        loop {
            let at = self.at();
            let v = self.text()?;
            if ty == FieldType::Label {
                check_label(field, &v).map_err(|kind| ParseError { at, kind })?;
            }
            out.push(v);
            if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.expect(Tok::RParen, "“)”")?;
        Ok(out)
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
    Stage::ALL
        .iter()
        .copied()
        .find(|s| s.code() == v || s.name(true) == v || s.name(false).eq_ignore_ascii_case(v))
}

/// An RFM group by code, Chinese or English name.
pub fn label_group(v: &str) -> Option<RfmGroup> {
    RfmGroup::ALL
        .iter()
        .copied()
        .find(|g| g.code() == v || g.name(true) == v || g.name(false).eq_ignore_ascii_case(v))
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
