//! The retention grid: a row per cohort (its month, its size), a column per month after the
//! first order. As a heat map, cells are coloured by their rate; as a table, plain numbers.
//! Hover (the cell's title) gives count and rate; a click lists the cell's customers. Every
//! cell carries the UI contract's figures (`cohort-cell`, `cohort-size`) whichever view is
//! shown.

use super::query::{CohortsQuery, Metric, SegmentGone};
use crate::i18n::Msg;
use crate::pages::customers::query::CustomersQuery;
use crate::pages::dashboard::heat;
use crate::prefs::{Prefs, use_prefs};
use crate::route::PageQuery;
use crate::ui::{Ui, use_ui};
use kezhi_core::cohort::{Cohort, CohortTable};
use kezhi_core::money::{thousands, yuan_display};
use kezhi_core::report::Month;
use leptos::prelude::*;

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// Opens the customers of a cell (`period`) or of a whole cohort (`None`) as a list.
fn open(ui: Ui, q: &CohortsQuery, month: Month, period: Option<usize>) {
    ui.navigate(
        CustomersQuery {
            cohort: Some(q.cell_param(month, period)),
            ..Default::default()
        }
        .to_route(),
    );
}

/// A cell's rate in the shown metric.
fn rate(c: &Cohort, k: usize, metric: Metric) -> Option<f64> {
    match metric {
        Metric::Customers => c.rate(k),
        Metric::Revenue => c.revenue_rate(k),
    }
}

/// The rate that gets the heat map's full colour: the 95th percentile of the rates after month
/// 0 (month 0 is 100 % by definition). Not the largest: a cohort of one customer who came back
/// makes a 100 % cell that would leave every other cell pale; retention after the first month
/// is a fraction of it, and the colours should tell those fractions apart.
fn full_colour_rate(table: &CohortTable, metric: Metric) -> f64 {
    let mut rates: Vec<f64> = table
        .cohorts
        .iter()
        .flat_map(|c| (1..c.periods()).filter_map(move |k| rate(c, k, metric)))
        .filter(|r| r.is_finite())
        .collect();
    kezhi_core::sorting::sort_by(&mut rates, f64::total_cmp);
    let at = (rates.len().saturating_sub(1) as f64 * 0.95).round() as usize;
    rates.get(at).copied().unwrap_or(0.0)
}

/// "2025-01 · 第 2 月：3 / 12 位客户（25.0%）" or, for revenue, the net spend.
fn title(prefs: Prefs, c: &Cohort, k: usize, metric: Metric) -> String {
    let period = prefs.tr(Msg::CohortPeriod).replace("{k}", &k.to_string());
    let what = match metric {
        Metric::Customers => prefs
            .tr(Msg::CohortCellCustomers)
            .replace("{count}", &thousands(u64::from(c.active[k])))
            .replace("{size}", &thousands(u64::from(c.size)))
            .replace("{rate}", &percent(c.rate(k))),
        Metric::Revenue => prefs
            .tr(Msg::CohortCellRevenue)
            .replace("{cents}", &yuan_display(c.revenue[k]))
            .replace("{rate}", &percent(c.revenue_rate(k))),
    };
    format!("{} · {period}: {what}", c.month.label())
}

fn cell(
    prefs: Prefs,
    ui: Ui,
    q: &CohortsQuery,
    c: &Cohort,
    k: usize,
    top: f64,
) -> impl IntoView + use<> {
    let metric = q.metric;
    let shown = rate(c, k, metric);
    let (background, color) = match (q.table, k, shown) {
        (true, _, _) => (None, None),
        (false, 0, Some(_)) => {
            let (b, f) = heat(1.0);
            (Some(b), Some(f))
        }
        (false, _, Some(r)) if top > 0.0 => {
            let (b, f) = heat((r / top).min(1.0));
            (Some(b), Some(f))
        }
        (false, _, _) => {
            let (b, f) = heat(0.0);
            (Some(b), Some(f))
        }
    };
    let text = match (q.table, metric) {
        (false, _) => percent(shown),
        (true, Metric::Customers) => {
            format!("{} ({})", thousands(u64::from(c.active[k])), percent(shown))
        }
        (true, Metric::Revenue) => format!("{} ({})", yuan_display(c.revenue[k]), percent(shown)),
    };
    let label = title(prefs, c, k, metric);
    let aria = label.clone();
    let month = c.month;
    let q = q.clone();
    view! {
        <td
            class="cohort-cell"
            data-testid="cohort-cell"
            data-cohort=month.label()
            data-period=k.to_string()
            data-count=c.active[k].to_string()
            data-rate=c.rate_text(k)
            data-cents=c.revenue[k].to_string()
            data-revenue-rate=c.revenue_rate_text(k)
            title=label
            style:background=background
            style:color=color
        >
            <button
                class="cohort-hit"
                aria-label=aria
                disabled=c.active[k] == 0
                on:click=move |_| open(ui, &q, month, Some(k))
            >
                {text}
            </button>
        </td>
    }
}

fn row(prefs: Prefs, ui: Ui, q: &CohortsQuery, c: &Cohort, top: f64) -> impl IntoView + use<> {
    let month = c.month;
    let cells = (0..c.periods())
        .map(|k| cell(prefs, ui, q, c, k, top))
        .collect_view();
    let whole = q.clone();
    view! {
        <tr>
            <th scope="row" class="cohort-month">{month.label()}</th>
            <td
                class="cohort-size num"
                data-testid="cohort-size"
                data-cohort=month.label()
                data-count=c.size.to_string()
            >
                <button class="btn btn-link" on:click=move |_| open(ui, &whole, month, None)>
                    {thousands(u64::from(c.size))}
                </button>
            </td>
            {cells}
        </tr>
    }
}

#[component]
pub fn CohortGrid(
    table: Memo<Result<CohortTable, SegmentGone>>,
    query: Memo<CohortsQuery>,
) -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    let body = move || {
        // The titles read the language (`tr`); the table is not recomputed for it.
        let q = query.get();
        table.with(|t| match t {
            Err(SegmentGone) => view! {
                <p class="muted" data-testid="cohort-empty">{prefs.tr(Msg::CohortSegmentGone)}</p>
            }
            .into_any(),
            Ok(t) if t.cohorts.is_empty() => view! {
                <p class="muted" data-testid="cohort-empty">{prefs.tr(Msg::CohortNone)}</p>
            }
            .into_any(),
            Ok(t) => {
                let top = full_colour_rate(t, q.metric);
                let heads = (0..t.periods())
                    .map(|k| {
                        let name = prefs.tr(Msg::CohortPeriod).replace("{k}", &k.to_string());
                        view! { <th scope="col" title=name>{k}</th> }
                    })
                    .collect_view();
                let rows = t
                    .cohorts
                    .iter()
                    .map(|c| row(prefs, ui, &q, c, top))
                    .collect_view();
                view! {
                    <div class="chart-scroll" tabindex="0" role="region" aria-label=prefs.tr(Msg::CohortsTitle)>
                        <table
                            class="cohort-grid"
                            class:cohort-heat=!q.table
                            data-testid="cohort-grid"
                            data-metric=if q.metric == Metric::Revenue { "revenue" } else { "customers" }
                            data-view=if q.table { "table" } else { "heat" }
                        >
                            <thead>
                                <tr>
                                    <th scope="col">{prefs.tr(Msg::CohortColumn)}</th>
                                    <th scope="col" class="num">{prefs.tr(Msg::Customers)}</th>
                                    {heads}
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="card">
            <p class="muted small">
                {move || prefs.tr(match query.with(|q| q.metric) {
                    Metric::Customers => Msg::CohortCustomersHint,
                    Metric::Revenue => Msg::CohortRevenueHint,
                })}
            </p>
            {body}
        </div>
    }
}
