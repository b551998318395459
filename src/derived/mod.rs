//! What the pages show is derived from the data: every customer's analytics, the customer
//! list's index, the funnels' event index. Each is a memo over the data signal; after an edit
//! through [`crate::store::Store::change`] the analytics and the list index are *updated*
//! for the customers the edit touched (found by the `updated_at` stamps it wrote) instead of
//! rebuilt: one edit at 100,000 customers costs a few milliseconds, not a few hundred.
//! Any other write (a load, a restore, a merge of another tab's records) rebuilds them.
//! [`Derived`] holds them, provided as a context of its own ([`use_derived`]).

mod ahead;

use crate::platform;
use crate::prefs::Prefs;
use crate::readings::ReadingsStatus;
use crate::store::Store;
use kezhi_core::customer_query::CustomerIndex;
use kezhi_core::funnel::EventIndex;
use kezhi_core::metrics::{self, Analytics, AnalyticsSettings};
use kezhi_core::segment::SegmentColumns;
use kezhi_core::segment::complete::Vocabulary;
use kezhi_core::segment::membership;
use kezhi_core::today;
use kezhi_core::{Dataset, Timestamp};
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// How long the customer list, when it is the first page, waits for the pinyin readings before
/// its index is built without them (and built again when they come).
const READINGS_WAIT_MS: u32 = 1_500;

/// Counts the writes to the data: every write, the last one that was neither an edit through
/// `Store::change` (whose records carry the edit's time) nor a pulled batch that said which
/// customers it changed, and those batches' customers (positions) by write.
#[derive(Clone, Debug, Default)]
pub struct Writes {
    count: u64,
    last_full: u64,
    /// (write, positions) of the pulled batches since the last full write. A pull brings
    /// records stamped on other devices, which `touched_since` cannot find by time.
    known: Vec<(u64, Vec<usize>)>,
}

/// Beyond this many customers named by pulled batches not yet taken by every derived value,
/// a rebuild is as cheap as the updates (and the list stops growing).
const KNOWN_LIMIT: usize = 20_000;

impl Writes {
    /// Writes so far (any kind): what was read before a change is stale after it.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }
    /// An edit that stamps what it writes.
    pub(crate) fn edit(&mut self) {
        self.count += 1;
    }

    /// A pulled batch that changed the customers at `positions` (and appended none elsewhere).
    pub(crate) fn pulled(&mut self, positions: Vec<usize>) {
        self.count += 1;
        let named: usize = self.known.iter().map(|(_, p)| p.len()).sum();
        if named + positions.len() > KNOWN_LIMIT {
            self.full_at_count();
        } else {
            self.known.push((self.count, positions));
        }
    }

    /// Any other write: whatever was derived must be rebuilt.
    pub(crate) fn full(&mut self) {
        self.count += 1;
        self.full_at_count();
    }

    fn full_at_count(&mut self) {
        self.last_full = self.count;
        self.known.clear();
    }

    /// The positions named by pulled batches after write `seen`.
    fn known_since(&self, seen: u64) -> impl Iterator<Item = usize> + '_ {
        self.known
            .iter()
            .filter(move |(at, _)| *at > seen)
            .flat_map(|(_, p)| p.iter().copied())
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
    fn touched(&self, writes: &Writes, data: &Dataset) -> Option<Vec<usize>> {
        let only_edits = writes.count > self.writes && writes.last_full <= self.writes;
        let mut touched = only_edits.then(|| data.touched_since(self.at)).flatten()?;
        let before = touched.len();
        touched.extend(writes.known_since(self.writes));
        if touched.len() > before {
            touched.sort_unstable();
            touched.dedup();
        }
        Some(touched)
    }
}

/// What the pages show that is derived from the data (and the analytics settings).
#[derive(Clone, Copy)]
pub struct Derived {
    /// Every customer's metrics and labels, computed once per change of the data or of the
    /// settings and shared by the dashboard, the list, the exports and the segments.
    pub metrics: Memo<Arc<Analytics>>,
    /// The customer list's index (search text, name order, labels), built on first use and
    /// then updated by edits; built again when the pinyin readings come after it was made.
    pub index: Memo<Arc<CustomerIndex>>,
    /// Where the pinyin readings' table is (fetched after the page starts: `crate::readings`).
    pub readings: RwSignal<ReadingsStatus>,
    /// Each customer's events together, for funnels: built on first use after a data change.
    pub event_index: Memo<Arc<EventIndex>>,
    /// The values in the data, most frequent first (cities, channels, tags, event kinds…):
    /// the segment editor's completions and the funnel editor's event list.
    pub vocabulary: Memo<Arc<Vocabulary>>,
    /// Every saved segment's customers (positions) by the segment's id: computed once per
    /// change of the data, the analytics or the saved segments, not on every render of a view
    /// that shows them (a language switch recomputes nothing).
    pub memberships: Memo<Arc<Memberships>>,
    /// The segment queries' columns (customers' values by field), empty after each change of
    /// the data or the analytics and filled by the queries as they ask: typing a query
    /// re-counts on every keystroke over the same data, and finds the columns built.
    pub segment_columns: Memo<Arc<SegmentColumns>>,
    /// Today's list for whoever uses this browser (`whoami`): the Today page and the
    /// navigation's counts share it. Made on first read after a change of the data, the
    /// analytics, `whoami` or the day.
    pub today: Memo<Arc<Vec<today::Item>>>,
    /// The user's date, moved on by the shell when the day changes.
    pub day: RwSignal<chrono::NaiveDate>,
    data: ReadSignal<Dataset>,
    writes: StoredValue<Writes>,
    /// The list index built ahead in slices (see [`ahead::build_index_ahead`]).
    prebuilt: Prebuilt,
    /// Whether the index the memo holds was built with the readings (`None`: none built yet).
    index_readings: StoredValue<Option<bool>>,
    /// Makes the index memo look again (at an index built ahead with the readings).
    index_again: Trigger,
    /// The analytics counted ahead in slices (see [`ahead::count_analytics_ahead`]).
    prebuilt_analytics: PrebuiltAnalytics,
    /// Today's list made ahead in slices (see [`ahead::make_today_ahead`]).
    prebuilt_today: PrebuiltToday,
    /// The event index built in slices (see [`Derived::event_index_in_slices`]).
    prebuilt_event_index: PrebuiltEventIndex,
    /// The write count of the data the event index memo last built its index for.
    event_index_for: StoredValue<Option<u64>>,
    prefs: Prefs,
}

impl Derived {
    pub fn new(store: Store, prefs: Prefs) -> Self {
        let data = store.data;
        let writes = store.writes();
        let prebuilt_analytics = StoredValue::new(None);
        let metrics = analytics(
            data,
            move || prefs.analytics_settings(),
            writes,
            prebuilt_analytics,
        );
        let prebuilt = StoredValue::new(None);
        let index_readings = StoredValue::new(None);
        let index_again = Trigger::new();
        let index = customer_index(
            data,
            metrics,
            writes,
            prebuilt,
            (index_readings, index_again),
        );
        let prebuilt_event_index = StoredValue::new(None);
        let event_index_for = StoredValue::new(None);
        let event_index = event_index(data, writes, prebuilt_event_index, event_index_for);
        let vocabulary = Memo::new_with_compare(
            move |_| data.with(|d| Arc::new(Vocabulary::new(d))),
            |_, _| true,
        );
        let memberships = memberships(store, prefs, metrics);
        let segment_columns = Memo::new_with_compare(
            move |_| {
                data.track();
                metrics.track();
                Arc::new(SegmentColumns::new(&prefs.analytics_settings()))
            },
            |_, _| true,
        );
        let day = RwSignal::new(platform::today());
        let prebuilt_today = StoredValue::new(None);
        let today = today_list(data, metrics, prefs, day, writes, prebuilt_today);
        let derived = Derived {
            metrics,
            index,
            readings: RwSignal::new(ReadingsStatus::Fetching),
            event_index,
            vocabulary,
            memberships,
            segment_columns,
            today,
            day,
            data,
            writes,
            prebuilt,
            index_readings,
            index_again,
            prebuilt_analytics,
            prebuilt_today,
            prebuilt_event_index,
            event_index_for,
            prefs,
        };
        derived.fetch_readings();
        derived
    }

    /// Fetches the pinyin readings' table (at the start, and when the user asks again after
    /// it failed); an index built without them is built again, ahead, once they are there.
    pub fn fetch_readings(self) {
        leptos::task::spawn_local(async move {
            if crate::readings::fetch(self.readings).await
                && self.index_readings.try_get_value() == Some(Some(false))
            {
                self.build_index_ahead().await;
            }
        });
    }

    /// Makes what pages derive from freshly loaded or replaced data, each in tasks of its own
    /// before a page needs it (together in the task that shows a page they were most of a
    /// second at 100k): the analytics in slices, Today's list (every page's navigation counts
    /// it), then, when `with_index`, the list's index in slices. Today's list comes before the
    /// index: made while the index is not yet held, its working tables (7 MB at 100k) fit in
    /// memory the tab already has; made last, they grew the wasm memory for good.
    pub async fn warm_up(&self, with_index: bool) {
        self.count_analytics_ahead().await;
        platform::yield_to_browser().await;
        self.make_today_ahead().await;
        platform::yield_to_browser().await;
        if with_index {
            // Built with the readings when they come in time (the page's start fetched them;
            // a reload finds them in the service worker's cache): not built twice. On a slow
            // link the list does not wait long for them, and is built again when they come.
            crate::readings::first_attempt_within(READINGS_WAIT_MS).await;
            self.build_index_ahead().await;
            platform::yield_to_browser().await;
        }
    }

    /// Counts the analytics in slices and hands them to `metrics` (after a load or a
    /// restore: at 500,000 customers they were one task of most of a second).
    pub async fn count_analytics_ahead(&self) {
        let prefs = self.prefs;
        ahead::count_analytics_ahead(
            self.data,
            move || prefs.analytics_settings(),
            self.writes,
            self.prebuilt_analytics,
        )
        .await;
        self.metrics.with_untracked(|_| ());
        // Taken by the memo, or not needed (the memo was made meanwhile): not kept either way.
        self.prebuilt_analytics.set_value(None);
    }

    /// The event index for the data as it is, built in slices first when the memo has none
    /// for it (at 500,000 customers it was ~100 ms in one go, in the task that opened the
    /// funnels page); `pausing` is called before each pause (the page then stops showing the
    /// figures of the data as it was). `None` when the page is gone meanwhile.
    pub async fn event_index_in_slices(&self, pausing: &dyn Fn()) -> Option<Arc<EventIndex>> {
        let count = self.writes.try_with_value(Writes::count)?;
        if self.event_index_for.try_get_value()? != Some(count) {
            ahead::build_event_index_ahead(
                self.data,
                self.writes,
                self.prebuilt_event_index,
                pausing,
            )
            .await;
        }
        let index = self.event_index.try_get_untracked();
        // Taken by the memo, or not needed: not kept either way.
        self.prebuilt_event_index.try_set_value(None);
        index
    }

    /// Makes Today's list in slices and hands it to `today` (after a load: at 500,000
    /// customers it was one task of ~150 ms).
    pub async fn make_today_ahead(&self) {
        ahead::make_today_ahead(
            self.data,
            self.metrics,
            (untrack(|| self.prefs.whose()), self.day.get_untracked()),
            self.writes,
            self.prebuilt_today,
        )
        .await;
        self.today.with_untracked(|_| ());
        // Taken by the memo, or not needed: not kept either way.
        self.prebuilt_today.set_value(None);
    }

    /// Builds the customer list's index in slices and hands it to `index` (after a load, so
    /// that no single task builds all of it).
    pub async fn build_index_ahead(&self) {
        ahead::build_index_ahead(self.data, self.metrics, self.writes, self.prebuilt).await;
        // An index the memo holds that was built without the readings gives way to this one.
        if self.index_readings.try_get_value() == Some(Some(false)) {
            self.index_again.notify();
        }
        self.index.with_untracked(|_| ());
        self.prebuilt.set_value(None);
    }
}

pub fn use_derived() -> Derived {
    expect_context::<Derived>()
}

/// Every customer's analytics: updated after an edit, computed in full otherwise (also when
/// the settings change).
fn analytics(
    data: ReadSignal<Dataset>,
    settings: impl Fn() -> AnalyticsSettings + Send + Sync + 'static,
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltAnalytics,
) -> Memo<Arc<Analytics>> {
    let seen = StoredValue::new(Seen::default());
    Memo::new_owning(move |previous: Option<Arc<Analytics>>| {
        let settings = settings();
        let now = Seen {
            writes: writes.with_value(Writes::count),
            at: platform::now(),
        };
        let ahead = prebuilt
            .try_update_value(Option::take)
            .flatten()
            .filter(|(count, made_with, _)| *count == now.writes && *made_with == settings);
        if let Some((_, _, analytics)) = ahead {
            // Counted for this very data: the memo follows the data from here on.
            data.track();
            seen.set_value(now);
            return (Arc::new(analytics), true);
        }
        let next = data.with(|d| {
            let touched = writes.with_value(|w| seen.get_value().touched(w, d));
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

/// An index built ahead (in slices, while the data loads), for the data as of a write count,
/// and whether the pinyin readings were installed when it was built.
type Prebuilt = StoredValue<Option<(u64, bool, CustomerIndex)>>;

/// Analytics counted ahead (in slices, after a load or a restore), for the data as of a
/// write count and for these settings.
type PrebuiltAnalytics = StoredValue<Option<(u64, AnalyticsSettings, Analytics)>>;

/// Today's list made ahead (in slices, after a load or a restore), with what it was made for.
pub(super) struct TodayAhead {
    /// The data's write count.
    pub writes: u64,
    pub analytics: Arc<Analytics>,
    pub whose: today::Whose,
    pub day: chrono::NaiveDate,
    pub items: Vec<today::Item>,
}

type PrebuiltToday = StoredValue<Option<TodayAhead>>;

/// Today's list for whoever uses this browser, made on first read after a change of the
/// data, the analytics, `whoami` or the day — or taken as made ahead for exactly those.
fn today_list(
    data: ReadSignal<Dataset>,
    metrics: Memo<Arc<Analytics>>,
    prefs: Prefs,
    day: RwSignal<chrono::NaiveDate>,
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltToday,
) -> Memo<Arc<Vec<today::Item>>> {
    Memo::new_with_compare(
        move |_| {
            let whose = prefs.whose();
            let day = day.get();
            let analytics = metrics.get();
            data.track();
            let count = writes.with_value(Writes::count);
            let ahead = prebuilt
                .try_update_value(Option::take)
                .flatten()
                .filter(|a| {
                    a.writes == count
                        && a.whose == whose
                        && a.day == day
                        && Arc::ptr_eq(&a.analytics, &analytics)
                });
            if let Some(ahead) = ahead {
                return Arc::new(ahead.items);
            }
            data.with_untracked(|d| {
                Arc::new(platform::timed("kezhi:today", || {
                    today::today_list(d, &analytics, whose, day, platform::local_offset())
                }))
            })
        },
        |_, _| true,
    )
}

/// The customer list's index over the data and its analytics.
fn customer_index(
    data: ReadSignal<Dataset>,
    analytics: Memo<Arc<Analytics>>,
    writes: StoredValue<Writes>,
    prebuilt: Prebuilt,
    (built_with_readings, again): (StoredValue<Option<bool>>, Trigger),
) -> Memo<Arc<CustomerIndex>> {
    let seen = StoredValue::new(Seen::default());
    Memo::new_owning(move |previous: Option<Arc<CustomerIndex>>| {
        let analytics = analytics.get();
        again.track();
        let readings = kezhi_core::customer_query::readings_installed();
        let now = Seen {
            writes: writes.with_value(Writes::count),
            at: platform::now(),
        };
        let ahead = prebuilt
            .try_update_value(Option::take)
            .flatten()
            .filter(|(count, made_with, _)| *count == now.writes && *made_with == readings);
        if let Some((_, _, index)) = ahead {
            seen.set_value(now);
            built_with_readings.set_value(Some(readings));
            return (Arc::new(index), true);
        }
        let next = data.with(|d| {
            let touched = writes.with_value(|w| seen.get_value().touched(w, d));
            // An index without the readings is built anew once they are there.
            let same_readings = built_with_readings.get_value() == Some(readings);
            match (previous, touched) {
                (Some(previous), Some(touched)) if same_readings => {
                    platform::timed("kezhi:index-update", || {
                        // Nobody else holds the index between updates: no copy is made.
                        Arc::unwrap_or_clone(previous).update(d, &analytics, &touched)
                    })
                }
                _ => platform::timed("kezhi:index", || CustomerIndex::build(d, &analytics)),
            }
        });
        seen.set_value(now);
        built_with_readings.set_value(Some(readings));
        (Arc::new(next), true)
    })
}

/// Each customer's events together, for funnels: built on first use after a data change.
/// Saved segments' customers (positions), by segment id.
pub type Memberships = HashMap<String, Arc<Vec<usize>>>;

/// A segment whose query no longer resolves (a segment it names was deleted) holds nobody.
fn memberships(
    store: Store,
    prefs: Prefs,
    metrics: Memo<Arc<Analytics>>,
) -> Memo<Arc<Memberships>> {
    Memo::new_with_compare(
        move |_| {
            let settings = prefs.analytics_settings();
            let analytics = metrics.get();
            let all = store.data.with(|d| {
                store.segments.with(|saved| {
                    saved
                        .iter()
                        .map(|s| {
                            let rows = membership::members(d, &analytics, &settings, s, saved)
                                .unwrap_or_default();
                            (s.id.clone(), Arc::new(rows))
                        })
                        .collect()
                })
            });
            Arc::new(all)
        },
        |_, _| true,
    )
}

fn event_index(
    data: ReadSignal<Dataset>,
    writes: StoredValue<Writes>,
    prebuilt: PrebuiltEventIndex,
    built_for: StoredValue<Option<u64>>,
) -> Memo<Arc<EventIndex>> {
    Memo::new_with_compare(
        move |_| {
            data.track();
            let count = writes.with_value(Writes::count);
            built_for.set_value(Some(count));
            let ahead = prebuilt
                .try_update_value(Option::take)
                .flatten()
                .filter(|(made_for, _)| *made_for == count);
            if let Some((_, index)) = ahead {
                return Arc::new(index);
            }
            data.with_untracked(|d| {
                Arc::new(platform::timed("kezhi:event-index", || {
                    EventIndex::build(d)
                }))
            })
        },
        |_, _| true,
    )
}

/// An event index built in slices, for the data as of a write count.
type PrebuiltEventIndex = StoredValue<Option<(u64, EventIndex)>>;
