//! Funnels: how many customers went through ordered steps (visit → view → add to cart →
//! checkout → pay) within a conversion window, where they dropped off, how long they took,
//! and how that differs between groups and over time. The exact semantics are in
//! docs/funnels.md.
//!
//! - `definition.rs`: steps, filters, window, order mode, date range; validation
//! - `url.rs`: the compact text form for the URL
//! - `index.rs`: [`EventIndex`], each customer's events together, built once per data change
//! - `matching.rs`: which steps an event serves; events at one timestamp serving several
//! - `path.rs`: one customer's furthest step and the path its times are measured on
//! - `extend.rs`: optional steps and exclusions, a second pass over that path
//! - `scan.rs`: the pass over all customers, in steps
//! - `compute.rs`: results and drill-downs; [`FunnelCounter`], a funnel counted in steps
//! - `stats.rs`, `timing.rs`: counts, rates, periods; time-to-convert statistics
//! - `breakdown.rs`: side-by-side funnels by a customer property; `groups.rs`: its groups,
//!   by the stored codes
//! - `templates.rs`: purchase, repurchase (from orders) and lifecycle stage funnels
//!
//! ```
//! use kezhi_core::funnel::{EventIndex, FunnelOptions, compute, purchase_funnel};
//! let data = kezhi_core::Dataset::default();
//! let index = EventIndex::build(&data);
//! let result = compute(&data, &index, &purchase_funnel(), &FunnelOptions::default())?;
//! assert_eq!(result.stats.entered(), 0);
//! # Ok::<(), kezhi_core::funnel::FunnelError>(())
//! ```

mod breakdown;
mod compute;
mod definition;
mod extend;
mod groups;
mod index;
mod matching;
mod path;
mod scan;
mod stats;
mod templates;
mod timing;
mod url;

pub use breakdown::{Breakdown, BreakdownCounter, BreakdownGroup, compute_breakdown};
pub use compute::{Drill, FunnelCounter, FunnelOptions, FunnelResult, compute};
pub use definition::{
    Exclusion, FunnelDefinition, FunnelError, MAX_EXCLUSIONS, MAX_STEPS, MAX_WINDOW_MS, MIN_STEPS,
    OrderMode, PropField, PropFilter, SavedFunnel, Step, Window, WindowUnit,
};
pub use groups::{GroupLabel, SplitBy, segment_split, split_keys};
pub use index::{EventIndex, EventIndexBuilder};
pub use stats::{FunnelStats, Period, PeriodCount, StepCount, rate};
pub use templates::{
    FunnelTemplate, REPURCHASE_STEPS, RepurchaseStep, STAGE_FUNNEL, TEMPLATES, purchase_funnel,
    repurchase_funnel, stage_funnel,
};
pub use timing::{TIME_BUCKETS, TimeBucket, TimeStats, bucket_of};
