//! A campaign's tasks: per customer, how to reach them, the personalised message ready to
//! copy, and the buttons that record what came of the contact (done records a Care activity
//! on the customer, as the core's `set_task_status` says).

use super::task_status_msg;
use crate::i18n::{Msg, title_word};
use crate::pages::recommendations::customer_href;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::desk::campaigns::{Marked, set_task_status, task_message, written_in_chinese};
use kezhi_core::export::mask_phone;
use kezhi_core::store::Section;
use kezhi_core::{Campaign, TaskStatus};
use leptos::prelude::*;
use uuid::Uuid;

/// Tasks shown before "show more": a campaign over a large segment has thousands.
const PAGE: usize = 100;

/// The buttons of a task: every status but its own, with their hooks.
const STEPS: [(TaskStatus, &str, Msg); 4] = [
    (TaskStatus::Done, "campaign-done", Msg::TaskMarkDone),
    (
        TaskStatus::NoAnswer,
        "campaign-no-answer",
        Msg::TaskNoAnswer,
    ),
    (TaskStatus::Declined, "campaign-declined", Msg::TaskDeclined),
    (TaskStatus::Todo, "campaign-todo", Msg::TaskBackToDo),
];

/// What a row shows of a task.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    task: Uuid,
    customer: Uuid,
    name: String,
    phone: Option<String>,
    owner: Option<String>,
    status: TaskStatus,
    message: String,
}

#[component]
pub fn TaskList(campaign: Signal<Option<Campaign>>, rows: Signal<Vec<usize>>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let limit = RwSignal::new(PAGE);
    let shown = Memo::new(move |_| {
        let Some(c) = campaign.get() else {
            return Vec::new();
        };
        let chinese = written_in_chinese(&c.template);
        let rows = rows.get();
        store.data.with(|d| {
            let positions = d.customer_positions();
            rows.iter()
                .take(limit.get())
                .filter_map(|&k| {
                    let t = d.desk.tasks.get(k)?;
                    let customer = &d.customers[*positions.get(&t.customer_id)?];
                    Some(Row {
                        task: t.id,
                        customer: t.customer_id,
                        name: customer.name.clone(),
                        phone: customer.phone.clone(),
                        owner: t.owner.clone(),
                        status: t.status,
                        message: task_message(&c, customer, t, |x| title_word(x, chinese)),
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let mark = move |task: Uuid, status: TaskStatus| {
        let now = platform::now();
        let mut done = None;
        store.change(&[Section::Desk, Section::Activities], |d| {
            done = Some(set_task_status(d, task, status, now, &mut platform::new_id));
        });
        if let Some(Marked::Changed { care: Some(_) }) = done {
            ui.toast(ToastKind::Info, prefs.tr(Msg::TaskCareRecorded));
        }
    };
    let row = move |r: Row| {
        let area = NodeRef::<leptos::html::Textarea>::new();
        let message = r.message.clone();
        let copy = move |_| super::copy_message(area, &message, prefs, ui);
        let status = r.status;
        let task = r.task;
        view! {
            <li
                class="campaign-task"
                data-testid="campaign-task"
                data-id=task.to_string()
                data-customer=r.customer.to_string()
                data-status=status.code()
            >
                <div class="campaign-task-head">
                    <a href=customer_href(r.customer)><strong>{r.name.clone()}</strong></a>
                    {r.phone.clone().map(|p| view! {
                        " " <a class="small" href=format!("tel:{p}")>{mask_phone(&p)}</a>
                    })}
                    <span class="muted small">
                        {r.owner.clone().map(|o| format!(" · {o}"))}
                        " · " {move || prefs.tr(task_status_msg(status))}
                    </span>
                </div>
                <super::MessageArea message=r.message.clone() testid="campaign-message" area/>
                <div class="button-row">
                    <button type="button" class="btn btn-small" data-testid="campaign-copy" on:click=copy>
                        {move || prefs.tr(Msg::TaskCopy)}
                    </button>
                    {STEPS
                        .into_iter()
                        .filter(|(s, _, _)| *s != status)
                        .map(|(s, testid, label)| view! {
                            <button type="button" class="btn btn-small" data-testid=testid on:click=move |_| mark(task, s)>
                                {move || prefs.tr(label)}
                            </button>
                        })
                        .collect_view()}
                </div>
            </li>
        }
    };
    view! {
        <Show
            when=move || shown.with(|s| !s.is_empty())
            fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::CampNoTasks)}</p> }
        >
            <ul class="desk-list campaign-tasks">
                <For each=move || shown.get() key=|r| (r.task, r.status, r.message.clone()) children=row/>
            </ul>
        </Show>
        {move || (limit.get() < rows.with(Vec::len)).then(|| view! {
            <button class="btn btn-ghost" data-testid="campaign-more" on:click=move |_| limit.update(|l| *l += PAGE)>
                {move || prefs.tr(Msg::DeskShowMore)}
            </button>
        })}
    }
}
