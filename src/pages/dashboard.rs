use crate::components::EmptyState;
use crate::i18n::Msg;
use crate::platform::{group, money};
use crate::state::use_app;
use kezhi_core::OrderStatus;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_app();
    let empty = Memo::new(move |_| state.data.with(|d| d.is_empty()));
    let figures = Memo::new(move |_| {
        state.data.with(|d| {
            let gmv: i64 = d
                .orders
                .iter()
                .filter(|o| o.status == OrderStatus::Paid)
                .map(|o| o.amount_cents)
                .sum();
            (d.counts(), gmv)
        })
    });
    let card =
        move |label: Msg, value: Signal<String>, testid: &'static str, attr: Signal<String>| {
            view! {
                <div class="kpi card" data-testid=testid data-count=attr>
                    <div class="kpi-label">{move || state.tr(label)}</div>
                    <div class="kpi-value">{value}</div>
                </div>
            }
        };
    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || state.tr(Msg::Dashboard)}</h1>
                    <p class="muted">{move || state.tr(Msg::DashboardHint)}</p>
                </header>
                <div class="kpis">
                    {card(
                        Msg::Customers,
                        Signal::derive(move || group(figures.get().0.customers as u64)),
                        "kpi-customers",
                        Signal::derive(move || figures.get().0.customers.to_string()),
                    )}
                    {card(
                        Msg::Orders,
                        Signal::derive(move || group(figures.get().0.orders as u64)),
                        "kpi-orders",
                        Signal::derive(move || figures.get().0.orders.to_string()),
                    )}
                    <div class="kpi card" data-testid="kpi-gmv" data-cents=move || figures.get().1.to_string()>
                        <div class="kpi-label">{move || state.tr(Msg::Gmv)}</div>
                        <div class="kpi-value">{move || money(figures.get().1)}</div>
                    </div>
                    {card(
                        Msg::Events,
                        Signal::derive(move || group(figures.get().0.events as u64)),
                        "kpi-events",
                        Signal::derive(move || figures.get().0.events.to_string()),
                    )}
                    {card(
                        Msg::Activities,
                        Signal::derive(move || group(figures.get().0.activities as u64)),
                        "kpi-activities",
                        Signal::derive(move || figures.get().0.activities.to_string()),
                    )}
                </div>
            </Show>
        </section>
    }
}
