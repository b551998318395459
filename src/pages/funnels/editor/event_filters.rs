//! What a step or an exclusion matches, the same controls for both (`Owner` says which): the
//! event menu, the property filters and the button that adds one.

use super::super::query::step_label;
use crate::i18n::{Lang, Localize, Msg};
use crate::prefs::Prefs;
use kezhi_core::channel::CHANNELS;
use kezhi_core::funnel::{FunnelDefinition, PropField, PropFilter};
use kezhi_core::sym::Sym;
use leptos::prelude::*;

/// What a property filter belongs to: a step or an exclusion (by index).
#[derive(Clone, Copy)]
pub(super) enum Owner {
    Step(usize),
    Exclusion(usize),
}

impl Owner {
    fn filters(self, d: &mut FunnelDefinition) -> Option<&mut Vec<PropFilter>> {
        match self {
            Owner::Step(i) => d.steps.get_mut(i).map(|s| &mut s.filters),
            Owner::Exclusion(x) => d.exclusions.get_mut(x).map(|e| &mut e.filters),
        }
    }

    fn event(self, d: &mut FunnelDefinition) -> Option<&mut Sym> {
        match self {
            Owner::Step(i) => d.steps.get_mut(i).map(|s| &mut s.event),
            Owner::Exclusion(x) => d.exclusions.get_mut(x).map(|e| &mut e.event),
        }
    }

    /// The hooks of its event menu and its "add a filter" button.
    fn hooks(self) -> (&'static str, &'static str) {
        match self {
            Owner::Step(_) => ("funnel-step-event", "funnel-filter-add"),
            Owner::Exclusion(_) => ("funnel-exclusion-event", "funnel-exclusion-filter-add"),
        }
    }

    /// The event menu's accessible name: "step 2", "exclusions 1".
    fn label(self, prefs: Prefs) -> String {
        match self {
            Owner::Step(i) => format!("{} {}", prefs.tr(Msg::FunnelStep), i + 1),
            Owner::Exclusion(x) => format!("{} {}", prefs.tr(Msg::FunnelExclusions), x + 1),
        }
    }
}

/// The event a step or an exclusion matches, as a menu of the data's event kinds.
pub(super) fn event_select(
    prefs: Prefs,
    owner: Owner,
    current: String,
    options: Vec<String>,
    zh: bool,
    edit: impl Fn(&dyn Fn(&mut FunnelDefinition)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <select
            data-testid=owner.hooks().0
            aria-label=move || owner.label(prefs)
            prop:value=current
            on:change=move |ev| {
                let v = event_target_value(&ev);
                edit(&|d| {
                    if let Some(e) = owner.event(d) {
                        *e = Sym::new(&v);
                    }
                });
            }
        >
            {options
                .into_iter()
                .map(|k| {
                    let label = step_label(&k, zh);
                    view! { <option value=k.clone()>{label}</option> }
                })
                .collect_view()}
        </select>
    }
}

/// Adds a property filter (channel, the first one) to a step or an exclusion.
pub(super) fn filter_add(
    prefs: Prefs,
    owner: Owner,
    edit: impl Fn(&dyn Fn(&mut FunnelDefinition)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button
            class="btn btn-ghost btn-small"
            data-testid=owner.hooks().1
            on:click=move |_| {
                edit(&|d| {
                    if let Some(f) = owner.filters(d) {
                        f.push(PropFilter::new(PropField::Channel, CHANNELS[0].0));
                    }
                })
            }
        >
            {move || prefs.tr(Msg::FunnelAddFilter)}
        </button>
    }
}

/// One property filter of a step or an exclusion: the property, the value, and removing it.
pub(super) fn filter_view(
    prefs: Prefs,
    owner: Owner,
    k: usize,
    f: PropFilter,
    edit: impl Fn(&dyn Fn(&mut FunnelDefinition)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let zh = prefs.lang.get_untracked().is_zh();
    let set = move |next: Option<PropFilter>| {
        edit(&|d| {
            if let Some(filters) = owner.filters(d)
                && k < filters.len()
            {
                match next {
                    Some(n) => filters[k] = n,
                    None => {
                        filters.remove(k);
                    }
                }
            }
        })
    };
    view! {
        <span class="funnel-filter" data-testid="funnel-filter">
            <select
                data-testid="funnel-filter-field"
                prop:value=f.field.code()
                on:change=move |ev| {
                    if let Some(field) = PropField::from_code(&event_target_value(&ev)) {
                        set(Some(PropFilter { field, value: f.value }));
                    }
                }
            >
                {PropField::ALL.iter().map(|p| view! { <option value=p.code()>{p.label(Lang::of_zh(zh))}</option> }).collect_view()}
            </select>
            "="
            <input
                type="text"
                class="builder-short"
                data-testid="funnel-filter-value"
                list="funnel-channels"
                prop:value=f.value.as_str()
                on:change=move |ev| {
                    let v = event_target_value(&ev).trim().to_string();
                    if !v.is_empty() {
                        set(Some(PropFilter::new(f.field, &v)));
                    }
                }
            />
            <datalist id="funnel-channels">
                {CHANNELS.iter().map(|(code, _, _)| view! { <option value=*code></option> }).collect_view()}
            </datalist>
            <button class="btn btn-ghost btn-small" data-testid="funnel-filter-remove" aria-label=move || prefs.tr(Msg::Delete) on:click=move |_| set(None)>
                "×"
            </button>
        </span>
    }
}
