//! Sorting for code that is not a hot loop, compiled once for the whole program.
//!
//! `slice::sort_by` is compiled again for every element type and every comparator (a closure
//! is a type of its own): each call site added 5–15 KB of sorting code to the page's download,
//! and std's sorts were a tenth of the wasm. Here the sort itself orders positions (`u32`)
//! with the comparator behind `&mut dyn FnMut`, so there is one copy of std's sort for all
//! callers; the elements are then moved into that order along the permutation's cycles (a
//! few swaps, small per type). The price is an indirect call per comparison and one `u32`
//! per element — nothing for the lists sorted here (reports, saved items, a save's
//! operations). The hot sorts (events at load, the customer list, the analytics, funnels)
//! call std directly.
use std::cmp::Ordering;

/// [`slice::sort_by`] (stable), sharing one compiled sort with every caller.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    stable(v, &mut compare);
}

/// [`slice::sort_by_key`] (stable), sharing one compiled sort with every caller.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    stable(v, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
}

/// [`slice::sort_unstable_by`]'s order (this one is stable, which is one of the orders an
/// unstable sort may give), sharing one compiled sort with every caller.
pub fn sort_unstable_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    stable(v, &mut compare);
}

/// [`slice::sort_unstable_by_key`]'s order (stable, see [`sort_unstable_by`]).
pub fn sort_unstable_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    stable(v, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
}

fn stable<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = positions_in_order(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// The positions `0..n` stably sorted by `compare`: `order[k]` is the position of the element
/// that goes to place `k`. The one place std's sort is compiled for these functions.
#[inline(never)]
fn positions_in_order(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    // Slices longer than u32::MAX elements do not fit a wasm32 address space.
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|&a, &b| compare(a as usize, b as usize));
    order
}

/// Puts `v[order[k]]` at place `k` for every `k`, following each cycle of the permutation
/// once (a place done is marked by pointing at itself).
pub(crate) fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] as usize != start && order[at] as usize != at {
            let from = order[at] as usize;
            v.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
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

    #[test]
    fn long_lists_with_ties_come_out_as_std_stable_sort_orders_them() {
        // A small linear congruential sequence: many lengths, many ties, many cycle shapes.
        let mut x: u64 = 12345;
        for len in 0..300usize {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 59) as u8, i)
                })
                .collect();
            let (mut a, mut b) = (v.clone(), v.clone());
            sort_by_key(&mut a, |e| e.0);
            b.sort_by_key(|e| e.0);
            assert_eq!(a, b, "length {len}");
            let mut c = v.clone();
            sort_unstable_by(&mut c, |p, q| q.0.cmp(&p.0));
            let mut d = v;
            d.sort_by_key(|q| std::cmp::Reverse(q.0));
            assert_eq!(c, d, "length {len}");
        }
    }
}
