//! A customer's recommendations (推介) on their panel: recording one (a product or offer, an
//! optional amount in yuan, the manager — the customer's by default) and moving it along:
//! recommended → interested → won (with the deal's amount) or declined; a closed one can be
//! re-opened; one recorded by mistake can be deleted (undone from the toast). The rules are the
//! core's (`kezhi_core::desk::recommendations`, `kezhi_core::desk::delete`).

use crate::i18n::Msg;
use crate::pages::desk_delete::recommendation_delete_button;
use crate::pages::recommendations::status_msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::RecommendationStatus as Status;
use kezhi_core::desk::recommendations::{
    RecommendationError, add_recommendation, change_status, new_recommendation, of_customer,
    parse_amount,
};
use kezhi_core::money::yuan_display;
use kezhi_core::store::Section;
use leptos::prelude::*;
use uuid::Uuid;

fn error_msg(e: RecommendationError) -> Msg {
    match e {
        RecommendationError::ProductMissing => Msg::RecProductMissing,
        RecommendationError::Amount(_) => Msg::RecAmountInvalid,
        RecommendationError::NegativeAmount => Msg::RecAmountNegative,
    }
}

/// The statuses a recommendation in `status` can move to, with their buttons' hooks: re-open
/// goes back to recommended.
fn next_steps(status: Status) -> &'static [(Status, &'static str, Msg)] {
    const INTERESTED: (Status, &str, Msg) = (
        Status::Interested,
        "recommendation-interested",
        Msg::RecMarkInterested,
    );
    const WON: (Status, &str, Msg) = (Status::Won, "recommendation-won", Msg::RecMarkWon);
    const DECLINED: (Status, &str, Msg) = (
        Status::Declined,
        "recommendation-declined",
        Msg::RecMarkDeclined,
    );
    const REOPEN: (Status, &str, Msg) =
        (Status::Recommended, "recommendation-reopen", Msg::RecReopen);
    match status {
        Status::Recommended => &[INTERESTED, WON, DECLINED],
        Status::Interested => &[WON, DECLINED],
        Status::Won | Status::Declined => &[REOPEN],
    }
}

#[component]
pub fn CustomerRecommendations(id: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let owner_now = move || {
        store.data.with_untracked(|d| {
            d.customer(id)
                .and_then(|c| c.owner.map(|o| o.to_string()))
                .unwrap_or_default()
        })
    };
    let product = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let owner = RwSignal::new(owner_now());
    let error = RwSignal::new(None::<Msg>);
    let list = Memo::new(move |_| {
        store.data.with(|d| {
            of_customer(d, id)
                .into_iter()
                .filter_map(|k| d.desk.recommendations.get(k).cloned())
                .collect::<Vec<_>>()
        })
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = parse_amount(&amount.get_untracked()).and_then(|cents| {
            store.data.with_untracked(|d| {
                let Some(c) = d.customer(id) else {
                    return Err(RecommendationError::ProductMissing);
                };
                new_recommendation(
                    c,
                    &product.get_untracked(),
                    cents,
                    Some(&owner.get_untracked()),
                    platform::now(),
                    platform::new_id(),
                )
            })
        });
        match checked {
            Err(e) => error.set(Some(error_msg(e))),
            Ok(r) => {
                error.set(None);
                store.change(&[Section::Desk], move |d| {
                    add_recommendation(&mut d.desk, r)
                });
                product.set(String::new());
                amount.set(String::new());
                ui.toast(ToastKind::Info, prefs.tr(Msg::RecAdded));
            }
        }
    };
    let move_to = move |rid: Uuid, status: Status, won_text: String| {
        let won = if status == Status::Won {
            match parse_amount(&won_text) {
                Ok(w) => w,
                Err(e) => {
                    ui.toast(ToastKind::Error, prefs.tr(error_msg(e)));
                    return;
                }
            }
        } else {
            None
        };
        let now = platform::now();
        store.change(&[Section::Desk], move |d| {
            change_status(d, rid, status, won, now);
        });
    };
    let offset = platform::local_offset();
    let item = move |r: kezhi_core::Recommendation| {
        let rid = r.id;
        let status = r.status;
        let won_text = RwSignal::new(String::new());
        let offered = r.amount_cents.map(yuan_display);
        view! {
            <li data-testid="recommendation-item" data-id=rid.to_string() data-status=status.code()>
                <span>
                    <strong>{r.product.clone()}</strong>
                    {offered.clone().map(|a| format!(" · {a}"))}
                </span>
                <span class="muted small">
                    {move || prefs.tr(status_msg(status))}
                    {r.won_cents.map(|w| format!(" · {}", yuan_display(w)))}
                    " · " {r.recommended_at.format_local(offset)}
                    {r.owner.clone().map(|o| format!(" · {o}"))}
                </span>
                <div class="button-row">
                    {(!status.is_closed()).then(|| view! {
                        <input
                            type="text"
                            inputmode="decimal"
                            class="input-narrow"
                            data-testid="recommendation-won-amount"
                            aria-label=move || prefs.tr(Msg::RecWonAmount)
                            placeholder=move || offered.clone().unwrap_or_else(|| prefs.tr(Msg::RecWonAmount).to_string())
                            prop:value=move || won_text.get()
                            on:input=move |ev| won_text.set(event_target_value(&ev))
                        />
                    })}
                    {next_steps(status)
                        .iter()
                        .map(|&(to, testid, label)| view! {
                            <button
                                type="button"
                                class="btn btn-small"
                                data-testid=testid
                                on:click=move |_| move_to(rid, to, won_text.get_untracked())
                            >
                                {move || prefs.tr(label)}
                            </button>
                        })
                        .collect_view()}
                    {recommendation_delete_button((store, prefs, ui), rid)}
                </div>
            </li>
        }
    };
    view! {
        <section class="history" data-testid="customer-recommendations">
            <h3>{move || prefs.tr(Msg::NavRecommendations)}</h3>
            <form class="form activity-form" on:submit=add novalidate>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RecProduct)}</span>
                    <input
                        type="text"
                        data-testid="recommendation-product"
                        prop:value=move || product.get()
                        on:input=move |ev| product.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RecAmountOptional)}</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        data-testid="recommendation-amount"
                        prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::DeskManager)}</span>
                    <input
                        type="text"
                        data-testid="recommendation-owner"
                        prop:value=move || owner.get()
                        on:input=move |ev| owner.set(event_target_value(&ev))
                    />
                </label>
                {move || error.get().map(|m| view! {
                    <p class="form-error" data-testid="recommendation-error" role="alert">{prefs.tr(m)}</p>
                })}
                <div class="button-row">
                    <button type="submit" class="btn" data-testid="recommendation-add">
                        {move || prefs.tr(Msg::RecAdd)}
                    </button>
                </div>
            </form>
            <Show
                when=move || list.with(|l| !l.is_empty())
                fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::RecNone)}</p> }
            >
                <ul class="timeline">{move || list.get().into_iter().map(item).collect_view()}</ul>
            </Show>
        </section>
    }
}
