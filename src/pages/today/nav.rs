//! What the shell shows of the account manager's day on every view: who uses this browser
//! (`whoami`) and the Today link with its count per reason.

use crate::derived::use_derived;
use crate::i18n::{Msg, reason_name};
use crate::prefs::use_prefs;
use crate::route::View;
use crate::store::use_store;
use kezhi_core::today::{Reason, counts, managers};
use leptos::prelude::*;

/// The `whoami` menu: every account manager (the customers' owners, by name) and "everyone".
/// The choice is remembered in this browser.
#[component]
pub fn WhoAmI() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let names = Memo::new(move |_| {
        let mut names: Vec<String> = store
            .data
            .with(|d| managers(d).iter().map(|s| s.as_str().to_string()).collect());
        // A remembered name nobody owns any more (data replaced) stays chosen, not silently
        // swapped for "everyone".
        if let Some(me) = prefs.whoami.get()
            && !names.contains(&me)
        {
            names.push(me);
        }
        names
    });
    view! {
        <label class="lang whoami">
            <span class="visually-hidden">{move || prefs.tr(Msg::WhoAmI)}</span>
            <select
                data-testid="whoami"
                title=move || prefs.tr(Msg::WhoAmI)
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    prefs.set_whoami(Some(v));
                }
            >
                // Each option says whether it is the one chosen: the options change with the
                // data (they arrive after the first render), and a value set on the menu before
                // its option exists is lost.
                <option value="" prop:selected=move || prefs.whoami.with(Option::is_none)>
                    {move || prefs.tr(Msg::Everyone)}
                </option>
                {move || {
                    names
                        .get()
                        .into_iter()
                        .map(|n| {
                            let chosen = n.clone();
                            view! {
                                <option
                                    value=n.clone()
                                    prop:selected=move || prefs.whoami.with(|w| w.as_deref() == Some(chosen.as_str()))
                                >
                                    {n.clone()}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// The navigation's Today link: its name, then a badge per reason with items (the reason named
/// for screen readers and on hover).
#[component]
pub fn TodayNavLink(current: Memo<View>) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    // Settings and Import make nothing from the analytics (they wait for the first view that
    // does: see `store::storage::load::warm_up`); the counts wait with them.
    let counted = Memo::new(move |_| {
        store.ready.get() && !matches!(current.get(), View::Settings | View::Import)
    });
    let badges = move || {
        if !counted.get() {
            return None;
        }
        let n = derived.today.with(|items| counts(items));
        let lang = prefs.lang.get();
        Some(
            Reason::ALL
                .iter()
                .filter(|&&r| n[r as usize] > 0)
                .map(|&r| {
                    let name = reason_name(lang, r);
                    view! {
                        <span
                            class=format!("nav-badge reason-{}", r.code())
                            data-reason=r.code()
                            data-count=n[r as usize].to_string()
                            title=name
                        >
                            <span class="visually-hidden">{name} " "</span>
                            {n[r as usize].to_string()}
                        </span>
                    }
                })
                .collect_view(),
        )
    };
    let view = View::Today;
    view! {
        <a
            href=format!("#/{}", view.slug())
            data-testid="nav-today"
            class="nav-link"
            class:active=move || current.get() == view
            aria-current=move || (current.get() == view).then_some("page")
        >
            {move || prefs.tr(Msg::NavToday)}
            {badges}
        </a>
    }
}
