//! What a computed funnel shows: steps with counts, conversion and drop-off (and their
//! customers), a chart and table, time to convert, conversion over time, side-by-side groups
//! of a breakdown, and the lifecycle stage funnel.

use super::counted::Outcome;
use super::query::{Computed, FunnelQuery, Kind, drill_name, step_label};
use crate::components::{BarChart, ChartData, NameInput, Series, Unit};
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::i18n::{Lang, Localize, time_bucket_label};
use crate::pages::customers::query::CustomersQuery;
use crate::pages::export::{Exporter, FileKind};
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use crate::store::use_store;
use crate::ui::{ToastKind, Ui, use_ui};
use kezhi_core::funnel::{
    Drill, FunnelDefinition, REPURCHASE_STEPS, STAGE_FUNNEL, TIME_BUCKETS, TimeStats, rate,
    stage_funnel,
};
use kezhi_core::money::thousands;
use kezhi_core::segment::saved::{SavedSegment, Snapshot};
use kezhi_core::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};
use leptos::prelude::*;

/// "2 小时 5 分" / "2 h 5 min"; days with one decimal past a day.
pub fn duration(ms: i64, zh: bool) -> String {
    let (d, h, m, s) = if zh {
        ("天", "小时", "分", "秒")
    } else {
        (" d", " h", " min", " s")
    };
    if ms >= MS_PER_DAY {
        format!("{:.1}{d}", ms as f64 / MS_PER_DAY as f64)
    } else if ms >= MS_PER_HOUR {
        format!(
            "{}{h} {}{m}",
            ms / MS_PER_HOUR,
            (ms % MS_PER_HOUR) / MS_PER_MINUTE
        )
    } else if ms >= MS_PER_MINUTE {
        format!("{}{m}", ms / MS_PER_MINUTE)
    } else {
        format!("{}{s}", ms / 1000)
    }
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// Step labels of what is shown (events or the repurchase funnel's two orders).
fn labels(q: &FunnelQuery, d: &FunnelDefinition, zh: bool) -> Vec<String> {
    match q.kind {
        Kind::Repurchase => REPURCHASE_STEPS
            .iter()
            .map(|s| s.label(Lang::of_zh(zh)).to_string())
            .collect(),
        Kind::Events => d
            .steps
            .iter()
            .map(|s| {
                let mut l = step_label(s.event.as_str(), zh);
                for f in &s.filters {
                    l.push_str(&format!(
                        " [{}={}]",
                        f.field.label(Lang::of_zh(zh)),
                        f.value.as_str()
                    ));
                }
                l
            })
            .collect(),
    }
}

fn set_drill(ui: Ui, step: usize, which: Drill, group: Option<usize>) {
    ui.replace_query(|q: &mut FunnelQuery| q.drill = Some((step, which, group)));
}

#[component]
pub fn Results(
    query: Memo<FunnelQuery>,
    draft: RwSignal<FunnelDefinition>,
    computed: ReadSignal<Option<Outcome>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    let ok = move || computed.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned());
    let step_labels = move || {
        let zh = prefs.lang.get().is_zh();
        query.with(|q| draft.with(|d| labels(q, d, zh)))
    };
    let error = move || {
        // The editor already shows a definition's own error.
        let valid =
            draft.with(|d| d.validate().is_ok()) || query.with(|q| q.kind == Kind::Repurchase);
        let zh = prefs.lang.get().is_zh();
        computed
            .with(|c| {
                c.as_ref()
                    .and_then(|c| c.as_ref().err())
                    .map(|e| e.message(zh))
            })
            .filter(|_| valid)
    };
    let steps = move || {
        let Some(c) = ok() else {
            return ().into_any();
        };
        let s = &c.result().stats;
        let names = step_labels();
        let first = s.entered().max(1);
        s.steps
            .iter()
            .enumerate()
            .map(|(i, st)| {
                let width = f64::from(st.reached) / f64::from(first) * 100.0;
                // An optional step has no drop-off: customers who skip it go on.
                let last = i + 1 == s.steps.len() || st.optional;
                let optional = st.optional;
                view! {
                    <li
                        class="funnel-result"
                        class:funnel-result-optional=optional
                        data-testid="funnel-result-step"
                        data-step=(i + 1).to_string()
                        data-count=st.reached.to_string()
                        data-rate=format!("{:.6}", s.conversion_from_first(i))
                        data-dropped=st.dropped.to_string()
                        data-optional=optional.to_string()
                    >
                        <div class="funnel-result-head">
                            <span class="funnel-step-no">{i + 1}</span>
                            <strong>{names.get(i).cloned().unwrap_or_default()}</strong>
                            {optional.then(|| view! {
                                <span class="badge funnel-optional-tag" data-testid="funnel-step-optional-tag">{move || prefs.tr(Msg::FunnelOptionalTag)}</span>
                            })}
                            <span class="num">{thousands(u64::from(st.reached))}</span>
                        </div>
                        <div class="funnel-bar"><span style=format!("width:{width:.2}%")></span></div>
                        <div class="funnel-result-figures muted small">
                            <span>{move || prefs.tr(Msg::FunnelFromFirst)} " " {percent(s_rate(&c, i, true))}</span>
                            <span>{move || prefs.tr(Msg::FunnelFromPrevious)} " " {percent(s_rate(&c, i, false))}</span>
                            {(!last).then(|| view! {
                                <span>{move || prefs.tr(Msg::FunnelDropped)} " " {thousands(u64::from(st.dropped))}</span>
                            })}
                            <button class="btn btn-link" data-testid="funnel-drill-reached" on:click=move |_| set_drill(ui, i, Drill::Reached, None)>
                                {move || prefs.tr(Msg::FunnelReachedList)}
                            </button>
                            {(!last).then(|| view! {
                                <button class="btn btn-link" data-testid="funnel-drill-dropped" on:click=move |_| set_drill(ui, i, Drill::Dropped, None)>
                                    {move || prefs.tr(Msg::FunnelDroppedList)}
                                </button>
                            })}
                        </div>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let summary = move || {
        ok().map(|c| {
            let s = &c.result().stats;
            let unknown = c.result().unknown_customer_records;
            let excluded = c.result().excluded;
            let with_exclusions = query.with(|q| q.kind == Kind::Events)
                && draft.with(|d| !d.exclusions.is_empty());
            view! {
                <p class="funnel-summary" data-testid="funnel-summary" data-entered=s.entered().to_string() data-converted=s.converted().to_string() data-rate=format!("{:.6}", s.overall_conversion())>
                    {move || prefs.tr(Msg::FunnelEntered)} " " <strong>{thousands(u64::from(s.entered()))}</strong>
                    " · " {move || prefs.tr(Msg::FunnelConverted)} " " <strong>{thousands(u64::from(s.converted()))}</strong>
                    " · " {move || prefs.tr(Msg::FunnelOverall)} " " <strong>{percent(s.overall_conversion())}</strong>
                </p>
                {(unknown > 0).then(|| view! {
                    <p class="muted small" data-testid="funnel-unknown" data-count=unknown.to_string()>
                        {thousands(unknown as u64)} " " {move || prefs.tr(Msg::FunnelUnknownRecords)}
                    </p>
                })}
                {(excluded > 0 || with_exclusions).then(|| view! {
                    <p class="muted small" data-testid="funnel-excluded-count" data-count=excluded.to_string()>
                        {thousands(u64::from(excluded))} " " {move || prefs.tr(Msg::FunnelExcluded)}
                    </p>
                })}
            }
        })
    };
    let chart = Signal::derive(move || {
        let Some(c) = ok() else {
            return ChartData::default();
        };
        let s = &c.result().stats;
        ChartData {
            labels: step_labels(),
            series: vec![
                Series {
                    name: Msg::CustomersUnitTitle,
                    unit: Unit::Count,
                    plotted: true,
                },
                Series {
                    name: Msg::FunnelFromFirst,
                    unit: Unit::Permyriad,
                    plotted: false,
                },
                Series {
                    name: Msg::FunnelDropped,
                    unit: Unit::Count,
                    plotted: false,
                },
            ],
            values: s
                .steps
                .iter()
                .enumerate()
                .map(|(i, st)| {
                    vec![
                        i64::from(st.reached),
                        (s.conversion_from_first(i) * 10_000.0).round() as i64,
                        i64::from(st.dropped),
                    ]
                })
                .collect(),
            stacked: false,
        }
    });
    let times = move || {
        let c = ok()?;
        let zh = prefs.lang.get().is_zh();
        let s = &c.result().stats;
        let names = step_labels();
        let row = |label: String, t: &TimeStats| {
            view! {
                <tr data-testid="funnel-time-row" data-count=t.count.to_string() data-median=t.median_ms.map(|m| m.to_string()).unwrap_or_default()>
                    <td>{label}</td>
                    <td class="num">{thousands(u64::from(t.count))}</td>
                    <td class="num">{t.median_ms.map(|m| duration(m, zh)).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{t.mean_ms.map(|m| duration(m as i64, zh)).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        };
        let mut rows: Vec<AnyView> = s
            .step_times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let a = names.get(i).cloned().unwrap_or_default();
                let b = names.get(i + 1).cloned().unwrap_or_default();
                row(format!("{a} → {b}"), t).into_any()
            })
            .collect();
        rows.push(row(prefs.tr(Msg::FunnelWhole).to_string(), &s.overall_time).into_any());
        Some(view! {
            <table class="mini" data-testid="funnel-times">
                <thead>
                    <tr>
                        <th>{move || prefs.tr(Msg::FunnelStep)}</th>
                        <th class="num">{move || prefs.tr(Msg::FunnelConverted)}</th>
                        <th class="num">{move || prefs.tr(Msg::Median)}</th>
                        <th class="num">{move || prefs.tr(Msg::Mean)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    let histogram = Signal::derive(move || {
        let Some(c) = ok() else {
            return ChartData::default();
        };
        let zh = prefs.lang.get().is_zh();
        let t = &c.result().stats.overall_time;
        ChartData {
            labels: (0..TIME_BUCKETS.len())
                .map(|i| time_bucket_label(Lang::of_zh(zh), i).to_string())
                .collect(),
            series: vec![Series {
                name: Msg::CustomersUnitTitle,
                unit: Unit::Count,
                plotted: true,
            }],
            values: t.histogram.iter().map(|n| vec![i64::from(*n)]).collect(),
            stacked: false,
        }
    });
    let over_time = Signal::derive(move || {
        let Some(c) = ok() else {
            return ChartData::default();
        };
        let periods = &c.result().stats.over_time;
        ChartData {
            labels: periods
                .iter()
                .map(|p| {
                    p.date()
                        .map(|d| d.format("%m-%d").to_string())
                        .unwrap_or_default()
                })
                .collect(),
            series: vec![
                Series {
                    name: Msg::FunnelEntered,
                    unit: Unit::Count,
                    plotted: true,
                },
                Series {
                    name: Msg::FunnelConverted,
                    unit: Unit::Count,
                    plotted: true,
                },
                Series {
                    name: Msg::Conversion,
                    unit: Unit::Permyriad,
                    plotted: false,
                },
            ],
            values: periods
                .iter()
                .map(|p| {
                    vec![
                        i64::from(p.entered),
                        i64::from(p.converted),
                        (p.rate() * 10_000.0).round() as i64,
                    ]
                })
                .collect(),
            stacked: false,
        }
    });

    view! {
        <div class="card funnel-results">
            {move || error().map(|e| view! { <p class="form-error" data-testid="funnel-error" role="alert">{e}</p> })}
            <span class="muted small" data-testid="funnel-counting" aria-live="polite">
                {move || computed.with(Option::is_none).then(|| prefs.tr(Msg::Computing))}
            </span>
            {summary}
            <ol class="funnel-result-list">{steps}</ol>
        </div>
        <Drilled query=query draft=draft computed=computed/>
        <Breakdown query=query draft=draft computed=computed/>
        <div class="charts">
            <BarChart title=Msg::FunnelChart testid="chart-funnel" data=chart/>
            <BarChart title=Msg::FunnelOverTime testid="chart-over-time" data=over_time/>
            <BarChart title=Msg::FunnelTimeHistogram testid="chart-time" data=histogram/>
        </div>
        <div class="card">
            <h2>{move || prefs.tr(Msg::FunnelTimeTitle)}</h2>
            {times}
        </div>
    }
}

fn s_rate(c: &Computed, i: usize, from_first: bool) -> f64 {
    let s = &c.result().stats;
    if from_first {
        s.conversion_from_first(i)
    } else {
        s.conversion_from_previous(i)
    }
}

/// The customers of the chosen drill-down: count, open as a list, save as a static
/// segment, export.
#[component]
fn Drilled(
    query: Memo<FunnelQuery>,
    draft: RwSignal<FunnelDefinition>,
    computed: ReadSignal<Option<Outcome>>,
) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let name = RwSignal::new(String::new());
    let picked = Memo::new(move |_| {
        let (step, which, group) = query.with(|q| q.drill)?;
        let c = computed.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned())?;
        let zh = prefs.lang.get().is_zh();
        let mut title = query.with(|q| draft.with(|d| drill_name(q, d, step, which, zh)));
        if let Some(g) = group {
            title = format!("{title} · {}", c.group_name(g, prefs.tr(Msg::Other), zh));
        }
        Some((title, c.drill(step, which, group)))
    });
    let rows = move || picked.with(|p| p.as_ref().map(|(_, r)| r.clone()).unwrap_or_default());
    let save = move |_| {
        let Some((title, rows)) = picked.get_untracked() else {
            return;
        };
        let n = name.get_untracked().trim().to_string();
        let n = if n.is_empty() { title } else { n };
        let now = platform::now();
        let ids = store.data.with_untracked(|d| {
            rows.iter()
                .filter_map(|&i| d.customers.get(i).map(|c| c.id))
                .collect()
        });
        store.set_segments(|list| {
            list.push(SavedSegment {
                id: platform::random_hex::<6>(),
                name: n,
                // A static snapshot: the query is only a note of where it came from.
                query: String::new(),
                snapshot: Some(Snapshot {
                    taken_at: now,
                    customers: ids,
                }),
                updated_at: now,
            })
        });
        name.set(String::new());
        ui.toast(ToastKind::Info, prefs.tr(Msg::SegmentSaved));
    };
    let open = move |_| {
        let here = ui.route.get_untracked().to_hash();
        let list = CustomersQuery {
            funnel: Some(here.trim_start_matches("#/").to_string()),
            ..Default::default()
        };
        ui.navigate(list.to_route());
    };
    let close = move |_| ui.replace_query(|q: &mut FunnelQuery| q.drill = None);
    move || {
        picked.get().map(|(title, list)| {
            let n = list.len();
            view! {
                <div class="card funnel-drill" data-testid="funnel-drill" data-count=n.to_string()>
                    <h2>{title} " · " {thousands(n as u64)} " " {move || prefs.tr(Msg::CustomersUnit)}</h2>
                    <div class="segment-figures">
                        <button class="btn" data-testid="funnel-drill-open" on:click=open>{move || prefs.tr(Msg::OpenAsList)}</button>
                        <button class="btn" data-testid="funnel-drill-export" on:click=move |_| exporter.customers(&rows(), "funnel", false, FileKind::Csv)>
                            {move || prefs.tr(Msg::ExportCsv)}
                        </button>
                        <button class="btn" data-testid="funnel-drill-export-xlsx" on:click=move |_| exporter.customers(&rows(), "funnel", false, FileKind::Xlsx)>
                            {move || prefs.tr(Msg::ExportXlsx)}
                        </button>
                        <button class="btn btn-ghost" data-testid="funnel-drill-close" on:click=close>{move || prefs.tr(Msg::Close)}</button>
                    </div>
                    <div class="segment-save">
                        <NameInput value=name testid="funnel-drill-name" label=Msg::SegmentName/>
                        <button class="btn btn-primary" data-testid="funnel-drill-save" on:click=save>
                            {move || prefs.tr(Msg::SaveAsStaticSegment)}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

/// Side-by-side funnels of a breakdown: a column per group, a row per step.
#[component]
fn Breakdown(
    query: Memo<FunnelQuery>,
    draft: RwSignal<FunnelDefinition>,
    computed: ReadSignal<Option<Outcome>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    move || {
        let c = computed.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned())?;
        let b = c.breakdown.as_ref()?;
        let zh = prefs.lang.get().is_zh();
        let names = query.with(|q| draft.with(|d| labels(q, d, zh)));
        let other = prefs.tr(Msg::Other);
        let heads = b
            .groups
            .iter()
            .enumerate()
            .map(|(g, grp)| {
                view! {
                    <th class="num" data-testid="funnel-group" data-name=c.group_name(g, other, zh) data-count=grp.stats.entered().to_string()>
                        {c.group_name(g, other, zh)}
                    </th>
                }
            })
            .collect_view();
        let rows = names
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let cells = b
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(g, grp)| {
                        let n = grp.stats.reached(i);
                        let r = rate(n, grp.stats.entered());
                        view! {
                            <td class="num" data-testid="funnel-group-cell" data-count=n.to_string()>
                                <button class="btn btn-link" on:click=move |_| set_drill(ui, i, Drill::Reached, Some(g))>
                                    {thousands(u64::from(n))}
                                </button>
                                <span class="muted small">" " {percent(r)}</span>
                            </td>
                        }
                    })
                    .collect_view();
                view! { <tr><td>{label.clone()}</td>{cells}</tr> }
            })
            .collect_view();
        Some(view! {
            <div class="card">
                <h2>{move || prefs.tr(Msg::FunnelSplitBy)}</h2>
                <div class="table-scroll">
                    <table class="mini" data-testid="funnel-breakdown-table">
                        <thead><tr><th>{move || prefs.tr(Msg::FunnelStep)}</th>{heads}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        })
    }
}

/// How many customers stand at each stage of the path 潜在 → 新客/开发 → 成长 → 成熟 now.
#[component]
pub fn StageFunnel() -> impl IntoView {
    let derived = use_derived();
    let prefs = use_prefs();
    let counts = Memo::new(move |_| {
        derived
            .metrics
            .with(|a| stage_funnel((0..a.customers.len()).map(|i| a.customers.stage(i))))
    });
    move || {
        let zh = prefs.lang.get().is_zh();
        let c = counts.get();
        let top = c.iter().copied().max().unwrap_or(0).max(1);
        let rows = STAGE_FUNNEL
            .iter()
            .zip(c)
            .map(|(stage, n)| {
                let width = f64::from(n) / f64::from(top) * 100.0;
                view! {
                    <li class="funnel-result" data-testid="stage-funnel-step" data-stage=stage.code() data-count=n.to_string()>
                        <div class="funnel-result-head">
                            <strong>{stage.label(Lang::of_zh(zh))}</strong>
                            <span class="num">{thousands(u64::from(n))}</span>
                        </div>
                        <div class="funnel-bar"><span style=format!("width:{width:.2}%")></span></div>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="card">
                <h2>{prefs.tr(Msg::StageFunnelTitle)}</h2>
                <p class="muted small">{prefs.tr(Msg::StageFunnelHint)}</p>
                <ol class="funnel-result-list">{rows}</ol>
            </div>
        }
    }
}
