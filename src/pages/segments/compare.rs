//! A segment against the rest (`#/segments/compare?seg=<saved id>` or `?sq=<typed query>`, with
//! `fn=repurchase|<saved funnel id>` for the funnel; issue 17): the core's `segment::compare`
//! side by side — key figures with their difference, two R×F grids, the stage and tier
//! distributions, a funnel's conversion per step. The definitions are in docs/analytics.md,
//! "Segment vs the rest".
//!
//! Test hooks (their `data-value` is raw: counts as integers, money in cents, rates as shares
//! with six decimals, a rate's difference in percentage points with four; empty where a side has
//! no value): `compare-figure` (`data-metric`, `data-side` = `segment|rest|diff`),
//! `compare-rf-cell` (`data-side`, `data-r`, `data-f`, `data-count`), `compare-stage`
//! (`data-stage`), `compare-tier` (`data-tier`, the tier's code), `compare-funnel-step`
//! (`data-step` from 1, `data-count` reached, `data-rate` of step 1 with six decimals).

use super::rows_of;
use crate::components::EmptyState;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::i18n::{Lang, Localize};
use crate::pages::dashboard::rf_table;
use crate::pages::funnels::query::step_label;
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::{PageQuery, Route, View};
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::funnel::{FunnelError, FunnelTemplate, REPURCHASE_STEPS, purchase_funnel};
use kezhi_core::model::Stage;
use kezhi_core::money::{thousands, yuan_display};
use kezhi_core::segment::compare::{
    ComparedFunnel, Comparison, Difference, FunnelComparison, Metric, Side, Value, compare,
    compare_funnel, member_flags,
};
use leptos::prelude::*;
use std::sync::Arc;

/// The repurchase template's window here: the funnel page's default.
const REPURCHASE_DAYS: u32 = crate::pages::funnels::query::REPURCHASE_DAYS;

/// The comparison's state in its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompareQuery {
    /// A saved segment's id (`seg`).
    pub segment: Option<String>,
    /// A typed query (`sq`), when no saved segment is named.
    pub query: Option<String>,
    /// The funnel (`fn`): none for the purchase template, `repurchase`, or a saved funnel's id.
    pub funnel: Option<String>,
}

impl PageQuery for CompareQuery {
    fn from_route(r: &Route) -> Self {
        CompareQuery {
            segment: r.param("seg").map(str::to_string),
            query: r.param("sq").map(str::to_string),
            funnel: r.param("fn").map(str::to_string),
        }
    }

    fn to_route(&self) -> Route {
        Route::new(View::SegmentCompare)
            .with("seg", self.segment.clone())
            .with("sq", self.query.clone())
            .with("fn", self.funnel.clone())
    }
}

/// Why there is nothing to compare.
#[derive(Clone, Debug, PartialEq)]
enum Problem {
    NoSegment,
    SegmentGone,
    /// The typed query's error, worded.
    Query(String),
}

/// The members compared: a name to show and their positions.
#[derive(Clone, Debug, PartialEq)]
struct Members {
    name: String,
    rows: Arc<Vec<usize>>,
}

/// A side as its hooks spell it.
fn side_code(members: bool) -> &'static str {
    if members { "segment" } else { "rest" }
}

/// `data-value` of a figure.
fn raw(v: Option<Value>) -> String {
    match v {
        Some(Value::Count(n)) => n.to_string(),
        Some(Value::Cents(c)) => c.to_string(),
        Some(Value::Rate(r)) => format!("{r:.6}"),
        None => String::new(),
    }
}

fn shown(v: Option<Value>) -> String {
    match v {
        Some(Value::Count(n)) => thousands(n),
        Some(Value::Cents(c)) => yuan_display(c),
        Some(Value::Rate(r)) => format!("{:.2}%", r * 100.0),
        None => "—".into(),
    }
}

fn raw_difference(d: Option<Difference>) -> String {
    match d {
        Some(Difference::Count(n)) => n.to_string(),
        Some(Difference::Cents(c)) => c.to_string(),
        Some(Difference::Points(p)) => format!("{p:.4}"),
        None => String::new(),
    }
}

fn shown_difference(d: Option<Difference>, points: &str) -> String {
    let sign = |negative: bool| if negative { "−" } else { "+" };
    match d {
        Some(Difference::Count(n)) => format!("{}{}", sign(n < 0), thousands(n.unsigned_abs())),
        Some(Difference::Cents(c)) => {
            format!("{}{}", sign(c < 0), yuan_display(c.saturating_abs()))
        }
        Some(Difference::Points(p)) => format!("{}{:.2} {points}", sign(p < 0.0), p.abs()),
        None => "—".into(),
    }
}

fn metric_label(m: Metric) -> Msg {
    match m {
        Metric::Customers => Msg::Customers,
        Metric::Buyers => Msg::Buyers,
        Metric::PaidOrders => Msg::ComparePaidOrders,
        Metric::NetSpend => Msg::NetSales,
        Metric::Aov => Msg::Aov,
        Metric::RepeatRate => Msg::RepeatRate,
    }
}

/// The funnel compared, its steps' labels (in both languages) and each side's counts.
#[derive(Clone, Debug, PartialEq)]
struct ComparedSteps {
    labels: Vec<(String, String)>,
    result: FunnelComparison,
    /// The URL named a saved funnel that is gone: the purchase template is shown instead.
    gone: bool,
}

#[component]
pub fn SegmentComparePage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let empty = Memo::new(move |_| store.data.with(|d| d.is_empty()));
    let query = ui.page_query::<CompareQuery>();
    // The members depend on the segment part of the URL only: another funnel recomputes none.
    let scope = Memo::new(move |_| query.with(|q| (q.segment.clone(), q.query.clone())));
    let members = Memo::new(move |_| -> Result<Members, Problem> {
        let (segment, typed) = scope.get();
        if let Some(id) = segment {
            let saved = store
                .segments
                .with(|l| l.iter().find(|s| s.id == id).cloned())
                .ok_or(Problem::SegmentGone)?;
            let rows = rows_of(store, derived, prefs, &saved);
            return Ok(Members {
                name: saved.name,
                rows: Arc::new(rows),
            });
        }
        let typed = typed.ok_or(Problem::NoSegment)?;
        match super::select(store, derived, prefs, &typed) {
            super::Selection::Rows(rows) => Ok(Members {
                name: typed,
                rows: Arc::new(rows),
            }),
            // Worded in the shown language (the selection follows it).
            super::Selection::Error { message, .. } => Err(Problem::Query(message)),
        }
    });
    let comparison = Memo::new(move |_| -> Option<Arc<Comparison>> {
        let m = members.get().ok()?;
        let analytics = derived.metrics.get();
        Some(Arc::new(platform::timed("kezhi:compare", || {
            compare(&analytics, &m.rows)
        })))
    });
    let funnel = Memo::new(move |_| -> Option<Result<ComparedSteps, FunnelError>> {
        let m = members.get().ok()?;
        let choice = query.with(|q| q.funnel.clone());
        let flags = store
            .data
            .with(|d| member_flags(d.customers.len(), &m.rows));
        let offset = platform::local_offset();
        let labelled = |events: Vec<String>| -> Vec<(String, String)> {
            events
                .iter()
                .map(|e| (step_label(e, true), step_label(e, false)))
                .collect()
        };
        let outcome = match choice.as_deref() {
            Some("repurchase") => store
                .data
                .with(|d| {
                    compare_funnel(
                        d,
                        ComparedFunnel::Repurchase {
                            within_days: REPURCHASE_DAYS,
                        },
                        &flags,
                        offset,
                    )
                })
                .map(|result| ComparedSteps {
                    labels: REPURCHASE_STEPS
                        .iter()
                        .map(|s| (s.label(Lang::Zh).to_string(), s.label(Lang::En).to_string()))
                        .collect(),
                    result,
                    gone: false,
                }),
            other => {
                let saved = other.and_then(|id| {
                    store
                        .funnels
                        .with(|l| l.iter().find(|f| f.id == id).map(|f| f.definition.clone()))
                });
                let gone = other.is_some() && saved.is_none();
                let definition = saved.unwrap_or_else(purchase_funnel);
                let index = derived.event_index.get();
                let events = definition
                    .steps
                    .iter()
                    .map(|s| s.event.as_str().to_string())
                    .collect();
                store
                    .data
                    .with(|d| {
                        compare_funnel(
                            d,
                            ComparedFunnel::Events {
                                index: &index,
                                definition: &definition,
                            },
                            &flags,
                            offset,
                        )
                    })
                    .map(|result| ComparedSteps {
                        labels: labelled(events),
                        result,
                        gone,
                    })
            }
        };
        Some(outcome)
    });

    let segment_options = move || {
        store
            .segments
            .get()
            .into_iter()
            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
            .collect_view()
    };
    let funnel_options = move || {
        let zh = prefs.lang.get().is_zh();
        let template =
            |code: &str| FunnelTemplate::from_code(code).map_or("", |t| t.label(Lang::of_zh(zh)));
        let saved = store
            .funnels
            .get()
            .into_iter()
            .map(|f| view! { <option value=f.id.clone()>{f.name.clone()}</option> })
            .collect_view();
        view! {
            <option value="">{template("purchase")}</option>
            <option value="repurchase">{format!("{} ({REPURCHASE_DAYS}d)", template("repurchase"))}</option>
            {saved}
        }
    };
    let problem = move || {
        members.get().err().map(|p| {
            let text = match p {
                Problem::NoSegment => prefs.tr(Msg::CompareChoose).to_string(),
                Problem::SegmentGone => prefs.tr(Msg::CohortSegmentGone).to_string(),
                Problem::Query(message) => message,
            };
            view! { <p class="form-error" data-testid="compare-problem" role="alert">{text}</p> }
        })
    };

    view! {
        <section class="page segment-compare">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::CompareTitle)}</h1>
                    <a class="btn" href="#/segments" data-testid="compare-back">
                        {move || prefs.tr(Msg::CompareBack)}
                    </a>
                </header>
                <p class="muted small">{move || prefs.tr(Msg::CompareHint)}</p>
                // Not `.filters`: on a phone those fold away behind the list's toggle.
                <div class="card compare-controls">
                    <label class="filter">
                        <span class="field-label">{move || prefs.tr(Msg::FilterSegment)}</span>
                        <select
                            data-testid="compare-segment"
                            prop:value=move || query.with(|q| q.segment.clone().unwrap_or_default())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                ui.replace_query(|q: &mut CompareQuery| {
                                    q.segment = Some(v).filter(|v| !v.is_empty());
                                    q.query = None;
                                });
                            }
                        >
                            <option value="">
                                {move || if query.with(|q| q.query.is_some()) { prefs.tr(Msg::CompareTypedQuery) } else { "—" }}
                            </option>
                            {segment_options}
                        </select>
                    </label>
                    {move || members.get().ok().map(|m| view! {
                        <span class="compare-name" data-testid="compare-name" data-count=m.rows.len().to_string()>
                            <strong>{m.name.clone()}</strong>
                        </span>
                    })}
                </div>
                {problem}
                {move || comparison.get().map(|c| view! {
                    <Figures comparison=c.clone()/>
                    <Grids comparison=c.clone()/>
                    <Distributions comparison=c/>
                })}
                {move || members.get().is_ok().then(|| view! {
                    <div class="card">
                        <h2>{move || prefs.tr(Msg::CompareFunnel)}</h2>
                        <label class="filter">
                            <span class="field-label">{move || prefs.tr(Msg::NavFunnels)}</span>
                            <select
                                data-testid="compare-funnel"
                                // A saved funnel that is gone shows as the template computed instead.
                                prop:value=move || {
                                    let gone = funnel.with(|f| matches!(f, Some(Ok(s)) if s.gone));
                                    if gone { String::new() } else { query.with(|q| q.funnel.clone().unwrap_or_default()) }
                                }
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    ui.replace_query(|q: &mut CompareQuery| q.funnel = Some(v).filter(|v| !v.is_empty()));
                                }
                            >
                                {funnel_options}
                            </select>
                        </label>
                        {move || funnel.get().map(|f| match f {
                            Ok(steps) => view! { <FunnelTable steps/> }.into_any(),
                            Err(e) => view! {
                                <p class="form-error" role="alert">{move || crate::i18n::funnel_error(prefs.lang.get(), &e)}</p>
                            }
                            .into_any(),
                        })}
                    </div>
                })}
            </Show>
        </section>
    }
}

/// The key figures, side by side, with members − the rest.
#[component]
fn Figures(comparison: Arc<Comparison>) -> impl IntoView {
    let prefs = use_prefs();
    let rows = Metric::ALL
        .into_iter()
        .map(|metric| {
            let code = metric.code();
            let cell = |side: &Side, members: bool| {
                let v = side.value(metric);
                view! {
                    <td class="num" data-testid="compare-figure" data-metric=code data-side=side_code(members) data-value=raw(v)>
                        {shown(v)}
                    </td>
                }
            };
            let d = comparison.difference(metric);
            view! {
                <tr>
                    <th scope="row">{move || prefs.tr(metric_label(metric))}</th>
                    {cell(&comparison.members, true)}
                    {cell(&comparison.rest, false)}
                    <td
                        class="num"
                        class:up=matches!(d, Some(Difference::Count(1..) | Difference::Cents(1..)))
                            || matches!(d, Some(Difference::Points(p)) if p > 0.0)
                        data-testid="compare-figure"
                        data-metric=code
                        data-side="diff"
                        data-value=raw_difference(d)
                    >
                        {move || shown_difference(d, prefs.tr(Msg::ComparePoints))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::CompareFigures)}</h2>
            <table class="mini compare-table">
                <thead>
                    <tr>
                        <th><span class="visually-hidden">{move || prefs.tr(Msg::CompareFigures)}</span></th>
                        <th class="num">{move || prefs.tr(Msg::CompareMembers)}</th>
                        <th class="num">{move || prefs.tr(Msg::CompareRest)}</th>
                        <th class="num">{move || prefs.tr(Msg::CompareDifference)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="muted small">{move || prefs.tr(Msg::AovHint)} " · " {move || prefs.tr(Msg::RepeatHint)}</p>
        </div>
    }
}

/// One side's R×F grid (the dashboard's table, over the side's customers).
fn grid(side: &Side, members: bool) -> impl IntoView + use<> {
    rf_table(side.rf, "compare-rf-cell", Some(side_code(members)))
}

#[component]
fn Grids(comparison: Arc<Comparison>) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::RfGrid)}</h2>
            <div class="compare-sides">
                <div>
                    <h3>{move || prefs.tr(Msg::CompareMembers)}</h3>
                    {grid(&comparison.members, true)}
                </div>
                <div>
                    <h3>{move || prefs.tr(Msg::CompareRest)}</h3>
                    {grid(&comparison.rest, false)}
                </div>
            </div>
        </div>
    }
}

/// A bar of a side's share (of the side's customers) with its count.
fn bar(n: usize, of: usize, members: bool) -> impl IntoView + use<> {
    let share = n as f64 / of.max(1) as f64;
    view! {
        <span class="compare-bar">
            <span class="compare-track">
                <span class="bar" class:bar-rest=!members style:width=format!("{:.1}%", share * 100.0)></span>
            </span>
            <span class="num small">{format!("{} · {:.1}%", thousands(n as u64), share * 100.0)}</span>
        </span>
    }
}

/// The lifecycle stages and value tiers of both sides, as bars of each side's share.
#[component]
fn Distributions(comparison: Arc<Comparison>) -> impl IntoView {
    let prefs = use_prefs();
    let derived = use_derived();
    let (m, r) = (&comparison.members, &comparison.rest);
    let (mn, rn) = (m.kpis.customers, r.kpis.customers);
    let stage_rows = m
        .stages
        .iter()
        .zip(&r.stages)
        .map(|(&(stage, a), &(_, b))| {
            let code = Stage::code(stage);
            view! {
                <tr>
                    <td><span class=format!("stage stage-{code}")>{move || stage.label(prefs.lang.get())}</span></td>
                    <td class="bar-cell" data-testid="compare-stage" data-side="segment" data-stage=code data-count=a.to_string()>{bar(a, mn, true)}</td>
                    <td class="bar-cell" data-testid="compare-stage" data-side="rest" data-stage=code data-count=b.to_string()>{bar(b, rn, false)}</td>
                </tr>
            }
        })
        .collect_view();
    let tiers = derived.metrics.with_untracked(|a| a.tiers.clone());
    let tier_rows = tiers
        .into_iter()
        .enumerate()
        .map(|(t, tier)| {
            let (a, b) = (
                m.tiers.get(t).copied().unwrap_or(0),
                r.tiers.get(t).copied().unwrap_or(0),
            );
            let code = tier.code.clone();
            view! {
                <tr>
                    <td>{move || tier.name(prefs.lang.get().is_zh()).to_string()}</td>
                    <td class="bar-cell" data-testid="compare-tier" data-side="segment" data-tier=code.clone() data-count=a.to_string()>{bar(a, mn, true)}</td>
                    <td class="bar-cell" data-testid="compare-tier" data-side="rest" data-tier=code data-count=b.to_string()>{bar(b, rn, false)}</td>
                </tr>
            }
        })
        .collect_view();
    let head = move || {
        view! {
            <thead>
                <tr>
                    <th><span class="visually-hidden">{move || prefs.tr(Msg::FilterSegment)}</span></th>
                    <th>{move || prefs.tr(Msg::CompareMembers)}</th>
                    <th>{move || prefs.tr(Msg::CompareRest)}</th>
                </tr>
            </thead>
        }
    };
    view! {
        <div class="compare-sides">
            <div class="card">
                <h2>{move || prefs.tr(Msg::LifecycleMix)}</h2>
                <table class="mini compare-dist">{head()}<tbody>{stage_rows}</tbody></table>
            </div>
            <div class="card">
                <h2>{move || prefs.tr(Msg::CompareTiers)}</h2>
                <table class="mini compare-dist">{head()}<tbody>{tier_rows}</tbody></table>
            </div>
        </div>
    }
}

/// The funnel's steps for both sides: customers reached and the share of step 1.
#[component]
fn FunnelTable(steps: ComparedSteps) -> impl IntoView {
    let prefs = use_prefs();
    let f = steps.result;
    let gone = steps.gone.then(|| {
        view! { <p class="form-error" data-testid="compare-funnel-gone" role="alert">{move || prefs.tr(Msg::CompareFunnelGone)}</p> }
    });
    let rows = steps
        .labels
        .into_iter()
        .enumerate()
        .map(|(i, (zh, en))| {
            let cell = |side: &kezhi_core::segment::compare::FunnelSide, members: bool| {
                let n = side.reached.get(i).copied().unwrap_or(0);
                let rate = side.from_first(i);
                view! {
                    <td
                        class="num"
                        data-testid="compare-funnel-step"
                        data-side=side_code(members)
                        data-step=(i + 1).to_string()
                        data-count=n.to_string()
                        data-rate=rate.map(|r| format!("{r:.6}")).unwrap_or_default()
                    >
                        {thousands(u64::from(n))}
                        " · "
                        {rate.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0))}
                    </td>
                }
            };
            let d = f.from_first_points(i).map(Difference::Points);
            view! {
                <tr>
                    <th scope="row">{format!("{}. ", i + 1)}{move || if prefs.lang.get().is_zh() { zh.clone() } else { en.clone() }}</th>
                    {cell(&f.members, true)}
                    {cell(&f.rest, false)}
                    <td class="num" data-testid="compare-funnel-diff" data-step=(i + 1).to_string() data-value=raw_difference(d)>
                        {move || shown_difference(d, prefs.tr(Msg::ComparePoints))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {gone}
        <table class="mini compare-table">
            <thead>
                <tr>
                    <th>{move || prefs.tr(Msg::FunnelStep)}</th>
                    <th class="num">{move || prefs.tr(Msg::CompareMembers)}</th>
                    <th class="num">{move || prefs.tr(Msg::CompareRest)}</th>
                    <th class="num">{move || prefs.tr(Msg::CompareDifference)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="muted small">{move || prefs.tr(Msg::CompareFunnelHint)}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comparison_urls_round_trip_byte_for_byte() {
        for url in [
            "#/segments/compare",
            "#/segments/compare?seg=a1b2c3d4e5f6",
            "#/segments/compare?fn=repurchase&seg=a1b2c3d4e5f6",
            "#/segments/compare?sq=orders%20%3E%3D%202",
        ] {
            let q = CompareQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        let q =
            CompareQuery::from_route(&Route::parse("#/segments/compare?sq=orders%20%3E%3D%202"));
        assert_eq!(q.query.as_deref(), Some("orders >= 2"));
    }

    #[test]
    fn raw_values_and_differences() {
        assert_eq!(raw(Some(Value::Rate(2.0 / 3.0))), "0.666667");
        assert_eq!(raw(Some(Value::Cents(-5))), "-5");
        assert_eq!(raw(None), "");
        assert_eq!(
            raw_difference(Some(Difference::Points(200.0 / 3.0))),
            "66.6667"
        );
        assert_eq!(
            shown_difference(Some(Difference::Cents(-12_345)), "pp"),
            "−¥123.45"
        );
        assert_eq!(
            shown_difference(Some(Difference::Count(1234)), "pp"),
            "+1,234"
        );
        assert_eq!(
            shown_difference(Some(Difference::Points(-0.5)), "pp"),
            "−0.50 pp"
        );
        assert_eq!(shown_difference(None, "pp"), "—");
    }
}
