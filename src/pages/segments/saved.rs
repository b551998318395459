//! Saved segments: the customers each holds, the list (load, open as a list, export, rename,
//! duplicate, delete; UI contract: `segment-item`), and the check that a query saved under a
//! name does not lead back to it.

use super::super::export::{Exporter, FileKind};
use crate::derived::{Derived, use_derived};
use crate::i18n::Msg;
use crate::pages::customers::query::CustomersQuery;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::route::PageQuery;
use crate::store::{Store, use_store};
use crate::ui::{Ui, use_ui};
use kezhi_core::money::thousands as group;
use kezhi_core::segment::membership;
use kezhi_core::segment::parse;
use kezhi_core::segment::saved::{self, SavedSegment};
use leptos::prelude::*;

/// The customers a saved segment holds now: a static one its snapshot (those still present),
/// a dynamic one whatever its query matches (from the derived memberships; one not saved yet
/// is computed here). A segment whose query no longer resolves holds nobody.
pub fn rows_of(store: Store, derived: Derived, prefs: Prefs, segment: &SavedSegment) -> Vec<usize> {
    if let Some(rows) = derived
        .memberships
        .with(|m| m.get(&segment.id).map(|r| r.to_vec()))
    {
        return rows;
    }
    let settings = prefs.analytics_settings();
    let analytics = derived.metrics.get();
    store.data.with(|d| {
        store.segments.with(|saved| {
            membership::members(d, &analytics, &settings, segment, saved).unwrap_or_default()
        })
    })
}

/// Whether saving `query` under `name` would make segments name each other in a circle.
pub(super) fn refers_to_itself(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    query: &str,
    name: &str,
) -> Result<(), String> {
    let Ok(tree) = parse(query) else {
        return Ok(());
    };
    let tree = tree.normalize();
    if membership::references(&tree).is_empty() {
        return Ok(());
    }
    let settings = prefs.analytics_settings();
    let analytics = derived.metrics.get_untracked();
    let lang = prefs.lang.get_untracked();
    store.data.with_untracked(|d| {
        store.segments.with_untracked(|saved| {
            membership::resolve(d, &analytics, &settings, &tree, saved, Some(name))
                .map(|_| ())
                .map_err(|e| crate::i18n::segment_ref_error(lang, &e))
        })
    })
}

/// Renames a saved segment; the queries of other segments that name it follow.
fn rename(store: Store, id: &str, new_name: String) {
    let now = platform::now();
    store.set_segments(|list| {
        saved::rename(list, id, &new_name, now);
    });
}

/// Deletes a saved segment, asking first when other segments name it (they would then match
/// nobody until edited).
fn delete(store: Store, ui: Ui, id: String) {
    let used = store
        .segments
        .with_untracked(|list| !saved::referrers(list, &id).is_empty());
    let remove = move || {
        let id = id.clone();
        store.set_segments(|list| list.retain(|x| x.id != id));
    };
    if used {
        ui.ask(Msg::SegmentDeleteReferenced, remove);
    } else {
        remove();
    }
}

#[component]
pub(super) fn SavedSegments(
    use_query: impl Fn(&str) + Copy + Send + Sync + 'static,
    mask: RwSignal<bool>,
) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    // The saved segment whose name is being edited.
    let renaming = RwSignal::new(None::<String>);
    let items = move || {
        store
            .segments
            .get()
            .into_iter()
            .map(|s| {
                let rows = rows_of(store, derived, prefs, &s);
                let n = rows.len();
                let id = s.id.clone();
                let (id_del, id_dup) = (id.clone(), id.clone());
                let kind = match &s.snapshot {
                    Some(snap) => format!(
                        "{} · {}",
                        prefs.tr(Msg::SegmentStaticShort),
                        snap.taken_at.format_date(platform::local_offset())
                    ),
                    None => prefs.tr(Msg::SegmentDynamicShort).to_string(),
                };
                let name = s.name.clone();
                let id_open = id.clone();
                let open = move |_| {
                    let list = CustomersQuery {
                        segment: Some(id_open.clone()),
                        ..Default::default()
                    };
                    ui.navigate(list.to_route());
                };
                let q_load = s.query.clone();
                let id_compare = id.clone();
                let compare = move |_| {
                    let q = super::compare::CompareQuery {
                        segment: Some(id_compare.clone()),
                        ..Default::default()
                    };
                    ui.navigate(q.to_route());
                };
                view! {
                    <li
                        class="segment-item"
                        data-testid="segment-item"
                        data-id=id.clone()
                        data-name=s.name.clone()
                        data-count=n.to_string()
                        data-static=s.snapshot.is_some().to_string()
                    >
                        {
                            let (id_ren, id_edit, old_name) = (id.clone(), id.clone(), s.name.clone());
                            move || {
                                if renaming.get().as_deref() == Some(id_edit.as_str()) {
                                    let id = id_ren.clone();
                                    view! {
                                        <input
                                            type="text"
                                            data-testid="segment-rename-input"
                                            aria-label=move || prefs.tr(Msg::SegmentName)
                                            prop:value=old_name.clone()
                                            on:change=move |ev| {
                                                let v = event_target_value(&ev).trim().to_string();
                                                let id = id.clone();
                                                if !v.is_empty() {
                                                    rename(store, &id, v);
                                                }
                                                renaming.set(None);
                                            }
                                        />
                                    }
                                    .into_any()
                                } else {
                                    let q = q_load.clone();
                                    view! {
                                        <button class="btn btn-link" data-testid="segment-load" on:click=move |_| use_query(&q)>
                                            {old_name.clone()}
                                        </button>
                                    }
                                    .into_any()
                                }
                            }
                        }
                        <span class="muted small">{kind}</span>
                        <strong class="num">{group(n as u64)}</strong>
                        <span class="segment-actions">
                            <button class="btn btn-ghost" data-testid="segment-item-open" on:click=open>
                                {move || prefs.tr(Msg::OpenAsList)}
                            </button>
                            <button class="btn btn-ghost" data-testid="segment-compare" on:click=compare>
                                {move || prefs.tr(Msg::CompareWithRest)}
                            </button>
                            {
                                let (rows2, name2) = (rows.clone(), name.clone());
                                view! {
                                    <button
                                        class="btn btn-ghost"
                                        data-testid="segment-item-export"
                                        on:click=move |_| exporter.customers(&rows, &format!("segment-{name}"), mask.get_untracked(), FileKind::Csv)
                                    >
                                        "CSV"
                                    </button>
                                    <button
                                        class="btn btn-ghost"
                                        data-testid="segment-item-export-xlsx"
                                        on:click=move |_| exporter.customers(&rows2, &format!("segment-{name2}"), mask.get_untracked(), FileKind::Xlsx)
                                    >
                                        "Excel"
                                    </button>
                                }
                            }
                            {
                                let id = id.clone();
                                view! {
                                    <button class="btn btn-ghost" data-testid="segment-rename" on:click=move |_| renaming.set(Some(id.clone()))>
                                        {move || prefs.tr(Msg::Rename)}
                                    </button>
                                }
                            }
                            <button
                                class="btn btn-ghost"
                                data-testid="segment-duplicate"
                                on:click=move |_| {
                                    let (id, now) = (id_dup.clone(), platform::now());
                                    store.set_segments(|list| {
                                        saved::duplicate(list, &id, platform::random_hex::<6>(), now);
                                    });
                                }
                            >
                                {move || prefs.tr(Msg::Duplicate)}
                            </button>
                            <button
                                class="btn btn-ghost"
                                data-testid="segment-delete"
                                on:click=move |_| delete(store, ui, id_del.clone())
                            >
                                {move || prefs.tr(Msg::Delete)}
                            </button>
                        </span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::SavedSegments)}</h2>
            <Show
                when=move || store.segments.with(|s| !s.is_empty())
                fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::NoSavedSegments)}</p> }
            >
                <ul class="segment-list">{items}</ul>
            </Show>
        </div>
    }
}
