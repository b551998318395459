//! The value tiers (`tiers`): ordered rules (a minimum spend or a top percentage), each named
//! in both languages, moved, added and deleted, and the tier of customers who meet none.

use crate::i18n::Msg;
use crate::prefs::use_prefs;
use kezhi_core::metrics::{MAX_TIER_RULES, TierCondition, TierName, TierRule};
use kezhi_core::money;
use leptos::prelude::*;

/// A change to the list of tier rules.
type TierEdit = Box<dyn FnOnce(&mut Vec<TierRule>)>;

/// The value tiers: ordered rules, each with a name in both languages, and the tier of
/// customers who meet none. Every change applies at once.
#[component]
pub fn TiersCard() -> impl IntoView {
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
