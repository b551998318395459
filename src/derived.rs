//! What the pages show is derived from the data: every customer's analytics, the customer
//! list's index, the funnels' event index. Each is a memo over the data signal; after an edit
//! through [`crate::state::AppState::change`] the analytics and the list index are *updated*
//! for the customers the edit touched (found by the `updated_at` stamps it wrote) instead of
//! rebuilt: one edit at 100,000 customers costs a few milliseconds, not a few hundred.
//! Any other write (a load, a restore, a merge of another tab's records) rebuilds them.

use crate::platform;
use kezhi_core::customer_query::CustomerIndex;
use kezhi_core::funnel::EventIndex;
use kezhi_core::metrics::{self, Analytics, AnalyticsSettings};
use kezhi_core::{Dataset, Timestamp};
use leptos::prelude::*;
use std::sync::Arc;

/// Counts the writes to the data: every write, and the last one that was not an edit through
/// `AppState::change` (whose records carry the edit's time).
#[derive(Clone, Copy, Debug, Default)]
pub struct Writes {
    count: u64,
    last_full: u64,
}

impl Writes {
    /// An edit that stamps what it writes.
    pub fn edit(&mut self) {
        self.count += 1;
    }

    /// Any other write: whatever was derived must be rebuilt.
    pub fn full(&mut self) {
        self.count += 1;
        self.last_full = self.count;
    }
}

/// What a derived value was made from: the write count it saw, and when it was made.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    writes: u64,
    at: Timestamp,
}

impl Seen {
    /// The positions the writes since touched, when they were all edits and an update can
    /// replace a rebuild; records then carry `updated_at` at or after `self.at`.
    fn touched(&self, writes: Writes, data: &Dataset) -> Option<Vec<usize>> {
        let only_edits = writes.count > self.writes && writes.last_full <= self.writes;
        only_edits.then(|| data.touched_since(self.at)).flatten()
    }
}

/// Every customer's analytics: updated after an edit, computed in full otherwise (also when
/// the settings change).
pub fn analytics(
    data: RwSignal<Dataset>,
    settings: impl Fn() -> AnalyticsSettings + Send + Sync + 'static,
    writes: StoredValue<Writes>,
) -> Memo<Arc<Analytics>> {
    let seen = StoredValue::new(Seen::default());
    Memo::new_owning(move |previous: Option<Arc<Analytics>>| {
        let settings = settings();
        let now = Seen {
            writes: writes.get_value().count,
            at: platform::now(),
        };
        let next = data.with(|d| {
            let touched = seen.get_value().touched(writes.get_value(), d);
            match (previous, touched) {
                (Some(previous), Some(touched)) => {
                    platform::timed("kezhi:analytics-update", || {
                        Arc::unwrap_or_clone(previous).update(d, &settings, &touched)
                    })
                }
                _ => platform::timed("kezhi:analytics", || metrics::compute(d, &settings)),
            }
        });
        seen.set_value(now);
        // Never compared: comparing would cost as much as computing.
        (Arc::new(next), true)
    })
}

/// An index built ahead (in slices, while the data loads), for the data as of a write count.
pub type Prebuilt = StoredValue<Option<(u64, CustomerIndex)>>;

/// The customer list's index over the data and its analytics.
pub fn customer_index(
    data: RwSignal<Dataset>,
    analytics: Memo<Arc<Analytics>>,
    writes: StoredValue<Writes>,
    prebuilt: Prebuilt,
) -> Memo<Arc<CustomerIndex>> {
    let seen = StoredValue::new(Seen::default());
    Memo::new_owning(move |previous: Option<Arc<CustomerIndex>>| {
        let analytics = analytics.get();
        let now = Seen {
            writes: writes.get_value().count,
            at: platform::now(),
        };
        let ahead = prebuilt
            .try_update_value(Option::take)
            .flatten()
            .filter(|(count, _)| *count == now.writes);
        if let Some((_, index)) = ahead {
            seen.set_value(now);
            return (Arc::new(index), true);
        }
        let next = data.with(|d| {
            let touched = seen.get_value().touched(writes.get_value(), d);
            match (previous, touched) {
                (Some(previous), Some(touched)) => platform::timed("kezhi:index-update", || {
                    // Nobody else holds the index between updates: no copy is made.
                    Arc::unwrap_or_clone(previous).update(d, &analytics, &touched)
                }),
                _ => platform::timed("kezhi:index", || CustomerIndex::build(d, &analytics)),
            }
        });
        seen.set_value(now);
        (Arc::new(next), true)
    })
}

/// Builds the customer list's index in slices with pauses between, for the data as it is
/// now; the index memo takes it instead of building it in one go. Given up if the data
/// changes meanwhile.
pub async fn build_index_ahead(
    data: RwSignal<Dataset>,
    analytics: Memo<Arc<Analytics>>,
    writes: StoredValue<Writes>,
    prebuilt: Prebuilt,
) {
    const SLICE: usize = 20_000;
    let count = writes.get_value().count;
    let analytics = analytics.get_untracked();
    let mut builder = kezhi_core::customer_query::IndexBuilder::default();
    platform::start_measure("kezhi:index-ahead");
    loop {
        let Some(done) = data.try_with_untracked(|d| builder.step(d, &analytics, SLICE)) else {
            return;
        };
        if done {
            break;
        }
        platform::yield_to_browser().await;
        if writes.try_get_value().map(|w| w.count) != Some(count) {
            return;
        }
    }
    platform::yield_to_browser().await;
    if writes.try_get_value().map(|w| w.count) != Some(count) {
        return;
    }
    let index = data.with_untracked(|d| {
        platform::timed("kezhi:index-finish", || builder.finish(d, &analytics))
    });
    platform::end_measure("kezhi:index-ahead");
    prebuilt.set_value(Some((count, index)));
}

/// Each customer's events together, for funnels: built on first use after a data change.
pub fn event_index(data: RwSignal<Dataset>) -> Memo<Arc<EventIndex>> {
    Memo::new_with_compare(
        move |_| {
            data.with(|d| {
                Arc::new(platform::timed("kezhi:event-index", || {
                    EventIndex::build(d)
                }))
            })
        },
        |_, _| true,
    )
}
