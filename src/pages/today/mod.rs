//! Today (`#/today`): the account manager's day in one list — the core's
//! `kezhi_core::today::today_list` for whoever uses this browser (`whoami`), grouped by reason
//! in the core's order, most valuable first within each. Each item is done (a contact recorded)
//! or snoozed in place; it leaves the list because the core reads the new activity.

mod actions;
mod item;
pub mod nav;

use crate::derived::use_derived;
use crate::i18n::{Msg, reason_name};
use crate::prefs::use_prefs;
use crate::store::use_store;
use item::{Row, TodayItem};
use kezhi_core::money::thousands;
use kezhi_core::today::Reason;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Items drawn per reason before "show more": everyone's overdue follow-ups at 100,000
/// customers run into the thousands, and each item is a handful of elements.
const SHOWN_PER_REASON: usize = 100;

#[component]
pub fn TodayPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    // How many items of each reason are drawn (more after "show more").
    let shown: RwSignal<BTreeMap<Reason, usize>> = RwSignal::new(BTreeMap::new());
    let total = Memo::new(move |_| derived.today.with(|items| items.len()));
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    // The rows drawn, by reason, with what each shows (names, tiers in the UI language).
    let groups = Memo::new(move |_| {
        let zh = prefs.lang.get().is_zh();
        let shown = shown.get();
        let items = derived.today.get();
        let analytics = derived.metrics.get();
        store.data.with(|d| {
            Reason::ALL
                .iter()
                .filter_map(|&reason| {
                    let of_reason: Vec<&kezhi_core::today::Item> =
                        items.iter().filter(|i| i.reason == reason).collect();
                    if of_reason.is_empty() {
                        return None;
                    }
                    let limit = shown.get(&reason).copied().unwrap_or(SHOWN_PER_REASON);
                    let rows: Vec<Row> = of_reason
                        .iter()
                        .take(limit)
                        .filter_map(|i| Row::new(d, &analytics, i, zh))
                        .collect();
                    Some((reason, of_reason.len(), rows))
                })
                .collect::<Vec<_>>()
        })
    });
    let group = move |(reason, count, rows): (Reason, usize, Vec<Row>)| {
        let more = count.saturating_sub(rows.len());
        let heading = move || reason_name(prefs.lang.get(), reason);
        view! {
            <section class="card today-group" data-testid="today-group" data-reason=reason.code()>
                <h2>
                    {heading} " "
                    <span class="muted" data-testid="today-group-count" data-count=count.to_string()>
                        {thousands(count as u64)}
                    </span>
                </h2>
                <ul class="today-list">
                    <For each=move || rows.clone() key=Row::key children=|row| view! { <TodayItem row/> }/>
                </ul>
                {(more > 0).then(|| view! {
                    <button
                        class="btn today-more"
                        data-testid="today-more"
                        on:click=move |_| {
                            shown.update(|s| {
                                let n = s.entry(reason).or_insert(SHOWN_PER_REASON);
                                *n += SHOWN_PER_REASON;
                            })
                        }
                    >
                        {move || prefs.tr(Msg::ShowMore).replace("{n}", &thousands(more.min(SHOWN_PER_REASON) as u64))}
                    </button>
                })}
            </section>
        }
    };
    view! {
        <section class="page today">
            <header class="page-head toolbar">
                <h1>{move || prefs.tr(Msg::TodayTitle)}</h1>
                <span
                    class="count"
                    data-testid="today-count"
                    data-count=move || total.get().to_string()
                >
                    <strong>{move || thousands(total.get() as u64)}</strong>
                    " "
                    {move || prefs.tr(Msg::TodayItems)}
                </span>
                <span class="today-who">
                    <span class="muted">{move || prefs.tr(Msg::WhoAmI)} " "</span>
                    {move || prefs.whoami.get().unwrap_or_else(|| prefs.tr(Msg::Everyone).to_string())}
                </span>
            </header>
            <p class="muted small">{move || prefs.tr(Msg::TodayHint)}</p>
            <Show when=move || !empty.get() fallback=|| view! { <crate::components::EmptyState/> }>
                <Show
                    when=move || { total.get() > 0 }
                    fallback=move || view! { <p class="card muted" data-testid="today-empty">{move || prefs.tr(Msg::TodayEmpty)}</p> }
                >
                    {move || groups.get().into_iter().map(group).collect_view()}
                </Show>
            </Show>
        </section>
    }
}
