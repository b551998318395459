//! Conversion of recommendations per manager and per product: how many were made, where they
//! stand now, the won share and the amount won (the core counts; this draws the tables).

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use kezhi_core::desk::recommendations::{
    Conversion, Manager, conversion_by_manager, conversion_by_product,
};
use kezhi_core::money::yuan_display;
use leptos::prelude::*;

/// A share as a percentage with one decimal (`—` without recommendations).
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// One row of a conversion table, its figures also in `data-` attributes for tests.
fn row(c: Conversion, testid: &'static str, name: String) -> impl IntoView {
    view! {
        <tr
            data-testid=testid
            data-key=c.key.clone().unwrap_or_default()
            data-total=c.total.to_string()
            data-recommended=c.recommended.to_string()
            data-interested=c.interested.to_string()
            data-won=c.won.to_string()
            data-declined=c.declined.to_string()
            data-won-cents=c.won_cents.to_string()
        >
            <td>{name}</td>
            <td class="num">{c.total}</td>
            <td class="num">{c.recommended}</td>
            <td class="num">{c.interested}</td>
            <td class="num">{c.won}</td>
            <td class="num">{c.declined}</td>
            <td class="num">{percent(c.won_share())}</td>
            <td class="num">{yuan_display(c.won_cents)}</td>
        </tr>
    }
}

#[component]
pub fn ConversionTables(manager: Signal<Manager>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let by_manager =
        Memo::new(move |_| manager.with(|m| store.data.with(|d| conversion_by_manager(d, m))));
    let by_product =
        Memo::new(move |_| manager.with(|m| store.data.with(|d| conversion_by_product(d, m))));
    let head = move |first: Msg| {
        view! {
            <thead>
                <tr>
                    <th>{move || prefs.tr(first)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecMade)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecStatusRecommended)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecStatusInterested)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecStatusWon)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecStatusDeclined)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecWonShare)}</th>
                    <th class="num">{move || prefs.tr(Msg::RecWonAmount)}</th>
                </tr>
            </thead>
        }
    };
    let body = move |table: Memo<(Vec<Conversion>, Conversion)>| {
        move || {
            let (rows, total) = table.get();
            let none = prefs.tr(Msg::DeskNoManager).to_string();
            let total_name = prefs.tr(Msg::DeskTotal).to_string();
            view! {
                {rows
                    .into_iter()
                    .map(|c| {
                        let name = c.key.clone().unwrap_or_else(|| none.clone());
                        row(c, "recommendation-conversion-row", name)
                    })
                    .collect_view()}
                {row(total, "recommendation-conversion-total", total_name)}
            }
        }
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::RecConversionTitle)}</h2>
            <p class="muted small">{move || prefs.tr(Msg::RecConversionHint)}</p>
            <h3>{move || prefs.tr(Msg::RecByManager)}</h3>
            <div class="table-scroll">
                <table class="mini" data-testid="recommendation-by-manager">
                    {head(Msg::DeskManager)}
                    <tbody>{body(by_manager)}</tbody>
                </table>
            </div>
            <h3>{move || prefs.tr(Msg::RecByProduct)}</h3>
            <div class="table-scroll">
                <table class="mini" data-testid="recommendation-by-product">
                    {head(Msg::RecProduct)}
                    <tbody>{body(by_product)}</tbody>
                </table>
            </div>
        </div>
    }
}
