//! Segments: a query typed in the text language (UI contract: `segment-query`,
//! `segment-error`, `segment-count`, `segment-share`), templates, a preview of the first
//! matching customers, saving as dynamic or static (`segment-name`, `segment-static`,
//! `segment-save`), the saved list (`segment-item`) and export (`segment-export`). The query
//! lives in the URL (`#/segments?q=…`), so a link reproduces the segment.

mod actions;
mod builder;
mod compare;
mod editor;
mod overlap;
mod saved;
mod warm;

use super::export::{Exporter, FileKind};
use crate::components::{EmptyState, NameInput};
use crate::derived::{Derived, use_derived};
use crate::i18n::{Lang, Localize};
use crate::i18n::{Msg, segment_template_name};
use crate::pages::customers::query::CustomersQuery;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::route::{PageQuery, Route, View};
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, use_ui};
use actions::SegmentActions;
use builder::SegmentBuilder;
pub use compare::SegmentComparePage;
use editor::QueryEditor;
use kezhi_core::money::{thousands as group, yuan_display as money};
use kezhi_core::segment::saved::{SavedSegment, Snapshot, TEMPLATES};
use kezhi_core::segment::{Group, membership, parse, print};
use leptos::prelude::*;
use overlap::Overlap;
pub use saved::rows_of;
use saved::{SavedSegments, refers_to_itself};

/// Customers shown in the preview.
const PREVIEW: usize = 10;

/// The segment page's state in its URL: the query as text (`q`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentsQuery {
    pub q: String,
}

impl PageQuery for SegmentsQuery {
    fn from_route(r: &Route) -> Self {
        SegmentsQuery {
            q: r.param("q").unwrap_or("").to_string(),
        }
    }

    fn to_route(&self) -> Route {
        Route::new(View::Segments).with("q", Some(self.q.clone()))
    }
}

/// What a query selects now: positions in `data.customers`, or the error.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    Rows(Vec<usize>),
    Error { at: usize, message: String },
}

/// What `query` selects now (also the customer list's `sq`).
pub fn select(store: Store, derived: Derived, prefs: Prefs, query: &str) -> Selection {
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
            let columns = derived.segment_columns.get();
            let selected = store.data.with(|d| {
                store.segments.with(|saved| {
                    platform::timed("kezhi:segment", || {
                        membership::select_with(d, &analytics, &settings, &tree, saved, &columns)
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
    let text = RwSignal::new(ui.route.with_untracked(SegmentsQuery::from_route).q);
    let page = ui.page_query::<SegmentsQuery>();
    let query = Memo::new(move |_| page.with(|p| p.q.clone()));
    let use_query = move |q: &str| {
        text.set(q.to_string());
        ui.replace_query(|s: &mut SegmentsQuery| s.q = q.to_string());
    };
    // The query columns, built ahead while the user reads or types.
    leptos::task::spawn_local(warm::warm_columns(store, derived));
    let selection = Memo::new(move |_| select(store, derived, prefs, &query.get()));
    // The builder shows the text's tree at once (the count follows the debounced URL).
    let tree = Memo::new(move |_| text.with(|t| parse(t).ok().map(|g| g.normalize())));
    let from_builder = Callback::new(move |g: Group| {
        let q = print(&g);
        text.set(q.clone());
        ui.replace_query(|s: &mut SegmentsQuery| s.q = q);
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
        let list = CustomersQuery {
            segment_query: Some(query.get_untracked()),
            ..Default::default()
        };
        ui.navigate(list.to_route());
    };

    // The typed segment against the rest (a saved one is compared from its list item).
    let compare_query = move |_| {
        let q = compare::CompareQuery {
            query: Some(query.get_untracked()),
            ..Default::default()
        };
        ui.navigate(q.to_route());
    };

    let templates = move || {
        let lang = prefs.lang.get();
        TEMPLATES
            .iter()
            .map(|(code, q)| {
                let label = segment_template_name(lang, code).to_string();
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
                                <a href=CustomersQuery { selected: Some(id), ..Default::default() }.to_route().to_hash()>
                                    {c.name.clone()}
                                </a>
                            </td>
                            <td>{c.city.map(|s| s.to_string())}</td>
                            <td>{m.stage.map(|s| s.label(Lang::of_zh(zh)))}</td>
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
                            <QueryEditor text/>
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
                                <button class="btn" data-testid="segment-compare-query" on:click=compare_query>
                                    {move || prefs.tr(Msg::CompareWithRest)}
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
                                <crate::pages::export::MaskToggle mask testid="segment-mask"/>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_segment_urls_round_trip_byte_for_byte() {
        for url in [
            "#/segments",
            "#/segments?q=orders%20%3E%3D%202",
            "#/segments?q=total_spent%20%3E%205000%20AND%20city%20IN%20(%22%E4%B8%8A%E6%B5%B7%22%2C%20%22%E6%9D%AD%E5%B7%9E%22)",
        ] {
            let q = SegmentsQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        assert_eq!(
            SegmentsQuery::from_route(&Route::parse("#/segments?q=orders%20%3E%3D%202")).q,
            "orders >= 2"
        );
    }
}
