//! The dashboard: headline KPIs over all data (UI contract: `kpi-customers`, `kpi-aov`,
//! `kpi-repeat-rate`) and the lifecycle distribution, all computed by the core.

use crate::components::EmptyState;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::i18n::{Lang, Localize};
use kezhi_core::money::{thousands, yuan_display};

use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::metrics;
use leptos::prelude::*;

mod reports;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let empty = Memo::new(move |_| store.data.with(|d| d.is_empty()));
    let analytics = derived.metrics;
    let kpis = Memo::new(move |_| analytics.with(|a| metrics::kpis(a)));
    let counts = Memo::new(move |_| store.data.with(|d| d.counts()));
    let stages = Memo::new(move |_| analytics.with(|a| metrics::stage_counts(a)));
    let (reports, computing) = reports::use_reports(store, derived, prefs, ui);
    let grid = Memo::new(move |_| analytics.with(|a| metrics::rf_grid(a)));
    let percent = |r: f64| format!("{:.2}%", r * 100.0);
    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::Dashboard)}</h1>
                </header>
                <div class="kpis">
                    <div class="kpi card" data-testid="kpi-customers" data-count=move || kpis.get().customers.to_string()>
                        <div class="kpi-label">{move || prefs.tr(Msg::Customers)}</div>
                        <div class="kpi-value">{move || thousands(kpis.get().customers as u64)}</div>
                        <div class="kpi-sub muted small">
                            {move || prefs.tr(Msg::Buyers)} " " {move || thousands(kpis.get().buyers as u64)}
                        </div>
                    </div>
                    <div class="kpi card" data-testid="kpi-aov" data-cents=move || kpis.get().aov.unwrap_or(0).to_string()>
                        <div class="kpi-label">{move || prefs.tr(Msg::Aov)}</div>
                        <div class="kpi-value">{move || kpis.get().aov.map(yuan_display).unwrap_or_else(|| "—".into())}</div>
                        <div class="kpi-sub muted small">{move || prefs.tr(Msg::AovHint)}</div>
                    </div>
                    <div
                        class="kpi card"
                        data-testid="kpi-repeat-rate"
                        data-rate=move || format!("{:.6}", kpis.get().repeat_rate.unwrap_or(0.0))
                    >
                        <div class="kpi-label">{move || prefs.tr(Msg::RepeatRate)}</div>
                        <div class="kpi-value">{move || kpis.get().repeat_rate.map(percent).unwrap_or_else(|| "—".into())}</div>
                        <div class="kpi-sub muted small">{move || prefs.tr(Msg::RepeatHint)}</div>
                    </div>
                    <div class="kpi card" data-testid="kpi-net-sales" data-cents=move || kpis.get().net_spend.to_string()>
                        <div class="kpi-label">{move || prefs.tr(Msg::NetSales)}</div>
                        <div class="kpi-value">{move || yuan_display(kpis.get().net_spend)}</div>
                        <div class="kpi-sub muted small">
                            {move || prefs.tr(Msg::Orders)} " " {move || thousands(kpis.get().paid_orders)}
                        </div>
                    </div>
                    <div class="kpi card" data-testid="kpi-events" data-count=move || counts.get().events.to_string()>
                        <div class="kpi-label">{move || prefs.tr(Msg::Events)}</div>
                        <div class="kpi-value">{move || thousands(counts.get().events as u64)}</div>
                        <div class="kpi-sub muted small">
                            {move || prefs.tr(Msg::Activities)} " " {move || thousands(counts.get().activities as u64)}
                        </div>
                    </div>
                </div>
                <reports::ChurnWarnings/>
                <crate::pages::requests::RequestStatsCard/>
                <reports::RangePicker computing/>
                <reports::Trends reports=reports/>
                <reports::Breakdowns reports=reports/>
                <reports::TopCustomers reports=reports/>
                <div class="card">
                    <h2>{move || prefs.tr(Msg::RfGrid)}</h2>
                    <p class="muted small">{move || prefs.tr(Msg::RfGridHint)}</p>
                    <details class="help" data-testid="rfm-help">
                        <summary>{move || prefs.tr(Msg::RfmHelpTitle)}</summary>
                        <p class="small">{move || prefs.tr(Msg::RfmHelp)}</p>
                    </details>
                    {move || rf_table(grid.get(), "rfm-cell", None)}
                </div>
                <div class="card">
                    <h2>{move || prefs.tr(Msg::LifecycleMix)}</h2>
                    <table class="mini stage-table">
                        <tbody>
                            {move || {
                                let zh = prefs.lang.get().is_zh();
                                let total = kpis.get().customers.max(1) as f64;
                                stages
                                    .get()
                                    .into_iter()
                                    .map(|(stage, n)| {
                                        let share = n as f64 / total;
                                        view! {
                                            <tr data-testid="stage-count" data-stage=stage.code() data-count=n.to_string()>
                                                <td><span class=format!("stage stage-{}", stage.code())>{stage.label(Lang::of_zh(zh))}</span></td>
                                                <td class="num">{thousands(n as u64)}</td>
                                                <td class="bar-cell">
                                                    <span class="bar" style:width=format!("{:.1}%", share * 100.0)></span>
                                                </td>
                                                <td class="num">{percent(share)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// An R×F grid as a heat-map table, R from 5 down, F from 1 across: each cell says its customers,
/// their average net spend, and (title) their revenue. The dashboard's (`rfm-cell`) and each side
/// of a segment comparison (`compare-rf-cell`, with `data-side`) are drawn by this one table.
pub fn rf_table(
    g: [[metrics::RfmCell; 5]; 5],
    testid: &'static str,
    side: Option<&'static str>,
) -> impl IntoView + use<> {
    let max = g
        .iter()
        .flatten()
        .map(|c| c.customers)
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = (1..=5u8)
        .rev()
        .map(|r| {
            let cells = (1..=5u8)
                .map(|f| {
                    let cell = g[usize::from(r) - 1][usize::from(f) - 1];
                    let (background, color) = heat(cell.customers as f64 / max as f64);
                    let title = format!(
                        "R{r} F{f}: {} · {} · {}",
                        cell.customers,
                        yuan_display(cell.revenue),
                        cell.average().map(yuan_display).unwrap_or_default(),
                    );
                    view! {
                        <td
                            class="rf-cell"
                            data-testid=testid
                            data-side=side
                            data-r=r.to_string()
                            data-f=f.to_string()
                            data-count=cell.customers.to_string()
                            data-cents=cell.revenue.to_string()
                            title=title
                            style:background=background
                            style:color=color
                        >
                            <strong>{thousands(cell.customers as u64)}</strong>
                            <span class="small">{cell.average().map(yuan_display)}</span>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th>{r}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="rf-grid">
            <thead>
                <tr>
                    <th>"R ↓  F →"</th>
                    {(1..=5).map(|f| view! { <th>{f}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A heat-map cell's background (the brand blue over white, stronger with `share` of the largest
/// cell) and the text colour that reads on it: white or black, whichever contrasts more — one
/// of them always reaches WCAG's 4.5:1.
pub fn heat(share: f64) -> (String, &'static str) {
    let opacity = 0.08 + 0.92 * share.clamp(0.0, 1.0);
    let blend = |c: f64| opacity * c + (1.0 - opacity) * 255.0;
    let (r, g, b) = (blend(31.0), blend(94.0), blend(255.0));
    let linear = |c: f64| {
        let c = c / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    // Equal contrast with white and with black where (L + 0.05)² = 1.05 × 0.05.
    let fg = if luminance < 0.179 { "#fff" } else { "#000" };
    (format!("rgb({r:.0}, {g:.0}, {b:.0})"), fg)
}
