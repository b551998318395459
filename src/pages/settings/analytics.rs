//! The analytics' thresholds (docs/analytics.md): the reference date, the lifecycle's days and
//! orders, the RFM cut points (M typed in whole yuan), applied at once everywhere.

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use kezhi_core::metrics::{self, AnalyticsSettings};
use kezhi_core::money;
use leptos::prelude::*;

/// How a settings field shows a stored value and stores a typed one.
type Conversion = (fn(i64) -> i64, fn(i64) -> i64);
/// R and F cut points: typed as stored (days, orders).
const AS_TYPED: Conversion = (|v| v, |v| v);
/// M cut points: typed in whole yuan, stored in cents.
const IN_WHOLE_YUAN: Conversion = (money::whole_yuan, money::cents_of_whole_yuan);

/// The thresholds of the analytics (docs/analytics.md), applied at once everywhere.
#[component]
pub fn AnalyticsCard() -> impl IntoView {
    let prefs = use_prefs();
    let a = prefs.analytics;
    // A number field that writes a valid value into the settings and ignores anything else.
    let number = move |label: Msg,
                       testid: &'static str,
                       get: fn(&AnalyticsSettings) -> i64,
                       set: fn(&mut AnalyticsSettings, i64),
                       min: i64,
                       max: i64| {
        view! {
            <label class="field">
                <span class="field-label">{move || prefs.tr(label)}</span>
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
                            prefs.set_analytics(|s| set(s, v));
                        }
                    }
                />
            </label>
        }
    };
    // Cut points of one RFM metric: four ascending numbers, or empty for quintiles.
    // `to_shown` and `to_stored` turn what is stored into what is typed and back (cents and
    // whole yuan for M).
    let cuts = move |label: Msg,
                     testid: &'static str,
                     get: fn(&AnalyticsSettings) -> Option<[i64; 4]>,
                     set: fn(&mut AnalyticsSettings, Option<[i64; 4]>),
                     (to_shown, to_stored): Conversion| {
        let invalid = RwSignal::new(false);
        let shown = move || {
            a.with(get)
                .map(|c| {
                    c.iter()
                        .map(|&v| to_shown(v).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        view! {
            <label class="field">
                <span class="field-label">{move || prefs.tr(label)}</span>
                <input
                    type="text"
                    inputmode="numeric"
                    data-testid=testid
                    placeholder=move || prefs.tr(Msg::CutsPlaceholder)
                    prop:value=shown
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        if text.trim().is_empty() {
                            invalid.set(false);
                            prefs.set_analytics(|s| set(s, None));
                        } else if let Some(c) = metrics::parse_cuts(&text) {
                            invalid.set(false);
                            prefs.set_analytics(|s| set(s, Some(c.map(to_stored))));
                        } else {
                            invalid.set(true);
                        }
                    }
                />
                <Show when=move || invalid.get()>
                    <span class="form-error small" data-testid=format!("{testid}-error")>
                        {move || prefs.tr(Msg::CutsInvalid)}
                    </span>
                </Show>
            </label>
        }
    };
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::AnalyticsSettingsTitle)}</h2>
            <p class="muted">{move || prefs.tr(Msg::AnalyticsSettingsHint)}</p>
            <div class="settings-grid">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::ReferenceDate)}</span>
                    <input
                        type="date"
                        data-testid="analytics-reference"
                        prop:value=move || a.with(|s| s.reference.map(|d| d.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
                            prefs.set_analytics(|s| s.reference = date);
                        }
                    />
                </label>
                {number(Msg::NewDays, "analytics-new-days", |s| s.new_days, |s, v| s.new_days = v, 1, 3650)}
                {number(Msg::MatureOrders, "analytics-mature-orders", |s| i64::from(s.mature_orders), |s, v| s.mature_orders = v as u32, 2, 1000)}
                {number(Msg::AtRiskDays, "analytics-at-risk-days", |s| s.at_risk_days, |s, v| s.at_risk_days = v, 1, 3650)}
                {number(Msg::ChurnDays, "analytics-churn-days", |s| s.churn_days, |s, v| s.churn_days = v, 1, 3650)}
                {number(Msg::RfmHigh, "analytics-rfm-high", |s| i64::from(s.rfm_high), |s, v| s.rfm_high = v as u8, 1, 5)}
                {number(Msg::LtvYears, "analytics-ltv-years", |s| i64::from(s.ltv_years), |s, v| s.ltv_years = v as u32, 0, 50)}
                {cuts(Msg::RCuts, "analytics-r-cuts", |s| s.r_cuts, |s, c| s.r_cuts = c, AS_TYPED)}
                {cuts(Msg::FCuts, "analytics-f-cuts", |s| s.f_cuts, |s, c| s.f_cuts = c, AS_TYPED)}
                {cuts(Msg::MCuts, "analytics-m-cuts", |s| s.m_cuts, |s, c| s.m_cuts = c, IN_WHOLE_YUAN)}
            </div>
            <div class="button-row">
                <button class="btn" data-testid="analytics-defaults" on:click=move |_| prefs.set_analytics(|s| *s = AnalyticsSettings::default())>
                    {move || prefs.tr(Msg::RestoreDefaults)}
                </button>
            </div>
        </div>
    }
}
