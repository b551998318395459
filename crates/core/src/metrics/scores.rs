//! RFM scores: quintiles with shared ties or cut points, and every customer's recency, scores
//! and group from their order figures (one place for `compute` and the RFM subset `rfm`).

use super::*;

/// `1 + floor(5 × c / n)` for every value, `c` = values strictly smaller.
pub fn quintile_scores(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    // Sorted with their positions, `c` is where a run of equal values starts: one pass gives
    // every score (a binary search per value was a cache miss per step).
    let mut sorted: Vec<(i64, u32)> = values.iter().copied().zip(0u32..).collect();
    sorted.sort_unstable();
    let mut out = vec![1u8; n];
    let mut smaller = 0;
    for k in 0..sorted.len() {
        if k > 0 && sorted[k].0 != sorted[k - 1].0 {
            smaller = k;
        }
        if let Some(score) = out.get_mut(sorted[k].1 as usize) {
            *score = (1 + 5 * smaller / n.max(1)).clamp(1, 5) as u8;
        }
    }
    out
}

/// A score by cut points `c1 < c2 < c3 < c4`. Higher is better (F, M): 1 + the number of
/// cut points at or below the value (`≥ c1` → 2 … `≥ c4` → 5). Lower is better (R, in days):
/// 1 + the number of cut points at or above the value (`≤ c4` → 2 … `≤ c1` → 5).
pub fn cut_score(value: i64, cuts: [i64; 4], higher_is_better: bool) -> u8 {
    let n = if higher_is_better {
        cuts.iter().filter(|&&c| c <= value).count()
    } else {
        cuts.iter().filter(|&&c| c >= value).count()
    };
    1 + n as u8
}

/// Parses four ascending cut points written `30, 60, 120, 240` (also with `，` or spaces).
pub fn parse_cuts(text: &str) -> Option<[i64; 4]> {
    let values: Vec<i64> = text
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    let cuts: [i64; 4] = values.try_into().ok()?;
    cuts.windows(2).all(|w| w[0] < w[1]).then_some(cuts)
}

/// The reference date (the settings', or the day after the latest paid order), and from it
/// every customer's recency, R, F and M scores and RFM group, given their order figures.
pub(super) fn recency_and_scores(
    out: &mut [CustomerMetrics],
    settings: &AnalyticsSettings,
) -> Option<NaiveDate> {
    let offset = settings.offset();
    let day = |t: Timestamp| -> i64 { t.local_day(offset) };
    // The latest paid order of all is the latest of the customers' last paid orders.
    let latest = out.iter().filter_map(|m| m.last_order).max();
    let reference = settings.reference.or_else(|| {
        latest
            .and_then(|t| t.to_offset(offset))
            .and_then(|d| d.date_naive().succ_opt())
    });
    let reference_day = reference.map(crate::time::day_number);
    for m in out.iter_mut() {
        // The last paid order's day is the latest of the paid days.
        m.recency_days = match (reference_day, m.last_order) {
            (Some(r), Some(last)) if m.orders > 0 => Some(r - day(last)),
            _ => None,
        };
        (m.r, m.f, m.m, m.group) = (None, None, None, None);
    }

    // RFM scores over customers with a paid order.
    let scored: Vec<usize> = (0..out.len()).filter(|&i| out[i].orders > 0).collect();
    let r_values: Vec<i64> = scored
        .iter()
        .map(|&i| -out[i].recency_days.unwrap_or(0))
        .collect();
    let f_values: Vec<i64> = scored.iter().map(|&i| i64::from(out[i].orders)).collect();
    let m_values: Vec<i64> = scored.iter().map(|&i| out[i].total_spent).collect();
    let scores = |values: &[i64], cuts: Option<[i64; 4]>, negated: bool| match cuts {
        Some(cuts) => values
            .iter()
            .map(|&v| {
                if negated {
                    cut_score(-v, cuts, false)
                } else {
                    cut_score(v, cuts, true)
                }
            })
            .collect(),
        None => quintile_scores(values),
    };
    let (rs, fs, ms): (Vec<u8>, Vec<u8>, Vec<u8>) = (
        scores(&r_values, settings.r_cuts, true),
        scores(&f_values, settings.f_cuts, false),
        scores(&m_values, settings.m_cuts, false),
    );
    let high = settings.rfm_high;
    for (k, &i) in scored.iter().enumerate() {
        let m = &mut out[i];
        m.r = Some(rs[k]);
        m.f = Some(fs[k]);
        m.m = Some(ms[k]);
        m.group = Some(RfmGroup::of(rs[k] >= high, fs[k] >= high, ms[k] >= high));
    }
    reference
}
