//! The dashboard's reports over a date range (in the URL as `from`/`to`): monthly trends, the
//! sales decomposition, channel and city breakdowns, top customers; and the churn warnings.

use crate::components::{BarChart, ChartData, Series, Unit};
use crate::derived::{Derived, use_derived};
use crate::i18n::Msg;
use crate::pages::customers::query::CustomersQuery;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::route::{PageQuery, Route, View};
use crate::store::{Store, use_store};
use crate::ui::{Ui, use_ui};
use chrono::{Months, NaiveDate};
use kezhi_core::channel::{CHANNELS, display};
use kezhi_core::metrics;
use kezhi_core::model::Stage;
use kezhi_core::money::{thousands, yuan_display};
use kezhi_core::report::{DateRange, ReportBuilder, Reports, Share};
use leptos::prelude::*;

/// Cities shown in the breakdown; the rest are summed as "other".
const TOP_CITIES: usize = 10;
/// Churn warnings listed on the dashboard; the whole list opens as a customer list.
const WARNINGS_SHOWN: usize = 8;

/// The dashboard's state in its URL: the reports' date range (`from`, `to`: `2026-01-31`, both
/// days included; absent: open-ended).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DashboardQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const DATE: &str = "%Y-%m-%d";

impl PageQuery for DashboardQuery {
    fn from_route(r: &Route) -> Self {
        let date = |k: &str| {
            r.param(k)
                .and_then(|v| NaiveDate::parse_from_str(v, DATE).ok())
        };
        DashboardQuery {
            from: date("from"),
            to: date("to"),
        }
    }

    fn to_route(&self) -> Route {
        let fmt = |d: Option<NaiveDate>| d.map(|d| d.format(DATE).to_string());
        Route::new(View::Dashboard)
            .with("from", fmt(self.from))
            .with("to", fmt(self.to))
    }
}

fn dates(ui: Ui) -> DashboardQuery {
    ui.query::<DashboardQuery>()
}

fn set_range(ui: Ui, from: Option<NaiveDate>, to: Option<NaiveDate>) {
    ui.replace_query(|q: &mut DashboardQuery| *q = DashboardQuery { from, to });
}

/// Records taken per step of the reports; as many steps as fit in a slice of time are taken,
/// then the browser gets to handle input and paint (a hundred thousand customers have
/// millions of events, and a record costs more the more customers there are).
const STEP: usize = 5_000;

/// The reports of the current range, recomputed a slice at a time whenever the data, the
/// settings or the range change; the second signal says a computation is under way.
pub fn use_reports(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    ui: Ui,
) -> (ReadSignal<Reports>, ReadSignal<bool>) {
    let out = RwSignal::new(Reports::default());
    let computing = RwSignal::new(false);
    let run = StoredValue::new(0u64);
    Effect::new(move |_| {
        let analytics = derived.metrics.get();
        let settings = prefs.analytics_settings();
        let DashboardQuery { from, to } = dates(ui);
        let range = DateRange { from, to };
        let shape = store
            .data
            .with(|d| (d.customers.len(), d.orders.len(), d.events.len()));
        run.update_value(|r| *r += 1);
        let this_run = run.get_value();
        // A newer run (or a change of the data's shape) makes this one stop.
        let current = move || {
            run.try_get_value() == Some(this_run)
                && store
                    .data
                    .with_untracked(|d| (d.customers.len(), d.orders.len(), d.events.len()))
                    == shape
        };
        computing.set(true);
        platform::start_measure("kezhi:reports");
        let mut builder = store
            .data
            .with_untracked(|d| ReportBuilder::new(d, &settings, range));
        leptos::task::spawn_local(async move {
            loop {
                // Yielding first: a spawned task's first step runs before the browser paints,
                // in the task that opened the page, which the reports would make long.
                platform::yield_to_browser().await;
                if !current() {
                    return;
                }
                let slice = platform::Slice::start();
                let done = store.data.with_untracked(|d| {
                    loop {
                        let done = builder.step(d, &analytics, STEP);
                        if done || slice.over() {
                            break done;
                        }
                    }
                });
                if done {
                    break;
                }
            }
            let reports = store.data.with_untracked(|d| builder.finish(d));
            platform::end_measure("kezhi:reports");
            out.set(reports);
            computing.set(false);
        });
    });
    (out.read_only(), computing.read_only())
}

#[component]
pub fn RangePicker(computing: ReadSignal<bool>) -> impl IntoView {
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let from = move || dates(ui).from.map(|d| d.to_string()).unwrap_or_default();
    let to = move || dates(ui).to.map(|d| d.to_string()).unwrap_or_default();
    // Presets end on the last day with data (the day before the reference date).
    let last_day = move || {
        derived
            .metrics
            .with_untracked(|a| a.reference)
            .and_then(|r| r.pred_opt())
            .unwrap_or_else(platform::today)
    };
    let preset = move |months: u32| {
        let end = last_day();
        let start = end
            .checked_sub_months(Months::new(months))
            .and_then(|d| d.succ_opt());
        set_range(ui, start, Some(end));
    };
    let parse = |v: String| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
    view! {
        <div class="range card" role="group" aria-label=move || prefs.tr(Msg::DateRange)>
            <span class="field-label">{move || prefs.tr(Msg::DateRange)}</span>
            <input
                type="date"
                data-testid="range-from"
                aria-label=move || prefs.tr(Msg::From)
                prop:value=from
                on:change=move |ev| set_range(ui, parse(event_target_value(&ev)), dates(ui).to)
            />
            "–"
            <input
                type="date"
                data-testid="range-to"
                aria-label=move || prefs.tr(Msg::To)
                prop:value=to
                on:change=move |ev| set_range(ui, dates(ui).from, parse(event_target_value(&ev)))
            />
            <button class="btn" data-testid="range-3m" on:click=move |_| preset(3)>
                {move || prefs.tr(Msg::Last3Months)}
            </button>
            <button class="btn" data-testid="range-12m" on:click=move |_| preset(12)>
                {move || prefs.tr(Msg::Last12Months)}
            </button>
            <button class="btn" data-testid="range-all" on:click=move |_| set_range(ui, None, None)>
                {move || prefs.tr(Msg::AllTime)}
            </button>
            <span class="muted small" data-testid="reports-computing" aria-live="polite">
                {move || computing.get().then(|| prefs.tr(Msg::Computing))}
            </span>
        </div>
    }
}

/// Sales drawn as bars, with orders and buyers beside them on hover and in the table.
fn sales_series() -> Vec<Series> {
    vec![
        Series {
            name: Msg::Gmv,
            unit: Unit::Cents,
            plotted: true,
        },
        Series {
            name: Msg::Orders,
            unit: Unit::Count,
            plotted: false,
        },
        Series {
            name: Msg::Buyers,
            unit: Unit::Count,
            plotted: false,
        },
    ]
}

fn month_labels(r: &Reports) -> Vec<String> {
    r.months
        .iter()
        .map(|m| m.month.map(|m| m.label()).unwrap_or_default())
        .collect()
}

fn permyriad(rate: Option<f64>) -> i64 {
    rate.map_or(0, |r| (r * 10_000.0).round() as i64)
}

#[component]
pub fn Trends(reports: ReadSignal<Reports>) -> impl IntoView {
    let gmv = Signal::derive(move || {
        reports.with(|r| ChartData {
            labels: month_labels(r),
            series: sales_series(),
            values: r
                .months
                .iter()
                .map(|m| vec![m.gmv, m.orders as i64, m.buyers as i64])
                .collect(),
            stacked: false,
        })
    });
    let buyers = Signal::derive(move || {
        reports.with(|r| ChartData {
            labels: month_labels(r),
            series: vec![
                Series {
                    name: Msg::NewBuyers,
                    unit: Unit::Count,
                    plotted: true,
                },
                Series {
                    name: Msg::ReturningBuyers,
                    unit: Unit::Count,
                    plotted: true,
                },
            ],
            values: r
                .months
                .iter()
                .map(|m| vec![m.new_buyers as i64, m.returning_buyers as i64])
                .collect(),
            stacked: true,
        })
    });
    let decomposition = Signal::derive(move || {
        reports.with(|r| ChartData {
            labels: month_labels(r),
            series: vec![
                Series {
                    name: Msg::Visitors,
                    unit: Unit::Count,
                    plotted: true,
                },
                Series {
                    name: Msg::Conversion,
                    unit: Unit::Permyriad,
                    plotted: false,
                },
                Series {
                    name: Msg::PerBuyer,
                    unit: Unit::Cents,
                    plotted: false,
                },
                Series {
                    name: Msg::Gmv,
                    unit: Unit::Cents,
                    plotted: false,
                },
            ],
            values: r
                .months
                .iter()
                .map(|m| {
                    vec![
                        m.visitors as i64,
                        permyriad(m.conversion()),
                        m.per_buyer().unwrap_or(0),
                        m.gmv,
                    ]
                })
                .collect(),
            stacked: false,
        })
    });
    view! {
        <div class="charts">
            <BarChart title=Msg::MonthlyGmv testid="chart-gmv" data=gmv/>
            <BarChart title=Msg::NewVsReturning testid="chart-buyers" data=buyers/>
            <BarChart
                title=Msg::SalesDecomposition
                testid="chart-decomposition"
                data=decomposition
                hint=Msg::SalesDecompositionHint
            />
        </div>
    }
}

fn share_chart(shares: &[Share], label: impl Fn(&str) -> String, other: String) -> ChartData {
    let mut rows: Vec<(String, Vec<i64>)> = shares
        .iter()
        .take(TOP_CITIES)
        .map(|s| (label(&s.key), vec![s.gmv, s.orders as i64, s.buyers as i64]))
        .collect();
    if shares.len() > TOP_CITIES {
        let rest = &shares[TOP_CITIES..];
        rows.push((
            other,
            vec![
                rest.iter().map(|s| s.gmv).sum(),
                rest.iter().map(|s| s.orders as i64).sum(),
                rest.iter().map(|s| s.buyers as i64).sum(),
            ],
        ));
    }
    ChartData {
        labels: rows.iter().map(|(l, _)| l.clone()).collect(),
        series: sales_series(),
        values: rows.into_iter().map(|(_, v)| v).collect(),
        stacked: false,
    }
}

#[component]
pub fn Breakdowns(reports: ReadSignal<Reports>) -> impl IntoView {
    let prefs = use_prefs();
    let channels = Signal::derive(move || {
        let zh = prefs.lang.get().is_zh();
        let other = prefs.tr(Msg::Other).to_string();
        reports.with(|r| {
            share_chart(
                &r.channels,
                |k| display(&CHANNELS, k, zh).to_string(),
                other,
            )
        })
    });
    let cities = Signal::derive(move || {
        let none = prefs.tr(Msg::NoCity).to_string();
        let other = prefs.tr(Msg::Other).to_string();
        reports.with(|r| {
            share_chart(
                &r.cities,
                |k| {
                    if k.is_empty() {
                        none.clone()
                    } else {
                        k.to_string()
                    }
                },
                other,
            )
        })
    });
    view! {
        <div class="charts">
            <BarChart title=Msg::ByChannel testid="chart-channels" data=channels/>
            <BarChart title=Msg::ByCity testid="chart-cities" data=cities/>
        </div>
    }
}

fn open_customer(ui: Ui, id: uuid::Uuid) {
    ui.navigate(
        CustomersQuery {
            selected: Some(id),
            ..Default::default()
        }
        .to_route(),
    );
}

#[component]
pub fn TopCustomers(reports: ReadSignal<Reports>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let rows = move || {
        let top = reports.with(|r| r.top.clone());
        store.data.with(|d| {
            top.into_iter()
                .enumerate()
                .filter_map(|(rank, t)| {
                    let c = d.customers.get(t.index)?;
                    let id = c.id;
                    Some(view! {
                        <tr data-testid="top-customer" data-id=id.to_string() data-cents=t.gmv.to_string()>
                            <td class="num">{rank + 1}</td>
                            <td>
                                <button class="btn btn-link" on:click=move |_| open_customer(ui, id)>
                                    {c.name.clone()}
                                </button>
                            </td>
                            <td class="num">{yuan_display(t.gmv)}</td>
                            <td class="num">{thousands(t.orders)}</td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::TopCustomers)}</h2>
            <table class="mini">
                <thead>
                    <tr>
                        <th class="num">"#"</th>
                        <th>{move || prefs.tr(Msg::Name)}</th>
                        <th class="num">{move || prefs.tr(Msg::Gmv)}</th>
                        <th class="num">{move || prefs.tr(Msg::Orders)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Why a customer is at risk, in words (the Today page says it alike).
fn reason(prefs: Prefs, w: &metrics::ChurnWarning) -> String {
    crate::i18n::churn_reason(prefs.lang.get(), w)
}

#[component]
pub fn ChurnWarnings() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let warnings = Memo::new(move |_| derived.metrics.with(|a| metrics::churn_warnings(a)));
    let open_all = move |_| {
        ui.navigate(
            CustomersQuery {
                stage: Some(Stage::AtRisk),
                newly_at_risk: true,
                ..Default::default()
            }
            .to_route(),
        );
    };
    let rows = move || {
        let list = warnings.get();
        store.data.with(|d| {
            list.iter()
                .take(WARNINGS_SHOWN)
                .filter_map(|w| {
                    let c = d.customers.get(w.index)?;
                    let id = c.id;
                    Some(view! {
                        <li data-testid="churn-warning" data-id=id.to_string()>
                            <button class="btn btn-link" on:click=move |_| open_customer(ui, id)>
                                {c.name.clone()}
                            </button>
                            <span class="muted small">{reason(prefs, w)}</span>
                            <span class="num small">{yuan_display(w.total_spent)}</span>
                        </li>
                    })
                })
                .collect_view()
        })
    };
    view! {
        <div class="card" data-testid="churn-warnings" data-count=move || warnings.with(|w| w.len()).to_string()>
            <div class="chart-head">
                <h2>
                    {move || prefs.tr(Msg::ChurnWarnings)} " "
                    <span class="muted">{move || thousands(warnings.with(|w| w.len()) as u64)}</span>
                </h2>
                <button class="btn" data-testid="churn-open-list" on:click=open_all>
                    {move || prefs.tr(Msg::OpenAsList)}
                </button>
            </div>
            <p class="muted small">{move || prefs.tr(Msg::ChurnWarningsHint)}</p>
            <ul class="warnings">{rows}</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_urls_round_trip_byte_for_byte() {
        for url in [
            "#/dashboard",
            "#/dashboard?from=2026-01-01",
            "#/dashboard?from=2026-01-01&to=2026-10-31",
            "#/dashboard?to=2026-10-31",
        ] {
            assert_eq!(
                DashboardQuery::from_route(&Route::parse(url))
                    .to_route()
                    .to_hash(),
                url
            );
        }
        let q = DashboardQuery::from_route(&Route::parse("#/dashboard?from=2026-02-03&to=x"));
        assert_eq!(q.from, NaiveDate::from_ymd_opt(2026, 2, 3));
        assert_eq!(q.to, None);
    }
}
