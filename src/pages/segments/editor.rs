//! The segment query's text editor: the textarea, its autocompletion (what the caret may
//! take next, from the data's vocabulary) and the pause before the typed query goes to the
//! URL (UI contract: `segment-query`, `segment-suggestions`, `segment-suggestion`).

use super::SegmentsQuery;
use crate::debounce::Debounce;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::prefs::use_prefs;
use crate::route::View;
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::segment::complete::{Completion, complete};
use leptos::prelude::*;
use std::time::Duration;

/// Typing pauses this long before the count is recomputed (the text itself updates at once).
const DEBOUNCE_MS: u64 = 150;

/// The caret as a character offset: the browser counts UTF-16 units.
fn caret_chars(text: &str, utf16: Option<u32>) -> usize {
    let Some(target) = utf16 else {
        return text.chars().count();
    };
    let mut units = 0u32;
    let mut chars = 0usize;
    for c in text.chars() {
        if units >= target {
            break;
        }
        units += c.len_utf16() as u32;
        chars += 1;
    }
    chars
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// The query's textarea and its suggestions. `text` is the text as typed (never rewritten by
/// the app); it reaches the URL's `q` when typing pauses.
#[component]
pub fn QueryEditor(text: RwSignal<String>) -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let debounce = Debounce::new(Duration::from_millis(DEBOUNCE_MS));
    // Autocompletion: what the caret may take next, and the highlighted suggestion.
    let completion = RwSignal::new(None::<Completion>);
    let active = RwSignal::new(0usize);
    let vocabulary = derived.vocabulary;
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let suggest = move || {
        let Some(el) = textarea.get_untracked() else {
            return;
        };
        let value = el.value();
        let caret = caret_chars(&value, el.selection_start().ok().flatten());
        let zh = prefs.lang.get_untracked().is_zh();
        let tiers: Vec<String> = derived
            .metrics
            .with_untracked(|a| a.tiers.iter().map(|t| t.name(zh).to_string()).collect());
        let segments: Vec<String> = store
            .segments
            .with_untracked(|l| l.iter().map(|s| s.name.clone()).collect());
        let c = vocabulary
            .with_untracked(|v| complete(&value, caret, &|f| v.values(f, zh, &tiers, &segments)));
        active.set(0);
        completion.set((!c.items.is_empty()).then_some(c));
    };
    let typed = move |v: String| {
        text.set(v.clone());
        debounce.call(move || {
            // The user may have left the page within the pause: the query is not theirs.
            if ui.route.with_untracked(|r| r.view) == View::Segments {
                ui.replace_query(|s: &mut SegmentsQuery| s.q = v);
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        typed(event_target_value(&ev));
        suggest();
    };
    let accept = move |k: usize| {
        let (Some(c), Some(el)) = (completion.get_untracked(), textarea.get_untracked()) else {
            return;
        };
        let Some(item) = c.items.get(k) else {
            return;
        };
        let chars: Vec<char> = el.value().chars().collect();
        let head: String = chars[..c.from.min(chars.len())].iter().collect();
        let tail: String = chars[c.to.min(chars.len())..].iter().collect();
        // Words are followed by a space; an opening call or list continues right away.
        let glue = if item.insert.ends_with('(') || tail.starts_with(' ') {
            ""
        } else {
            " "
        };
        let next = format!("{head}{}{glue}{tail}", item.insert);
        let caret = utf16_len(&head) + utf16_len(&item.insert) + utf16_len(glue);
        el.set_value(&next);
        let _ = el.set_selection_range(caret, caret);
        typed(next);
        // The next step (operators after a field, values after an operator) follows at once.
        suggest();
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == " " && ev.ctrl_key() {
            ev.prevent_default();
            suggest();
            return;
        }
        let Some(n) = completion.with_untracked(|c| c.as_ref().map(|c| c.items.len())) else {
            return;
        };
        match key.as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % n.max(1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = (*a + n.max(1) - 1) % n.max(1));
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                accept(active.get_untracked());
            }
            "Escape" => completion.set(None),
            _ => {}
        }
    };

    view! {
        <label class="field">
            <span class="field-label">{move || prefs.tr(Msg::SegmentQuery)}</span>
            <textarea
                class="segment-query"
                data-testid="segment-query"
                rows="4"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=move || completion.with(Option::is_some).then_some("segment-suggestions")
                aria-activedescendant=move || completion.with(Option::is_some).then(|| format!("segment-suggestion-{}", active.get()))
                placeholder=r#"total_spent > 5000 AND city IN ("上海", "杭州")"#
                node_ref=textarea
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:click=move |_| suggest()
                on:blur=move |_| completion.set(None)
            ></textarea>
        </label>
        {move || completion.get().map(|c| view! {
            <ul class="suggestions" id="segment-suggestions" role="listbox" data-testid="segment-suggestions">
                {c.items.into_iter().enumerate().map(|(k, item)| view! {
                    <li
                        role="option"
                        id=format!("segment-suggestion-{k}")
                        data-testid="segment-suggestion"
                        data-insert=item.insert.clone()
                        class=format!("suggestion suggestion-{:?}", item.kind).to_lowercase()
                        aria-selected=move || (active.get() == k).to_string()
                        // mousedown, not click: the textarea keeps its focus and caret.
                        on:mousedown=move |ev| { ev.prevent_default(); accept(k); }
                    >
                        {item.label}
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}
