//! Customers: search (with pinyin), filters, sort and the visible columns — all of it in the
//! URL — over a virtualised list, and the detail panel of the selected customer.

pub mod activity;
pub mod bulk;
mod detail;
mod list;
mod segment_filter;

use super::export::{Exporter, FileKind};
use crate::debounce::Debounce;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use bulk::{BulkBar, Selection};
use detail::CustomerDetail;
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::customer_query::{CustomerQuery, Filters, SortKey};
use kezhi_core::metrics::{Analytics, RfmGroup, Stage, Tier};
use leptos::prelude::*;
use list::CustomerList;
use std::time::Duration;
use uuid::Uuid;

const SEARCH_DEBOUNCE_MS: u64 = 120;

/// The URL parameter of each filter.
const FILTER_PARAMS: [&str; 8] = [
    "channel",
    "city",
    "level",
    "tag",
    "owner",
    "stage",
    "tier",
    "rfm_group",
];

/// `risk=new`: only customers newly at risk (opened from the dashboard's churn warnings).
const RISK_PARAM: &str = "risk";

/// The list's query as the URL states it.
fn query_from_route(route: &crate::route::Route, analytics: &Analytics) -> CustomerQuery {
    let get = |k: &str| route.param(k).map(str::to_string);
    CustomerQuery {
        text: get("q").unwrap_or_default(),
        filters: Filters {
            channel: get("channel"),
            city: get("city"),
            level: get("level"),
            tag: get("tag"),
            owner: get("owner"),
            stage: route.param("stage").and_then(Stage::from_code),
            // An unknown tier (renamed in Settings since) matches nobody.
            tier: route
                .param("tier")
                .map(|code| analytics.tier_by_code(code).unwrap_or(Tier(u8::MAX))),
            group: route.param("rfm_group").and_then(RfmGroup::from_code),
            newly_at_risk: route.param(RISK_PARAM) == Some("new"),
        },
        sort: route
            .param("sort")
            .and_then(SortKey::parse)
            .unwrap_or_default(),
        descending: route.param("dir") == Some("desc"),
    }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let initial = ui
        .route
        .with_untracked(|r| r.param("q").unwrap_or("").to_string());
    let typed = RwSignal::new(initial);
    let debounce = Debounce::new(Duration::from_millis(SEARCH_DEBOUNCE_MS));

    // Typing updates the box at once; the list follows when typing pauses.
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        debounce.call(move || {
            // Only while the list is still shown.
            let route = ui.route.get_untracked();
            if route.view == crate::route::View::Customers {
                ui.replace_route(route.with("q", Some(value)));
            }
        });
    };

    // Built once, then updated by edits (see `derived`).
    let index = derived.index;
    let query = Memo::new(move |_| {
        derived
            .metrics
            .with(|a| ui.route.with(|r| query_from_route(r, a)))
    });
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
    let selected = Memo::new(move |_| {
        ui.route
            .with(|r| r.param("id").and_then(|id| Uuid::parse_str(id).ok()))
    });
    let creating = Memo::new(move |_| ui.route.with(|r| r.param("new").is_some()));
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
        let route = ui
            .route
            .get_untracked()
            .with("id", None)
            .with("new", Some("1".into()));
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
                    <strong>{move || platform::group(matches.with(|m| m.len()) as u64)}</strong>
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
                            Some(view! { <CustomerDetail id=None/> }.into_any())
                        } else {
                            selected
                                .get()
                                .map(|id| view! { <CustomerDetail id=Some(id)/> }.into_any())
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
        ui.route.with(|r| {
            FILTER_PARAMS
                .iter()
                .chain([&RISK_PARAM])
                .any(|p| r.param(p).is_some())
        })
    });
    // On a phone the menus fold away behind one button (style/main.css shows it there only).
    let unfolded = RwSignal::new(false);
    let active = Memo::new(move |_| {
        ui.route.with(|r| {
            FILTER_PARAMS
                .iter()
                .filter(|p| r.param(p).is_some())
                .count()
        })
    });
    let clear = move |_| {
        let mut route = ui.route.get_untracked();
        for p in FILTER_PARAMS.iter().chain([&RISK_PARAM]) {
            route = route.with(p, None);
        }
        ui.replace_route(route);
    };
    let selects = FILTER_PARAMS
        .iter()
        .enumerate()
        .map(|(i, &param)| {
            let label = labels[i];
            let current =
                Memo::new(move |_| ui.route.with(|r| r.param(param).unwrap_or("").to_string()));
            let name = move |v: &str| -> String {
                let zh = prefs.lang.get().is_zh();
                match param {
                    "channel" => display(&CHANNELS, v, zh).to_string(),
                    "level" => display(&MEMBER_LEVELS, v, zh).to_string(),
                    "stage" => Stage::from_code(v).map_or(v, |s| s.name(zh)).to_string(),
                    "tier" => derived.metrics.with(|a| {
                        a.tier_by_code(v)
                            .map_or(v, |t| a.tier_name(t, zh))
                            .to_string()
                    }),
                    "rfm_group" => RfmGroup::from_code(v).map_or(v, |s| s.name(zh)).to_string(),
                    _ => v.to_string(),
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
                            let route = ui.route.get_untracked().with(param, Some(v));
                            ui.replace_route(route);
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
                                        let route = ui
                                            .route
                                            .get_untracked()
                                            .with("segment", None)
                                            .with("sq", None)
                                            .with("funnel", None);
                                        ui.replace_route(route);
                                    }
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    })
            }}
            <Show when=move || ui.route.with(|r| r.param(RISK_PARAM).is_some())>
                <span class="chip" data-testid="filter-newly-at-risk">
                    {move || prefs.tr(Msg::NewlyAtRisk)}
                    <button
                        class="chip-x"
                        aria-label=move || prefs.tr(Msg::ClearFilters)
                        on:click=move |_| {
                            let route = ui.route.get_untracked().with(RISK_PARAM, None);
                            ui.replace_route(route);
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
