//! Pieces shared by the pages: toasts, the confirmation dialog, the busy overlay, the
//! storage banners (unreadable data, damaged records, notices, loading progress) and the
//! empty state.

mod chart;

pub use chart::{BarChart, ChartData, Series, Unit};

use crate::i18n::Msg;
use crate::state::{Persistence, ToastKind, use_app};
use crate::storage::Notice;
use leptos::prelude::*;

#[component]
pub fn Toasts() -> impl IntoView {
    let state = use_app();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || state.toasts.get() key=|t| t.id let:toast>
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
                                    on:click=move |_| state.run_undo(toast.id)
                                >
                                    {move || state.tr(Msg::Undo)}
                                </button>
                            }
                        })}
                    <button
                        class="toast-close"
                        aria-label=move || state.tr(Msg::Dismiss)
                        on:click=move |_| state.dismiss_toast(toast.id)
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
    let state = use_app();
    let close = move || state.confirm.set(None);
    view! {
        {move || {
            state
                .confirm
                .get()
                .map(|c| {
                    let yes = c.on_yes;
                    view! {
                        <div class="modal-backdrop" on:click=move |_| close()>
                            <div
                                class="modal"
                                role="alertdialog"
                                aria-modal="true"
                                on:click=|e| e.stop_propagation()
                                on:keydown=move |e| {
                                    if e.key() == "Escape" {
                                        close();
                                    }
                                }
                            >
                                <p class="modal-text">{state.tr(c.message)}</p>
                                <div class="modal-actions">
                                    <button
                                        class="btn"
                                        data-testid="confirm-no"
                                        autofocus
                                        on:click=move |_| close()
                                    >
                                        {state.tr(Msg::No)}
                                    </button>
                                    <button
                                        class="btn btn-danger"
                                        data-testid="confirm-yes"
                                        on:click=move |_| {
                                            close();
                                            yes.run(());
                                        }
                                    >
                                        {state.tr(Msg::Yes)}
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
    let state = use_app();
    view! {
        {move || {
            state
                .busy
                .get()
                .map(|msg| {
                    view! {
                        <div class="busy" data-testid="busy" role="status" aria-live="assertive">
                            <div class="spinner" aria-hidden="true"></div>
                            <span>{state.tr(msg)}</span>
                        </div>
                    }
                })
        }}
    }
}

#[component]
pub fn UnreadableBanner() -> impl IntoView {
    let state = use_app();
    view! {
        {move || match state.persistence.get() {
            Persistence::Unreadable(why) => {
                Some(
                    view! {
                        <section class="banner banner-error" data-testid="unreadable" role="alert">
                            <div>
                                <strong>{state.tr(Msg::UnreadableTitle)}</strong>
                                <p>{state.tr(Msg::UnreadableBody)}</p>
                                <p class="muted small">{why}</p>
                            </div>
                            <div class="banner-actions">
                                <button
                                    class="btn btn-primary"
                                    data-testid="download-raw"
                                    on:click=move |_| state.download_raw()
                                >
                                    {state.tr(Msg::DownloadRaw)}
                                </button>
                                <button
                                    class="btn btn-danger"
                                    data-testid="start-fresh"
                                    on:click=move |_| state.ask(Msg::ConfirmStartFresh, move || state.reset())
                                >
                                    {state.tr(Msg::StartFresh)}
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
    let state = use_app();
    let progress = move || state.loading.get().or_else(|| state.saving.get());
    view! {
        {move || {
            progress()
                .map(|(done, total)| {
                    let share = if total == 0 { 0.0 } else { done as f64 / total as f64 };
                    let label = if state.loading.get().is_some() {
                        state.tr(Msg::Loading)
                    } else {
                        state.tr(Msg::SavingProgress)
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
                                            crate::platform::group(done as u64),
                                            crate::platform::group(total as u64),
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
    let state = use_app();
    view! {
        {move || {
            state
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
                                <p>{state.tr(msg)}</p>
                                {detail.map(|d| view! { <p class="muted small">{d}</p> })}
                            </div>
                            {reload
                                .then(|| {
                                    view! {
                                        <div class="banner-actions">
                                            <button class="btn btn-primary" on:click=move |_| crate::platform::reload()>
                                                {state.tr(Msg::Reload)}
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
    let state = use_app();
    view! {
        {move || {
            let damaged = state.damaged.get();
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
                                <strong>{state.tr(Msg::DamagedTitle)}</strong>
                                <p>{state.tr(Msg::DamagedBody)}</p>
                                <p class="muted small">{list}</p>
                            </div>
                            <div class="banner-actions">
                                <button
                                    class="btn btn-primary"
                                    data-testid="download-damaged"
                                    on:click=move |_| state.download_raw()
                                >
                                    {state.tr(Msg::DamagedDownload)}
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
    let state = use_app();
    view! {
        <section class="empty" data-testid="empty-state">
            <div class="empty-mark" aria-hidden="true">"客"</div>
            <h2>{move || state.tr(Msg::EmptyTitle)}</h2>
            <p>{move || state.tr(Msg::EmptyBody)}</p>
            <button
                class="btn btn-primary btn-lg"
                data-testid="load-demo"
                on:click=move |_| state.offer_demo(kezhi_core::demo::DEMO_SIZES[0])
            >
                {move || state.tr(Msg::LoadDemo)}
            </button>
        </section>
    }
}

/// The text box of a name to save something under (a segment, a funnel), labelled by
/// `label` for screen readers and as its placeholder.
#[component]
pub fn NameInput(value: RwSignal<String>, testid: &'static str, label: Msg) -> impl IntoView {
    let state = use_app();
    view! {
        <input
            type="text"
            data-testid=testid
            placeholder=move || state.tr(label)
            aria-label=move || state.tr(label)
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}
