use crate::i18n::Msg;
use crate::platform::group;
use crate::state::{QUOTA, use_app};
use kezhi_core::demo::DEMO_SIZES;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_app();
    let share = Memo::new(move |_| state.usage.get() as f64 / QUOTA as f64);
    view! {
        <section class="page settings">
            <header class="page-head">
                <h1>{move || state.tr(Msg::NavSettings)}</h1>
            </header>
            <div class="card">
                <h2>{move || state.tr(Msg::Storage)}</h2>
                <div
                    class="usage"
                    data-testid="storage-usage"
                    data-bytes=move || state.usage.get().to_string()
                >
                    <div
                        class="meter"
                        role="meter"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=move || format!("{:.0}", share.get() * 100.0)
                    >
                        <div
                            class=move || {
                                if share.get() > 0.8 { "meter-fill meter-warn" } else { "meter-fill" }
                            }
                            style:width=move || format!("{:.1}%", (share.get() * 100.0).min(100.0))
                        ></div>
                    </div>
                    <p>
                        {move || state.tr(Msg::StorageUsed)} " "
                        <strong>{move || format!("{} KB", group((state.usage.get() / 1024) as u64))}</strong>
                        {move || format!(" / {} KB ({:.1}%)", group((QUOTA / 1024) as u64), share.get() * 100.0)}
                    </p>
                </div>
                <Show when=move || { share.get() > 0.8 }>
                    <p class="warn" data-testid="storage-warning" role="alert">
                        {move || state.tr(Msg::StorageWarn)}
                    </p>
                </Show>
            </div>
            <div class="card">
                <h2>{move || state.tr(Msg::DemoData)}</h2>
                <p class="muted">{move || state.tr(Msg::DemoSizeHint)}</p>
                <div class="button-row">
                    <button
                        class="btn btn-primary"
                        data-testid="load-demo"
                        on:click=move |_| state.offer_demo(DEMO_SIZES[0])
                    >
                        {move || state.tr(Msg::LoadDemo)}
                        {format!(" · {}", group(DEMO_SIZES[0] as u64))}
                    </button>
                    {DEMO_SIZES[1..]
                        .iter()
                        .map(|&size| {
                            view! {
                                <button
                                    class="btn"
                                    data-testid=format!("load-demo-{size}")
                                    on:click=move |_| state.offer_demo(size)
                                >
                                    {group(size as u64)}
                                    " "
                                    {move || state.tr(Msg::DemoLarge)}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
            <div class="card danger-zone">
                <h2>{move || state.tr(Msg::ResetData)}</h2>
                <button
                    class="btn btn-danger"
                    data-testid="reset-data"
                    on:click=move |_| state.ask(Msg::ConfirmReset, move || state.reset())
                >
                    {move || state.tr(Msg::ResetData)}
                </button>
            </div>
        </section>
    }
}
