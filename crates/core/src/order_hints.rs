//! Each order's customer position, remembered with the data. The analytics go over every order
//! (a million of them, in time order, landing on customers at random) and had to find each
//! order's customer by a hash lookup of its id: most of the analytics' time, bound by memory
//! latency. With the position remembered, an order costs one read of its customer's row and
//! one comparison of ids.

use std::sync::Mutex;

/// `hints[k]`: the position in `Dataset::customers` where order `k`'s customer was when the
/// analytics last looked it up ([`OrderHints::NONE`]: not known). A hint is never trusted: its
/// reader compares the id found there with the order's, so data that changed since (customers
/// added, removed or moved, orders sorted again) costs speed until the next full count writes
/// the hints again, never a wrong figure.
///
/// Not part of the data: two datasets are equal, printed, saved and synced as if it were not
/// there. A clone copies it (it still fits the clone's data).
#[derive(Default)]
pub struct OrderHints(Mutex<Vec<u32>>);

impl OrderHints {
    /// No position known.
    pub const NONE: u32 = u32::MAX;

    /// Takes the hints out for a count (empty when none are kept, or while another count of
    /// the same data holds them): the count owns them across its steps and puts them back.
    pub(crate) fn take(&self) -> Vec<u32> {
        self.0
            .lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default()
    }

    /// Keeps `hints` for the next count (replacing any kept meanwhile: both fit the data).
    pub(crate) fn put(&self, hints: Vec<u32>) {
        if let Ok(mut h) = self.0.lock() {
            *h = hints;
        }
    }

    /// A copy of the hints kept (for tests and checks).
    pub fn positions(&self) -> Vec<u32> {
        self.0.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// How many orders have a hint kept.
    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |h| h.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Clone for OrderHints {
    fn clone(&self) -> Self {
        OrderHints(Mutex::new(
            self.0.lock().map(|h| h.clone()).unwrap_or_default(),
        ))
    }
}

/// Hints never make two datasets differ.
impl PartialEq for OrderHints {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for OrderHints {}

impl std::fmt::Debug for OrderHints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OrderHints({})", self.len())
    }
}
