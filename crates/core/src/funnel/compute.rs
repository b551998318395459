//! Computing a funnel over the dataset: one pass over the customers, each customer's events
//! found through the [`EventIndex`] and scanned by [`path::furthest`].

use super::definition::{FunnelDefinition, FunnelError, Step};
use super::extend::{self, Plan};
use super::index::EventIndex;
use super::matching::{StepMask, StepMatcher};
use super::path::{self, Path, Rules, Scratch};
use super::stats::{FunnelStats, Period, Tally};
use crate::dataset::Dataset;
use crate::event_log::ShapeNumbers;
use crate::model::EventProps;
use crate::sym::Sym;
use crate::time::{Timestamp, china_offset};
use chrono::FixedOffset;
use std::borrow::Cow;

/// Who is counted and how conversion over time is grouped.
#[derive(Clone, Copy, Debug)]
pub struct FunnelOptions<'a> {
    /// Customers (by position in `Dataset::customers`) who may be counted, e.g. a segment's
    /// members; `None`: everyone. Positions beyond the slice are not eligible.
    pub eligible: Option<&'a [bool]>,
    /// The time zone whose calendar days (and Monday weeks) conversion over time uses.
    pub offset: FixedOffset,
    pub period: Period,
}

impl Default for FunnelOptions<'_> {
    fn default() -> Self {
        FunnelOptions {
            eligible: None,
            offset: china_offset(),
            period: Period::Day,
        }
    }
}

impl FunnelOptions<'_> {
    pub(super) fn eligible(&self, position: usize) -> bool {
        self.eligible
            .is_none_or(|e| e.get(position).copied().unwrap_or(false))
    }

    /// The first day of the period of a time.
    pub(super) fn period_of(&self, t: i64) -> i64 {
        self.period.start_of(Timestamp(t).local_day(self.offset))
    }
}

/// Which customers a drill-down lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drill {
    /// Reached the step.
    Reached,
    /// Reached the step but not the next one (none for the last step).
    Dropped,
}

/// A computed funnel: its figures, and each customer's furthest step for drill-downs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FunnelResult {
    pub stats: FunnelStats,
    /// By customer position: the furthest (required) step reached, 1-based; 0 for
    /// customers who did not enter (or were not eligible, or were excluded).
    pub furthest: Vec<u8>,
    /// By customer position, only when the funnel has optional steps (empty otherwise):
    /// bit `i` set when optional step `i` is on the customer's counted path.
    pub optional: Vec<u16>,
    /// Customers left out by the funnel's exclusions (they would have entered).
    pub excluded: u32,
    /// Events (orders, for the repurchase funnel) whose customer is unknown: ignored.
    pub unknown_customer_records: usize,
}

impl FunnelResult {
    /// Positions of the customers who reached step `step` (0-based), or who reached it and
    /// dropped there; ascending. For an optional step: the customers whose counted path
    /// includes it (nobody "drops" at an optional step).
    pub fn drill(&self, step: usize, which: Drill) -> Vec<usize> {
        drill(self, step, which, |_| true)
    }
}

/// The customer positions a drill-down selects, among those `keep` accepts.
pub(super) fn drill(
    result: &FunnelResult,
    step: usize,
    which: Drill,
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let counts = &result.stats.steps;
    let Some(this) = counts.get(step) else {
        return Vec::new();
    };
    if this.optional {
        if which == Drill::Dropped {
            return Vec::new();
        }
        return (0..result.furthest.len())
            .filter(|&p| result.optional.get(p).is_some_and(|m| m & (1 << step) != 0) && keep(p))
            .collect();
    }
    // Stored 1-based: reaching step `step` (0-based) means a furthest of at least step + 1.
    // A furthest is always a required step, so dropping at a required step means a furthest
    // of exactly it (the optional steps after it do not count).
    let at_least = step + 1;
    let steps = counts.len();
    result
        .furthest
        .iter()
        .enumerate()
        .filter(|&(p, &f)| {
            let f = usize::from(f);
            let hit = match which {
                Drill::Reached => f >= at_least,
                Drill::Dropped => f == at_least && at_least < steps,
            };
            hit && keep(p)
        })
        .map(|(p, _)| p)
        .collect()
}

/// What [`scan`] returns besides what its visitor saw.
pub(super) struct Scanned {
    pub furthest: Vec<u8>,
    pub optional: Vec<u16>,
    pub excluded: u32,
    pub unknown: usize,
}

/// Computes a funnel. `index` should be built from `data` (a stale one is rebuilt here).
pub fn compute(
    data: &Dataset,
    index: &EventIndex,
    definition: &FunnelDefinition,
    options: &FunnelOptions,
) -> Result<FunnelResult, FunnelError> {
    let mut tally = Tally::new(
        definition.steps.len(),
        extend::optional_mask(&definition.steps),
    );
    let scanned = scan(data, index, definition, options, |_, path, period| {
        tally.add(path, period);
    })?;
    Ok(scanned.into_result(tally.finish(options.period)))
}

impl Scanned {
    pub(super) fn into_result(self, stats: FunnelStats) -> FunnelResult {
        FunnelResult {
            stats,
            furthest: self.furthest,
            optional: self.optional,
            excluded: self.excluded,
            unknown_customer_records: self.unknown,
        }
    }
}

/// Scans every eligible customer (in the order of the log, not by position), calls
/// `visit(position, path, period of step 1)` for those who entered (and were not excluded), and returns the furthest steps by position,
/// the optional steps on each path, the customers excluded and the count of events with an
/// unknown customer.
pub(super) fn scan(
    data: &Dataset,
    index: &EventIndex,
    definition: &FunnelDefinition,
    options: &FunnelOptions,
    mut visit: impl FnMut(usize, &Path, i64),
) -> Result<Scanned, FunnelError> {
    definition.validate()?;
    // Optional steps and exclusions: the first pass runs on the required steps alone, the
    // second ([`Plan::extend`]) on its path. Without them `plan` is `None` and the loop below
    // does exactly what it did before they existed.
    let plan = Plan::of(definition);
    let required: Cow<[Step]> = match &plan {
        None => Cow::Borrowed(&definition.steps),
        Some(_) => Cow::Owned(
            definition
                .steps
                .iter()
                .filter(|s| !s.optional)
                .cloned()
                .collect(),
        ),
    };
    let index = if index.fits(data) {
        Cow::Borrowed(index)
    } else {
        Cow::Owned(EventIndex::build(data))
    };
    let rules = Rules {
        steps: required.len(),
        window_ms: definition.window.millis(),
        range: definition.range.map(|(from, to)| (from.0, to.0)),
        mode: definition.mode,
    };
    let (lo, hi) = rules.range.map_or((i64::MIN, i64::MAX), |(from, to)| {
        (from, to.saturating_add(rules.window_ms))
    });
    let matcher = StepMatcher::new(&required);
    let all_steps = StepMatcher::new(&definition.steps);
    let mut furthest = vec![0u8; data.customers.len()];
    let with_optional = definition.steps.iter().any(|s| s.optional);
    let mut optional = if with_optional {
        vec![0u16; data.customers.len()]
    } else {
        Vec::new()
    };
    let mut excluded = 0u32;
    // The log holds each customer's events together, in time order: a customer's times
    // and shape numbers are read straight from its columns, and a step mask is worked out
    // once per distinct shape rather than once per event. The buffers are reused: wasm
    // memory, once grown, is never given back.
    let log = index.log(data);
    let (all_times, numbers) = (log.times(), log.shape_numbers());
    let masks_of = |mask: &dyn Fn(Sym, &EventProps) -> StepMask| -> Vec<StepMask> {
        log.shapes()
            .iter()
            .map(|s| mask(s.kind, &s.props))
            .collect()
    };
    let step_masks = masks_of(&|k, props| matcher.mask(k, props));
    let (full_masks, exclusion_masks): (Vec<StepMask>, Vec<u16>) = match &plan {
        Some(_) => (
            masks_of(&|k, props| all_steps.mask(k, props)),
            log.shapes()
                .iter()
                .map(|s| extend::exclusion_mask(&definition.exclusions, s.kind, &s.props))
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let of = |table: &[StepMask], n: u32| table.get(n as usize).copied().unwrap_or(0);
    let (mut masks, mut full, mut exclusions): (Vec<StepMask>, Vec<StepMask>, Vec<u16>) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut scratch = Scratch::default();
    // Customers without events reach no step; the others are read in the log's order, so
    // the columns are read front to back.
    for &position in index.positions_in_log_order() {
        let position = position as usize;
        let Some(slot) = furthest.get_mut(position) else {
            continue;
        };
        if !options.eligible(position) {
            continue;
        }
        let (a, b) = index.event_span(position);
        // The index was built for this log (`fits`); a stale range reads as no events.
        let (Some(times), Some(shape_numbers)) = (all_times.get(a..b), numbers.range(a..b)) else {
            continue;
        };
        // Events outside [from, to + window] can neither be on a path nor lie between its
        // steps: only the part inside is scanned.
        let first = times.partition_point(|&t| t < lo);
        let last = times.partition_point(|&t| t <= hi);
        let times = &times[first..last];
        let shape_numbers = shape_numbers
            .range(first..last)
            .unwrap_or(ShapeNumbers::Narrow(&[]));
        masks.clear();
        masks.extend(shape_numbers.iter().map(|n| of(&step_masks, n)));
        if !masks.iter().any(|m| m & 1 != 0) {
            continue;
        }
        let mut path = path::furthest(times, &masks, &rules, &mut scratch);
        if path.reached == 0 {
            continue;
        }
        if let Some(plan) = &plan {
            full.clear();
            full.extend(shape_numbers.iter().map(|n| of(&full_masks, n)));
            exclusions.clear();
            exclusions.extend(
                shape_numbers
                    .iter()
                    .map(|n| exclusion_masks.get(n as usize).copied().unwrap_or(0)),
            );
            match plan.extend(&path, times, &full, &exclusions) {
                Some(extended) => path = extended,
                None => {
                    excluded += 1;
                    continue;
                }
            }
            if let Some(o) = optional.get_mut(position) {
                *o = path.optional;
            }
        }
        // At most 10 steps: fits a byte.
        *slot = path.reached as u8;
        visit(position, &path, options.period_of(path.times[0]));
    }
    Ok(Scanned {
        furthest,
        optional,
        excluded,
        unknown: index.unknown_customer_events(),
    })
}
