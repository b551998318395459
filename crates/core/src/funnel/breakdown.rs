//! Side-by-side funnels by a customer property (channel, city, member level, tier, stage,
//! segment…): the caller numbers the values and passes each customer's number; the biggest
//! groups are shown and the rest folded into "other".

use super::compute::{Drill, FunnelOptions, FunnelResult, drill};
use super::definition::{FunnelDefinition, FunnelError};
use super::index::EventIndex;
use super::path::Path;
use super::scan::{Scan, Scanned};
use super::stats::{FunnelStats, Tally};
use crate::dataset::Dataset;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;

/// One funnel of a breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakdownGroup {
    /// The caller's key of the group; `None` for "other" (every key not shown, and customers
    /// without a key).
    pub key: Option<u32>,
    pub stats: FunnelStats,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Breakdown {
    /// All groups together: the same as the funnel without a breakdown.
    pub total: FunnelResult,
    /// The shown groups by customers entered (descending, then key ascending), then
    /// "other" if anyone entered there.
    pub groups: Vec<BreakdownGroup>,
    /// The keys folded into "other" in ascending order (only keys of customers who entered).
    pub other_keys: Vec<u32>,
    /// By customer position: index into `groups` of the customer's group, for drill-downs.
    group_of: Vec<u32>,
}

impl Breakdown {
    /// Positions of the customers of group `group` (an index into `groups`) who reached
    /// step `step` (0-based), or dropped there.
    pub fn drill(&self, group: usize, step: usize, which: Drill) -> Vec<usize> {
        let Ok(group) = u32::try_from(group) else {
            return Vec::new();
        };
        drill(&self.total, step, which, |p| {
            self.group_of.get(p) == Some(&group)
        })
    }
}

/// Computes the funnel once and splits it by `keys[position]` (customers beyond `keys` go to
/// "other"), showing the `top` groups with the most customers entered. The per-customer
/// scan is shared, so a breakdown costs little more than the funnel alone.
pub fn compute_breakdown(
    data: &Dataset,
    index: &EventIndex,
    definition: &FunnelDefinition,
    options: &FunnelOptions,
    keys: &[u32],
    top: usize,
) -> Result<Breakdown, FunnelError> {
    let mut counter = BreakdownCounter::new(data, index, definition, keys.to_vec(), top)?;
    while !counter.step(data, index, options, usize::MAX) {}
    Ok(counter.finish(options))
}

/// [`compute_breakdown`] a bounded number of customers at a time (as
/// [`super::FunnelCounter`] for a funnel alone); the data, the index and the options must stay
/// the same from [`BreakdownCounter::new`] to the last step.
pub struct BreakdownCounter {
    scan: Scan,
    split: Split,
}

impl BreakdownCounter {
    pub fn new(
        data: &Dataset,
        index: &EventIndex,
        definition: &FunnelDefinition,
        keys: Vec<u32>,
        top: usize,
    ) -> Result<Self, FunnelError> {
        let steps = definition.steps.len();
        let optional = super::extend::optional_mask(&definition.steps);
        Ok(BreakdownCounter {
            scan: Scan::new(data, index, definition)?,
            split: Split {
                steps,
                optional,
                keys,
                top,
                total: Tally::new(steps, optional),
                slot_of: FxHashMap::default(),
                keyless: None,
                tallies: Vec::new(),
                slot_by_position: vec![u32::MAX; data.customers.len()],
            },
        })
    }

    /// Counts about `budget` more customers (at least one); true when all are counted.
    pub fn step(
        &mut self,
        data: &Dataset,
        index: &EventIndex,
        options: &FunnelOptions,
        budget: usize,
    ) -> bool {
        let split = &mut self.split;
        self.scan
            .step(data, index, options, budget, |position, path, period| {
                split.add(position, path, period)
            })
    }

    pub fn finish(self, options: &FunnelOptions) -> Breakdown {
        self.split.finish(self.scan.finish(), options)
    }
}

/// The tallies of a breakdown while the customers are scanned.
struct Split {
    steps: usize,
    optional: u16,
    keys: Vec<u32>,
    top: usize,
    total: Tally,
    /// A tally per distinct key met, and one for customers without a key.
    slot_of: FxHashMap<u32, usize>,
    keyless: Option<usize>,
    tallies: Vec<(Option<u32>, Tally)>,
    /// By position: the tally of each customer who entered (u32::MAX: did not enter).
    slot_by_position: Vec<u32>,
}

impl Split {
    fn add(&mut self, position: usize, path: &Path, period: i64) {
        self.total.add(path, period);
        let key = self.keys.get(position).copied();
        let (steps, optional, tallies) = (self.steps, self.optional, &mut self.tallies);
        let new_slot = || {
            tallies.push((key, Tally::new(steps, optional)));
            tallies.len() - 1
        };
        let slot = match key {
            Some(k) => *self.slot_of.entry(k).or_insert_with(new_slot),
            None => *self.keyless.get_or_insert_with(new_slot),
        };
        if let Some((_, tally)) = self.tallies.get_mut(slot) {
            tally.add(path, period);
        }
        if let Some(s) = self.slot_by_position.get_mut(position) {
            *s = slot as u32;
        }
    }

    fn finish(self, scanned: Scanned, options: &FunnelOptions) -> Breakdown {
        let Split {
            top,
            total,
            tallies,
            slot_by_position,
            ..
        } = self;
        // The keyed groups with the most customers entered are shown (ties: smaller key first);
        // the rest, and the customers without a key, make "other", placed after them.
        let mut ranked: Vec<usize> = (0..tallies.len())
            .filter(|&s| tallies[s].0.is_some())
            .collect();
        crate::sorting::sort_unstable_by_key(&mut ranked, |&s| {
            (Reverse(tallies[s].1.entered()), tallies[s].0)
        });
        ranked.truncate(top);
        let other_place = ranked.len();
        let mut place = vec![other_place; tallies.len()];
        for (i, &s) in ranked.iter().enumerate() {
            place[s] = i;
        }
        let mut shown: Vec<Option<BreakdownGroup>> = vec![None; other_place];
        let mut other: Option<Tally> = None;
        let mut other_keys = Vec::new();
        for ((key, tally), &p) in tallies.into_iter().zip(&place) {
            if p == other_place {
                other_keys.extend(key);
                match other.as_mut() {
                    Some(o) => o.merge(tally),
                    None => other = Some(tally),
                }
            } else {
                shown[p] = Some(BreakdownGroup {
                    key,
                    stats: tally.finish(options.period),
                });
            }
        }
        let mut groups: Vec<BreakdownGroup> = shown.into_iter().flatten().collect();
        if let Some(other) = other {
            groups.push(BreakdownGroup {
                key: None,
                stats: other.finish(options.period),
            });
        }
        other_keys.sort_unstable();
        let group_of = slot_by_position
            .into_iter()
            .map(|s| place.get(s as usize).map_or(u32::MAX, |&p| p as u32))
            .collect();
        Breakdown {
            total: scanned.into_result(total.finish(options.period)),
            groups,
            other_keys,
            group_of,
        }
    }
}
