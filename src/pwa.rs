//! Offline after the first visit: registers the service worker (`sw.js`, which the build's
//! hook `scripts/pwa.mjs` writes from `public/sw.js` with the build's file list) and shows
//! [`UpdateBanner`] when a newer deployed version is installed and waiting. The worker never
//! takes over on its own: the banner's button asks it to, and the page reloads once it has.
//! Where service workers are unavailable (`file://`, an insecure origin) nothing happens.

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// How often an open page asks for a newer version (besides on load and when shown again).
const CHECK_EVERY: Duration = Duration::from_secs(60 * 60);
/// What the worker takes as "take over now" (public/sw.js).
const SKIP_WAITING: &str = "skip-waiting";

thread_local! {
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// Set by the banner's button: the next change of controller reloads the page.
    static RELOAD_ON_CHANGE: Cell<bool> = const { Cell::new(false) };
}

/// The service worker's state the page shows (a context of its own).
#[derive(Clone, Copy)]
pub struct Pwa {
    /// A newer version is installed and waits for this page to let it take over.
    pub update_ready: RwSignal<bool>,
}

impl Default for Pwa {
    fn default() -> Self {
        Self::new()
    }
}

impl Pwa {
    pub fn new() -> Self {
        Pwa {
            update_ready: RwSignal::new(false),
        }
    }

    /// Registers the worker (once per page) and starts looking for updates: now, every
    /// [`CHECK_EVERY`], and whenever the page is shown again. Not in debug builds (`trunk
    /// serve`): there every rebuild would be a new version waiting behind the banner.
    pub fn start(self) {
        if cfg!(debug_assertions) || STARTED.with(|s| s.replace(true)) {
            return;
        }
        let Some(container) = container() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let options = web_sys::RegistrationOptions::new();
            // Relative to the page: the worker serves the directory the app is deployed in.
            options.set_scope("./");
            let Ok(registration) =
                JsFuture::from(container.register_with_options("sw.js", &options)).await
            else {
                return;
            };
            let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
                return;
            };
            self.watch(&container, &registration);
            REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
            check_for_update();
            set_interval(check_for_update, CHECK_EVERY);
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let doc = document.clone();
                let on_visible = Closure::<dyn FnMut()>::new(move || {
                    if !doc.hidden() {
                        check_for_update();
                    }
                });
                let _ = document.add_event_listener_with_callback(
                    "visibilitychange",
                    on_visible.as_ref().unchecked_ref(),
                );
                // The listener lives as long as the page.
                on_visible.forget();
            }
        });
    }

    /// Shows the banner when a new worker is waiting while this page is controlled by the
    /// one before; reloads the page once the new one took over at the user's request.
    fn watch(self, container: &ServiceWorkerContainer, registration: &ServiceWorkerRegistration) {
        let ready = self.update_ready;
        let controlled = {
            let container = container.clone();
            move || container.controller().is_some()
        };
        if registration.waiting().is_some() && controlled() {
            ready.set(true);
        }
        let reg = registration.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(worker) = reg.installing() else {
                return;
            };
            let installing = worker.clone();
            let controlled = controlled.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // Installed and not active: it waits (on a first visit it activates at once).
                if installing.state() == ServiceWorkerState::Installed && controlled() {
                    ready.set(true);
                }
            });
            let _ = worker
                .add_event_listener_with_callback("statechange", on_state.as_ref().unchecked_ref());
            on_state.forget();
        });
        let _ = registration
            .add_event_listener_with_callback("updatefound", on_found.as_ref().unchecked_ref());
        on_found.forget();

        let on_change = Closure::<dyn FnMut()>::new(move || {
            if RELOAD_ON_CHANGE.with(|r| r.replace(false)) {
                platform::reload();
            }
        });
        let _ = container.add_event_listener_with_callback(
            "controllerchange",
            on_change.as_ref().unchecked_ref(),
        );
        on_change.forget();
    }
}

/// The page's service worker container, if this browser and origin have one.
fn container() -> Option<ServiceWorkerContainer> {
    let window = web_sys::window()?;
    // Service workers need a secure http(s) origin: not file:// (the one-file build), not
    // plain HTTP from another machine.
    let protocol = window.location().protocol().unwrap_or_default();
    if !window.is_secure_context() || !matches!(protocol.as_str(), "http:" | "https:") {
        return None;
    }
    // Read as a property: `navigator.serviceWorker` is undefined where unsupported.
    let value =
        js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("serviceWorker")).ok()?;
    value.dyn_into::<ServiceWorkerContainer>().ok()
}

/// Asks the server for a newer `sw.js`; offline or failing, it quietly finds nothing.
fn check_for_update() {
    let update = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|reg| reg.update().ok()));
    if let Some(promise) = update {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

/// Lets the waiting worker take over; the page reloads when it has (`controllerchange`).
fn apply_update() {
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|reg| reg.waiting()));
    let Some(worker) = waiting else {
        platform::reload();
        return;
    };
    RELOAD_ON_CHANGE.with(|r| r.set(true));
    if worker
        .post_message(&JsValue::from_str(SKIP_WAITING))
        .is_err()
    {
        RELOAD_ON_CHANGE.with(|r| r.set(false));
        platform::reload();
        return;
    }
    // Should the worker never take over, the reload still happens.
    set_timeout(
        || {
            if RELOAD_ON_CHANGE.with(|r| r.replace(false)) {
                platform::reload();
            }
        },
        Duration::from_secs(5),
    );
}

/// "A new version is ready — reload", while a newer deployed version waits.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let pwa = expect_context::<Pwa>();
    let prefs = use_prefs();
    view! {
        <Show when=move || pwa.update_ready.get()>
            <section class="banner banner-update" data-testid="update-banner" role="status">
                <p>{move || prefs.tr(Msg::UpdateReady)}</p>
                <div class="banner-actions">
                    <button
                        class="btn btn-primary"
                        data-testid="update-reload"
                        on:click=move |_| apply_update()
                    >
                        {move || prefs.tr(Msg::Reload)}
                    </button>
                </div>
            </section>
        </Show>
    }
}
