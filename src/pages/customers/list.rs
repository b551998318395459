//! The virtualised customer table: only the rows in view (plus a margin) are in the DOM.
//! Columns can be chosen (remembered in this browser) and each header sorts.

use super::query::CustomersQuery;
use crate::derived::use_derived;
use crate::i18n::Localize;
use crate::i18n::{Lang, Msg, t};
use crate::platform;
use crate::prefs::{keys, use_prefs};
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::Customer;
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::customer_query::Labels;
use kezhi_core::money::yuan_display;
// Phone numbers are personal data: masked (`138****5678`) unless the user reveals them.
use kezhi_core::customer_query::{CustomerIndex, CustomerQuery, SortKey};
use kezhi_core::export::mask_phone;
use kezhi_core::summary::OrderSummary;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use uuid::Uuid;

/// One rendered row: what it shows and the view settings it was drawn with.
#[derive(Clone)]
struct RowItem {
    pos: usize,
    customer: Customer,
    summary: OrderSummary,
    labels: Labels,
    /// The name of the customer's value tier (tiers are named in Settings).
    tier: String,
    /// This row's customer is open in the detail view.
    chosen: bool,
    zh: bool,
    reveal: bool,
    cols: Vec<Column>,
    /// Drawn as a card (a narrow screen): the card's fields the table's columns do not show
    /// are added, and the next follow-up.
    narrow: bool,
    /// The customer's open follow-up (cards only).
    follow_up: Option<chrono::NaiveDate>,
}

impl RowItem {
    /// A hash of everything the row shows: an unchanged row keeps its elements.
    fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (self.pos, self.customer.id, self.customer.updated_at).hash(&mut h);
        (self.summary, self.labels, &self.tier, self.chosen).hash(&mut h);
        (self.zh, self.reveal, &self.cols).hash(&mut h);
        (self.narrow, self.follow_up).hash(&mut h);
        h.finish()
    }
}

/// Row height in pixels; must match `--row-height` in style/main.css.
const ROW_HEIGHT: i32 = 44;
/// A card's height (below 600 px) in pixels, the gap under it included; the list sets
/// `--row-height` to it, so the stylesheet's card rules follow.
const CARD_HEIGHT: i32 = 124;
/// What a card shows besides the name, whatever columns the table shows (those the table
/// hides are added to the card).
const CARD_FIELDS: [Column; 4] = [
    SortKey::Phone,
    SortKey::Stage,
    SortKey::Tier,
    SortKey::LastOrder,
];
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: i32 = 8;

/// A column of the table is named by the key it sorts by.
pub type Column = SortKey;

/// The table's columns in display order (`Created` sorts but is not shown).
const COLUMNS: [Column; 16] = [
    SortKey::Name,
    SortKey::Phone,
    SortKey::City,
    SortKey::Channel,
    SortKey::Level,
    SortKey::Tags,
    SortKey::Owner,
    SortKey::Orders,
    SortKey::TotalSpent,
    SortKey::LastOrder,
    SortKey::Stage,
    SortKey::Tier,
    SortKey::Group,
    SortKey::R,
    SortKey::F,
    SortKey::M,
];

/// Shown until the user chooses: the scores are one click away in the column chooser.
const DEFAULT_HIDDEN: [Column; 3] = [SortKey::R, SortKey::F, SortKey::M];

/// How a column looks in the table.
trait ColumnLook {
    fn label(self) -> Msg;
    /// Its track in the row grid.
    fn width(self) -> &'static str;
    fn numeric(self) -> bool;
}

impl ColumnLook for Column {
    fn label(self) -> Msg {
        match self {
            SortKey::Name => Msg::Name,
            SortKey::Phone => Msg::Phone,
            SortKey::City => Msg::City,
            SortKey::Channel => Msg::Channel,
            SortKey::Level => Msg::MemberLevel,
            SortKey::Tags => Msg::Tags,
            SortKey::Owner => Msg::Owner,
            SortKey::Orders => Msg::Orders,
            SortKey::TotalSpent => Msg::TotalSpent,
            SortKey::LastOrder => Msg::LastOrder,
            SortKey::Created => Msg::CreatedAt,
            SortKey::Stage => Msg::Lifecycle,
            SortKey::Tier => Msg::Tier,
            SortKey::Group => Msg::RfmGroupLabel,
            SortKey::R => Msg::ScoreR,
            SortKey::F => Msg::ScoreF,
            SortKey::M => Msg::ScoreM,
        }
    }
    fn width(self) -> &'static str {
        match self {
            SortKey::Name => "minmax(6em, 1.2fr)",
            SortKey::Phone => "8.5em",
            SortKey::City => "5em",
            SortKey::Channel => "7em",
            SortKey::Level => "6em",
            SortKey::Tags => "minmax(6em, 1.5fr)",
            SortKey::Owner => "5em",
            SortKey::Orders => "3.5em",
            SortKey::TotalSpent => "8em",
            SortKey::LastOrder | SortKey::Created => "6.5em",
            SortKey::Stage => "5.5em",
            SortKey::Tier => "5.5em",
            SortKey::Group => "7.5em",
            SortKey::R | SortKey::F | SortKey::M => "2.5em",
        }
    }
    fn numeric(self) -> bool {
        matches!(
            self,
            SortKey::Orders | SortKey::TotalSpent | SortKey::R | SortKey::F | SortKey::M
        )
    }
}

/// The table's layout, remembered per browser: which columns show, and the widths the user
/// dragged them to (in pixels; others keep their default track).
#[derive(Clone, Copy)]
pub struct Columns {
    pub visible: RwSignal<Vec<Column>>,
    pub widths: RwSignal<BTreeMap<Column, u32>>,
}

impl Columns {
    pub fn load() -> Self {
        // Stored by their URL names; names this version does not know are skipped.
        let mut cols: Vec<Column> = match keys::COLUMNS.get() {
            Some(names) => names.iter().filter_map(|n| SortKey::parse(n)).collect(),
            None => COLUMNS
                .into_iter()
                .filter(|c| !DEFAULT_HIDDEN.contains(c))
                .collect(),
        };
        if !cols.contains(&SortKey::Name) {
            cols.insert(0, SortKey::Name);
        }
        let widths = keys::COLUMN_WIDTHS
            .get()
            .iter()
            .filter_map(|(n, w)| SortKey::parse(n).map(|k| (k, *w)))
            .collect();
        Columns {
            visible: RwSignal::new(cols),
            widths: RwSignal::new(widths),
        }
    }

    /// The CSS grid tracks of a row: the selection box, then every visible column.
    fn template(&self) -> String {
        let widths = self.widths.get();
        let tracks: Vec<String> = self.visible.with(|cols| {
            cols.iter()
                .map(|c| match widths.get(c) {
                    Some(px) => format!("{px}px"),
                    None => c.width().to_string(),
                })
                .collect()
        });
        format!("2.2em {}", tracks.join(" "))
    }

    fn set_width(&self, column: Column, px: f64) {
        let px = px.clamp(MIN_WIDTH, MAX_WIDTH) as u32;
        self.widths.update(|w| {
            w.insert(column, px);
        });
    }

    fn remember_widths(&self) {
        // Losing the preference is harmless: default widths apply next time.
        let named: BTreeMap<String, u32> = self
            .widths
            .get_untracked()
            .into_iter()
            .map(|(k, w)| (k.as_str().to_string(), w))
            .collect();
        let _ = keys::COLUMN_WIDTHS.set(&named);
    }
}

const MIN_WIDTH: f64 = 40.0;
const MAX_WIDTH: f64 = 600.0;

#[component]
pub fn ColumnChooser(columns: Columns) -> impl IntoView {
    let prefs = use_prefs();
    let columns = columns.visible;
    let open = RwSignal::new(false);
    let toggle = move |c: Column| {
        columns.update(|cols| {
            if cols.contains(&c) {
                cols.retain(|x| *x != c);
            } else {
                // Keep the table's order, whatever order the boxes were ticked in.
                cols.push(c);
                kezhi_core::sorting::sort_by_key(cols, |x| COLUMNS.iter().position(|y| y == x));
            }
        });
        // Losing the preference is harmless: all columns show next time.
        let names: Vec<String> = columns
            .get_untracked()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        let _ = keys::COLUMNS.set(&Some(names));
    };
    let button = NodeRef::<leptos::html::Button>::new();
    view! {
        <span
            class="chooser"
            on:keydown=move |e| {
                // Escape closes the list of columns and gives the focus back to its button.
                if e.key() == "Escape" && open.get_untracked() {
                    e.prevent_default();
                    open.set(false);
                    if let Some(b) = button.get_untracked() {
                        let _ = b.focus();
                    }
                }
            }
        >
            <button
                class="btn"
                data-testid="column-chooser"
                node_ref=button
                aria-expanded=move || open.get().to_string()
                aria-controls="column-chooser-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || prefs.tr(Msg::Columns)}
            </button>
            <Show when=move || open.get()>
                <div
                    class="chooser-menu card"
                    id="column-chooser-menu"
                    role="group"
                    aria-label=move || prefs.tr(Msg::Columns)
                >
                    {COLUMNS[1..]
                        .iter()
                        .map(|&c| {
                            view! {
                                <label class="chooser-item">
                                    <input
                                        type="checkbox"
                                        data-testid=format!("column-{}", c.as_str())
                                        prop:checked=move || columns.with(|cols| cols.contains(&c))
                                        on:change=move |_| toggle(c)
                                    />
                                    {move || prefs.tr(c.label())}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </span>
    }
}

/// A phone number as a `tel:` link dials it: the number without the spaces people type.
fn tel_number(phone: &str) -> String {
    phone.chars().filter(|c| !c.is_whitespace()).collect()
}

fn cell(column: Column, row: &RowItem, offset: chrono::FixedOffset) -> AnyView {
    let (c, s, labels, zh, reveal) = (&row.customer, &row.summary, row.labels, row.zh, row.reveal);
    let text = |v: Option<String>| view! { {v} }.into_any();
    match column {
        SortKey::Name => text(Some(c.name.clone())),
        SortKey::Phone => match c.phone.as_deref() {
            // Revealed, the number can be called (a phone dials it; the row does not open).
            Some(p) if reveal => {
                let href = format!("tel:{}", tel_number(p));
                view! {
                    <a
                        class="tel"
                        href=href
                        data-testid="phone-call"
                        on:click=|e| e.stop_propagation()
                    >
                        {p.to_string()}
                    </a>
                }
                .into_any()
            }
            other => text(other.map(mask_phone)),
        },
        SortKey::City => text(c.city.map(|s| s.to_string())),
        SortKey::Channel => text(
            c.channel
                .map(|ch| display(&CHANNELS, ch.as_str(), zh).to_string()),
        ),
        SortKey::Level => text(
            c.member_level
                .map(|l| display(&MEMBER_LEVELS, l.as_str(), zh).to_string()),
        ),
        SortKey::Tags => c
            .tags
            .iter()
            .map(|t| view! { <span class="tag">{t.clone()}</span> })
            .collect_view()
            .into_any(),
        SortKey::Owner => text(c.owner.map(|s| s.to_string())),
        SortKey::Orders => text(Some(s.orders.to_string())),
        SortKey::TotalSpent => text(Some(yuan_display(s.total_spent))),
        SortKey::LastOrder => text(s.last_order.map(|t| t.format_date(offset))),
        SortKey::Created => text(Some(c.created_at.format_date(offset))),
        SortKey::Stage => {
            let stage = labels.stage;
            // A stage set by hand says so.
            let manual = c.stage_override.is_some().then(|| {
                let lang = if zh { Lang::Zh } else { Lang::En };
                view! { <span class="manual-mark" data-testid="stage-manual">{format!(" ✎{}", t(lang, Msg::ManualMark))}</span> }
            });
            view! { <span class=format!("stage stage-{}", stage.code())>{stage.label(Lang::of_zh(zh))}{manual}</span> }
                .into_any()
        }
        SortKey::Tier => {
            let tier = labels.tier.0;
            view! { <span class=format!("tier tier-{tier}")>{row.tier.clone()}</span> }.into_any()
        }
        SortKey::Group => text(labels.group.map(|g| g.label(Lang::of_zh(zh)).to_string())),
        SortKey::R => text(labels.r.map(|v| v.to_string())),
        SortKey::F => text(labels.f.map(|v| v.to_string())),
        SortKey::M => text(labels.m.map(|v| v.to_string())),
    }
}

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
                class="rows"
                class:rows-cards=move || narrow.get()
                node_ref=list_ref
                on:scroll=on_scroll
                data-testid="customer-list"
                style:--row-height=move || format!("{}px", row_height.get())
            >
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
