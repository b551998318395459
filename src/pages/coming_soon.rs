use crate::i18n::Msg;
use crate::state::use_app;
use leptos::prelude::*;

/// A view whose feature is not built yet: says so plainly rather than pretending.
#[component]
pub fn ComingSoon(body: Msg) -> impl IntoView {
    let state = use_app();
    view! {
        <section class="page">
            <div class="card coming">
                <h1>{move || state.tr(Msg::ComingTitle)}</h1>
                <p>{move || state.tr(body)}</p>
            </div>
        </section>
    }
}
