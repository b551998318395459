//! The dashboard's request figures: opened and resolved per week, the share resolved within
//! the service level, the median time to resolve, open and overdue now (`request_stats`).

use super::RequestsQuery;
use super::names::duration;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use crate::store::use_store;
use kezhi_core::desk::requests::request_stats;
use leptos::prelude::*;

/// Weeks the dashboard shows.
const WEEKS: usize = 8;

#[component]
pub fn RequestStatsCard() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let stats = Memo::new(move |_| {
        let (now, today, offset) = (platform::now(), platform::today(), platform::local_offset());
        store
            .data
            .with(|d| request_stats(&d.desk.requests, today, WEEKS, offset, now))
    });
    let any = move || stats.with(|s| s.open > 0 || s.weeks.iter().any(|w| w.opened > 0));
    let overdue_link = RequestsQuery {
        overdue: true,
        ..Default::default()
    }
    .to_route()
    .to_hash();
    let share = move || {
        stats.with(|s| match s.resolved {
            0 => "—".to_string(),
            n => format!("{:.1}%", s.resolved_in_sla as f64 * 100.0 / n as f64),
        })
    };
    view! {
        <Show when=any>
            <div
                class="card"
                data-testid="request-stats"
                data-open=move || stats.with(|s| s.open).to_string()
                data-overdue=move || stats.with(|s| s.overdue).to_string()
                data-resolved=move || stats.with(|s| s.resolved).to_string()
                data-in-sla=move || stats.with(|s| s.resolved_in_sla).to_string()
                data-median-ms=move || stats.with(|s| s.median_resolve_ms.map(|m| m.to_string()).unwrap_or_default())
            >
                <h2>{move || prefs.tr(Msg::RequestStatsTitle)}</h2>
                <div class="kpis">
                    <div class="kpi">
                        <div class="kpi-label">{move || prefs.tr(Msg::RequestsOpenNow)}</div>
                        <div class="kpi-value">{move || stats.with(|s| s.open)}</div>
                    </div>
                    <a class="kpi" href=overdue_link.clone() data-testid="request-stats-overdue">
                        <div class="kpi-label">{move || prefs.tr(Msg::RequestsOverdueNow)}</div>
                        <div class=move || if stats.with(|s| s.overdue > 0) { "kpi-value danger" } else { "kpi-value" }>
                            {move || stats.with(|s| s.overdue)}
                        </div>
                    </a>
                    <div class="kpi">
                        <div class="kpi-label">{move || prefs.tr(Msg::RequestsInSla)}</div>
                        <div class="kpi-value">{share}</div>
                        <div class="kpi-sub muted small">{move || stats.with(|s| format!("{} / {}", s.resolved_in_sla, s.resolved))}</div>
                    </div>
                    <div class="kpi">
                        <div class="kpi-label">{move || prefs.tr(Msg::RequestsMedian)}</div>
                        <div class="kpi-value">
                            {move || stats.with(|s| s.median_resolve_ms).map(|ms| duration(prefs.lang.get(), ms)).unwrap_or_else(|| "—".into())}
                        </div>
                    </div>
                </div>
                <table class="mini">
                    <caption>{move || prefs.tr(Msg::RequestsPerWeek)}</caption>
                    <thead>
                        <tr>
                            <th>{move || prefs.tr(Msg::Time)}</th>
                            <th class="num">{move || prefs.tr(Msg::RequestsOpened)}</th>
                            <th class="num">{move || prefs.tr(Msg::RequestsResolved)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || stats.get().weeks.into_iter().map(|w| view! {
                            <tr data-testid="request-week" data-week=w.week.to_string() data-opened=w.opened.to_string() data-resolved=w.resolved.to_string()>
                                <td>{w.week.format("%m-%d").to_string()}</td>
                                <td class="num">{w.opened}</td>
                                <td class="num">{w.resolved}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
