//! The customer list narrowed to a segment: a saved segment (`segment`), a query from the
//! segment page (`sq`), a funnel's drill-down (`funnel`) or a cohort's cell (`cohort`), as the
//! URL says.

use super::query::CustomersQuery;
use crate::derived::Derived;
use crate::i18n::Msg;
use crate::pages::segments::{Selection, rows_of, select};
use crate::prefs::Prefs;
use crate::store::Store;
use crate::ui::Ui;
use leptos::prelude::*;
use std::collections::HashSet;

/// The customer list's `segment` (a saved segment's id) and `sq` (a query) parameters.
fn restriction_params(ui: Ui) -> (Option<String>, Option<String>) {
    let q = ui.query::<CustomersQuery>();
    (q.segment, q.segment_query)
}

/// Whether the URL holds a funnel's drill-down (`funnel`).
fn funnel_drill(ui: Ui) -> bool {
    ui.query::<CustomersQuery>().funnel.is_some()
}

/// What the customer list's URL restricts it to (a saved segment's name or a query), without
/// evaluating it.
pub fn restriction_name(store: Store, prefs: Prefs, ui: Ui) -> Option<String> {
    if let Some(cell) = ui.query::<CustomersQuery>().cohort {
        return Some(crate::pages::cohorts::query::cell_name(prefs, &cell));
    }
    if funnel_drill(ui) {
        return Some(prefs.tr(Msg::FilterFunnel).to_string());
    }
    let (segment, query) = restriction_params(ui);
    match segment {
        Some(id) => Some(
            store
                .segments
                .with(|list| list.iter().find(|s| s.id == id).map(|s| s.name.clone()))
                .unwrap_or(id),
        ),
        None => query,
    }
}

/// The customers a query (`sq`) or a saved segment (`segment`) in the customer list's URL
/// selects, with what to call it; `None` when the URL names neither.
pub fn restriction(
    store: Store,
    derived: Derived,
    prefs: Prefs,
    ui: Ui,
) -> Option<(String, HashSet<usize>)> {
    // A cohort's cell (its customers with a paid order in the cell's month).
    if let Some(cell) = ui.query::<CustomersQuery>().cohort {
        let name = crate::pages::cohorts::query::cell_name(prefs, &cell);
        let rows = crate::pages::cohorts::query::cell_rows(store, derived, &cell);
        return Some((name, rows.into_iter().collect()));
    }
    // A funnel's drill-down (those who reached or dropped at a step).
    if funnel_drill(ui) {
        let (name, rows) = crate::pages::funnels::query::drill_rows(store, derived, prefs, ui)
            .unwrap_or_else(|| (prefs.tr(Msg::FilterFunnel).to_string(), Vec::new()));
        return Some((name, rows.into_iter().collect()));
    }
    let (segment, query) = restriction_params(ui);
    if let Some(id) = segment {
        let saved = store
            .segments
            .with(|list| list.iter().find(|s| s.id == id).cloned());
        // A segment deleted since selects nobody rather than everybody.
        return Some(match saved {
            Some(s) => (
                s.name.clone(),
                rows_of(store, derived, prefs, &s).into_iter().collect(),
            ),
            None => (id, HashSet::new()),
        });
    }
    let query = query?;
    let rows = match select(store, derived, prefs, &query) {
        Selection::Rows(rows) => rows.into_iter().collect(),
        Selection::Error { .. } => HashSet::new(),
    };
    Some((query, rows))
}
