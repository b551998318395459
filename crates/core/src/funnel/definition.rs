//! What a funnel is: ordered steps (an event type with optional property filters), a
//! conversion window, the order mode and the date range of step 1. Serde-serialisable for
//! saved funnels; the compact URL form is in [`super::url`].

use crate::model::EventProps;
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, Timestamp};
use serde::{Deserialize, Serialize};

/// Fewest and most steps a funnel may have.
pub const MIN_STEPS: usize = 2;
pub const MAX_STEPS: usize = 10;
/// The longest conversion window: ten years. Longer is certainly a typing mistake, and the
/// bound keeps every window comfortably inside `i64` milliseconds.
pub const MAX_WINDOW_MS: i64 = 3650 * MS_PER_DAY;

/// An event property a step can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PropField {
    Channel,
    Item,
    Category,
}

impl PropField {
    pub const ALL: [PropField; 3] = [PropField::Channel, PropField::Item, PropField::Category];

    /// The name used in the URL form and in saved funnels.
    pub fn code(self) -> &'static str {
        match self {
            PropField::Channel => "channel",
            PropField::Item => "item",
            PropField::Category => "category",
        }
    }

    pub fn from_code(code: &str) -> Option<PropField> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn of(self, props: &EventProps) -> Option<Sym> {
        match self {
            PropField::Channel => props.channel,
            PropField::Item => props.item,
            PropField::Category => props.category,
        }
    }
}

/// `field = value`: the event's property equals the value exactly (an event without the
/// property never matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PropFilter {
    pub field: PropField,
    pub value: Sym,
}

impl PropFilter {
    pub fn new(field: PropField, value: &str) -> Self {
        PropFilter {
            field,
            value: Sym::new(value),
        }
    }

    pub fn matches(&self, props: &EventProps) -> bool {
        self.field.of(props) == Some(self.value)
    }
}

/// One step: an event type, and filters that must all hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    pub event: Sym,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<PropFilter>,
    /// Counted when done, but a customer who skips it still goes on to the later steps
    /// (docs/funnels.md, "Optional steps"). Never the first or the last step. Absent from
    /// funnels saved before it existed: `false`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An event type and property filters: what a step and an exclusion both look for.
fn event_matches(event: Sym, filters: &[PropFilter], kind: Sym, props: &EventProps) -> bool {
    kind == event && filters.iter().all(|f| f.matches(props))
}

impl Step {
    pub fn new(event: &str) -> Self {
        Step {
            event: Sym::new(event),
            filters: Vec::new(),
            optional: false,
        }
    }

    pub fn with(mut self, field: PropField, value: &str) -> Self {
        self.filters.push(PropFilter::new(field, value));
        self
    }

    /// The same step, optional.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn matches(&self, kind: Sym, props: &EventProps) -> bool {
        event_matches(self.event, &self.filters, kind, props)
    }
}

/// The most exclusions a funnel may have (one bit each in a 16-bit mask).
pub const MAX_EXCLUSIONS: usize = 10;

/// An exclusion: a customer with an event of this type (and filters) strictly after step
/// `from` of their counted path and before step `to` — or, if they did not reach `to`, up to
/// the end of the conversion window — is left out of the funnel altogether
/// (docs/funnels.md, "Exclusions"). Step indices from 0; `from < to`, both required steps.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Exclusion {
    pub event: Sym,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<PropFilter>,
    pub from: usize,
    pub to: usize,
}

impl Exclusion {
    pub fn new(event: &str, from: usize, to: usize) -> Self {
        Exclusion {
            event: Sym::new(event),
            filters: Vec::new(),
            from,
            to,
        }
    }

    pub fn with(mut self, field: PropField, value: &str) -> Self {
        self.filters.push(PropFilter::new(field, value));
        self
    }

    pub fn matches(&self, kind: Sym, props: &EventProps) -> bool {
        event_matches(self.event, &self.filters, kind, props)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowUnit {
    Minute,
    Hour,
    #[default]
    Day,
}

impl WindowUnit {
    pub const ALL: [WindowUnit; 3] = [WindowUnit::Minute, WindowUnit::Hour, WindowUnit::Day];

    pub fn millis(self) -> i64 {
        match self {
            WindowUnit::Minute => MS_PER_MINUTE,
            WindowUnit::Hour => MS_PER_HOUR,
            WindowUnit::Day => MS_PER_DAY,
        }
    }

    /// The letter of the URL form: `m`, `h`, `d`.
    pub fn letter(self) -> char {
        match self {
            WindowUnit::Minute => 'm',
            WindowUnit::Hour => 'h',
            WindowUnit::Day => 'd',
        }
    }

    pub fn from_letter(c: char) -> Option<WindowUnit> {
        Self::ALL.into_iter().find(|u| u.letter() == c)
    }
}

/// The conversion window: the last step reached must be at most this long after step 1
/// (inclusive: exactly the window still converts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    pub value: u32,
    pub unit: WindowUnit,
}

impl Window {
    pub fn new(value: u32, unit: WindowUnit) -> Self {
        Window { value, unit }
    }
    pub fn days(value: u32) -> Self {
        Window::new(value, WindowUnit::Day)
    }
    pub fn millis(self) -> i64 {
        // u32 × one day (8.64e7) < 2^63: cannot overflow.
        i64::from(self.value) * self.unit.millis()
    }
}

/// How strictly the steps must follow each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderMode {
    /// Other events may happen between the steps.
    #[default]
    Sequential,
    /// No other event of the customer between the first and the last matched step (see
    /// docs/funnels.md for the exact rule with equal timestamps).
    Strict,
}

/// The whole definition of a funnel.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FunnelDefinition {
    pub steps: Vec<Step>,
    pub window: Window,
    #[serde(default)]
    pub mode: OrderMode,
    /// Step 1 must happen in `[from, to)`; later steps may fall after `to`.
    #[serde(default)]
    pub range: Option<(Timestamp, Timestamp)>,
    /// Customers to leave out; absent from funnels saved before exclusions existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
}

impl FunnelDefinition {
    /// Steps by event type only, sequential, all time.
    pub fn of_events(events: &[&str], window: Window) -> Self {
        FunnelDefinition {
            steps: events.iter().map(|e| Step::new(e)).collect(),
            window,
            mode: OrderMode::Sequential,
            range: None,
            exclusions: Vec::new(),
        }
    }

    /// Whether any step is optional or any exclusion is set: the funnel then needs the
    /// second pass over each customer's path ([`super::extend`]); without, it is computed
    /// exactly as before they existed.
    pub fn is_extended(&self) -> bool {
        !self.exclusions.is_empty() || self.steps.iter().any(|s| s.optional)
    }

    /// Checks what the computation relies on: 2..=10 steps, every step naming an event type
    /// and every filter a value, a window of at least 1 ms and at most ten years, and a
    /// non-empty date range.
    pub fn validate(&self) -> Result<(), FunnelError> {
        let n = self.steps.len();
        if n < MIN_STEPS {
            return Err(FunnelError::TooFewSteps(n));
        }
        if n > MAX_STEPS {
            return Err(FunnelError::TooManySteps(n));
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.event.as_str().trim().is_empty() {
                return Err(FunnelError::EmptyEvent { step: i });
            }
            if step.filters.iter().any(|f| f.value.as_str().is_empty()) {
                return Err(FunnelError::EmptyFilterValue { step: i });
            }
        }
        if self.steps.first().is_some_and(|s| s.optional) {
            return Err(FunnelError::OptionalFirstStep);
        }
        if self.steps.last().is_some_and(|s| s.optional) {
            return Err(FunnelError::OptionalLastStep);
        }
        if self.mode == OrderMode::Strict && self.steps.iter().any(|s| s.optional) {
            return Err(FunnelError::OptionalInStrictMode);
        }
        if self.exclusions.len() > MAX_EXCLUSIONS {
            return Err(FunnelError::TooManyExclusions(self.exclusions.len()));
        }
        for (i, x) in self.exclusions.iter().enumerate() {
            if x.event.as_str().trim().is_empty() {
                return Err(FunnelError::ExclusionEmptyEvent { exclusion: i });
            }
            if x.filters.iter().any(|f| f.value.as_str().is_empty()) {
                return Err(FunnelError::ExclusionEmptyFilterValue { exclusion: i });
            }
            if x.from >= x.to || x.to >= n {
                return Err(FunnelError::ExclusionBadSteps { exclusion: i });
            }
            if self.steps[x.from].optional || self.steps[x.to].optional {
                return Err(FunnelError::ExclusionAtOptionalStep { exclusion: i });
            }
        }
        let window = self.window.millis();
        if window <= 0 {
            return Err(FunnelError::ZeroWindow);
        }
        if window > MAX_WINDOW_MS {
            return Err(FunnelError::WindowTooLong);
        }
        if let Some((from, to)) = self.range
            && from >= to
        {
            return Err(FunnelError::EmptyRange);
        }
        Ok(())
    }

    /// Removes step `i` (nothing past the last step), keeping the rest consistent: the
    /// exclusions after it move down one step, those that started or ended at it go, and a
    /// step that becomes the first or the last is made required.
    pub fn remove_step(&mut self, i: usize) {
        if i >= self.steps.len() {
            return;
        }
        self.steps.remove(i);
        self.exclusions.retain(|x| x.from != i && x.to != i);
        for x in &mut self.exclusions {
            x.from -= usize::from(x.from > i);
            x.to -= usize::from(x.to > i);
        }
        if let Some(first) = self.steps.first_mut() {
            first.optional = false;
        }
        if let Some(last) = self.steps.last_mut() {
            last.optional = false;
        }
    }

    /// Whether step 1 may happen at `t`.
    pub fn in_range(&self, t: Timestamp) -> bool {
        self.range.is_none_or(|(from, to)| from <= t && t < to)
    }
}

/// Why a definition cannot be computed, or a URL text not read. Worded by the app
/// (`funnel_error` in src/i18n/errors.rs); the core formats no sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunnelError {
    /// Fewer than [`MIN_STEPS`]: how many there are.
    TooFewSteps(usize),
    /// More than [`MAX_STEPS`]: how many there are.
    TooManySteps(usize),
    /// Step index from 0.
    EmptyEvent {
        step: usize,
    },
    /// Step index from 0.
    EmptyFilterValue {
        step: usize,
    },
    ZeroWindow,
    WindowTooLong,
    EmptyRange,
    /// The first step cannot be optional (a funnel starts with something done).
    OptionalFirstStep,
    /// The last step cannot be optional (it is what converting means).
    OptionalLastStep,
    /// Strict order and optional steps do not go together (see docs/funnels.md).
    OptionalInStrictMode,
    /// More than [`MAX_EXCLUSIONS`]: how many there are.
    TooManyExclusions(usize),
    /// Exclusion index from 0.
    ExclusionEmptyEvent {
        exclusion: usize,
    },
    /// Exclusion index from 0.
    ExclusionEmptyFilterValue {
        exclusion: usize,
    },
    /// `from` is not before `to`, or `to` is past the last step. Exclusion index from 0.
    ExclusionBadSteps {
        exclusion: usize,
    },
    /// An exclusion starts or ends at an optional step. Exclusion index from 0.
    ExclusionAtOptionalStep {
        exclusion: usize,
    },
    /// The URL text could not be read; the string says where (a diagnostic in English, see
    /// [`super::url`]).
    BadUrl(String),
}

/// A funnel saved under a name (kept by the app with its other preferences).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFunnel {
    pub id: String,
    pub name: String,
    pub definition: FunnelDefinition,
    pub updated_at: Timestamp,
}
