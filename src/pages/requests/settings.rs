//! Settings: the request categories a new card offers and each one's service level (hours
//! to resolve). They are part of the team's shared settings (synced, in backups).

use super::names::category_name;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use kezhi_core::desk::requests::DEFAULT_SLA_HOURS;
use leptos::prelude::*;

/// Longest service level accepted: a year.
const MAX_HOURS: u32 = 24 * 366;

#[component]
pub fn SlaCard() -> impl IntoView {
    let prefs = use_prefs();
    let categories = Memo::new(move |_| prefs.analytics.with(|a| a.desk.categories.clone()));
    let new_name = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_string();
        if name.is_empty() || categories.with_untracked(|c| c.contains(&name)) {
            return;
        }
        prefs.set_analytics(move |a| a.desk.categories.push(name));
        new_name.set(String::new());
    };
    view! {
        <div class="card" data-testid="sla-settings">
            <h2>{move || prefs.tr(Msg::SlaSettings)}</h2>
            <table class="mini">
                <thead>
                    <tr>
                        <th>{move || prefs.tr(Msg::RequestCategory)}</th>
                        <th class="num">{move || prefs.tr(Msg::SlaHours)}</th>
                        <th>{move || prefs.tr(Msg::RemoveCategory)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || categories.get().into_iter().map(|c| {
                        let (code, for_hours, for_set, for_remove) = (c.clone(), c.clone(), c.clone(), c.clone());
                        view! {
                            <tr data-testid="sla-row" data-category=c.clone()>
                                <td>{move || category_name(prefs.lang.get(), &code)}</td>
                                <td class="num">
                                    <input
                                        type="number"
                                        min="1"
                                        max=MAX_HOURS
                                        data-testid="sla-hours"
                                        aria-label=move || prefs.tr(Msg::SlaHours)
                                        prop:value=move || prefs.analytics.with(|a| a.desk.sla_hours(&for_hours)).to_string()
                                        on:change=move |ev| {
                                            if let Ok(h) = event_target_value(&ev).trim().parse::<u32>()
                                                && (1..=MAX_HOURS).contains(&h)
                                            {
                                                let c = for_set.clone();
                                                prefs.set_analytics(move |a| {
                                                    a.desk.sla_hours.insert(c, h);
                                                });
                                            }
                                        }
                                    />
                                </td>
                                <td>
                                    <button
                                        class="btn btn-small"
                                        data-testid="category-remove"
                                        on:click=move |_| {
                                            let c = for_remove.clone();
                                            prefs.set_analytics(move |a| a.desk.categories.retain(|x| *x != c));
                                        }
                                    >
                                        {move || prefs.tr(Msg::RemoveCategory)}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline-form" on:submit=add>
                <input
                    type="text"
                    data-testid="category-new"
                    placeholder=move || prefs.tr(Msg::NewCategoryName)
                    prop:value=move || new_name.get()
                    on:input=move |ev| new_name.set(event_target_value(&ev))
                />
                <button type="submit" class="btn btn-small" data-testid="category-add">
                    {move || prefs.tr(Msg::AddCategory)}
                </button>
                <span class="muted small">{format!("{DEFAULT_SLA_HOURS} h")}</span>
            </form>
        </div>
    }
}
