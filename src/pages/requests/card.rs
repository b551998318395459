//! One request card with the actions its status allows: start, resolve (with a note), close,
//! reopen — and delete (a card entered by mistake; undone from the toast). The status rules
//! are the core's (`set_status`).

use super::names::{category_name, error_msg, overdue_days, priority_msg, status_msg};
use crate::i18n::Msg;
use crate::pages::customers::query::CustomersQuery;
use crate::pages::desk_delete::{Question, confirm_delete};
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, use_ui};
use kezhi_core::desk::delete::delete_request;
use kezhi_core::desk::requests::{RequestError, set_status};
use kezhi_core::model::{Request, RequestStatus};
use kezhi_core::store::Section;
use leptos::prelude::*;
use uuid::Uuid;

/// Changes a request's status through the store (saved, synced); `Err` when the core refuses.
pub fn change_status(
    store: Store,
    id: Uuid,
    to: RequestStatus,
    note: &str,
) -> Result<(), RequestError> {
    let now = platform::now();
    // Checked on a copy first: an edit the core refuses must not count as a change.
    let current = store
        .data
        .with_untracked(|d| d.desk.requests.iter().find(|r| r.id == id).cloned());
    let Some(mut copy) = current else {
        return Ok(());
    };
    set_status(&mut copy, to, note, now)?;
    store.change(&[Section::Desk], move |d| {
        if let Some(r) = d.desk.requests.iter_mut().find(|r| r.id == id) {
            *r = copy;
        }
    });
    Ok(())
}

/// A request as a list entry; `customer` names the customer (with a link) where the list is
/// not one customer's.
#[component]
pub fn RequestCard(request: Request, customer: Option<String>) -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    let store = use_store();
    let offset = platform::local_offset();
    let now = platform::now();
    let today = platform::today();
    let id = request.id;
    let overdue = request.is_overdue(now);
    let due_day = request.due_at.local_day(offset);
    let days_late = kezhi_core::time::day_number(today) - due_day;
    let resolving = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let act = move |to: RequestStatus| {
        let text = note.get_untracked();
        match change_status(store, id, to, &text) {
            Ok(()) => {
                resolving.set(false);
                error.set(None);
                ui.toast(ToastKind::Info, prefs.tr(Msg::RequestUpdated));
            }
            Err(e) => error.set(Some(error_msg(e))),
        }
    };
    let delete = move |_| {
        let question = Question {
            ask: Msg::ConfirmDeleteRequest,
            count: None,
            done: Msg::RequestDeleted,
        };
        confirm_delete(
            (store, prefs, ui),
            question,
            move |d, now| delete_request(d, id, now),
            || {},
        );
    };
    let status = request.status;
    let link = CustomersQuery {
        selected: Some(request.customer_id),
        ..Default::default()
    }
    .to_route()
    .to_hash();
    let category = request.category.clone();
    let class = if overdue {
        "request-card overdue"
    } else {
        "request-card"
    };
    view! {
        <li
            class=class
            data-testid="request-item"
            data-id=id.to_string()
            data-status=status.code()
            data-category=request.category.clone()
            data-overdue=overdue.to_string()
        >
            <div class="request-head">
                <span class="badge">{move || category_name(prefs.lang.get(), &category)}</span>
                <span class=format!("badge priority-{}", request.priority.code())>
                    {move || prefs.tr(priority_msg(request.priority))}
                </span>
                <span class="badge status" data-testid="request-status">{move || prefs.tr(status_msg(status))}</span>
                {overdue.then(|| view! {
                    <span class="badge danger" data-testid="request-overdue">
                        {move || overdue_days(prefs.lang.get(), days_late.max(0))}
                    </span>
                })}
            </div>
            {customer.map(|name| view! { <a class="request-customer" href=link>{name}</a> })}
            <p class="request-text">{request.description.clone()}</p>
            <p class="muted small">
                {move || prefs.tr(Msg::RequestDue)} " " {request.due_at.format_local(offset)}
                {request.owner.clone().map(|o| format!(" · {o}"))}
                {request.closed_at.map(|c| format!(" · {}", c.format_local(offset)))}
            </p>
            {(!request.resolution.is_empty()).then(|| view! {
                <p class="small">{move || prefs.tr(Msg::RequestResolution)} ": " {request.resolution.clone()}</p>
            })}
            <div class="button-row">
                {(status == RequestStatus::Open).then(|| view! {
                    <button class="btn btn-small" data-testid="request-start" on:click=move |_| act(RequestStatus::InProgress)>
                        {move || prefs.tr(Msg::RequestStart)}
                    </button>
                })}
                {status.is_open().then(|| view! {
                    <button class="btn btn-small" data-testid="request-resolve" on:click=move |_| resolving.update(|r| *r = !*r)>
                        {move || prefs.tr(Msg::RequestResolve)}
                    </button>
                    <button class="btn btn-small" data-testid="request-close" on:click=move |_| act(RequestStatus::Closed)>
                        {move || prefs.tr(Msg::RequestClose)}
                    </button>
                })}
                {(!status.is_open()).then(|| view! {
                    <button class="btn btn-small" data-testid="request-reopen" on:click=move |_| act(RequestStatus::Open)>
                        {move || prefs.tr(Msg::RequestReopen)}
                    </button>
                })}
                <button class="btn btn-small btn-danger" data-testid="request-delete" on:click=delete>
                    {move || prefs.tr(Msg::Delete)}
                </button>
            </div>
            <Show when=move || resolving.get()>
                <div class="inline-form">
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::RequestResolution)}</span>
                        <input
                            type="text"
                            data-testid="request-resolution"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))
                        />
                    </label>
                    <button class="btn btn-primary btn-small" data-testid="request-resolve-confirm" on:click=move |_| act(RequestStatus::Resolved)>
                        {move || prefs.tr(Msg::RequestResolve)}
                    </button>
                </div>
            </Show>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{prefs.tr(m)}</p> })}
        </li>
    }
}
