//! Sorting millions of records a step at a time, so that the caller can let the browser
//! paint between steps: one call of `sort_unstable` over 2.55 M events blocks the page for
//! most of a second. Each step either splits the largest pending range at its median
//! (`select_nth_unstable_by`, linear and in place) or sorts a range small enough to be quick.
//! No copy is made: wasm memory never shrinks, and a copy of the events would stay with the
//! tab for good.
//!
//! [`SlicedSort::step_by_key`] does the same faster when the order starts with an integer key
//! (the events' time): the splits compare keys first (the full comparison, a call, only on
//! ties), and a range that fits in the cache is distributed into 256 buckets by the next 8
//! bits of its keys in place (American flag sort), down to ranges of a few elements sorted by
//! comparison. Sorting the 2.55 M events by full comparisons took 1.2 s of the 100k load in
//! Chromium.

use std::cmp::Ordering;
use std::ops::Range;

/// Ranges up to this length are sorted in one step.
const LEAF: usize = 32 * 1024;
/// Ranges up to this length are sorted by comparison in a [`SlicedSort::step_by_key`] step.
const SMALL: usize = 64;
/// Ranges up to this length are distributed by key; longer ones are split at their median
/// (a pass in memory order: distributing 2.55 M events of 48 bytes into 256 places at once
/// misses the cache at every move, 3 × slower than the split).
const RADIX: usize = LEAF;

/// An in-place sort in steps; the slice must not change between steps.
#[derive(Debug)]
pub struct SlicedSort {
    pending: Vec<Range<usize>>,
}

impl SlicedSort {
    pub fn new(len: usize) -> Self {
        SlicedSort {
            pending: std::iter::once(0..len).collect(),
        }
    }

    /// Does one step and returns how many elements it went over, or `None` once `v` is
    /// sorted.
    pub fn step<T>(
        &mut self,
        v: &mut [T],
        mut compare: impl FnMut(&T, &T) -> Ordering,
    ) -> Option<usize> {
        let range = self.pending.pop()?;
        let part = v.get_mut(range.clone())?;
        if part.len() <= LEAF {
            part.sort_unstable_by(compare);
        } else {
            // Everything left of the median is not greater, everything right not less: the
            // two halves sort independently.
            let mid = part.len() / 2;
            part.select_nth_unstable_by(mid, &mut compare);
            self.pending.push(range.start + mid + 1..range.end);
            self.pending.push(range.start..range.start + mid);
        }
        Some(range.len())
    }

    /// One step of sorting by `key`, then `compare` (which must agree: `key(a) < key(b)`
    /// means `a < b`): a long pending range is split at its median, a shorter one distributed
    /// into buckets by the next 8 bits of its keys, a tiny one (or one of a single key) sorted.
    /// Returns how many elements the step went over (a distribution goes over its range three
    /// times), or `None` once `v` is sorted.
    pub fn step_by_key<T>(
        &mut self,
        v: &mut [T],
        key: impl Fn(&T) -> u64,
        mut compare: impl FnMut(&T, &T) -> Ordering,
    ) -> Option<usize> {
        let range = self.pending.pop()?;
        let part = v.get_mut(range.clone())?;
        let mut by_key = |a: &T, b: &T| key(a).cmp(&key(b)).then_with(|| compare(a, b));
        if part.len() <= SMALL {
            part.sort_unstable_by(&mut by_key);
            return Some(range.len());
        }
        if part.len() > RADIX {
            let mid = part.len() / 2;
            part.select_nth_unstable_by(mid, &mut by_key);
            self.pending.push(range.start + mid + 1..range.end);
            self.pending.push(range.start..range.start + mid);
            return Some(range.len());
        }
        let (lo, hi) = part
            .iter()
            .map(&key)
            .fold((u64::MAX, 0), |(lo, hi), k| (lo.min(k), hi.max(k)));
        if lo == hi {
            // One key throughout: the comparison decides.
            part.sort_unstable_by(&mut by_key);
            return Some(range.len());
        }
        // The top 8 of the bits in which the range's keys differ.
        let bits = 64 - (hi - lo).leading_zeros();
        let shift = bits.saturating_sub(8);
        let digit = |x: &T| ((key(x) - lo) >> shift) as usize;
        let mut counts = [0usize; 256];
        for x in part.iter() {
            counts[digit(x)] += 1;
        }
        let mut heads = [0usize; 256];
        let mut ends = [0usize; 256];
        let mut at = 0;
        for ((head, end), count) in heads.iter_mut().zip(&mut ends).zip(counts) {
            *head = at;
            at += count;
            *end = at;
        }
        // Each swap puts one element into its bucket for good.
        for b in 0..256 {
            while heads[b] < ends[b] {
                let d = digit(&part[heads[b]]);
                if d == b {
                    heads[b] += 1;
                } else {
                    part.swap(heads[b], heads[d]);
                    heads[d] += 1;
                }
            }
        }
        // Small buckets are sorted now (pending millions of tiny ranges would cost more than
        // sorting them); larger ones are steps of their own, the first bucket next.
        let before = self.pending.len();
        let mut start = 0;
        for &end in &ends {
            if end - start > SMALL {
                self.pending.push(range.start + start..range.start + end);
            } else if end - start > 1 {
                part[start..end].sort_unstable_by(&mut by_key);
            }
            start = end;
        }
        self.pending[before..].reverse();
        Some(range.len() * 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn sorts_like_sort_unstable(mut v in prop::collection::vec(0u32..1000, 0..150_000)) {
            let mut expected = v.clone();
            expected.sort_unstable();
            let mut sort = SlicedSort::new(v.len());
            let mut steps = 0;
            while sort.step(&mut v, u32::cmp).is_some() {
                steps += 1;
            }
            prop_assert_eq!(v, expected);
            prop_assert!(steps >= 1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn sorts_by_key_like_sort_unstable(
            mut v in prop::collection::vec((0u64..5000, 0u32..50), 0..100_000),
            wide in any::<bool>(),
        ) {
            // Keys over a narrow range (many ties: the comparison decides) or spread over
            // many bits.
            if wide {
                for (k, _) in v.iter_mut() {
                    *k = k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                }
            }
            let mut expected = v.clone();
            expected.sort_unstable();
            let mut sort = SlicedSort::new(v.len());
            while sort.step_by_key(&mut v, |x| x.0, |a, b| a.1.cmp(&b.1)).is_some() {}
            prop_assert_eq!(v, expected);
        }
    }

    #[test]
    fn equal_keys_are_split_in_bounded_steps() {
        let mut v: Vec<(u64, u64)> = (0..200_000u64)
            .map(|i| (7, i.wrapping_mul(2_654_435_761) % 1_000_003))
            .collect();
        let mut sort = SlicedSort::new(v.len());
        let mut steps = 0;
        while sort
            .step_by_key(&mut v, |x| x.0, |a, b| a.1.cmp(&b.1))
            .is_some()
        {
            steps += 1;
        }
        assert!(v.windows(2).all(|w| w[0] <= w[1]));
        assert!(steps > 6, "{steps} steps");
    }

    #[test]
    fn a_large_slice_takes_many_bounded_steps() {
        let mut v: Vec<u64> = (0..1_000_000u64)
            .map(|i| i.wrapping_mul(2_654_435_761) % 1_000_003)
            .collect();
        let mut sort = SlicedSort::new(v.len());
        let mut largest = 0;
        let mut steps = 0;
        while let Some(n) = sort.step(&mut v, u64::cmp) {
            largest = largest.max(n);
            steps += 1;
        }
        assert!(v.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(largest, 1_000_000, "the first step splits the whole slice");
        assert!(steps > 60, "{steps} steps");
    }
}
