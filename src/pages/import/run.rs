//! Running an import (`import-commit`): the files worker reads the whole file with progress
//! (`import-progress`, `import-cancel`), the core merges its plan here (it needs the data),
//! and the page commits the whole change at once or not at all.

use super::report::Report;
use super::state::ImportState;
use crate::files;
use crate::i18n::{Lang, Msg, import_error};
use crate::platform;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::files::{Reply, Request};
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

#[component]
pub fn CommitButton(state: ImportState) -> impl IntoView {
    let ImportState {
        prefs,
        kind,
        mapping,
        options,
        progress,
        cancelled,
        report,
        loaded,
        ..
    } = state;
    let store = use_store();
    let ui = use_ui();
    let commit = move |_| {
        let zh = prefs.lang.get_untracked().is_zh();
        let k = kind.get_untracked();
        let m = mapping.get_untracked();
        if let Err(e) = m.check(k) {
            ui.toast(ToastKind::Error, import_error(Lang::of_zh(zh), &e));
            return;
        }
        if !loaded.get_untracked() || progress.get_untracked().is_some() {
            return;
        }
        cancelled.set_value(false);
        report.set(None);
        progress.set(Some(0.0));
        let request = Request::Import {
            kind: k,
            mapping: m,
            options: options.get_untracked(),
        };
        let was_cancelled = move || cancelled.try_get_value() != Some(false);
        // Nothing was applied: the plan (if any) is dropped, the worker was stopped; the
        // next one is given the file again.
        let on_cancel = move || {
            progress.try_set(None);
            ui.toast(ToastKind::Info, prefs.tr(Msg::ImportCancelled));
            state.reopen();
        };
        leptos::task::spawn_local(async move {
            let on_progress: Rc<dyn Fn(f64)> = Rc::new(move |p| {
                progress.try_set(Some(p));
            });
            let answer = files::ask(&request, Some(on_progress)).await;
            if was_cancelled() {
                on_cancel();
                return;
            }
            let plan = match answer {
                Ok(Reply::Plan(plan)) => plan,
                Ok(_) => return,
                Err(e) => {
                    progress.try_set(None);
                    ui.toast(
                        ToastKind::Error,
                        e.get(prefs.lang.get_untracked().is_zh()).to_string(),
                    );
                    return;
                }
            };
            // Reading the plan off the worker's message (200,000 orders: ~0.1 s) and merging it
            // are tasks of their own.
            platform::yield_to_browser().await;
            if was_cancelled() {
                on_cancel();
                return;
            }
            let now = platform::now();
            let change = store
                .data
                .with_untracked(|d| platform::timed("kezhi:import-merge", || plan.changes(d, now)));
            let summary = change.summary.clone();
            let sections = change.sections();
            // One change: applied as a whole, saved as a whole (a full storage keeps it in
            // this page, labelled "not saved", and leaves what was stored as it was). The
            // browser paints in between, and a cancel until then still changes nothing.
            if !change.is_empty() {
                platform::yield_to_browser().await;
                if was_cancelled() {
                    on_cancel();
                    return;
                }
                platform::timed("kezhi:import-apply", || {
                    store.change(&sections, |d| change.apply_to(d))
                });
                store.ask_to_persist_once();
            }
            progress.try_set(None);
            if let Some(summary) = summary {
                report.try_set(Some(Report {
                    summary,
                    errors: Arc::new(plan.errors),
                }));
            }
            // The worker keeps the file open; the mapping is fitted again as after opening.
            state.fit_mapping();
        });
    };
    view! {
        <button
            class="btn btn-primary"
            data-testid="import-commit"
            disabled=move || progress.get().is_some()
            on:click=commit
        >
            {move || prefs.tr(Msg::ImportCommit)}
        </button>
    }
}

/// How far the file is read, and the button that stops it.
#[component]
pub fn ImportProgress(state: ImportState) -> impl IntoView {
    let ImportState {
        prefs,
        progress,
        cancelled,
        ..
    } = state;
    move || {
        progress.get().map(|p| view! {
            <div class="card import-progress" data-testid="import-progress" data-fraction=format!("{p:.3}")>
                <progress max="1" value=p.to_string()></progress>
                <span>{format!("{:.0}%", p * 100.0)}</span>
                <button class="btn" data-testid="import-cancel" on:click=move |_| {
                    cancelled.set_value(true);
                    // Stops the reading at once; an answer already here is dropped.
                    files::cancel();
                }>
                    {move || prefs.tr(Msg::ImportCancel)}
                </button>
            </div>
        })
    }
}
