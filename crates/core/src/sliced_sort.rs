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
//! Chromium. Its splits are themselves done in steps of at most [`CHUNK`] elements (a
//! three-way partition around the median of nine, which can stop anywhere and go on): one
//! split of the 1.43 M orders of a 500,000-customer load went over all of them in one step,
//! 16–32 ms natively, and made that load's longest task.

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
/// Elements a [`SlicedSort::step_by_key`] step of a split goes over at most.
const CHUNK: usize = 64 * 1024;

/// An in-place sort in steps; the slice must not change between steps.
#[derive(Debug)]
pub struct SlicedSort {
    pending: Vec<Pending>,
    /// The split under way ([`SlicedSort::step_by_key`]).
    split: Option<Split>,
}

/// A range still to sort.
#[derive(Debug)]
struct Pending {
    range: Range<usize>,
    /// Split at the exact median in one step: the side of a split whose pivot turned out far
    /// from the median (rare: an input made against the sample), so that the depth stays
    /// logarithmic whatever the input.
    exact: bool,
}

/// A three-way partition of `range` going on over several steps. `range.start` holds the
/// pivot; the rest of the range, from its second element, is: less than the pivot up to `lt`,
/// equal up to `at`, not yet looked at up to `gt`, greater after (offsets from that second
/// element).
#[derive(Debug)]
struct Split {
    range: Range<usize>,
    lt: usize,
    at: usize,
    gt: usize,
}

impl SlicedSort {
    pub fn new(len: usize) -> Self {
        SlicedSort {
            pending: vec![Pending {
                range: 0..len,
                exact: false,
            }],
            split: None,
        }
    }

    fn push(&mut self, range: Range<usize>, exact: bool) {
        self.pending.push(Pending { range, exact });
    }

    /// Does one step and returns how many elements it went over, or `None` once `v` is
    /// sorted.
    pub fn step<T>(
        &mut self,
        v: &mut [T],
        compare: impl FnMut(&T, &T) -> Ordering,
    ) -> Option<usize> {
        let range = self.pending.pop()?.range;
        let part = v.get_mut(range.clone())?;
        if part.len() <= LEAF {
            part.sort_unstable_by(compare);
        } else {
            self.split_at_median(part, range.clone(), compare);
        }
        Some(range.len())
    }

    /// Splits `part` (at `range`) at its median in one pass: everything left of it is not
    /// greater, everything right not less, so the two halves sort independently.
    fn split_at_median<T>(
        &mut self,
        part: &mut [T],
        range: Range<usize>,
        mut compare: impl FnMut(&T, &T) -> Ordering,
    ) {
        let mid = part.len() / 2;
        part.select_nth_unstable_by(mid, &mut compare);
        self.push(range.start + mid + 1..range.end, false);
        self.push(range.start..range.start + mid, false);
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
        let mut by_key = |a: &T, b: &T| key(a).cmp(&key(b)).then_with(|| compare(a, b));
        if let Some(split) = self.split.take() {
            return self.go_on_splitting(v, split, &mut by_key);
        }
        let Pending { range, exact } = self.pending.pop()?;
        let part = v.get_mut(range.clone())?;
        if part.len() <= SMALL {
            part.sort_unstable_by(&mut by_key);
            return Some(range.len());
        }
        if part.len() > RADIX {
            if exact {
                self.split_at_median(part, range.clone(), &mut by_key);
                return Some(range.len());
            }
            // The pivot: the median of nine elements spread over the range, moved to its
            // start (exact for a range already sorted or reversed).
            let len = part.len();
            let mut sample: [usize; 9] = std::array::from_fn(|k| len / 18 + k * len / 9);
            sample.sort_unstable_by(|&a, &b| by_key(&part[a], &part[b]));
            part.swap(0, sample[4]);
            let split = Split {
                gt: len - 1,
                range,
                lt: 0,
                at: 0,
            };
            return self.go_on_splitting(v, split, &mut by_key);
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
                self.push(range.start + start..range.start + end, false);
            } else if end - start > 1 {
                part[start..end].sort_unstable_by(&mut by_key);
            }
            start = end;
        }
        self.pending[before..].reverse();
        Some(range.len() * 3)
    }

    /// Goes on with `split` for up to [`CHUNK`] elements; once it is done, its less and
    /// greater sides are pending (the equal ones are in place).
    fn go_on_splitting<T>(
        &mut self,
        v: &mut [T],
        mut split: Split,
        by_key: &mut impl FnMut(&T, &T) -> Ordering,
    ) -> Option<usize> {
        let part = v.get_mut(split.range.clone())?;
        let (pivot, rest) = part.split_first_mut()?;
        let Split { lt, at, gt, .. } = &mut split;
        let mut went = 0;
        while *at < *gt && went < CHUNK {
            match by_key(&rest[*at], pivot) {
                Ordering::Less => {
                    rest.swap(*lt, *at);
                    *lt += 1;
                    *at += 1;
                }
                Ordering::Greater => {
                    *gt -= 1;
                    rest.swap(*at, *gt);
                }
                Ordering::Equal => *at += 1,
            }
            went += 1;
        }
        if split.at < split.gt {
            self.split = Some(split);
            return Some(went);
        }
        // The pivot goes between the less and the equal: less is `part[..lt]`, equal up to
        // `part[gt]` inclusive, greater after.
        let Split { range, lt, gt, .. } = split;
        part.swap(0, lt);
        let less = range.start..range.start + lt;
        let greater = range.start + gt + 1..range.end;
        // A pivot far from the median (one side holding over fifteen sixteenths): that side
        // is split at its exact median next.
        let lopsided = less.len().max(greater.len()) > range.len() - range.len() / 16;
        let (less_exact, greater_exact) = if !lopsided {
            (false, false)
        } else if less.len() > greater.len() {
            (true, false)
        } else {
            (false, true)
        };
        self.push(greater, greater_exact);
        self.push(less, less_exact);
        Some(went)
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

    /// Sorts `v` by its value as key (the comparison never decides) and returns each step's
    /// work.
    fn steps_by_key(v: &mut [u64]) -> Vec<usize> {
        let mut sort = SlicedSort::new(v.len());
        let mut steps = Vec::new();
        while let Some(n) = sort.step_by_key(v, |&x| x, |_, _| Ordering::Equal) {
            steps.push(n);
        }
        assert!(v.windows(2).all(|w| w[0] <= w[1]), "sorted");
        steps
    }

    #[test]
    fn splits_by_key_go_on_over_bounded_steps() {
        let n = 1_000_000u64;
        let shuffled: Vec<u64> = (0..n).map(|i| i.wrapping_mul(2_654_435_761) % n).collect();
        let few: Vec<u64> = (0..n).map(|i| i.wrapping_mul(2_654_435_761) % 3).collect();
        let inputs = [
            ("shuffled", shuffled),
            ("sorted", (0..n).collect()),
            ("reversed", (0..n).rev().collect()),
            ("one value", vec![5; n as usize]),
            ("three values", few),
        ];
        for (name, mut v) in inputs {
            let steps = steps_by_key(&mut v);
            let largest = steps.iter().copied().max().unwrap_or(0);
            // A split goes over CHUNK elements a step; a distribution over RADIX elements,
            // three times.
            assert!(
                largest <= (3 * RADIX).max(CHUNK),
                "{name}: a step of {largest}"
            );
            assert!(steps.len() > 15, "{name}: {} steps", steps.len());
            // The first split goes over all but the pivot, CHUNK at a time.
            let rest = n as usize - 1;
            assert_eq!(
                steps[..rest / CHUNK],
                vec![CHUNK; rest / CHUNK][..],
                "{name}"
            );
            assert_eq!(
                steps[rest / CHUNK],
                rest % CHUNK,
                "{name}: the first split's last step"
            );
        }
    }

    #[test]
    fn a_pivot_far_from_the_median_makes_the_next_split_exact() {
        // The nine sampled places hold the nine smallest values, so the sample's median is
        // the fifth smallest: four less, the rest greater. That side is then split at its
        // exact median in one step.
        let n = 500_000usize;
        let mut v: Vec<u64> = (0..n as u64)
            .map(|i| 1_000 + i.wrapping_mul(2_654_435_761) % n as u64)
            .collect();
        for k in 0..9 {
            v[n / 18 + k * n / 9] = k as u64;
        }
        let steps = steps_by_key(&mut v);
        let first: usize = steps.iter().take_while(|&&s| s == CHUNK).count();
        assert_eq!(first, (n - 1) / CHUNK, "the first split in chunks");
        assert_eq!(steps[first], (n - 1) % CHUNK, "its last chunk");
        assert_eq!(steps[first + 1], 4, "the less side sorted");
        assert_eq!(steps[first + 2], n - 5, "the greater side split at once");
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
