//! Today (`#/today`): the account manager's day in one list — the core's
//! `kezhi_core::today::today_list` for whoever uses this browser (`whoami`), grouped by reason
//! in the core's order, most valuable first within each. Each item is done (a contact recorded)
//! or snoozed in place; it leaves the list because the core reads the new activity.

mod actions;
mod item;
pub mod nav;

use crate::derived::use_derived;
use crate::i18n::{Msg, reason_name};
use crate::prefs::use_prefs;
use crate::store::use_store;
use item::{Row, TodayItem};
use kezhi_core::money::thousands;
use kezhi_core::today::Reason;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Items drawn per reason before "show more": everyone's whole day in the 5,000-customer demo
/// (so the count is what is shown), while everyone's overdue follow-ups at 100,000 customers run
/// into the thousands.
const SHOWN_PER_REASON: usize = 1000;

/// Items per reason drawn in one frame: the first frame paints at once, the rest follow a
/// frame at a time, so a long day never holds the page for long.
const DRAWN_PER_FRAME: usize = 100;

#[component]
pub fn TodayPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    // How many items of each reason may be drawn (more after "show more").
    let shown: RwSignal<BTreeMap<Reason, usize>> = RwSignal::new(BTreeMap::new());
    // How far the drawing has come, per reason (grows a frame at a time up to `shown`); back
    // to the first frame's when someone else's day is chosen.
    let drawn = RwSignal::new(DRAWN_PER_FRAME);
    Effect::new(move |_| {
        prefs.whoami.track();
        drawn.set(DRAWN_PER_FRAME);
    });
    let total = Memo::new(move |_| derived.today.with(|items| items.len()));
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    // The reasons on the list and their counts, in the core's order.
    let counts = Memo::new(move |_| {
        derived.today.with(|items| {
            let mut out: Vec<(Reason, usize)> = Vec::new();
            for i in items.iter() {
                match out.last_mut() {
                    Some((r, n)) if *r == i.reason => *n += 1,
                    _ => out.push((i.reason, 1)),
                }
            }
            out
        })
    });
    let reasons =
        Memo::new(move |_| counts.with(|c| c.iter().map(|(r, _)| *r).collect::<Vec<_>>()));
    let limit_of =
        move |reason: Reason| shown.with(|s| s.get(&reason).copied().unwrap_or(SHOWN_PER_REASON));
    // Draws the next frame's items while any reason has more to show than is drawn.
    Effect::new(move |_| {
        let d = drawn.get();
        let more = counts.with(|c| c.iter().any(|&(r, n)| n > d && d < limit_of(r)));
        if more {
            request_animation_frame(move || drawn.update(|n| *n += DRAWN_PER_FRAME));
        }
    });
    // One section per reason, each with its own rows: a frame's new items or a done item
    // change that section's list only (keyed), not the page.
    let group = move |reason: Reason| {
        let count = Memo::new(move |_| {
            counts.with(|c| c.iter().find(|(r, _)| *r == reason).map_or(0, |(_, n)| *n))
        });
        let rows = Memo::new(move |_| {
            let zh = prefs.lang.get().is_zh();
            let limit = limit_of(reason).min(drawn.get());
            derived.metrics.with(|analytics| {
                derived.today.with(|items| {
                    store.data.with(|d| {
                        items
                            .iter()
                            .filter(|i| i.reason == reason)
                            .take(limit)
                            .filter_map(|i| Row::new(d, analytics, i, zh))
                            .collect::<Vec<Row>>()
                    })
                })
            })
        });
        // Offered once the drawing has reached the limit.
        let more = move || {
            let limit = limit_of(reason);
            let n = rows.with(Vec::len);
            if n >= limit {
                count.get().saturating_sub(n)
            } else {
                0
            }
        };
        let heading = move || reason_name(prefs.lang.get(), reason);
        view! {
            <section class="card today-group" data-testid="today-group" data-reason=reason.code()>
                <h2>
                    {heading} " "
                    <span class="muted" data-testid="today-group-count" data-count=move || count.get().to_string()>
                        {move || thousands(count.get() as u64)}
                    </span>
                </h2>
                <ul class="today-list">
                    <For each=move || rows.get() key=Row::key children=|row| view! { <TodayItem row/> }/>
                </ul>
                <Show when=move || { more() > 0 }>
                    <button
                        class="btn today-more"
                        data-testid="today-more"
                        on:click=move |_| {
                            let limit = limit_of(reason);
                            shown.update(|s| {
                                let n = s.entry(reason).or_insert(SHOWN_PER_REASON);
                                *n += SHOWN_PER_REASON;
                            });
                            drawn.update(|d| *d = (*d).max(limit));
                        }
                    >
                        {move || prefs.tr(Msg::ShowMore).replace("{n}", &thousands(more().min(SHOWN_PER_REASON) as u64))}
                    </button>
                </Show>
            </section>
        }
    };
    view! {
        <section class="page today">
            <header class="page-head toolbar">
                <h1>{move || prefs.tr(Msg::TodayTitle)}</h1>
                <span
                    class="count"
                    data-testid="today-count"
                    data-count=move || total.get().to_string()
                >
                    <strong>{move || thousands(total.get() as u64)}</strong>
                    " "
                    {move || prefs.tr(Msg::TodayItems)}
                </span>
                <span class="today-who">
                    <span class="muted">{move || prefs.tr(Msg::WhoAmI)} " "</span>
                    {move || prefs.whoami.get().unwrap_or_else(|| prefs.tr(Msg::Everyone).to_string())}
                </span>
            </header>
            <p class="muted small">{move || prefs.tr(Msg::TodayHint)}</p>
            <Show when=move || !empty.get() fallback=|| view! { <crate::components::EmptyState/> }>
                <Show
                    when=move || { total.get() > 0 }
                    fallback=move || view! { <p class="card muted" data-testid="today-empty">{move || prefs.tr(Msg::TodayEmpty)}</p> }
                >
                    <For each=move || reasons.get() key=|r| *r children=group/>
                </Show>
            </Show>
        </section>
    }
}
