//! Customers: search (with pinyin), filters, sort and the visible columns — all of it in the
//! URL — over a virtualised list, and the detail panel of the selected customer.

pub mod activity;
pub mod bulk;
mod detail;
mod list;
pub mod query;
mod recommendations;
mod segment_filter;

use super::export::{Exporter, FileKind};
use crate::debounce::Debounce;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::i18n::{Lang, Localize};
use crate::platform;
use crate::prefs::use_prefs;
use crate::readings::ReadingsStatus;
use crate::route::{PageQuery, View};
use crate::store::use_store;
use crate::ui::use_ui;
use bulk::{BulkBar, Selection};
pub use detail::CustomerDetail;
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::model::{RfmGroup, Stage};
use kezhi_core::money::thousands;
use leptos::prelude::*;
use list::CustomerList;
use query::{CustomersQuery, Menu};
use std::time::Duration;

const SEARCH_DEBOUNCE_MS: u64 = 120;

#[component]
pub fn CustomersPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let initial = ui.route.with_untracked(CustomersQuery::from_route).q;
    let typed = RwSignal::new(initial);
    let debounce = Debounce::new(Duration::from_millis(SEARCH_DEBOUNCE_MS));

    // Typing updates the box at once; the list follows when typing pauses.
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        debounce.call(move || {
            // Only while the list is still shown.
            if ui.route.with_untracked(|r| r.view) == View::Customers {
                ui.replace_query(|q: &mut CustomersQuery| q.q = value);
            }
        });
    };

    // Built once, then updated by edits (see `derived`).
    let index = derived.index;
    let page = ui.page_query::<CustomersQuery>();
    let query =
        Memo::new(move |_| page.with(|url| derived.metrics.with(|a| url.customer_query(a))));
    // A segment (saved, or a query from the segment page) narrows the list further.
    let segment = Memo::new(move |_| segment_filter::restriction(store, derived, prefs, ui));
    let matches = Memo::new(move |_| {
        let q = query.get();
        let mut rows = index.with(|ix| {
            store
                .data
                .with(|d| platform::timed("kezhi:query", || ix.query(d, &q)))
        });
        segment.with(|s| {
            if let Some((_, only)) = s {
                rows.retain(|i| only.contains(i));
            }
        });
        rows
    });
    let selected = Memo::new(move |_| page.with(|q| q.selected));
    let creating = Memo::new(move |_| page.with(|q| q.creating));
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    let reveal = RwSignal::new(false);
    let selection = Selection::new();
    let layout = list::Columns::load();
    // A new search or filter starts a new selection: "all matching" meant the old matches.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some() {
            selection.clear();
        }
    });

    let mask = RwSignal::new(false);
    let export = move |kind: FileKind| {
        let rows = matches.get_untracked();
        exporter.customers(&rows, "customers", mask.get_untracked(), kind);
    };
    let open_new = move |_| {
        let route = ui.route.get_untracked().update(|q: &mut CustomersQuery| {
            q.selected = None;
            q.creating = true;
        });
        ui.navigate(route);
    };

    view! {
        <section class="page customers">
            <header class="page-head toolbar">
                <h1>{move || prefs.tr(Msg::Customers)}</h1>
                <input
                    type="search"
                    class="search"
                    data-testid="customer-search"
                    placeholder=move || prefs.tr(Msg::SearchPlaceholder)
                    aria-label=move || prefs.tr(Msg::SearchPlaceholder)
                    prop:value=move || typed.get()
                    on:input=on_input
                />
                <span
                    class="count"
                    data-testid="customer-count"
                    data-count=move || matches.with(|m| m.len()).to_string()
                >
                    <strong>{move || thousands(matches.with(|m| m.len()) as u64)}</strong>
                    " "
                    {move || prefs.tr(Msg::MatchingCustomers)}
                </span>
                <span class="export">
                    <label class="mask-toggle">
                        <input
                            type="checkbox"
                            data-testid="export-mask"
                            prop:checked=move || mask.get()
                            on:change=move |_| mask.update(|m| *m = !*m)
                        />
                        {move || prefs.tr(Msg::MaskOnExport)}
                    </label>
                    <button class="btn" data-testid="export-csv" on:click=move |_| export(FileKind::Csv)>
                        {move || prefs.tr(Msg::ExportCsv)}
                    </button>
                    <button class="btn" data-testid="export-xlsx" on:click=move |_| export(FileKind::Xlsx)>
                        {move || prefs.tr(Msg::ExportXlsx)}
                    </button>
                </span>
                <button class="btn btn-primary" data-testid="customer-new" on:click=open_new>
                    "+ "
                    {move || prefs.tr(Msg::NewCustomer)}
                </button>
            </header>
            <Show when=move || derived.readings.get() == ReadingsStatus::Failed>
                <p class="banner banner-warn" role="status" data-testid="readings-failed">
                    <span>{move || prefs.tr(Msg::ReadingsFailed)}</span>
                    <button
                        class="btn btn-small"
                        data-testid="readings-retry"
                        on:click=move |_| derived.fetch_readings()
                    >
                        {move || prefs.tr(Msg::PageRetry)}
                    </button>
                </p>
            </Show>
            <Show
                when=move || !empty.get() || creating.get()
                fallback=|| view! { <crate::components::EmptyState/> }
            >
                <FilterBar reveal layout/>
                <BulkBar selection matches/>
                <div
                    class="split"
                    class:split-open=move || selected.get().is_some() || creating.get()
                >
                    <CustomerList matches index selected reveal query selection layout/>
                    {move || {
                        if creating.get() {
                            Some(crate::lazy_pages::customer_detail(None))
                        } else {
                            selected
                                .get()
                                .map(|id| crate::lazy_pages::customer_detail(Some(id)))
                        }
                    }}
                </div>
            </Show>
        </section>
    }
}

/// One `<select>` per filter, with the values present in the data (most frequent first).
#[component]
fn FilterBar(reveal: RwSignal<bool>, layout: list::Columns) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let options = Memo::new(move |_| {
        let [channel, city, level, tags, owner] = derived.index.with(|ix| ix.menus().clone());
        [
            channel,
            city,
            level,
            tags,
            owner,
            Stage::ALL.iter().map(|s| s.code().to_string()).collect(),
            derived
                .metrics
                .with(|a| a.tiers.iter().map(|t| t.code.clone()).collect()),
            RfmGroup::ALL.iter().map(|s| s.code().to_string()).collect(),
        ]
    });
    let labels = [
        Msg::Channel,
        Msg::City,
        Msg::MemberLevel,
        Msg::Tags,
        Msg::Owner,
        Msg::Lifecycle,
        Msg::Tier,
        Msg::RfmGroupLabel,
    ];
    let any_filter = Memo::new(move |_| {
        let q = ui.query::<CustomersQuery>();
        q.newly_at_risk || Menu::ALL.iter().any(|m| q.menu(*m).is_some())
    });
    // On a phone the menus fold away behind one button (style/main.css shows it there only).
    let unfolded = RwSignal::new(false);
    let active = Memo::new(move |_| {
        let q = ui.query::<CustomersQuery>();
        Menu::ALL.iter().filter(|m| q.menu(**m).is_some()).count()
    });
    let clear = move |_| ui.replace_query(CustomersQuery::clear_filters);
    let newly_at_risk = move || ui.query::<CustomersQuery>().newly_at_risk;
    let selects = Menu::ALL
        .iter()
        .enumerate()
        .map(|(i, &menu)| {
            let label = labels[i];
            let param = menu.param();
            let current =
                Memo::new(move |_| ui.query::<CustomersQuery>().menu(menu).unwrap_or_default());
            let name = move |v: &str| -> String {
                let zh = prefs.lang.get().is_zh();
                match menu {
                    Menu::Channel => display(&CHANNELS, v, zh).to_string(),
                    Menu::Level => display(&MEMBER_LEVELS, v, zh).to_string(),
                    Menu::Stage => Stage::from_code(v)
                        .map_or(v, |s| s.label(Lang::of_zh(zh)))
                        .to_string(),
                    Menu::Tier => derived.metrics.with(|a| {
                        a.tier_by_code(v)
                            .map_or(v, |t| a.tier_name(t, zh))
                            .to_string()
                    }),
                    Menu::RfmGroup => RfmGroup::from_code(v)
                        .map_or(v, |s| s.label(Lang::of_zh(zh)))
                        .to_string(),
                    Menu::City | Menu::Tag | Menu::Owner => v.to_string(),
                }
            };
            view! {
                <label class="filter">
                    <span class="field-label">{move || prefs.tr(label)}</span>
                    <select
                        data-testid=format!("filter-{param}")
                        prop:value=move || current.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ui.replace_query(|q: &mut CustomersQuery| q.set_menu(menu, Some(v)));
                        }
                    >
                        <option value="">{move || prefs.tr(Msg::AllValues)}</option>
                        {move || {
                            options
                                .with(|o| o[i].clone())
                                .into_iter()
                                .map(|v| {
                                    let text = name(&v);
                                    view! { <option value=v>{text}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
            }
        })
        .collect_view();
    view! {
        <div
            class="filters"
            class:filters-open=move || unfolded.get()
            role="group"
            aria-label=move || prefs.tr(Msg::Filters)
        >
            <button
                class="btn filters-toggle"
                data-testid="filters-toggle"
                aria-expanded=move || unfolded.get().to_string()
                on:click=move |_| unfolded.update(|u| *u = !*u)
            >
                {move || prefs.tr(Msg::Filters)}
                {move || match active.get() {
                    0 => String::new(),
                    n => format!(" ({n})"),
                }}
                <span aria-hidden="true">{move || if unfolded.get() { " ▴" } else { " ▾" }}</span>
            </button>
            {selects}
            {move || {
                segment_filter::restriction_name(store, prefs, ui)
                    .map(|name| {
                        view! {
                            <span class="chip" data-testid="filter-segment">
                                {move || prefs.tr(Msg::FilterSegment)} ": " {name}
                                <button
                                    class="chip-x"
                                    aria-label=move || prefs.tr(Msg::ClearFilters)
                                    on:click=move |_| {
                                        ui.replace_query(CustomersQuery::clear_restriction);
                                    }
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    })
            }}
            <Show when=newly_at_risk>
                <span class="chip" data-testid="filter-newly-at-risk">
                    {move || prefs.tr(Msg::NewlyAtRisk)}
                    <button
                        class="chip-x"
                        aria-label=move || prefs.tr(Msg::ClearFilters)
                        on:click=move |_| {
                            ui.replace_query(|q: &mut CustomersQuery| q.newly_at_risk = false);
                        }
                    >
                        "×"
                    </button>
                </span>
            </Show>
            <Show when=move || any_filter.get()>
                <button class="btn btn-link" data-testid="filters-clear" on:click=clear>
                    {move || prefs.tr(Msg::ClearFilters)}
                </button>
            </Show>
            // "My customers": the owner filter set to whoever uses this browser (`whoami`).
            {move || {
                prefs
                    .whoami
                    .get()
                    .map(|me| {
                        let mine = {
                            let me = me.clone();
                            Memo::new(move |_| ui.query::<CustomersQuery>().owner.as_ref() == Some(&me))
                        };
                        view! {
                            <button
                                class="btn mine-toggle"
                                data-testid="filter-mine"
                                aria-pressed=move || mine.get().to_string()
                                on:click=move |_| {
                                    let owner = (!mine.get_untracked()).then(|| me.clone());
                                    ui.replace_query(|q: &mut CustomersQuery| q.owner = owner);
                                }
                            >
                                {move || prefs.tr(Msg::MyCustomers)}
                            </button>
                        }
                    })
            }}
            <span class="filters-end">
                <list::ColumnChooser columns=layout/>
                <button
                    class="btn"
                    data-testid="reveal-phones"
                    aria-pressed=move || reveal.get().to_string()
                    on:click=move |_| reveal.update(|r| *r = !*r)
                >
                    {move || prefs.tr(if reveal.get() { Msg::HidePhones } else { Msg::RevealPhones })}
                </button>
            </span>
        </div>
    }
}
