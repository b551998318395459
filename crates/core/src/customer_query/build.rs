//! Building the index: each customer's entry (the search haystack, with the pinyin of Chinese
//! names; the name-order key; the labels and figures from the analytics), all at once, a slice
//! at a time ([`IndexBuilder`]), or only the customers an edit touched. Separate from what the
//! index answers: this is the work done once per data change.

use super::pinyin::pinyin_syllables;
use super::{CustomerIndex, Entry, Labels};
use crate::dataset::Dataset;
use crate::metrics::{Analytics, CustomerMetrics};
use crate::model::{Stage, Tier};
use crate::summary::OrderSummary;

/// Starts the pinyin part of a haystack. Typed text never contains it, so no match can run
/// from the name and contact part into the pinyin part.
pub(super) const PINYIN: char = '\u{2}';

/// `s.to_lowercase()`, quickly for what customer records mostly hold: ASCII and Chinese
/// characters, which have no case (a tenth of the index build went to Unicode case mapping).
fn lowercase(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii() || ('\u{3400}'..='\u{9fff}').contains(&c))
    {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Builds a [`CustomerIndex`] a slice of customers at a time, so that a caller can let the
/// browser paint in between (at 100,000 customers the whole build is a quarter of a second):
/// first the entries, then their name order, a step of the sort a call (the sort was the
/// last step's ~0.1 s at 100,000 customers, ~0.5 s at 500,000).
#[derive(Debug, Default)]
pub struct IndexBuilder {
    entries: Vec<Entry>,
    name_keys: Vec<String>,
    by_name: Vec<u32>,
    /// The name order's sort, once every entry is made.
    sort: Option<RunSort>,
    sorted: bool,
}

impl IndexBuilder {
    /// Makes the entries of up to `count` more customers or, once all are made, sorts about
    /// `count` of them into name order; returns whether all is done ([`Self::finish`]).
    pub fn step(&mut self, data: &Dataset, analytics: &Analytics, count: usize) -> bool {
        let cs = &data.customers;
        if self.entries.len() < cs.len() {
            self.make_entries(data, analytics, count);
            return false;
        }
        if self.sorted {
            return true;
        }
        if self.sort.is_none() {
            self.by_name = (0..cs.len() as u32).collect();
            self.sort = Some(RunSort::default());
        }
        let (Some(sort), keys) = (&mut self.sort, &self.name_keys) else {
            return false;
        };
        let mut work = 0;
        while work < count.max(1) {
            match sort.step(&mut self.by_name, &mut |&a, &b| name_order(keys, cs, a, b)) {
                Some(n) => work += n,
                None => {
                    self.sorted = true;
                    return true;
                }
            }
        }
        false
    }

    fn make_entries(&mut self, data: &Dataset, analytics: &Analytics, count: usize) {
        let start = self.entries.len();
        let end = start.saturating_add(count).min(data.customers.len());
        self.entries.reserve_exact(data.customers.len() - start);
        for (i, c) in data.customers.iter().enumerate().take(end).skip(start) {
            // Analytics of other data (a caller's slip) leave labels blank, not rows out.
            let (entry, key) = entry_of(c, &analytics.customers.get(i).unwrap_or_default());
            self.entries.push(entry);
            self.name_keys.push(key);
        }
    }

    /// Makes the entries left, puts the customers into name order (what the steps have not
    /// done yet, at once) and counts the filter menus: the index of `data` (which must not
    /// have changed between the steps).
    pub fn finish(mut self, data: &Dataset, analytics: &Analytics) -> CustomerIndex {
        let cs = &data.customers;
        if self.entries.len() > cs.len() || (self.sort.is_some() && self.by_name.len() != cs.len())
        {
            // Customers went away between the steps (a caller's slip): start over.
            self = IndexBuilder::default();
        }
        self.make_entries(data, analytics, usize::MAX);
        let keys = &self.name_keys;
        let mut by_name = std::mem::take(&mut self.by_name);
        if !self.sorted {
            // The same order as the steps': the comparison is total (ids are unique, and
            // positions break any tie).
            if by_name.len() != cs.len() {
                by_name = (0..cs.len() as u32).collect();
            }
            crate::sorting::sort_by(&mut by_name, |&a, &b| name_order(keys, cs, a, b));
        }
        let mut entries = self.entries;
        for (rank, &i) in by_name.iter().enumerate() {
            entries[i as usize].name_rank = rank as u32;
        }
        CustomerIndex {
            entries,
            by_name,
            ids: crate::id_print::IdPrint::of(cs),
            menus: CustomerIndex::filter_values(data),
            ranks: Default::default(),
        }
    }
}

/// A sort in steps, each sorting one run of [`RUN`] elements or merging up to [`RUN`] elements
/// of two sorted runs (bottom-up), through the one compiled sort the cold callers share
/// (`crate::sorting`): a sort of its own (std's, or `SlicedSort`'s) for the name order was
/// 20 KB of the page's first download. A merge goes on over as many steps as it needs (the last
/// one, of two halves of 500,000 customers, was one task of ~120 ms).
#[derive(Debug, Default)]
struct RunSort {
    /// Sorted runs are this long (0: the runs are still being sorted).
    width: usize,
    /// Where the next run, or pair of runs, starts.
    at: usize,
    /// The merge under way, if one is: its output so far is in `buffer`; `v` is left as it
    /// was until the merge ends.
    merge: Option<Merge>,
    buffer: Vec<u32>,
}

/// Two sorted runs `start..mid` and `mid..end` being merged; `i` and `j` are the next
/// elements of each.
#[derive(Debug, Clone, Copy)]
struct Merge {
    start: usize,
    mid: usize,
    end: usize,
    i: usize,
    j: usize,
}

/// Elements a run sorts at first, and a step merges at most: a few milliseconds of
/// comparisons. (Tests use short runs, so that their few hundred customers are merged over
/// several levels and several steps a merge.)
#[cfg(not(test))]
const RUN: usize = 8 * 1024;
#[cfg(test)]
const RUN: usize = 50;

impl RunSort {
    /// One step; how many elements it went over (at most [`RUN`], at least 1), or `None` once
    /// `v` is sorted. `v` must not change between the steps.
    fn step(
        &mut self,
        v: &mut [u32],
        order: &mut dyn FnMut(&u32, &u32) -> std::cmp::Ordering,
    ) -> Option<usize> {
        let n = v.len();
        if self.width == 0 {
            let end = (self.at + RUN).min(n);
            crate::sorting::sort_by(&mut v[self.at..end], &mut *order);
            let done = end - self.at;
            self.at = end;
            if self.at >= n {
                (self.width, self.at) = (RUN, 0);
            }
            return Some(done.max(1));
        }
        if self.width >= n {
            return None;
        }
        let Merge {
            start,
            mid,
            end,
            mut i,
            mut j,
        } = match self.merge {
            Some(m) if m.end <= n => m,
            _ => {
                self.buffer.clear();
                let (start, mid) = (self.at, (self.at + self.width).min(n));
                let end = (mid + self.width).min(n);
                Merge {
                    start,
                    mid,
                    end,
                    i: start,
                    j: mid,
                }
            }
        };
        let before = self.buffer.len();
        let limit = before + RUN;
        while i < mid && j < end && self.buffer.len() < limit {
            // Stable: the left run first on ties.
            if order(&v[j], &v[i]).is_lt() {
                self.buffer.push(v[j]);
                j += 1;
            } else {
                self.buffer.push(v[i]);
                i += 1;
            }
        }
        if i < mid && j < end {
            self.merge = Some(Merge {
                start,
                mid,
                end,
                i,
                j,
            });
            return Some(self.buffer.len() - before);
        }
        // One run is used up: the rest of the other follows as it is (copies, no comparisons).
        self.buffer.extend_from_slice(&v[i..mid]);
        self.buffer.extend_from_slice(&v[j..end]);
        v[start..end].copy_from_slice(&self.buffer);
        self.merge = None;
        self.at = end;
        if self.at >= n {
            (self.width, self.at) = (self.width * 2, 0);
        }
        Some((self.buffer.len() - before).clamp(1, RUN))
    }
}

/// The list's name order: the name key, then the id, then the position.
fn name_order(keys: &[String], cs: &[crate::Customer], a: u32, b: u32) -> std::cmp::Ordering {
    let (x, y) = (a as usize, b as usize);
    keys[x]
        .cmp(&keys[y])
        .then_with(|| cs[x].id.cmp(&cs[y].id))
        .then(a.cmp(&b))
}

/// A customer's entry and name-order key.
fn entry_of(c: &crate::Customer, m: &CustomerMetrics) -> (Entry, String) {
    let mut haystack = lowercase(&c.name);
    for part in [&c.phone, &c.email, &c.external_id].into_iter().flatten() {
        haystack.push('\u{1}');
        haystack.push_str(&lowercase(part));
    }
    let syllables = if !c.name.is_ascii() {
        pinyin_syllables(&c.name)
    } else {
        Vec::new()
    };
    let pinyin: String = syllables.concat();
    if !pinyin.is_empty() {
        haystack.push(PINYIN);
        haystack.push_str(&pinyin);
        haystack.push('\u{1}');
        haystack.extend(syllables.iter().filter_map(|s| s.chars().next()));
    }
    // Built by pushing, so up to twice the length was reserved; a hundred thousand of these
    // are kept for as long as the list is open.
    haystack.shrink_to_fit();
    let key = name_key_of(&c.name, &pinyin);
    let entry = Entry {
        haystack,
        name_rank: 0,
        summary: summary_of(m),
        labels: labels_of(m),
        facets: facets_of(c),
    };
    (entry, key)
}

/// Names sort by pinyin (so 张 sorts among the z's), then as written.
fn name_key_of(name: &str, pinyin: &str) -> String {
    if pinyin.is_empty() {
        format!("{}\u{1}{name}", lowercase(name))
    } else {
        format!("{pinyin}\u{1}{name}")
    }
}

fn name_key(c: &crate::Customer) -> String {
    let pinyin = if c.name.is_ascii() {
        String::new()
    } else {
        pinyin_syllables(&c.name).concat()
    };
    name_key_of(&c.name, &pinyin)
}

fn facets_of(c: &crate::Customer) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (c.channel, c.city, c.member_level, c.owner, &c.tags).hash(&mut h);
    h.finish()
}

fn summary_of(m: &CustomerMetrics) -> OrderSummary {
    OrderSummary {
        orders: m.orders,
        total_spent: m.total_spent,
        last_order: m.last_order,
    }
}

fn labels_of(m: &CustomerMetrics) -> Labels {
    Labels {
        stage: m.stage.unwrap_or(Stage::Prospect),
        tier: m.tier.unwrap_or(Tier(u8::MAX)),
        r: m.r,
        f: m.f,
        m: m.m,
        group: m.group,
        newly_at_risk: m.newly_at_risk(),
    }
}

impl CustomerIndex {
    /// Builds the index from the data and its analytics (aligned with `data.customers`).
    pub fn build(data: &Dataset, analytics: &Analytics) -> Self {
        IndexBuilder::default().finish(data, analytics)
    }

    /// The index after an edit that changed only the customers at `touched` or added
    /// customers at the end, given the analytics of the new data: equal to [`Self::build`]
    /// over it, but only those customers' entries are made again and put into name order by
    /// binary search; the labels of all are taken from the analytics again (an edit can move
    /// everyone's scores). Anything else, or many customers, is a full build.
    pub fn update(mut self, data: &Dataset, analytics: &Analytics, touched: &[usize]) -> Self {
        let cs = &data.customers;
        let (old, n) = (self.entries.len(), cs.len());
        let fits = self.ids.len() == old
            && old <= n
            && touched.len() + (n - old) <= 64 + n / 64
            && self.ids.begins(cs);
        if !fits {
            return Self::build(data, analytics);
        }
        let mut changed: Vec<usize> = touched.iter().copied().filter(|&i| i < old).collect();
        changed.extend(old..n);
        changed.sort_unstable();
        changed.dedup();
        let moving: std::collections::HashSet<u32> = changed.iter().map(|&i| i as u32).collect();
        self.by_name.retain(|i| !moving.contains(i));
        let mut menus_changed = false;
        for &i in &changed {
            let c = &cs[i];
            let (entry, key) = entry_of(c, &analytics.customers.get(i).unwrap_or_default());
            menus_changed |= self.entries.get(i).is_none_or(|e| e.facets != entry.facets);
            if i < old {
                self.entries[i] = entry;
            } else {
                self.entries.push(entry);
                self.ids.push(c.id);
            }
            let at = self.by_name.partition_point(|&j| {
                let other = &cs[j as usize];
                name_key(other)
                    .cmp(&key)
                    .then_with(|| other.id.cmp(&c.id))
                    .is_lt()
            });
            self.by_name.insert(at, i as u32);
        }
        for (rank, &i) in self.by_name.iter().enumerate() {
            self.entries[i as usize].name_rank = rank as u32;
        }
        for (i, e) in self.entries.iter_mut().enumerate() {
            let m = analytics.customers.get(i).unwrap_or_default();
            (e.summary, e.labels) = (summary_of(&m), labels_of(&m));
        }
        if menus_changed {
            self.menus = Self::filter_values(data);
        }
        // The sort columns' ranks are made again when next needed.
        self.ranks = Default::default();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::lowercase;
    use proptest::prelude::*;

    /// Built a slice at a time (entries, then the name order's sort in steps) or in one go:
    /// the same index, whatever the slice and wherever the steps stop before `finish`.
    #[test]
    fn an_index_built_in_steps_is_the_index_built_at_once() {
        use super::{CustomerIndex, IndexBuilder};
        use crate::demo::{DemoConfig, generate};
        use crate::metrics::{AnalyticsSettings, compute};
        let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date");
        let mut data = generate(&DemoConfig::new(600, end));
        // Namesakes: the order falls to the ids.
        for i in 0..40 {
            data.customers[i * 7].name = "王芳".into();
        }
        let analytics = compute(&data, &AnalyticsSettings::default());
        let whole = CustomerIndex::build(&data, &analytics);
        for slice in [1, 7, 64, 1_000] {
            let mut builder = IndexBuilder::default();
            let mut calls = 0;
            while !builder.step(&data, &analytics, slice) {
                calls += 1;
            }
            assert!(builder.sorted, "slice {slice}");
            assert_eq!(builder.finish(&data, &analytics), whole, "slice {slice}");
            assert!(
                calls >= 600usize.div_ceil(slice),
                "slice {slice}: {calls} calls"
            );
            // Stopped halfway through the sort: finish sorts the rest at once.
            let mut builder = IndexBuilder::default();
            for _ in 0..(600usize.div_ceil(slice) + 1) {
                builder.step(&data, &analytics, slice);
            }
            assert_eq!(
                builder.finish(&data, &analytics),
                whole,
                "slice {slice}, cut short"
            );
        }
    }

    proptest! {
        /// The sort in steps is a stable sort, and no step goes over more than a run's worth of
        /// elements, however long the runs being merged.
        #[test]
        fn the_sort_in_steps_is_stable_and_each_step_bounded(
            keys in prop::collection::vec(0u8..20, 0..700),
        ) {
            let mut v: Vec<u32> = (0..keys.len() as u32).collect();
            let mut order = |a: &u32, b: &u32| keys[*a as usize].cmp(&keys[*b as usize]);
            let mut sort = super::RunSort::default();
            let mut steps = 0;
            while let Some(work) = sort.step(&mut v, &mut order) {
                prop_assert!((1..=super::RUN).contains(&work), "{} elements in one step", work);
                steps += 1;
                prop_assert!(steps <= 10 * (keys.len() + 1), "no end");
            }
            let mut want: Vec<u32> = (0..keys.len() as u32).collect();
            want.sort_by_key(|&i| keys[i as usize]);
            prop_assert_eq!(v, want);
        }

        #[test]
        fn lowercase_is_to_lowercase(s in "\\PC{0,12}", t in "[A-Za-z0-9张王李ÉÖİΣ@._ -]{0,12}") {
            prop_assert_eq!(lowercase(&s), s.to_lowercase());
            prop_assert_eq!(lowercase(&t), t.to_lowercase());
        }
    }
}
