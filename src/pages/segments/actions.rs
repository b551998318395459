//! Acting on everyone a segment selects (UI contract: `segment-actions`).

use super::super::customers::activity::KindSelect;
use super::super::customers::bulk::run_bulk;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::ActivityKind;
use kezhi_core::bulk::BulkAction;
use kezhi_core::money::thousands as group;
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

/// Acting on everyone in the segment: a tag, an account manager, a follow-up (each one undoable
/// step, like the customer list's bulk actions).
#[component]
pub(super) fn SegmentActions(rows: Signal<Vec<usize>>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let tag = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let kind = RwSignal::new(ActivityKind::Care);
    let note = RwSignal::new(String::new());
    let ids = move || -> HashSet<Uuid> {
        let rows = rows.get_untracked();
        store.data.with_untracked(|d| {
            rows.iter()
                .filter_map(|&i| d.customers.get(i).map(|c| c.id))
                .collect()
        })
    };
    let add_tag = move |_| {
        let t = tag.get_untracked().trim().to_string();
        if !t.is_empty() {
            run_bulk(store, prefs, ui, &ids(), BulkAction::AddTag(t));
        }
    };
    let assign = move |_| {
        run_bulk(
            store,
            prefs,
            ui,
            &ids(),
            BulkAction::assign_owner(&owner.get_untracked()),
        );
    };
    let follow_up = move |_| {
        let text = note.get_untracked().trim().to_string();
        if text.is_empty() {
            ui.toast(ToastKind::Error, prefs.tr(Msg::ErrActivityText));
            return;
        }
        run_bulk(
            store,
            prefs,
            ui,
            &ids(),
            BulkAction::FollowUp {
                kind: kind.get_untracked(),
                text,
                next_follow_up: None,
            },
        );
        note.set(String::new());
    };
    view! {
        <div class="card" data-testid="segment-actions">
            <h2>
                {move || prefs.tr(Msg::SegmentActOn)} " "
                <span class="muted">{move || group(rows.with(|r| r.len()) as u64)}</span>
            </h2>
            <div class="segment-act">
                <input type="text" data-testid="segment-tag" placeholder=move || prefs.tr(Msg::TagPlaceholder) aria-label=move || prefs.tr(Msg::TagPlaceholder) prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev))/>
                <button class="btn" data-testid="segment-add-tag" on:click=add_tag>{move || prefs.tr(Msg::AddTag)}</button>
            </div>
            <div class="segment-act">
                <input type="text" data-testid="segment-owner" placeholder=move || prefs.tr(Msg::OwnerPlaceholder) aria-label=move || prefs.tr(Msg::OwnerPlaceholder) prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/>
                <button class="btn" data-testid="segment-assign-owner" on:click=assign>{move || prefs.tr(Msg::AssignOwner)}</button>
            </div>
            <div class="segment-act">
                <KindSelect kind testid="segment-follow-up-kind"/>
                <input type="text" data-testid="segment-follow-up-text" placeholder=move || prefs.tr(Msg::SegmentFollowUpHint) aria-label=move || prefs.tr(Msg::ActivityText) prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                <button class="btn" data-testid="segment-follow-up" on:click=follow_up>{move || prefs.tr(Msg::SegmentFollowUp)}</button>
            </div>
        </div>
    }
}
