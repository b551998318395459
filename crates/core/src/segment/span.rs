//! Relative spans of time (`90d`, `12w`, `3m`, `1y`): a literal of the query language, used by
//! the tree, the lexer, the printer and the binder alike (so none of them owns it).

use chrono::NaiveDate;
use std::fmt;

/// A relative span of time: `90d`, `12w`, `3m` (calendar months), `1y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Span {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

impl Span {
    /// The first day of the span: it covers the days before the reference date, so that
    /// `last_order_at WITHIN 90d` holds exactly when R ≤ 90 (R counts days to the reference
    /// date, which is the day after the latest order unless Settings fix it).
    pub fn start(self, reference: NaiveDate) -> NaiveDate {
        use chrono::{Days, Months};
        let back = match self {
            Span::Days(n) => reference.checked_sub_days(Days::new(u64::from(n))),
            Span::Weeks(n) => reference.checked_sub_days(Days::new(7 * u64::from(n))),
            Span::Months(n) => reference.checked_sub_months(Months::new(n)),
            Span::Years(n) => reference.checked_sub_months(Months::new(12 * n)),
        };
        back.unwrap_or(NaiveDate::MIN)
    }
}

/// The span as the language spells it: `30d`.
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Days(n) => write!(f, "{n}d"),
            Span::Weeks(n) => write!(f, "{n}w"),
            Span::Months(n) => write!(f, "{n}m"),
            Span::Years(n) => write!(f, "{n}y"),
        }
    }
}
