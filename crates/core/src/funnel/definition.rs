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

    pub fn name(self, chinese: bool) -> &'static str {
        match (self, chinese) {
            (PropField::Channel, true) => "渠道",
            (PropField::Item, true) => "商品",
            (PropField::Category, true) => "品类",
            (PropField::Channel, false) => "Channel",
            (PropField::Item, false) => "Item",
            (PropField::Category, false) => "Category",
        }
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
}

impl Step {
    pub fn new(event: &str) -> Self {
        Step {
            event: Sym::new(event),
            filters: Vec::new(),
        }
    }

    pub fn with(mut self, field: PropField, value: &str) -> Self {
        self.filters.push(PropFilter::new(field, value));
        self
    }

    pub fn matches(&self, kind: Sym, props: &EventProps) -> bool {
        kind == self.event && self.filters.iter().all(|f| f.matches(props))
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
}

impl FunnelDefinition {
    /// Steps by event type only, sequential, all time.
    pub fn of_events(events: &[&str], window: Window) -> Self {
        FunnelDefinition {
            steps: events.iter().map(|e| Step::new(e)).collect(),
            window,
            mode: OrderMode::Sequential,
            range: None,
        }
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

    /// Whether step 1 may happen at `t`.
    pub fn in_range(&self, t: Timestamp) -> bool {
        self.range.is_none_or(|(from, to)| from <= t && t < to)
    }
}

/// Why a definition cannot be computed, or a URL text not read. Worded by the app
/// (`funnel_error` in src/i18n.rs); the core formats no sentence.
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
