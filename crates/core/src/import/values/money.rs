//! Money and quantities, read by [`crate::money`] (the one reading of amounts in the
//! product) after the formula escape is dropped; its errors become the report's [`Reason`]s.

use super::unescape_text;
use crate::import::reason::Reason;
use crate::money::{self, Micros, MoneyError};

impl From<MoneyError> for Reason {
    fn from(e: MoneyError) -> Self {
        match e {
            MoneyError::Missing => Reason::Missing,
            MoneyError::NotANumber => Reason::NotANumber,
            MoneyError::OutOfRange => Reason::OutOfRange,
        }
    }
}

/// Money in integer cents (see [`crate::money`] for the forms).
pub fn parse_money(s: &str) -> Result<i64, Reason> {
    Ok(money::parse_yuan(unescape_text(s))?)
}

/// Micros to cents, rounded half away from zero.
pub fn micros_to_cents(micros: Micros) -> Result<i64, Reason> {
    Ok(money::micros_to_cents(micros)?)
}

/// A number with optional currency, sign, separators and Chinese units, in micros.
pub fn parse_decimal(s: &str) -> Result<Micros, Reason> {
    Ok(money::parse_decimal(unescape_text(s))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_forms() {
        let m = |s: &str| parse_money(s);
        assert_eq!(m("1234.5"), Ok(123_450));
        assert_eq!(m("¥1,234.50"), Ok(123_450));
        assert_eq!(m("￥ 88"), Ok(8_800));
        assert_eq!(m("$0.99"), Ok(99));
        assert_eq!(m("-3.5"), Ok(-350));
        assert_eq!(m("¥-3.5"), Ok(-350));
        assert_eq!(m("-¥3.5"), Ok(-350));
        assert_eq!(m("(3.50)"), Ok(-350));
        assert_eq!(m("1.2万"), Ok(1_200_000));
        assert_eq!(m("3亿"), Ok(30_000_000_000));
        assert_eq!(m("1 234,50"), Ok(123_450));
        assert_eq!(m("1.234,50"), Ok(123_450));
        assert_eq!(m("3,5"), Ok(350));
        assert_eq!(m("1,234"), Ok(123_400));
        assert_eq!(m("1,234,567"), Ok(123_456_700));
        assert_eq!(m("12元"), Ok(1_200));
        assert_eq!(m("RMB 12.00"), Ok(1_200));
        assert_eq!(m("0.005"), Ok(1));
        assert_eq!(m("-0.005"), Ok(-1));
        assert_eq!(m("1.2E+3"), Ok(120_000));
        assert_eq!(m("abc"), Err(Reason::NotANumber));
        assert_eq!(m("1.2.3,4,5"), Err(Reason::NotANumber));
        assert_eq!(m(""), Err(Reason::Missing));
        assert_eq!(m("99999999999999999999999999999"), Err(Reason::OutOfRange));
        assert_eq!(m("1e99"), Err(Reason::OutOfRange));
    }
}
