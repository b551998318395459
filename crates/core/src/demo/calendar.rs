//! When people shop: the shopping calendar (the festivals, the Spring Festival's peak and dip)
//! and the hours of the day. Separate: orders, browsing and activities all draw their times
//! from it.

use super::generator::Generator;
use super::tables::*;
use crate::time::{MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND, Timestamp, china_offset};
use chrono::{Datelike, NaiveDate, Timelike};
use rand::Rng;
use rand::distributions::Distribution;

impl Generator {
    /// Relative order volume on a local calendar day: the shopping festivals and the
    /// Spring Festival pre-holiday peak and holiday dip.
    pub(super) fn season_weight(date: NaiveDate) -> f64 {
        let (m, d) = (date.month(), date.day());
        for (y, fm, fd) in SPRING_FESTIVALS {
            if let Some(festival) = NaiveDate::from_ymd_opt(y, fm, fd) {
                let days = (date - festival).num_days();
                if (-20..0).contains(&days) {
                    return 1.8;
                }
                if (0..7).contains(&days) {
                    return 0.4;
                }
            }
        }
        match (m, d) {
            (11, 11) => 8.0,
            (11, 1..=10) => 3.0,
            (6, 18) => 5.0,
            (6, 1..=17) => 2.2,
            (12, 12) => 3.0,
            _ => 1.0,
        }
    }

    /// A time in [from, to) following the shopping calendar and the hours of the day.
    pub(super) fn shopping_time(&mut self, from: Timestamp, to: Timestamp) -> Timestamp {
        let offset = china_offset();
        let from_day = from.0.div_euclid(MS_PER_DAY);
        let to_day = to.0.div_euclid(MS_PER_DAY).max(from_day + 1);
        let mut day_ms = from.0;
        for _ in 0..64 {
            let day = self.rng.gen_range(from_day..to_day);
            let candidate = day * MS_PER_DAY;
            let date = Timestamp(candidate)
                .to_offset(offset)
                .map(|t| t.date_naive())
                .unwrap_or_default();
            day_ms = candidate;
            if self.rng.gen_range(0.0..8.0) < Self::season_weight(date) {
                break;
            }
        }
        let local_midnight = Timestamp(day_ms)
            .to_offset(offset)
            .and_then(|t| t.with_hour(0))
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .map(|t| t.timestamp_millis())
            .unwrap_or(day_ms);
        let hour = self.hours.sample(&mut self.rng) as i64;
        let t = local_midnight
            + hour * 60 * MS_PER_MINUTE
            + self.rng.gen_range(0..60 * MS_PER_MINUTE) / MS_PER_SECOND * MS_PER_SECOND;
        Timestamp(t.clamp(from.0, (to.0 - MS_PER_MINUTE).max(from.0)))
    }
}
