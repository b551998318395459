//! The team view of a lead: the manager report (per account manager, sortable, over a date
//! range, exportable) and the handover of a portfolio to another manager. The figures and the
//! moves are the core's (`kezhi_core::desk::{managers, handover}`).

mod handover;
mod report;

use crate::components::EmptyState;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use leptos::prelude::*;

#[component]
pub fn TeamPage() -> impl IntoView {
    let prefs = use_prefs();
    let store = use_store();
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    view! {
        <section class="page team">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::NavTeam)}</h1>
                </header>
                <report::ManagerReport/>
                <handover::Handover/>
            </Show>
        </section>
    }
}
