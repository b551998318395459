//! The column mapping (`map-<field>`: which column feeds which field, remembered per file
//! shape) and the import's options (time zone, date order, what to do with existing records).

use super::state::ImportState;
use crate::i18n::Msg;
use crate::prefs::keys::IMPORT_MAPPINGS;
use kezhi_core::import::{DateOrder, Mapping, MergePolicy};
use leptos::prelude::*;

/// The mapping of the files imported before with this shape (kind and header names).
pub fn remembered(shape: &str) -> Option<Mapping> {
    IMPORT_MAPPINGS.get().remove(shape)
}

pub fn remember(shape: String, mapping: &Mapping) {
    let mut all = IMPORT_MAPPINGS.get();
    all.insert(shape, mapping.clone());
    let _ = IMPORT_MAPPINGS.set(&all);
}

/// A selector per field of the kind: its columns, or none.
#[component]
pub fn MappingFields(state: ImportState) -> impl IntoView {
    let ImportState {
        prefs,
        kind,
        columns,
        mapping,
        ..
    } = state;
    move || {
        let k = kind.get();
        let cols = columns.get();
        let zh = prefs.lang.get().is_zh();
        k.fields()
            .iter()
            .chain(k.extra_fields())
            .map(|&field| {
                let cols = cols.clone();
                let current = move || {
                    mapping
                        .with(|m| m.get(field))
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                };
                view! {
                    <label class="field map-field">
                        <span class="field-label">{crate::i18n::import_field(field, zh)} <code>{field.name()}</code></span>
                        <select
                            data-testid=format!("map-{}", field.name())
                            prop:value=current
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                state.set_mapping(field, v.parse().ok());
                            }
                        >
                            <option value="">{move || prefs.tr(Msg::NotMapped)}</option>
                            {cols
                                .iter()
                                .enumerate()
                                .map(|(i, name)| view! { <option value=i.to_string()>{name.clone()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                }
            })
            .collect_view()
    }
}

/// How the values are read (time zone, day/month order) and what an imported record does to
/// one that exists.
#[component]
pub fn OptionFields(state: ImportState) -> impl IntoView {
    let ImportState { prefs, options, .. } = state;
    view! {
        <label class="field">
            <span class="field-label">{move || prefs.tr(Msg::ImportTimeZone)}</span>
            <select
                data-testid="import-timezone"
                prop:value=move || options.with(|o| (o.offset.local_minus_utc() / 3600).to_string())
                on:change=move |ev| {
                    let hours: i32 = event_target_value(&ev).parse().unwrap_or(8);
                    if let Some(offset) = chrono::FixedOffset::east_opt(hours * 3600) {
                        options.update(|o| o.offset = offset);
                    }
                }
            >
                {(-12..=14).map(|h: i32| view! { <option value=h.to_string()>{format!("UTC{h:+}")}</option> }).collect_view()}
            </select>
        </label>
        <label class="field">
            <span class="field-label">{move || prefs.tr(Msg::ImportDateOrder)}</span>
            <select
                data-testid="import-date-order"
                on:change=move |ev| {
                    let order = match event_target_value(&ev).as_str() {
                        "mdy" => DateOrder::MonthFirst,
                        "dmy" => DateOrder::DayFirst,
                        _ => DateOrder::Auto,
                    };
                    options.update(|o| o.date_order = order);
                }
            >
                <option value="auto">{move || prefs.tr(Msg::ImportAuto)}</option>
                <option value="mdy">"MM/DD/YYYY"</option>
                <option value="dmy">"DD/MM/YYYY"</option>
            </select>
        </label>
        <label class="field">
            <span class="field-label">{move || prefs.tr(Msg::ImportExisting)}</span>
            <select
                data-testid="import-policy"
                on:change=move |ev| {
                    let p = if event_target_value(&ev) == "overwrite" { MergePolicy::Overwrite } else { MergePolicy::KeepExisting };
                    options.update(|o| o.policy = p);
                }
            >
                <option value="keep">{move || prefs.tr(Msg::ImportKeep)}</option>
                <option value="overwrite">{move || prefs.tr(Msg::ImportOverwrite)}</option>
            </select>
        </label>
    }
}
