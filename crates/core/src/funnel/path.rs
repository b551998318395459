//! One customer's furthest step and the path it is measured on.
//!
//! The customer's events arrive in time order as (time, step mask). Events at the same
//! millisecond form a *group*: they may serve the steps in any order, so a group serves a
//! run of consecutive steps at once ([`max_prefix`]).
//!
//! **Sequential.** From a start group, taking in every group as many of the next steps as it
//! can serve is optimal: having matched more steps never prevents matching later ones (the
//! remaining steps are a suffix of what a shorter match would still need). So one greedy
//! scan per start gives the furthest step from that start — and each step at the earliest
//! time it can be reached from that start.
//!
//! **Strict.** Every event strictly between the first and the last matched step must be one
//! of the matched events, so every group after the start group but before the last one is
//! used whole, by the next `size` steps in some order. That makes the scan deterministic
//! once we know how many steps the start group serves, which we try in turn (1 up to what it
//! can serve; nearly always just 1).

use super::definition::{MAX_STEPS, OrderMode};
use super::matching::{StepMask, max_prefix};

/// The furthest step reached (`0`: not entered) and when each step up to it was reached.
/// With optional steps ([`super::extend`]) `reached` is the furthest *required* step, and
/// `optional` has bit `i` set for each optional step `i` on the counted path (its time in
/// `times[i]`); an optional step may lie after the furthest required one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Path {
    pub reached: usize,
    pub times: [i64; MAX_STEPS],
    pub optional: StepMask,
}

impl Path {
    pub const NONE: Path = Path {
        reached: 0,
        times: [0; MAX_STEPS],
        optional: 0,
    };
}

/// What the scan needs to know of the definition.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rules {
    pub steps: usize,
    pub window_ms: i64,
    /// Step 1's `[from, to)` in UTC milliseconds.
    pub range: Option<(i64, i64)>,
    pub mode: OrderMode,
}

impl Rules {
    fn may_start_at(&self, t: i64) -> bool {
        self.range.is_none_or(|(from, to)| from <= t && t < to)
    }
}

/// Buffers reused from one customer to the next.
pub(super) struct Scratch {
    /// `bounds[g]..bounds[g + 1]`: the events of group `g`.
    bounds: Vec<usize>,
    /// Sequential mode, customers with many groups: `next[g * steps + j]` is the first group
    /// from `g` on with an event that can serve step `j` (`groups` if none). Empty otherwise.
    next: Vec<u32>,
    /// From how many groups on the table is built. Below, looking ahead group by group is
    /// cheaper than the table (most customers have a few dozen events at most: building
    /// it for everyone cost a quarter more time); above, it keeps the work linear.
    table_from: usize,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            bounds: Vec::new(),
            next: Vec::new(),
            table_from: 64,
        }
    }
}

/// The customer's events split into groups of equal times, with what the scans need.
struct Groups<'a> {
    times: &'a [i64],
    masks: &'a [StepMask],
    bounds: &'a [usize],
    next: &'a [u32],
    count: usize,
    steps: usize,
}

impl Groups<'_> {
    fn time(&self, g: usize) -> i64 {
        self.times[self.bounds[g]]
    }
    fn masks(&self, g: usize) -> &[StepMask] {
        &self.masks[self.bounds[g]..self.bounds[g + 1]]
    }
    fn size(&self, g: usize) -> usize {
        self.bounds[g + 1] - self.bounds[g]
    }
    /// The first group from `g` on that can serve step `step`, or a group after `horizon`
    /// (looking ahead stops there), or `count` when there is none.
    fn next_for(&self, step: usize, g: usize, horizon: i64) -> usize {
        if !self.next.is_empty() {
            return self
                .next
                .get(g * self.steps + step)
                .map_or(self.count, |&h| h as usize);
        }
        (g..self.count)
            .find(|&h| self.time(h) > horizon || self.masks(h).iter().any(|m| m & (1 << step) != 0))
            .unwrap_or(self.count)
    }
}

/// The customer's furthest step over all starts. Of the starts that reach it the earliest is
/// measured (and in strict mode, of its paths, the one that completes earliest).
///
/// `times` are sorted; `masks[i]` belongs to `times[i]`. In sequential mode events that match
/// no step may be left out; strict mode needs them all.
///
/// Work per customer: O(groups × steps) in sequential mode (each start jumps from one useful
/// group to the next), O(groups × steps²) in strict mode (a strict path passes at most one
/// group per step) — never quadratic in the events, even for a customer with 100,000 events
/// in a day.
pub(super) fn furthest(
    times: &[i64],
    masks: &[StepMask],
    rules: &Rules,
    scratch: &mut Scratch,
) -> Path {
    let n = times.len().min(masks.len());
    let (times, masks) = (&times[..n], &masks[..n]);
    scratch.bounds.clear();
    scratch
        .bounds
        .extend((0..n).filter(|&i| i == 0 || times[i] != times[i - 1]));
    scratch.bounds.push(n);
    let count = scratch.bounds.len() - 1;
    scratch.next.clear();
    if rules.mode == OrderMode::Sequential && count >= scratch.table_from {
        // Built backwards: group g's row is group g + 1's, with g itself for the steps one
        // of its events can serve.
        let k = rules.steps;
        scratch.next.resize((count + 1) * k, count as u32);
        for g in (0..count).rev() {
            let serves = masks[scratch.bounds[g]..scratch.bounds[g + 1]]
                .iter()
                .fold(0, |a, m| a | m);
            let (row, after) = scratch.next[g * k..(g + 2) * k].split_at_mut(k);
            for (j, (cell, later)) in row.iter_mut().zip(after.iter()).enumerate() {
                *cell = if serves & (1 << j) != 0 {
                    g as u32
                } else {
                    *later
                };
            }
        }
    }
    let groups = Groups {
        times,
        masks,
        bounds: &scratch.bounds,
        next: &scratch.next,
        count,
        steps: rules.steps,
    };
    let mut best = Path::NONE;
    for g in 0..count {
        let t1 = groups.time(g);
        if rules.range.is_some_and(|(_, to)| t1 >= to) {
            break;
        }
        if !rules.may_start_at(t1) || !groups.masks(g).iter().any(|m| m & 1 != 0) {
            continue;
        }
        let done = match rules.mode {
            OrderMode::Sequential => {
                let (path, exhausted) = sequential_from(&groups, g, rules);
                if path.reached > best.reached {
                    best = path;
                }
                // A later start can only go further if this one was cut short by the
                // window: from here, every step a later start matches could be matched
                // too (more steps matched so far never hurt).
                exhausted
            }
            OrderMode::Strict => {
                let first = max_prefix(groups.masks(g), 0, rules.steps);
                let mut here = Path::NONE;
                let completes = |p: &Path| p.times[p.reached.saturating_sub(1)];
                for served in 1..=first {
                    let path = strict_from(&groups, g, served, rules);
                    if path.reached > here.reached
                        || (path.reached == here.reached && completes(&path) < completes(&here))
                    {
                        here = path;
                    }
                }
                if here.reached > best.reached {
                    best = here;
                }
                false
            }
        };
        if done || best.reached == rules.steps {
            break;
        }
    }
    best
}

/// The greedy scan from the start group `g`; also says whether it stopped for want of
/// events that could serve the next step at all (rather than for the window).
fn sequential_from(groups: &Groups, g: usize, rules: &Rules) -> (Path, bool) {
    let horizon = groups.time(g).saturating_add(rules.window_ms);
    let mut path = Path::NONE;
    let mut h = g;
    loop {
        let m = max_prefix(groups.masks(h), path.reached, rules.steps);
        path.times[path.reached..path.reached + m].fill(groups.time(h));
        path.reached += m;
        if path.reached == rules.steps {
            return (path, false);
        }
        // Groups in between cannot serve the next step, so they change nothing.
        h = groups.next_for(path.reached, h + 1, horizon);
        if h >= groups.count {
            return (path, true);
        }
        if groups.time(h) > horizon {
            return (path, false);
        }
    }
}

/// The strict scan from the start group `g` when it serves the first `served` steps.
fn strict_from(groups: &Groups, g: usize, served: usize, rules: &Rules) -> Path {
    let t1 = groups.time(g);
    let horizon = t1.saturating_add(rules.window_ms);
    let mut path = Path::NONE;
    path.times[..served].fill(t1);
    path.reached = served;
    let mut h = g + 1;
    while path.reached < rules.steps && h < groups.count && groups.time(h) <= horizon {
        let (size, j) = (groups.size(h), path.reached);
        let masks = groups.masks(h);
        if j + size <= rules.steps && max_prefix(masks, j, j + size) == size {
            // The whole group continues the path; it may go on after it.
            path.times[j..j + size].fill(groups.time(h));
            path.reached += size;
            h += 1;
        } else {
            // Some event here is not a step: the path can end here but not pass.
            let m = max_prefix(masks, j, rules.steps);
            path.times[j..j + m].fill(groups.time(h));
            path.reached += m;
            break;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scan(times: &[i64], masks: &[StepMask], rules: &Rules, table_from: usize) -> Path {
        let mut scratch = Scratch {
            table_from,
            ..Scratch::default()
        };
        furthest(times, masks, rules, &mut scratch)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The jump table (customers with many groups) and looking ahead group by group (the
        /// rest, which the brute-force comparison in tests/funnels.rs covers) agree.
        #[test]
        fn the_jump_table_changes_nothing(
            mut events in prop::collection::vec((0i64..30, 0u16..32), 0..40),
            steps in 2usize..6,
            window in 1i64..10,
            range in prop::option::of((0i64..20, 1i64..20)),
        ) {
            events.sort_unstable();
            let times: Vec<i64> = events.iter().map(|e| e.0).collect();
            let masks: Vec<StepMask> = events.iter().map(|e| e.1 & ((1 << steps) - 1)).collect();
            let rules = Rules {
                steps,
                window_ms: window,
                range: range.map(|(from, len)| (from, from + len)),
                mode: OrderMode::Sequential,
            };
            prop_assert_eq!(scan(&times, &masks, &rules, 0), scan(&times, &masks, &rules, usize::MAX));
        }
    }
}
