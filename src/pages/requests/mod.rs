//! Request cards (需求卡): the list of all requests with filters (its own page), a customer's
//! cards with the form that opens one, the status actions, the dashboard's figures and the
//! categories' service levels in Settings. The rules are the core's
//! (`kezhi_core::desk::requests`); these pages show what it computes.

mod card;
mod form;
pub mod names;
mod settings;
mod stats;

pub use form::CustomerRequests;
pub use settings::SlaCard;
pub use stats::RequestStatsCard;

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::{PageQuery, Route, View};
use crate::store::use_store;
use crate::ui::use_ui;
use card::RequestCard;
use kezhi_core::desk::requests::{RequestFilter, StatusFilter, filter_requests};
use kezhi_core::model::RequestStatus;
use leptos::prelude::*;
use names::{category_name, status_msg};
use std::collections::BTreeSet;

/// The list's filters in its URL: `status` (`open` by default: open and in progress; `all`,
/// or one status's code), `category`, `owner`, `overdue=1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestsQuery {
    pub status: Option<StatusFilter>,
    pub category: Option<String>,
    pub owner: Option<String>,
    pub overdue: bool,
}

impl Default for RequestsQuery {
    fn default() -> Self {
        RequestsQuery {
            status: Some(StatusFilter::Open),
            category: None,
            owner: None,
            overdue: false,
        }
    }
}

impl PageQuery for RequestsQuery {
    fn from_route(r: &Route) -> Self {
        let status = match r.param("status") {
            None => Some(StatusFilter::Open),
            Some("all") => None,
            Some(code) => RequestStatus::from_code(code)
                .map(StatusFilter::Is)
                .or(Some(StatusFilter::Open)),
        };
        RequestsQuery {
            status,
            category: r.param("category").map(str::to_string),
            owner: r.param("owner").map(str::to_string),
            overdue: r.param("overdue") == Some("1"),
        }
    }

    fn to_route(&self) -> Route {
        let status = match self.status {
            Some(StatusFilter::Open) => None,
            None => Some("all".to_string()),
            Some(StatusFilter::Is(s)) => Some(s.code().to_string()),
        };
        Route::new(View::Requests)
            .with("status", status)
            .with("category", self.category.clone())
            .with("owner", self.owner.clone())
            .with("overdue", self.overdue.then(|| "1".to_string()))
    }
}

/// The status menu's value for a filter.
fn status_value(s: Option<StatusFilter>) -> String {
    match s {
        Some(StatusFilter::Open) => "open_all".into(),
        None => "all".into(),
        Some(StatusFilter::Is(s)) => s.code().into(),
    }
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let query = ui.page_query::<RequestsQuery>();
    let shown = Memo::new(move |_| {
        let q = query.get();
        let now = platform::now();
        store.data.with(|d| {
            let f = RequestFilter {
                status: q.status,
                category: q.category.clone(),
                owner: q.owner.clone(),
                overdue_only: q.overdue,
                customer: None,
            };
            filter_requests(&d.desk.requests, &f, now)
                .into_iter()
                .map(|i| {
                    let r = d.desk.requests[i].clone();
                    let name = d.customer(r.customer_id).map(|c| c.name.clone());
                    (r, name)
                })
                .collect::<Vec<_>>()
        })
    });
    // The menus offer what the requests hold, and the team's categories.
    let choices = Memo::new(move |_| {
        let (mut categories, mut owners) = (BTreeSet::new(), BTreeSet::new());
        store.data.with(|d| {
            for r in &d.desk.requests {
                categories.insert(r.category.clone());
                owners.extend(r.owner.clone());
            }
        });
        prefs
            .analytics
            .with(|a| categories.extend(a.desk.categories.iter().cloned()));
        (categories, owners)
    });
    let set = move |edit: Box<dyn FnOnce(&mut RequestsQuery)>| ui.replace_query(edit);
    view! {
        <section class="page requests">
            <header class="page-head">
                <h1>{move || prefs.tr(Msg::RequestCards)}</h1>
            </header>
            <div class="filters card">
                <select
                    data-testid="requests-filter-status"
                    aria-label=move || prefs.tr(Msg::Status)
                    prop:value=move || status_value(query.get().status)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let status = match v.as_str() {
                            "all" => None,
                            "open_all" => Some(StatusFilter::Open),
                            code => RequestStatus::from_code(code).map(StatusFilter::Is),
                        };
                        set(Box::new(move |q| q.status = status));
                    }
                >
                    <option value="open_all">{move || prefs.tr(Msg::OpenStatuses)}</option>
                    <option value="all">{move || prefs.tr(Msg::AllStatuses)}</option>
                    {RequestStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code()>{move || prefs.tr(status_msg(s))}</option>
                    }).collect_view()}
                </select>
                <select
                    data-testid="requests-filter-category"
                    aria-label=move || prefs.tr(Msg::RequestCategory)
                    prop:value=move || query.get().category.unwrap_or_default()
                    on:change=move |ev| {
                        let v = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                        set(Box::new(move |q| q.category = v));
                    }
                >
                    <option value="">{move || prefs.tr(Msg::AllCategories)}</option>
                    {move || choices.get().0.into_iter().map(|c| {
                        let code = c.clone();
                        view! { <option value=c>{move || category_name(prefs.lang.get(), &code)}</option> }
                    }).collect_view()}
                </select>
                <select
                    data-testid="requests-filter-owner"
                    aria-label=move || prefs.tr(Msg::RequestOwner)
                    prop:value=move || query.get().owner.unwrap_or_default()
                    on:change=move |ev| {
                        let v = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                        set(Box::new(move |q| q.owner = v));
                    }
                >
                    <option value="">{move || prefs.tr(Msg::AllOwners)}</option>
                    {move || choices.get().1.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                </select>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="requests-filter-overdue"
                        prop:checked=move || query.get().overdue
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(Box::new(move |q| q.overdue = on));
                        }
                    />
                    {move || prefs.tr(Msg::OverdueOnly)}
                </label>
                <span class="muted" data-testid="requests-count" data-count=move || shown.with(|s| s.len()).to_string()>
                    {move || shown.with(|s| s.len())}
                </span>
            </div>
            <Show when=move || shown.with(|s| !s.is_empty()) fallback=move || view! { <p class="muted card">{prefs.tr(Msg::NoRequests)}</p> }>
                <ul class="request-list">
                    {move || shown.get().into_iter().map(|(r, name)| view! {
                        <RequestCard request=r customer=Some(name.unwrap_or_default())/>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_round_trip_through_the_url_and_open_is_the_default() {
        let default = RequestsQuery::default();
        assert_eq!(default.to_route().to_hash(), "#/requests");
        assert_eq!(
            RequestsQuery::from_route(&Route::parse("#/requests")),
            default
        );
        let q = RequestsQuery {
            status: None,
            category: Some("complaint".into()),
            owner: Some("王经理".into()),
            overdue: true,
        };
        let hash = q.to_route().to_hash();
        assert_eq!(
            hash,
            "#/requests?category=complaint&overdue=1&owner=%E7%8E%8B%E7%BB%8F%E7%90%86&status=all"
        );
        assert_eq!(RequestsQuery::from_route(&Route::parse(&hash)), q);
        let resolved = RequestsQuery::from_route(&Route::parse("#/requests?status=resolved"));
        assert_eq!(
            resolved.status,
            Some(StatusFilter::Is(RequestStatus::Resolved))
        );
    }
}
