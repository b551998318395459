//! The column of the events' shape numbers: 2 bytes an event while the log has at most 65,536
//! distinct shapes (the 10 M events of the 500,000-customer demo have 6,408), 4 bytes once it
//! has more. At 100,000 customers the narrow column is 5 MB less than a `u32` one, at 10 M
//! events 20 MB.

use std::ops::Range;

/// The column as the log owns it. It widens, once, when a number beyond `u16` comes.
#[derive(Clone, Debug)]
pub(super) enum Numbers {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::Narrow(Vec::new())
    }
}

/// Runs `$body` with `$v` bound to the column's vector, whichever its width.
macro_rules! each {
    ($numbers:expr, $v:ident => $body:expr) => {
        match $numbers {
            Numbers::Narrow($v) => $body,
            Numbers::Wide($v) => $body,
        }
    };
}

impl Numbers {
    /// An empty column of the same width, with room for `capacity` numbers.
    pub(super) fn with_capacity_like(&self, capacity: usize) -> Self {
        match self {
            Numbers::Narrow(_) => Numbers::Narrow(Vec::with_capacity(capacity)),
            Numbers::Wide(_) => Numbers::Wide(Vec::with_capacity(capacity)),
        }
    }

    #[inline]
    pub(super) fn get(&self, i: usize) -> u32 {
        self.view().at(i)
    }

    pub(super) fn set(&mut self, i: usize, n: u32) {
        self.widen_for(n);
        match self {
            Numbers::Narrow(v) => {
                if let (Some(slot), Ok(n)) = (v.get_mut(i), u16::try_from(n)) {
                    *slot = n;
                }
            }
            Numbers::Wide(v) => {
                if let Some(slot) = v.get_mut(i) {
                    *slot = n;
                }
            }
        }
    }

    pub(super) fn push(&mut self, n: u32) {
        self.widen_for(n);
        match self {
            Numbers::Narrow(v) => v.push(n as u16),
            Numbers::Wide(v) => v.push(n),
        }
    }

    /// Appends `from`'s numbers in `range`.
    pub(super) fn extend_from(&mut self, from: &Numbers, range: Range<usize>) {
        match (&mut *self, from) {
            (Numbers::Narrow(v), Numbers::Narrow(f)) => v.extend_from_slice(&f[range]),
            (Numbers::Wide(v), Numbers::Wide(f)) => v.extend_from_slice(&f[range]),
            (Numbers::Wide(v), Numbers::Narrow(f)) => {
                v.extend(f[range].iter().map(|&n| u32::from(n)))
            }
            (Numbers::Narrow(_), Numbers::Wide(f)) => {
                for &n in &f[range] {
                    self.push(n);
                }
            }
        }
    }

    /// A wide column from here on if `n` does not fit a narrow one.
    fn widen_for(&mut self, n: u32) {
        if let Numbers::Narrow(v) = self
            && n > u32::from(u16::MAX)
        {
            let mut wide = Vec::with_capacity(v.capacity());
            wide.extend(v.iter().map(|&n| u32::from(n)));
            *self = Numbers::Wide(wide);
        }
    }

    pub(super) fn copy_within(&mut self, range: Range<usize>, to: usize) {
        each!(self, v => v.copy_within(range, to))
    }

    pub(super) fn truncate(&mut self, len: usize) {
        each!(self, v => v.truncate(len))
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        each!(self, v => v.reserve(additional))
    }

    pub(super) fn reserve_exact(&mut self, additional: usize) {
        each!(self, v => v.reserve_exact(additional))
    }

    pub(super) fn shrink_to_fit(&mut self) {
        each!(self, v => v.shrink_to_fit())
    }

    pub(super) fn capacity(&self) -> usize {
        each!(self, v => v.capacity())
    }

    /// The bytes held, by capacity.
    pub(super) fn heap_bytes(&self) -> usize {
        match self {
            Numbers::Narrow(v) => v.capacity() * 2,
            Numbers::Wide(v) => v.capacity() * 4,
        }
    }

    #[inline]
    pub(super) fn view(&self) -> ShapeNumbers<'_> {
        match self {
            Numbers::Narrow(v) => ShapeNumbers::Narrow(v),
            Numbers::Wide(v) => ShapeNumbers::Wide(v),
        }
    }
}

/// The events' shape numbers (or a range of them), for readers: [`ShapeNumbers::iter`] yields
/// them as `u32` whichever the width.
#[derive(Clone, Copy, Debug)]
pub enum ShapeNumbers<'a> {
    Narrow(&'a [u16]),
    Wide(&'a [u32]),
}

impl<'a> ShapeNumbers<'a> {
    #[inline]
    pub fn len(self) -> usize {
        match self {
            ShapeNumbers::Narrow(v) => v.len(),
            ShapeNumbers::Wide(v) => v.len(),
        }
    }

    #[inline]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The number at `i`; `u32::MAX` (no shape) past the end.
    #[inline]
    pub fn at(self, i: usize) -> u32 {
        match self {
            ShapeNumbers::Narrow(v) => v.get(i).map_or(u32::MAX, |&n| u32::from(n)),
            ShapeNumbers::Wide(v) => v.get(i).copied().unwrap_or(u32::MAX),
        }
    }

    /// The numbers in `range`, if it lies within.
    #[inline]
    pub fn range(self, range: Range<usize>) -> Option<ShapeNumbers<'a>> {
        match self {
            ShapeNumbers::Narrow(v) => v.get(range).map(ShapeNumbers::Narrow),
            ShapeNumbers::Wide(v) => v.get(range).map(ShapeNumbers::Wide),
        }
    }

    #[inline]
    pub fn iter(self) -> Iter<'a> {
        match self {
            ShapeNumbers::Narrow(v) => Iter::Narrow(v.iter()),
            ShapeNumbers::Wide(v) => Iter::Wide(v.iter()),
        }
    }
}

/// The numbers of a [`ShapeNumbers`], as `u32`.
pub enum Iter<'a> {
    Narrow(std::slice::Iter<'a, u16>),
    Wide(std::slice::Iter<'a, u32>),
}

impl Iterator for Iter<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            Iter::Narrow(i) => i.next().map(|&n| u32::from(n)),
            Iter::Wide(i) => i.next().copied(),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Narrow(i) => i.size_hint(),
            Iter::Wide(i) => i.size_hint(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_widens_once_a_number_does_not_fit_and_keeps_every_number() {
        let mut c = Numbers::default();
        c.push(7);
        c.push(65_535);
        assert!(matches!(c, Numbers::Narrow(_)));
        assert_eq!(c.heap_bytes(), c.capacity() * 2);
        c.push(65_536);
        assert!(matches!(c, Numbers::Wide(_)));
        assert_eq!(c.view().iter().collect::<Vec<_>>(), vec![7, 65_535, 65_536]);
        // A narrow column set to a wide number widens too.
        let mut d = Numbers::default();
        d.push(1);
        d.push(2);
        d.set(0, 70_000);
        assert_eq!(d.view().iter().collect::<Vec<_>>(), vec![70_000, 2]);
        // Copied between widths, either way.
        let mut narrow = Numbers::default();
        narrow.push(3);
        narrow.extend_from(&d, 0..2);
        assert_eq!(narrow.view().iter().collect::<Vec<_>>(), vec![3, 70_000, 2]);
        let mut wide = d.with_capacity_like(4);
        let mut small = Numbers::default();
        small.push(9);
        wide.extend_from(&small, 0..1);
        assert_eq!(wide.view().iter().collect::<Vec<_>>(), vec![9]);
        // Readers: a range, and past the end.
        let v = narrow.view();
        assert_eq!(
            v.range(1..3).map(|r| r.iter().collect::<Vec<_>>()),
            Some(vec![70_000, 2])
        );
        assert!(v.range(2..4).is_none());
        assert_eq!(v.at(5), u32::MAX);
    }
}
