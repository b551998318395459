//! A customer's request cards: the form that opens one (category, description, priority, a
//! deadline from the category's service level unless set, owner) and the customer's cards.

use super::card::RequestCard;
use super::names::{category_name, error_msg, priority_msg};
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::desk::requests::{RequestDraft, RequestFilter, filter_requests, open_request};
use kezhi_core::model::Priority;
use kezhi_core::store::Section;
use kezhi_core::time::Timestamp;
use leptos::prelude::*;
use uuid::Uuid;

/// The customer page's section: the form and the customer's cards, open ones first.
#[component]
pub fn CustomerRequests(customer: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let requests = Memo::new(move |_| {
        let now = platform::now();
        store.data.with(|d| {
            let f = RequestFilter {
                customer: Some(customer),
                ..Default::default()
            };
            filter_requests(&d.desk.requests, &f, now)
                .into_iter()
                .map(|i| d.desk.requests[i].clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="history" data-testid="customer-requests">
            <h3>{move || prefs.tr(Msg::RequestCards)}</h3>
            <RequestForm customer/>
            <Show when=move || requests.with(|r| !r.is_empty()) fallback=move || view! { <p class="muted">{prefs.tr(Msg::NoRequests)}</p> }>
                <ul class="request-list">
                    {move || requests.get().into_iter().map(|r| view! { <RequestCard request=r customer=None/> }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn RequestForm(customer: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let categories = Memo::new(move |_| prefs.analytics.with(|a| a.desk.categories.clone()));
    let category = RwSignal::new(
        categories
            .get_untracked()
            .first()
            .cloned()
            .unwrap_or_default(),
    );
    let description = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Normal);
    let due = RwSignal::new(String::new());
    let owner = RwSignal::new(store.data.with_untracked(|d| {
        d.customer(customer)
            .and_then(|c| c.owner.map(|o| o.to_string()))
            .unwrap_or_default()
    }));
    let error = RwSignal::new(None::<Msg>);
    // The deadline the category's service level gives if opened now, as a hint.
    let default_due = move || {
        let now = platform::now();
        let at = prefs
            .analytics
            .with(|a| a.desk.due_at(&category.get(), now));
        at.format_local(platform::local_offset())
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = platform::now();
        let offset = platform::local_offset();
        let due_at = chrono::NaiveDateTime::parse_from_str(&due.get_untracked(), "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|local| Timestamp::from_local(local, offset));
        let draft = RequestDraft {
            customer_id: customer,
            category: category.get_untracked(),
            description: description.get_untracked(),
            priority: priority.get_untracked(),
            owner: Some(owner.get_untracked()),
            due_at,
        };
        let settings = prefs.analytics.with_untracked(|a| a.desk.clone());
        match open_request(draft, &settings, platform::new_id(), now) {
            Ok(request) => {
                store.change(&[Section::Desk], move |d| d.desk.requests.push(request));
                description.set(String::new());
                due.set(String::new());
                error.set(None);
                ui.toast(ToastKind::Info, prefs.tr(Msg::RequestAdded));
            }
            Err(e) => error.set(Some(error_msg(e))),
        }
    };
    view! {
        <details class="request-form-box">
            <summary class="btn btn-small" data-testid="request-new">{move || prefs.tr(Msg::NewRequest)}</summary>
            <form class="form" data-testid="request-form" on:submit=add novalidate>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RequestCategory)}</span>
                    <select
                        data-testid="request-category"
                        prop:value=move || category.get()
                        on:change=move |ev| category.set(event_target_value(&ev))
                    >
                        {move || categories.get().into_iter().map(|c| {
                            let code = c.clone();
                            view! { <option value=c.clone()>{move || category_name(prefs.lang.get(), &code)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RequestDescription)}</span>
                    <textarea
                        data-testid="request-description"
                        rows="2"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RequestPriority)}</span>
                    <select
                        data-testid="request-priority"
                        prop:value=move || priority.get().code()
                        on:change=move |ev| {
                            priority.set(Priority::from_code(&event_target_value(&ev)).unwrap_or_default())
                        }
                    >
                        {Priority::ALL.into_iter().map(|p| view! {
                            <option value=p.code()>{move || prefs.tr(priority_msg(p))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RequestDue)}</span>
                    <input
                        type="datetime-local"
                        data-testid="request-due"
                        prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))
                    />
                    <span class="muted small" data-testid="request-due-default">
                        {move || prefs.tr(Msg::RequestDueHint)} " · " {default_due}
                    </span>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::RequestOwner)}</span>
                    <input
                        type="text"
                        data-testid="request-owner"
                        prop:value=move || owner.get()
                        on:input=move |ev| owner.set(event_target_value(&ev))
                    />
                </label>
                {move || error.get().map(|m| view! { <p class="form-error" role="alert">{prefs.tr(m)}</p> })}
                <div class="button-row">
                    <button type="submit" class="btn btn-primary" data-testid="request-add">
                        {move || prefs.tr(Msg::AddRequest)}
                    </button>
                </div>
            </form>
        </details>
    }
}
