//! Sorting millions of records a step at a time, so that the caller can let the browser
//! paint between steps: one call of `sort_unstable` over 2.55 M events blocks the page for
//! most of a second. Each step either splits the largest pending range at its median
//! (`select_nth_unstable_by`, linear and in place) or sorts a range small enough to be quick.
//! No copy is made: wasm memory never shrinks, and a copy of the events would stay with the
//! tab for good.

use std::cmp::Ordering;
use std::ops::Range;

/// Ranges up to this length are sorted in one step.
const LEAF: usize = 32 * 1024;

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
