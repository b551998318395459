//! RFM scores: quintiles with shared ties or cut points, and every customer's recency, scores
//! and group from their order figures (one place for `compute` and the RFM subset `rfm`).

use super::*;

/// `1 + floor(5 × c / n)` for every value, `c` = values strictly smaller.
pub fn quintile_scores(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    let score = |smaller: usize| (1 + 5 * smaller / n.max(1)).clamp(1, 5) as u8;
    if let Some(scores) = counted_scores(values, score) {
        return scores;
    }
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
        if let Some(slot) = out.get_mut(sorted[k].1 as usize) {
            *slot = score(smaller);
        }
    }
    out
}

/// The scores by counting instead of sorting, when the values span few distinct numbers
/// (at most twice as many as there are values, or 1,024): R in days and F in orders do, and
/// their two sorts were a tenth of the analytics in wasm. `None` for wider values (M, in
/// cents).
fn counted_scores(values: &[i64], score: impl Fn(usize) -> u8) -> Option<Vec<u8>> {
    let (&first, rest) = values.split_first()?;
    let (min, max) = rest
        .iter()
        .fold((first, first), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let span = usize::try_from(i128::from(max) - i128::from(min)).ok()?;
    if span >= (2 * values.len()).max(1_024) || u32::try_from(values.len()).is_err() {
        return None;
    }
    // `v - min` cannot overflow: it is at most `span`.
    let slot = |v: i64| (v - min) as usize;
    let mut smaller = vec![0u32; span + 1];
    for &v in values {
        smaller[slot(v)] += 1;
    }
    // Each slot now holds how many values are strictly smaller than its number.
    let mut below = 0;
    for count in &mut smaller {
        (*count, below) = (below, below + *count);
    }
    Some(
        values
            .iter()
            .map(|&v| score(smaller[slot(v)] as usize))
            .collect(),
    )
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
    let reference = recency(out, settings);
    let scored = scored(out);
    let scores = Rfm::ALL.map(|which| scores_of(out, &scored, settings, which));
    set_scores(out, &scored, &scores, settings.rfm_high);
    reference
}

/// One of the three RFM measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rfm {
    R,
    F,
    M,
}

impl Rfm {
    pub(super) const ALL: [Rfm; 3] = [Rfm::R, Rfm::F, Rfm::M];
}

/// The reference date, and every customer's recency from it; the scores and groups are
/// cleared (set again by [`set_scores`]).
pub(super) fn recency(
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
    reference
}

/// The positions of the customers RFM scores: those with a paid order.
pub(super) fn scored(out: &[CustomerMetrics]) -> Vec<usize> {
    (0..out.len()).filter(|&i| out[i].orders > 0).collect()
}

/// One measure's scores of the `scored` customers, in their order: quintiles, or the
/// settings' cut points.
pub(super) fn scores_of(
    out: &[CustomerMetrics],
    scored: &[usize],
    settings: &AnalyticsSettings,
    which: Rfm,
) -> Vec<u8> {
    let (values, cuts, negated): (Vec<i64>, _, _) = match which {
        Rfm::R => (
            scored
                .iter()
                .map(|&i| -out[i].recency_days.unwrap_or(0))
                .collect(),
            settings.r_cuts,
            true,
        ),
        Rfm::F => (
            scored.iter().map(|&i| i64::from(out[i].orders)).collect(),
            settings.f_cuts,
            false,
        ),
        Rfm::M => (
            scored.iter().map(|&i| out[i].total_spent).collect(),
            settings.m_cuts,
            false,
        ),
    };
    match cuts {
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
        None => quintile_scores(&values),
    }
}

/// The three scores and the RFM group of each `scored` customer.
pub(super) fn set_scores(
    out: &mut [CustomerMetrics],
    scored: &[usize],
    [rs, fs, ms]: &[Vec<u8>; 3],
    high: u8,
) {
    for (k, &i) in scored.iter().enumerate() {
        let (Some(&r), Some(&f), Some(&s), Some(m)) =
            (rs.get(k), fs.get(k), ms.get(k), out.get_mut(i))
        else {
            continue;
        };
        m.r = Some(r);
        m.f = Some(f);
        m.m = Some(s);
        m.group = Some(RfmGroup::of(r >= high, f >= high, s >= high));
    }
}
