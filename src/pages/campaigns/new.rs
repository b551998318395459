//! A new campaign: a name, an occasion (built in or a team's own), the segment (a saved one,
//! or a query typed in the segment language), the message with its placeholders, a preview for
//! the first member; creating it makes one task per member, now (the core's
//! `create_campaign`).

use super::{CampaignsQuery, OCCASIONS};
use crate::derived::use_derived;
use crate::i18n::{Msg, title_word};
use crate::pages::segments::{Selection, rows_of, select};
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::desk::campaigns::{
    CampaignError, NewCampaign, PLACEHOLDERS, add_campaign, create_campaign, render_message,
    written_in_chinese,
};
use kezhi_core::money::thousands;
use kezhi_core::segment::print::quote;
use kezhi_core::store::Section;
use leptos::prelude::*;

/// The occasion select's value for a team's own occasion.
const CUSTOM: &str = "custom";

fn error_msg(e: CampaignError) -> Msg {
    match e {
        CampaignError::NameMissing => Msg::CampNameMissing,
        CampaignError::OccasionMissing => Msg::CampOccasionMissing,
        CampaignError::TemplateMissing => Msg::CampTemplateMissing,
        CampaignError::NoMembers => Msg::CampNoMembers,
    }
}

#[component]
pub fn NewCampaignForm() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let name = RwSignal::new(String::new());
    let occasion = RwSignal::new(OCCASIONS[0].0.to_string());
    let custom = RwSignal::new(String::new());
    // A saved segment's id, or empty for a typed query.
    let saved = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let template = RwSignal::new(prefs.tr(Msg::CampTemplateDefault).to_string());
    let error = RwSignal::new(None::<String>);

    // The segment as the campaign records it (a saved one by name) and its members now.
    let segment = Memo::new(move |_| {
        let id = saved.get();
        if id.is_empty() {
            let q = query.get();
            let selected = if q.trim().is_empty() {
                Selection::Rows(Vec::new())
            } else {
                select(store, derived, prefs, &q)
            };
            return (q, selected);
        }
        let found = store
            .segments
            .with(|list| list.iter().find(|s| s.id == id).cloned());
        match found {
            Some(s) => (
                format!("in_segment({})", quote(&s.name)),
                Selection::Rows(rows_of(store, derived, prefs, &s)),
            ),
            None => (String::new(), Selection::Rows(Vec::new())),
        }
    });
    let members = move || {
        segment.with(|(_, s)| match s {
            Selection::Rows(r) => r.len(),
            Selection::Error { .. } => 0,
        })
    };
    let preview = move || {
        let first = segment.with(|(_, s)| match s {
            Selection::Rows(r) => r.first().copied(),
            Selection::Error { .. } => None,
        })?;
        let text = template.get();
        let chinese = written_in_chinese(&text);
        store.data.with(|d| {
            let c = d.customers.get(first)?;
            let owner = c.owner.map(|o| o.as_str());
            Some(render_message(&text, c, owner, |t| title_word(t, chinese)))
        })
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (segment_text, selection) = segment.get_untracked();
        let rows = match selection {
            Selection::Rows(r) => r,
            Selection::Error { message, .. } => {
                error.set(Some(message));
                return;
            }
        };
        let occ = occasion.get_untracked();
        let new = NewCampaign {
            name: name.get_untracked(),
            occasion: if occ == CUSTOM {
                custom.get_untracked()
            } else {
                occ
            },
            segment: segment_text,
            template: template.get_untracked(),
        };
        let made = store.data.with_untracked(|d| {
            create_campaign(d, &rows, &new, platform::now(), &mut platform::new_id)
        });
        match made {
            Err(e) => error.set(Some(prefs.tr(error_msg(e)).to_string())),
            Ok((campaign, tasks)) => {
                error.set(None);
                let id = campaign.id;
                let n = tasks.len();
                store.change(&[Section::Desk], move |d| {
                    add_campaign(&mut d.desk, campaign, tasks)
                });
                ui.toast(
                    ToastKind::Info,
                    prefs
                        .tr(Msg::CampCreated)
                        .replace("{n}", &thousands(n as u64)),
                );
                ui.replace_query(|q: &mut CampaignsQuery| q.open = Some(id));
            }
        }
    };

    view! {
        <form class="card form" on:submit=create novalidate data-testid="campaign-form">
            <h2>{move || prefs.tr(Msg::CampNew)}</h2>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::Name)}</span>
                <input
                    type="text"
                    data-testid="campaign-name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::CampOccasion)}</span>
                <select
                    data-testid="campaign-occasion"
                    prop:value=move || occasion.get()
                    on:change=move |ev| occasion.set(event_target_value(&ev))
                >
                    {OCCASIONS
                        .iter()
                        .map(|&(code, msg)| view! { <option value=code>{move || prefs.tr(msg)}</option> })
                        .collect_view()}
                    <option value=CUSTOM>{move || prefs.tr(Msg::OccCustom)}</option>
                </select>
            </label>
            <Show when=move || occasion.get() == CUSTOM>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::OccCustomName)}</span>
                    <input
                        type="text"
                        data-testid="campaign-occasion-custom"
                        prop:value=move || custom.get()
                        on:input=move |ev| custom.set(event_target_value(&ev))
                    />
                </label>
            </Show>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::CampSegment)}</span>
                <select
                    data-testid="campaign-segment"
                    prop:value=move || saved.get()
                    on:change=move |ev| saved.set(event_target_value(&ev))
                >
                    <option value="">{move || prefs.tr(Msg::CampTypedQuery)}</option>
                    {move || {
                        store
                            .segments
                            .get()
                            .into_iter()
                            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <Show when=move || saved.with(String::is_empty)>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::CampQuery)}</span>
                    <textarea
                        data-testid="campaign-query"
                        rows="2"
                        placeholder="orders >= 4"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    ></textarea>
                </label>
            </Show>
            {move || segment.with(|(_, s)| match s {
                Selection::Error { message, .. } => Some(view! {
                    <p class="form-error" data-testid="campaign-query-error" role="alert">{message.clone()}</p>
                }),
                Selection::Rows(_) => None,
            })}
            <p data-testid="campaign-members" data-count=move || members().to_string()>
                <strong>{move || thousands(members() as u64)}</strong>
                " " {move || prefs.tr(Msg::CampMembers)}
            </p>
            <label class="field">
                <span class="field-label">{move || prefs.tr(Msg::CampTemplate)}</span>
                <textarea
                    data-testid="campaign-template"
                    rows="3"
                    prop:value=move || template.get()
                    on:input=move |ev| template.set(event_target_value(&ev))
                ></textarea>
            </label>
            <p class="muted small">
                {move || prefs.tr(Msg::CampPlaceholders)} " " {PLACEHOLDERS.join(" ")}
            </p>
            {move || preview().map(|text| view! {
                <p class="campaign-preview" data-testid="campaign-preview">
                    <span class="muted small">{move || prefs.tr(Msg::CampPreview)} ": "</span>
                    {text}
                </p>
            })}
            {move || error.get().map(|m| view! {
                <p class="form-error" data-testid="campaign-error" role="alert">{m}</p>
            })}
            <div class="button-row">
                <button type="submit" class="btn btn-primary" data-testid="campaign-create">
                    {move || prefs.tr(Msg::CampCreate)}
                </button>
            </div>
        </form>
    }
}
