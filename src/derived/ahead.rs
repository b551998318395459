//! What is made ahead, in slices of a few tens of milliseconds with the browser painting
//! between them ([`in_slices`]), so that no single task makes all of it: after a load or a
//! restore, the analytics, Today's list and the customer list's index; the funnels' event
//! index when the funnels page needs it. Each is handed to its memo for the data as of a
//! write count, and given up if the data changes meanwhile.

use super::{Prebuilt, PrebuiltAnalytics, PrebuiltEventIndex, PrebuiltToday, TodayAhead, Writes};
use crate::platform;
use kezhi_core::Dataset;
use kezhi_core::funnel::EventIndexBuilder;
use kezhi_core::metrics::{Analytics, AnalyticsBuilder, AnalyticsSettings};
use kezhi_core::today::{TodayBuilder, Whose};
use leptos::prelude::*;
use std::sync::Arc;

/// Counts the analytics in slices for the data as it is now; the analytics memo takes them
/// instead of computing them in one go.
pub(super) async fn count_analytics_ahead(
    data: ReadSignal<Dataset>,
    settings: impl Fn() -> AnalyticsSettings,
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltAnalytics,
) {
    // Customers or orders per step: a step costs ~2 ms at this size in wasm; as many as fit
    // in a slice are taken.
    const STEP: usize = 20_000;
    let count = writes.with_value(Writes::count);
    let settings = untrack(settings);
    let Some(mut builder) = data.try_with_untracked(|d| AnalyticsBuilder::new(d, &settings)) else {
        return;
    };
    platform::start_measure("kezhi:analytics-ahead");
    // Yielding first: this starts as a load or a restore ends, in its last task.
    if !in_slices(data, writes, count, true, &|| (), |d| builder.step(d, STEP)).await {
        return;
    }
    let analytics =
        data.with_untracked(|d| platform::timed("kezhi:analytics-finish", || builder.finish(d)));
    platform::end_measure("kezhi:analytics-ahead");
    prebuilt.set_value(Some((count, settings, analytics)));
}

/// Makes Today's list in slices for the data and analytics as they are now; the list's memo
/// takes it instead of making it in one go. Given up if the data changes meanwhile.
pub(super) async fn make_today_ahead(
    data: ReadSignal<Dataset>,
    analytics: Memo<Arc<Analytics>>,
    (whose, day): (Whose, chrono::NaiveDate),
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltToday,
) {
    // Activities or customers per step; as many steps as fit in a slice are taken.
    const STEP: usize = 10_000;
    let count = writes.with_value(Writes::count);
    let analytics = analytics.get_untracked();
    let mut builder = TodayBuilder::new(whose, day, platform::local_offset());
    platform::start_measure("kezhi:today-ahead");
    if !in_slices(data, writes, count, false, &|| (), |d| {
        builder.step(d, &analytics, STEP)
    })
    .await
    {
        return;
    }
    let items = builder.finish();
    platform::end_measure("kezhi:today-ahead");
    prebuilt.set_value(Some(TodayAhead {
        writes: count,
        analytics,
        whose,
        day,
        items,
    }));
}

/// Builds the funnels' event index in slices for the data as it is now; the index memo takes
/// it instead of building it in one go. Given up if the data changes meanwhile. A small
/// workspace's is built in the first slice, without yielding; `pausing` is called before
/// each pause.
pub(super) async fn build_event_index_ahead(
    data: ReadSignal<Dataset>,
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltEventIndex,
    pausing: &dyn Fn(),
) {
    // Customers per step; as many steps as fit in a slice are taken.
    const STEP: usize = 20_000;
    let Some(count) = writes.try_with_value(Writes::count) else {
        return;
    };
    let Some(mut builder) = data.try_with_untracked(EventIndexBuilder::new) else {
        return;
    };
    platform::start_measure("kezhi:event-index-ahead");
    if !in_slices(data, writes, count, false, pausing, |d| {
        builder.step(d, STEP)
    })
    .await
    {
        return;
    }
    let Some(index) = data.try_with_untracked(|d| builder.finish(d)) else {
        return;
    };
    platform::end_measure("kezhi:event-index-ahead");
    prebuilt.set_value(Some((count, index)));
}

/// Builds the customer list's index in slices with pauses between, for the data as it is
/// now; the index memo takes it instead of building it in one go. Given up if the data
/// changes meanwhile.
pub(super) async fn build_index_ahead(
    data: ReadSignal<Dataset>,
    analytics: Memo<Arc<Analytics>>,
    writes: StoredValue<Writes>,
    prebuilt: Prebuilt,
) {
    // Small steps, as many as fit in a slice of time: the entries and the name order's sort
    // cost differently per customer, and each pause costs a timer's delay.
    const STEP: usize = 2_000;
    let count = writes.with_value(Writes::count);
    let analytics = analytics.get_untracked();
    let readings = kezhi_core::customer_query::readings_installed();
    let mut builder = kezhi_core::customer_query::IndexBuilder::default();
    platform::start_measure("kezhi:index-ahead");
    if !in_slices(data, writes, count, false, &|| (), |d| {
        builder.step(d, &analytics, STEP)
    })
    .await
    {
        return;
    }
    platform::yield_to_browser().await;
    if writes.try_with_value(Writes::count) != Some(count) {
        return;
    }
    let index = data.with_untracked(|d| {
        platform::timed("kezhi:index-finish", || builder.finish(d, &analytics))
    });
    platform::end_measure("kezhi:index-ahead");
    prebuilt.set_value(Some((count, readings, index)));
}

/// Runs `step` (true once all is made) as many times as fit in a 40 ms slice, then lets the
/// browser handle input and paint, slice after slice (`yield_first`: before the first one
/// too), calling `pausing` before each pause. False when given up: the data was written
/// meanwhile (as of write `count`) or is gone.
async fn in_slices(
    data: ReadSignal<Dataset>,
    writes: StoredValue<Writes>,
    count: u64,
    mut yield_first: bool,
    pausing: &dyn Fn(),
    mut step: impl FnMut(&Dataset) -> bool,
) -> bool {
    loop {
        if yield_first {
            pausing();
            platform::yield_to_browser().await;
            if writes.try_with_value(Writes::count) != Some(count) {
                return false;
            }
        }
        yield_first = true;
        let slice = platform::Slice::start();
        let done = data.try_with_untracked(|d| {
            loop {
                let done = step(d);
                if done || slice.over() {
                    break done;
                }
            }
        });
        match done {
            None => return false,
            Some(true) => return true,
            Some(false) => {}
        }
    }
}
