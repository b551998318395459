//! Pieces shared by the pages: toasts, the confirmation dialog, the busy overlay, the
//! storage banners (unreadable data, damaged records, notices, loading progress) and the
//! empty state.

mod chart;

pub use chart::{BarChart, ChartData, Series, Unit};

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::{Notice, Persistence, use_store};
use crate::ui::{ToastKind, use_ui};
use kezhi_core::money::thousands;
use leptos::prelude::*;

#[component]
pub fn Toasts() -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || ui.toasts.get() key=|t| t.id let:toast>
                <div
                    class="toast"
                    class:toast-error=toast.kind == ToastKind::Error
                    data-testid="toast"
                >
                    <span>{toast.text.clone()}</span>
                    {toast
                        .undoable
                        .then(|| {
                            view! {
                                <button
                                    class="toast-undo"
                                    data-testid="undo"
                                    on:click=move |_| ui.run_undo(toast.id, prefs.tr(Msg::Undone))
                                >
                                    {move || prefs.tr(Msg::Undo)}
                                </button>
                            }
                        })}
                    <button
                        class="toast-close"
                        aria-label=move || prefs.tr(Msg::Dismiss)
                        on:click=move |_| ui.dismiss_toast(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    // The element that had the focus when the dialog opened gets it back when it closes.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let close = move || {
        ui.confirm.set(None);
        if let Some(el) = opener.get_value()
            && el.is_connected()
        {
            let _ = el.focus();
        }
        opener.set_value(None);
    };
    view! {
        {move || {
            ui
                .confirm
                .get()
                .map(|c| {
                    let question = match c.count {
                        Some(n) => prefs.tr(c.message).replace("{n}", &thousands(n as u64)),
                        None => prefs.tr(c.message).to_string(),
                    };
                    let yes = c.on_yes.clone();
                    let no = c.on_no.clone();
                    if opener.get_value().is_none() {
                        opener.set_value(crate::platform::active_element());
                    }
                    // The safe answer has the focus; Tab and Shift+Tab stay in the dialog.
                    let no_button = NodeRef::<leptos::html::Button>::new();
                    let yes_button = NodeRef::<leptos::html::Button>::new();
                    Effect::new(move |_| {
                        if let Some(b) = no_button.get() {
                            let _ = b.focus();
                        }
                    });
                    let trap = move |e: leptos::ev::KeyboardEvent| {
                        match e.key().as_str() {
                            "Escape" => {
                                e.prevent_default();
                                close();
                            }
                            "Tab" => {
                                let (Some(first), Some(last)) = (no_button.get(), yes_button.get())
                                else {
                                    return;
                                };
                                let active = crate::platform::active_element();
                                let at = |b: &web_sys::HtmlButtonElement| {
                                    active.as_ref().is_some_and(|a| {
                                        let b: &web_sys::HtmlElement = b;
                                        a == b
                                    })
                                };
                                if e.shift_key() && at(&first) {
                                    e.prevent_default();
                                    let _ = last.focus();
                                } else if !e.shift_key() && at(&last) {
                                    e.prevent_default();
                                    let _ = first.focus();
                                }
                            }
                            _ => {}
                        }
                    };
                    view! {
                        <div class="modal-backdrop" on:click=move |_| close()>
                            <div
                                class="modal"
                                role="alertdialog"
                                aria-modal="true"
                                aria-labelledby="confirm-text"
                                data-testid="confirm-dialog"
                                on:click=|e| e.stop_propagation()
                                on:keydown=trap
                            >
                                <p class="modal-text" id="confirm-text">{question}</p>
                                <div class="modal-actions">
                                    <button
                                        class="btn"
                                        data-testid="confirm-no"
                                        node_ref=no_button
                                        on:click=move |_| {
                                            close();
                                            if let Some(no) = &no {
                                                no();
                                            }
                                        }
                                    >
                                        {prefs.tr(Msg::No)}
                                    </button>
                                    <button
                                        class="btn btn-danger"
                                        data-testid="confirm-yes"
                                        node_ref=yes_button
                                        on:click=move |_| {
                                            close();
                                            yes();
                                        }
                                    >
                                        {prefs.tr(Msg::Yes)}
                                    </button>
                                </div>
                            </div>
                        </div>
                    }
                })
        }}
    }
}

#[component]
pub fn BusyOverlay() -> impl IntoView {
    let prefs = use_prefs();
    let ui = use_ui();
    view! {
        {move || {
            ui
                .busy
                .get()
                .map(|msg| {
                    view! {
                        <div class="busy" data-testid="busy" role="status" aria-live="assertive">
                            <div class="spinner" aria-hidden="true"></div>
                            <span>{prefs.tr(msg)}</span>
                            {move || {
                                ui.busy_progress
                                    .get()
                                    .filter(|(_, total)| *total > 0)
                                    .map(|(done, total)| {
                                        let share = done.min(total) as f64 / total as f64;
                                        view! {
                                            <span
                                                class="busy-progress"
                                                data-testid="busy-progress"
                                                data-done=done.to_string()
                                                data-total=total.to_string()
                                            >
                                                {format!("{:.0} %", share * 100.0)}
                                            </span>
                                        }
                                    })
                            }}
                        </div>
                    }
                })
        }}
    }
}

#[component]
pub fn UnreadableBanner() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    view! {
        {move || match store.persistence.get() {
            Persistence::Unreadable(why) => {
                Some(
                    view! {
                        <section class="banner banner-error" data-testid="unreadable" role="alert">
                            <div>
                                <strong>{prefs.tr(Msg::UnreadableTitle)}</strong>
                                <p>{prefs.tr(Msg::UnreadableBody)}</p>
                                <p class="muted small">{why}</p>
                            </div>
                            <div class="banner-actions">
                                <button
                                    class="btn btn-primary"
                                    data-testid="download-raw"
                                    on:click=move |_| store.download_raw()
                                >
                                    {prefs.tr(Msg::DownloadRaw)}
                                </button>
                                <button
                                    class="btn btn-danger"
                                    data-testid="start-fresh"
                                    on:click=move |_| ui.ask(Msg::ConfirmStartFresh, move || store.reset())
                                >
                                    {prefs.tr(Msg::StartFresh)}
                                </button>
                            </div>
                        </section>
                    },
                )
            }
            _ => None,
        }}
    }
}

/// The start-up load's progress (and a large write's), as a bar under the header.
#[component]
pub fn LoadingBar() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let progress = move || store.loading.get().or_else(|| store.saving.get());
    view! {
        {move || {
            progress()
                .map(|(done, total)| {
                    let share = if total == 0 { 0.0 } else { done as f64 / total as f64 };
                    let label = if store.loading.get().is_some() {
                        prefs.tr(Msg::Loading)
                    } else {
                        prefs.tr(Msg::SavingProgress)
                    };
                    view! {
                        <div
                            class="loading-bar"
                            data-testid="storage-progress"
                            data-done=done.to_string()
                            data-total=total.to_string()
                            role="progressbar"
                            aria-valuemin="0"
                            aria-valuemax=total.to_string()
                            aria-valuenow=done.to_string()
                        >
                            <div class="loading-fill" style:width=format!("{:.1}%", share * 100.0)></div>
                            <span class="loading-label">
                                {label} " "
                                {(total > 0)
                                    .then(|| {
                                        format!(
                                            "{} / {}",
                                            thousands(done as u64),
                                            thousands(total as u64),
                                        )
                                    })}
                            </span>
                        </div>
                    }
                })
        }}
    }
}

/// Why the data is not kept in IndexedDB, or what the storage waits for.
#[component]
pub fn StorageNoticeBanner() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    view! {
        {move || {
            store
                .notice
                .get()
                .map(|notice| {
                    let (msg, detail, reload) = match notice {
                        Notice::Unavailable(why) => (Msg::NoticeUnavailable, Some(why), false),
                        Notice::MigrationFailed(why) => {
                            (Msg::NoticeMigrationFailed, Some(why), false)
                        }
                        Notice::Blocked => (Msg::NoticeBlocked, None, false),
                        Notice::VersionChanged => (Msg::NoticeVersionChanged, None, true),
                        Notice::Newer => (Msg::NoticeNewer, None, false),
                    };
                    view! {
                        <section class="banner banner-warn" data-testid="storage-notice" role="status">
                            <div>
                                <p>{prefs.tr(msg)}</p>
                                {detail.map(|d| view! { <p class="muted small">{d}</p> })}
                            </div>
                            {reload
                                .then(|| {
                                    view! {
                                        <div class="banner-actions">
                                            <button class="btn btn-primary" on:click=move |_| crate::platform::reload()>
                                                {prefs.tr(Msg::Reload)}
                                            </button>
                                        </div>
                                    }
                                })}
                        </section>
                    }
                })
        }}
    }
}

/// Records that could not be read: named, offered for download, never overwritten.
#[component]
pub fn DamagedBanner() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    view! {
        {move || {
            let damaged = store.damaged.get();
            (!damaged.is_empty())
                .then(|| {
                    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
                    for d in damaged.iter() {
                        match kinds.iter_mut().find(|(k, _)| *k == d.kind.name()) {
                            Some((_, n)) => *n += 1,
                            None => kinds.push((d.kind.name(), 1)),
                        }
                    }
                    let list = kinds
                        .iter()
                        .map(|(k, n)| format!("{k}: {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! {
                        <section
                            class="banner banner-error"
                            data-testid="damaged-records"
                            data-count=damaged.len().to_string()
                            role="alert"
                        >
                            <div>
                                <strong>{prefs.tr(Msg::DamagedTitle)}</strong>
                                <p>{prefs.tr(Msg::DamagedBody)}</p>
                                <p class="muted small">{list}</p>
                            </div>
                            <div class="banner-actions">
                                <button
                                    class="btn btn-primary"
                                    data-testid="download-damaged"
                                    on:click=move |_| store.download_raw()
                                >
                                    {prefs.tr(Msg::DamagedDownload)}
                                </button>
                            </div>
                        </section>
                    }
                })
        }}
    }
}

/// Shown where there is no data yet: one click to the demo.
#[component]
pub fn EmptyState() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    view! {
        <section class="empty" data-testid="empty-state">
            <div class="empty-mark" aria-hidden="true">"客"</div>
            <h2>{move || prefs.tr(Msg::EmptyTitle)}</h2>
            <p>{move || prefs.tr(Msg::EmptyBody)}</p>
            <button
                class="btn btn-primary btn-lg"
                data-testid="load-demo"
                on:click=move |_| store.offer_demo(kezhi_core::demo::DEMO_SIZES[0])
            >
                {move || prefs.tr(Msg::LoadDemo)}
            </button>
        </section>
    }
}

/// The text box of a name to save something under (a segment, a funnel), labelled by
/// `label` for screen readers and as its placeholder.
#[component]
pub fn NameInput(value: RwSignal<String>, testid: &'static str, label: Msg) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <input
            type="text"
            class="name-input"
            data-testid=testid
            placeholder=move || prefs.tr(label)
            aria-label=move || prefs.tr(label)
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}
