//! The manager report: one row per account manager over a date range, sortable by any
//! figure, exportable as CSV.

use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use chrono::NaiveDate;
use kezhi_core::desk::managers::{ManagerRow, SortBy, manager_report, sort_rows};
use kezhi_core::export::{Cell, table_csv};
use kezhi_core::money::yuan_display;
use leptos::prelude::*;

/// Days the report covers by default, today included.
const DEFAULT_DAYS: i64 = 30;

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[component]
pub fn ManagerReport() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let today = platform::today();
    let from = RwSignal::new(today - chrono::Duration::days(DEFAULT_DAYS - 1));
    let to = RwSignal::new(today);
    let sort = RwSignal::new(SortBy::Spend);
    let rows = Memo::new(move |_| {
        let analytics = derived.metrics.get();
        let (f, t) = (from.get(), to.get());
        let mut rows = store
            .data
            .with(|d| manager_report(d, &analytics, f.min(t), t.max(f), platform::local_offset()));
        sort_rows(&mut rows, sort.get());
        rows
    });
    let header = move |by: SortBy, msg: Msg, testid: &'static str| {
        view! {
            <th class="num">
                <button
                    class="link-button"
                    data-testid=testid
                    class:active=move || sort.get() == by
                    on:click=move |_| sort.set(by)
                >
                    {move || prefs.tr(msg)}
                </button>
            </th>
        }
    };
    let name = move |r: &ManagerRow| match r.manager {
        Some(m) => m.to_string(),
        None => prefs.tr(Msg::Unassigned).to_string(),
    };
    let export = move |_| {
        let lang = prefs.lang.get_untracked();
        let headers = [
            Msg::Manager,
            Msg::Customers,
            Msg::PortfolioSpend,
            Msg::Spend90,
            Msg::SpendPrev90,
            Msg::AtRiskCount,
            Msg::Contacts30,
            Msg::OverdueFollowUps,
            Msg::RequestsResolved,
            Msg::RequestsInSla,
            Msg::RecommendationsWon,
            Msg::WonAmount,
        ]
        .map(|m| crate::i18n::t(lang, m));
        let cells: Vec<Vec<Cell>> = rows.with_untracked(|rs| {
            rs.iter()
                .map(|r| {
                    vec![
                        Cell::text(&name(r)),
                        Cell::Int(r.customers as i64),
                        Cell::Money(r.spend),
                        Cell::Money(r.spend_recent),
                        Cell::Money(r.spend_before),
                        Cell::Int(r.at_risk as i64),
                        Cell::Int(r.contacts as i64),
                        Cell::Int(r.overdue_follow_ups as i64),
                        Cell::Int(r.resolved as i64),
                        Cell::Int(r.resolved_in_sla as i64),
                        Cell::Int(r.won as i64),
                        Cell::Money(r.won_cents),
                    ]
                })
                .collect()
        });
        let text = table_csv(&headers, &cells);
        let file = format!(
            "kezhi-managers-{}-{}.csv",
            from.get_untracked(),
            to.get_untracked()
        );
        if let Err(e) = platform::download(&file, "text/csv;charset=utf-8", &text) {
            ui.toast(ToastKind::Error, e);
        }
    };
    view! {
        <div class="card" data-testid="manager-report">
            <h2>{move || prefs.tr(Msg::ManagerReport)}</h2>
            <div class="inline-form">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::From)}</span>
                    <input type="date" data-testid="manager-from"
                        prop:value=move || from.get().to_string()
                        on:change=move |ev| if let Some(d) = parse_day(&event_target_value(&ev)) { from.set(d) } />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::To)}</span>
                    <input type="date" data-testid="manager-to"
                        prop:value=move || to.get().to_string()
                        on:change=move |ev| if let Some(d) = parse_day(&event_target_value(&ev)) { to.set(d) } />
                </label>
                <button class="btn" data-testid="manager-export" on:click=export>{move || prefs.tr(Msg::ExportCsv)}</button>
            </div>
            <div class="table-scroll">
                <table class="mini">
                    <thead>
                        <tr>
                            <th>{move || prefs.tr(Msg::Manager)}</th>
                            {header(SortBy::Customers, Msg::Customers, "manager-sort-customers")}
                            {header(SortBy::Spend, Msg::PortfolioSpend, "manager-sort-spend")}
                            {header(SortBy::SpendChange, Msg::SpendChange90, "manager-sort-change")}
                            {header(SortBy::AtRisk, Msg::AtRiskCount, "manager-sort-at-risk")}
                            {header(SortBy::Contacts, Msg::Contacts30, "manager-sort-contacts")}
                            {header(SortBy::Overdue, Msg::OverdueFollowUps, "manager-sort-overdue")}
                            {header(SortBy::Resolved, Msg::RequestsInSla, "manager-sort-resolved")}
                            {header(SortBy::Won, Msg::RecommendationsWon, "manager-sort-won")}
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|r| {
                            let change = r.spend_change();
                            let sla = match r.resolved {
                                0 => "—".to_string(),
                                n => format!("{}/{n}", r.resolved_in_sla),
                            };
                            view! {
                                <tr
                                    data-testid="manager-row"
                                    data-manager=r.manager.map(|m| m.to_string()).unwrap_or_default()
                                    data-customers=r.customers.to_string()
                                    data-spend=r.spend.to_string()
                                    data-change=change.to_string()
                                    data-at-risk=r.at_risk.to_string()
                                    data-contacts=r.contacts.to_string()
                                    data-overdue=r.overdue_follow_ups.to_string()
                                    data-resolved=r.resolved.to_string()
                                    data-in-sla=r.resolved_in_sla.to_string()
                                    data-won=r.won.to_string()
                                    data-won-cents=r.won_cents.to_string()
                                >
                                    <td>{name(&r)}</td>
                                    <td class="num">{r.customers}</td>
                                    <td class="num">{yuan_display(r.spend)}</td>
                                    <td class=if change < 0 { "num danger" } else { "num" }>
                                        {if change > 0 { format!("+{}", yuan_display(change)) } else { yuan_display(change) }}
                                    </td>
                                    <td class="num">{r.at_risk}</td>
                                    <td class="num">{r.contacts}</td>
                                    <td class="num">{r.overdue_follow_ups}</td>
                                    <td class="num">{sla}</td>
                                    <td class="num">{r.won} " · " {yuan_display(r.won_cents)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
