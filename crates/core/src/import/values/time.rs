//! Times: `2023-10-27 15:04:06`, `2023-10-27T15:04:06` (optionally `.123`, `Z` or `+08:00`),
//! `2023/10/27`, `2023/10/27 8:26`, `2023.10.27`, `2023年10月27日` (optionally `15时04分`),
//! `10/27/2023 8:26` or `27/10/2023` (also with `-`, and `AM`/`PM`), `27.10.2023`, `20231027`,
//! `20231027150406`, Unix seconds (9–10 digits) or milliseconds (12–13 digits). Times without
//! a zone are wall-clock times in the import's time zone; Unix times are UTC. Two-digit years
//! are not accepted (`10/27/23`). `a/b/yyyy` is ambiguous: see [`DateOrder`].

use super::{strip_zero_fraction, unescape_text};
use crate::import::reason::Reason;
use crate::time::Timestamp;
use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

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
}
