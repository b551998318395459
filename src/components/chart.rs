//! A bar chart in SVG with values on hover (or tap) and a "show as table" toggle, for the
//! dashboard's reports. It draws what it is given: the figures come from the core.

use crate::i18n::Msg;
use kezhi_core::money::{thousands, yuan_display};

use crate::prefs::use_prefs;
use leptos::prelude::*;

/// How a series' values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Cents,
    Count,
    /// Ten-thousandths (a rate of 0.1234 is 1234), shown as a percentage.
    Permyriad,
}

impl Unit {
    pub fn format(self, v: i64) -> String {
        match self {
            Unit::Cents => yuan_display(v),
            Unit::Count => {
                if v < 0 {
                    format!("-{}", thousands(v.unsigned_abs()))
                } else {
                    thousands(v as u64)
                }
            }
            Unit::Permyriad => format!("{:.2}%", v as f64 / 100.0),
        }
    }

    /// Short axis labels: ¥1.2万 / ¥12k.
    fn short(self, v: i64, zh: bool) -> String {
        let value = match self {
            Unit::Cents => v as f64 / 100.0,
            Unit::Count => v as f64,
            Unit::Permyriad => return format!("{:.0}%", v as f64 / 100.0),
        };
        let prefix = if self == Unit::Cents { "¥" } else { "" };
        let (n, suffix) = if zh {
            if value.abs() >= 1e8 {
                (value / 1e8, "亿")
            } else if value.abs() >= 1e4 {
                (value / 1e4, "万")
            } else {
                (value, "")
            }
        } else if value.abs() >= 1e6 {
            (value / 1e6, "M")
        } else if value.abs() >= 1e3 {
            (value / 1e3, "k")
        } else {
            (value, "")
        };
        let digits = if suffix.is_empty() || n.abs() >= 100.0 || n.fract() == 0.0 {
            0
        } else {
            1
        };
        format!("{prefix}{n:.digits$}{suffix}")
    }
}

/// One series: its name, unit, and whether it is drawn (the others show only on hover and
/// in the table, e.g. the order count beside GMV bars).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Series {
    pub name: Msg,
    pub unit: Unit,
    pub plotted: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChartData {
    /// One per bar group (a month, a channel, …).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// `values[row][series]`.
    pub values: Vec<Vec<i64>>,
    /// Plotted series stack on each other instead of standing side by side.
    pub stacked: bool,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 30.0;

/// The smallest 1, 2 or 5 × 10^k at or above `v`, so the axis reads in round numbers.
fn nice_ceiling(v: i64) -> i64 {
    if v <= 0 {
        return 1;
    }
    let mut step = 1i64;
    while step.saturating_mul(10) <= v {
        step = step.saturating_mul(10);
    }
    [1, 2, 5, 10]
        .iter()
        .map(|k| step.saturating_mul(*k))
        .find(|c| *c >= v)
        .unwrap_or(v)
}

#[component]
pub fn BarChart(
    title: Msg,
    testid: &'static str,
    #[prop(into)] data: Signal<ChartData>,
    #[prop(optional)] hint: Option<Msg>,
) -> impl IntoView {
    let prefs = use_prefs();
    let hover = RwSignal::new(None::<usize>);
    let as_table = RwSignal::new(false);

    let tooltip = move || {
        data.with(|d| {
            let i = hover.get()?;
            let row = d.values.get(i)?;
            let parts: Vec<String> = d
                .series
                .iter()
                .zip(row)
                .map(|(s, v)| format!("{} {}", prefs.tr(s.name), s.unit.format(*v)))
                .collect();
            Some(format!("{} · {}", d.labels.get(i)?, parts.join(" · ")))
        })
    };

    let svg = move || {
        let zh = prefs.lang.get().is_zh();
        data.with(|d| {
            let plotted: Vec<usize> = (0..d.series.len())
                .filter(|&k| d.series[k].plotted)
                .collect();
            let unit = plotted.first().map_or(Unit::Count, |&k| d.series[k].unit);
            let n = d.values.len().max(1);
            let top = d
                .values
                .iter()
                .map(|row| {
                    let vals = plotted
                        .iter()
                        .map(|&k| row.get(k).copied().unwrap_or(0).max(0));
                    if d.stacked {
                        vals.sum()
                    } else {
                        vals.max().unwrap_or(0)
                    }
                })
                .max()
                .unwrap_or(0);
            let max = nice_ceiling(top);
            let plot_w = W - LEFT - RIGHT;
            let plot_h = H - TOP - BOTTOM;
            let y = move |v: i64| TOP + plot_h * (1.0 - v.max(0) as f64 / max as f64);
            let slot = plot_w / n as f64;
            let bar_w = if d.stacked || plotted.len() <= 1 {
                slot * 0.7
            } else {
                slot * 0.8 / plotted.len() as f64
            };
            let every = n.div_ceil(12);
            let grid = [0, max / 2, max]
                .into_iter()
                .map(|v| {
                    view! {
                        <line class="chart-grid" x1=LEFT x2=W - RIGHT y1=y(v) y2=y(v)></line>
                        <text class="chart-axis" x=LEFT - 6.0 y=y(v) + 4.0 text-anchor="end">
                            {unit.short(v, zh)}
                        </text>
                    }
                })
                .collect_view();
            // Each series' bars are one path: drawn as a rect each, a daily chart of two years
            // (the funnel over time) was ~4,200 elements and 18,500 attribute strings passed
            // to the page, a third of the funnels page's first task. The groups keep one hit
            // area per bar slot for hover and click.
            let mut paths = vec![String::new(); plotted.len()];
            for (i, row) in d.values.iter().enumerate() {
                let x0 = LEFT + slot * i as f64;
                let mut base = 0i64;
                for (j, &k) in plotted.iter().enumerate() {
                    let v = row.get(k).copied().unwrap_or(0).max(0);
                    let (x, y_top, y_bottom) = if d.stacked {
                        let r = (x0 + (slot - bar_w) / 2.0, y(base + v), y(base));
                        base += v;
                        r
                    } else {
                        let used = bar_w * plotted.len() as f64;
                        (x0 + (slot - used) / 2.0 + bar_w * j as f64, y(v), y(0))
                    };
                    let height = y_bottom - y_top;
                    if height > 0.0 {
                        use std::fmt::Write;
                        let w = bar_w.max(1.0);
                        let _ = write!(paths[j], "M{x:.2} {y_top:.2}h{w:.2}v{height:.2}h-{w:.2}z");
                    }
                }
            }
            let bars = paths
                .into_iter()
                .enumerate()
                .map(|(j, d)| view! { <path class=format!("chart-bar chart-s{j}") d=d></path> })
                .collect_view();
            let groups = (0..d.values.len())
                .map(|i| {
                    let x0 = LEFT + slot * i as f64;
                    let label = (i % every == 0).then(|| {
                        view! {
                            <text
                                class="chart-axis"
                                x=x0 + slot / 2.0
                                y=H - BOTTOM + 16.0
                                text-anchor="middle"
                            >
                                {d.labels.get(i).cloned().unwrap_or_default()}
                            </text>
                        }
                    });
                    view! {
                        <g
                            class="chart-group"
                            class:chart-hover=move || hover.get() == Some(i)
                            on:mouseenter=move |_| hover.set(Some(i))
                            on:click=move |_| hover.set(Some(i))
                            data-index=i.to_string()
                        >
                            <rect
                                class="chart-hit"
                                x=x0
                                y=TOP
                                width=slot
                                height=plot_h
                            ></rect>
                            {label}
                        </g>
                    }
                })
                .collect_view();
            view! {
                <svg
                    class="chart"
                    viewBox=format!("0 0 {W} {H}")
                    role="img"
                    aria-label=prefs.tr(title)
                    on:mouseleave=move |_| hover.set(None)
                >
                    {grid}
                    {groups}
                    {bars}
                </svg>
            }
        })
    };

    let table = move || {
        data.with(|d| {
            let head = d
                .series
                .iter()
                .map(|s| view! { <th class="num">{prefs.tr(s.name)}</th> })
                .collect_view();
            let rows = d
                .values
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells = d
                        .series
                        .iter()
                        .zip(row)
                        .map(|(s, v)| view! { <td class="num">{s.unit.format(*v)}</td> })
                        .collect_view();
                    // The raw values (cents, counts, ten-thousandths) for tests and tools.
                    let raw = row.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                    view! {
                        <tr data-label=d.labels.get(i).cloned().unwrap_or_default() data-values=raw>
                            <th scope="row">{d.labels.get(i).cloned().unwrap_or_default()}</th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll">
                    <table class="mini chart-table" data-testid=format!("{testid}-table")>
                        <thead>
                            <tr>
                                <th>
                                    <span class="visually-hidden">{move || prefs.tr(Msg::ChartRowLabel)}</span>
                                </th>
                                {head}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
    };

    let legend = move || {
        data.with(|d| {
            d.series
                .iter()
                .filter(|s| s.plotted)
                .enumerate()
                .map(|(j, s)| {
                    view! {
                        <span class="legend-item">
                            <span class=format!("legend-swatch chart-s{j}")></span>
                            {prefs.tr(s.name)}
                        </span>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="card chart-card" data-testid=testid>
            <div class="chart-head">
                <h2>{move || prefs.tr(title)}</h2>
                <button
                    class="btn btn-link"
                    data-testid=format!("{testid}-table-toggle")
                    aria-pressed=move || as_table.get().to_string()
                    on:click=move |_| as_table.update(|t| *t = !*t)
                >
                    {move || prefs.tr(if as_table.get() { Msg::ShowAsChart } else { Msg::ShowAsTable })}
                </button>
            </div>
            {hint.map(|h| view! { <p class="muted small">{move || prefs.tr(h)}</p> })}
            <Show
                when=move || !data.with(|d| d.values.is_empty())
                fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::NoDataInRange)}</p> }
            >
                <Show when=move || as_table.get() fallback=move || {
                    view! {
                        <div class="chart-legend small">{legend}</div>
                        // Focusable: a chart wider than the screen scrolls by keyboard too.
                        <div class="chart-scroll" tabindex="0" role="region" aria-label=move || prefs.tr(title)>{svg}</div>
                        <p class="chart-tooltip small" data-testid=format!("{testid}-tooltip") aria-live="polite">
                            {move || tooltip().unwrap_or_else(|| prefs.tr(Msg::HoverForValues).to_string())}
                        </p>
                    }
                }>
                    {table}
                </Show>
            </Show>
        </div>
    }
}
