//! Which steps an event can serve as, and how many of the next steps a set of events at the
//! same millisecond can serve at once.

use super::definition::Step;
use crate::model::EventProps;
use crate::sym::Sym;

/// Bit `i` set: the event matches step `i`. Ten steps fit in 16 bits.
pub(super) type StepMask = u16;

/// The steps compiled for the per-event test: event types compare as interned numbers, and
/// the filters are only looked at when the type matches.
pub(super) struct StepMatcher<'a> {
    steps: &'a [Step],
}

impl<'a> StepMatcher<'a> {
    pub fn new(steps: &'a [Step]) -> Self {
        StepMatcher { steps }
    }

    pub fn mask(&self, kind: Sym, props: &EventProps) -> StepMask {
        let mut mask = 0;
        for (i, step) in self.steps.iter().enumerate() {
            if step.matches(kind, props) {
                mask |= 1 << i;
            }
        }
        mask
    }
}

/// How many of the steps `from, from + 1, …, to - 1` (a prefix of them) can be matched to
/// distinct events among `masks` — the events at one timestamp, which may serve the steps in
/// any order. Steps are added one by one with an augmenting path (Kuhn's algorithm); a step
/// that cannot be added ends the prefix, as every matched step must come before it.
pub(super) fn max_prefix(masks: &[StepMask], from: usize, to: usize) -> usize {
    // One event: the common case, without the bookkeeping.
    if let [mask] = masks {
        return usize::from(from < to && mask & (1 << from) != 0);
    }
    // `owner[e]`: the step event `e` serves, if any.
    let mut owner: Vec<Option<usize>> = vec![None; masks.len()];
    let mut visited = vec![false; masks.len()];
    for step in from..to {
        visited.iter_mut().for_each(|v| *v = false);
        if !augment(step, masks, &mut owner, &mut visited) {
            return step - from;
        }
    }
    to.saturating_sub(from)
}

/// Whether the events `masks` (at one timestamp) can serve every step of `wanted` at once,
/// each step by an event of its own (the same matching as [`max_prefix`], for any set of
/// steps: optional steps placed beside the required ones at one time).
pub(super) fn serves_all(masks: &[StepMask], wanted: StepMask) -> bool {
    if wanted.count_ones() as usize > masks.len() {
        return false;
    }
    let mut owner: Vec<Option<usize>> = vec![None; masks.len()];
    let mut visited = vec![false; masks.len()];
    for step in (0..StepMask::BITS as usize).filter(|s| wanted & (1 << s) != 0) {
        visited.iter_mut().for_each(|v| *v = false);
        if !augment(step, masks, &mut owner, &mut visited) {
            return false;
        }
    }
    true
}

fn augment(
    step: usize,
    masks: &[StepMask],
    owner: &mut [Option<usize>],
    visited: &mut [bool],
) -> bool {
    for e in 0..masks.len() {
        if masks[e] & (1 << step) == 0 || visited[e] {
            continue;
        }
        visited[e] = true;
        // Recursion depth is bounded by the number of steps (at most 10).
        let free = match owner[e] {
            None => true,
            Some(other) => augment(other, masks, owner, visited),
        };
        if free {
            owner[e] = Some(step);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{max_prefix, serves_all};

    #[test]
    fn any_set_of_steps_served_at_once() {
        assert!(!serves_all(&[0b101, 0b010], 0b111));
        assert!(serves_all(&[0b101, 0b011], 0b011));
        assert!(serves_all(&[0b001, 0b011], 0b011));
        assert!(!serves_all(&[0b001, 0b001], 0b011));
        assert!(serves_all(&[], 0));
        assert!(!serves_all(&[0b100], 0b101));
    }

    #[test]
    fn events_at_one_time_serve_steps_in_any_order() {
        // Event 0 can serve steps 0, 1 and 2, event 1 steps 0 and 2: two events serve at
        // most two steps, and steps 0 and 1 need event 1 to take step 0.
        assert_eq!(max_prefix(&[0b111, 0b101], 0, 3), 2);
        // Event 0 serves only step 1, event 1 steps 0 and 1: both steps.
        assert_eq!(max_prefix(&[0b10, 0b11], 0, 2), 2);
        // Reassignment needed: the greedy choice for step 0 (event 0) must move to step 1.
        assert_eq!(max_prefix(&[0b11, 0b01], 0, 2), 2);
        assert_eq!(max_prefix(&[0b01, 0b01], 0, 2), 1);
        assert_eq!(max_prefix(&[0b10, 0b01], 1, 3), 1);
        assert_eq!(max_prefix(&[0b10], 0, 2), 0);
        assert_eq!(max_prefix(&[0b10], 1, 2), 1);
        assert_eq!(max_prefix(&[0b10], 2, 2), 0);
        assert_eq!(max_prefix(&[], 0, 2), 0);
    }
}
