//! Optional steps and exclusions: a second pass over one customer's counted path, only for
//! funnels that have either (funnels without them never come here, so they cost nothing).
//!
//! The first pass ([`super::path::furthest`]) runs on the *required* steps alone: a
//! customer who skips an optional step still reaches the later ones, and the path it
//! measures (earliest start reaching the furthest required step, each step at the earliest
//! time from that start) is the counted path. This pass then
//!
//! 1. places the optional steps on it: in each gap between two consecutive required steps
//!    of the path (after the furthest one: up to the end of the window), the gap's optional
//!    steps in order, each at the earliest time from the previous step of the gap at which
//!    an event can serve it — the events at that millisecond serving, each by its own event,
//!    every step already placed there too; a step with none is skipped;
//! 2. checks the exclusions: an exclusion event strictly after step `from` and strictly
//!    before step `to` (or, when `to` was not reached, at most one window after step 1)
//!    leaves the customer out.
//!
//! docs/funnels.md ("Optional steps", "Exclusions") states the same rules with examples.

use super::definition::{Exclusion, FunnelDefinition, Step};
use super::matching::{StepMask, serves_all};
use super::path::Path;
use crate::model::EventProps;
use crate::sym::Sym;

/// What the second pass needs of the definition.
pub(super) struct Plan {
    /// The full index of each required step, in order.
    required: Vec<usize>,
    /// Bit `i`: step `i` is optional.
    optional: StepMask,
    /// Each exclusion's `(from, to)`, full step indices.
    exclusions: Vec<(usize, usize)>,
    window_ms: i64,
}

impl Plan {
    /// `None` for a funnel without optional steps or exclusions.
    pub fn of(definition: &FunnelDefinition) -> Option<Plan> {
        if !definition.is_extended() {
            return None;
        }
        Some(Plan {
            required: required_indices(&definition.steps),
            optional: optional_mask(&definition.steps),
            exclusions: definition
                .exclusions
                .iter()
                .map(|x| (x.from, x.to))
                .collect(),
            window_ms: definition.window.millis(),
        })
    }

    /// The counted path in full step indices, or `None` when an exclusion leaves the
    /// customer out. `first` is the first pass's path (by required steps, `reached >= 1`);
    /// `times`, `steps` (full-index step masks) and `excluded` (bit `x`: the event matches
    /// exclusion `x`) are the customer's events in time order.
    pub fn extend(
        &self,
        first: &Path,
        times: &[i64],
        steps: &[StepMask],
        excluded: &[u16],
    ) -> Option<Path> {
        let mut path = Path::NONE;
        for (j, &full) in self.required.iter().enumerate().take(first.reached) {
            path.times[full] = first.times[j];
        }
        let last = self.required[first.reached.saturating_sub(1)];
        path.reached = last + 1;
        let t1 = path.times[0];
        let horizon = t1.saturating_add(self.window_ms);
        if self.optional != 0 {
            for j in 0..first.reached {
                let here = self.required[j];
                // The gap ends at the next required step if it was reached, otherwise at the
                // end of the window.
                let (gap_end, bound) = match self.required.get(j + 1) {
                    Some(&next) if j + 1 < first.reached => (next, path.times[next]),
                    Some(&next) => (next, horizon),
                    None => break,
                };
                let mut from = path.times[here];
                for o in here + 1..gap_end {
                    if let Some(t) = self.place(&path, o, from, bound, times, steps) {
                        path.times[o] = t;
                        path.optional |= 1 << o;
                        from = t;
                    }
                }
            }
        }
        for (x, &(from, to)) in self.exclusions.iter().enumerate() {
            if from >= path.reached {
                continue;
            }
            let after = path.times[from];
            let inside = |t: i64| {
                after < t
                    && if to < path.reached {
                        t < path.times[to]
                    } else {
                        t <= horizon
                    }
            };
            let hit = times
                .iter()
                .zip(excluded)
                .any(|(&t, &m)| m & (1 << x) != 0 && inside(t));
            if hit {
                return None;
            }
        }
        Some(path)
    }

    /// The earliest time in `[from, bound]` at which the events can serve optional step `o`
    /// together with the steps already placed at that time.
    fn place(
        &self,
        path: &Path,
        o: usize,
        from: i64,
        bound: i64,
        times: &[i64],
        steps: &[StepMask],
    ) -> Option<i64> {
        let mut a = times.partition_point(|&t| t < from);
        while a < times.len() && times[a] <= bound {
            let t = times[a];
            let b = a + times[a..].partition_point(|&u| u == t);
            let group = &steps[a..b];
            if group.iter().any(|m| m & (1 << o) != 0)
                && serves_all(group, self.placed_at(path, t) | (1 << o))
            {
                return Some(t);
            }
            a = b;
        }
        None
    }

    /// The steps of the path (required and optional) placed at time `t`.
    fn placed_at(&self, path: &Path, t: i64) -> StepMask {
        let required = self
            .required
            .iter()
            .copied()
            .filter(|&s| s < path.reached && path.times[s] == t);
        let optional =
            (0..path.times.len()).filter(|&s| path.optional & (1 << s) != 0 && path.times[s] == t);
        required.chain(optional).fold(0, |m, s| m | (1 << s))
    }
}

/// The full indices of the required steps.
pub(super) fn required_indices(steps: &[Step]) -> Vec<usize> {
    (0..steps.len()).filter(|&i| !steps[i].optional).collect()
}

/// Bit `i`: step `i` is optional.
pub(super) fn optional_mask(steps: &[Step]) -> StepMask {
    steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.optional)
        .fold(0, |m, (i, _)| m | (1 << i))
}

/// Bit `x`: the event matches exclusion `x`.
pub(super) fn exclusion_mask(exclusions: &[Exclusion], kind: Sym, props: &EventProps) -> u16 {
    exclusions
        .iter()
        .enumerate()
        .filter(|(_, x)| x.matches(kind, props))
        .fold(0, |m, (i, _)| m | (1 << i))
}
