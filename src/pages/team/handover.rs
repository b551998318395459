//! Handover (移交): all customers of one manager, or a saved segment's, move to another
//! manager with a reason. A preview says what moves (customers, their value, open follow-ups,
//! requests, recommendations, campaign tasks); after the move, the same report can be
//! exported or printed.

use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::pages::segments::rows_of;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::desk::handover::{HandoverReport, hand_over, portfolio, preview};
use kezhi_core::export::{Cell, table_csv};
use kezhi_core::money::yuan_display;
use kezhi_core::store::Section;
use kezhi_core::sym::Sym;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The report's lines for export and print: (customer name, phone, value, open items).
#[derive(Clone, Debug, PartialEq)]
struct Done {
    from: String,
    to: String,
    reason: String,
    report: HandoverReport,
    names: Vec<(String, String)>,
}

#[component]
pub fn Handover() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    // `m:<name>` for a manager's customers, `s:<id>` for a saved segment's.
    let source = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let done = RwSignal::new(None::<Done>);
    let managers = Memo::new(move |_| {
        store.data.with(|d| {
            d.customers
                .iter()
                .filter_map(|c| c.owner.map(|o| o.to_string()))
                .collect::<BTreeSet<_>>()
        })
    });
    let positions = Memo::new(move |_| {
        let s = source.get();
        if let Some(name) = s.strip_prefix("m:") {
            store.data.with(|d| portfolio(d, Sym::new(name)))
        } else if let Some(id) = s.strip_prefix("s:") {
            let seg = store
                .segments
                .with(|l| l.iter().find(|x| x.id == id).cloned());
            seg.map(|seg| rows_of(store, derived, prefs, &seg))
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let plan = Memo::new(move |_| {
        let analytics = derived.metrics.get();
        positions.with(|p| store.data.with(|d| preview(d, &analytics, p)))
    });
    let target = move || to.get().trim().to_string();
    let ready = move || !target().is_empty() && positions.with(|p| !p.is_empty());
    let run = move |_| {
        let name = target();
        if name.is_empty() {
            return;
        }
        let rows = positions.get_untracked();
        let report = plan.get_untracked();
        let why = reason.get_untracked();
        let from = source.get_untracked();
        let names = store.data.with_untracked(|d| {
            report
                .rows
                .iter()
                .filter_map(|r| d.customers.get(r.index))
                .map(|c| (c.name.clone(), c.phone.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        });
        let now = platform::now();
        let to_sym = Sym::new(&name);
        let why_for_edit = why.clone();
        store.change(
            &[Section::Customers, Section::Activities, Section::Desk],
            move |d| {
                hand_over(d, &rows, to_sym, &why_for_edit, now, platform::new_id);
            },
        );
        done.set(Some(Done {
            from: from
                .split_once(':')
                .map(|(_, v)| v.to_string())
                .unwrap_or_default(),
            to: name,
            reason: why,
            report,
            names,
        }));
        source.set(String::new());
        ui.toast(ToastKind::Info, prefs.tr(Msg::HandoverDone));
    };
    let export = move |_| {
        let Some(done) = done.get_untracked() else {
            return;
        };
        let lang = prefs.lang.get_untracked();
        let headers = [
            Msg::CustomerName,
            Msg::Phone,
            Msg::NetSpend,
            Msg::OpenFollowUps,
            Msg::OpenRequests,
            Msg::OpenRecommendations,
            Msg::OpenTasks,
        ]
        .map(|m| crate::i18n::t(lang, m));
        let cells: Vec<Vec<Cell>> = done
            .report
            .rows
            .iter()
            .zip(&done.names)
            .map(|(r, (name, phone))| {
                vec![
                    Cell::text(name),
                    Cell::text(&kezhi_core::export::mask_phone(phone)),
                    Cell::Money(r.value),
                    Cell::Int(r.follow_ups as i64),
                    Cell::Int(r.requests as i64),
                    Cell::Int(r.recommendations as i64),
                    Cell::Int(r.tasks as i64),
                ]
            })
            .collect();
        let file = format!("kezhi-handover-{}-{}.csv", done.to, platform::today());
        if let Err(e) = platform::download(
            &file,
            "text/csv;charset=utf-8",
            &table_csv(&headers, &cells),
        ) {
            ui.toast(ToastKind::Error, e);
        }
    };
    let summary = move |r: &HandoverReport, testid: &'static str| {
        view! {
            <dl
                class="metrics"
                data-testid=testid
                data-customers=r.rows.len().to_string()
                data-value=r.value.to_string()
                data-follow-ups=r.follow_ups.to_string()
                data-requests=r.requests.to_string()
                data-recommendations=r.recommendations.to_string()
                data-tasks=r.tasks.to_string()
            >
                <dt>{move || prefs.tr(Msg::Customers)}</dt><dd>{r.rows.len()}</dd>
                <dt>{move || prefs.tr(Msg::NetSpend)}</dt><dd>{yuan_display(r.value)}</dd>
                <dt>{move || prefs.tr(Msg::OpenFollowUps)}</dt><dd>{r.follow_ups}</dd>
                <dt>{move || prefs.tr(Msg::OpenRequests)}</dt><dd>{r.requests}</dd>
                <dt>{move || prefs.tr(Msg::OpenRecommendations)}</dt><dd>{r.recommendations}</dd>
                <dt>{move || prefs.tr(Msg::OpenTasks)}</dt><dd>{r.tasks}</dd>
            </dl>
        }
    };
    view! {
        <div class="card" data-testid="handover">
            <h2>{move || prefs.tr(Msg::Handover)}</h2>
            <p class="muted">{move || prefs.tr(Msg::HandoverHint)}</p>
            <div class="inline-form">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::HandoverFrom)}</span>
                    <select data-testid="handover-from" prop:value=move || source.get() on:change=move |ev| source.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        <optgroup label=move || prefs.tr(Msg::Manager)>
                            {move || managers.get().into_iter().map(|m| view! { <option value=format!("m:{m}")>{m.clone()}</option> }).collect_view()}
                        </optgroup>
                        <optgroup label=move || prefs.tr(Msg::NavSegments)>
                            {move || store.segments.get().into_iter().map(|s| view! { <option value=format!("s:{}", s.id)>{s.name.clone()}</option> }).collect_view()}
                        </optgroup>
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::HandoverTo)}</span>
                    <input type="text" list="handover-managers" data-testid="handover-to"
                        prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                    <datalist id="handover-managers">
                        {move || managers.get().into_iter().map(|m| view! { <option value=m/> }).collect_view()}
                    </datalist>
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::HandoverReason)}</span>
                    <input type="text" data-testid="handover-reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            </div>
            <Show when=move || positions.with(|p| !p.is_empty())>
                <h3>{move || prefs.tr(Msg::HandoverPreview)}</h3>
                {move || summary(&plan.get(), "handover-preview")}
                <button class="btn btn-primary" data-testid="handover-run" prop:disabled=move || !ready() on:click=run>
                    {move || prefs.tr(Msg::HandoverRun)}
                </button>
            </Show>
            {move || done.get().map(|d| view! {
                <div class="handover-report" data-testid="handover-report">
                    <h3>{move || prefs.tr(Msg::HandoverReport)}</h3>
                    <p>{format!("{} → {}", d.from, d.to)} {(!d.reason.is_empty()).then(|| format!(" · {}", d.reason))}</p>
                    {summary(&d.report, "handover-done")}
                    <div class="button-row">
                        <button class="btn" data-testid="handover-export" on:click=export>{move || prefs.tr(Msg::ExportCsv)}</button>
                        <button class="btn" data-testid="handover-print" on:click=move |_| platform::print()>{move || prefs.tr(Msg::Print)}</button>
                    </div>
                </div>
            })}
        </div>
    }
}
