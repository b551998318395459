//! One item of today's list: who, why, when last contacted, how valuable, their phone (masked
//! until revealed, then a `tel:` link), and what can be done with it.

use super::actions::{DoneDetails, DoneFields, Recorder, SnoozeForm, record};
use crate::i18n::{Msg, title_word, today_detail};
use crate::pages::campaigns::{MessageArea, copy_message, occasion_name};
use crate::pages::customers::query::CustomersQuery;
use crate::pages::requests::names::category_name;
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use kezhi_core::desk::campaigns::task_message;
use kezhi_core::metrics::Analytics;
use kezhi_core::money::yuan_display;
use kezhi_core::today::{Detail, Item, Reason};
use kezhi_core::{Cents, Dataset, Timestamp};
use leptos::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};
use uuid::Uuid;

/// What an item shows, as plain values: the list re-renders an item only when they change.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: Uuid,
    pub reason: Reason,
    pub detail: Detail,
    pub name: String,
    pub phone: Option<String>,
    /// The value tier's code and name (tiers are named in Settings).
    pub tier: (String, String),
    pub value: Cents,
    pub last_contact: Option<Timestamp>,
    /// What a request or a campaign contact is about.
    pub desk: Option<DeskNote>,
}

/// The desk record behind a request or care item, as the item shows it.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum DeskNote {
    /// The request's category code and description.
    Request {
        category: String,
        description: String,
    },
    /// The campaign's name and occasion code, and the personalised message to copy.
    Care {
        campaign: String,
        occasion: String,
        message: String,
    },
}

impl DeskNote {
    fn of(data: &Dataset, item: &Item, zh: bool) -> Option<DeskNote> {
        match &item.detail {
            Detail::Request { request, .. } => {
                let r = data.desk.requests.iter().find(|r| r.id == *request)?;
                Some(DeskNote::Request {
                    category: r.category.clone(),
                    description: r.description.clone(),
                })
            }
            Detail::Care { task, campaign } => {
                let t = data.desk.tasks.iter().find(|t| t.id == *task)?;
                let c = data.desk.campaigns.iter().find(|c| c.id == *campaign)?;
                let customer = data.customers.get(item.index)?;
                Some(DeskNote::Care {
                    campaign: c.name.clone(),
                    occasion: c.occasion.clone(),
                    message: task_message(c, customer, t, |w| title_word(w, zh)),
                })
            }
            _ => None,
        }
    }
}

impl Row {
    pub fn new(data: &Dataset, analytics: &Analytics, item: &Item, zh: bool) -> Option<Row> {
        let c = data.customers.get(item.index)?;
        let tier = analytics
            .customers
            .get(item.index)
            .and_then(|m| m.tier)
            .map(|t| {
                (
                    analytics.tier_code(t).to_string(),
                    analytics.tier_name(t, zh).to_string(),
                )
            })
            .unwrap_or_default();
        Some(Row {
            id: c.id,
            reason: item.reason,
            detail: item.detail.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            tier,
            value: item.value,
            last_contact: item.last_contact,
            desk: DeskNote::of(data, item, zh),
        })
    }

    /// A hash of everything the item shows.
    pub fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (self.id, self.reason, format!("{:?}", self.detail)).hash(&mut h);
        (&self.name, &self.phone, &self.tier, self.value).hash(&mut h);
        self.last_contact.map(|t| t.millis()).hash(&mut h);
        self.desk.hash(&mut h);
        h.finish()
    }

    /// The follow-up a snooze moves (follow-ups due and overdue only).
    fn planned_by(&self) -> Option<Uuid> {
        match self.detail {
            Detail::FollowUp { activity } | Detail::Overdue { activity, .. } => Some(activity),
            _ => None,
        }
    }
}

/// A phone number as a `tel:` link dials it: the number without the spaces people type.
fn tel_number(phone: &str) -> String {
    phone.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the item's form below it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Details,
    Snooze,
}

/// A request's category and description, or a campaign's name with its message ready to copy.
#[component]
fn DeskLine(note: DeskNote) -> impl IntoView {
    let prefs = use_prefs();
    let ui = crate::ui::use_ui();
    match note {
        DeskNote::Request {
            category,
            description,
        } => view! {
            <p class="today-note small" data-testid="today-request">
                <span class="tag">{move || category_name(prefs.lang.get(), &category)}</span>
                " " {description}
            </p>
        }
        .into_any(),
        DeskNote::Care {
            campaign,
            occasion,
            message,
        } => {
            let area = NodeRef::<leptos::html::Textarea>::new();
            let text = message.clone();
            let copy = move |_| copy_message(area, &text, prefs, ui);
            view! {
                <div class="today-note small" data-testid="today-care">
                    <span class="tag">{move || occasion_name(prefs.lang.get(), &occasion)}</span>
                    " " {campaign}
                    <MessageArea message testid="today-care-message" area/>
                    <button type="button" class="btn btn-small" data-testid="today-care-copy" on:click=copy>
                        {move || prefs.tr(Msg::TaskCopy)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
pub fn TodayItem(row: Row) -> impl IntoView {
    let prefs = use_prefs();
    let reveal = RwSignal::new(false);
    let open = RwSignal::new(Open::Nothing);
    let offset = platform::local_offset();
    let today = platform::today();
    let href = CustomersQuery {
        selected: Some(row.id),
        ..Default::default()
    }
    .to_route()
    .to_hash();
    let detail = row.detail.clone();
    let now = platform::now();
    let why = move || today_detail(prefs.lang.get(), &detail, offset, now);
    // A request past its deadline is red wherever it is listed.
    let late =
        matches!(row.detail, Detail::Request { days_late, due, .. } if days_late > 0 || due < now);
    // The last contact: its date in the user's zone, and how long ago.
    let last = row.last_contact;
    let last_contact = move || match last.and_then(|t| t.to_offset(offset)) {
        None => prefs.tr(Msg::NeverContacted).to_string(),
        Some(t) => {
            let days = (today - t.date_naive()).num_days();
            let ago = if days <= 0 {
                prefs.tr(Msg::TodayWord).to_string()
            } else {
                prefs.tr(Msg::DaysAgo).replace("{n}", &days.to_string())
            };
            format!("{} ({ago})", t.format("%Y-%m-%d"))
        }
    };
    let phone = row.phone.clone();
    let phone_view = move || {
        match phone.clone() {
        None => view! { <span class="muted">{move || prefs.tr(Msg::NoPhone)}</span> }.into_any(),
        Some(p) if reveal.get() => view! {
            <a class="tel today-tel" href=format!("tel:{}", tel_number(&p)) data-testid="today-phone">
                {p.clone()}
            </a>
        }
        .into_any(),
        Some(p) => view! {
            <span class="today-masked" data-testid="today-phone-masked">
                {kezhi_core::export::mask_phone(&p)}
            </span>
            <button class="btn btn-link today-show" data-testid="today-phone-show" on:click=move |_| reveal.set(true)>
                {move || prefs.tr(Msg::ShowPhone)}
            </button>
        }
        .into_any(),
    }
    };
    let snoozable = row.planned_by();
    let (tier_code, tier_name) = row.tier.clone();
    let id = row.id;
    let fields = DoneFields::new(row.reason);
    let recorder = Recorder::new();
    let (done_detail, reason, customer_name) = (row.detail.clone(), row.reason, row.name.clone());
    let done = move || {
        open.set(Open::Nothing);
        record(
            recorder,
            id,
            done_detail.clone(),
            reason,
            customer_name.clone(),
            fields,
        );
    };
    let toggle =
        move |which: Open| open.update(|o| *o = if *o == which { Open::Nothing } else { which });
    // A button that opens (or closes) one of the forms below the item.
    let opener = move |which: Open, testid: &'static str, label: Msg| {
        view! {
            <button
                class="btn"
                data-testid=testid
                aria-expanded=move || (open.get() == which).to_string()
                on:click=move |_| toggle(which)
            >
                {move || prefs.tr(label)}
            </button>
        }
    };
    view! {
        <li
            class="today-item"
            class:overdue=late
            data-testid="today-item"
            data-id=id.to_string()
            data-reason=row.reason.code()
        >
            <div class="today-head">
                <a class="today-name" href=href data-testid="today-customer">{row.name.clone()}</a>
                <span class="today-why" data-testid="today-why">{why}</span>
            </div>
            <div class="today-meta small">
                <span class="today-last" data-testid="today-last-contact">
                    <span class="muted">{move || prefs.tr(Msg::LastContact)} ": "</span>
                    {last_contact}
                </span>
                <span class=format!("tier tier-{tier_code}")>{tier_name}</span>
                <span class="num">{yuan_display(row.value)}</span>
                <span class="today-phone">{phone_view}</span>
            </div>
            {row.desk.clone().map(|note| view! { <DeskLine note/> })}
            <div class="today-actions">
                <button
                    class="btn btn-primary"
                    data-testid="today-done"
                    on:click={
                        let done = done.clone();
                        move |_| done()
                    }
                >
                    {move || prefs.tr(Msg::TodayDone)}
                </button>
                {opener(Open::Details, "today-done-details", Msg::TodayDetails)}
                {snoozable.map(|_| opener(Open::Snooze, "today-snooze", Msg::Snooze))}
            </div>
            {move || match open.get() {
                Open::Nothing => None,
                Open::Details => Some(view! {
                    <DoneDetails fields record=done.clone() close=move || open.set(Open::Nothing)/>
                }.into_any()),
                Open::Snooze => snoozable.map(|activity| view! {
                    <SnoozeForm activity close=move || open.set(Open::Nothing)/>
                }.into_any()),
            }}
        </li>
    }
}
