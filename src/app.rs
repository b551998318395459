//! The shell: navigation, language switch, status badges, and the page for the route.

use crate::components::{
    BusyOverlay, ConfirmDialog, DamagedBanner, LoadingBar, StorageNoticeBanner, Toasts,
    UnreadableBanner,
};
use crate::derived::Derived;
use crate::i18n::{Lang, Msg};
use crate::pages::today::nav::{TodayNavLink, WhoAmI};
use crate::pages::{CustomersPage, DashboardPage};
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::route::{Route, View};
use crate::store::{Persistence, Store, use_store};
use crate::ui::{Ui, use_ui};
use leptos::ev;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // Four contexts, each with its own accessor (`use_ui`, `use_prefs`, `use_store`,
    // `use_derived`); each part holds copies of the ones it builds on.
    let ui = Ui::new();
    let prefs = Prefs::new(ui);
    let store = Store::new(ui, prefs);
    let derived = Derived::new(store, prefs);
    provide_context(ui);
    let sync = crate::sync::Sync::new(store);
    provide_context(sync);
    provide_context(prefs);
    provide_context(store);
    provide_context(derived);
    let pwa = crate::pwa::Pwa::new();
    provide_context(pwa);
    platform::set_document_lang(prefs.lang.get_untracked().code());
    store.load(derived);

    // The listeners live as long as the page; the app never unmounts.
    let hash = window_event_listener(ev::hashchange, move |_| {
        ui.route.set(Route::parse(&platform::location_hash()));
    });
    // Another tab wrote to localStorage: preferences, or (on the localStorage fallback) data.
    let storage = window_event_listener(ev::storage, move |e: web_sys::StorageEvent| {
        let key = e.key();
        prefs.on_storage_event(key.as_deref());
        store.on_storage_event(key.as_deref());
    });
    // Today's list is the user's day: it moves on at midnight, and when the tab comes back.
    let day = set_interval_with_handle(
        move || {
            let today = platform::today();
            if derived.day.get_untracked() != today {
                derived.day.set(today);
            }
        },
        std::time::Duration::from_secs(60),
    )
    .ok();
    on_cleanup(move || {
        hash.remove();
        storage.remove();
        if let Some(day) = day {
            day.clear();
        }
    });
    // Ready once the stored data is loaded (the first render of it included).
    Effect::new(move |_| {
        if store.ready.get() {
            platform::set_body_attr("data-ready", "true");
            // The service worker (offline use) once the data is on screen: its download of
            // the build's files does not compete with the app's own start.
            pwa.start();
        }
    });

    // Only the view decides which page is mounted: typing in a search box changes the route's
    // parameters and must not re-create the page under the cursor.
    let view = Memo::new(move |_| ui.route.with(|r| r.view));
    view! {
        <div class="app">
            <Header/>
            <crate::pwa::UpdateBanner/>
            <LoadingBar/>
            <StorageNoticeBanner/>
            <UnreadableBanner/>
            <DamagedBanner/>
            <main class="main" id="main">
                // Nothing derived from the data is made before it is loaded (the load makes
                // the analytics in tasks of their own; see `store::storage::start`).
                {move || (!store.ready.get()).then(|| view! { <div class="page-wait" aria-busy="true"></div> })}
                {move || store.ready.get().then(|| {
                    let view = view.get();
                    crate::lazy_pages::lazy_page(view).unwrap_or_else(|| match view {
                        View::Customers => view! { <CustomersPage/> }.into_any(),
                        // The only other view not fetched on first visit.
                        _ => view! { <DashboardPage/> }.into_any(),
                    })
                })}
            </main>
            <Toasts/>
            <ConfirmDialog/>
            <BusyOverlay/>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    // A sub-view (a segment's comparison) marks its parent's link.
    let current = Memo::new(move |_| ui.route.with(|r| r.view.section()));
    let link = move |view: View, msg: Msg| {
        let testid = format!("nav-{}", view.slug());
        view! {
            <a
                href=format!("#/{}", view.slug())
                data-testid=testid
                class="nav-link"
                class:active=move || current.get() == view
                aria-current=move || (current.get() == view).then_some("page")
            >
                {move || prefs.tr(msg)}
            </a>
        }
    };
    let not_saved = move || match store.persistence.get() {
        Persistence::Saved => None,
        Persistence::NotSaved(why) | Persistence::Unreadable(why) => Some(why),
    };
    view! {
        <header class="topbar">
            <a class="brand" href="#/dashboard">
                <span class="brand-mark" aria-hidden="true">"客"</span>
                <span class="brand-name">{move || prefs.tr(Msg::AppName)}</span>
                <span class="brand-tagline">{move || prefs.tr(Msg::Tagline)}</span>
            </a>
            <nav class="nav" aria-label="main">
                {link(View::Dashboard, Msg::NavDashboard)}
                <TodayNavLink current/>
                {link(View::Customers, Msg::NavCustomers)}
                {link(View::Segments, Msg::NavSegments)}
                {link(View::Funnels, Msg::NavFunnels)}
                {link(View::Cohorts, Msg::NavCohorts)}
                {link(View::Requests, Msg::NavRequests)}
                {link(View::Recommendations, Msg::NavRecommendations)}
                {link(View::Campaigns, Msg::NavCampaigns)}
                {link(View::Team, Msg::NavTeam)}
                {link(View::Import, Msg::NavImport)}
                {link(View::Settings, Msg::NavSettings)}
            </nav>
            <div class="topbar-end">
                <crate::pages::sync_settings::SyncStatus />
                <Show when=move || store.writing.get()>
                    <span class="badge" data-testid="saving" role="status">
                        {move || prefs.tr(Msg::SavingProgress)}
                    </span>
                </Show>
                {move || {
                    not_saved()
                        .map(|why| {
                            let title = format!("{} — {why}", prefs.tr(Msg::NotSavedHint));
                            view! {
                                <span class="badge badge-warn" data-testid="not-saved" title=title>
                                    {prefs.tr(Msg::NotSaved)}
                                </span>
                            }
                        })
                }}
                <WhoAmI/>
                <label class="lang">
                    <span class="visually-hidden">{move || prefs.tr(Msg::Language)}</span>
                    <select
                        data-testid="lang-switch"
                        prop:value=move || prefs.lang.get().code()
                        on:change=move |ev| {
                            if let Some(lang) = Lang::from_code(&event_target_value(&ev)) {
                                prefs.set_lang(lang);
                            }
                        }
                    >
                        <option value="zh-CN">"简体中文"</option>
                        <option value="en">"English"</option>
                    </select>
                </label>
            </div>
        </header>
    }
}
