//! Selecting customers (some rows, or all that match) and acting on them at once: tag,
//! untag, assign an account manager, delete. Each action is one undoable step.

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::store::{Store, use_store};
use crate::ui::{Ui, use_ui};
use kezhi_core::bulk::{self, BulkAction};
use kezhi_core::money::thousands;
use kezhi_core::store::Section;
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

/// The selection of the customer list: explicit rows, or every customer matching the
/// current search and filters.
#[derive(Clone, Copy)]
pub struct Selection {
    pub ids: RwSignal<HashSet<Uuid>>,
    pub all: RwSignal<bool>,
}

impl Selection {
    pub fn new() -> Self {
        Selection {
            ids: RwSignal::new(HashSet::new()),
            all: RwSignal::new(false),
        }
    }

    pub fn clear(&self) {
        self.all.set(false);
        self.ids.set(HashSet::new());
    }

    pub fn contains(&self, id: Uuid) -> bool {
        self.all.get() || self.ids.with(|s| s.contains(&id))
    }

    /// Ticks or unticks one row. Unticking a row of "all matching" turns the selection into
    /// all the matching rows but that one.
    pub fn toggle(&self, id: Uuid, matching: impl FnOnce() -> HashSet<Uuid>) {
        if self.all.get_untracked() {
            let mut ids = matching();
            ids.remove(&id);
            self.all.set(false);
            self.ids.set(ids);
        } else {
            self.ids.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            });
        }
    }
}

#[component]
pub fn BulkBar(selection: Selection, matches: Memo<Vec<usize>>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let matching_ids = move || -> HashSet<Uuid> {
        matches.with_untracked(|m| {
            store.data.with_untracked(|d| {
                m.iter()
                    .filter_map(|&i| d.customers.get(i).map(|c| c.id))
                    .collect()
            })
        })
    };
    let count = Memo::new(move |_| {
        if selection.all.get() {
            matches.with(|m| m.len())
        } else {
            selection.ids.with(|s| s.len())
        }
    });
    let tag = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());

    let run = move |action: BulkAction| {
        let ids = if selection.all.get_untracked() {
            matching_ids()
        } else {
            selection.ids.get_untracked()
        };
        if ids.is_empty() {
            return;
        }
        selection.clear();
        run_bulk(store, prefs, ui, &ids, action);
    };
    let tag_value = move || Some(tag.get_untracked().trim().to_string()).filter(|t| !t.is_empty());

    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="bulkbar" role="toolbar" data-testid="bulk-bar" aria-label=move || prefs.tr(Msg::Selected)>
                <span class="bulk-count" data-testid="bulk-count" data-count=move || count.get().to_string()>
                    {move || prefs.tr(Msg::Selected)} " "
                    {move || thousands(count.get() as u64)} " "
                    {move || prefs.tr(Msg::CustomersUnit)}
                </span>
                <Show when=move || { !selection.all.get() && count.get() < matches.with(|m| m.len()) }>
                    <button class="btn btn-link" data-testid="select-all-matching" on:click=move |_| selection.all.set(true)>
                        {move || prefs.tr(Msg::SelectAllMatching)}
                        {move || format!(" ({})", thousands(matches.with(|m| m.len()) as u64))}
                    </button>
                </Show>
                <input
                    type="text"
                    data-testid="bulk-tag"
                    placeholder=move || prefs.tr(Msg::TagPlaceholder)
                    aria-label=move || prefs.tr(Msg::TagPlaceholder)
                    prop:value=move || tag.get()
                    on:input=move |ev| tag.set(event_target_value(&ev))
                />
                <button class="btn" data-testid="bulk-add-tag" on:click=move |_| {
                    if let Some(t) = tag_value() { run(BulkAction::AddTag(t)) }
                }>{move || prefs.tr(Msg::AddTag)}</button>
                <button class="btn" data-testid="bulk-remove-tag" on:click=move |_| {
                    if let Some(t) = tag_value() { run(BulkAction::RemoveTag(t)) }
                }>{move || prefs.tr(Msg::RemoveTag)}</button>
                <input
                    type="text"
                    data-testid="bulk-owner"
                    placeholder=move || prefs.tr(Msg::OwnerPlaceholder)
                    aria-label=move || prefs.tr(Msg::OwnerPlaceholder)
                    prop:value=move || owner.get()
                    on:input=move |ev| owner.set(event_target_value(&ev))
                />
                <button class="btn" data-testid="bulk-assign-owner" on:click=move |_| {
                    run(BulkAction::assign_owner(&owner.get_untracked()))
                }>{move || prefs.tr(Msg::AssignOwner)}</button>
                <button class="btn btn-danger" data-testid="bulk-delete" on:click=move |_| {
                    ui.ask(Msg::ConfirmBulkDelete, move || run(BulkAction::Delete))
                }>{move || prefs.tr(Msg::Delete)}</button>
                <button class="btn btn-link" data-testid="bulk-clear" on:click=move |_| selection.clear()>
                    {move || prefs.tr(Msg::ClearSelection)}
                </button>
            </div>
        </Show>
    }
}

/// Applies a bulk action to these customers as one change, with an undo in the toast.
pub fn run_bulk(store: Store, prefs: Prefs, ui: Ui, ids: &HashSet<Uuid>, action: BulkAction) {
    if ids.is_empty() {
        return;
    }
    let sections: &'static [Section] = if action == BulkAction::Delete {
        &Section::ALL
    } else {
        &[Section::Customers, Section::Activities]
    };
    let mut done = None;
    store.change(sections, |d| {
        done = Some(bulk::apply(
            d,
            ids,
            &action,
            platform::now(),
            platform::new_id,
        ));
    });
    let Some(undo) = done else { return };
    let msg = if action == BulkAction::Delete {
        Msg::BulkDeleted
    } else {
        Msg::BulkDone
    };
    let text = format!(
        "{} {} {}",
        prefs.tr(msg),
        thousands(undo.affected as u64),
        prefs.tr(Msg::CustomersUnit)
    );
    ui.toast_with_undo(text, move || {
        store.change(sections, |d| bulk::undo(d, undo, platform::now()));
    });
}
