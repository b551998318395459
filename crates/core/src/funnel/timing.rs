//! Time to convert: median, mean and a histogram of durations in milliseconds.

use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};
use serde::{Deserialize, Serialize};

/// The histogram's buckets: bucket `i` holds durations `d` with
/// `upper[i - 1] <= d < upper[i]` (the last bucket has no upper bound).
pub const TIME_BUCKETS: [TimeBucket; 8] = [
    TimeBucket::new(Some(MS_PER_MINUTE)),
    TimeBucket::new(Some(10 * MS_PER_MINUTE)),
    TimeBucket::new(Some(MS_PER_HOUR)),
    TimeBucket::new(Some(6 * MS_PER_HOUR)),
    TimeBucket::new(Some(MS_PER_DAY)),
    TimeBucket::new(Some(7 * MS_PER_DAY)),
    TimeBucket::new(Some(30 * MS_PER_DAY)),
    TimeBucket::new(None),
];

/// A bucket of the histogram; the app labels bucket `i` (`i18n::time_bucket_label`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBucket {
    /// Exclusive upper bound in milliseconds; `None` for the last bucket.
    pub upper_ms: Option<i64>,
}

impl TimeBucket {
    const fn new(upper_ms: Option<i64>) -> Self {
        TimeBucket { upper_ms }
    }
}

/// The bucket of a duration.
pub fn bucket_of(ms: i64) -> usize {
    TIME_BUCKETS
        .iter()
        .position(|b| b.upper_ms.is_some_and(|u| ms < u))
        .unwrap_or(TIME_BUCKETS.len() - 1)
}

/// Durations of the customers who made one conversion.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeStats {
    pub count: u32,
    /// The middle duration; with an even count, the mean of the two middle ones, rounded
    /// down. `None` without durations.
    pub median_ms: Option<i64>,
    pub mean_ms: Option<f64>,
    /// Counts per [`TIME_BUCKETS`] entry.
    pub histogram: [u32; TIME_BUCKETS.len()],
}

impl TimeStats {
    /// Summarises durations (reordered in the process).
    pub fn of(durations: &mut [i64]) -> TimeStats {
        let mut stats = TimeStats {
            count: durations.len() as u32,
            ..TimeStats::default()
        };
        if durations.is_empty() {
            return stats;
        }
        let mut sum: i128 = 0;
        for &d in durations.iter() {
            sum += i128::from(d);
            stats.histogram[bucket_of(d)] += 1;
        }
        stats.mean_ms = Some(sum as f64 / durations.len() as f64);
        // A selection instead of a sort: linear, and the durations are many.
        let (mid, odd) = (durations.len() / 2, durations.len() % 2 == 1);
        let (lower, &mut upper, _) = durations.select_nth_unstable(mid);
        stats.median_ms = Some(if odd {
            upper
        } else {
            let below = lower.iter().copied().max().unwrap_or(upper);
            ((i128::from(below) + i128::from(upper)).div_euclid(2)) as i64
        });
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_means_and_buckets() {
        assert_eq!(TimeStats::of(&mut []).median_ms, None);
        let s = TimeStats::of(&mut [5, 1, 3]);
        assert_eq!((s.count, s.median_ms, s.mean_ms), (3, Some(3), Some(3.0)));
        let s = TimeStats::of(&mut [4, 1, 3, 10]);
        assert_eq!(s.median_ms, Some(3));
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(MS_PER_MINUTE - 1), 0);
        assert_eq!(bucket_of(MS_PER_MINUTE), 1);
        assert_eq!(bucket_of(MS_PER_DAY), 5);
        assert_eq!(bucket_of(i64::MAX), 7);
        assert_eq!(s.histogram.iter().sum::<u32>(), 4);
    }
}
