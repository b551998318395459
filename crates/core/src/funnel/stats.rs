//! What a funnel shows: counts per step, rates, times to convert and conversion over time,
//! tallied customer by customer.

use super::path::Path;
use super::timing::TimeStats;
use crate::time::day_date;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// `part / whole`, and 0 when there is no whole (an empty step converts nobody).
pub fn rate(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCount {
    /// Customers who reached this step (and so every required step before it). For an
    /// optional step: the customers whose counted path includes it.
    pub reached: u32,
    /// Customers who reached this step but not the next required one (0 for the last step
    /// and for optional steps).
    pub dropped: u32,
    /// An optional step (docs/funnels.md): its count is not part of the narrowing funnel.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// The period of step 1 that conversion over time is counted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    #[default]
    Day,
    /// Weeks from Monday.
    Week,
}

impl Period {
    /// The first day of the period holding `day` (days since 1970-01-01, a Thursday).
    pub fn start_of(self, day: i64) -> i64 {
        match self {
            Period::Day => day,
            Period::Week => day - (day + 3).rem_euclid(7),
        }
    }
    pub fn days(self) -> i64 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
        }
    }
}

/// Customers who entered the funnel in one period (by the time of their measured step 1),
/// and how many of them reached the last step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// First day of the period, in days since 1970-01-01 at the chosen time zone.
    pub day: i64,
    pub entered: u32,
    pub converted: u32,
}

impl PeriodCount {
    pub fn date(&self) -> Option<NaiveDate> {
        day_date(self.day)
    }
    pub fn rate(&self) -> f64 {
        rate(self.converted, self.entered)
    }
}

/// The figures of one funnel (the whole population or one breakdown group).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunnelStats {
    pub steps: Vec<StepCount>,
    /// `step_times[i]`: from step `i` to step `i + 1` (0-based), for the customers who
    /// reached step `i + 1`.
    pub step_times: Vec<TimeStats>,
    /// From step 1 to the last step, for the customers who reached the last step.
    pub overall_time: TimeStats,
    /// Periods in order from the first to the last one with an entry, empty ones in between
    /// included so a chart has no gaps (unless that would be more than 3,660 periods).
    pub over_time: Vec<PeriodCount>,
}

impl FunnelStats {
    /// Customers who reached step 1.
    pub fn entered(&self) -> u32 {
        self.steps.first().map_or(0, |s| s.reached)
    }
    /// Customers who reached the last step.
    pub fn converted(&self) -> u32 {
        self.steps.last().map_or(0, |s| s.reached)
    }
    pub fn reached(&self, step: usize) -> u32 {
        self.steps.get(step).map_or(0, |s| s.reached)
    }
    /// Step `step` (0-based) ÷ the required step before it (optional steps are skipped
    /// over); 1 for step 0 when anyone entered.
    pub fn conversion_from_previous(&self, step: usize) -> f64 {
        let previous = (0..step)
            .rev()
            .find(|&i| self.steps.get(i).is_some_and(|s| !s.optional))
            .unwrap_or(step);
        rate(self.reached(step), self.reached(previous))
    }
    /// Step `step` (0-based) ÷ step 1.
    pub fn conversion_from_first(&self, step: usize) -> f64 {
        rate(self.reached(step), self.entered())
    }
    /// Last step ÷ step 1.
    pub fn overall_conversion(&self) -> f64 {
        rate(self.converted(), self.entered())
    }
}

/// Periods up to which conversion over time is shown without gaps (ten years of days).
const MAX_FILLED_PERIODS: i64 = 3660;

/// Running totals while customers are scanned; [`Tally::finish`] makes the figures.
#[derive(Clone, Debug, Default)]
pub(super) struct Tally {
    /// `at[k]`: customers whose furthest (required) step is `k` (1-based; index 0 unused).
    at: Vec<u32>,
    /// Bit `i`: step `i` is optional.
    optional: u16,
    /// By step: customers whose counted path includes the optional step (0 for the others).
    hits: Vec<u32>,
    gaps: Vec<Vec<i64>>,
    overall: Vec<i64>,
    periods: FxHashMap<i64, (u32, u32)>,
}

impl Tally {
    /// `optional`: bit `i` set when step `i` is optional.
    pub fn new(steps: usize, optional: u16) -> Self {
        Tally {
            at: vec![0; steps + 1],
            optional,
            hits: vec![0; steps],
            gaps: vec![Vec::new(); steps.saturating_sub(1)],
            overall: Vec::new(),
            periods: FxHashMap::default(),
        }
    }

    /// Counts one customer who entered (`path.reached >= 1`); `period` is the first day of
    /// the period of their step 1.
    pub fn add(&mut self, path: &Path, period: i64) {
        let steps = self.at.len() - 1;
        let k = path.reached.min(steps);
        if k == 0 {
            return;
        }
        self.at[k] += 1;
        if self.optional == 0 {
            for (i, gap) in self.gaps.iter_mut().enumerate().take(k - 1) {
                gap.push(path.times[i + 1] - path.times[i]);
            }
        } else {
            // A step is on the path when it is a required step up to the furthest, or an
            // optional step the path includes; times between neighbours both on it.
            let optional = self.optional;
            let on = |i: usize| {
                if optional & (1 << i) != 0 {
                    path.optional & (1 << i) != 0
                } else {
                    i < k
                }
            };
            for (i, hit) in self.hits.iter_mut().enumerate() {
                *hit += u32::from(optional & (1 << i) != 0 && on(i));
            }
            for (i, gap) in self.gaps.iter_mut().enumerate() {
                if on(i) && on(i + 1) {
                    gap.push(path.times[i + 1] - path.times[i]);
                }
            }
        }
        let converted = k == steps;
        if converted {
            self.overall.push(path.times[k - 1] - path.times[0]);
        }
        let slot = self.periods.entry(period).or_default();
        slot.0 += 1;
        slot.1 += u32::from(converted);
    }

    pub fn merge(&mut self, other: Tally) {
        for (a, b) in self.at.iter_mut().zip(other.at) {
            *a += b;
        }
        for (a, b) in self.hits.iter_mut().zip(other.hits) {
            *a += b;
        }
        for (a, b) in self.gaps.iter_mut().zip(other.gaps) {
            a.extend(b);
        }
        self.overall.extend(other.overall);
        for (day, (e, c)) in other.periods {
            let slot = self.periods.entry(day).or_default();
            slot.0 += e;
            slot.1 += c;
        }
    }

    pub fn entered(&self) -> u32 {
        self.at.iter().skip(1).sum()
    }

    pub fn finish(mut self, period: Period) -> FunnelStats {
        let steps = self.at.len() - 1;
        // Reached step k = furthest at k or beyond.
        let mut reached = vec![0u32; steps];
        let mut beyond = 0;
        for k in (1..=steps).rev() {
            beyond += self.at[k];
            reached[k - 1] = beyond;
        }
        let optional = |i: usize| self.optional & (1 << i) != 0;
        let counts = (0..steps)
            .map(|i| {
                if optional(i) {
                    return StepCount {
                        reached: self.hits[i],
                        dropped: 0,
                        optional: true,
                    };
                }
                // Dropped: reached this step, not the next required one.
                let next = (i + 1..steps).find(|&j| !optional(j));
                StepCount {
                    reached: reached[i],
                    dropped: reached[i] - next.map_or(reached[i], |j| reached[j]),
                    optional: false,
                }
            })
            .collect();
        let mut over_time: Vec<PeriodCount> = self
            .periods
            .iter()
            .map(|(&day, &(entered, converted))| PeriodCount {
                day,
                entered,
                converted,
            })
            .collect();
        crate::sorting::sort_unstable_by_key(&mut over_time, |p| p.day);
        let span = match (over_time.first(), over_time.last()) {
            (Some(a), Some(b)) => (b.day - a.day) / period.days(),
            _ => 0,
        };
        // Empty periods in between are filled in, unless a stray timestamp decades away would
        // make that thousands of empty bars.
        if span < MAX_FILLED_PERIODS && over_time.len() as i64 <= span {
            let mut filled = Vec::with_capacity(span as usize + 1);
            let mut next = over_time.first().map_or(0, |p| p.day);
            for p in over_time {
                while next < p.day {
                    filled.push(PeriodCount {
                        day: next,
                        ..PeriodCount::default()
                    });
                    next += period.days();
                }
                filled.push(p);
                next = p.day + period.days();
            }
            over_time = filled;
        }
        FunnelStats {
            steps: counts,
            step_times: self.gaps.iter_mut().map(|g| TimeStats::of(g)).collect(),
            overall_time: TimeStats::of(&mut self.overall),
            over_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::day_number;

    #[test]
    fn weeks_start_on_monday() {
        let day = |y, m, d| day_number(NaiveDate::from_ymd_opt(y, m, d).expect("date"));
        // 2026-11-22 is a Sunday; its week starts on Monday 2026-11-16.
        assert_eq!(Period::Week.start_of(day(2026, 11, 22)), day(2026, 11, 16));
        assert_eq!(Period::Week.start_of(day(2026, 11, 23)), day(2026, 11, 23));
        assert_eq!(Period::Week.start_of(0), day(1969, 12, 29));
        assert_eq!(Period::Day.start_of(5), 5);
    }

    #[test]
    fn rates_never_divide_by_zero() {
        assert_eq!(rate(3, 0), 0.0);
        assert_eq!(rate(1, 4), 0.25);
        let empty = FunnelStats::default();
        assert_eq!(empty.overall_conversion(), 0.0);
        assert_eq!(empty.conversion_from_previous(0), 0.0);
    }
}
