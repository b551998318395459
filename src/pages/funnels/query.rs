//! The funnel page's state in its URL, and computing what it shows — shared with the customer
//! list, which lists a funnel's drill-down (`#/customers?funnel=<the funnel page's hash>`).

use crate::derived::Derived;
use crate::i18n::Lang;
use crate::i18n::Localize;
use crate::pages::customers::query::CustomersQuery;
use crate::platform;
use crate::prefs::Prefs;
use crate::route::{PageQuery, Route, View};
use crate::store::Store;
use crate::ui::Ui;
use kezhi_core::Dataset;
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::funnel::{
    Breakdown, BreakdownCounter, Drill, EventIndex, FunnelCounter, FunnelDefinition, FunnelError,
    FunnelOptions, FunnelResult, GroupLabel, Period, SplitBy, purchase_funnel, repurchase_funnel,
    segment_split, split_keys,
};
use kezhi_core::metrics::TierName;
use kezhi_core::segment::membership;
use kezhi_core::time::Timestamp;
use leptos::prelude::*;
use std::sync::Arc;

/// Groups shown side by side in a breakdown; the rest is "other".
pub const TOP_GROUPS: usize = 5;
/// The repurchase funnel's default window.
pub const REPURCHASE_DAYS: u32 = 90;

/// What the funnel counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Behaviour events through the definition's steps.
    Events,
    /// A first paid order, then a second within `rd` days.
    Repurchase,
}

/// A customer property the funnel is split by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Channel,
    City,
    Level,
    Tier,
    Stage,
    /// Members of one saved segment against everyone else.
    Segment,
}

impl By {
    pub const ALL: [By; 6] = [
        By::Channel,
        By::City,
        By::Level,
        By::Tier,
        By::Stage,
        By::Segment,
    ];
    pub fn code(self) -> &'static str {
        match self {
            By::Channel => "channel",
            By::City => "city",
            By::Level => "level",
            By::Tier => "tier",
            By::Stage => "stage",
            By::Segment => "segment",
        }
    }
    pub fn from_code(code: &str) -> Option<By> {
        By::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// The funnel page's state in its URL (`#/funnels?f=view~add_to_cart~pay!1d&by=channel&…`),
/// read; edits go through [`crate::ui::Ui::replace_query`], which writes the parameters an
/// edit changed (the text fields below, not the values read from them).
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelQuery {
    pub kind: Kind,
    /// `kind=stages`: the lifecycle-stage funnel instead of a definition.
    pub stages: bool,
    /// The definition as the URL spells it (`f`).
    pub definition_text: Option<String>,
    /// The definition in the URL (`f`), or the purchase funnel; an unreadable one is the
    /// error. Read from `definition_text`.
    pub definition: Result<FunnelDefinition, FunnelError>,
    /// The repurchase window as typed (`rd`).
    pub repurchase_days_text: Option<String>,
    /// Read from `repurchase_days_text`: [`REPURCHASE_DAYS`] unless a positive number.
    pub repurchase_days: u32,
    /// A saved segment's id: only its members are counted.
    pub segment: Option<String>,
    pub by: Option<By>,
    /// The segment of a by-segment breakdown.
    pub by_segment: Option<String>,
    pub period: Period,
    /// The drill-down: step (0-based), reached or dropped, and a breakdown group.
    pub drill: Option<(usize, Drill, Option<usize>)>,
}

impl FunnelQuery {
    /// The page with nothing chosen (the purchase funnel).
    pub fn blank() -> FunnelQuery {
        FunnelQuery::from_route(&Route::new(View::Funnels))
    }
}

impl PageQuery for FunnelQuery {
    fn from_route(r: &Route) -> FunnelQuery {
        let definition = match r.param("f") {
            Some(text) => FunnelDefinition::from_url(text),
            None => Ok(purchase_funnel()),
        };
        let drill = r
            .param("ds")
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|s| s.checked_sub(1))
            .map(|step| {
                let which = if r.param("dw") == Some("dropped") {
                    Drill::Dropped
                } else {
                    Drill::Reached
                };
                (step, which, r.param("dg").and_then(|g| g.parse().ok()))
            });
        FunnelQuery {
            kind: if r.param("kind") == Some("repurchase") {
                Kind::Repurchase
            } else {
                Kind::Events
            },
            stages: r.param("kind") == Some("stages"),
            definition_text: r.param("f").map(str::to_string),
            definition,
            repurchase_days_text: r.param("rd").map(str::to_string),
            repurchase_days: r
                .param("rd")
                .and_then(|d| d.parse().ok())
                .filter(|d| *d > 0)
                .unwrap_or(REPURCHASE_DAYS),
            segment: r.param("seg").map(str::to_string),
            by: r.param("by").and_then(By::from_code),
            by_segment: r.param("bys").map(str::to_string),
            period: if r.param("per") == Some("week") {
                Period::Week
            } else {
                Period::Day
            },
            drill,
        }
    }

    fn to_route(&self) -> Route {
        let kind = match (self.kind, self.stages) {
            (Kind::Repurchase, _) => Some("repurchase"),
            (Kind::Events, true) => Some("stages"),
            (Kind::Events, false) => None,
        };
        let (step, which, group) = match self.drill {
            Some((step, which, group)) => (
                Some((step + 1).to_string()),
                Some(match which {
                    Drill::Dropped => "dropped".to_string(),
                    Drill::Reached => "reached".to_string(),
                }),
                group.map(|g| g.to_string()),
            ),
            None => (None, None, None),
        };
        Route::new(View::Funnels)
            .with("f", self.definition_text.clone())
            .with("kind", kind.map(str::to_string))
            .with("rd", self.repurchase_days_text.clone())
            .with("seg", self.segment.clone())
            .with("by", self.by.map(|b| b.code().to_string()))
            .with("bys", self.by_segment.clone())
            .with(
                "per",
                (self.period == Period::Week).then(|| "week".to_string()),
            )
            .with("ds", step)
            .with("dw", which)
            .with("dg", group)
    }
}

/// A computed funnel, split by a property when the query asks for it. Nothing in it depends
/// on the language: the groups are codes, named when shown.
#[derive(Clone, Debug, Default)]
pub struct Computed {
    /// The funnel without a breakdown (with one, its total is the funnel: see [`Self::result`]).
    plain: FunnelResult,
    pub breakdown: Option<Breakdown>,
    /// What each breakdown key stands for (index = key).
    labels: Vec<GroupLabel>,
    /// The tiers' names and the split segment's name, to name the groups.
    tiers: Vec<TierName>,
    segment_name: String,
}

/// Why a funnel could not be computed, told in the shown language.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Funnel(FunnelError),
    SegmentGone,
    NoSplitSegment,
    /// A segment that could not be evaluated (already in words of both languages).
    Segment {
        zh: String,
        en: String,
    },
}

impl Failure {
    pub fn message(&self, zh: bool) -> String {
        match self {
            Failure::Funnel(e) => {
                let lang = if zh { Lang::Zh } else { Lang::En };
                crate::i18n::funnel_error(lang, e)
            }
            Failure::SegmentGone if zh => "所选分群已被删除".into(),
            Failure::SegmentGone => "the chosen segment was deleted".into(),
            Failure::NoSplitSegment if zh => "请选择用于拆分的分群".into(),
            Failure::NoSplitSegment => "choose the segment to split by".into(),
            Failure::Segment { zh: z, en } => if zh { z } else { en }.clone(),
        }
    }
}

impl Computed {
    /// The whole funnel, split or not.
    pub fn result(&self) -> &FunnelResult {
        self.breakdown.as_ref().map_or(&self.plain, |b| &b.total)
    }

    /// The customers (positions) a drill-down lists.
    pub fn drill(&self, step: usize, which: Drill, group: Option<usize>) -> Vec<usize> {
        match (group, &self.breakdown) {
            (Some(g), Some(b)) => b.drill(g, step, which),
            _ => self.result().drill(step, which),
        }
    }

    /// The name of a breakdown group in the shown language ("other" for the folded rest).
    pub fn group_name(&self, group: usize, other: &str, zh: bool) -> String {
        let Some(g) = self.breakdown.as_ref().and_then(|b| b.groups.get(group)) else {
            return String::new();
        };
        let Some(label) = g.key.and_then(|k| self.labels.get(k as usize)) else {
            return other.to_string();
        };
        let name = &self.segment_name;
        match label {
            GroupLabel::Missing if zh => "（未填）".into(),
            GroupLabel::Missing => "(none)".into(),
            GroupLabel::Channel(c) => display(&CHANNELS, c, zh).into(),
            GroupLabel::Level(c) => display(&MEMBER_LEVELS, c, zh).into(),
            GroupLabel::City(c) => c.clone(),
            GroupLabel::Tier(t) => self
                .tiers
                .get(usize::from(t.0))
                .map_or_else(String::new, |t| t.name(zh).to_string()),
            GroupLabel::Stage(s) => s.label(Lang::of_zh(zh)).into(),
            GroupLabel::InSegment if zh => format!("属于 {name}"),
            GroupLabel::InSegment => format!("in {name}"),
            GroupLabel::NotInSegment if zh => format!("不属于 {name}"),
            GroupLabel::NotInSegment => format!("not in {name}"),
        }
    }
}

/// Computes the funnel a query and definition describe in one go (tracked: reruns when the
/// data, the metrics or the saved segments change — not when the language does). The
/// funnel page counts it in slices instead ([`prepare`], then [`Counting`]).
pub fn compute(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    q: &FunnelQuery,
    definition: &FunnelDefinition,
) -> Result<Computed, Failure> {
    match prepare(store, derived, prefs, q, definition)? {
        Prepared::Done(computed) => Ok(computed),
        Prepared::Count(job) => {
            let index = derived.event_index.get();
            store.data.with(|d| {
                platform::timed("kezhi:funnel", || {
                    let mut counting = job.start(d, index)?;
                    while !counting.step(d, usize::MAX) {}
                    Ok(counting.finish())
                })
            })
        }
    }
}

/// What a query asks for (its reads of the page's state are tracked): either the answer itself
/// (the repurchase funnel, counted from the orders at once) or a funnel of events to count.
// One is made per count and moved once or twice: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Prepared {
    Done(Computed),
    Count(Job),
}

/// A funnel of events to count, with the options and the breakdown's keys it is counted by.
pub struct Job {
    definition: FunnelDefinition,
    eligible: Option<Vec<bool>>,
    offset: chrono::FixedOffset,
    period: Period,
    split: Option<Split>,
}

/// A breakdown's keys, by customer position, and what names its groups.
struct Split {
    keys: Vec<u32>,
    names: Names,
}

/// What a breakdown's keys stand for, the tiers' names and the split segment's name.
struct Names {
    labels: Vec<GroupLabel>,
    segment_name: String,
    tiers: Vec<TierName>,
}

/// Reads what the funnel of `q` and `definition` is counted with (tracked).
pub fn prepare(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    q: &FunnelQuery,
    definition: &FunnelDefinition,
) -> Result<Prepared, Failure> {
    let eligible = match &q.segment {
        Some(id) => Some(segment_flags(store, derived, prefs, id)?),
        None => None,
    };
    let offset = platform::local_offset();
    if q.kind == Kind::Repurchase {
        let options = FunnelOptions {
            eligible: eligible.as_deref(),
            offset,
            period: q.period,
        };
        let result = store
            .data
            .with(|d| repurchase_funnel(d, q.repurchase_days, definition.range, &options))
            .map_err(Failure::Funnel)?;
        return Ok(Prepared::Done(Computed {
            plain: result,
            ..Computed::default()
        }));
    }
    definition.validate().map_err(Failure::Funnel)?;
    let split = match q.by {
        Some(by) => {
            let (keys, labels, segment_name) =
                breakdown_keys(store, derived, prefs, by, q.by_segment.as_deref())?;
            Some(Split {
                keys,
                names: Names {
                    labels,
                    segment_name,
                    tiers: derived.metrics.with(|m| m.tiers.clone()),
                },
            })
        }
        None => None,
    };
    // The data is what the counting reads; tracked here so that a change counts anew.
    store.data.track();
    Ok(Prepared::Count(Job {
        definition: definition.clone(),
        eligible,
        offset,
        period: q.period,
        split,
    }))
}

impl Job {
    /// Starts counting over `data` with its event index.
    pub fn start(self, data: &Dataset, index: Arc<EventIndex>) -> Result<Counting, Failure> {
        let Job {
            definition,
            eligible,
            offset,
            period,
            split,
        } = self;
        let counter = match split {
            Some(Split { keys, names }) => Counter::Split(
                BreakdownCounter::new(data, &index, &definition, keys, TOP_GROUPS)
                    .map_err(Failure::Funnel)?,
                names,
            ),
            None => Counter::Plain(
                FunnelCounter::new(data, &index, &definition).map_err(Failure::Funnel)?,
            ),
        };
        Ok(Counting {
            counter,
            index,
            eligible,
            offset,
            period,
        })
    }
}

/// A funnel being counted, a bounded number of customers at a time.
pub struct Counting {
    counter: Counter,
    index: Arc<EventIndex>,
    eligible: Option<Vec<bool>>,
    offset: chrono::FixedOffset,
    period: Period,
}

// Made once per count and held while it runs: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Counter {
    Plain(FunnelCounter),
    Split(BreakdownCounter, Names),
}

impl Counting {
    fn options(
        eligible: &Option<Vec<bool>>,
        offset: chrono::FixedOffset,
        period: Period,
    ) -> FunnelOptions<'_> {
        FunnelOptions {
            eligible: eligible.as_deref(),
            offset,
            period,
        }
    }

    /// Counts about `budget` more customers of `data` (the data it was started on); true
    /// when all are counted.
    pub fn step(&mut self, data: &Dataset, budget: usize) -> bool {
        let options = Self::options(&self.eligible, self.offset, self.period);
        match &mut self.counter {
            Counter::Plain(c) => c.step(data, &self.index, &options, budget),
            Counter::Split(c, _) => c.step(data, &self.index, &options, budget),
        }
    }

    pub fn finish(self) -> Computed {
        let options = Self::options(&self.eligible, self.offset, self.period);
        match self.counter {
            Counter::Plain(c) => Computed {
                plain: c.finish(&options),
                ..Computed::default()
            },
            Counter::Split(c, names) => Computed {
                breakdown: Some(c.finish(&options)),
                labels: names.labels,
                tiers: names.tiers,
                segment_name: names.segment_name,
                ..Computed::default()
            },
        }
    }
}

/// One flag per customer: a member of the saved segment.
fn segment_flags(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    id: &str,
) -> Result<Vec<bool>, Failure> {
    let saved = store
        .segments
        .with(|l| l.iter().find(|s| s.id == id).cloned())
        .ok_or(Failure::SegmentGone)?;
    let settings = prefs.analytics_settings();
    let analytics = derived.metrics.get();
    let rows = store.data.with(|d| {
        store
            .segments
            .with(|all| membership::members(d, &analytics, &settings, &saved, all))
    });
    let rows = rows.map_err(|e| Failure::Segment {
        zh: crate::i18n::segment_ref_error(Lang::Zh, &e),
        en: crate::i18n::segment_ref_error(Lang::En, &e),
    })?;
    let mut flags = vec![false; store.data.with(|d| d.customers.len())];
    for i in rows {
        if let Some(f) = flags.get_mut(i) {
            *f = true;
        }
    }
    Ok(flags)
}

/// Each customer's group for a breakdown (by the stored codes, see the core's
/// `funnel::groups`), what each group stands for, and the split segment's name.
fn breakdown_keys(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    by: By,
    segment: Option<&str>,
) -> Result<(Vec<u32>, Vec<GroupLabel>, String), Failure> {
    let split = match by {
        By::Segment => {
            let id = segment.ok_or(Failure::NoSplitSegment)?;
            let name = store
                .segments
                .with(|l| l.iter().find(|s| s.id == id).map(|s| s.name.clone()))
                .unwrap_or_default();
            let (keys, labels) = segment_split(&segment_flags(store, derived, prefs, id)?);
            return Ok((keys, labels, name));
        }
        By::Channel => SplitBy::Channel,
        By::City => SplitBy::City,
        By::Level => SplitBy::Level,
        By::Tier => SplitBy::Tier,
        By::Stage => SplitBy::Stage,
    };
    let (keys, labels) = derived
        .metrics
        .with(|m| store.data.with(|d| split_keys(d, m, split)));
    Ok((keys, labels, String::new()))
}

/// A local calendar day as the start of step 1's range (`to` days are inclusive, so the
/// range ends at the start of the next day).
pub fn day_start(date: chrono::NaiveDate) -> Option<Timestamp> {
    Timestamp::start_of_day(date, platform::local_offset())
}

/// The customers a funnel drill-down in the customer list's URL (`funnel`) selects, with
/// what to call it; `None` when the URL has none.
pub fn drill_rows(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    ui: Ui,
) -> Option<(String, Vec<usize>)> {
    let hash = ui.query::<CustomersQuery>().funnel?;
    let zh = prefs.lang.get().is_zh();
    let route = Route::parse(&hash);
    let q = FunnelQuery::from_route(&route);
    let (step, which, group) = q.drill?;
    let definition = q.definition.clone().ok()?;
    let computed = compute(store, derived, prefs, &q, &definition).ok()?;
    let rows = computed.drill(step, which, group);
    Some((drill_name(&q, &definition, step, which, zh), rows))
}

/// "第 3 步 加购 (add_to_cart) · 流失" / "Step 3 Add to cart (add_to_cart) · dropped".
pub fn drill_name(
    q: &FunnelQuery,
    definition: &FunnelDefinition,
    step: usize,
    which: Drill,
    zh: bool,
) -> String {
    let label = match q.kind {
        Kind::Repurchase => kezhi_core::funnel::REPURCHASE_STEPS
            .get(step)
            .map(|s| s.label(Lang::of_zh(zh)))
            .unwrap_or("")
            .to_string(),
        Kind::Events => definition
            .steps
            .get(step)
            .map(|s| step_label(s.event.as_str(), zh))
            .unwrap_or_default(),
    };
    let what = match (which, zh) {
        (Drill::Reached, true) => "到达",
        (Drill::Reached, false) => "reached",
        (Drill::Dropped, true) => "流失",
        (Drill::Dropped, false) => "dropped",
    };
    if zh {
        format!("第 {} 步 {label} · {what}", step + 1)
    } else {
        format!("Step {} {label} · {what}", step + 1)
    }
}

/// An event type with its label when it has one: "加购 add_to_cart".
pub fn step_label(event: &str, zh: bool) -> String {
    match crate::i18n::event_label(Lang::of_zh(zh), event) {
        Some(l) => format!("{l} ({event})"),
        None => event.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// URLs the funnel page writes, exactly as written.
    const URLS: [&str; 8] = [
        "#/funnels",
        "#/funnels?f=view~add_to_cart~pay!1d",
        "#/funnels?kind=repurchase",
        "#/funnels?kind=repurchase&rd=30",
        "#/funnels?kind=stages",
        "#/funnels?by=channel&f=view~add_to_cart~pay!1d&per=week",
        "#/funnels?by=segment&bys=a1b2c3d4e5f6&seg=0f1e2d3c4b5a",
        "#/funnels?dg=2&ds=3&dw=dropped&f=view~add_to_cart~pay!1d",
    ];

    #[test]
    fn the_funnel_urls_round_trip_byte_for_byte() {
        for url in URLS {
            let q = FunnelQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        let q = FunnelQuery::from_route(&Route::parse(
            "#/funnels?dg=2&ds=3&dw=dropped&kind=repurchase&rd=0",
        ));
        assert_eq!(q.kind, Kind::Repurchase);
        assert_eq!(q.drill, Some((2, Drill::Dropped, Some(2))));
        // Not a positive number of days: the default window.
        assert_eq!(q.repurchase_days, REPURCHASE_DAYS);
    }

    #[test]
    fn edits_write_the_same_urls_as_before() {
        let r = Route::parse("#/funnels?dg=1&ds=2&dw=reached&f=view~pay!1d");
        // A new definition clears the drill-down of the old one.
        let edited = r.clone().update(|q: &mut FunnelQuery| {
            q.definition_text = Some("view~add_to_cart~pay!1d".into());
            q.drill = None;
        });
        assert_eq!(edited.to_hash(), "#/funnels?f=view~add_to_cart~pay!1d");
        let drilled = Route::parse("#/funnels?f=view~pay!1d")
            .update(|q: &mut FunnelQuery| q.drill = Some((0, Drill::Reached, None)));
        assert_eq!(drilled.to_hash(), "#/funnels?ds=1&dw=reached&f=view~pay!1d");
        let weekly = r.update(|q: &mut FunnelQuery| {
            q.period = Period::Week;
            q.drill = None;
        });
        assert_eq!(weekly.to_hash(), "#/funnels?f=view~pay!1d&per=week");
    }
}
