//! The virtualised customer table: only the rows in view (plus a margin) are in the DOM.
//! Columns can be chosen (remembered in this browser) and each header sorts.
//!
//! Here: the table itself (scrolling window, rows, headers that sort and resize); columns (which
//! show, their widths, the chooser) and row (what one row shows, cell by cell) beside it.

mod columns;
mod row;

pub use columns::{ColumnChooser, Columns};

use super::query::CustomersQuery;
use crate::derived::use_derived;
use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use columns::{ColumnLook, MAX_WIDTH, MIN_WIDTH};
use kezhi_core::customer_query::Labels;
use kezhi_core::customer_query::{CustomerIndex, CustomerQuery, SortKey};
use kezhi_core::summary::OrderSummary;
use leptos::prelude::*;
use row::{CARD_FIELDS, CARD_HEIGHT, ROW_HEIGHT, RowItem, cell};
use std::sync::Arc;
use uuid::Uuid;

/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: i32 = 8;

#[component]
pub fn CustomerList(
    matches: Memo<Vec<usize>>,
    index: Memo<Arc<CustomerIndex>>,
    selected: Memo<Option<Uuid>>,
    reveal: RwSignal<bool>,
    query: Memo<CustomerQuery>,
    selection: super::bulk::Selection,
    layout: Columns,
) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let columns = layout.visible;
    let template = Memo::new(move |_| layout.template());
    let matching_ids = move || -> std::collections::HashSet<Uuid> {
        matches.with_untracked(|m| {
            store.data.with_untracked(|d| {
                m.iter()
                    .filter_map(|&i| d.customers.get(i).map(|c| c.id))
                    .collect()
            })
        })
    };
    // A phone held upright shows the list as cards (taller rows; see style/main.css).
    let narrow = RwSignal::new(platform::is_narrow());
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        let now = platform::is_narrow();
        if narrow.get_untracked() != now {
            narrow.set(now);
        }
    });
    on_cleanup(move || resize.remove());
    let row_height = Memo::new(move |_| {
        if narrow.get() {
            CARD_HEIGHT
        } else {
            ROW_HEIGHT
        }
    });
    // Each customer's next follow-up, for the cards: their open follow-up as Today reads it
    // (`kezhi_core::today::open_follow_ups`: a contact recorded after a plan closes it). Made
    // only while cards are shown.
    let follow_ups = Memo::new(move |_| {
        if narrow.get() {
            Arc::new(
                store
                    .data
                    .with(|d| kezhi_core::today::open_follow_ups(&d.activities)),
            )
        } else {
            Arc::new(Default::default())
        }
    });
    let scroll_top = RwSignal::new(0i32);
    let viewport = RwSignal::new(600i32);
    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        scroll_top.set(el.scroll_top());
        viewport.set(el.client_height());
    };
    // Back to the top when the result set changes (a new search, filter or sort).
    let list_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        matches.track();
        if let Some(el) = list_ref.get_untracked() {
            el.set_scroll_top(0);
            viewport.set(el.client_height().max(200));
        }
        scroll_top.set(0);
    });
    let range = Memo::new(move |_| {
        let total = matches.with(|m| m.len()) as i32;
        let h = row_height.get();
        let first = (scroll_top.get() / h - OVERSCAN).max(0);
        let last = ((scroll_top.get() + viewport.get()) / h + OVERSCAN).min(total);
        (first as usize, last.max(first) as usize)
    });
    let select = move |id: Uuid| {
        ui.replace_query(|q: &mut CustomersQuery| {
            q.creating = false;
            q.selected = Some(id);
        });
    };
    // The rows in view as plain values: the table re-renders only when they change.
    let visible = Memo::new(move |_| {
        let (first, last) = range.get();
        let slice: Vec<usize> = matches.with(|m| m[first.min(m.len())..last.min(m.len())].to_vec());
        let summaries: Vec<(OrderSummary, Labels)> = index.with(|ix| {
            slice
                .iter()
                .map(|&i| (ix.summary(i), ix.labels(i)))
                .collect()
        });
        store.data.with(|d| {
            slice
                .iter()
                .zip(summaries)
                .enumerate()
                .filter_map(|(k, (&i, s))| d.customers.get(i).map(|c| (first + k, c.clone(), s)))
                .collect::<Vec<_>>()
        })
    });
    let offset = platform::local_offset();
    // Rows are keyed by everything they show, so while scrolling only the rows coming into
    // view are built and those still in view keep their elements: rebuilding all of them on
    // every frame left tens of megabytes of detached elements for the garbage collector.
    let rows = move || {
        let chosen = selected.get();
        let zh = prefs.lang.get().is_zh();
        let reveal = reveal.get();
        let cols = columns.get();
        let narrow = narrow.get();
        let follow_ups = follow_ups.get();
        let tiers: Vec<String> = derived
            .metrics
            .with(|a| a.tiers.iter().map(|t| t.name(zh).to_string()).collect());
        visible
            .get()
            .into_iter()
            .map(|(pos, customer, (summary, labels))| RowItem {
                pos,
                chosen: chosen == Some(customer.id),
                follow_up: follow_ups.get(&customer.id).map(|f| f.1),
                customer,
                summary,
                labels,
                tier: tiers
                    .get(usize::from(labels.tier.0))
                    .cloned()
                    .unwrap_or_default(),
                zh,
                reveal,
                cols: cols.clone(),
                narrow,
            })
            .collect::<Vec<_>>()
    };
    let row = move |item: RowItem| {
        let (id, pos) = (item.customer.id, item.pos);
        let lang = if item.zh { Lang::Zh } else { Lang::En };
        let cells = item
            .cols
            .iter()
            .map(|&col| {
                view! {
                    <span
                        class="cell"
                        class:cell-num=col.numeric()
                        role="cell"
                        data-col=col.as_str()
                        data-label=t(lang, col.label())
                    >
                        {cell(col, &item, offset)}
                    </span>
                }
            })
            .collect_view();
        // A card shows its fields whatever columns the table shows: those hidden in the table
        // come here (marked `data-card`, not `data-col`: the table's columns stay as chosen).
        let card = item.narrow.then(|| {
            let extra = CARD_FIELDS
                .iter()
                .filter(|c| !item.cols.contains(c))
                .map(|&col| {
                    view! {
                        <span
                            class="cell cell-card"
                            role="cell"
                            data-card=col.as_str()
                            data-label=t(lang, col.label())
                        >
                            {cell(col, &item, offset)}
                        </span>
                    }
                })
                .collect_view();
            let date = item.follow_up.map(|d| d.to_string()).unwrap_or_default();
            let shown = item
                .follow_up
                .map_or_else(|| "—".to_string(), |d| d.to_string());
            view! {
                {extra}
                <span
                    class="cell cell-card"
                    role="cell"
                    data-card="next_follow_up"
                    data-testid="card-follow-up"
                    data-date=date
                    data-label=t(lang, Msg::NextFollowUp)
                >
                    {shown}
                </span>
            }
        });
        let check = view! {
            <span class="cell cell-check" role="cell">
                // The label is the tap target (a thumb's size on a card); a tap on it ticks the
                // box and must not also open the customer.
                <label class="check-hit" on:click=move |e| e.stop_propagation()>
                    <input
                        type="checkbox"
                        data-testid="row-select"
                        aria-label=move || prefs.tr(Msg::SelectRow)
                        prop:checked=move || selection.contains(id)
                        on:click=move |e| e.stop_propagation()
                        on:change=move |_| selection.toggle(id, matching_ids)
                    />
                </label>
            </span>
        };
        view! {
            <div
                class="row"
                class:row-selected=item.chosen
                role="row"
                tabindex="0"
                data-testid="customer-row"
                data-id=id.to_string()
                data-index=pos.to_string()
                aria-rowindex=(pos + 2).to_string()
                on:click=move |_| select(id)
                on:keydown=move |e| {
                    // Enter or Space on the row itself (not on its checkbox or phone link).
                    let on_row = e.target().is_some_and(|t| Some(t) == e.current_target());
                    if on_row && (e.key() == "Enter" || e.key() == " ") {
                        e.prevent_default();
                        select(id);
                    }
                }
            >
                {check}
                {cells}
                {card}
            </div>
        }
    };
    let sort_by = move |key: SortKey| {
        let q = query.get_untracked();
        // A click on the sorted column flips the direction; another column starts ascending
        // (numbers and dates descending: the biggest and newest first is what people want).
        let descending = if q.sort == key {
            !q.descending
        } else {
            matches!(
                key,
                SortKey::Orders | SortKey::TotalSpent | SortKey::LastOrder
            )
        };
        ui.replace_query(|q: &mut CustomersQuery| {
            q.sort = Some(key);
            q.descending = descending;
        });
    };
    let headers = move || {
        columns
            .get()
            .into_iter()
            .map(|col| {
                let key = col;
                let aria = move || {
                    let q = query.get();
                    if q.sort != key {
                        "none"
                    } else if q.descending {
                        "descending"
                    } else {
                        "ascending"
                    }
                };
                let arrow = move || match aria() {
                    "ascending" => " ▲",
                    "descending" => " ▼",
                    _ => "",
                };
                // Drag the handle (or use the arrow keys on it) to resize the column.
                let drag = StoredValue::new(None::<(f64, f64)>);
                let header = NodeRef::<leptos::html::Span>::new();
                let width_now = move || {
                    header
                        .get_untracked()
                        .map(|h| h.get_bounding_client_rect().width())
                        .unwrap_or(100.0)
                };
                // The column's width as shown, for the separator's value until it is set.
                let measured = RwSignal::new(0u32);
                Effect::new(move |_| {
                    if let Some(h) = header.get() {
                        measured.set(h.get_bounding_client_rect().width().round() as u32);
                    }
                });
                view! {
                    <span class="head-wrap" node_ref=header role="columnheader" aria-sort=aria>
                        <button
                            class="cell head-cell"
                            class:cell-num=col.numeric()
                            // The whole name on hover where a narrow column cuts it short.
                            title=move || prefs.tr(col.label())
                            data-testid=format!("sort-{}", key.as_str())
                            on:click=move |_| sort_by(key)
                        >
                            {move || prefs.tr(col.label())}
                            {arrow}
                        </button>
                        <span
                            class="resize"
                            role="separator"
                            aria-orientation="vertical"
                            tabindex="0"
                            aria-label=move || prefs.tr(col.label())
                            aria-valuemin=MIN_WIDTH.to_string()
                            aria-valuemax=MAX_WIDTH.to_string()
                            aria-valuenow=move || {
                                layout
                                    .widths
                                    .with(|w| w.get(&col).copied())
                                    .unwrap_or_else(|| measured.get())
                                    .to_string()
                            }
                            data-testid=format!("resize-{}", key.as_str())
                            on:pointerdown=move |e| {
                                e.prevent_default();
                                let target: web_sys::Element = event_target(&e);
                                let _ = target.set_pointer_capture(e.pointer_id());
                                drag.set_value(Some((f64::from(e.client_x()), width_now())));
                            }
                            on:pointermove=move |e| {
                                if let Some((x0, w0)) = drag.get_value() {
                                    layout.set_width(col, w0 + f64::from(e.client_x()) - x0);
                                }
                            }
                            on:pointerup=move |_| {
                                if drag.get_value().is_some() {
                                    drag.set_value(None);
                                    layout.remember_widths();
                                }
                            }
                            on:keydown=move |e| {
                                let step = match e.key().as_str() {
                                    "ArrowLeft" => -16.0,
                                    "ArrowRight" => 16.0,
                                    _ => return,
                                };
                                e.prevent_default();
                                layout.set_width(col, width_now() + step);
                                layout.remember_widths();
                            }
                        ></span>
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <div
            class="table"
            role="table"
            aria-rowcount=move || matches.with(|m| m.len()).to_string()
            style:--columns=move || template.get()
        >
            <div
                class="rows"
                class:rows-cards=move || narrow.get()
                node_ref=list_ref
                on:scroll=on_scroll
                data-testid="customer-list"
                style:--row-height=move || format!("{}px", row_height.get())
            >
                // The header scrolls sideways with the rows and stays above them (sticky): in
                // the same scroll box it is exactly as wide as they are.
                <div class="row row-head" role="row">
                    <span class="cell cell-check" role="columnheader">
                        <input
                            type="checkbox"
                            data-testid="select-all"
                            aria-label=move || prefs.tr(Msg::SelectAllMatching)
                            prop:checked=move || selection.all.get()
                            on:change=move |_| {
                                if selection.all.get_untracked() {
                                    selection.clear();
                                } else {
                                    selection.ids.set(Default::default());
                                    selection.all.set(true);
                                }
                            }
                        />
                    </span>
                    {headers}
                </div>
                <div
                    class="rows-spacer"
                    style:height=move || {
                        format!("{}px", matches.with(|m| m.len()) as i32 * row_height.get())
                    }
                >
                    <div
                        class="rows-window"
                        style:transform=move || {
                            format!("translateY({}px)", range.get().0 as i32 * row_height.get())
                        }
                    >
                        <For each=rows key=RowItem::key children=row/>
                    </div>
                </div>
                <Show when=move || matches.with(|m| m.is_empty())>
                    <p class="muted no-match">{move || prefs.tr(Msg::NoMatch)}</p>
                </Show>
            </div>
        </div>
    }
}
