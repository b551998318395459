//! The pages fetched on their first visit. Each function here is a split point
//! (`wasm_split`): after the build, scripts/bin/wasm-bindgen cuts the code only that page
//! reaches out of the first download into a chunk of its own, which the browser fetches when
//! the page is first opened (and the service worker keeps, like every file of the build).
//! The dashboard and the customer list, where people land, stay in the first download.
//!
//! A chunk that cannot be fetched (offline before the service worker had it, a file missing on
//! the server) gives a message with a retry instead of a page, never a panic: the split points
//! are `fallible`. On native targets the functions are called directly.

use crate::i18n::Msg;
use crate::pages::customers::CustomerDetail;
use crate::pages::{
    CampaignsPage, CohortsPage, FunnelsPage, ImportPage, RecommendationsPage, RequestsPage,
    SegmentComparePage, SegmentsPage, SettingsPage, TeamPage, TodayPage,
};
use crate::prefs::use_prefs;
use crate::route::View;
use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use std::future::Future;
use uuid::Uuid;

/// A split point's chunk could not be fetched (every split point's error: the pages here, sync's
/// loop, the demo generator).
#[derive(Debug)]
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

type Loaded = Result<AnyView, NotLoaded>;

// One chunk per page; what two pages share goes into a chunk both load.
#[wasm_split(kezhi_today, wasm_split_path = ::leptos::wasm_split, fallible)]
fn today() -> Loaded {
    Ok(view! { <TodayPage/> }.into_any())
}
#[wasm_split(kezhi_segments, wasm_split_path = ::leptos::wasm_split, fallible)]
fn segments() -> Loaded {
    Ok(view! { <SegmentsPage/> }.into_any())
}
#[wasm_split(kezhi_segment_compare, wasm_split_path = ::leptos::wasm_split, fallible)]
fn segment_compare() -> Loaded {
    Ok(view! { <SegmentComparePage/> }.into_any())
}
#[wasm_split(kezhi_funnels, wasm_split_path = ::leptos::wasm_split, fallible)]
fn funnels() -> Loaded {
    Ok(view! { <FunnelsPage/> }.into_any())
}
#[wasm_split(kezhi_cohorts, wasm_split_path = ::leptos::wasm_split, fallible)]
fn cohorts() -> Loaded {
    Ok(view! { <CohortsPage/> }.into_any())
}
#[wasm_split(kezhi_import, wasm_split_path = ::leptos::wasm_split, fallible)]
fn import() -> Loaded {
    Ok(view! { <ImportPage/> }.into_any())
}
#[wasm_split(kezhi_settings, wasm_split_path = ::leptos::wasm_split, fallible)]
fn settings() -> Loaded {
    Ok(view! { <SettingsPage/> }.into_any())
}
#[wasm_split(kezhi_requests, wasm_split_path = ::leptos::wasm_split, fallible)]
fn requests() -> Loaded {
    Ok(view! { <RequestsPage/> }.into_any())
}
#[wasm_split(kezhi_team, wasm_split_path = ::leptos::wasm_split, fallible)]
fn team() -> Loaded {
    Ok(view! { <TeamPage/> }.into_any())
}
#[wasm_split(kezhi_recommendations, wasm_split_path = ::leptos::wasm_split, fallible)]
fn recommendations() -> Loaded {
    Ok(view! { <RecommendationsPage/> }.into_any())
}
#[wasm_split(kezhi_campaigns, wasm_split_path = ::leptos::wasm_split, fallible)]
fn campaigns() -> Loaded {
    Ok(view! { <CampaignsPage/> }.into_any())
}

/// The page of a view that is fetched on first visit; `None` for the pages in the first
/// download.
pub fn lazy_page(view: View) -> Option<AnyView> {
    Some(match view {
        View::Dashboard | View::Customers => return None,
        View::Today => page(today),
        View::Segments => page(segments),
        View::SegmentCompare => page(segment_compare),
        View::Funnels => page(funnels),
        View::Cohorts => page(cohorts),
        View::Import => {
            crate::files::warm_up();
            page(import)
        }
        View::Settings => page(settings),
        View::Requests => page(requests),
        View::Team => page(team),
        View::Recommendations => page(recommendations),
        View::Campaigns => page(campaigns),
    })
}

/// A customer's edit form and history, fetched the first time one is opened (`None`: a new
/// customer).
pub fn customer_detail(id: Option<Uuid>) -> AnyView {
    page(move || customer_detail_split(id))
}

#[wasm_split(kezhi_customer, wasm_split_path = ::leptos::wasm_split, fallible)]
fn customer_detail_split(id: Option<Uuid>) -> Loaded {
    Ok(view! { <CustomerDetail id/> }.into_any())
}

/// What `load` gives once its chunk is there: a wait before (the first visit only; later
/// visits find it loaded at once), a message with a retry if it cannot be fetched.
fn page<F, L>(load: L) -> AnyView
where
    L: Fn() -> F + Copy + Send + Sync + 'static,
    F: Future<Output = Loaded> + Send + 'static,
{
    let attempt = RwSignal::new(0u32);
    let prefs = use_prefs();
    view! {
        <Suspense fallback=move || view! {
            <div class="page-wait" aria-busy="true" data-testid="page-loading">
                <span class="muted small">{move || prefs.tr(Msg::PageLoading)}</span>
            </div>
        }>
            {move || {
                attempt.track();
                Suspend::new(async move {
                    match load().await {
                        Ok(page) => page,
                        Err(NotLoaded) => view! {
                            <div class="card" role="alert" data-testid="page-unavailable">
                                <p>{move || prefs.tr(Msg::PageUnavailable)}</p>
                                <button
                                    class="btn"
                                    data-testid="page-retry"
                                    on:click=move |_| attempt.update(|n| *n += 1)
                                >
                                    {move || prefs.tr(Msg::PageRetry)}
                                </button>
                            </div>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}
