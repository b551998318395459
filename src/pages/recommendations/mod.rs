//! Recommendations (推介): the two lists the job is organised around — to follow up (valuable
//! customers never recommended anything, and recommendations the customer is interested in)
//! and recommended (all of them) — each exportable, and the conversion per manager and per
//! product. Narrowed to one manager by `owner` in the URL. The rules are the core's
//! (`kezhi_core::desk::recommendations`, docs/desk.md); recording and moving a recommendation
//! happens on the customer (`pages/customers/recommendations.rs`); one recorded by mistake is
//! deleted from either place (`desk_delete`, with an Undo in the toast).

mod conversion;

use super::export::{Exporter, FileKind};
use crate::components::EmptyState;
use crate::derived::use_derived;
use crate::i18n::Msg;
use crate::pages::customers::query::CustomersQuery;
use crate::pages::desk_delete::recommendation_delete_button;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::route::{PageQuery, Route, View};
use crate::store::use_store;
use crate::ui::use_ui;
use conversion::ConversionTables;
use kezhi_core::RecommendationStatus;
use kezhi_core::desk::recommendations::{
    EXPORT_COLUMNS, FollowUp, Labels, Manager, follow_up_cells, managers, recommended,
    recommended_cells, to_follow_up,
};
use kezhi_core::money::{thousands, yuan_display};
use leptos::prelude::*;
use uuid::Uuid;

/// Rows a list shows before "show more".
const PAGE: usize = 200;

/// The page's state in its URL: the manager (`owner`; `-` for recommendations without one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecommendationsQuery {
    pub manager: Manager,
}

/// A manager filter as a URL parameter: absent for everyone, `-` for nobody's.
pub fn manager_param(m: &Manager) -> Option<String> {
    match m {
        Manager::Everyone => None,
        Manager::Named(name) => Some(name.clone()),
        Manager::Unassigned => Some("-".into()),
    }
}

pub fn manager_from_param(p: Option<&str>) -> Manager {
    match p {
        None | Some("") => Manager::Everyone,
        Some("-") => Manager::Unassigned,
        Some(name) => Manager::Named(name.to_string()),
    }
}

impl PageQuery for RecommendationsQuery {
    fn from_route(r: &Route) -> Self {
        RecommendationsQuery {
            manager: manager_from_param(r.param("owner")),
        }
    }
    fn to_route(&self) -> Route {
        Route::new(View::Recommendations).with("owner", manager_param(&self.manager))
    }
}

pub fn status_msg(s: RecommendationStatus) -> Msg {
    match s {
        RecommendationStatus::Recommended => Msg::RecStatusRecommended,
        RecommendationStatus::Interested => Msg::RecStatusInterested,
        RecommendationStatus::Won => Msg::RecStatusWon,
        RecommendationStatus::Declined => Msg::RecStatusDeclined,
    }
}

fn reason_msg(r: FollowUp) -> Msg {
    match r {
        FollowUp::Interested(_) => Msg::RecReasonInterested,
        FollowUp::NotRecommended => Msg::RecReasonNotRecommended,
    }
}

/// A link to a customer's panel on the customer list.
pub fn customer_href(id: Uuid) -> String {
    CustomersQuery {
        selected: Some(id),
        ..Default::default()
    }
    .to_route()
    .to_hash()
}

/// The manager filter: everyone, each manager the data names, nobody's. `on_change` gets the
/// new filter.
#[component]
pub fn ManagerSelect(
    managers: Signal<Vec<String>>,
    value: Signal<Manager>,
    on_change: Callback<Manager>,
    testid: &'static str,
) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <label class="field field-inline">
            <span class="field-label">{move || prefs.tr(Msg::DeskManager)}</span>
            <select
                data-testid=testid
                prop:value=move || manager_param(&value.get()).unwrap_or_default()
                on:change=move |ev| on_change.run(manager_from_param(Some(&event_target_value(&ev))))
            >
                <option value="">{move || prefs.tr(Msg::DeskEveryone)}</option>
                {move || {
                    managers
                        .get()
                        .into_iter()
                        .map(|m| view! { <option value=m.clone()>{m.clone()}</option> })
                        .collect_view()
                }}
                <option value="-">{move || prefs.tr(Msg::DeskNoManager)}</option>
            </select>
        </label>
    }
}

/// The export buttons of a list (CSV, Excel), `<prefix>` and `<prefix>-xlsx` as hooks.
fn export_buttons(
    prefs: Prefs,
    prefix: &'static str,
    export: impl Fn(FileKind) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button class="btn" data-testid=prefix on:click=move |_| export(FileKind::Csv)>
            {move || prefs.tr(Msg::ExportCsv)}
        </button>
        <button class="btn" data-testid=format!("{prefix}-xlsx") on:click=move |_| export(FileKind::Xlsx)>
            {move || prefs.tr(Msg::ExportXlsx)}
        </button>
    }
}

#[component]
pub fn RecommendationsPage() -> impl IntoView {
    let store = use_store();
    let derived = use_derived();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    let manager = Memo::new(move |_| ui.query::<RecommendationsQuery>().manager);
    let set_manager = Callback::new(move |m: Manager| {
        ui.replace_query(|q: &mut RecommendationsQuery| q.manager = m);
    });
    let all_managers = Memo::new(move |_| store.data.with(managers));
    let follow = Memo::new(move |_| {
        let analytics = derived.metrics.get();
        manager.with(|m| store.data.with(|d| to_follow_up(d, &analytics, m)))
    });
    let made = Memo::new(move |_| manager.with(|m| store.data.with(|d| recommended(d, m))));
    let mask = RwSignal::new(false);
    let follow_limit = RwSignal::new(PAGE);
    let made_limit = RwSignal::new(PAGE);

    let labels_export = move |what: &'static str, sheet: Msg, kind: FileKind| {
        let analytics = derived.metrics.get_untracked();
        let lang = prefs.lang.get_untracked();
        let tier = |t| analytics.tier_name(t, lang.is_zh()).to_string();
        let reason = |r| crate::i18n::t(lang, reason_msg(r)).to_string();
        let status = |s| crate::i18n::t(lang, status_msg(s)).to_string();
        let labels = Labels {
            tier: &tier,
            reason: &reason,
            status: &status,
        };
        let options = exporter.options(mask.get_untracked());
        let rows = store.data.with_untracked(|d| {
            if what == "follow-up" {
                follow
                    .with_untracked(|rows| follow_up_cells(d, &analytics, rows, &options, &labels))
            } else {
                made.with_untracked(|rows| {
                    recommended_cells(d, &analytics, rows, &options, &labels)
                })
            }
        });
        exporter.table(
            what,
            crate::i18n::t(lang, sheet),
            &EXPORT_COLUMNS,
            rows,
            kind,
        );
    };
    let export_follow = move |kind| labels_export("follow-up", Msg::RecFollowUpTitle, kind);
    let export_made = move |kind| labels_export("recommended", Msg::RecRecommendedTitle, kind);

    let follow_rows = move || {
        let analytics = derived.metrics.get();
        let zh = prefs.lang.get().is_zh();
        let shown: Vec<_> =
            follow.with(|rows| rows.iter().take(follow_limit.get()).copied().collect());
        store.data.with(|d| {
            shown
                .into_iter()
                .filter_map(|row| {
                    let c = d.customers.get(row.customer)?;
                    let tier = analytics
                        .customers
                        .get(row.customer)
                        .and_then(|m| m.tier)
                        .map(|t| analytics.tier_name(t, zh).to_string());
                    let rec = match row.reason {
                        FollowUp::Interested(k) => d.desk.recommendations.get(k).cloned(),
                        FollowUp::NotRecommended => None,
                    };
                    let reason = row.reason;
                    Some(view! {
                        <tr data-testid="recommendation-follow-row" data-id=c.id.to_string() data-reason=reason.code()>
                            <td><a href=customer_href(c.id)>{c.name.clone()}</a></td>
                            <td>{c.owner.map(|o| o.to_string())}</td>
                            <td>{tier}</td>
                            <td class="num">{yuan_display(row.value)}</td>
                            <td>
                                {move || prefs.tr(reason_msg(reason))}
                                {rec.map(|r| format!(" · {}", r.product))}
                            </td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };
    let made_rows = move || {
        let shown: Vec<usize> =
            made.with(|rows| rows.iter().take(made_limit.get()).copied().collect());
        let offset = platform::local_offset();
        store.data.with(|d| {
            let positions = d.customer_positions();
            shown
                .into_iter()
                .filter_map(|k| {
                    let r = d.desk.recommendations.get(k)?;
                    let name = positions
                        .get(&r.customer_id)
                        .map(|&i| d.customers[i].name.clone())
                        .unwrap_or_default();
                    let status = r.status;
                    let rid = r.id;
                    Some(view! {
                        <tr data-testid="recommendation-row" data-id=r.id.to_string() data-status=status.code()>
                            <td><a href=customer_href(r.customer_id)>{name}</a></td>
                            <td>{r.product.clone()}</td>
                            <td class="num">{r.amount_cents.map(yuan_display)}</td>
                            <td>{move || prefs.tr(status_msg(status))}</td>
                            <td>{r.owner.clone()}</td>
                            <td>{r.recommended_at.format_date(offset)}</td>
                            <td class="num">{r.won_cents.map(yuan_display)}</td>
                            <td>
                                {recommendation_delete_button((store, prefs, ui), rid)}
                            </td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };
    let more = move |limit: RwSignal<usize>, total: usize, testid: &'static str| {
        (limit.get() < total).then(|| {
            view! {
                <button class="btn btn-ghost" data-testid=testid on:click=move |_| limit.update(|l| *l += PAGE)>
                    {move || prefs.tr(Msg::DeskShowMore)}
                </button>
            }
        })
    };

    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                <header class="page-head">
                    <h1>{move || prefs.tr(Msg::NavRecommendations)}</h1>
                    <ManagerSelect
                        managers=Signal::derive(move || all_managers.get())
                        value=Signal::derive(move || manager.get())
                        on_change=set_manager
                        testid="recommendation-manager"
                    />
                    <crate::pages::export::MaskToggle mask testid="recommendation-mask"/>
                </header>
                <p class="muted small">{move || prefs.tr(Msg::RecHint)}</p>
                <div class="card">
                    <div class="card-head">
                        <h2>
                            {move || prefs.tr(Msg::RecFollowUpTitle)} " "
                            <span
                                class="muted"
                                data-testid="recommendation-follow-count"
                                data-count=move || follow.with(|r| r.len()).to_string()
                            >
                                {move || thousands(follow.with(|r| r.len()) as u64)}
                            </span>
                        </h2>
                        <div class="button-row">{export_buttons(prefs, "recommendation-follow-export", export_follow)}</div>
                    </div>
                    <p class="muted small">{move || prefs.tr(Msg::RecFollowUpHint)}</p>
                    <div class="table-scroll">
                        <table class="mini">
                            <thead>
                                <tr>
                                    <th>{move || prefs.tr(Msg::Name)}</th>
                                    <th>{move || prefs.tr(Msg::Owner)}</th>
                                    <th>{move || prefs.tr(Msg::Tier)}</th>
                                    <th class="num">{move || prefs.tr(Msg::TotalSpent)}</th>
                                    <th>{move || prefs.tr(Msg::RecReason)}</th>
                                </tr>
                            </thead>
                            <tbody>{follow_rows}</tbody>
                        </table>
                    </div>
                    {move || more(follow_limit, follow.with(|r| r.len()), "recommendation-follow-more")}
                </div>
                <div class="card">
                    <div class="card-head">
                        <h2>
                            {move || prefs.tr(Msg::RecRecommendedTitle)} " "
                            <span
                                class="muted"
                                data-testid="recommendation-count"
                                data-count=move || made.with(|r| r.len()).to_string()
                            >
                                {move || thousands(made.with(|r| r.len()) as u64)}
                            </span>
                        </h2>
                        <div class="button-row">{export_buttons(prefs, "recommendation-export", export_made)}</div>
                    </div>
                    <div class="table-scroll">
                        <table class="mini">
                            <thead>
                                <tr>
                                    <th>{move || prefs.tr(Msg::Name)}</th>
                                    <th>{move || prefs.tr(Msg::RecProduct)}</th>
                                    <th class="num">{move || prefs.tr(Msg::RecAmount)}</th>
                                    <th>{move || prefs.tr(Msg::Status)}</th>
                                    <th>{move || prefs.tr(Msg::DeskManager)}</th>
                                    <th>{move || prefs.tr(Msg::RecRecommendedAt)}</th>
                                    <th class="num">{move || prefs.tr(Msg::RecWonAmount)}</th>
                                    <th><span class="visually-hidden">{move || prefs.tr(Msg::Delete)}</span></th>
                                </tr>
                            </thead>
                            <tbody>{made_rows}</tbody>
                        </table>
                    </div>
                    {move || more(made_limit, made.with(|r| r.len()), "recommendation-more")}
                </div>
                <ConversionTables manager=Signal::derive(move || manager.get())/>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manager_filter_round_trips_in_the_url() {
        for url in [
            "#/recommendations",
            "#/recommendations?owner=-",
            "#/recommendations?owner=%E7%8E%8B%E7%BB%8F%E7%90%86",
        ] {
            let q = RecommendationsQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        let q = RecommendationsQuery::from_route(&Route::parse(
            "#/recommendations?owner=%E7%8E%8B%E7%BB%8F%E7%90%86",
        ));
        assert_eq!(q.manager, Manager::Named("王经理".into()));
        assert_eq!(manager_from_param(Some("-")), Manager::Unassigned);
        assert_eq!(manager_from_param(None), Manager::Everyone);
    }
}
