//! What an item of today's list offers: Done (a contact recorded in two taps: Done, then
//! Record — kind, outcome and next follow-up prefilled and optional) and Snooze (a follow-up
//! moved to another day). Both change the data through the store like any edit; the item
//! leaves the list because the core reads the result.

use crate::i18n::{Msg, reason_name};
use crate::pages::customers::activity::{NewActivity, kind_msg, record_activity};
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use chrono::NaiveDate;
use kezhi_core::ActivityKind;
use kezhi_core::store::Section;
use kezhi_core::today::{Reason, SnoozeTo, snooze};
use leptos::prelude::*;
use uuid::Uuid;

/// The kinds a contact from Today is: each closes a follow-up (notes do not).
const CONTACT_KINDS: [ActivityKind; 4] = [
    ActivityKind::Call,
    ActivityKind::Visit,
    ActivityKind::Message,
    ActivityKind::Care,
];

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[component]
pub fn DoneForm(
    customer: Uuid,
    reason: Reason,
    name: String,
    #[prop(into)] close: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let kind = RwSignal::new(ActivityKind::Call);
    let outcome = RwSignal::new(String::new());
    let next = RwSignal::new(String::new());
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The activity says what it was for, in the words of the person who recorded it.
        let text = reason_name(prefs.lang.get_untracked(), reason).to_string();
        record_activity(
            store,
            NewActivity {
                customer,
                kind: kind.get_untracked(),
                text,
                outcome: outcome.get_untracked(),
                next_follow_up: parse_date(&next.get_untracked()),
                by: prefs.whoami.get_untracked(),
            },
        );
        ui.toast(
            ToastKind::Info,
            format!("{} · {name}", prefs.tr(Msg::ActivityAdded)),
        );
        close.run(());
    };
    view! {
        <form class="form today-form" data-testid="today-done-form" on:submit=record novalidate>
            <div class="today-fields">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::ActivityKindLabel)}</span>
                    <select
                        data-testid="today-done-kind"
                        prop:value=move || kind.get().code().to_string()
                        on:change=move |ev| {
                            let code = event_target_value(&ev).parse::<u8>().unwrap_or(0);
                            kind.set(ActivityKind::from_code(code).unwrap_or(ActivityKind::Call));
                        }
                    >
                        {CONTACT_KINDS
                            .iter()
                            .map(|&k| view! { <option value=k.code().to_string()>{move || prefs.tr(kind_msg(k))}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::Outcome)}</span>
                    <input
                        type="text"
                        data-testid="today-done-outcome"
                        prop:value=move || outcome.get()
                        on:input=move |ev| outcome.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::NextFollowUp)}</span>
                    <input
                        type="date"
                        data-testid="today-done-next"
                        prop:value=move || next.get()
                        on:input=move |ev| next.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <div class="button-row">
                <button type="submit" class="btn btn-primary" data-testid="today-done-confirm">
                    {move || prefs.tr(Msg::TodayConfirm)}
                </button>
                <button type="button" class="btn" data-testid="today-done-cancel" on:click=move |_| close.run(())>
                    {move || prefs.tr(Msg::TodayCancel)}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn SnoozeForm(activity: Uuid, #[prop(into)] close: Callback<()>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let today = platform::today();
    let on_date = RwSignal::new(String::new());
    let move_to = move |day: NaiveDate| {
        let now = platform::now();
        store.change(&[Section::Activities], move |d| {
            snooze(d, activity, day, now);
        });
        ui.toast(
            ToastKind::Info,
            prefs.tr(Msg::Snoozed).replace("{date}", &day.to_string()),
        );
        close.run(());
    };
    let choice_msg = |s: SnoozeTo| match s {
        SnoozeTo::Tomorrow => Msg::SnoozeTomorrow,
        SnoozeTo::InThreeDays => Msg::SnoozeInThreeDays,
        SnoozeTo::NextWeek => Msg::SnoozeNextWeek,
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Only a later day moves the follow-up off today.
        if let Some(day) = parse_date(&on_date.get_untracked()).filter(|d| *d > today) {
            move_to(day);
        }
    };
    view! {
        <form class="form today-form" data-testid="today-snooze-form" on:submit=apply novalidate>
            <div class="button-row today-snooze-choices">
                {SnoozeTo::ALL
                    .iter()
                    .map(|&s| {
                        let day = s.day(today);
                        view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid=format!("today-snooze-{}", s.code())
                                data-date=day.to_string()
                                on:click=move |_| move_to(day)
                            >
                                {move || prefs.tr(choice_msg(s))}
                                <span class="muted small">{format!(" {}", day.format("%m-%d"))}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="today-fields">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::SnoozeOnDate)}</span>
                    <input
                        type="date"
                        data-testid="today-snooze-date"
                        min=today.succ_opt().map(|d| d.to_string()).unwrap_or_default()
                        prop:value=move || on_date.get()
                        on:input=move |ev| on_date.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <div class="button-row">
                <button type="submit" class="btn btn-primary" data-testid="today-snooze-apply">
                    {move || prefs.tr(Msg::SnoozeApply)}
                </button>
                <button type="button" class="btn" data-testid="today-snooze-cancel" on:click=move |_| close.run(())>
                    {move || prefs.tr(Msg::TodayCancel)}
                </button>
            </div>
        </form>
    }
}
