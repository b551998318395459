//! The backup card: a backup of everything downloaded (`backup-download`), and a chosen one
//! read, previewed with its counts and restored after a confirmation (`backup-restore`).

use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::money::thousands;
use kezhi_core::store::backup::Backup;
use leptos::prelude::*;
use std::sync::Arc;

/// Taking a backup of everything, and restoring one after a preview and a confirmation.
#[component]
pub fn BackupCard() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let sync = crate::sync::use_sync();
    let derived = crate::derived::use_derived();
    // The backup read from the chosen file (or why it cannot be used), until restored.
    let chosen = RwSignal::new(None::<Result<Arc<Backup>, String>>);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = platform::picked_file(&ev) else {
            return;
        };
        let zh = prefs.lang.get_untracked().is_zh();
        leptos::task::spawn_local(async move {
            let read = store.read_backup_file(file, zh).await;
            chosen.set(Some(read.map(Arc::new)));
        });
    };
    let restore = move |_| {
        if !chosen.with_untracked(|c| matches!(c, Some(Ok(_)))) {
            return;
        }
        ui.ask(Msg::ConfirmRestore, move || {
            // Taken out of the preview rather than copied: a copy of 2.55 M events was a
            // task of ~0.3 s.
            let Some(Some(Ok(backup))) = chosen.try_update(Option::take) else {
                return;
            };
            let backup = Arc::try_unwrap(backup).unwrap_or_else(|b| (*b).clone());
            // With sync on, the restored records are compared with the server's afresh (the
            // device forgets what it knew of it): each is decided by the rule, so the newer
            // version wins on every device and the older one is listed, and what the backup
            // has that the server lacks goes up. A restore deletes nothing on the server.
            store.restore_backup(backup, move || {
                if sync.is_set_up() {
                    sync.forget_local();
                }
                leptos::task::spawn_local(async move { derived.warm_up(true).await });
            });
        });
    };
    let preview = move || {
        chosen.get().map(|read| match read {
            Err(e) => view! { <p class="form-error" data-testid="backup-error" role="alert">{e}</p> }.into_any(),
            Ok(b) => {
                let c = b.counts();
                let when = b.created_at.format_local(platform::local_offset());
                view! {
                    <div
                        class="backup-preview"
                        data-testid="backup-preview"
                        data-customers=c.customers.to_string()
                        data-orders=c.orders.to_string()
                        data-events=c.events.to_string()
                        data-activities=c.activities.to_string()
                    >
                        <p>
                            {move || prefs.tr(Msg::BackupTaken)} " " <strong>{when.clone()}</strong>
                        </p>
                        <p>
                            {thousands(c.customers as u64)} " " {move || prefs.tr(Msg::Customers)} " · "
                            {thousands(c.orders as u64)} " " {move || prefs.tr(Msg::Orders)} " · "
                            {thousands(c.events as u64)} " " {move || prefs.tr(Msg::Events)} " · "
                            {thousands(c.activities as u64)} " " {move || prefs.tr(Msg::Activities)} " · "
                            {b.settings.len()} " " {move || prefs.tr(Msg::BackupSettingsCount)}
                        </p>
                        <div class="button-row">
                            <button class="btn btn-danger" data-testid="backup-restore" on:click=restore>
                                {move || prefs.tr(Msg::BackupRestore)}
                            </button>
                            <button class="btn" on:click=move |_| chosen.set(None)>
                                {move || prefs.tr(Msg::Close)}
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::Backup)}</h2>
            <p class="muted">{move || prefs.tr(Msg::BackupHint)}</p>
            <div class="button-row">
                <button class="btn" data-testid="backup-download" on:click=move |_| store.download_backup()>
                    {move || prefs.tr(Msg::BackupDownload)}
                </button>
                <label class="btn">
                    {move || prefs.tr(Msg::BackupChoose)}
                    <input
                        type="file"
                        class="visually-hidden"
                        data-testid="backup-file"
                        accept=".json,application/json"
                        on:change=on_file
                    />
                </label>
            </div>
            {preview}
        </div>
    }
}
