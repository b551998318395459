//! Time: stored as UTC milliseconds since the Unix epoch, shown in the user's time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A point in time, UTC, millisecond precision.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

pub const MS_PER_SECOND: i64 = 1_000;
pub const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// China Standard Time, the zone the demo data's shop hours follow.
pub fn china_offset() -> FixedOffset {
    // 8 h is always a valid offset; the fallback is never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn to_utc(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.0)
    }
    /// The local wall-clock time at a given UTC offset.
    pub fn to_offset(self, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
        self.to_utc().map(|t| t.with_timezone(&offset))
    }
    /// A wall-clock time at a given offset, converted to UTC.
    pub fn from_local(local: NaiveDateTime, offset: FixedOffset) -> Option<Self> {
        offset
            .from_local_datetime(&local)
            .single()
            .map(|t| Timestamp(t.timestamp_millis()))
    }
    /// Midnight at the start of a date at a given offset.
    pub fn start_of_day(date: NaiveDate, offset: FixedOffset) -> Option<Self> {
        date.and_hms_opt(0, 0, 0)
            .and_then(|local| Self::from_local(local, offset))
    }
    /// `YYYY-MM-DD HH:MM` at a given offset, or an empty string for an impossible time.
    pub fn format_local(self, offset: FixedOffset) -> String {
        self.to_offset(offset)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }
    /// `YYYY-MM-DD` at a given offset.
    pub fn format_date(self, offset: FixedOffset) -> String {
        self.to_offset(offset)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
    /// ISO-8601 UTC with milliseconds (`2026-12-01T08:30:00.000Z`): the form of times in
    /// documents a team shares.
    pub fn iso(self) -> String {
        match self.to_utc() {
            Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            None => "1970-01-01T00:00:00.000Z".into(),
        }
    }
    /// Reads an RFC 3339 / ISO-8601 time with any offset.
    pub fn parse_iso(s: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|dt| Timestamp(dt.timestamp_millis()))
    }
    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }
    /// The calendar day at `offset`, as days since 1970-01-01: plain arithmetic, for the
    /// analytics that classify millions of records by day (what `to_offset(..).date_naive()`
    /// gives, an order of magnitude faster).
    pub fn local_day(self, offset: FixedOffset) -> i64 {
        self.local_day_shifted(offset_millis(offset))
    }

    /// [`Timestamp::local_day`] with the offset in milliseconds ([`offset_millis`]), worked
    /// out once for a column of moments.
    pub fn local_day_shifted(self, shift: i64) -> i64 {
        (self.0 + shift).div_euclid(MS_PER_DAY)
    }
}

/// A time zone's offset from UTC in milliseconds.
pub fn offset_millis(offset: FixedOffset) -> i64 {
    i64::from(offset.local_minus_utc()) * MS_PER_SECOND
}

/// Days since 1970-01-01 of a date (the inverse of [`day_date`]).
pub fn day_number(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

/// The date of a day number.
pub fn day_date(day: i64) -> Option<NaiveDate> {
    NaiveDate::default().checked_add_signed(chrono::Duration::try_days(day)?)
}

/// Serde for a [`Timestamp`] as an ISO-8601 string (`#[serde(with = "crate::time::iso")]`):
/// records whose serde form is also their shared document's.
pub mod iso {
    use super::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.iso())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Timestamp::parse_iso(&text).ok_or_else(|| serde::de::Error::custom("not an ISO-8601 time"))
    }

    /// The same for an optional time (`null` when absent).
    pub mod option {
        use super::Timestamp;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&t.iso()),
                None => s.serialize_none(),
            }
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
            match Option::<std::borrow::Cow<str>>::deserialize(d)? {
                None => Ok(None),
                Some(text) if text.is_empty() => Ok(None),
                Some(text) => Timestamp::parse_iso(&text)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom("not an ISO-8601 time")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_day_agrees_with_chrono_around_midnight() {
        for ms in [
            -1,
            0,
            1,
            57_599_999,
            57_600_000,
            1_764_000_000_000,
            -86_400_001,
        ] {
            let t = Timestamp(ms);
            for offset in [
                china_offset(),
                FixedOffset::west_opt(5 * 3600).expect("offset"),
            ] {
                let date = t.to_offset(offset).expect("in range").date_naive();
                assert_eq!(t.local_day(offset), day_number(date), "{ms} at {offset}");
                assert_eq!(day_date(t.local_day(offset)), Some(date));
            }
        }
    }

    #[test]
    fn local_round_trip_in_china_time() {
        let date = NaiveDate::from_ymd_opt(2025, 11, 11).expect("date");
        let t = Timestamp::start_of_day(date, china_offset()).expect("time");
        // Midnight in Beijing is 16:00 UTC the day before.
        assert_eq!(t.0, 1_762_790_400_000);
        assert_eq!(t.format_local(china_offset()), "2025-11-11 00:00");
        assert_eq!(
            t.format_date(FixedOffset::east_opt(0).expect("utc")),
            "2025-11-10"
        );
    }
}
