//! Settings (`#/settings`): one card per concern — storage, sync, demo data, backup and
//! restore, the analytics' thresholds and cut points, the value tiers, the requests' service
//! levels, and deleting everything. The larger cards are modules of their own: storage,
//! backup, analytics, tiers (sync_settings.rs and requests/ hold theirs).

mod analytics;
mod backup;
mod storage;
mod tiers;

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::use_ui;
use analytics::AnalyticsCard;
use backup::BackupCard;
use kezhi_core::demo::DEMO_SIZES;
use kezhi_core::money::thousands;
use leptos::prelude::*;
use storage::StorageCard;
use tiers::TiersCard;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let sync = crate::sync::use_sync();
    // The larger demos' buttons; the benchmark build adds 500,000 (tests/bench/scale.mjs),
    // which the build users download never offers.
    let larger = DEMO_SIZES[1..].iter().copied();
    #[cfg(feature = "bench")]
    let larger = larger.chain([crate::bench_hooks::SCALE_DEMO]);
    view! {
        <section class="page settings">
            <header class="page-head">
                <h1>{move || prefs.tr(Msg::NavSettings)}</h1>
            </header>
            <StorageCard/>
            <crate::pages::sync_settings::SyncSettings />
            <div class="card">
                <h2>{move || prefs.tr(Msg::DemoData)}</h2>
                <p class="muted">{move || prefs.tr(Msg::DemoSizeHint)}</p>
                <div class="button-row">
                    <button
                        class="btn btn-primary"
                        data-testid="load-demo"
                        on:click=move |_| store.offer_demo(DEMO_SIZES[0])
                    >
                        {move || prefs.tr(Msg::LoadDemo)}
                        {format!(" · {}", thousands(DEMO_SIZES[0] as u64))}
                    </button>
                    {larger
                        .map(|size| {
                            view! {
                                <button
                                    class="btn"
                                    data-testid=format!("load-demo-{size}")
                                    on:click=move |_| store.offer_demo(size)
                                >
                                    {thousands(size as u64)}
                                    " "
                                    {move || prefs.tr(Msg::DemoLarge)}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
            <BackupCard/>
            <AnalyticsCard/>
            <TiersCard/>
            <crate::pages::requests::SlaCard/>
            <div class="card danger-zone">
                <h2>{move || prefs.tr(Msg::ResetData)}</h2>
                <button
                    class="btn btn-danger"
                    data-testid="reset-data"
                    on:click=move |_| {
                        ui.ask(
                            Msg::ConfirmReset,
                            move || {
                                if sync.is_set_up() {
                                    // The team's copy is the team's: deleting it is asked apart,
                                    // and "no" (the default) keeps it, to come back next sync.
                                    ui.ask_either(
                                        Msg::ConfirmResetServer,
                                        move || sync.reset_with_server(),
                                        move || store.reset_then(move || sync.forget_local()),
                                    );
                                } else {
                                    store.reset();
                                }
                            },
                        )
                    }
                >
                    {move || prefs.tr(Msg::ResetData)}
                </button>
            </div>
        </section>
    }
}
