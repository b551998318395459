//! How much the data takes of the space the browser gives (`storage-usage`, a warning past
//! 80%), and asking the browser to keep it (`storage-persist`).

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::{LEGACY_QUOTA, use_store};
use leptos::prelude::*;

#[component]
pub fn StorageCard() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    // Bytes of kezhi's stored data, as the store counts them after every write.
    let bytes = store.stored_bytes;
    // What the browser says of the whole origin: (usage, quota).
    let estimate = RwSignal::new(None::<(f64, f64)>);
    Effect::new(move |_| {
        bytes.track();
        leptos::task::spawn_local(async move {
            estimate.set(kezhi_storage_web::storage_estimate().await);
        });
    });
    Effect::new(move |_| {
        if store.persisted.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                if let Some(true) = kezhi_storage_web::persisted().await {
                    store.persisted.set(Some(true));
                }
            });
        }
    });
    // The share of the space available to kezhi: localStorage's 5 MB on the fallback, the
    // browser's quota for the site otherwise.
    let capacity = move || {
        if store.on_records() {
            estimate.get().map(|(_, quota)| quota)
        } else {
            Some(LEGACY_QUOTA as f64)
        }
    };
    let share = move || capacity().map_or(0.0, |c| bytes.get() as f64 / c.max(1.0));
    let mb = |b: f64| format!("{:.1} MB", b / 1_048_576.0);
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::Storage)}</h2>
            <p class="muted">
                {move || {
                    if store.on_records() {
                        prefs.tr(Msg::StorageRecordsHint)
                    } else {
                        prefs.tr(Msg::StorageLegacyHint)
                    }
                }}
            </p>
            <div
                class="usage"
                data-testid="storage-usage"
                data-bytes=move || bytes.get().to_string()
            >
                <div
                    class="meter"
                    role="meter"
                    aria-label=move || prefs.tr(Msg::Storage)
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || format!("{:.0}", share() * 100.0)
                >
                    <div
                        class=move || {
                            if share() > 0.8 { "meter-fill meter-warn" } else { "meter-fill" }
                        }
                        style:width=move || format!("{:.1}%", (share() * 100.0).min(100.0))
                    ></div>
                </div>
                <p>
                    {move || prefs.tr(Msg::StorageUsed)} " "
                    <strong>{move || mb(bytes.get() as f64)}</strong>
                    {move || {
                        capacity()
                            .map(|c| format!(" / {} ({:.1}%)", mb(c), share() * 100.0))
                    }}
                </p>
                {move || {
                    estimate
                        .get()
                        .map(|(usage, quota)| {
                            view! {
                                <p class="muted small" data-testid="storage-quota" data-quota=format!("{quota:.0}")>
                                    {prefs.tr(Msg::StorageQuotaLine)} ": " {mb(usage)} " / " {mb(quota)}
                                </p>
                            }
                        })
                }}
            </div>
            <Show when=move || { share() > 0.8 }>
                <p class="warn" data-testid="storage-warning" role="alert">
                    {move || prefs.tr(Msg::StorageWarn)}
                </p>
            </Show>
            <div class="persist">
                <button
                    class="btn"
                    data-testid="storage-persist"
                    data-persisted=move || (store.persisted.get() == Some(true)).to_string()
                    title=move || prefs.tr(Msg::PersistHint)
                    on:click=move |_| store.request_persist()
                >
                    {move || prefs.tr(Msg::PersistKeep)}
                </button>
                <span class="muted small" data-testid="storage-persist-answer">
                    {move || match store.persisted.get() {
                        Some(true) => prefs.tr(Msg::PersistGranted),
                        Some(false) => prefs.tr(Msg::PersistDenied),
                        None => prefs.tr(Msg::PersistUnknown),
                    }}
                </span>
            </div>
        </div>
    }
}
