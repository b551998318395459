//! The cohort page's state in its URL (`#/cohorts?seg=…&ch=tmall&from=2025-01&to=2025-06&
//! metric=revenue&view=table`), typed, and computing the table it shows — shared with the
//! customer list, which lists a cell's customers (`#/customers?cohort=<the cohort page's hash
//! with the cell: cm, cp>`).

use crate::derived::Derived;
use crate::i18n::Msg;
use crate::platform;
use crate::prefs::Prefs;
use crate::route::{PageQuery, Route, View};
use crate::store::Store;
use kezhi_core::cohort::{self, CohortOptions, CohortTable};
use kezhi_core::report::Month;
use leptos::prelude::*;

/// What the grid shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Metric {
    /// Customers with a paid order in the month ÷ cohort size.
    #[default]
    Customers,
    /// Net spend in the month ÷ net spend in month 0 (`metric=revenue`).
    Revenue,
}

/// Which customers and cohorts are counted: the part of the URL the table depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// A saved segment's id (`seg`): only its members.
    pub segment: Option<String>,
    /// A channel as stored (`ch`): only customers of that channel.
    pub channel: Option<String>,
    /// First and last cohort (`from`, `to`: `2025-01`).
    pub from: Option<Month>,
    pub to: Option<Month>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CohortsQuery {
    pub scope: Scope,
    pub metric: Metric,
    /// `view=table`: numbers in a plain table instead of the heat map.
    pub table: bool,
    /// A cell (`cm`: its cohort, `cp`: its period; no period: the whole cohort). Only in the
    /// customer list's `cohort`, which lists the cell's customers.
    pub cell: Option<(Month, Option<usize>)>,
}

impl PageQuery for CohortsQuery {
    fn from_route(r: &Route) -> Self {
        let month = |k: &str| r.param(k).and_then(Month::parse);
        CohortsQuery {
            scope: Scope {
                segment: r.param("seg").map(str::to_string),
                channel: r.param("ch").map(str::to_string),
                from: month("from"),
                to: month("to"),
            },
            metric: if r.param("metric") == Some("revenue") {
                Metric::Revenue
            } else {
                Metric::Customers
            },
            table: r.param("view") == Some("table"),
            cell: month("cm").map(|m| (m, r.param("cp").and_then(|p| p.parse().ok()))),
        }
    }

    fn to_route(&self) -> Route {
        let label = |m: Option<Month>| m.map(|m| m.label());
        Route::new(View::Cohorts)
            .with("seg", self.scope.segment.clone())
            .with("ch", self.scope.channel.clone())
            .with("from", label(self.scope.from))
            .with("to", label(self.scope.to))
            .with(
                "metric",
                (self.metric == Metric::Revenue).then(|| "revenue".to_string()),
            )
            .with("view", self.table.then(|| "table".to_string()))
            .with("cm", label(self.cell.map(|(m, _)| m)))
            .with("cp", self.cell.and_then(|(_, p)| p).map(|p| p.to_string()))
    }
}

impl CohortsQuery {
    /// The customer list's `cohort` parameter for a cell of this table (the page's hash
    /// without `#/`, with only what selects the customers).
    pub fn cell_param(&self, month: Month, period: Option<usize>) -> String {
        let cell = CohortsQuery {
            scope: self.scope.clone(),
            cell: Some((month, period)),
            ..CohortsQuery::default()
        };
        cell.to_route()
            .to_hash()
            .trim_start_matches("#/")
            .to_string()
    }
}

/// The segment of the scope was deleted since: nobody is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentGone;

/// One flag per customer: a member of the saved segment (tracked: the saved segments'
/// memberships).
fn member_flags(store: Store, derived: Derived, id: &str) -> Result<Vec<bool>, SegmentGone> {
    let rows = derived
        .memberships
        .with(|m| m.get(id).cloned())
        .ok_or(SegmentGone)?;
    let mut flags = vec![false; store.data.with(|d| d.customers.len())];
    for &i in rows.iter() {
        if let Some(f) = flags.get_mut(i) {
            *f = true;
        }
    }
    Ok(flags)
}

/// Runs `f` with the core's options for a scope (tracked: the data, the analytics, the saved
/// segments' members).
fn with_options<T>(
    store: Store,
    derived: Derived,
    scope: &Scope,
    f: impl FnOnce(&CohortOptions) -> T,
) -> Result<T, SegmentGone> {
    let flags = match &scope.segment {
        Some(id) => Some(member_flags(store, derived, id)?),
        None => None,
    };
    let options = CohortOptions {
        offset: platform::local_offset(),
        members: flags.as_deref(),
        channel: scope.channel.as_deref(),
        from: scope.from,
        to: scope.to,
    };
    Ok(f(&options))
}

/// The retention table of a scope.
pub fn compute(store: Store, derived: Derived, scope: &Scope) -> Result<CohortTable, SegmentGone> {
    let analytics = derived.metrics.get();
    with_options(store, derived, scope, |options| {
        store
            .data
            .with(|d| platform::timed("kezhi:cohorts", || cohort::compute(d, &analytics, options)))
    })
}

/// The customers (positions) of the cell a customer list's `cohort` parameter names; nobody
/// when it names none or its segment was deleted.
pub fn cell_rows(store: Store, derived: Derived, param: &str) -> Vec<usize> {
    let q = CohortsQuery::from_route(&Route::parse(param));
    let Some((month, period)) = q.cell else {
        return Vec::new();
    };
    let analytics = derived.metrics.get();
    with_options(store, derived, &q.scope, |options| {
        store
            .data
            .with(|d| cohort::cell_customers(d, &analytics, options, month, period))
    })
    .unwrap_or_default()
}

/// What the customer list calls a cell: "同期群 2025-01 · 第 2 月" / "Cohort 2025-01 · month 2".
pub fn cell_name(prefs: Prefs, param: &str) -> String {
    let q = CohortsQuery::from_route(&Route::parse(param));
    let Some((month, period)) = q.cell else {
        return prefs.tr(Msg::NavCohorts).to_string();
    };
    let name = prefs
        .tr(Msg::CohortName)
        .replace("{cohort}", &month.label());
    match period {
        Some(k) => format!(
            "{name} · {}",
            prefs.tr(Msg::CohortPeriod).replace("{k}", &k.to_string())
        ),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// URLs the cohort page writes, exactly as written.
    const URLS: [&str; 6] = [
        "#/cohorts",
        "#/cohorts?metric=revenue",
        "#/cohorts?view=table",
        "#/cohorts?ch=tmall&from=2025-01&to=2025-06",
        "#/cohorts?metric=revenue&seg=a1b2c3d4e5f6&view=table",
        "#/cohorts?ch=jd&cm=2025-02&cp=3",
    ];

    #[test]
    fn the_cohort_urls_round_trip_byte_for_byte() {
        for url in URLS {
            let q = CohortsQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        let q = CohortsQuery::from_route(&Route::parse(
            "#/cohorts?cm=2025-02&from=2025-13&metric=revenue&to=2026-01",
        ));
        assert_eq!(q.metric, Metric::Revenue);
        assert_eq!(q.scope.from, None, "not a month");
        assert_eq!(q.scope.to.map(|m| m.label()).as_deref(), Some("2026-01"));
        assert_eq!(
            q.cell.map(|(m, p)| (m.label(), p)),
            Some(("2025-02".into(), None))
        );
    }

    #[test]
    fn a_cells_parameter_keeps_the_scope_and_drops_the_view() {
        let q = CohortsQuery::from_route(&Route::parse(
            "#/cohorts?ch=tmall&metric=revenue&seg=s1&to=2025-06&view=table",
        ));
        let month = Month::parse("2025-01").expect("month");
        assert_eq!(
            q.cell_param(month, Some(2)),
            "cohorts?ch=tmall&cm=2025-01&cp=2&seg=s1&to=2025-06"
        );
        assert_eq!(
            q.cell_param(month, None),
            "cohorts?ch=tmall&cm=2025-01&seg=s1&to=2025-06"
        );
        // Through the customer list's URL and back.
        let list = crate::pages::customers::query::CustomersQuery {
            cohort: Some(q.cell_param(month, Some(2))),
            ..Default::default()
        };
        let back = CohortsQuery::from_route(&Route::parse(
            crate::pages::customers::query::CustomersQuery::from_route(&Route::parse(
                &list.to_route().to_hash(),
            ))
            .cohort
            .as_deref()
            .unwrap_or_default(),
        ));
        assert_eq!(back.cell, Some((month, Some(2))));
        assert_eq!(back.scope, q.scope);
    }
}
