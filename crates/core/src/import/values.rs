//! Cell text → typed values. Every parser returns a [`Reason`] when it cannot read a value, so
//! the error report can say why.
//!
//! - **Times** ([`scan_time`], [`parse_time`]): `2023-10-27 15:04:06`, `2023-10-27T15:04:06`
//!   (optionally `.123`, `Z` or `+08:00`), `2023/10/27`, `2023/10/27 8:26`, `2023.10.27`,
//!   `2023年10月27日` (optionally `15时04分`), `10/27/2023 8:26` or `27/10/2023` (also with `-`,
//!   and `AM`/`PM`), `27.10.2023`, `20231027`, `20231027150406`, Unix seconds (9–10 digits) or
//!   milliseconds (12–13 digits). Times without a zone are wall-clock times in the import's
//!   time zone; Unix times are UTC. Two-digit years are not accepted (`10/27/23`).
//!   `a/b/yyyy` is ambiguous: see [`DateOrder`].
//! - **Money** ([`parse_money`], integer cents, never floats): `1234.5`, `¥1,234.50`, `￥`,
//!   `$`, `€`, `£`, `RMB`/`CNY`/`USD`, `元`, `-3.5`, `(3.50)` (negative), `1.2万` (×10,000),
//!   `3亿`, `1 234,50`. Separators: with both `.` and `,` the later one is the decimal point;
//!   with only commas, one comma followed by 1, 2 or more than 3 digits is a decimal comma
//!   (`3,5`), otherwise commas group thousands (`1,234` = 1234); spaces and `'` group thousands.
//!   More than two decimals are rounded to the cent, half away from zero.
//! - **Phones** ([`normalize_phone`]): spaces, dashes, dots and brackets dropped, `+86`, `0086`
//!   or `86` before a mainland mobile number removed; other numbers keep their digits (and a
//!   leading `+` for a foreign number). 5–15 digits.
//! - **Ids** ([`normalize_id`]): trimmed, `12923.0` → `12923`, Excel's `="00123"` → `00123`.

use super::reason::Reason;
use crate::time::Timestamp;
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Drops the apostrophe that exports (ours included, see `export::safe_text`) put before a
/// value a spreadsheet would run as a formula, so an exported file imports back unchanged.
pub fn unescape_text(s: &str) -> &str {
    let s = s.trim();
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

// ---------------------------------------------------------------------------------------------
// Times

/// How `a/b/yyyy` dates are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Decided per column: if any value of the column has a first part above 12 the whole
    /// column is day/month (`27/10/2023`), otherwise month/day (`10/27/2023`, what US exports
    /// and Excel in English write). A lone value decides for itself the same way.
    #[default]
    Auto,
    MonthFirst,
    DayFirst,
}

/// The date part of a scanned time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawDate {
    /// Year first, or `27.10.2023` (dotted dates are always day first).
    Ymd(i32, u32, u32),
    /// `a/b/yyyy` or `a-b-yyyy`: month/day or day/month.
    Ambiguous { first: u32, second: u32, year: i32 },
}

/// A time read from text, before the day/month order and the time zone are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawTime {
    /// Unix time; `millis` says whether the text counted milliseconds.
    Unix { ms: i64, millis: bool },
    Calendar {
        date: RawDate,
        ms_of_day: u32,
        /// An offset written in the value (`Z`, `+08:00`), in seconds east of UTC.
        zone: Option<i32>,
    },
}

impl RawTime {
    /// An `a/b/yyyy` value whose first part cannot be a month: the column is day first.
    pub fn proves_day_first(&self) -> bool {
        matches!(self, RawTime::Calendar { date: RawDate::Ambiguous { first, .. }, .. } if *first > 12)
    }

    pub fn is_ambiguous_form(&self) -> bool {
        matches!(
            self,
            RawTime::Calendar {
                date: RawDate::Ambiguous { .. },
                ..
            }
        )
    }

    /// The day/month order this value is read with under `order`.
    fn effective_order(&self, order: DateOrder) -> DateOrder {
        match order {
            DateOrder::Auto if self.proves_day_first() => DateOrder::DayFirst,
            DateOrder::Auto => DateOrder::MonthFirst,
            other => other,
        }
    }

    /// The instant, reading wall-clock values at `offset`.
    pub fn resolve(&self, order: DateOrder, offset: FixedOffset) -> Result<Timestamp, Reason> {
        match *self {
            RawTime::Unix { ms, .. } => Ok(Timestamp(ms)),
            RawTime::Calendar {
                date,
                ms_of_day,
                zone,
            } => {
                let (y, m, d) = match date {
                    RawDate::Ymd(y, m, d) => (y, m, d),
                    RawDate::Ambiguous {
                        first,
                        second,
                        year,
                    } => match self.effective_order(order) {
                        DateOrder::DayFirst if second > 12 => {
                            return Err(Reason::DateOrderConflict);
                        }
                        DateOrder::DayFirst => (year, second, first),
                        _ if first > 12 => return Err(Reason::DateOrderConflict),
                        _ => (year, first, second),
                    },
                };
                let day = NaiveDate::from_ymd_opt(y, m, d).ok_or(Reason::InvalidDate)?;
                let midnight_utc = day
                    .and_hms_opt(0, 0, 0)
                    .ok_or(Reason::InvalidDate)?
                    .and_utc()
                    .timestamp_millis();
                let shift = i64::from(zone.unwrap_or_else(|| offset.local_minus_utc())) * 1000;
                Ok(Timestamp(midnight_utc + i64::from(ms_of_day) - shift))
            }
        }
    }

    /// How the value was understood, for the preview: `2011-10-06 16:20:00 (UTC+08:00)`,
    /// `Unix 秒 → 2017-11-25 09:21:10 (UTC+08:00)`, `… 日/月`.
    pub fn describe(&self, order: DateOrder, offset: FixedOffset, chinese: bool) -> String {
        let Ok(at) = self.resolve(order, offset) else {
            return String::new();
        };
        let shown = match self {
            RawTime::Calendar {
                zone: Some(secs), ..
            } => FixedOffset::east_opt(*secs).unwrap_or(offset),
            _ => offset,
        };
        let local = at
            .to_offset(shown)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let zone = utc_label(shown);
        let prefix = match (self, chinese) {
            (RawTime::Unix { millis: false, .. }, true) => "Unix 秒 → ",
            (RawTime::Unix { millis: true, .. }, true) => "Unix 毫秒 → ",
            (RawTime::Unix { millis: false, .. }, false) => "Unix seconds → ",
            (RawTime::Unix { millis: true, .. }, false) => "Unix milliseconds → ",
            _ => "",
        };
        let suffix = match (
            self.is_ambiguous_form(),
            self.effective_order(order),
            chinese,
        ) {
            (true, DateOrder::DayFirst, true) => ", 日/月/年",
            (true, _, true) => ", 月/日/年",
            (true, DateOrder::DayFirst, false) => ", day/month/year",
            (true, _, false) => ", month/day/year",
            _ => "",
        };
        format!("{prefix}{local} ({zone}{suffix})")
    }
}

/// `UTC+08:00`.
pub fn utc_label(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// Reads a time (see the module documentation for the forms).
pub fn scan_time(s: &str) -> Result<RawTime, Reason> {
    let s = unescape_text(s);
    if s.is_empty() {
        return Err(Reason::Missing);
    }
    let digits = strip_zero_fraction(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return scan_digits(digits);
    }
    let mut c = Cursor::new(s);
    let date = scan_date(&mut c)?;
    c.skip_spaces();
    if c.peek() == Some('T') {
        c.bump();
    }
    c.skip_spaces();
    let (ms_of_day, zone) = if c.at_end() {
        (0, None)
    } else {
        scan_clock(&mut c)?
    };
    if !c.at_end() {
        return Err(Reason::NotATime);
    }
    Ok(RawTime::Calendar {
        date,
        ms_of_day,
        zone,
    })
}

/// [`scan_time`] then [`RawTime::resolve`].
pub fn parse_time(s: &str, order: DateOrder, offset: FixedOffset) -> Result<Timestamp, Reason> {
    scan_time(s)?.resolve(order, offset)
}

/// `12923.0` → `12923` (what a number column becomes in Excel or pandas exports).
fn strip_zero_fraction(s: &str) -> &str {
    match s.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        _ => s,
    }
}

fn scan_digits(d: &str) -> Result<RawTime, Reason> {
    let num = |r: std::ops::Range<usize>| -> u32 {
        d.get(r).and_then(|x| x.parse().ok()).unwrap_or(u32::MAX)
    };
    match d.len() {
        8 | 14 => {
            let year = i32::try_from(num(0..4)).map_err(|_| Reason::NotATime)?;
            let ms_of_day = if d.len() == 14 {
                clock_ms(num(8..10), num(10..12), num(12..14), 0)?
            } else {
                0
            };
            Ok(RawTime::Calendar {
                date: RawDate::Ymd(year, num(4..6), num(6..8)),
                ms_of_day,
                zone: None,
            })
        }
        9 | 10 | 12 | 13 => {
            let n: i64 = d.parse().map_err(|_| Reason::OutOfRange)?;
            let millis = d.len() >= 12;
            Ok(RawTime::Unix {
                ms: if millis { n } else { n * 1000 },
                millis,
            })
        }
        _ => Err(Reason::NotATime),
    }
}

fn clock_ms(h: u32, m: u32, s: u32, ms: u32) -> Result<u32, Reason> {
    if h > 23 || m > 59 || s > 59 || ms > 999 {
        return Err(Reason::InvalidDate);
    }
    Ok(((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// A tiny cursor over the characters of a value.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    /// A run of ASCII digits: (value, number of digits). At most 9 digits, so it fits.
    fn number(&mut self) -> Option<(u32, usize)> {
        let run = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if run == 0 || run > 9 {
            return None;
        }
        let value = self.rest().get(..run)?.parse().ok()?;
        self.pos += run;
        Some((value, run))
    }
    fn eat(&mut self, options: &[char]) -> Option<char> {
        let ch = self.peek().filter(|c| options.contains(c))?;
        self.bump();
        Some(ch)
    }
    fn eat_str_ignore_case(&mut self, word: &str) -> bool {
        let rest = self.rest();
        if rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
        {
            self.pos += word.len();
            true
        } else {
            false
        }
    }
}

fn scan_date(c: &mut Cursor) -> Result<RawDate, Reason> {
    let (a, a_len) = c.number().ok_or(Reason::NotATime)?;
    let sep = c.eat(&['-', '/', '.', '年']).ok_or(Reason::NotATime)?;
    let (b, _) = c.number().ok_or(Reason::NotATime)?;
    let second_sep = if sep == '年' { '月' } else { sep };
    c.eat(&[second_sep]).ok_or(Reason::NotATime)?;
    let (d, d_len) = c.number().ok_or(Reason::NotATime)?;
    if sep == '年' {
        c.eat(&['日', '号']);
    }
    let year = |v: u32| i32::try_from(v).map_err(|_| Reason::NotATime);
    if a_len == 4 {
        Ok(RawDate::Ymd(year(a)?, b, d))
    } else if d_len == 4 && sep == '.' {
        Ok(RawDate::Ymd(year(d)?, b, a))
    } else if d_len == 4 && sep != '年' {
        Ok(RawDate::Ambiguous {
            first: a,
            second: b,
            year: year(d)?,
        })
    } else {
        Err(Reason::NotATime)
    }
}

/// `15:04[:06[.123]]`, `15时04分[06秒]`, then optional `AM`/`PM` and a zone.
fn scan_clock(c: &mut Cursor) -> Result<(u32, Option<i32>), Reason> {
    let (h, _) = c.number().ok_or(Reason::NotATime)?;
    c.eat(&[':', '时', '点']).ok_or(Reason::NotATime)?;
    let (m, _) = c.number().ok_or(Reason::NotATime)?;
    let mut s = 0;
    let mut ms = 0;
    if c.eat(&[':']).is_some()
        || (c.eat(&['分']).is_some() && c.peek().is_some_and(|ch| ch.is_ascii_digit()))
    {
        let (sec, _) = c.number().ok_or(Reason::NotATime)?;
        s = sec;
        if c.eat(&['.', ',']).is_some() {
            // Fractions of a second: milliseconds kept, finer digits dropped.
            let start = c.pos;
            let (_, len) = c.number().ok_or(Reason::NotATime)?;
            let digits = c.s.get(start..start + len.min(3)).unwrap_or("0");
            ms = digits.parse::<u32>().unwrap_or(0) * 10u32.pow(3 - len.min(3) as u32);
        }
        c.eat(&['秒']);
    }
    c.skip_spaces();
    let mut h = h;
    if c.eat_str_ignore_case("am") {
        if !(1..=12).contains(&h) {
            return Err(Reason::InvalidDate);
        }
        h %= 12;
    } else if c.eat_str_ignore_case("pm") {
        if !(1..=12).contains(&h) {
            return Err(Reason::InvalidDate);
        }
        h = h % 12 + 12;
    }
    c.skip_spaces();
    let zone = scan_zone(c)?;
    Ok((clock_ms(h, m, s, ms)?, zone))
}

fn scan_zone(c: &mut Cursor) -> Result<Option<i32>, Reason> {
    if c.eat(&['Z', 'z']).is_some() {
        return Ok(Some(0));
    }
    let Some(sign) = c.eat(&['+', '-']) else {
        return Ok(None);
    };
    let (first, len) = c.number().ok_or(Reason::NotATime)?;
    let (h, m) = match len {
        1 | 2 if c.eat(&[':']).is_some() => (first, c.number().ok_or(Reason::NotATime)?.0),
        1 | 2 => (first, 0),
        4 => (first / 100, first % 100),
        _ => return Err(Reason::NotATime),
    };
    if h > 14 || m > 59 {
        return Err(Reason::InvalidDate);
    }
    let secs = i32::try_from(h * 3600 + m * 60).map_err(|_| Reason::InvalidDate)?;
    Ok(Some(if sign == '-' { -secs } else { secs }))
}

// ---------------------------------------------------------------------------------------------
// Numbers and money

/// A decimal number in millionths (10⁻⁶), exact for any amount with up to six decimals.
pub type Micros = i128;

pub const MICROS_PER_UNIT: i128 = 1_000_000;
const MICROS_PER_CENT: i128 = 10_000;
/// 10¹⁵ units: far above any real amount or quantity, and small enough that a product of two
/// such numbers in micros (10⁴²) would overflow — so products are checked too.
const MAX_MICROS: i128 = 1_000_000_000_000_000 * MICROS_PER_UNIT;

use crate::money::div_round;

/// Money in integer cents (see the module documentation for the forms).
pub fn parse_money(s: &str) -> Result<i64, Reason> {
    let micros = parse_decimal(s)?;
    i64::try_from(div_round(micros, MICROS_PER_CENT)).map_err(|_| Reason::OutOfRange)
}

/// Micros to cents, rounded half away from zero.
pub fn micros_to_cents(micros: Micros) -> Result<i64, Reason> {
    i64::try_from(div_round(micros, MICROS_PER_CENT)).map_err(|_| Reason::OutOfRange)
}

/// A number with optional currency, sign, separators and Chinese units, in micros.
pub fn parse_decimal(s: &str) -> Result<Micros, Reason> {
    if let Some(v) = plain_decimal(s.trim()) {
        return Ok(v);
    }
    let mut t = unescape_text(s);
    if t.is_empty() {
        return Err(Reason::Missing);
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
                .ok_or(Reason::NotANumber)?;
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
            .ok_or(Reason::OutOfRange)?;
    }
    let scale = i32::try_from(fraction.len()).map_err(|_| Reason::OutOfRange)?;
    let power = 6 + power + exponent.clamp(-60, 60) - scale;
    let value = if power >= 0 {
        10i128
            .checked_pow(power.unsigned_abs())
            .and_then(|p| digits.checked_mul(p))
            .ok_or(Reason::OutOfRange)?
    } else {
        match 10i128.checked_pow(power.unsigned_abs()) {
            Some(p) => div_round(digits, p),
            None => 0,
        }
    };
    if value > MAX_MICROS {
        return Err(Reason::OutOfRange);
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
fn split_decimal(s: &str) -> Result<(String, String), Reason> {
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
                return Err(Reason::NotANumber);
            }
            whole.chars().filter(|c| *c != sep).collect()
        }
        None => whole.to_string(),
    };
    if (whole.is_empty() && fraction.is_empty()) || !valid(&whole) || !valid(fraction) {
        return Err(Reason::NotANumber);
    }
    Ok((whole, fraction.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Phones, e-mails, ids, text

/// A normalised phone number (see [`crate::contact::phone`], lenient: files hold short and
/// local numbers too), `None` for an empty cell.
pub fn normalize_phone(s: &str) -> Result<Option<String>, Reason> {
    let s = strip_zero_fraction(unescape_text(s));
    crate::contact::phone(s, crate::contact::PhoneRule::Lenient).map_err(|_| Reason::NotAPhone)
}

/// A lowercase e-mail address, `None` for an empty cell.
pub fn normalize_email(s: &str) -> Result<Option<String>, Reason> {
    crate::contact::email(unescape_text(s)).map_err(|_| Reason::NotAnEmail)
}

/// An id as the source system meant it, `None` for an empty cell.
pub fn normalize_id(s: &str) -> Result<Option<String>, Reason> {
    id_slice(s).map(|id| id.map(str::to_string))
}

/// [`normalize_id`] without the copy: the id is always a part of the cell, and the importer
/// only needs a copy the first time it meets an id.
pub fn id_slice(s: &str) -> Result<Option<&str>, Reason> {
    let mut t = unescape_text(s);
    // Excel's "keep as text" trick: ="00123".
    if let Some(inner) = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        t = inner.trim();
    }
    t = t.trim_start_matches('\'').trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_scientific(t) {
        return Err(Reason::ScientificId);
    }
    let whole = strip_zero_fraction(t);
    let numeric = |d: &str| {
        let d = d.strip_prefix('-').unwrap_or(d);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    Ok(Some(if numeric(whole) { whole } else { t }))
}

/// `1.23457E+17`: what Excel shows for a long numeric id.
fn is_scientific(t: &str) -> bool {
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let digits_dot = |d: &str| {
        !d.is_empty()
            && d.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && d.matches('.').count() <= 1
    };
    digits_dot(mantissa) && !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Text as it will be stored: trimmed, formula escape removed; `None` when empty.
pub fn text(s: &str) -> Option<&str> {
    Some(unescape_text(s)).filter(|t| !t.is_empty())
}

/// Tags (see [`crate::contact::tags`]), the formula escape removed.
pub fn tags(s: &str) -> Vec<String> {
    crate::contact::tags(unescape_text(s))
}

/// The channel code (see [`crate::channel::CHANNELS`]) of a platform name in Chinese or
/// English; other names are kept as written.
pub fn channel_code(s: &str) -> String {
    let t = unescape_text(s);
    let key: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    let code = match key.as_str() {
        "tmall" | "天猫" | "天猫商城" | "天猫旗舰店" | "淘宝" | "taobao" | "淘宝网" | "tb" => {
            "tmall"
        }
        "jd" | "京东" | "jingdong" | "京东商城" | "jd.com" => "jd",
        "douyin" | "抖音" | "抖店" | "抖音小店" | "tiktok" => "douyin",
        "wechat" | "微信" | "微信小程序" | "小程序" | "weixin" | "wechatminiprogram" => {
            "wechat"
        }
        "app" | "自营app" | "ownapp" | "官方app" => "app",
        "store" | "门店" | "线下门店" | "线下" | "offline" | "offlinestore" => "store",
        _ => return t.to_string(),
    };
    code.to_string()
}

/// The stored event type of a behaviour word: the funnel's names for the words shops and data
/// sets use (`pv` → `view`, `cart` → `add_to_cart`, `buy` → `pay`, `fav` → `fav`, 浏览, 加购,
/// 购买, 收藏…); other words are kept, lower-cased.
pub fn event_kind(s: &str) -> String {
    let key = event_key(s);
    known_event_kind(&key).map_or(key, str::to_string)
}

/// Whether a value is a behaviour word the importer knows (for guessing the columns of
/// headerless files).
pub fn is_behaviour_word(s: &str) -> bool {
    known_event_kind(&event_key(s)).is_some()
}

fn event_key(s: &str) -> String {
    unescape_text(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn known_event_kind(key: &str) -> Option<&'static str> {
    use crate::model::event_type as et;
    Some(match key {
        "visit" | "访问" | "进店" | "访问店铺" | "session" => et::VISIT,
        "pv" | "view" | "浏览" | "查看" | "浏览商品" | "click" | "点击" | "pageview" => {
            et::VIEW
        }
        "cart" | "addtocart" | "add_to_cart" | "加购" | "加入购物车" | "加购物车" => {
            et::ADD_TO_CART
        }
        "checkout" | "下单" | "结算" | "提交订单" => et::CHECKOUT,
        "buy" | "pay" | "purchase" | "购买" | "支付" | "付款" | "成交" => et::PAY,
        "fav" | "favorite" | "favourite" | "collect" | "收藏" => "fav",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        crate::time::china_offset()
    }

    fn at(s: &str) -> String {
        match parse_time(s, DateOrder::Auto, cst()) {
            Ok(t) => t
                .to_offset(cst())
                .map(|d| d.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
                .unwrap_or_default(),
            Err(r) => format!("{r:?}"),
        }
    }

    #[test]
    fn every_time_form() {
        assert_eq!(at("2023-10-27 15:04:06"), "2023-10-27 15:04:06.000");
        assert_eq!(at("2023-10-27T15:04:06"), "2023-10-27 15:04:06.000");
        assert_eq!(at("2023-10-27T15:04:06.25"), "2023-10-27 15:04:06.250");
        assert_eq!(at("2023-10-27T07:04:06Z"), "2023-10-27 15:04:06.000");
        assert_eq!(at("2023-10-27 08:04:06+01:00"), "2023-10-27 15:04:06.000");
        assert_eq!(at("2023/10/27"), "2023-10-27 00:00:00.000");
        assert_eq!(at("2023/10/27 8:26"), "2023-10-27 08:26:00.000");
        assert_eq!(at("10/27/2023 8:26"), "2023-10-27 08:26:00.000");
        assert_eq!(at("10/27/2023 8:26 PM"), "2023-10-27 20:26:00.000");
        assert_eq!(at("27/10/2023"), "2023-10-27 00:00:00.000");
        assert_eq!(at("27.10.2023"), "2023-10-27 00:00:00.000");
        assert_eq!(at("2023.10.27"), "2023-10-27 00:00:00.000");
        assert_eq!(at("2023年10月27日"), "2023-10-27 00:00:00.000");
        assert_eq!(at("2023年10月27日 15:04"), "2023-10-27 15:04:00.000");
        assert_eq!(at("2023年10月27日15时04分06秒"), "2023-10-27 15:04:06.000");
        assert_eq!(at("20231027"), "2023-10-27 00:00:00.000");
        assert_eq!(at("20231027150406"), "2023-10-27 15:04:06.000");
        // Unix times are UTC: 1511544070 is 2017-11-24 17:21:10 UTC.
        assert_eq!(at("1511544070"), "2017-11-25 01:21:10.000");
        assert_eq!(at("1511544070123"), "2017-11-25 01:21:10.123");
        assert_eq!(at("2023-02-30"), "InvalidDate");
        assert_eq!(at("2023-10-27 25:00"), "InvalidDate");
        assert_eq!(at("10/27/23"), "NotATime");
        assert_eq!(at("yesterday"), "NotATime");
        assert_eq!(at(""), "Missing");
        assert_eq!(at("12345"), "NotATime");
    }

    #[test]
    fn day_month_order_and_time_zone() {
        let utc = FixedOffset::east_opt(0).expect("utc");
        let t = |s: &str, o| parse_time(s, o, utc).map(|t| t.format_date(utc));
        assert_eq!(t("03/04/2023", DateOrder::Auto), Ok("2023-03-04".into()));
        assert_eq!(
            t("03/04/2023", DateOrder::DayFirst),
            Ok("2023-04-03".into())
        );
        assert_eq!(
            t("10/27/2023", DateOrder::DayFirst),
            Err(Reason::DateOrderConflict)
        );
        assert_eq!(
            t("27/10/2023", DateOrder::MonthFirst),
            Err(Reason::DateOrderConflict)
        );
        let raw = scan_time("2011-10-06 16:20:00").expect("time");
        assert_eq!(
            raw.resolve(DateOrder::Auto, cst()).map(|t| t.0),
            Ok(1_317_889_200_000)
        );
        assert_eq!(
            raw.resolve(DateOrder::Auto, utc).map(|t| t.0),
            Ok(1_317_918_000_000)
        );
        assert_eq!(
            raw.describe(DateOrder::Auto, cst(), false),
            "2011-10-06 16:20:00 (UTC+08:00)"
        );
        let unix = scan_time("1511544070").expect("unix");
        assert_eq!(
            unix.describe(DateOrder::Auto, cst(), true),
            "Unix 秒 → 2017-11-25 01:21:10 (UTC+08:00)"
        );
        let slashed = scan_time("03/04/2023").expect("slashed");
        assert_eq!(
            slashed.describe(DateOrder::DayFirst, utc, false),
            "2023-04-03 00:00:00 (UTC+00:00, day/month/year)"
        );
    }

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

    #[test]
    fn phones_ids_and_words() {
        let p = |s: &str| normalize_phone(s);
        assert_eq!(p("138 1234 5678"), Ok(Some("13812345678".into())));
        assert_eq!(p("+86 138-1234-5678"), Ok(Some("13812345678".into())));
        assert_eq!(p("0086 13812345678"), Ok(Some("13812345678".into())));
        assert_eq!(p("8613812345678"), Ok(Some("13812345678".into())));
        assert_eq!(p("13812345678.0"), Ok(Some("13812345678".into())));
        assert_eq!(p("(0571) 8888-6666"), Ok(Some("057188886666".into())));
        assert_eq!(p("+44 20 7946 0958"), Ok(Some("+442079460958".into())));
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("call me"), Err(Reason::NotAPhone));
        assert_eq!(p("123"), Err(Reason::NotAPhone));
        let id = |s: &str| normalize_id(s);
        assert_eq!(id("12923.0"), Ok(Some("12923".into())));
        assert_eq!(id(" C536379 "), Ok(Some("C536379".into())));
        assert_eq!(id("=\"00123\""), Ok(Some("00123".into())));
        assert_eq!(id("1.0.0"), Ok(Some("1.0.0".into())));
        assert_eq!(id("12.5"), Ok(Some("12.5".into())));
        assert_eq!(id("1.23457E+17"), Err(Reason::ScientificId));
        assert_eq!(id(""), Ok(None));
        assert_eq!(
            normalize_email(" Li@Example.COM "),
            Ok(Some("li@example.com".into()))
        );
        assert_eq!(normalize_email("nope"), Err(Reason::NotAnEmail));
        assert_eq!(unescape_text("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape_text("'tis"), "'tis");
        assert_eq!(tags("VIP，高潜力;VIP"), vec!["VIP", "高潜力"]);
        assert_eq!(channel_code("天猫"), "tmall");
        assert_eq!(channel_code(" 京东 "), "jd");
        assert_eq!(channel_code("Shopify"), "Shopify");
        assert_eq!(event_kind("pv"), "view");
        assert_eq!(event_kind("cart"), "add_to_cart");
        assert_eq!(event_kind("buy"), "pay");
        assert_eq!(event_kind("收藏"), "fav");
        assert_eq!(event_kind("Share"), "share");
        assert!(is_behaviour_word("pv") && is_behaviour_word("fav") && !is_behaviour_word("12"));
    }
}
