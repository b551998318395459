//! Recording a follow-up (call, visit, message, care, complaint, note) on a customer, and
//! how each kind is named.

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, use_ui};
use kezhi_core::ActivityKind;
use kezhi_core::store::Section;
use kezhi_core::today::Contact;
use leptos::prelude::*;
use uuid::Uuid;

pub fn kind_msg(kind: ActivityKind) -> Msg {
    match kind {
        ActivityKind::Call => Msg::KindCall,
        ActivityKind::Visit => Msg::KindVisit,
        ActivityKind::Message => Msg::KindMessage,
        ActivityKind::Care => Msg::KindCare,
        ActivityKind::Complaint => Msg::KindComplaint,
        ActivityKind::Note => Msg::KindNote,
        ActivityKind::OwnerChange => Msg::KindOwnerChange,
    }
}

/// Records a contact now (stamped, so it is saved and synced like any edit); the core makes
/// the activity (`today::Contact`), as it does for Done on the Today page.
pub fn record_activity(store: Store, contact: Contact) {
    let now = platform::now();
    let id = platform::new_id();
    store.change(&[Section::Activities], move |d| {
        let activity = contact.activity(d, id, now);
        d.activities.push(activity);
    });
}

#[component]
pub fn ActivityForm(customer: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let kind = RwSignal::new(ActivityKind::Call);
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let next = RwSignal::new(String::new());
    let error = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked().trim().to_string();
        if body.is_empty() {
            error.set(true);
            return;
        }
        error.set(false);
        record_activity(
            store,
            Contact {
                customer,
                kind: kind.get_untracked(),
                text: body,
                outcome: Some(outcome.get_untracked()),
                next_follow_up: chrono::NaiveDate::parse_from_str(
                    &next.get_untracked(),
                    "%Y-%m-%d",
                )
                .ok(),
                by: None,
            },
        );
        text.set(String::new());
        outcome.set(String::new());
        next.set(String::new());
        ui.toast(ToastKind::Info, prefs.tr(Msg::ActivityAdded));
    };
    view! {
        <form class="form activity-form" on:submit=add novalidate>
            <h4>{move || prefs.tr(Msg::AddActivity)}</h4>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::ActivityKindLabel)}</span>
                <KindSelect kind testid="activity-kind"/>
            </label>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::ActivityText)}</span>
                <textarea
                    data-testid="activity-text"
                    rows="2"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::Outcome)}</span>
                <input
                    type="text"
                    data-testid="activity-outcome"
                    prop:value=move || outcome.get()
                    on:input=move |ev| outcome.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::NextFollowUp)}</span>
                <input
                    type="date"
                    data-testid="activity-next"
                    prop:value=move || next.get()
                    on:input=move |ev| next.set(event_target_value(&ev))
                />
            </label>
            <Show when=move || error.get()>
                <p class="form-error" role="alert">{move || prefs.tr(Msg::ErrActivityText)}</p>
            </Show>
            <div class="button-row">
                <button type="submit" class="btn" data-testid="activity-add">
                    {move || prefs.tr(Msg::AddActivity)}
                </button>
            </div>
        </form>
    }
}

/// The kinds of follow-up a person records (not owner changes), by name in the UI language.
#[component]
pub fn KindSelect(kind: RwSignal<ActivityKind>, testid: &'static str) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <select
            data-testid=testid
            aria-label=move || prefs.tr(Msg::ActivityKindLabel)
            prop:value=move || kind.get().code().to_string()
            on:change=move |ev| {
                let code = event_target_value(&ev).parse::<u8>().unwrap_or(0);
                kind.set(ActivityKind::from_code(code).unwrap_or(ActivityKind::Note));
            }
        >
            {ActivityKind::MANUAL
                .iter()
                .map(|&k| view! { <option value=k.code().to_string()>{move || prefs.tr(kind_msg(k))}</option> })
                .collect_view()}
        </select>
    }
}
