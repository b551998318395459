//! Stage 2 of the query language: tokens → the shape of the query, syntax only. Conditions come
//! out as written: a field *name* (calls such as `events("visit", 30d)` are grammar, their
//! arguments literals), an operator and its operands as tokens. Nothing is looked up — which
//! field a name is, whether the operator applies to it, what a number or a label means is
//! [`super::resolve`]'s work. The parser never panics, whatever the input (a property test
//! feeds it arbitrary text).
//!
//! Errors are reported where the text first stops making sense, the same position whichever
//! stage finds it: the conditions read so far come back even when the syntax fails, so the
//! resolver can report an earlier problem in them first.

use super::ast::Op;
use super::error::{ErrorKind, Expected, ParseError};
use super::fields::{
    CHANNEL_ORDERS, CONTACTS, EVENTS, Field, IN_SEGMENT, ORDERS_BETWEEN, REQUESTS,
};
use super::lex::Tok;
use chrono::NaiveDate;

/// A condition as written, in the order of the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub field: FieldName,
    /// Inside parentheses, what cannot follow a condition is "`)` expected" rather than
    /// "unexpected".
    pub in_parens: bool,
    pub follow: Follow,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldName {
    /// A plain name (`city`, `城市`), not yet looked up.
    Plain { word: String, at: usize },
    /// A call, whose form the grammar fixes.
    Call(Field),
}

/// What follows the field.
#[derive(Clone, Debug, PartialEq)]
pub enum Follow {
    /// Nothing that can start an operator: the condition ends (right for a yes/no field).
    /// `next` is the token there, if any.
    Nothing {
        at: usize,
        next: Option<Tok>,
    },
    Operator(WrittenOp),
}

/// An operator and its operands as written. After a syntax error the operands may be fewer
/// than the operator takes.
#[derive(Clone, Debug, PartialEq)]
pub struct WrittenOp {
    pub at: usize,
    /// The operator's first token as typed.
    pub first: Tok,
    /// The operator as errors name it: its first token in capitals (`NOT` for `NOT IN`).
    pub name: String,
    pub kind: OpKind,
    /// Tokens with their offsets. Comparisons and `BETWEEN` take any single token (its type
    /// is the field's, checked later); lists, `CONTAINS` and `STARTS WITH` take quoted
    /// text, `BEFORE`/`AFTER` dates, `WITHIN`/`OLDER THAN` spans.
    pub operands: Vec<(usize, Tok)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Between,
    In,
    NotIn,
    Contains,
    StartsWith,
    IsEmpty,
    IsNotEmpty,
    Before,
    After,
    Within,
    OlderThan,
    /// `HAS` before its `ANY`, `ALL` or `NONE` is read.
    Has,
    HasAny,
    HasAll,
    HasNone,
}

/// The query's structure, its conditions by index into [`Parsed::conditions`].
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Condition(usize),
    Group(ShapeGroup),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShapeGroup {
    pub op: Op,
    pub negated: bool,
    pub items: Vec<Shape>,
}

impl ShapeGroup {
    fn all(items: Vec<Shape>) -> Self {
        ShapeGroup {
            op: Op::And,
            negated: false,
            items,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// Every condition read, in order — also those before a syntax error, and the one it
    /// interrupted.
    pub conditions: Vec<Written>,
    pub root: Result<ShapeGroup, ParseError>,
}

/// Parses tokens; `end` is the character count of the text (where "ends too early" points).
/// No tokens is an empty group.
pub fn parse(tokens: Vec<(usize, Tok)>, end: usize) -> Parsed {
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
        depth: 0,
        conditions: Vec::new(),
    };
    let root = p.query();
    Parsed {
        conditions: p.conditions,
        root,
    }
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    /// Parentheses open around the current position.
    depth: usize,
    conditions: Vec<Written>,
}

/// Words that start an operator (`NOT` only before `IN`); any other word after a field ends
/// the condition.
const OPERATOR_WORDS: [&str; 10] = [
    "BETWEEN", "IN", "CONTAINS", "STARTS", "IS", "BEFORE", "AFTER", "WITHIN", "OLDER", "HAS",
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(a, _)| *a)
    }

    fn error<T>(&self, kind: ErrorKind) -> Result<T, ParseError> {
        Err(ParseError::new(self.at(), kind))
    }

    fn keyword(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_keyword(kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: Tok, what: Expected) -> Result<(), ParseError> {
        if self.peek() == Some(&tok) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            self.error(ErrorKind::UnexpectedEnd)
        } else {
            self.error(ErrorKind::Expected(what))
        }
    }

    fn query(&mut self) -> Result<ShapeGroup, ParseError> {
        if self.tokens.is_empty() {
            return Ok(ShapeGroup::all(vec![]));
        }
        let (op, items) = self.or_chain()?;
        if let Some((at, t)) = self.tokens.get(self.pos) {
            return Err(ParseError::new(*at, ErrorKind::Unexpected(t.to_string())));
        }
        Ok(ShapeGroup {
            op,
            negated: false,
            items,
        })
    }

    /// `a OR b OR …` of AND chains: the items of one group and how they combine.
    fn or_chain(&mut self) -> Result<(Op, Vec<Shape>), ParseError> {
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
                    items.pop().unwrap_or(Shape::Group(ShapeGroup::all(vec![])))
                } else {
                    Shape::Group(ShapeGroup::all(items))
                }
            })
            .collect();
        Ok((Op::Or, items))
    }

    fn and_chain(&mut self) -> Result<Vec<Shape>, ParseError> {
        let mut items = vec![self.unary()?];
        while self.keyword("AND") {
            items.push(self.unary()?);
        }
        Ok(items)
    }

    fn unary(&mut self) -> Result<Shape, ParseError> {
        if self.keyword("NOT") {
            let inner = self.unary()?;
            // NOT over a parenthesised group negates that group (the canonical shape).
            return Ok(match inner {
                Shape::Group(g) if !g.negated && g.items.len() > 1 => {
                    Shape::Group(ShapeGroup { negated: true, ..g })
                }
                other => Shape::Group(ShapeGroup {
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
            self.depth += 1;
            let (op, items) = self.or_chain()?;
            self.expect(Tok::RParen, Expected::ClosingParen)?;
            self.depth -= 1;
            // `(x)` is just x; parentheses around several items make a group.
            return Ok(if items.len() == 1 {
                items
                    .into_iter()
                    .next()
                    .unwrap_or(Shape::Group(ShapeGroup::all(vec![])))
            } else {
                Shape::Group(ShapeGroup {
                    op,
                    negated: false,
                    items,
                })
            });
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<Shape, ParseError> {
        let at = self.at();
        let Some(Tok::Word(word)) = self.peek().cloned() else {
            return match self.peek() {
                None => self.error(ErrorKind::UnexpectedEnd),
                Some(_) => self.error(ErrorKind::Expected(Expected::Field)),
            };
        };
        self.pos += 1;
        let field = match self.call(&word)? {
            Some(call) => FieldName::Call(call),
            None => FieldName::Plain { word, at },
        };
        let mut written = Written {
            field,
            in_parens: self.depth > 0,
            follow: Follow::Nothing {
                at: self.at(),
                next: self.peek().cloned(),
            },
        };
        // The condition is kept even when its operator fails: an earlier problem in it (an
        // unknown field, an operator the field does not take) is the one to report.
        let read = self.operator(&mut written);
        let index = self.conditions.len();
        self.conditions.push(written);
        read.map(|()| Shape::Condition(index))
    }

    /// A call's arguments, when `word` names a call.
    fn call(&mut self, word: &str) -> Result<Option<Field>, ParseError> {
        let named =
            |names: (&str, &[&str])| names.0.eq_ignore_ascii_case(word) || names.1.contains(&word);
        let field = if named(EVENTS) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            let kind = self.text()?;
            let within = if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                Some(self.span()?)
            } else {
                None
            };
            Field::Events { kind, within }
        } else if named(CHANNEL_ORDERS) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            Field::ChannelOrders {
                channel: self.text()?,
            }
        } else if named(ORDERS_BETWEEN) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            let from = self.date()?;
            self.expect(Tok::Comma, Expected::Comma)?;
            let to = self.date()?;
            Field::OrdersBetween { from, to }
        } else if named(CONTACTS) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            Field::Contacts {
                within: self.span()?,
            }
        } else if named(IN_SEGMENT) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            Field::InSegment { name: self.text()? }
        } else if named(REQUESTS) {
            self.expect(Tok::LParen, Expected::OpeningParen)?;
            let category = self.text()?;
            let within = if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                Some(self.span()?)
            } else {
                None
            };
            Field::Requests { category, within }
        } else {
            return Ok(None);
        };
        self.expect(Tok::RParen, Expected::ClosingParen)?;
        Ok(Some(field))
    }

    /// Reads the operator after a field, if one follows, into `written`.
    fn operator(&mut self, written: &mut Written) -> Result<(), ParseError> {
        let at = self.at();
        let (first, name) = match self.peek() {
            Some(t @ Tok::Cmp(c)) => (t.clone(), c.to_string()),
            Some(t @ Tok::Word(w)) => {
                let name = w.to_ascii_uppercase();
                let starts = OPERATOR_WORDS.contains(&name.as_str())
                    || (name == "NOT" && self.peek_at(1).is_some_and(|n| n.is_keyword("IN")));
                if !starts {
                    return Ok(());
                }
                (t.clone(), name)
            }
            _ => return Ok(()),
        };
        self.pos += 1;
        let kind = match name.as_str() {
            "=" => OpKind::Eq,
            "!=" => OpKind::Ne,
            ">" => OpKind::Gt,
            ">=" => OpKind::Ge,
            "<" => OpKind::Lt,
            "<=" => OpKind::Le,
            "BETWEEN" => OpKind::Between,
            "IN" => OpKind::In,
            "NOT" => {
                self.pos += 1;
                OpKind::NotIn
            }
            "CONTAINS" => OpKind::Contains,
            "STARTS" => OpKind::StartsWith,
            "IS" => OpKind::IsEmpty,
            "BEFORE" => OpKind::Before,
            "AFTER" => OpKind::After,
            "WITHIN" => OpKind::Within,
            "OLDER" => OpKind::OlderThan,
            _ => OpKind::Has,
        };
        written.follow = Follow::Operator(WrittenOp {
            at,
            first,
            name,
            kind,
            operands: Vec::new(),
        });
        let Follow::Operator(op) = &mut written.follow else {
            return Ok(());
        };
        self.operands(op)
    }

    fn operands(&mut self, op: &mut WrittenOp) -> Result<(), ParseError> {
        match op.kind {
            OpKind::Eq | OpKind::Ne | OpKind::Gt | OpKind::Ge | OpKind::Lt | OpKind::Le => {
                op.operands.push(self.any()?);
            }
            OpKind::Between => {
                op.operands.push(self.any()?);
                if !self.keyword("AND") {
                    return self.error(ErrorKind::Expected(Expected::And));
                }
                op.operands.push(self.any()?);
            }
            OpKind::In | OpKind::NotIn => self.list(op)?,
            OpKind::Contains => op.operands.push(self.quoted()?),
            OpKind::StartsWith => {
                if !self.keyword("WITH") {
                    return self.error(ErrorKind::Expected(Expected::With));
                }
                op.operands.push(self.quoted()?);
            }
            OpKind::IsEmpty | OpKind::IsNotEmpty => {
                if self.keyword("NOT") {
                    op.kind = OpKind::IsNotEmpty;
                }
                if !self.keyword("EMPTY") {
                    return self.error(ErrorKind::Expected(Expected::Empty));
                }
            }
            OpKind::Before | OpKind::After => {
                let at = self.at();
                op.operands.push((at, Tok::Date(self.date()?)));
            }
            OpKind::Within => {
                let at = self.at();
                op.operands.push((at, Tok::Span(self.span()?)));
            }
            OpKind::OlderThan => {
                if !self.keyword("THAN") {
                    return self.error(ErrorKind::Expected(Expected::Than));
                }
                let at = self.at();
                op.operands.push((at, Tok::Span(self.span()?)));
            }
            OpKind::Has | OpKind::HasAny | OpKind::HasAll | OpKind::HasNone => {
                let which = self.peek().map(|t| t.to_string().to_ascii_uppercase());
                op.kind = match which.as_deref() {
                    Some("ANY") => OpKind::HasAny,
                    Some("ALL") => OpKind::HasAll,
                    Some("NONE") => OpKind::HasNone,
                    _ => return self.error(ErrorKind::Expected(Expected::AnyAllNone)),
                };
                self.pos += 1;
                self.list(op)?;
            }
        }
        Ok(())
    }

    /// Any one token: a comparison's operand, whose type only the field knows.
    fn any(&mut self) -> Result<(usize, Tok), ParseError> {
        match self.tokens.get(self.pos).cloned() {
            Some(t) => {
                self.pos += 1;
                Ok(t)
            }
            None => self.error(ErrorKind::UnexpectedEnd),
        }
    }

    fn quoted(&mut self) -> Result<(usize, Tok), ParseError> {
        let at = self.at();
        self.text().map(|s| (at, Tok::Str(s)))
    }

    /// `("a", "b", …)`: quoted texts, added to the operands as they are read.
    fn list(&mut self, op: &mut WrittenOp) -> Result<(), ParseError> {
        self.expect(Tok::LParen, Expected::OpeningParen)?;
        loop {
            op.operands.push(self.quoted()?);
            if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.expect(Tok::RParen, Expected::ClosingParen)
    }

    fn text(&mut self) -> Result<String, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(s)
            }
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected(Expected::QuotedText)),
        }
    }

    fn date(&mut self) -> Result<NaiveDate, ParseError> {
        match self.peek() {
            Some(Tok::Date(d)) => {
                let d = *d;
                self.pos += 1;
                Ok(d)
            }
            Some(Tok::Str(s)) => match written_date(s) {
                Some(d) => {
                    self.pos += 1;
                    Ok(d)
                }
                None => self.error(ErrorKind::Expected(Expected::Date)),
            },
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected(Expected::Date)),
        }
    }

    fn span(&mut self) -> Result<super::span::Span, ParseError> {
        match self.peek() {
            Some(Tok::Span(s)) => {
                let s = *s;
                self.pos += 1;
                Ok(s)
            }
            None => self.error(ErrorKind::UnexpectedEnd),
            Some(_) => self.error(ErrorKind::Expected(Expected::Span)),
        }
    }
}

/// A date in quotes (`"2024-01-31"`) is a date too.
pub fn written_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::lex::tokenize;

    fn parsed(text: &str) -> Parsed {
        parse(tokenize(text).expect("tokens"), text.chars().count())
    }

    #[test]
    fn conditions_come_back_as_written_without_lookups() {
        let p = parsed(r#"foo >= 1.5万 OR (城市 NOT IN ("上海"))"#);
        assert_eq!(
            p.conditions,
            [
                Written {
                    field: FieldName::Plain {
                        word: "foo".into(),
                        at: 0
                    },
                    in_parens: false,
                    follow: Follow::Operator(WrittenOp {
                        at: 4,
                        first: Tok::Cmp(">="),
                        name: ">=".into(),
                        kind: OpKind::Ge,
                        operands: vec![(7, Tok::Num("1.5万".into()))],
                    }),
                },
                Written {
                    field: FieldName::Plain {
                        word: "城市".into(),
                        at: 16
                    },
                    in_parens: true,
                    follow: Follow::Operator(WrittenOp {
                        at: 19,
                        first: Tok::Word("NOT".into()),
                        name: "NOT".into(),
                        kind: OpKind::NotIn,
                        operands: vec![(27, Tok::Str("上海".into()))],
                    }),
                },
            ]
        );
        assert_eq!(
            p.root,
            Ok(ShapeGroup {
                op: Op::Or,
                negated: false,
                items: vec![Shape::Condition(0), Shape::Condition(1)],
            })
        );
    }

    #[test]
    fn a_syntax_error_keeps_the_conditions_read_so_far() {
        let p = parsed(r#"city = "a" AND orders BETWEEN 1 2"#);
        assert_eq!(
            p.root,
            Err(ParseError::new(32, ErrorKind::Expected(Expected::And)))
        );
        assert_eq!(p.conditions.len(), 2);
        let Follow::Operator(op) = &p.conditions[1].follow else {
            panic!("an operator");
        };
        assert_eq!(op.kind, OpKind::Between);
        assert_eq!(op.operands, [(30, Tok::Num("1".into()))]);
        // A word that starts no operator ends the condition (a yes/no field's case).
        let p = parsed("has_open_complaint foo");
        assert_eq!(
            p.conditions[0].follow,
            Follow::Nothing {
                at: 19,
                next: Some(Tok::Word("foo".into()))
            }
        );
        assert_eq!(
            p.root,
            Err(ParseError::new(19, ErrorKind::Unexpected("foo".into())))
        );
    }
}
