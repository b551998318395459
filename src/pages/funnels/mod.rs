//! Funnels (UI contract: `funnel-step-event`, `funnel-step-add`, `funnel-window-value`,
//! `funnel-window-unit`, `funnel-result-step`): the definition editor, the results the core
//! computes (counts, conversion, drop-off, time to convert, conversion over time, breakdowns),
//! drill-downs into customer lists, templates and saved funnels. Everything the page shows is
//! in its URL (`#/funnels?f=<definition>&…`), so a link reproduces it.

mod counted;
mod editor;
pub mod query;
mod results;

use crate::components::{EmptyState, NameInput};
use crate::derived::use_derived;
use crate::i18n::{Localize, Msg};
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use editor::Editor;
use kezhi_core::funnel::{FunnelDefinition, SavedFunnel, TEMPLATES, purchase_funnel};
use leptos::prelude::*;
use query::{FunnelQuery, Kind};
use results::{Results, StageFunnel};

#[component]
pub fn FunnelsPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    // Not the language: a switch of language names the groups anew, it computes nothing.
    let query = ui.page_query::<FunnelQuery>();
    // The definition being edited: it may be briefly invalid (a window of 0 while typing),
    // which the URL cannot hold, so the editor works on this copy and writes every valid
    // state to the URL; a new URL (a template, a saved funnel, back) replaces it.
    let draft = RwSignal::new(
        query
            .get_untracked()
            .definition
            .unwrap_or_else(|_| purchase_funnel()),
    );
    Effect::new(move |_| {
        if let Ok(d) = query.get().definition
            && d != draft.get_untracked()
        {
            draft.set(d);
        }
    });
    let set_draft = Callback::new(move |d: FunnelDefinition| {
        let valid = d.validate().is_ok();
        let text = d.to_url();
        draft.set(d);
        if valid {
            // A new definition clears a drill-down of the old one.
            ui.replace_query(|q: &mut FunnelQuery| {
                q.definition_text = Some(text);
                q.drill = None;
            });
        }
    });
    let computed = counted::use_counted(store, derived, prefs, query, draft);

    let templates = move || {
        let lang = prefs.lang.get();
        TEMPLATES
            .iter()
            .map(|&template| {
                let label = template.label(lang);
                let code = template.code();
                view! {
                    <button
                        class="btn chip-btn"
                        data-testid="funnel-template"
                        data-code=code
                        on:click=move |_| {
                            let mut q = FunnelQuery::blank();
                            match code {
                                "repurchase" => q.kind = Kind::Repurchase,
                                "stages" => q.stages = true,
                                _ => q.definition_text = Some(purchase_funnel().to_url()),
                            }
                            ui.navigate(q.to_route());
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    let stages_only = Memo::new(move |_| query.with(|q| q.stages));

    view! {
        <section class="page funnels">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::NavFunnels)}</h1>
                    <div class="chips">{templates}</div>
                </header>
                <Show
                    when=move || !stages_only.get()
                    fallback=move || view! { <StageFunnel/> }
                >
                    <div class="funnels-layout">
                        <div class="funnels-main">
                            <Editor query=query draft=draft set_draft=set_draft/>
                            <Results query=query draft=draft computed=computed/>
                        </div>
                        <aside class="funnels-side">
                            <SavedFunnels draft=draft/>
                            <StageFunnel/>
                        </aside>
                    </div>
                </Show>
            </Show>
        </section>
    }
}

/// Saving the current funnel under a name, and the saved ones.
#[component]
fn SavedFunnels(draft: RwSignal<FunnelDefinition>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let name = RwSignal::new(String::new());
    let save = move |_| {
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() {
            ui.toast(ToastKind::Error, prefs.tr(Msg::FunnelNameNeeded));
            return;
        }
        let definition = draft.get_untracked();
        if let Err(e) = definition.validate() {
            ui.toast(
                ToastKind::Error,
                crate::i18n::funnel_error(prefs.lang.get_untracked(), &e),
            );
            return;
        }
        store.set_funnels(|list| {
            list.push(SavedFunnel {
                id: platform::random_hex::<6>(),
                name: n,
                definition,
                updated_at: platform::now(),
            })
        });
        name.set(String::new());
        ui.toast(ToastKind::Info, prefs.tr(Msg::FunnelSaved));
    };
    let items = move || {
        store
            .funnels
            .get()
            .into_iter()
            .map(|f| {
                let link = FunnelQuery {
                    definition_text: Some(f.definition.to_url()),
                    ..FunnelQuery::blank()
                }
                .to_route()
                .to_hash();
                let id = f.id.clone();
                view! {
                    <li class="segment-item" data-testid="funnel-item" data-name=f.name.clone()>
                        <a
                            class="btn btn-link"
                            data-testid="funnel-load"
                            href=link
                        >
                            {f.name.clone()}
                        </a>
                        <span class="muted small">{f.definition.steps.len()} " " {move || prefs.tr(Msg::FunnelStepsUnit)}</span>
                        <button
                            class="btn btn-ghost"
                            data-testid="funnel-delete"
                            on:click=move |_| {
                                let id = id.clone();
                                store.set_funnels(|list| list.retain(|x| x.id != id));
                            }
                        >
                            {move || prefs.tr(Msg::Delete)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::SavedFunnels)}</h2>
            <div class="segment-save">
                <NameInput value=name testid="funnel-name" label=Msg::FunnelName/>
                <button class="btn btn-primary" data-testid="funnel-save" on:click=save>
                    {move || prefs.tr(Msg::Save)}
                </button>
            </div>
            <Show
                when=move || store.funnels.with(|f| !f.is_empty())
                fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::NoSavedFunnels)}</p> }
            >
                <ul class="segment-list">{items}</ul>
            </Show>
        </div>
    }
}
