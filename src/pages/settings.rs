use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::{LEGACY_QUOTA, use_store};
use crate::ui::use_ui;
use kezhi_core::demo::DEMO_SIZES;
use kezhi_core::metrics::{
    self, AnalyticsSettings, MAX_TIER_RULES, TierCondition, TierName, TierRule,
};
use kezhi_core::money::{self, thousands};
use kezhi_core::store::backup::Backup;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let sync = crate::sync::use_sync();
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
        <section class="page settings">
            <header class="page-head">
                <h1>{move || prefs.tr(Msg::NavSettings)}</h1>
            </header>
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
                    {DEMO_SIZES[1..]
                        .iter()
                        .map(|&size| {
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

/// Taking a backup of everything, and restoring one after a preview and a confirmation.
#[component]
fn BackupCard() -> impl IntoView {
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
                leptos::task::spawn_local(async move { derived.warm_up().await });
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

/// How a settings field shows a stored value and stores a typed one.
type Conversion = (fn(i64) -> i64, fn(i64) -> i64);
/// R and F cut points: typed as stored (days, orders).
const AS_TYPED: Conversion = (|v| v, |v| v);
/// M cut points: typed in whole yuan, stored in cents.
const IN_WHOLE_YUAN: Conversion = (money::whole_yuan, money::cents_of_whole_yuan);

/// The thresholds of the analytics (docs/analytics.md), applied at once everywhere.
#[component]
fn AnalyticsCard() -> impl IntoView {
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

/// A change to the list of tier rules.
type TierEdit = Box<dyn FnOnce(&mut Vec<TierRule>)>;

/// The value tiers: ordered rules, each with a name in both languages, and the tier of
/// customers who meet none. Every change applies at once.
#[component]
fn TiersCard() -> impl IntoView {
    let prefs = use_prefs();
    let a = prefs.analytics;
    let edit = move |f: TierEdit| prefs.set_analytics(|s| f(&mut s.tiers));
    let rules = move || {
        let count = a.with(|s| s.tiers.len());
        a.with(|s| s.tiers.clone())
            .into_iter()
            .enumerate()
            .map(|(k, rule)| {
                let (value, kind) = match rule.condition {
                    TierCondition::MinSpend(c) => (money::whole_yuan(c), "min_spend"),
                    TierCondition::TopPercent(p) => (i64::from(p), "top_percent"),
                };
                let set_name = move |zh: bool, v: String| {
                    edit(Box::new(move |t| {
                        if let Some(r) = t.get_mut(k) {
                            if zh { r.tier.zh = v } else { r.tier.en = v }
                        }
                    }))
                };
                let set_condition = move |kind: String, value: i64| {
                    edit(Box::new(move |t| {
                        if let Some(r) = t.get_mut(k) {
                            r.condition = if kind == "top_percent" {
                                TierCondition::TopPercent(value.clamp(0, 100) as u32)
                            } else {
                                TierCondition::MinSpend(money::cents_of_whole_yuan(value.max(0)))
                            };
                        }
                    }))
                };
                let kind_now = kind.to_string();
                view! {
                    <div class="tier-rule" data-testid="tier-rule" data-code=rule.tier.code.clone()>
                        <span class="tier-pos">{k + 1}</span>
                        <input
                            type="text"
                            data-testid="tier-name-zh"
                            aria-label=move || prefs.tr(Msg::TierNameZh)
                            placeholder=move || prefs.tr(Msg::TierNameZh)
                            prop:value=rule.tier.zh.clone()
                            on:change=move |ev| set_name(true, event_target_value(&ev))
                        />
                        <input
                            type="text"
                            data-testid="tier-name-en"
                            aria-label=move || prefs.tr(Msg::TierNameEn)
                            placeholder=move || prefs.tr(Msg::TierNameEn)
                            prop:value=rule.tier.en.clone()
                            on:change=move |ev| set_name(false, event_target_value(&ev))
                        />
                        <select
                            data-testid="tier-kind"
                            aria-label=move || prefs.tr(Msg::TierRuleLabel)
                            prop:value=kind
                            on:change=move |ev| set_condition(event_target_value(&ev), value)
                        >
                            <option value="min_spend">{move || prefs.tr(Msg::TierMinSpend)}</option>
                            <option value="top_percent">{move || prefs.tr(Msg::TierTopPercent)}</option>
                        </select>
                        <input
                            type="number"
                            min="0"
                            data-testid="tier-value"
                            aria-label=move || prefs.tr(Msg::TierValue)
                            prop:value=value.to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).trim().parse::<i64>() {
                                    set_condition(kind_now.clone(), v);
                                }
                            }
                        />
                        <button
                            class="btn btn-ghost"
                            data-testid="tier-up"
                            aria-label=move || prefs.tr(Msg::MoveUp)
                            disabled={k == 0}
                            on:click=move |_| edit(Box::new(move |t| t.swap(k, k - 1)))
                        >
                            "↑"
                        </button>
                        <button
                            class="btn btn-ghost"
                            data-testid="tier-down"
                            aria-label=move || prefs.tr(Msg::MoveDown)
                            disabled={k + 1 >= count}
                            on:click=move |_| edit(Box::new(move |t| t.swap(k, k + 1)))
                        >
                            "↓"
                        </button>
                        <button
                            class="btn btn-ghost"
                            data-testid="tier-delete"
                            aria-label=move || prefs.tr(Msg::Delete)
                            on:click=move |_| edit(Box::new(move |t| { t.remove(k); }))
                        >
                            "×"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    let add = move |_| {
        edit(Box::new(|t| {
            if t.len() >= MAX_TIER_RULES {
                return;
            }
            // A code not used yet: codes travel in URLs, names may change.
            let code = (1..)
                .map(|n| format!("t{n}"))
                .find(|c| t.iter().all(|r| &r.tier.code != c))
                .unwrap_or_default();
            let n = t.len() + 1;
            t.push(TierRule {
                tier: TierName::new(&code, &format!("分层 {n}"), &format!("Tier {n}")),
                condition: TierCondition::MinSpend(0),
            });
        }))
    };
    let other = move |zh: bool| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            prefs.set_analytics(|s| {
                if zh {
                    s.other_tier.zh = v
                } else {
                    s.other_tier.en = v
                }
            });
        }
    };
    view! {
        <div class="card" data-testid="tiers">
            <h2>{move || prefs.tr(Msg::ValueTiers)}</h2>
            <p class="muted">{move || prefs.tr(Msg::ValueTiersHint)}</p>
            <div class="tier-rules">{rules}</div>
            <div class="tier-rule tier-other">
                <span class="tier-pos">{move || prefs.tr(Msg::TierOther)}</span>
                <input
                    type="text"
                    data-testid="tier-other-zh"
                    aria-label=move || prefs.tr(Msg::TierNameZh)
                    prop:value=move || a.with(|s| s.other_tier.zh.clone())
                    on:change=other(true)
                />
                <input
                    type="text"
                    data-testid="tier-other-en"
                    aria-label=move || prefs.tr(Msg::TierNameEn)
                    prop:value=move || a.with(|s| s.other_tier.en.clone())
                    on:change=other(false)
                />
            </div>
            <div class="button-row">
                <button
                    class="btn"
                    data-testid="tier-add"
                    disabled=move || a.with(|s| s.tiers.len() >= MAX_TIER_RULES)
                    on:click=add
                >
                    {move || prefs.tr(Msg::TierAdd)}
                </button>
            </div>
        </div>
    }
}
