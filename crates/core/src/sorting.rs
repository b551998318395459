//! Sorting for code that is not a hot loop, compiled once per element type.
//!
//! `slice::sort_by` is compiled again for every comparator, and a closure is a type of its
//! own: each call site added 5–15 KB of sorting code to the page's download (std's sorts were
//! a tenth of the wasm). These functions take the comparator as `&mut dyn FnMut`, so all call
//! sites that sort the same element type share one copy, at the price of an indirect call
//! per comparison — nothing for the lists they sort (reports, saved items, a save's
//! operations). The hot sorts (events at load, the customer list, the analytics) call std
//! directly.
use std::cmp::Ordering;

/// [`slice::sort_by`] (stable) with one compiled copy per `T`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    stable(v, &mut compare);
}

/// [`slice::sort_by_key`] (stable) with one compiled copy per `T`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    stable(v, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
}

/// [`slice::sort_unstable_by`] with one compiled copy per `T`.
pub fn sort_unstable_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    unstable(v, &mut compare);
}

/// [`slice::sort_unstable_by_key`] with one compiled copy per `T`.
pub fn sort_unstable_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    unstable(v, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
}

#[inline(never)]
fn stable<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    v.sort_by(compare);
}

#[inline(never)]
fn unstable<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    v.sort_unstable_by(compare);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_orders_as_std() {
        let words = [
            "pear", "fig", "apple", "kiwi", "date", "plum", "fig", "lime",
        ];
        let mut a: Vec<(usize, &str)> = words.iter().copied().enumerate().collect();
        let mut b = a.clone();
        // Stable: equal lengths keep their order.
        sort_by_key(&mut a, |(_, w)| w.len());
        b.sort_by_key(|(_, w)| w.len());
        assert_eq!(a, b);
        assert_eq!(
            a.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![1, 6, 0, 3, 4, 5, 7, 2]
        );
        sort_by(&mut a, |x, y| y.1.cmp(x.1).then(x.0.cmp(&y.0)));
        assert_eq!(a[0], (5, "plum"));
        assert_eq!(a[7], (2, "apple"));
        let mut n = vec![5, 3, 9, 1, 3];
        sort_unstable_by(&mut n, |x, y| y.cmp(x));
        assert_eq!(n, vec![9, 5, 3, 3, 1]);
        sort_unstable_by_key(&mut n, |x| *x);
        assert_eq!(n, vec![1, 3, 3, 5, 9]);
    }
}
