//! Segments: a query typed in the text language (UI contract: `segment-query`,
//! `segment-error`, `segment-count`, `segment-share`), templates, a preview of the first
//! matching customers, saving as dynamic or static (`segment-name`, `segment-static`,
//! `segment-save`), the saved list (`segment-item`) and export (`segment-export`). The query
//! lives in the URL (`#/segments?q=…`), so a link reproduces the segment.

use super::customers::activity::KindSelect;
use super::customers::bulk::run_bulk;
use super::export::{Exporter, FileKind};
use super::segment_builder::SegmentBuilder;
use crate::components::{EmptyState, NameInput};
use crate::derived::{Derived, use_derived};
use crate::i18n::Msg;
use crate::platform::{self, group, money};
use crate::prefs::{Prefs, use_prefs};
use crate::route::{Route, View};
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, Ui, use_ui};
use kezhi_core::ActivityKind;
use kezhi_core::bulk::BulkAction;
use kezhi_core::segment::complete::{Completion, complete};
use kezhi_core::segment::saved::{self, SavedSegment, Snapshot, TEMPLATES, overlap};
use kezhi_core::segment::{Group, membership, parse, print};
use leptos::prelude::*;
use std::collections::HashSet;
use std::time::Duration;
use uuid::Uuid;

/// Typing pauses this long before the count is recomputed (the text itself updates at once).
const DEBOUNCE_MS: u64 = 150;
/// Customers shown in the preview.
const PREVIEW: usize = 10;

/// What a query selects now: positions in `data.customers`, or the error.
#[derive(Clone, Debug, PartialEq)]
enum Selection {
    Rows(Vec<usize>),
    Error { at: usize, message: String },
}

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

/// The customer list's `segment` (a saved segment's id) and `sq` (a query) parameters.
fn restriction_params(ui: Ui) -> (Option<String>, Option<String>) {
    ui.route.with(|r| {
        (
            r.param("segment").map(str::to_string),
            r.param("sq").map(str::to_string),
        )
    })
}

/// What the customer list's URL restricts it to (a saved segment's name or a query), without
/// evaluating it.
pub fn restriction_name(store: Store, prefs: Prefs, ui: Ui) -> Option<String> {
    if ui.route.with(|r| r.param("funnel").is_some()) {
        return Some(prefs.tr(Msg::FilterFunnel).to_string());
    }
    let (segment, query) = restriction_params(ui);
    match segment {
        Some(id) => Some(
            store
                .segments
                .with(|list| list.iter().find(|s| s.id == id).map(|s| s.name.clone()))
                .unwrap_or(id),
        ),
        None => query,
    }
}

/// The customers a query (`sq`) or a saved segment (`segment`) in the customer list's URL
/// selects, with what to call it; `None` when the URL names neither.
pub fn restriction(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    ui: Ui,
) -> Option<(String, HashSet<usize>)> {
    // A funnel's drill-down (those who reached or dropped at a step).
    if ui.route.with(|r| r.param("funnel").is_some()) {
        let (name, rows) = super::funnels::query::drill_rows(store, derived, prefs, ui)
            .unwrap_or_else(|| (prefs.tr(Msg::FilterFunnel).to_string(), Vec::new()));
        return Some((name, rows.into_iter().collect()));
    }
    let (segment, query) = restriction_params(ui);
    if let Some(id) = segment {
        let saved = store
            .segments
            .with(|list| list.iter().find(|s| s.id == id).cloned());
        // A segment deleted since selects nobody rather than everybody.
        return Some(match saved {
            Some(s) => (
                s.name.clone(),
                rows_of(store, derived, prefs, &s).into_iter().collect(),
            ),
            None => (id, HashSet::new()),
        });
    }
    let query = query?;
    let rows = match select(store, derived, prefs, &query) {
        Selection::Rows(rows) => rows.into_iter().collect(),
        Selection::Error { .. } => HashSet::new(),
    };
    Some((query, rows))
}

fn select(store: Store, derived: Derived, prefs: Prefs, query: &str) -> Selection {
    let lang = prefs.lang.get();
    match parse(query) {
        Err(e) => Selection::Error {
            at: e.at,
            message: crate::i18n::query_error(lang, &e),
        },
        Ok(tree) => {
            let tree = tree.normalize();
            let settings = prefs.analytics_settings();
            let analytics = derived.metrics.get();
            let selected = store.data.with(|d| {
                store.segments.with(|saved| {
                    platform::timed("kezhi:segment", || {
                        membership::select(d, &analytics, &settings, &tree, saved)
                    })
                })
            });
            match selected {
                Ok(rows) => Selection::Rows(rows),
                Err(e) => Selection::Error {
                    at: name_position(query, e.name()),
                    message: crate::i18n::segment_ref_error(lang, &e),
                },
            }
        }
    }
}

/// The caret as a character offset: the browser counts UTF-16 units.
fn caret_chars(text: &str, utf16: Option<u32>) -> usize {
    let Some(target) = utf16 else {
        return text.chars().count();
    };
    let mut units = 0u32;
    let mut chars = 0usize;
    for c in text.chars() {
        if units >= target {
            break;
        }
        units += c.len_utf16() as u32;
        chars += 1;
    }
    chars
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// Where a segment name first appears in a query (characters), to point an error at it.
fn name_position(query: &str, name: &str) -> usize {
    query
        .find(name)
        .map_or(0, |byte| query[..byte].chars().count())
}

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    // The text as typed (never rewritten by the app), and the query last sent to the URL.
    let text = RwSignal::new(
        ui.route
            .with_untracked(|r| r.param("q").unwrap_or("").to_string()),
    );
    let query = Memo::new(move |_| ui.route.with(|r| r.param("q").unwrap_or("").to_string()));
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // Autocompletion: what the caret may take next, and the highlighted suggestion.
    let completion = RwSignal::new(None::<Completion>);
    let active = RwSignal::new(0usize);
    let vocabulary = derived.vocabulary;
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let suggest = move || {
        let Some(el) = textarea.get_untracked() else {
            return;
        };
        let value = el.value();
        let caret = caret_chars(&value, el.selection_start().ok().flatten());
        let zh = prefs.lang.get_untracked().is_zh();
        let tiers: Vec<String> = derived
            .metrics
            .with_untracked(|a| a.tiers.iter().map(|t| t.name(zh).to_string()).collect());
        let segments: Vec<String> = store
            .segments
            .with_untracked(|l| l.iter().map(|s| s.name.clone()).collect());
        let c = vocabulary
            .with_untracked(|v| complete(&value, caret, &|f| v.values(f, zh, &tiers, &segments)));
        active.set(0);
        completion.set((!c.items.is_empty()).then_some(c));
    };
    let typed = move |v: String| {
        text.set(v.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // The user may have left the page within the pause: the query is not theirs.
                let route = ui.route.get_untracked();
                if route.view == View::Segments {
                    ui.replace_route(route.with("q", Some(v.clone())));
                }
            },
            Duration::from_millis(DEBOUNCE_MS),
        )
        .ok();
        pending.set_value(handle);
    };
    let on_input = move |ev: leptos::ev::Event| {
        typed(event_target_value(&ev));
        suggest();
    };
    let accept = move |k: usize| {
        let (Some(c), Some(el)) = (completion.get_untracked(), textarea.get_untracked()) else {
            return;
        };
        let Some(item) = c.items.get(k) else {
            return;
        };
        let chars: Vec<char> = el.value().chars().collect();
        let head: String = chars[..c.from.min(chars.len())].iter().collect();
        let tail: String = chars[c.to.min(chars.len())..].iter().collect();
        // Words are followed by a space; an opening call or list continues right away.
        let glue = if item.insert.ends_with('(') || tail.starts_with(' ') {
            ""
        } else {
            " "
        };
        let next = format!("{head}{}{glue}{tail}", item.insert);
        let caret = utf16_len(&head) + utf16_len(&item.insert) + utf16_len(glue);
        el.set_value(&next);
        let _ = el.set_selection_range(caret, caret);
        typed(next);
        // The next step (operators after a field, values after an operator) follows at once.
        suggest();
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == " " && ev.ctrl_key() {
            ev.prevent_default();
            suggest();
            return;
        }
        let Some(n) = completion.with_untracked(|c| c.as_ref().map(|c| c.items.len())) else {
            return;
        };
        match key.as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % n.max(1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + n.max(1) - 1) % n.max(1));
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                accept(active.get_untracked());
            }
            "Escape" => completion.set(None),
            _ => {}
        }
    };
    let use_query = move |q: &str| {
        text.set(q.to_string());
        let route = ui.route.get_untracked().with("q", Some(q.to_string()));
        ui.replace_route(route);
    };
    let selection = Memo::new(move |_| select(store, derived, prefs, &query.get()));
    // The builder shows the text's tree at once (the count follows the debounced URL).
    let tree = Memo::new(move |_| text.with(|t| parse(t).ok().map(|g| g.normalize())));
    let from_builder = Callback::new(move |g: Group| {
        let q = print(&g);
        text.set(q.clone());
        let route = ui.route.get_untracked().with("q", Some(q));
        ui.replace_route(route);
    });
    let rows = move || match selection.get() {
        Selection::Rows(r) => r,
        Selection::Error { .. } => Vec::new(),
    };
    // Read in place: the rows of a broad segment are a large vector.
    let count = move || {
        selection.with(|s| match s {
            Selection::Rows(r) => r.len(),
            Selection::Error { .. } => 0,
        })
    };
    let total = move || store.data.with(|d| d.customers.len());
    let share = move || count() as f64 / total().max(1) as f64;

    let name = RwSignal::new(String::new());
    let snapshot = RwSignal::new(false);
    // Exports mask phones and e-mails when this is on (shared with the saved list).
    let mask = RwSignal::new(false);
    let save = move |_| {
        // The text as it stands (the count may still be catching up with the last keystroke):
        // evaluated once, for the check and for a snapshot.
        let q = text.get_untracked();
        let Selection::Rows(matched) = select(store, derived, prefs, &q) else {
            ui.toast(ToastKind::Error, prefs.tr(Msg::SegmentFixFirst));
            return;
        };
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() {
            ui.toast(ToastKind::Error, prefs.tr(Msg::SegmentNameNeeded));
            return;
        }
        // A query may not lead back to the name it is saved under.
        if let Err(e) = refers_to_itself(store, derived, prefs, &q, &n) {
            ui.toast(ToastKind::Error, e);
            return;
        }
        let now = platform::now();
        let snap = snapshot.get_untracked().then(|| Snapshot {
            taken_at: now,
            customers: store.data.with_untracked(|d| {
                matched
                    .iter()
                    .filter_map(|&i| d.customers.get(i).map(|c| c.id))
                    .collect()
            }),
        });
        let segment = SavedSegment {
            id: platform::random_hex::<6>(),
            name: n,
            query: q,
            snapshot: snap,
            updated_at: now,
        };
        store.set_segments(|list| list.push(segment));
        name.set(String::new());
        ui.toast(ToastKind::Info, prefs.tr(Msg::SegmentSaved));
    };
    let open_list = move |_| {
        ui.navigate(Route::new(View::Customers).with("sq", Some(query.get_untracked())));
    };

    let templates = move || {
        let zh = prefs.lang.get().is_zh();
        TEMPLATES
            .iter()
            .map(|(code, name_zh, name_en, q)| {
                let label = if zh { *name_zh } else { *name_en };
                view! {
                    <button
                        class="btn chip-btn"
                        data-testid="segment-template"
                        data-code=*code
                        title=*q
                        on:click=move |_| use_query(q)
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    let preview = move || {
        let shown: Vec<usize> = rows().into_iter().take(PREVIEW).collect();
        let analytics = derived.metrics.get();
        let zh = prefs.lang.get().is_zh();
        store.data.with(|d| {
            shown
                .iter()
                .filter_map(|&i| {
                    let c = d.customers.get(i)?;
                    let m = analytics.customers.get(i)?;
                    let id = c.id;
                    Some(view! {
                        <tr data-testid="segment-preview-row">
                            <td>
                                <a href=Route::new(View::Customers).with("id", Some(id.to_string())).to_hash()>
                                    {c.name.clone()}
                                </a>
                            </td>
                            <td>{c.city.map(|s| s.to_string())}</td>
                            <td>{m.stage.map(|s| s.name(zh))}</td>
                            <td class="num">{m.orders}</td>
                            <td class="num">{money(m.total_spent)}</td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };

    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::NavSegments)}</h1>
                </header>
                <div class="segments-layout">
                    <div class="segments-main">
                        <div class="card">
                            <label class="field">
                                <span class="field-label">{move || prefs.tr(Msg::SegmentQuery)}</span>
                                <textarea
                                    class="segment-query"
                                    data-testid="segment-query"
                                    rows="4"
                                    spellcheck="false"
                                    aria-autocomplete="list"
                                    aria-controls=move || completion.with(Option::is_some).then_some("segment-suggestions")
                                    aria-activedescendant=move || completion.with(Option::is_some).then(|| format!("segment-suggestion-{}", active.get()))
                                    placeholder=r#"total_spent > 5000 AND city IN ("上海", "杭州")"#
                                    node_ref=textarea
                                    prop:value=move || text.get()
                                    on:input=on_input
                                    on:keydown=on_keydown
                                    on:click=move |_| suggest()
                                    on:blur=move |_| completion.set(None)
                                ></textarea>
                            </label>
                            {move || completion.get().map(|c| view! {
                                <ul class="suggestions" id="segment-suggestions" role="listbox" data-testid="segment-suggestions">
                                    {c.items.into_iter().enumerate().map(|(k, item)| view! {
                                        <li
                                            role="option"
                                            id=format!("segment-suggestion-{k}")
                                            data-testid="segment-suggestion"
                                            data-insert=item.insert.clone()
                                            class=format!("suggestion suggestion-{:?}", item.kind).to_lowercase()
                                            aria-selected=move || (active.get() == k).to_string()
                                            // mousedown, not click: the textarea keeps its focus and caret.
                                            on:mousedown=move |ev| { ev.prevent_default(); accept(k); }
                                        >
                                            {item.label}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            <p class="muted small">{move || prefs.tr(Msg::SegmentQueryHint)}</p>
                            {move || match selection.get() {
                                Selection::Error { at, message } => view! {
                                    <p class="form-error" data-testid="segment-error" data-at=at.to_string() role="alert">
                                        {format!("{} {}: {message}", prefs.tr(Msg::SegmentErrorAt), at + 1)}
                                    </p>
                                }
                                .into_any(),
                                Selection::Rows(_) => ().into_any(),
                            }}
                            <div class="segment-figures">
                                <span data-testid="segment-count" data-count=move || count().to_string()>
                                    <strong>{move || group(count() as u64)}</strong>
                                    " " {move || prefs.tr(Msg::CustomersUnit)}
                                </span>
                                <span data-testid="segment-share" data-rate=move || format!("{:.6}", share())>
                                    {move || format!("{:.2}%", share() * 100.0)}
                                </span>
                                <button class="btn" data-testid="segment-open-list" on:click=open_list>
                                    {move || prefs.tr(Msg::OpenAsList)}
                                </button>
                                <button
                                    class="btn"
                                    data-testid="segment-export"
                                    on:click=move |_| exporter.customers(&rows(), "segment", mask.get_untracked(), FileKind::Csv)
                                >
                                    {move || prefs.tr(Msg::ExportCsv)}
                                </button>
                                <button
                                    class="btn"
                                    data-testid="segment-export-xlsx"
                                    on:click=move |_| exporter.customers(&rows(), "segment", mask.get_untracked(), FileKind::Xlsx)
                                >
                                    {move || prefs.tr(Msg::ExportXlsx)}
                                </button>
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        data-testid="segment-mask"
                                        prop:checked=move || mask.get()
                                        on:change=move |ev| mask.set(event_target_checked(&ev))
                                    />
                                    {move || prefs.tr(Msg::MaskExport)}
                                </label>
                            </div>
                            <div class="segment-save">
                                <NameInput value=name testid="segment-name" label=Msg::SegmentName/>
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        data-testid="segment-static"
                                        prop:checked=move || snapshot.get()
                                        on:change=move |ev| snapshot.set(event_target_checked(&ev))
                                    />
                                    {move || prefs.tr(Msg::SegmentStatic)}
                                </label>
                                <button class="btn btn-primary" data-testid="segment-save" on:click=save>
                                    {move || prefs.tr(Msg::Save)}
                                </button>
                            </div>
                        </div>
                        <SegmentActions rows=Signal::derive(rows)/>
                        <div class="card">
                            <h2>{move || prefs.tr(Msg::BuilderTitle)}</h2>
                            <SegmentBuilder tree=tree on_change=from_builder/>
                        </div>
                        <div class="card">
                            <h2>{move || prefs.tr(Msg::SegmentPreview)}</h2>
                            <table class="mini">
                                <thead>
                                    <tr>
                                        <th>{move || prefs.tr(Msg::Name)}</th>
                                        <th>{move || prefs.tr(Msg::City)}</th>
                                        <th>{move || prefs.tr(Msg::Lifecycle)}</th>
                                        <th class="num">{move || prefs.tr(Msg::Orders)}</th>
                                        <th class="num">{move || prefs.tr(Msg::TotalSpent)}</th>
                                    </tr>
                                </thead>
                                <tbody>{preview}</tbody>
                            </table>
                        </div>
                    </div>
                    <aside class="segments-side">
                        <div class="card">
                            <h2>{move || prefs.tr(Msg::SegmentTemplates)}</h2>
                            <div class="chips">{templates}</div>
                        </div>
                        <SavedSegments use_query mask/>
                        <Overlap/>
                    </aside>
                </div>
            </Show>
        </section>
    }
}

/// Whether saving `query` under `name` would make segments name each other in a circle.
fn refers_to_itself(
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
fn SavedSegments(
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
                    ui.navigate(Route::new(View::Customers).with("segment", Some(id_open.clone())));
                };
                let q_load = s.query.clone();
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

/// Acting on everyone in the segment: a tag, an account manager, a follow-up (each one undoable
/// step, like the customer list's bulk actions).
#[component]
fn SegmentActions(rows: Signal<Vec<usize>>) -> impl IntoView {
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

/// How two saved segments overlap: only in A, in both, only in B.
#[component]
fn Overlap() -> impl IntoView {
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
