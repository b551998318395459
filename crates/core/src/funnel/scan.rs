//! The pass over all customers that every funnel makes: each eligible customer's events, read
//! from the [`EventIndex`]'s spans of the log, go through [`path::furthest`] (and, with
//! optional steps or exclusions, [`Plan::extend`]). It goes a bounded number of customers at
//! a time ([`Scan::step`]), so that the app can count half a million customers' funnels in
//! slices with the browser painting between them; [`super::compute`] takes one step of all.

use super::compute::FunnelOptions;
use super::definition::{FunnelDefinition, FunnelError, Step};
use super::extend::{self, Plan};
use super::index::EventIndex;
use super::matching::{StepMask, StepMatcher};
use super::path::{self, Path, Rules, Scratch};
use crate::dataset::Dataset;
use crate::event_log::{EventLog, ShapeNumbers};
use crate::model::EventProps;
use crate::sym::Sym;

/// What a scan returns besides what its visitor saw.
pub(super) struct Scanned {
    pub furthest: Vec<u8>,
    pub optional: Vec<u16>,
    pub excluded: u32,
    pub unknown: usize,
}

/// A scan under way: what the definition comes to for the log's shapes, worked out once, the
/// customers' furthest steps so far and where in the log's customers it is.
pub(super) struct Scan {
    plan: Option<Plan>,
    rules: Rules,
    /// Events outside `[lo, hi]` can neither be on a path nor lie between its steps.
    lo: i64,
    hi: i64,
    /// By shape number: the required steps an event of that shape serves; with a plan, all
    /// steps (`full_masks`) and the exclusions (`exclusion_masks`) too.
    step_masks: Vec<StepMask>,
    full_masks: Vec<StepMask>,
    exclusion_masks: Vec<u16>,
    /// Buffers reused from one customer to the next: wasm memory, once grown, is never given
    /// back.
    masks: Vec<StepMask>,
    full: Vec<StepMask>,
    exclusions: Vec<u16>,
    scratch: Scratch,
    furthest: Vec<u8>,
    optional: Vec<u16>,
    excluded: u32,
    unknown: usize,
    /// The index built here when the one given did not fit the data (see [`Scan::new`]).
    own_index: Option<EventIndex>,
    /// The next customer to read, in the index's log order.
    next: usize,
}

impl Scan {
    /// Works out the definition for the log's shapes. `index` should be built from `data`; a
    /// stale one is replaced by one built here, which the steps then read instead.
    pub fn new(
        data: &Dataset,
        index: &EventIndex,
        definition: &FunnelDefinition,
    ) -> Result<Scan, FunnelError> {
        definition.validate()?;
        // Optional steps and exclusions: the first pass runs on the required steps alone, the
        // second ([`Plan::extend`]) on its path. Without them `plan` is `None` and the pass
        // does exactly what it did before they existed.
        let plan = Plan::of(definition);
        let required: Vec<Step> = definition
            .steps
            .iter()
            .filter(|s| plan.is_none() || !s.optional)
            .cloned()
            .collect();
        let own_index = (!index.fits(data)).then(|| EventIndex::build(data));
        let index = own_index.as_ref().unwrap_or(index);
        let rules = Rules {
            steps: required.len(),
            window_ms: definition.window.millis(),
            range: definition.range.map(|(from, to)| (from.0, to.0)),
            mode: definition.mode,
        };
        let (lo, hi) = rules.range.map_or((i64::MIN, i64::MAX), |(from, to)| {
            (from, to.saturating_add(rules.window_ms))
        });
        // A step mask is worked out once per distinct shape rather than once per event.
        let log = index.log(data);
        let matcher = StepMatcher::new(&required);
        let step_masks = masks_of(log, &|k, props| matcher.mask(k, props));
        let (full_masks, exclusion_masks) = match &plan {
            Some(_) => {
                let all_steps = StepMatcher::new(&definition.steps);
                (
                    masks_of(log, &|k, props| all_steps.mask(k, props)),
                    log.shapes()
                        .iter()
                        .map(|s| extend::exclusion_mask(&definition.exclusions, s.kind, &s.props))
                        .collect(),
                )
            }
            None => (Vec::new(), Vec::new()),
        };
        let n = data.customers.len();
        let with_optional = definition.steps.iter().any(|s| s.optional);
        Ok(Scan {
            plan,
            rules,
            lo,
            hi,
            step_masks,
            full_masks,
            exclusion_masks,
            masks: Vec::new(),
            full: Vec::new(),
            exclusions: Vec::new(),
            scratch: Scratch::default(),
            furthest: vec![0u8; n],
            optional: if with_optional {
                vec![0u16; n]
            } else {
                Vec::new()
            },
            excluded: 0,
            unknown: index.unknown_customer_events(),
            own_index,
            next: 0,
        })
    }

    /// Scans about `budget` more customers (at least one) and calls `visit(position, path,
    /// period of step 1)` for those who entered (and were not excluded); true when all are
    /// scanned. `data` and `index` must be those given to [`Scan::new`], and `options` the
    /// same at every step.
    pub fn step(
        &mut self,
        data: &Dataset,
        index: &EventIndex,
        options: &FunnelOptions,
        budget: usize,
        mut visit: impl FnMut(usize, &Path, i64),
    ) -> bool {
        let index = self.own_index.as_ref().unwrap_or(index);
        let log = index.log(data);
        let (all_times, numbers) = (log.times(), log.shape_numbers());
        let order = index.positions_in_log_order();
        let from = self.next.min(order.len());
        let to = order.len().min(from.saturating_add(budget.max(1)));
        self.next = to;
        let of = |table: &[StepMask], n: u32| table.get(n as usize).copied().unwrap_or(0);
        // Customers without events reach no step; the others are read in the log's order, so
        // the columns are read front to back.
        for &position in &order[from..to] {
            let position = position as usize;
            if position >= self.furthest.len() || !options.eligible(position) {
                continue;
            }
            let (a, b) = index.event_span(position);
            // The index was built for this log (`fits`); a stale range reads as no events.
            let (Some(times), Some(shape_numbers)) = (all_times.get(a..b), numbers.range(a..b))
            else {
                continue;
            };
            // Only the part of the customer's events inside [lo, hi] is scanned.
            let first = times.partition_point(|&t| t < self.lo);
            let last = times.partition_point(|&t| t <= self.hi);
            let times = &times[first..last];
            let shape_numbers = shape_numbers
                .range(first..last)
                .unwrap_or(ShapeNumbers::Narrow(&[]));
            self.masks.clear();
            self.masks
                .extend(shape_numbers.iter().map(|n| of(&self.step_masks, n)));
            if !self.masks.iter().any(|m| m & 1 != 0) {
                continue;
            }
            let mut path = path::furthest(times, &self.masks, &self.rules, &mut self.scratch);
            if path.reached == 0 {
                continue;
            }
            if let Some(plan) = &self.plan {
                self.full.clear();
                self.full
                    .extend(shape_numbers.iter().map(|n| of(&self.full_masks, n)));
                self.exclusions.clear();
                self.exclusions.extend(
                    shape_numbers
                        .iter()
                        .map(|n| self.exclusion_masks.get(n as usize).copied().unwrap_or(0)),
                );
                match plan.extend(&path, times, &self.full, &self.exclusions) {
                    Some(extended) => path = extended,
                    None => {
                        self.excluded += 1;
                        continue;
                    }
                }
                if let Some(o) = self.optional.get_mut(position) {
                    *o = path.optional;
                }
            }
            // At most 10 steps: fits a byte.
            self.furthest[position] = path.reached as u8;
            visit(position, &path, options.period_of(path.times[0]));
        }
        to == order.len()
    }

    /// The furthest steps by position, the optional steps on each path, the customers
    /// excluded and the count of events with an unknown customer.
    pub fn finish(self) -> Scanned {
        Scanned {
            furthest: self.furthest,
            optional: self.optional,
            excluded: self.excluded,
            unknown: self.unknown,
        }
    }
}

/// A mask for each of the log's shapes.
fn masks_of(log: &EventLog, mask: &dyn Fn(Sym, &EventProps) -> StepMask) -> Vec<StepMask> {
    log.shapes()
        .iter()
        .map(|s| mask(s.kind, &s.props))
        .collect()
}
