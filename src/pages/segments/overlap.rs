//! How two saved segments overlap (UI contract: `segment-overlap`, `overlap-a-only`,
//! `overlap-both`, `overlap-b-only`).

use super::saved::rows_of;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use kezhi_core::money::thousands as group;
use kezhi_core::segment::saved::overlap;
use leptos::prelude::*;

/// How two saved segments overlap: only in A, in both, only in B.
#[component]
pub(super) fn Overlap() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let a = RwSignal::new(String::new());
    let b = RwSignal::new(String::new());
    let rows = move |id: String| {
        store
            .segments
            .with(|list| list.iter().find(|s| s.id == id).cloned())
            .map(|s| rows_of(store, derived, prefs, &s))
    };
    let result = Memo::new(move |_| match (rows(a.get()), rows(b.get())) {
        (Some(x), Some(y)) => Some(overlap(&x, &y)),
        _ => None,
    });
    let select = move |which: RwSignal<String>, testid: &'static str| {
        view! {
            <select data-testid=testid prop:value=move || which.get() on:change=move |ev| which.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {move || store.segments.with(|list| {
                    list.iter()
                        .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                        .collect_view()
                })}
            </select>
        }
    };
    let figure = move |label: Msg,
                       testid: &'static str,
                       pick: fn((usize, usize, usize)) -> usize| {
        view! {
            <div class="overlap-figure" data-testid=testid data-count=move || result.get().map(pick).unwrap_or(0).to_string()>
                <span class="muted small">{move || prefs.tr(label)}</span>
                <strong>{move || result.get().map(|r| group(pick(r) as u64)).unwrap_or_else(|| "—".into())}</strong>
            </div>
        }
    };
    view! {
        <Show when=move || store.segments.with(|s| s.len() >= 2)>
            <div class="card" data-testid="segment-overlap">
                <h2>{move || prefs.tr(Msg::SegmentOverlap)}</h2>
                <div class="segment-act">{select(a, "segment-overlap-a")} "×" {select(b, "segment-overlap-b")}</div>
                <div class="overlap">
                    {figure(Msg::OverlapAOnly, "overlap-a-only", |r| r.0)}
                    {figure(Msg::OverlapBoth, "overlap-both", |r| r.1)}
                    {figure(Msg::OverlapBOnly, "overlap-b-only", |r| r.2)}
                </div>
            </div>
        </Show>
    }
}
