//! One bit per customer position: what a condition or a group matches, for all customers at
//! once ([`crate::segment::eval`] combines conditions a word, 64 customers, at a time instead
//! of walking the tree once per customer), or who has a value in a column of the analytics.

/// A set of customer positions `0..len`. Bits past `len` in the last word are always zero,
/// so counting and negating need no special case at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// Nobody of `len` customers.
    pub fn none(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Everybody of `len` customers.
    pub fn all(len: usize) -> Bits {
        let mut b = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        b.clear_tail();
        b
    }

    /// The positions `i < len` for which `f(i)` holds. Packed 64 at a time, so a loop over a
    /// column compiles to straight comparisons.
    pub fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Bits {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            let base = w * 64;
            let end = (base + 64).min(len);
            let mut x = 0u64;
            for i in base..end {
                x |= u64::from(f(i)) << (i - base);
            }
            *word = x;
        }
        Bits { words, len }
    }

    /// The set of the positions `ones` yields (each below `len`).
    pub fn from_ones(len: usize, ones: impl IntoIterator<Item = usize>) -> Bits {
        let mut b = Bits::none(len);
        for i in ones {
            if let Some(w) = b.words.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        b.clear_tail();
        b
    }

    /// The set whose word `w` holds positions `64·w ..`; bits past `len` are dropped.
    pub fn from_words(mut words: Vec<u64>, len: usize) -> Bits {
        words.resize(len.div_ceil(64), 0);
        let mut b = Bits { words, len };
        b.clear_tail();
        b
    }

    /// The words of the set, 64 positions each (bits past `len` are zero).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether position `i` is in the set (positions past the end are not).
    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Puts position `i` in the set or takes it out (nothing past the end).
    pub fn set(&mut self, i: usize, on: bool) {
        if i < self.len {
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            self.words[w] = if on {
                self.words[w] | bit
            } else {
                self.words[w] & !bit
            };
        }
    }

    /// Room for `n` more positions without reallocating.
    pub fn reserve(&mut self, n: usize) {
        self.words
            .reserve_exact((self.len + n).div_ceil(64).saturating_sub(self.words.len()));
    }

    /// One more position at the end, in the set or not.
    pub fn push(&mut self, on: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, on);
    }

    /// Whether no position is in the set.
    pub fn is_none(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The positions in the set, ascending.
    pub fn ones(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.count());
        for (w, &word) in self.words.iter().enumerate() {
            let mut x = word;
            while x != 0 {
                out.push(w * 64 + x.trailing_zeros() as usize);
                x &= x - 1;
            }
        }
        out
    }

    /// The positions of the set for which `f` holds, asked in ascending order (so a walk of
    /// the customers reads them front to back) without listing the positions first.
    pub fn filter(&self, mut f: impl FnMut(usize) -> bool) -> Bits {
        let mut words = vec![0u64; self.words.len()];
        for (w, (&word, out)) in self.words.iter().zip(&mut words).enumerate() {
            let mut x = word;
            while x != 0 {
                let bit = x.trailing_zeros() as usize;
                if f(w * 64 + bit) {
                    *out |= 1 << bit;
                }
                x &= x - 1;
            }
        }
        Bits {
            words,
            len: self.len,
        }
    }

    pub fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Removes the positions of `other`.
    pub fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub fn not(&mut self) {
        for a in &mut self.words {
            *a = !*a;
        }
        self.clear_tail();
    }

    fn clear_tail(&mut self) {
        let used = self.len % 64;
        if used != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << used) - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn sets_of_positions_combine_and_never_hold_bits_past_the_end() {
        let odd = Bits::from_fn(130, |i| i % 2 == 1);
        assert_eq!(odd.count(), 65);
        assert!(odd.get(129) && !odd.get(128) && !odd.get(131));
        let mut even = odd.clone();
        even.not();
        assert_eq!(even.count(), 65);
        assert_eq!(even.ones()[..3], [0, 2, 4]);
        let mut both = odd.clone();
        both.and(&even);
        assert_eq!(both.count(), 0);
        both.or(&Bits::all(130));
        assert_eq!(both.count(), 130);
        both.and_not(&odd);
        assert_eq!(both, even);
        assert!(!both.is_none() && Bits::none(70).is_none());
        assert_eq!(Bits::from_ones(70, [3, 69, 70, 500]).ones(), [3, 69]);
        assert_eq!(Bits::none(0).ones(), Vec::<usize>::new());
        let mut empty = Bits::none(0);
        empty.not();
        assert_eq!(empty.count(), 0);
        assert_eq!(Bits::all(64).count(), 64);
        let thirds = Bits::all(130).filter(|i| i % 3 == 0);
        assert_eq!(thirds, Bits::from_fn(130, |i| i % 3 == 0));
        assert_eq!(odd.filter(|i| i > 127).ones(), [129]);
        let mut grown = Bits::none(0);
        for i in 0..130 {
            grown.push(i % 2 == 1);
        }
        assert_eq!(grown, odd);
        grown.set(129, false);
        grown.set(0, true);
        grown.set(130, true);
        assert_eq!(
            (grown.len(), grown.get(0), grown.get(129), grown.count()),
            (130, true, false, 65)
        );
    }
}
