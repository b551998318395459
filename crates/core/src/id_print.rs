//! A print of the customers' ids in their order: what the analytics and the list's index keep
//! to tell whether an update fits the data they were made for (the same customers at the same
//! positions, maybe more after them). The ids themselves were 16 bytes a customer in each of
//! the two (3.2 MB at 100,000 customers, held for the tab's life); the print is 16 bytes.
//!
//! Two lists of ids with the same length and print are taken as the same: each id goes
//! through a full 64-bit mix (SplitMix64's finaliser) into a running value, so two different
//! lists of random ids agree by chance about once in 2^64 updates.

use crate::Customer;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdPrint {
    len: usize,
    hash: u64,
}

/// SplitMix64's finaliser: every input bit moves every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl IdPrint {
    /// The print of `customers`' ids in order.
    pub fn of(customers: &[Customer]) -> Self {
        let mut print = IdPrint::default();
        for c in customers {
            print.push(c.id);
        }
        print
    }

    /// The print with `id` appended.
    pub fn push(&mut self, id: Uuid) {
        let (hi, lo) = id.as_u64_pair();
        // Position-dependent: the running value is mixed again before each half, so the
        // same ids in another order give another print.
        self.hash = mix(self.hash ^ hi).wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.hash = mix(self.hash ^ lo).wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.len += 1;
    }

    /// How many ids were printed.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `customers` begins with the customers this print was taken of.
    pub fn begins(&self, customers: &[Customer]) -> bool {
        customers
            .get(..self.len)
            .is_some_and(|head| IdPrint::of(head) == *self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    fn customers(n: u128) -> Vec<Customer> {
        (1..=n)
            .map(|k| Customer::new(Uuid::from_u128(k), "x", Timestamp(0)))
            .collect()
    }

    #[test]
    fn a_print_tells_prefixes_order_and_changes_apart() {
        let cs = customers(5);
        let print = IdPrint::of(&cs[..3]);
        assert_eq!(print.len(), 3);
        assert!(print.begins(&cs));
        assert!(print.begins(&cs[..3]));
        assert!(!print.begins(&cs[..2]));
        // Built one id at a time, it is the same print.
        let mut pushed = IdPrint::default();
        for c in &cs[..3] {
            pushed.push(c.id);
        }
        assert_eq!(pushed, print);
        // Two customers swapped, or one replaced: another print.
        let mut swapped = cs.clone();
        swapped.swap(0, 1);
        assert!(!print.begins(&swapped));
        let mut replaced = cs.clone();
        replaced[2].id = Uuid::from_u128(99);
        assert!(!print.begins(&replaced));
        // Ids that differ in one half only (the same high or low 64 bits).
        let a = [Customer::new(Uuid::from_u64_pair(1, 2), "x", Timestamp(0))];
        let b = [Customer::new(Uuid::from_u64_pair(1, 3), "x", Timestamp(0))];
        let c = [Customer::new(Uuid::from_u64_pair(2, 2), "x", Timestamp(0))];
        assert_ne!(IdPrint::of(&a), IdPrint::of(&b));
        assert_ne!(IdPrint::of(&a), IdPrint::of(&c));
        assert_ne!(IdPrint::of(&[]), IdPrint::of(&a));
    }
}
