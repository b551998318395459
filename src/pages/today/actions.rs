//! What an item of today's list offers: Done (a contact recorded in one tap — kind, outcome and
//! next follow-up prefilled, changed under Details — and an Undo in the toast for a tap that
//! was a slip) and Snooze (a follow-up moved to another day). Both change the data through the
//! store like any edit; the item leaves the list because the core reads the result.

use crate::i18n::{Msg, reason_name};
use crate::pages::customers::activity::kind_msg;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, Ui, use_ui};
use chrono::NaiveDate;
use kezhi_core::ActivityKind;
use kezhi_core::store::Section;
use kezhi_core::today::{Contact, Detail, Reason, SnoozeTo, record_done, snooze, undo_done};
use leptos::prelude::*;
use uuid::Uuid;

/// The kinds a contact from Today is: each closes a follow-up (notes do not).
const CONTACT_KINDS: [ActivityKind; 4] = [
    ActivityKind::Call,
    ActivityKind::Visit,
    ActivityKind::Message,
    ActivityKind::Care,
];

/// The kind Done records unless changed: greetings and campaign contacts are care, the rest a
/// call.
pub fn default_kind(reason: Reason) -> ActivityKind {
    match reason {
        Reason::Birthday | Reason::Care => ActivityKind::Care,
        _ => ActivityKind::Call,
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// What Done records: the contact as the Details fields hold it.
#[derive(Clone, Copy)]
pub struct DoneFields {
    pub kind: RwSignal<ActivityKind>,
    pub outcome: RwSignal<String>,
    pub next: RwSignal<String>,
}

impl DoneFields {
    pub fn new(reason: Reason) -> Self {
        DoneFields {
            kind: RwSignal::new(default_kind(reason)),
            outcome: RwSignal::new(String::new()),
            next: RwSignal::new(String::new()),
        }
    }
}

/// What recording needs from the page (taken when the item is drawn: an event handler has no
/// context to look them up in).
#[derive(Clone, Copy)]
pub struct Recorder {
    store: Store,
    prefs: Prefs,
    ui: Ui,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            store: use_store(),
            prefs: use_prefs(),
            ui: use_ui(),
        }
    }
}

/// Records Done on an item through the core (`today::record_done`: a care item's task is
/// marked too), then offers to undo it.
pub fn record(
    on: Recorder,
    customer: Uuid,
    detail: Detail,
    reason: Reason,
    name: String,
    fields: DoneFields,
) {
    let Recorder { store, prefs, ui } = on;
    let sections: &'static [Section] = if matches!(detail, Detail::Care { .. }) {
        &[Section::Activities, Section::Desk]
    } else {
        &[Section::Activities]
    };
    let contact = Contact {
        customer,
        kind: fields.kind.get_untracked(),
        // The activity says what it was for, in the words of the person who recorded it.
        text: reason_name(prefs.lang.get_untracked(), reason).to_string(),
        outcome: Some(fields.outcome.get_untracked()),
        next_follow_up: parse_date(&fields.next.get_untracked()),
        by: prefs.whoami.get_untracked(),
    };
    let now = platform::now();
    let mut done = None;
    store.change(sections, |d| {
        done = Some(record_done(d, &detail, contact, now, &mut platform::new_id));
    });
    if let Some(done) = done {
        ui.toast_with_undo(
            format!("{} · {name}", prefs.tr(Msg::TodayDoneRecorded)),
            move || store.change(sections, |d| undo_done(d, done, platform::now())),
        );
    }
}

/// The contact's details before Done records it: kind, outcome, next follow-up.
#[component]
pub fn DoneDetails(
    fields: DoneFields,
    #[prop(into)] record: Callback<()>,
    #[prop(into)] close: Callback<()>,
) -> impl IntoView {
    let prefs = use_prefs();
    let DoneFields {
        kind,
        outcome,
        next,
    } = fields;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        record.run(());
    };
    view! {
        <form class="form today-form" data-testid="today-done-form" on:submit=submit novalidate>
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
