//! Money is integer cents everywhere, never floats. This module is the one place that rounds
//! a quotient, writes cents as yuan and reads an amount of yuan, so every figure of the
//! product rounds, shows and parses alike.
//!
//! - Rounding: [`div_round`], half away from zero.
//! - Writing: [`yuan`] (`1234.50`, files), [`yuan_display`] (`¥1,234.50`, pages),
//!   [`yuan_compact`] (`1234.5`, the query language and inputs), [`decimal_text`] (any number
//!   in millionths), [`thousands`] (`12,345`).
//! - Whole yuan, as the settings type them: [`whole_yuan`] and [`cents_of_whole_yuan`].
//! - Reading: [`parse_decimal`] (a number as files and people write it, exactly, in
//!   millionths) and [`parse_yuan`] (that number rounded to the cent). The forms: `1234.5`,
//!   `¥1,234.50`, `￥`, `$`, `€`, `£`, `RMB`/`CNY`/`USD`, `元`, `-3.5`, `(3.50)` (negative),
//!   `1.2万` (×10,000), `3亿`, `1 234,50`, `1.2E+3`. Separators: with both `.` and `,` the
//!   later one is the decimal point; with only commas, one comma followed by 1, 2 or more than
//!   3 digits is a decimal comma (`3,5`), otherwise commas group thousands (`1,234` = 1234);
//!   spaces and `'` group thousands. More than two decimals are rounded to the cent.

use crate::model::Cents;

/// Why a text is not an amount. Codes only: the import names them in its report
/// (`import::Reason`), a form in its own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Nothing but spaces.
    Missing,
    NotANumber,
    /// Above 10¹⁵ units (see [`MAX_MICROS`]), or not a whole number of cents in an `i64`.
    OutOfRange,
}

/// A decimal number in millionths (10⁻⁶), exact for any amount with up to six decimals.
pub type Micros = i128;

pub const MICROS_PER_UNIT: i128 = 1_000_000;
pub const MICROS_PER_CENT: i128 = 10_000;
/// 10¹⁵ units: far above any real amount or quantity, and small enough that a product of two
/// such numbers in micros (10⁴²) would overflow — so products are checked too.
pub const MAX_MICROS: i128 = 1_000_000_000_000_000 * MICROS_PER_UNIT;

// ---------------------------------------------------------------------------------------------
// Rounding

/// `n / d` rounded half away from zero; 0 when `d` is 0. Never overflows (the remainder is
/// compared as `r ≥ |d| − r`, not `2r ≥ |d|`).
pub fn div_round(n: i128, d: i128) -> i128 {
    if d == 0 {
        return 0;
    }
    let q = n / d;
    let r = (n % d).unsigned_abs();
    if r != 0 && r >= d.unsigned_abs() - r {
        q + if (n < 0) == (d < 0) { 1 } else { -1 }
    } else {
        q
    }
}

/// [`div_round`] for cents and counts.
pub fn div_round_i64(n: i64, d: i64) -> i64 {
    // Only i64::MIN / -1 leaves the range: it saturates rather than wraps.
    let q = div_round(i128::from(n), i128::from(d));
    q.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Millionths to cents, rounded half away from zero.
pub fn micros_to_cents(micros: Micros) -> Result<Cents, MoneyError> {
    i64::try_from(div_round(micros, MICROS_PER_CENT)).map_err(|_| MoneyError::OutOfRange)
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Yuan with two decimals, no symbol, no grouping: `1234.50`, `-0.05`. What files hold
/// (exports, the CSV of orders), so that any spreadsheet reads it back as a number.
pub fn yuan(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Yuan as pages show them: `¥1,234.50`, `-¥0.05`.
pub fn yuan_display(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}¥{}.{:02}", thousands(abs / 100), abs % 100)
}

/// Yuan in the fewest digits: `1234.5`, `12`, `-0.05` (the query language's form, which
/// [`parse_yuan`] reads back).
pub fn yuan_compact(cents: Cents) -> String {
    decimal_text(i128::from(cents) * MICROS_PER_CENT)
}

/// A number in millionths in the fewest digits: `2`, `0.5`, `-1.234567`.
pub fn decimal_text(micros: Micros) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let whole = abs / 1_000_000;
    let frac = abs % 1_000_000;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:06}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Digits in groups of three: `12,345` (counts and yuan alike).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole yuan, the cents dropped toward zero (`123_456` → `1234`, `-150` → `-1`): what the
/// settings' whole-yuan fields show (a tier's "net spend at least", the M cut points), whose
/// stored values [`cents_of_whole_yuan`] made.
pub fn whole_yuan(cents: Cents) -> i64 {
    cents / 100
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The cents of a whole number of yuan typed in those fields (`1234` → `123_400`),
/// saturating at the ends of `i64` instead of overflowing.
pub fn cents_of_whole_yuan(yuan: i64) -> Cents {
    yuan.saturating_mul(100)
}

/// An amount of yuan in cents (the forms are in the module documentation), rounded half away
/// from zero.
pub fn parse_yuan(s: &str) -> Result<Cents, MoneyError> {
    micros_to_cents(parse_decimal(s)?)
}

/// A number with optional currency, sign, separators and Chinese units, in micros.
pub fn parse_decimal(s: &str) -> Result<Micros, MoneyError> {
    let mut t = s.trim();
    if let Some(v) = plain_decimal(t) {
        return Ok(v);
    }
    if t.is_empty() {
        return Err(MoneyError::Missing);
    }
    let mut negative = false;
    if let Some(inner) = strip_wrapping(t, '(', ')').or_else(|| strip_wrapping(t, '（', '）')) {
        negative = true;
        t = inner.trim();
    }
    // Sign and currency come in either order: `-¥3.50`, `¥-3.50`.
    for _ in 0..2 {
        if let Some(rest) = t.strip_prefix(['-', '−']) {
            negative = !negative;
            t = rest.trim_start();
        } else if let Some(rest) = t.strip_prefix('+') {
            t = rest.trim_start();
        }
        t = strip_currency_prefix(t).trim_start();
    }
    t = strip_currency_suffix(t).trim_end();
    let mut power: i32 = 0;
    for (unit, p) in [('万', 4), ('亿', 8), ('千', 3)] {
        if let Some(rest) = t.strip_suffix(unit) {
            power += p;
            t = rest.trim_end();
            break;
        }
    }
    t = strip_currency_suffix(t).trim_end();
    // Exponent (`1.2E+3`, as spreadsheets write large numbers).
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => {
            let exp: i32 = t
                .get(i + 1..)
                .and_then(|e| e.strip_prefix('+').unwrap_or(e).parse().ok())
                .ok_or(MoneyError::NotANumber)?;
            (t.get(..i).unwrap_or(""), exp)
        }
        None => (t, 0),
    };
    let (whole, fraction) = split_decimal(mantissa)?;
    let mut digits: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        digits = digits
            .checked_mul(10)
            .and_then(|d| d.checked_add(i128::from(b - b'0')))
            .ok_or(MoneyError::OutOfRange)?;
    }
    let scale = i32::try_from(fraction.len()).map_err(|_| MoneyError::OutOfRange)?;
    let power = 6 + power + exponent.clamp(-60, 60) - scale;
    let value = if power >= 0 {
        10i128
            .checked_pow(power.unsigned_abs())
            .and_then(|p| digits.checked_mul(p))
            .ok_or(MoneyError::OutOfRange)?
    } else {
        match 10i128.checked_pow(power.unsigned_abs()) {
            Some(p) => div_round(digits, p),
            None => 0,
        }
    };
    if value > MAX_MICROS {
        return Err(MoneyError::OutOfRange);
    }
    Ok(if negative { -value } else { value })
}

/// The common case without allocating: `-12`, `4.15`, `1234.5678` (at most six decimals, at
/// most 15 whole digits). Anything else goes the general way.
fn plain_decimal(s: &str) -> Option<Micros> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = |d: &str, max: usize| d.len() <= max && d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !ok(whole, 15) || !ok(fraction, 6) {
        return None;
    }
    let mut v: i128 = 0;
    for b in whole.bytes() {
        v = v * 10 + i128::from(b - b'0');
    }
    let mut scale = MICROS_PER_UNIT;
    for b in fraction.bytes() {
        scale /= 10;
        v = v * 10 + i128::from(b - b'0');
    }
    let v = v * scale;
    Some(if negative { -v } else { v })
}

fn strip_wrapping(s: &str, open: char, close: char) -> Option<&str> {
    s.strip_prefix(open)?.strip_suffix(close)
}

const CURRENCY_PREFIXES: [&str; 12] = [
    "US$", "HK$", "RMB", "CNY", "USD", "EUR", "GBP", "¥", "￥", "$", "€", "£",
];

fn strip_currency_prefix(s: &str) -> &str {
    for p in CURRENCY_PREFIXES {
        if let Some(rest) = strip_prefix_ignore_case(s, p) {
            return rest;
        }
    }
    s
}

fn strip_currency_suffix(s: &str) -> &str {
    for p in ["元", "RMB", "CNY", "USD", "EUR", "GBP", "¥", "￥", "€", "£"] {
        if s.len() >= p.len() && s.is_char_boundary(s.len() - p.len()) {
            let (head, tail) = s.split_at(s.len() - p.len());
            if tail.eq_ignore_ascii_case(p) {
                return head;
            }
        }
    }
    s
}

fn strip_prefix_ignore_case<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    (s.len() >= p.len() && s.is_char_boundary(p.len()) && s[..p.len()].eq_ignore_ascii_case(p))
        .then(|| &s[p.len()..])
}

/// Splits `1,234.50`, `1.234,50`, `1 234,50` into whole and fraction digits.
fn split_decimal(s: &str) -> Result<(String, String), MoneyError> {
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '_'))
        .collect();
    let last_dot = compact.rfind('.');
    let last_comma = compact.rfind(',');
    let commas = compact.matches(',').count();
    let dots = compact.matches('.').count();
    let decimal = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) if dots == 1 => Some('.'),
        (None, Some(c)) if commas == 1 && compact.len() - c - 1 != 3 => Some(','),
        _ => None,
    };
    let (whole, fraction) = match decimal {
        Some(sep) => {
            let at = compact.rfind(sep).unwrap_or(compact.len());
            (
                compact.get(..at).unwrap_or(""),
                compact.get(at + 1..).unwrap_or(""),
            )
        }
        None => (compact.as_str(), ""),
    };
    // The other mark groups thousands: `1,234,567` and `1.234,50`, not `1,2,3`.
    let group = match decimal {
        Some('.') | None if whole.contains(',') => Some(','),
        Some(',') | None if whole.contains('.') => Some('.'),
        _ => None,
    };
    let valid = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let whole: String = match group {
        Some(sep) => {
            let mut parts = whole.split(sep);
            let first_ok = parts
                .next()
                .is_some_and(|p| (1..=3).contains(&p.len()) && valid(p));
            let ok = first_ok && parts.all(|p| p.len() == 3 && valid(p));
            if !ok {
                return Err(MoneyError::NotANumber);
            }
            whole.chars().filter(|c| *c != sep).collect()
        }
        None => whole.to_string(),
    };
    if (whole.is_empty() && fraction.is_empty()) || !valid(&whole) || !valid(fraction) {
        return Err(MoneyError::NotANumber);
    }
    Ok((whole, fraction.to_string()))
}

//

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_yuan_drop_the_cents_and_come_back_exactly() {
        assert_eq!(whole_yuan(5_000_000), 50_000);
        assert_eq!(whole_yuan(123_456), 1234);
        assert_eq!(whole_yuan(99), 0);
        assert_eq!(whole_yuan(-150), -1);
        assert_eq!(whole_yuan(0), 0);
        assert_eq!(cents_of_whole_yuan(50_000), 5_000_000);
        assert_eq!(cents_of_whole_yuan(0), 0);
        assert_eq!(cents_of_whole_yuan(-3), -300);
        assert_eq!(cents_of_whole_yuan(i64::MAX), i64::MAX);
        assert_eq!(cents_of_whole_yuan(i64::MIN), i64::MIN);
        for y in [0, 1, 7, 50_000, 92_233_720_368_547] {
            assert_eq!(whole_yuan(cents_of_whole_yuan(y)), y);
        }
    }

    #[test]
    fn halves_round_away_from_zero_whatever_the_signs() {
        let cases = [
            (7, 2, 4),
            (-7, 2, -4),
            (7, -2, -4),
            (-7, -2, 4),
            (5, 3, 2),
            (4, 3, 1),
            (-4, 3, -1),
            (6, 3, 2),
            (0, 5, 0),
            (1, 0, 0),
            (29_999, 10_000, 3),
            (25_000, 10_000, 3),
            (24_999, 10_000, 2),
        ];
        for (n, d, want) in cases {
            assert_eq!(div_round(n, d), want, "{n}/{d}");
            assert_eq!(div_round_i64(n as i64, d as i64), want as i64, "{n}/{d}");
        }
        let big = i128::MAX - 1;
        assert_eq!(div_round(big, big - 1), 1);
        assert_eq!(div_round(i128::MAX, 2), i128::MAX / 2 + 1);
        assert_eq!(div_round_i64(i64::MIN, 1), i64::MIN);
        assert_eq!(div_round_i64(i64::MAX, -1), -i64::MAX);
        assert_eq!(div_round_i64(i64::MIN, -1), i64::MAX);
    }

    #[test]
    fn cents_written_as_yuan() {
        assert_eq!(yuan(123_450), "1234.50");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(100), "1.00");
        assert_eq!(yuan(i64::MAX), "92233720368547758.07");
        assert_eq!(yuan(i64::MIN), "-92233720368547758.08");

        assert_eq!(yuan_display(123_456), "¥1,234.56");
        assert_eq!(yuan_display(-5), "-¥0.05");
        assert_eq!(yuan_display(0), "¥0.00");
        assert_eq!(yuan_display(99_999), "¥999.99");
        assert_eq!(yuan_display(100_000), "¥1,000.00");
        assert_eq!(yuan_display(-123_456_789), "-¥1,234,567.89");
        assert_eq!(yuan_display(i64::MAX), "¥92,233,720,368,547,758.07");
        assert_eq!(yuan_display(i64::MIN), "-¥92,233,720,368,547,758.08");

        assert_eq!(yuan_compact(123_450), "1234.5");
        assert_eq!(yuan_compact(1_200), "12");
        assert_eq!(yuan_compact(-5), "-0.05");
        assert_eq!(yuan_compact(10), "0.1");
        assert_eq!(yuan_compact(0), "0");
        assert_eq!(yuan_compact(i64::MIN), "-92233720368547758.08");

        assert_eq!(decimal_text(2_000_000), "2");
        assert_eq!(decimal_text(500_000), "0.5");
        assert_eq!(decimal_text(-1_234_567), "-1.234567");
        assert_eq!(decimal_text(0), "0");

        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn yuan_read_as_cents() {
        let p = parse_yuan;
        // Symbols, units and separators.
        assert_eq!(p("¥1,234.5"), Ok(123_450));
        assert_eq!(p("1234.50元"), Ok(123_450));
        assert_eq!(p("￥ 88"), Ok(8_800));
        assert_eq!(p("RMB 12.00"), Ok(1_200));
        assert_eq!(p("1.2万"), Ok(1_200_000));
        assert_eq!(p("1,234,567"), Ok(123_456_700));
        assert_eq!(p("1 234,50"), Ok(123_450));
        assert_eq!(p("1.234,50"), Ok(123_450));
        assert_eq!(p("3,5"), Ok(350));
        assert_eq!(p("  42  "), Ok(4_200));
        // Signs.
        assert_eq!(p("-0.05"), Ok(-5));
        assert_eq!(p("+0.05"), Ok(5));
        assert_eq!(p("-¥3.5"), Ok(-350));
        assert_eq!(p("¥-3.5"), Ok(-350));
        assert_eq!(p("(3.50)"), Ok(-350));
        assert_eq!(p("（3.50）"), Ok(-350));
        assert_eq!(p("-(3.50)"), Err(MoneyError::NotANumber));
        // Rounding to the cent, half away from zero.
        assert_eq!(p("0.004"), Ok(0));
        assert_eq!(p("0.005"), Ok(1));
        assert_eq!(p("-0.005"), Ok(-1));
        assert_eq!(p("2.675"), Ok(268));
        // The limits: 10¹⁵ yuan is the largest amount; i64's own limit is far beyond it.
        assert_eq!(p("1000000000000000"), Ok(100_000_000_000_000_000));
        assert_eq!(p("-1000000000000000"), Ok(-100_000_000_000_000_000));
        assert_eq!(p("1000000000000000.01"), Err(MoneyError::OutOfRange));
        assert_eq!(p("92233720368547758.07"), Err(MoneyError::OutOfRange));
        assert_eq!(
            p("99999999999999999999999999999"),
            Err(MoneyError::OutOfRange)
        );
        assert_eq!(p("1e99"), Err(MoneyError::OutOfRange));
        // Garbage.
        assert_eq!(p(""), Err(MoneyError::Missing));
        assert_eq!(p("   "), Err(MoneyError::Missing));
        assert_eq!(p("abc"), Err(MoneyError::NotANumber));
        assert_eq!(p("¥"), Err(MoneyError::NotANumber));
        assert_eq!(p("1.2.3,4,5"), Err(MoneyError::NotANumber));
        assert_eq!(p("12,34,567"), Err(MoneyError::NotANumber));
        assert_eq!(p("1-2"), Err(MoneyError::NotANumber));
    }

    #[test]
    fn what_is_written_reads_back() {
        for c in [
            0,
            1,
            -1,
            5,
            -5,
            99,
            100,
            123_450,
            -123_456_789,
            100_000_000_000_000_000,
        ] {
            assert_eq!(parse_yuan(&yuan(c)), Ok(c), "{c}");
            assert_eq!(parse_yuan(&yuan_display(c)), Ok(c), "{c}");
            assert_eq!(parse_yuan(&yuan_compact(c)), Ok(c), "{c}");
        }
    }
}
