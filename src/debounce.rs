//! The one debounce of the app: typing updates its box at once, and what depends on the text
//! (the URL, hence the count or the list) follows when typing pauses.

use leptos::prelude::*;
use std::time::Duration;

/// Runs the latest call `delay` after the calls stop: a call within the pause replaces the one
/// waiting. Made inside a component and owned by it: once the component is gone, a call still
/// waiting does nothing.
#[derive(Clone, Copy)]
pub struct Debounce {
    pending: StoredValue<Option<TimeoutHandle>>,
    delay: Duration,
}

impl Debounce {
    pub fn new(delay: Duration) -> Self {
        Debounce {
            pending: StoredValue::new(None),
            delay,
        }
    }

    pub fn call(&self, f: impl FnOnce() + 'static) {
        let pending = self.pending;
        if let Some(Some(waiting)) = pending.try_get_value() {
            waiting.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // `None`: the owner was disposed (the page was left), its state with it.
                if pending.try_update_value(|p| *p = None).is_some() {
                    f();
                }
            },
            self.delay,
        )
        .ok();
        pending.try_set_value(handle);
    }
}
