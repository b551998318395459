//! Customers: search, a virtualised list (only visible rows are in the DOM), and the detail
//! panel with the edit form, orders, activities and recent behaviour.

use crate::i18n::Msg;
use crate::platform::{self, money};
use crate::state::{ToastKind, use_app};
use kezhi_core::channel::{CHANNELS, MEMBER_LEVELS, display};
use kezhi_core::store::Section;
use kezhi_core::summary::{OrderSummary, order_summaries, search};
use kezhi_core::validate::{self, FieldError};
use kezhi_core::{Customer, OrderStatus};
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

/// Row height in pixels; must match `.row` in style/main.css.
const ROW_HEIGHT: i32 = 44;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: i32 = 8;
const SEARCH_DEBOUNCE_MS: u64 = 120;

/// `138****5678`: phone numbers are personal data, shown masked in lists.
fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return phone.to_string();
    }
    let (head, tail) = (3, 4);
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let state = use_app();
    let initial = state
        .route
        .with_untracked(|r| r.param("q").unwrap_or("").to_string());
    let typed = RwSignal::new(initial.clone());
    let query = RwSignal::new(initial);
    let debounce = StoredValue::new(0u64);

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        let ticket = debounce.get_value() + 1;
        debounce.set_value(ticket);
        set_timeout(
            move || {
                if debounce.get_value() == ticket {
                    query.set(value.clone());
                    let route = state.route.get_untracked().with("q", Some(value));
                    state.replace_route(route);
                }
            },
            Duration::from_millis(SEARCH_DEBOUNCE_MS),
        );
    };

    let matches = Memo::new(move |_| {
        let q = query.get();
        state.data.with(|d| search(d, &q))
    });
    let summaries = Memo::new(move |_| state.data.with(order_summaries));
    let selected = Memo::new(move |_| {
        state
            .route
            .with(|r| r.param("id").and_then(|id| Uuid::parse_str(id).ok()))
    });
    let creating = Memo::new(move |_| state.route.with(|r| r.param("new").is_some()));
    let empty = Memo::new(move |_| state.data.with(|d| d.customers.is_empty()));

    let open_new = move |_| {
        let route = state
            .route
            .get_untracked()
            .with("id", None)
            .with("new", Some("1".into()));
        state.navigate(route);
    };

    view! {
        <section class="page customers">
            <header class="page-head toolbar">
                <h1>{move || state.tr(Msg::Customers)}</h1>
                <input
                    type="search"
                    class="search"
                    data-testid="customer-search"
                    placeholder=move || state.tr(Msg::SearchPlaceholder)
                    aria-label=move || state.tr(Msg::SearchPlaceholder)
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
                    {move || state.tr(Msg::MatchingCustomers)}
                </span>
                <button class="btn btn-primary" data-testid="customer-new" on:click=open_new>
                    "+ "
                    {move || state.tr(Msg::NewCustomer)}
                </button>
            </header>
            <Show
                when=move || !empty.get() || creating.get()
                fallback=|| view! { <crate::components::EmptyState/> }
            >
                <div class="split" class:split-open=move || selected.get().is_some() || creating.get()>
                    <CustomerList matches summaries selected/>
                    {move || {
                        if creating.get() {
                            Some(view! { <CustomerDetail id=None/> }.into_any())
                        } else {
                            selected.get().map(|id| view! { <CustomerDetail id=Some(id)/> }.into_any())
                        }
                    }}
                </div>
            </Show>
        </section>
    }
}

#[component]
fn CustomerList(
    matches: Memo<Vec<usize>>,
    summaries: Memo<HashMap<Uuid, OrderSummary>>,
    selected: Memo<Option<Uuid>>,
) -> impl IntoView {
    let state = use_app();
    let scroll_top = RwSignal::new(0i32);
    let viewport = RwSignal::new(600i32);
    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        scroll_top.set(el.scroll_top());
        viewport.set(el.client_height());
    };
    // Back to the top when the result set changes (a new search).
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
        let first = (scroll_top.get() / ROW_HEIGHT - OVERSCAN).max(0);
        let last = ((scroll_top.get() + viewport.get()) / ROW_HEIGHT + OVERSCAN).min(total);
        (first as usize, last.max(first) as usize)
    });
    let zh = move || state.lang.get().is_zh();
    let select = move |id: Uuid| {
        let route = state
            .route
            .get_untracked()
            .with("new", None)
            .with("id", Some(id.to_string()));
        state.replace_route(route);
    };
    let offset = platform::local_offset();
    let rows = move || {
        let (first, last) = range.get();
        let chosen = selected.get();
        let zh = zh();
        matches.with(|m| {
            state.data.with(|d| {
                summaries.with(|sums| {
                    m[first.min(m.len())..last.min(m.len())]
                        .iter()
                        .filter_map(|&i| d.customers.get(i))
                        .map(|c| {
                            let id = c.id;
                            let s = sums.get(&id).copied().unwrap_or_default();
                            let channel = c.channel.as_deref().map(|ch| display(&CHANNELS, ch, zh).to_string());
                            let level = c.member_level.as_deref().map(|l| display(&MEMBER_LEVELS, l, zh).to_string());
                            view! {
                                <div
                                    class="row"
                                    class:row-selected=chosen == Some(id)
                                    role="row"
                                    tabindex="0"
                                    data-testid="customer-row"
                                    data-id=id.to_string()
                                    on:click=move |_| select(id)
                                    on:keydown=move |e| {
                                        if e.key() == "Enter" {
                                            select(id);
                                        }
                                    }
                                >
                                    <span class="cell cell-name" role="cell">{c.name.clone()}</span>
                                    <span class="cell cell-phone" role="cell">{c.phone.as_deref().map(mask_phone)}</span>
                                    <span class="cell cell-city" role="cell">{c.city.clone()}</span>
                                    <span class="cell cell-channel" role="cell">{channel}</span>
                                    <span class="cell cell-level" role="cell">{level}</span>
                                    <span class="cell cell-tags" role="cell">
                                        {c.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}
                                    </span>
                                    <span class="cell cell-owner" role="cell">{c.owner.clone()}</span>
                                    <span class="cell cell-num" role="cell">{s.orders}</span>
                                    <span class="cell cell-num" role="cell">{money(s.total_spent)}</span>
                                    <span class="cell cell-date" role="cell">
                                        {s.last_order.map(|t| t.format_date(offset))}
                                    </span>
                                </div>
                            }
                        })
                        .collect_view()
                })
            })
        })
    };
    let head = move |msg: Msg, class: &'static str| {
        view! { <span class=format!("cell {class}") role="columnheader">{move || state.tr(msg)}</span> }
    };
    view! {
        <div class="table" role="table" aria-rowcount=move || matches.with(|m| m.len()).to_string()>
            <div class="row row-head" role="row">
                {head(Msg::Name, "cell-name")}
                {head(Msg::Phone, "cell-phone")}
                {head(Msg::City, "cell-city")}
                {head(Msg::Channel, "cell-channel")}
                {head(Msg::MemberLevel, "cell-level")}
                {head(Msg::Tags, "cell-tags")}
                {head(Msg::Owner, "cell-owner")}
                {head(Msg::Orders, "cell-num")}
                {head(Msg::TotalSpent, "cell-num")}
                {head(Msg::LastOrder, "cell-date")}
            </div>
            <div class="rows" node_ref=list_ref on:scroll=on_scroll data-testid="customer-list">
                <div
                    class="rows-spacer"
                    style:height=move || format!("{}px", matches.with(|m| m.len()) as i32 * ROW_HEIGHT)
                >
                    <div
                        class="rows-window"
                        style:transform=move || format!("translateY({}px)", range.get().0 as i32 * ROW_HEIGHT)
                    >
                        {rows}
                    </div>
                </div>
                <Show when=move || matches.with(|m| m.is_empty())>
                    <p class="muted no-match">{move || state.tr(Msg::NoMatch)}</p>
                </Show>
            </div>
        </div>
    }
}

fn field_message(e: FieldError) -> Msg {
    match e {
        FieldError::NameRequired => Msg::ErrNameRequired,
        FieldError::Phone => Msg::ErrPhone,
        FieldError::Email => Msg::ErrEmail,
    }
}

/// The edit form and the customer's history. `id: None` is a new customer.
#[component]
fn CustomerDetail(id: Option<Uuid>) -> impl IntoView {
    let state = use_app();
    let existing: Option<Customer> =
        id.and_then(|id| state.data.with_untracked(|d| d.customer(id).cloned()));
    let start = existing
        .clone()
        .unwrap_or_else(|| Customer::new(Uuid::nil(), "", platform::now()));
    let name = RwSignal::new(start.name.clone());
    let phone = RwSignal::new(start.phone.clone().unwrap_or_default());
    let email = RwSignal::new(start.email.clone().unwrap_or_default());
    let city = RwSignal::new(start.city.clone().unwrap_or_default());
    let tags = RwSignal::new(start.tags.join(", "));
    let owner = RwSignal::new(start.owner.clone().unwrap_or_default());
    let error = RwSignal::new(None::<Msg>);
    let missing = id.is_some() && existing.is_none();

    let close = move || {
        let route = state
            .route
            .get_untracked()
            .with("id", None)
            .with("new", None);
        state.replace_route(route);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = (|| -> Result<_, FieldError> {
            Ok((
                validate::name(&name.get_untracked())?,
                validate::phone(&phone.get_untracked())?,
                validate::email(&email.get_untracked())?,
            ))
        })();
        let (valid_name, valid_phone, valid_email) = match checked {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(field_message(e)));
                return;
            }
        };
        error.set(None);
        let now = platform::now();
        let blank = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut customer = id
            .and_then(|id| state.data.with_untracked(|d| d.customer(id).cloned()))
            .unwrap_or_else(|| Customer::new(platform::new_id(), "", now));
        customer.name = valid_name;
        customer.phone = valid_phone;
        customer.email = valid_email;
        customer.city = blank(city.get_untracked());
        customer.tags = validate::tags(&tags.get_untracked());
        customer.owner = blank(owner.get_untracked());
        customer.updated_at = now;
        let new_id = customer.id;
        state.change(&[Section::Customers], move |d| d.upsert_customer(customer));
        if id.is_none() {
            state.toast(ToastKind::Info, state.tr(Msg::CustomerCreated));
            let route = state
                .route
                .get_untracked()
                .with("new", None)
                .with("id", Some(new_id.to_string()));
            state.replace_route(route);
        } else {
            state.toast(ToastKind::Info, state.tr(Msg::Saved));
        }
    };
    let delete = move |_| {
        if let Some(id) = id {
            state.ask(Msg::ConfirmDeleteCustomer, move || {
                state.change(&Section::ALL, |d| {
                    d.delete_customer(id, platform::now());
                });
                state.toast(ToastKind::Info, state.tr(Msg::Deleted));
                let route = state.route.get_untracked().with("id", None);
                state.replace_route(route);
            });
        }
    };

    let input =
        move |label: Msg, testid: &'static str, value: RwSignal<String>, kind: &'static str| {
            view! {
                <label class="field">
                    <span class="field-label">{move || state.tr(label)}</span>
                    <input
                        type=kind
                        data-testid=testid
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
            }
        };

    view! {
        <aside class="detail card" data-testid="customer-detail" aria-label=move || state.tr(Msg::Profile)>
            <div class="detail-head">
                <h2>{move || if id.is_some() { name.get() } else { state.tr(Msg::NewCustomer).to_string() }}</h2>
                <button class="btn btn-ghost" aria-label=move || state.tr(Msg::Close) on:click=move |_| close()>
                    "×"
                </button>
            </div>
            <Show when=move || !missing fallback=move || view! { <p class="muted">{state.tr(Msg::NoMatch)}</p> }>
                <form class="form" on:submit=save novalidate>
                    {input(Msg::Name, "field-name", name, "text")}
                    {input(Msg::Phone, "field-phone", phone, "tel")}
                    {input(Msg::Email, "field-email", email, "email")}
                    {input(Msg::City, "field-city", city, "text")}
                    <label class="field">
                        <span class="field-label">
                            {move || state.tr(Msg::Tags)} " "
                            <span class="muted small">{move || state.tr(Msg::TagsHint)}</span>
                        </span>
                        <input
                            type="text"
                            data-testid="field-tags"
                            prop:value=move || tags.get()
                            on:input=move |ev| tags.set(event_target_value(&ev))
                        />
                    </label>
                    {input(Msg::Owner, "field-owner", owner, "text")}
                    {move || {
                        error
                            .get()
                            .map(|m| view! { <p class="form-error" data-testid="form-error" role="alert">{state.tr(m)}</p> })
                    }}
                    <div class="button-row">
                        <button type="submit" class="btn btn-primary" data-testid="customer-save">
                            {move || state.tr(Msg::Save)}
                        </button>
                        {id.map(|_| view! {
                            <button type="button" class="btn btn-danger" data-testid="customer-delete" on:click=delete>
                                {move || state.tr(Msg::Delete)}
                            </button>
                        })}
                    </div>
                </form>
                {id.map(|id| view! { <CustomerHistory id/> })}
            </Show>
        </aside>
    }
}

/// Orders, activities and recent behaviour of one customer, newest first.
#[component]
fn CustomerHistory(id: Uuid) -> impl IntoView {
    let state = use_app();
    let offset = platform::local_offset();
    let orders = Memo::new(move |_| {
        state.data.with(|d| {
            let mut list: Vec<_> = d
                .orders
                .iter()
                .filter(|o| o.customer_id == id)
                .cloned()
                .collect();
            list.sort_by_key(|o| std::cmp::Reverse(o.ordered_at));
            list
        })
    });
    let activities = Memo::new(move |_| {
        state.data.with(|d| {
            let mut list: Vec<_> = d
                .activities
                .iter()
                .filter(|a| a.customer_id == id)
                .cloned()
                .collect();
            list.sort_by_key(|a| std::cmp::Reverse(a.at));
            list
        })
    });
    let events = Memo::new(move |_| {
        state.data.with(|d| {
            let mut list: Vec<_> = d
                .events
                .iter()
                .filter(|e| e.customer_id == id)
                .cloned()
                .collect();
            list.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
            list.truncate(20);
            list
        })
    });
    let total = move || {
        orders.with(|os| {
            os.iter()
                .filter(|o| o.status == OrderStatus::Paid)
                .map(|o| o.amount_cents)
                .sum::<i64>()
        })
    };
    view! {
        <section class="history" data-testid="customer-orders">
            <h3>
                {move || state.tr(Msg::Orders)}
                <span class="muted small">
                    {move || format!(" · {} · {}", orders.with(|o| o.len()), money(total()))}
                </span>
            </h3>
            <Show when=move || orders.with(|o| !o.is_empty()) fallback=move || view! { <p class="muted">{state.tr(Msg::NoOrders)}</p> }>
                <table class="mini">
                    <thead>
                        <tr>
                            <th>{move || state.tr(Msg::OrderNo)}</th>
                            <th>{move || state.tr(Msg::Time)}</th>
                            <th class="num">{move || state.tr(Msg::Amount)}</th>
                            <th>{move || state.tr(Msg::Status)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || orders.get().into_iter().map(|o| view! {
                            <tr data-testid="order-row">
                                <td>{o.source_order_id.clone()}</td>
                                <td>{o.ordered_at.format_local(offset)}</td>
                                <td class="num">{money(o.amount_cents)}</td>
                                <td>{move || state.tr(if o.status == OrderStatus::Paid { Msg::Paid } else { Msg::Refunded })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
        <section class="history" data-testid="customer-activities">
            <h3>{move || state.tr(Msg::Activities)}</h3>
            <Show when=move || activities.with(|a| !a.is_empty()) fallback=move || view! { <p class="muted">{state.tr(Msg::NoActivities)}</p> }>
                <ul class="timeline">
                    {move || activities.get().into_iter().map(|a| view! {
                        <li data-testid="activity-item">
                            <span class="muted small">{a.at.format_local(offset)} " · " {a.owner.clone()}</span>
                            <span>{a.text.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
        <section class="history">
            <h3>{move || state.tr(Msg::RecentEvents)}</h3>
            <ul class="timeline">
                {move || events.get().into_iter().map(|e| view! {
                    <li>
                        <span class="muted small">{e.occurred_at.format_local(offset)}</span>
                        <span>{e.kind.clone()} {e.props.category.clone().map(|c| format!(" · {c}"))}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
