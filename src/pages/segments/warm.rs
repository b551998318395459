//! The segment queries' columns built while the user reads the page or types: one column per
//! step, as many as fit in a 40 ms slice, with the browser painting between. At 500,000
//! customers the first query otherwise built the ten columns of a typical rule itself, ~300 ms
//! between a keystroke and its count.

use crate::derived::Derived;
use crate::platform;
use crate::store::Store;
use leptos::prelude::*;
use std::sync::Arc;

pub async fn warm_columns(store: Store, derived: Derived) {
    let Some(columns) = derived.segment_columns.try_get_untracked() else {
        return;
    };
    let Some(analytics) = derived.metrics.try_get_untracked() else {
        return;
    };
    platform::start_measure("kezhi:segment-columns");
    let mut k = 0;
    loop {
        platform::yield_to_browser().await;
        // Another write made new columns (and analytics): these are not worth finishing.
        match derived.segment_columns.try_get_untracked() {
            Some(now) if Arc::ptr_eq(&now, &columns) => {}
            _ => return,
        }
        let slice = platform::Slice::start();
        let more = store.data.try_with_untracked(|d| {
            loop {
                let more = columns.warm(d, &analytics, k);
                k += 1;
                if !more || slice.over() {
                    break more;
                }
            }
        });
        if more != Some(true) {
            break;
        }
    }
    platform::end_measure("kezhi:segment-columns");
}
