//! Computing a funnel over the dataset: the options, the result and its drill-downs; the pass
//! over the customers is [`super::scan`], in one go ([`compute`]) or in steps
//! ([`FunnelCounter`]).

use super::definition::{FunnelDefinition, FunnelError};
use super::extend;
use super::index::EventIndex;
use super::scan::{Scan, Scanned};
use super::stats::{FunnelStats, Period, Tally};
use crate::dataset::Dataset;
use crate::time::{Timestamp, china_offset};
use chrono::FixedOffset;

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

/// Computes a funnel. `index` should be built from `data` (a stale one is rebuilt here).
pub fn compute(
    data: &Dataset,
    index: &EventIndex,
    definition: &FunnelDefinition,
    options: &FunnelOptions,
) -> Result<FunnelResult, FunnelError> {
    let mut counter = FunnelCounter::new(data, index, definition)?;
    while !counter.step(data, index, options, usize::MAX) {}
    Ok(counter.finish(options))
}

/// A funnel counted a bounded number of customers at a time, so that the app can count half
/// a million customers' funnels between paints; the same result as [`compute`]. The data,
/// the index and the options must stay the same from [`FunnelCounter::new`] to the last step.
pub struct FunnelCounter {
    scan: Scan,
    tally: Tally,
}

impl FunnelCounter {
    pub fn new(
        data: &Dataset,
        index: &EventIndex,
        definition: &FunnelDefinition,
    ) -> Result<Self, FunnelError> {
        Ok(FunnelCounter {
            scan: Scan::new(data, index, definition)?,
            tally: Tally::new(
                definition.steps.len(),
                extend::optional_mask(&definition.steps),
            ),
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
        let tally = &mut self.tally;
        self.scan
            .step(data, index, options, budget, |_, path, period| {
                tally.add(path, period)
            })
    }

    pub fn finish(self, options: &FunnelOptions) -> FunnelResult {
        self.scan
            .finish()
            .into_result(self.tally.finish(options.period))
    }
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
