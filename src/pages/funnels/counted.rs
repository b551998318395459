//! The funnel the page shows, counted in slices of a few tens of milliseconds with the
//! browser painting between them: at 500,000 customers a funnel is ~200 ms of counting, which
//! in one task froze the page as it opened.

use super::query::{Computed, Failure, FunnelQuery, Prepared, prepare};
use crate::derived::Derived;
use crate::platform;
use crate::prefs::Prefs;
use crate::store::Store;
use kezhi_core::funnel::FunnelDefinition;
use leptos::prelude::*;
use std::sync::Arc;

/// A computed funnel or why it could not be computed.
pub type Outcome = Result<Arc<Computed>, Failure>;

/// Customers counted per step; as many steps as fit in a slice of time are taken.
const STEP: usize = 5_000;

/// The funnel of the page's query and draft, counted anew whenever they, the data, the
/// metrics or the saved segments change. `None` before the first count ends and while a
/// count runs past its first slice (a small workspace's funnel is counted before the page
/// first paints, so `None` is never painted): the page then says it is counting rather than
/// show the figures of another funnel.
pub fn use_counted(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    query: Memo<FunnelQuery>,
    draft: RwSignal<FunnelDefinition>,
) -> ReadSignal<Option<Outcome>> {
    let out = RwSignal::new(None::<Outcome>);
    let run = StoredValue::new(0u64);
    Effect::new(move |_| {
        let q = query.get();
        let definition = draft.get();
        let prepared = prepare(store, derived, prefs, &q, &definition);
        run.update_value(|r| *r += 1);
        let this_run = run.get_value();
        let job = match prepared {
            Err(e) => {
                out.set(Some(Err(e)));
                return;
            }
            Ok(Prepared::Done(computed)) => {
                out.set(Some(Ok(Arc::new(computed))));
                return;
            }
            Ok(Prepared::Count(job)) => job,
        };
        // A newer count (or the page taken down) makes this one stop.
        let current = move || run.try_get_value() == Some(this_run);
        leptos::task::spawn_local(async move {
            platform::start_measure("kezhi:funnel");
            // A small workspace's index and funnel are made in the first slice, before the page
            // paints, and shown with it. A larger one's take slices of their own: the index
            // (once per data change) when it is large, then the count, then the drawing of
            // the results in a task of its own.
            // The page says it is counting rather than show another funnel's figures (or
            // this one's for the data as it was) while the browser paints.
            let counting = move || {
                if out.try_with_untracked(Option::is_some) == Some(true) {
                    out.try_set(None);
                }
            };
            let index_paused = std::cell::Cell::new(false);
            let mut slice = platform::Slice::start();
            let Some(index) = derived
                .event_index_in_slices(&|| {
                    index_paused.set(true);
                    counting();
                })
                .await
            else {
                return;
            };
            let mut sliced = index_paused.get();
            let pause = |sliced: &mut bool| {
                *sliced = true;
                counting();
                platform::yield_to_browser()
            };
            if slice.over() {
                pause(&mut sliced).await;
                slice = platform::Slice::start();
            }
            if !current() {
                return;
            }
            let mut counting = match store.data.try_with_untracked(|d| job.start(d, index)) {
                None => return,
                Some(Err(e)) => {
                    out.try_set(Some(Err(e)));
                    return;
                }
                Some(Ok(counting)) => counting,
            };
            loop {
                let done = store.data.try_with_untracked(|d| {
                    loop {
                        let done = counting.step(d, STEP);
                        if done || slice.over() {
                            break done;
                        }
                    }
                });
                match done {
                    None => return,
                    Some(true) => break,
                    Some(false) => {}
                }
                pause(&mut sliced).await;
                if !current() {
                    return;
                }
                slice = platform::Slice::start();
            }
            let computed = counting.finish();
            platform::end_measure("kezhi:funnel");
            if sliced {
                platform::yield_to_browser().await;
                if !current() {
                    return;
                }
            }
            out.try_set(Some(Ok(Arc::new(computed))));
        });
    });
    out.read_only()
}
