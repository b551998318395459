//! The customer detail panel: the edit form (with validation) and the customer's orders,
//! activities and recent behaviour.

use super::activity::{ActivityForm, kind_msg};
use super::query::CustomersQuery;
use crate::derived::use_derived;
use crate::i18n::Localize;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::customer_edit::{self, CustomerForm, Refusal};
use kezhi_core::model::Stage;
use kezhi_core::money::yuan_display;
use kezhi_core::sorting;
use kezhi_core::store::Section;
use kezhi_core::validate::FieldError;
use kezhi_core::{Customer, OrderStatus};
use leptos::prelude::*;
use uuid::Uuid;

fn field_message(e: FieldError) -> Msg {
    match e {
        FieldError::NameRequired => Msg::ErrNameRequired,
        FieldError::Phone => Msg::ErrPhone,
        FieldError::Email => Msg::ErrEmail,
    }
}

/// The edit form and the customer's history. `id: None` is a new customer.
#[component]
pub fn CustomerDetail(id: Option<Uuid>) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let existing: Option<Customer> =
        id.and_then(|id| store.data.with_untracked(|d| d.customer(id).cloned()));
    let start = existing.as_ref().map(CustomerForm::of).unwrap_or_default();
    let name = RwSignal::new(start.name);
    let phone = RwSignal::new(start.phone);
    let email = RwSignal::new(start.email);
    let city = RwSignal::new(start.city);
    let tags = RwSignal::new(start.tags);
    let owner = RwSignal::new(start.owner);
    // Empty: the stage the rules compute.
    let stage = RwSignal::new(start.stage);
    let error = RwSignal::new(None::<Msg>);
    // Another customer with the same phone or e-mail: (their id, their name). Saving again
    // with the same duplicate shown saves anyway.
    let duplicate = RwSignal::new(None::<(Uuid, String)>);
    let missing = id.is_some() && existing.is_none();

    let close = move || {
        ui.replace_query(|q: &mut CustomersQuery| {
            q.selected = None;
            q.creating = false;
        });
        // The keyboard's focus goes back to the customer's row (drawn again once the panel
        // is gone), or to the list.
        set_timeout(
            move || {
                let row = id.map(|id| format!("[data-testid=\"customer-row\"][data-id=\"{id}\"]"));
                if !row.is_some_and(|r| platform::focus_selector(&r)) {
                    platform::focus_selector("[data-testid=\"customer-new\"]");
                }
            },
            std::time::Duration::ZERO,
        );
    };
    // Opened (by a click, Enter on a row, a link), the panel takes the keyboard's focus: on a
    // phone it covers the list, and with a keyboard the next Tab is in the form.
    let panel = NodeRef::<leptos::html::Aside>::new();
    // A frame later: the panel comes inside a `Suspense` (its code is fetched on first use,
    // crate::lazy_pages), which puts it into the document after this effect has run.
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = CustomerForm {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            city: city.get_untracked(),
            tags: tags.get_untracked(),
            owner: owner.get_untracked(),
            stage: stage.get_untracked(),
        };
        let shown = duplicate.get_untracked().map(|d| d.0);
        let checked = store.data.with_untracked(|d| {
            customer_edit::check(d, id, &form, shown, platform::now(), &mut platform::new_id)
        });
        let edit = match checked {
            Ok(edit) => edit,
            Err(Refusal::Invalid(e)) => {
                error.set(Some(field_message(e)));
                return;
            }
            Err(Refusal::Duplicate { id, name }) => {
                error.set(None);
                duplicate.set(Some((id, name)));
                return;
            }
        };
        error.set(None);
        duplicate.set(None);
        let new_id = edit.customer.id;
        store.change(&[Section::Customers, Section::Activities], move |d| {
            edit.apply_to(d)
        });
        if id.is_none() {
            ui.toast(ToastKind::Info, prefs.tr(Msg::CustomerCreated));
            ui.replace_query(|q: &mut CustomersQuery| {
                q.creating = false;
                q.selected = Some(new_id);
            });
        } else {
            ui.toast(ToastKind::Info, prefs.tr(Msg::Saved));
        }
    };
    let delete = move |_| {
        if let Some(id) = id {
            ui.ask(Msg::ConfirmDeleteCustomer, move || {
                store.change(&Section::ALL, |d| {
                    d.delete_customer(id, platform::now());
                });
                ui.toast(ToastKind::Info, prefs.tr(Msg::Deleted));
                ui.replace_query(|q: &mut CustomersQuery| q.selected = None);
            });
        }
    };

    let input =
        move |label: Msg, testid: &'static str, value: RwSignal<String>, kind: &'static str| {
            view! {
                <label class="field">
                    <span class="field-label">{move || prefs.tr(label)}</span>
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
        <aside
            class="detail card"
            data-testid="customer-detail"
            aria-label=move || prefs.tr(Msg::Profile)
            tabindex="-1"
            node_ref=panel
            on:keydown=move |e| {
                // Escape closes the panel (a dialog's Escape is the dialog's).
                if e.key() == "Escape" && !e.default_prevented() && ui.confirm.with_untracked(Option::is_none) {
                    e.prevent_default();
                    close();
                }
            }
        >
            <div class="detail-head">
                <h2>{move || if id.is_some() { name.get() } else { prefs.tr(Msg::NewCustomer).to_string() }}</h2>
                <button class="btn btn-ghost" data-testid="detail-close" aria-label=move || prefs.tr(Msg::Close) on:click=move |_| close()>
                    "×"
                </button>
            </div>
            <Show when=move || !missing fallback=move || view! { <p class="muted">{prefs.tr(Msg::NoMatch)}</p> }>
                <form class="form" on:submit=save novalidate>
                    {input(Msg::Name, "field-name", name, "text")}
                    {input(Msg::Phone, "field-phone", phone, "tel")}
                    {input(Msg::Email, "field-email", email, "email")}
                    {input(Msg::City, "field-city", city, "text")}
                    <label class="field">
                        <span class="field-label">
                            {move || prefs.tr(Msg::Tags)} " "
                            <span class="muted small">{move || prefs.tr(Msg::TagsHint)}</span>
                        </span>
                        <input
                            type="text"
                            data-testid="field-tags"
                            prop:value=move || tags.get()
                            on:input=move |ev| tags.set(event_target_value(&ev))
                        />
                    </label>
                    {input(Msg::Owner, "field-owner", owner, "text")}
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::ManualStage)}</span>
                        <select
                            data-testid="field-stage"
                            prop:value=move || stage.get()
                            on:change=move |ev| stage.set(event_target_value(&ev))
                        >
                            <option value="">{move || prefs.tr(Msg::StageAutomatic)}</option>
                            {Stage::ALL
                                .iter()
                                .map(|s| {
                                    let s = *s;
                                    view! {
                                        <option value=s.code()>
                                            {move || s.label(prefs.lang.get())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    {move || {
                        duplicate
                            .get()
                            .map(|(other, other_name)| {
                                let open = move |_| {
                                    ui.replace_query(|q: &mut CustomersQuery| {
                                        q.creating = false;
                                        q.selected = Some(other);
                                    });
                                };
                                view! {
                                    <div class="form-warning" data-testid="form-duplicate" role="alert">
                                        <p>
                                            {prefs.tr(Msg::DuplicateOf)} " " <strong>{other_name}</strong>
                                            ". " {prefs.tr(Msg::SaveAgainToKeep)}
                                        </p>
                                        <button type="button" class="btn" data-testid="open-duplicate" on:click=open>
                                            {prefs.tr(Msg::OpenExisting)}
                                        </button>
                                    </div>
                                }
                            })
                    }}
                    {move || {
                        error
                            .get()
                            .map(|m| view! { <p class="form-error" data-testid="form-error" role="alert">{prefs.tr(m)}</p> })
                    }}
                    <div class="button-row">
                        <button type="submit" class="btn btn-primary" data-testid="customer-save">
                            {move || prefs.tr(Msg::Save)}
                        </button>
                        {id.map(|_| view! {
                            <button type="button" class="btn btn-danger" data-testid="customer-delete" on:click=delete>
                                {move || prefs.tr(Msg::Delete)}
                            </button>
                        })}
                    </div>
                </form>
                {id.map(|id| view! { <CustomerAnalysis id/> <CustomerHistory id/> })}
                {id.map(|id| view! { <super::recommendations::CustomerRecommendations id/> })}
            </Show>
        </aside>
    }
}

/// The customer's computed metrics and labels, as the list, segments and exports use them.
#[component]
fn CustomerAnalysis(id: Uuid) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let metrics = Memo::new(move |_| {
        let index = store
            .data
            .with(|d| d.customers.iter().position(|c| c.id == id));
        index.and_then(|i| derived.metrics.with(|a| a.customers.get(i)))
    });
    let item = move |label: Msg, testid: &'static str, value: String| {
        view! {
            <div class="stat" data-testid=testid>
                <dt class="muted small">{move || prefs.tr(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let dash = || "—".to_string();
    view! {
        <section class="analysis">
            <h3>{move || prefs.tr(Msg::Analysis)}</h3>
            {move || {
                let lang = prefs.lang.get();
                metrics.get().map(|m| {
                    let stage = match (m.stage, m.computed_stage) {
                        (Some(s), Some(c)) if s != c => prefs
                            .tr(Msg::StageSetByHand)
                            .replace("{stage}", s.label(lang))
                            .replace("{computed}", c.label(lang)),
                        (Some(s), _) => s.label(lang).to_string(),
                        _ => dash(),
                    };
                    let scores = match (m.r, m.f, m.m) {
                        (Some(r), Some(f), Some(mm)) => format!("R{r} F{f} M{mm}"),
                        _ => dash(),
                    };
                    let group = m.group.map(|g| g.label(lang).to_string()).unwrap_or_else(dash);
                    view! {
                        <dl class="stats">
                            {item(Msg::Lifecycle, "metric-stage", stage)}
                            {item(Msg::Tier, "metric-tier", m.tier.map(|t| derived.metrics.with(|a| a.tier_name(t, lang.is_zh()).to_string())).unwrap_or_else(dash))}
                            {item(Msg::RfmGroupLabel, "metric-group", format!("{group} · {scores}"))}
                            {item(Msg::DaysSinceLastOrder, "metric-recency", m.recency_days.map(|d| d.to_string()).unwrap_or_else(dash))}
                            {item(Msg::UsualGap, "metric-gap", m.median_gap_days.map(|d| d.to_string()).unwrap_or_else(dash))}
                            {item(Msg::Aov, "metric-aov", m.aov.map(yuan_display).unwrap_or_else(dash))}
                            {item(Msg::LtvHistoric, "metric-ltv-historic", yuan_display(m.total_spent))}
                            {item(Msg::LtvPredicted, "metric-ltv", m.ltv.map(yuan_display).unwrap_or_else(dash))}
                        </dl>
                        <p class="muted small">{prefs.tr(Msg::LtvHint)}</p>
                    }
                })
            }}
        </section>
    }
}

/// Orders, activities and recent behaviour of one customer, newest first.
#[component]
fn CustomerHistory(id: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let offset = platform::local_offset();
    // The history follows the data a task after it changes: scanning millions of events for
    // this customer's would otherwise delay the list the edit was made in.
    let changed = RwSignal::new(0u64);
    Effect::new(move |first: Option<()>| {
        store.data.track();
        if first.is_some() {
            set_timeout(
                move || {
                    changed.try_update(|n| *n += 1);
                },
                std::time::Duration::ZERO,
            );
        }
    });
    let orders = Memo::new(move |_| {
        changed.track();
        store.data.with_untracked(|d| {
            let mut list: Vec<_> = d
                .orders
                .iter()
                .filter(|o| o.customer_id == id)
                .cloned()
                .collect();
            sorting::sort_by_key(&mut list, |o| std::cmp::Reverse(o.ordered_at));
            list
        })
    });
    let activities = Memo::new(move |_| {
        changed.track();
        store.data.with_untracked(|d| {
            let mut list: Vec<_> = d
                .activities
                .iter()
                .filter(|a| a.customer_id == id)
                .cloned()
                .collect();
            sorting::sort_by_key(&mut list, |a| std::cmp::Reverse(a.at));
            list
        })
    });
    let events = Memo::new(move |_| {
        changed.track();
        store.data.with_untracked(|d| {
            let mut list = d.events.of_customer(id);
            sorting::sort_by_key(&mut list, |e| std::cmp::Reverse(e.occurred_at));
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
                {move || prefs.tr(Msg::Orders)}
                <span class="muted small">
                    {move || format!(" · {} · {}", orders.with(|o| o.len()), yuan_display(total()))}
                </span>
            </h3>
            <Show when=move || orders.with(|o| !o.is_empty()) fallback=move || view! { <p class="muted">{prefs.tr(Msg::NoOrders)}</p> }>
                <table class="mini">
                    <thead>
                        <tr>
                            <th>{move || prefs.tr(Msg::OrderNo)}</th>
                            <th>{move || prefs.tr(Msg::Time)}</th>
                            <th class="num">{move || prefs.tr(Msg::Amount)}</th>
                            <th>{move || prefs.tr(Msg::Status)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || orders.get().into_iter().map(|o| view! {
                            <tr data-testid="order-row">
                                <td>{o.source_order_id.clone()}</td>
                                <td>{o.ordered_at.format_local(offset)}</td>
                                <td class="num">{yuan_display(o.amount_cents)}</td>
                                <td>{move || prefs.tr(if o.status == OrderStatus::Paid { Msg::Paid } else { Msg::Refunded })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
        <crate::pages::requests::CustomerRequests customer=id/>
        <section class="history" data-testid="customer-activities">
            <h3>{move || prefs.tr(Msg::Activities)}</h3>
            <ActivityForm customer=id/>
            <Show when=move || activities.with(|a| !a.is_empty()) fallback=move || view! { <p class="muted">{prefs.tr(Msg::NoActivities)}</p> }>
                <ul class="timeline">
                    {move || activities.get().into_iter().map(|a| view! {
                        <li data-testid="activity-item" data-kind=a.kind.code().to_string()>
                            <span class="muted small">
                                {a.at.format_local(offset)} " · " {move || prefs.tr(kind_msg(a.kind))}
                                {a.owner.clone().map(|o| format!(" · {o}"))}
                            </span>
                            <span>{a.text.clone()}</span>
                            {a.outcome.clone().map(|o| view! { <span class="small">{move || prefs.tr(Msg::Outcome)} ": " {o.clone()}</span> })}
                            {a.next_follow_up.map(|d| view! {
                                <span class="small follow-up">{move || prefs.tr(Msg::NextFollowUp)} ": " {d.to_string()}</span>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
        <section class="history">
            <h3>{move || prefs.tr(Msg::RecentEvents)}</h3>
            <ul class="timeline">
                {move || events.get().into_iter().map(|e| view! {
                    <li>
                        <span class="muted small">{e.occurred_at.format_local(offset)}</span>
                        <span>{e.kind.as_str()} {e.props.category.map(|c| format!(" · {c}"))}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
