//! The table's columns: which exist and in what order, how each looks, the layout remembered
//! per browser (visible columns, dragged widths) and the column chooser.

use crate::i18n::Msg;
use crate::prefs::{keys, use_prefs};
use kezhi_core::customer_query::SortKey;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A column of the table is named by the key it sorts by.
pub type Column = SortKey;

/// The table's columns in display order (`Created` sorts but is not shown).
const COLUMNS: [Column; 16] = [
    SortKey::Name,
    SortKey::Phone,
    SortKey::City,
    SortKey::Channel,
    SortKey::Level,
    SortKey::Tags,
    SortKey::Owner,
    SortKey::Orders,
    SortKey::TotalSpent,
    SortKey::LastOrder,
    SortKey::Stage,
    SortKey::Tier,
    SortKey::Group,
    SortKey::R,
    SortKey::F,
    SortKey::M,
];

/// Shown until the user chooses: the scores are one click away in the column chooser.
const DEFAULT_HIDDEN: [Column; 3] = [SortKey::R, SortKey::F, SortKey::M];

/// How a column looks in the table.
pub(super) trait ColumnLook {
    fn label(self) -> Msg;
    /// Its track in the row grid, in rem (root font sizes: the header row's smaller type must
    /// not make its tracks narrower than the rows').
    fn width(self) -> &'static str;
    fn numeric(self) -> bool;
}

impl ColumnLook for Column {
    fn label(self) -> Msg {
        match self {
            SortKey::Name => Msg::Name,
            SortKey::Phone => Msg::Phone,
            SortKey::City => Msg::City,
            SortKey::Channel => Msg::Channel,
            SortKey::Level => Msg::MemberLevel,
            SortKey::Tags => Msg::Tags,
            SortKey::Owner => Msg::Owner,
            SortKey::Orders => Msg::Orders,
            SortKey::TotalSpent => Msg::TotalSpent,
            SortKey::LastOrder => Msg::LastOrder,
            SortKey::Created => Msg::CreatedAt,
            SortKey::Stage => Msg::Lifecycle,
            SortKey::Tier => Msg::Tier,
            SortKey::Group => Msg::RfmGroupLabel,
            SortKey::R => Msg::ScoreR,
            SortKey::F => Msg::ScoreF,
            SortKey::M => Msg::ScoreM,
        }
    }
    fn width(self) -> &'static str {
        match self {
            SortKey::Name => "minmax(6rem, 1.2fr)",
            SortKey::Phone => "8.5rem",
            SortKey::City => "5rem",
            SortKey::Channel => "7rem",
            SortKey::Level => "6rem",
            SortKey::Tags => "minmax(6rem, 1.5fr)",
            SortKey::Owner => "5rem",
            SortKey::Orders => "3.5rem",
            SortKey::TotalSpent => "8rem",
            SortKey::LastOrder | SortKey::Created => "6.5rem",
            SortKey::Stage => "5.5rem",
            SortKey::Tier => "5.5rem",
            SortKey::Group => "7.5rem",
            SortKey::R | SortKey::F | SortKey::M => "2.5rem",
        }
    }
    fn numeric(self) -> bool {
        matches!(
            self,
            SortKey::Orders | SortKey::TotalSpent | SortKey::R | SortKey::F | SortKey::M
        )
    }
}

/// The table's layout, remembered per browser: which columns show, and the widths the user
/// dragged them to (in pixels; others keep their default track).
#[derive(Clone, Copy)]
pub struct Columns {
    pub visible: RwSignal<Vec<Column>>,
    pub widths: RwSignal<BTreeMap<Column, u32>>,
}

impl Columns {
    pub fn load() -> Self {
        // Stored by their URL names; names this version does not know are skipped.
        let mut cols: Vec<Column> = match keys::COLUMNS.get() {
            Some(names) => names.iter().filter_map(|n| SortKey::parse(n)).collect(),
            None => COLUMNS
                .into_iter()
                .filter(|c| !DEFAULT_HIDDEN.contains(c))
                .collect(),
        };
        if !cols.contains(&SortKey::Name) {
            cols.insert(0, SortKey::Name);
        }
        let widths = keys::COLUMN_WIDTHS
            .get()
            .iter()
            .filter_map(|(n, w)| SortKey::parse(n).map(|k| (k, *w)))
            .collect();
        Columns {
            visible: RwSignal::new(cols),
            widths: RwSignal::new(widths),
        }
    }

    /// The CSS grid tracks of a row: the selection box, then every visible column.
    pub(super) fn template(&self) -> String {
        let widths = self.widths.get();
        let tracks: Vec<String> = self.visible.with(|cols| {
            cols.iter()
                .map(|c| match widths.get(c) {
                    Some(px) => format!("{px}px"),
                    None => c.width().to_string(),
                })
                .collect()
        });
        format!("2.2rem {}", tracks.join(" "))
    }

    pub(super) fn set_width(&self, column: Column, px: f64) {
        let px = px.clamp(MIN_WIDTH, MAX_WIDTH) as u32;
        self.widths.update(|w| {
            w.insert(column, px);
        });
    }

    pub(super) fn remember_widths(&self) {
        // Losing the preference is harmless: default widths apply next time.
        let named: BTreeMap<String, u32> = self
            .widths
            .get_untracked()
            .into_iter()
            .map(|(k, w)| (k.as_str().to_string(), w))
            .collect();
        let _ = keys::COLUMN_WIDTHS.set(&named);
    }
}

pub(super) const MIN_WIDTH: f64 = 40.0;
pub(super) const MAX_WIDTH: f64 = 600.0;

#[component]
pub fn ColumnChooser(columns: Columns) -> impl IntoView {
    let prefs = use_prefs();
    let columns = columns.visible;
    let open = RwSignal::new(false);
    let toggle = move |c: Column| {
        columns.update(|cols| {
            if cols.contains(&c) {
                cols.retain(|x| *x != c);
            } else {
                // Keep the table's order, whatever order the boxes were ticked in.
                cols.push(c);
                kezhi_core::sorting::sort_by_key(cols, |x| COLUMNS.iter().position(|y| y == x));
            }
        });
        // Losing the preference is harmless: all columns show next time.
        let names: Vec<String> = columns
            .get_untracked()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        let _ = keys::COLUMNS.set(&Some(names));
    };
    let button = NodeRef::<leptos::html::Button>::new();
    view! {
        <span
            class="chooser"
            on:keydown=move |e| {
                // Escape closes the list of columns and gives the focus back to its button.
                if e.key() == "Escape" && open.get_untracked() {
                    e.prevent_default();
                    open.set(false);
                    if let Some(b) = button.get_untracked() {
                        let _ = b.focus();
                    }
                }
            }
        >
            <button
                class="btn"
                data-testid="column-chooser"
                node_ref=button
                aria-expanded=move || open.get().to_string()
                aria-controls="column-chooser-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || prefs.tr(Msg::Columns)}
            </button>
            <Show when=move || open.get()>
                <div
                    class="chooser-menu card"
                    id="column-chooser-menu"
                    role="group"
                    aria-label=move || prefs.tr(Msg::Columns)
                >
                    {COLUMNS[1..]
                        .iter()
                        .map(|&c| {
                            view! {
                                <label class="chooser-item">
                                    <input
                                        type="checkbox"
                                        data-testid=format!("column-{}", c.as_str())
                                        prop:checked=move || columns.with(|cols| cols.contains(&c))
                                        on:change=move |_| toggle(c)
                                    />
                                    {move || prefs.tr(c.label())}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tracks_are_the_visible_columns_in_rem_or_as_dragged() {
        let columns = Columns {
            visible: RwSignal::new(vec![SortKey::Name, SortKey::Phone, SortKey::Orders]),
            widths: RwSignal::new(BTreeMap::from([(SortKey::Phone, 120)])),
        };
        assert_eq!(
            columns.template(),
            "2.2rem minmax(6rem, 1.2fr) 120px 3.5rem"
        );
    }
}
