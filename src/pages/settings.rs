use crate::i18n::Msg;
use crate::platform::group;
use crate::state::{QUOTA, use_app};
use kezhi_core::demo::DEMO_SIZES;
use kezhi_core::metrics::{self, AnalyticsSettings};
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
            <AnalyticsCard/>
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

/// The thresholds of the analytics (docs/analytics.md), applied at once everywhere.
#[component]
fn AnalyticsCard() -> impl IntoView {
    let state = use_app();
    let a = state.analytics;
    // A number field that writes a valid value into the settings and ignores anything else.
    let number = move |label: Msg,
                       testid: &'static str,
                       get: fn(&AnalyticsSettings) -> i64,
                       set: fn(&mut AnalyticsSettings, i64),
                       min: i64,
                       max: i64| {
        view! {
            <label class="field">
                <span class="field-label">{move || state.tr(label)}</span>
                <input
                    type="number"
                    min=min
                    max=max
                    data-testid=testid
                    prop:value=move || a.with(get).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<i64>()
                            && (min..=max).contains(&v)
                        {
                            state.set_analytics(|s| set(s, v));
                        }
                    }
                />
            </label>
        }
    };
    // Cut points of one RFM metric: four ascending numbers, or empty for quintiles. `scale`
    // turns what is typed into what is stored (yuan → cents for M).
    let cuts = move |label: Msg,
                     testid: &'static str,
                     get: fn(&AnalyticsSettings) -> Option<[i64; 4]>,
                     set: fn(&mut AnalyticsSettings, Option<[i64; 4]>),
                     scale: i64| {
        let invalid = RwSignal::new(false);
        let shown = move || {
            a.with(get)
                .map(|c| {
                    c.iter()
                        .map(|v| (v / scale).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        view! {
            <label class="field">
                <span class="field-label">{move || state.tr(label)}</span>
                <input
                    type="text"
                    inputmode="numeric"
                    data-testid=testid
                    placeholder=move || state.tr(Msg::CutsPlaceholder)
                    prop:value=shown
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        if text.trim().is_empty() {
                            invalid.set(false);
                            state.set_analytics(|s| set(s, None));
                        } else if let Some(c) = metrics::parse_cuts(&text) {
                            invalid.set(false);
                            state.set_analytics(|s| set(s, Some(c.map(|v| v.saturating_mul(scale)))));
                        } else {
                            invalid.set(true);
                        }
                    }
                />
                <Show when=move || invalid.get()>
                    <span class="form-error small" data-testid=format!("{testid}-error")>
                        {move || state.tr(Msg::CutsInvalid)}
                    </span>
                </Show>
            </label>
        }
    };
    view! {
        <div class="card">
            <h2>{move || state.tr(Msg::AnalyticsSettingsTitle)}</h2>
            <p class="muted">{move || state.tr(Msg::AnalyticsSettingsHint)}</p>
            <div class="settings-grid">
                <label class="field">
                    <span class="field-label">{move || state.tr(Msg::ReferenceDate)}</span>
                    <input
                        type="date"
                        data-testid="analytics-reference"
                        prop:value=move || a.with(|s| s.reference.map(|d| d.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
                            state.set_analytics(|s| s.reference = date);
                        }
                    />
                </label>
                {number(Msg::NewDays, "analytics-new-days", |s| s.new_days, |s, v| s.new_days = v, 1, 3650)}
                {number(Msg::MatureOrders, "analytics-mature-orders", |s| i64::from(s.mature_orders), |s, v| s.mature_orders = v as u32, 2, 1000)}
                {number(Msg::AtRiskDays, "analytics-at-risk-days", |s| s.at_risk_days, |s, v| s.at_risk_days = v, 1, 3650)}
                {number(Msg::ChurnDays, "analytics-churn-days", |s| s.churn_days, |s, v| s.churn_days = v, 1, 3650)}
                {number(Msg::RfmHigh, "analytics-rfm-high", |s| i64::from(s.rfm_high), |s, v| s.rfm_high = v as u8, 1, 5)}
                {number(Msg::PremiumYuan, "analytics-premium", |s| s.premium_cents / 100, |s, v| s.premium_cents = v * 100, 0, 100_000_000)}
                {number(Msg::KeyPercent, "analytics-key-percent", |s| i64::from(s.key_percent), |s, v| s.key_percent = v as u32, 0, 100)}
                {number(Msg::LtvYears, "analytics-ltv-years", |s| i64::from(s.ltv_years), |s, v| s.ltv_years = v as u32, 0, 50)}
                {cuts(Msg::RCuts, "analytics-r-cuts", |s| s.r_cuts, |s, c| s.r_cuts = c, 1)}
                {cuts(Msg::FCuts, "analytics-f-cuts", |s| s.f_cuts, |s, c| s.f_cuts = c, 1)}
                {cuts(Msg::MCuts, "analytics-m-cuts", |s| s.m_cuts, |s, c| s.m_cuts = c, 100)}
            </div>
            <div class="button-row">
                <button class="btn" data-testid="analytics-defaults" on:click=move |_| state.set_analytics(|s| *s = AnalyticsSettings::default())>
                    {move || state.tr(Msg::RestoreDefaults)}
                </button>
            </div>
        </div>
    }
}
