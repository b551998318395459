//! The cohort page (`#/cohorts`): customers grouped by the month of their first paid order and
//! how many of them buy in each month after (or what they spend), as a heat map or a table;
//! narrowed by a saved segment, a channel and a range of cohort months; a cell opens its
//! customers as a list. The core computes the table (`kezhi_core::cohort`); the URL holds the
//! state (`query.rs`); `grid.rs` draws it.

use crate::components::EmptyState;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{Ui, use_ui};
use kezhi_core::channel::{CHANNELS, display};
use kezhi_core::customer_query::CustomerIndex;
use kezhi_core::report::Month;
use leptos::prelude::*;
use query::{CohortsQuery, Metric};

mod grid;
pub mod query;

fn edit(ui: Ui, f: impl FnOnce(&mut CohortsQuery)) {
    ui.replace_query(f);
}

#[component]
pub fn CohortsPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let empty = Memo::new(move |_| store.data.with(|d| d.is_empty()));
    let query = ui.page_query::<CohortsQuery>();
    // The table depends on the scope only: switching the metric or the view recomputes nothing.
    let scope = Memo::new(move |_| query.with(|q| q.scope.clone()));
    let table = Memo::new(move |_| scope.with(|s| query::compute(store, derived, s)));
    // The customers' channels, most frequent first (the customer list's channel menu).
    let channels = Memo::new(move |_| {
        store
            .data
            .with(|d| CustomerIndex::filter_values(d).into_iter().next())
            .unwrap_or_default()
    });

    let month_value = move |to: bool| {
        query.with(|q| {
            if to { q.scope.to } else { q.scope.from }
                .map(|m| m.label())
                .unwrap_or_default()
        })
    };
    let set_month = move |to: bool, value: String| {
        let month = Month::parse(&value);
        edit(ui, |q| {
            if to {
                q.scope.to = month;
            } else {
                q.scope.from = month;
            }
        });
    };
    let channel_options = move || {
        let zh = prefs.lang.get().is_zh();
        channels
            .get()
            .into_iter()
            .map(|c| {
                let name = display(&CHANNELS, &c, zh).to_string();
                view! { <option value=c>{name}</option> }
            })
            .collect_view()
    };
    let segment_options = move || {
        store
            .segments
            .get()
            .into_iter()
            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
            .collect_view()
    };
    let metric_button = move |metric: Metric, label: Msg, testid: &'static str| {
        view! {
            <button
                class="btn"
                class:btn-primary=move || query.with(|q| q.metric == metric)
                data-testid=testid
                aria-pressed=move || query.with(|q| q.metric == metric).to_string()
                on:click=move |_| edit(ui, |q| q.metric = metric)
            >
                {move || prefs.tr(label)}
            </button>
        }
    };

    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::CohortsTitle)}</h1>
                </header>
                <p class="muted small">{move || prefs.tr(Msg::CohortsHint)}</p>
                <div class="card filters cohort-controls">
                    <label class="filter">
                        <span class="field-label">{move || prefs.tr(Msg::FilterSegment)}</span>
                        <select
                            data-testid="cohort-segment"
                            prop:value=move || query.with(|q| q.scope.segment.clone().unwrap_or_default())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                edit(ui, |q| q.scope.segment = Some(v).filter(|v| !v.is_empty()));
                            }
                        >
                            <option value="">{move || prefs.tr(Msg::AllCustomersOption)}</option>
                            {segment_options}
                        </select>
                    </label>
                    <label class="filter">
                        <span class="field-label">{move || prefs.tr(Msg::Channel)}</span>
                        <select
                            data-testid="cohort-channel"
                            prop:value=move || query.with(|q| q.scope.channel.clone().unwrap_or_default())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                edit(ui, |q| q.scope.channel = Some(v).filter(|v| !v.is_empty()));
                            }
                        >
                            <option value="">{move || prefs.tr(Msg::AllValues)}</option>
                            {channel_options}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::CohortFrom)}</span>
                        <input
                            type="month"
                            data-testid="cohort-from"
                            placeholder="2025-01"
                            prop:value=move || month_value(false)
                            on:change=move |ev| set_month(false, event_target_value(&ev))
                        />
                    </label>
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::CohortTo)}</span>
                        <input
                            type="month"
                            data-testid="cohort-to"
                            placeholder="2025-12"
                            prop:value=move || month_value(true)
                            on:change=move |ev| set_month(true, event_target_value(&ev))
                        />
                    </label>
                    <div class="filters-end" role="group" aria-label=move || prefs.tr(Msg::CohortMetric)>
                        {metric_button(Metric::Customers, Msg::CohortByCustomers, "cohort-metric-customers")}
                        {metric_button(Metric::Revenue, Msg::CohortByRevenue, "cohort-metric-revenue")}
                        <button
                            class="btn btn-link"
                            data-testid="cohort-view-toggle"
                            aria-pressed=move || query.with(|q| q.table).to_string()
                            on:click=move |_| edit(ui, |q| q.table = !q.table)
                        >
                            {move || prefs.tr(if query.with(|q| q.table) { Msg::CohortShowHeatMap } else { Msg::ShowAsTable })}
                        </button>
                    </div>
                </div>
                <grid::CohortGrid table=table query=query/>
            </Show>
        </section>
    }
}
