//! The funnel definition editor: steps (an event type each, with optional property filters,
//! and whether the step itself is optional), exclusions, the conversion window, the order
//! mode, the dates of step 1, the customers counted, the breakdown and the period of
//! conversion over time.
//!
//! Here: the editor's form; event_filters: a step's or an exclusion's event menu and property
//! filters, which both kinds of row share.

mod event_filters;

use super::query::{By, FunnelQuery, Kind, day_start, step_label};
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::use_prefs;
use crate::store::{Store, use_store};
use crate::ui::use_ui;
use event_filters::{Owner, event_select, filter_add, filter_view};
use kezhi_core::funnel::{
    Exclusion, FunnelDefinition, MAX_EXCLUSIONS, MAX_STEPS, MIN_STEPS, OrderMode, Period, Step,
    Window, WindowUnit,
};
use kezhi_core::model::event_type;
use kezhi_core::segment::complete::event_kinds;
use kezhi_core::time::{MS_PER_DAY, Timestamp};
use leptos::prelude::*;

/// The ends of a range given only on one side: far outside any data.
const OPEN_FROM: Timestamp = Timestamp(-(1 << 50));
const OPEN_TO: Timestamp = Timestamp(1 << 50);

#[component]
pub fn Editor(
    query: Memo<FunnelQuery>,
    draft: RwSignal<FunnelDefinition>,
    set_draft: Callback<FunnelDefinition>,
) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    // Event types in the data, the most frequent first: counted from the events alone, not
    // through the segments' whole vocabulary (its passes over every customer and order were
    // ~40 ms of the page's first task at 100,000 customers).
    let kinds = Memo::new(move |_| store.data.with(|d| event_kinds(&d.events)));
    let edit = move |f: &dyn Fn(&mut FunnelDefinition)| {
        let mut d = draft.get_untracked();
        f(&mut d);
        set_draft.run(d);
    };
    // A change of the settings clears a drill-down (it was into the old results).
    let set = move |edit: fn(&mut FunnelQuery, String), value: String| {
        ui.replace_query(|q: &mut FunnelQuery| {
            edit(q, value);
            q.drill = None;
        });
    };
    let repurchase = move || query.with(|q| q.kind == Kind::Repurchase);

    let steps = move || {
        let d = draft.get();
        let n = d.steps.len();
        let zh = prefs.lang.get().is_zh();
        d.steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let current = step.event.as_str().to_string();
                let mut options = kinds.get();
                if !options.contains(&current) {
                    options.insert(0, current.clone());
                }
                let filters = step
                    .filters
                    .iter()
                    .enumerate()
                    .map(|(k, f)| filter_view(prefs, Owner::Step(i), k, *f, edit))
                    .collect_view();
                // The first and the last step are always required (the core refuses
                // otherwise); strict order has no optional steps.
                let middle = i > 0 && i + 1 < n;
                let strict = d.mode == OrderMode::Strict;
                let optional = step.optional;
                view! {
                    <li class="funnel-step" data-testid="funnel-step">
                        <span class="funnel-step-no">{i + 1}</span>
                        {event_select(prefs, Owner::Step(i), current, options, zh, edit)}
                        {filters}
                        {filter_add(prefs, Owner::Step(i), edit)}
                        {middle.then(|| view! {
                            <label
                                class="funnel-optional"
                                title=move || prefs.tr(if strict { Msg::FunnelOptionalStrictHint } else { Msg::FunnelOptionalHint })
                            >
                                <input
                                    type="checkbox"
                                    data-testid="funnel-step-optional"
                                    prop:checked=optional
                                    disabled=strict && !optional
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        edit(&|d| {
                                            if let Some(s) = d.steps.get_mut(i) {
                                                s.optional = on;
                                            }
                                        });
                                    }
                                />
                                {move || prefs.tr(Msg::FunnelOptional)}
                            </label>
                        })}
                        <button
                            class="btn btn-ghost btn-small"
                            data-testid="funnel-step-remove"
                            title=move || prefs.tr(Msg::Delete)
                            aria-label=move || prefs.tr(Msg::Delete)
                            disabled=n <= MIN_STEPS
                            on:click=move |_| edit(&|d| {
                                if d.steps.len() > MIN_STEPS {
                                    d.remove_step(i);
                                }
                            })
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let exclusions = move || {
        let d = draft.get();
        let zh = prefs.lang.get().is_zh();
        let n = d.steps.len();
        // Only required steps can bound an exclusion.
        let ends: Vec<(usize, String)> = (0..n)
            .filter(|&i| !d.steps[i].optional)
            .map(|i| {
                (
                    i,
                    format!("{} {}", i + 1, step_label(d.steps[i].event.as_str(), zh)),
                )
            })
            .collect();
        d.exclusions
            .iter()
            .enumerate()
            .map(|(x, ex)| {
                let current = ex.event.as_str().to_string();
                let mut options = kinds.get();
                if !options.contains(&current) {
                    options.insert(0, current.clone());
                }
                let filters = ex
                    .filters
                    .iter()
                    .enumerate()
                    .map(|(k, f)| filter_view(prefs, Owner::Exclusion(x), k, *f, edit))
                    .collect_view();
                let ends = ends.clone();
                let end_select = move |testid: &'static str, last: bool, value: usize| {
                    let ends = ends.clone();
                    view! {
                        <select
                            data-testid=testid
                            aria-label=move || prefs.tr(if last { Msg::FunnelExclusionAnd } else { Msg::FunnelExclusionBetween })
                            prop:value=value.to_string()
                            on:change=move |ev| {
                                let v = event_target_value(&ev).parse::<usize>().unwrap_or(0);
                                edit(&|d| {
                                    if let Some(e) = d.exclusions.get_mut(x) {
                                        if last { e.to = v } else { e.from = v }
                                    }
                                });
                            }
                        >
                            {ends.into_iter().map(|(i, label)| view! { <option value=i.to_string()>{label}</option> }).collect_view()}
                        </select>
                    }
                };
                view! {
                    <li class="funnel-exclusion" data-testid="funnel-exclusion" data-from=(ex.from + 1).to_string() data-to=(ex.to + 1).to_string()>
                        {event_select(prefs, Owner::Exclusion(x), current, options, zh, edit)}
                        {filters}
                        {filter_add(prefs, Owner::Exclusion(x), edit)}
                        <span class="muted small">{move || prefs.tr(Msg::FunnelExclusionBetween)}</span>
                        {end_select("funnel-exclusion-from", false, ex.from)}
                        <span class="muted small">{move || prefs.tr(Msg::FunnelExclusionAnd)}</span>
                        {end_select("funnel-exclusion-to", true, ex.to)}
                        <button
                            class="btn btn-ghost btn-small"
                            data-testid="funnel-exclusion-remove"
                            title=move || prefs.tr(Msg::Delete)
                            aria-label=move || prefs.tr(Msg::Delete)
                            on:click=move |_| edit(&|d| {
                                if x < d.exclusions.len() {
                                    d.exclusions.remove(x);
                                }
                            })
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let add_exclusion = move |_| {
        let options = kinds.get_untracked();
        edit(&|d| {
            if d.exclusions.len() >= MAX_EXCLUSIONS {
                return;
            }
            // An event type that is not a step (what one usually excludes), between the first
            // and the last step.
            let event = options
                .iter()
                .find(|k| d.steps.iter().all(|s| s.event.as_str() != k.as_str()))
                .or(options.first())
                .cloned()
                .unwrap_or_else(|| event_type::VISIT.to_string());
            let last = d.steps.len().saturating_sub(1);
            d.exclusions.push(Exclusion::new(&event, 0, last));
        })
    };
    let add_step = move |_| {
        edit(&|d| {
            if d.steps.len() >= MAX_STEPS {
                return;
            }
            // The purchase path's next step after the last one, else the last one again.
            let last = d.steps.last().map(|s| s.event.as_str()).unwrap_or("");
            let next = event_type::FUNNEL
                .iter()
                .position(|e| *e == last)
                .and_then(|p| event_type::FUNNEL.get(p + 1))
                .copied()
                .unwrap_or(if last.is_empty() {
                    event_type::VISIT
                } else {
                    last
                });
            d.steps.push(Step::new(next));
        })
    };
    let window_value = move || draft.with(|d| d.window.value.to_string());
    let window_unit = move || draft.with(|d| unit_code(d.window.unit));
    let range_day = move |end: bool| {
        draft.with(|d| {
            d.range
                .map(|(from, to)| match end {
                    true if to == OPEN_TO => String::new(),
                    false if from == OPEN_FROM => String::new(),
                    true => to
                        .plus_millis(-MS_PER_DAY)
                        .format_date(platform::local_offset()),
                    false => from.format_date(platform::local_offset()),
                })
                .unwrap_or_default()
        })
    };
    let set_range = move |end: bool, text: String| {
        let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        edit(&|d| {
            let (mut from, mut to) = d.range.map_or((None, None), |(f, t)| (Some(f), Some(t)));
            let day = date.and_then(|x| {
                if end {
                    x.succ_opt().and_then(day_start)
                } else {
                    day_start(x)
                }
            });
            if end {
                to = day;
            } else {
                from = day;
            }
            // An open end is the far past or future: the range needs both.
            d.range = match (from, to) {
                (None, None) => None,
                (f, t) => Some((f.unwrap_or(OPEN_FROM), t.unwrap_or(OPEN_TO))),
            };
        });
    };
    let error = move || {
        draft
            .with(|d| d.validate().err())
            .map(|e| crate::i18n::funnel_error(prefs.lang.get(), &e))
    };

    view! {
        <div class="card funnel-editor">
            <Show when=move || !repurchase()>
                <h2>{move || prefs.tr(Msg::FunnelSteps)}</h2>
                <ol class="funnel-steps">{steps}</ol>
                <button
                    class="btn"
                    data-testid="funnel-step-add"
                    disabled=move || draft.with(|d| d.steps.len() >= MAX_STEPS)
                    on:click=add_step
                >
                    {move || prefs.tr(Msg::FunnelAddStep)}
                </button>
                <h3 title=move || prefs.tr(Msg::FunnelExclusionsHint)>{move || prefs.tr(Msg::FunnelExclusions)}</h3>
                <p class="muted small">{move || prefs.tr(Msg::FunnelExclusionsHint)}</p>
                <ul class="funnel-exclusions">{exclusions}</ul>
                <button
                    class="btn"
                    data-testid="funnel-exclusion-add"
                    disabled=move || draft.with(|d| d.exclusions.len() >= MAX_EXCLUSIONS)
                    on:click=add_exclusion
                >
                    {move || prefs.tr(Msg::FunnelExclusionAdd)}
                </button>
            </Show>
            <div class="funnel-settings">
                <Show
                    when=move || !repurchase()
                    fallback=move || view! {
                        <label class="field">
                            <span class="field-label">{move || prefs.tr(Msg::RepurchaseDays)}</span>
                            <input
                                type="number"
                                min="1"
                                data-testid="funnel-repurchase-days"
                                prop:value=move || query.with(|q| q.repurchase_days.to_string())
                                on:change=move |ev| set(|q, v| q.repurchase_days_text = Some(v), event_target_value(&ev).trim().to_string())
                            />
                        </label>
                    }
                >
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::FunnelWindow)}</span>
                        <span class="inline">
                            <input
                                type="number"
                                min="1"
                                class="builder-short"
                                data-testid="funnel-window-value"
                                prop:value=window_value
                                on:change=move |ev| {
                                    let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                                    edit(&|d| d.window = Window::new(v, d.window.unit));
                                }
                            />
                            <select
                                data-testid="funnel-window-unit"
                                aria-label=move || prefs.tr(Msg::BuilderUnit)
                                prop:value=window_unit
                                on:change=move |ev| {
                                    let unit = unit_from_code(&event_target_value(&ev));
                                    edit(&|d| d.window = Window::new(d.window.value, unit));
                                }
                            >
                                <option value="minute">{move || prefs.tr(Msg::UnitMinutes)}</option>
                                <option value="hour">{move || prefs.tr(Msg::UnitHours)}</option>
                                <option value="day">{move || prefs.tr(Msg::UnitDays)}</option>
                            </select>
                        </span>
                    </label>
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::FunnelMode)}</span>
                        <select
                            data-testid="funnel-mode"
                            prop:value=move || draft.with(|d| if d.mode == OrderMode::Strict { "strict" } else { "sequential" })
                            on:change=move |ev| {
                                let strict = event_target_value(&ev) == "strict";
                                edit(&|d| d.mode = if strict { OrderMode::Strict } else { OrderMode::Sequential });
                            }
                        >
                            <option value="sequential">{move || prefs.tr(Msg::FunnelSequential)}</option>
                            <option value="strict">{move || prefs.tr(Msg::FunnelStrict)}</option>
                        </select>
                    </label>
                </Show>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::FunnelRangeFrom)}</span>
                    <input type="date" data-testid="funnel-from" prop:value=move || range_day(false)
                        on:change=move |ev| set_range(false, event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::To)}</span>
                    <input type="date" data-testid="funnel-to" prop:value=move || range_day(true)
                        on:change=move |ev| set_range(true, event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::FunnelOnlySegment)}</span>
                    <select
                        data-testid="funnel-segment"
                        prop:value=move || query.with(|q| q.segment.clone().unwrap_or_default())
                        on:change=move |ev| set(|q, v| q.segment = Some(v).filter(|v| !v.is_empty()), event_target_value(&ev))
                    >
                        <option value="">{move || prefs.tr(Msg::AllCustomersOption)}</option>
                        {move || segment_options(store)}
                    </select>
                </label>
                <Show when=move || !repurchase()>
                    <label class="field">
                        <span class="field-label">{move || prefs.tr(Msg::FunnelSplitBy)}</span>
                        <select
                            data-testid="funnel-breakdown"
                            prop:value=move || query.with(|q| q.by.map(By::code).unwrap_or(""))
                            on:change=move |ev| set(|q, v| q.by = By::from_code(&v), event_target_value(&ev))
                        >
                            <option value="">{move || prefs.tr(Msg::FunnelNoSplit)}</option>
                            <option value="channel">{move || prefs.tr(Msg::Channel)}</option>
                            <option value="city">{move || prefs.tr(Msg::City)}</option>
                            <option value="level">{move || prefs.tr(Msg::MemberLevel)}</option>
                            <option value="tier">{move || prefs.tr(Msg::Tier)}</option>
                            <option value="stage">{move || prefs.tr(Msg::Lifecycle)}</option>
                            <option value="segment">{move || prefs.tr(Msg::FilterSegment)}</option>
                        </select>
                    </label>
                    <Show when=move || query.with(|q| q.by == Some(By::Segment))>
                        <label class="field">
                            <span class="field-label">{move || prefs.tr(Msg::FilterSegment)}</span>
                            <select
                                data-testid="funnel-breakdown-segment"
                                prop:value=move || query.with(|q| q.by_segment.clone().unwrap_or_default())
                                on:change=move |ev| set(|q, v| q.by_segment = Some(v).filter(|v| !v.is_empty()), event_target_value(&ev))
                            >
                                <option value="">"—"</option>
                                {move || segment_options(store)}
                            </select>
                        </label>
                    </Show>
                </Show>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::FunnelOverTime)}</span>
                    <select
                        data-testid="funnel-period"
                        prop:value=move || query.with(|q| if q.period == Period::Week { "week" } else { "day" })
                        on:change=move |ev| {
                            set(|q, v| q.period = if v == "week" { Period::Week } else { Period::Day }, event_target_value(&ev));
                        }
                    >
                        <option value="day">{move || prefs.tr(Msg::PeriodDay)}</option>
                        <option value="week">{move || prefs.tr(Msg::PeriodWeek)}</option>
                    </select>
                </label>
            </div>
            {move || error().map(|e| view! { <p class="form-error" data-testid="funnel-error" role="alert">{e}</p> })}
        </div>
    }
}

fn segment_options(store: Store) -> impl IntoView {
    store
        .segments
        .get()
        .into_iter()
        .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
        .collect_view()
}

fn unit_code(unit: WindowUnit) -> &'static str {
    match unit {
        WindowUnit::Minute => "minute",
        WindowUnit::Hour => "hour",
        WindowUnit::Day => "day",
    }
}

fn unit_from_code(code: &str) -> WindowUnit {
    match code {
        "minute" => WindowUnit::Minute,
        "hour" => WindowUnit::Hour,
        _ => WindowUnit::Day,
    }
}
