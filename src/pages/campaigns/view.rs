//! One campaign: what it is, its progress (a bar and the count per status), its results
//! (contacted share; orders in the 30 days after contact against the customers not contacted,
//! with both groups' sizes), the call list's export and the tasks of the manager chosen. A
//! campaign made by mistake is deleted here with all its tasks (asked first, saying how many;
//! undone from the toast); the contacts already recorded stay on the customers.

use super::tasks::TaskList;
use super::{CampaignsQuery, occasion_name, task_status_msg};
use crate::i18n::{Msg, title_word};
use crate::pages::desk_delete::{Question, confirm_delete};
use crate::pages::export::{Exporter, FileKind};
use crate::pages::recommendations::ManagerSelect;
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::PageQuery;
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::TaskStatus;
use kezhi_core::desk::campaigns::{
    CALL_LIST_COLUMNS, Group, Manager, Progress, UPLIFT_DAYS, call_list, progress, task_managers,
    tasks_of, uplift, written_in_chinese,
};
use kezhi_core::desk::delete::{campaign_tasks, delete_campaign};
use kezhi_core::money::thousands;
use leptos::prelude::*;
use uuid::Uuid;

/// A share as a percentage with one decimal; `—` for an empty group.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_string(), |s| format!("{:.1}%", s * 100.0))
}

#[component]
pub fn CampaignView(id: Uuid) -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let exporter = Exporter::new();
    let campaign = Memo::new(move |_| {
        store
            .data
            .with(|d| d.desk.campaigns.iter().find(|c| c.id == id).cloned())
    });
    let manager = Memo::new(move |_| ui.query::<CampaignsQuery>().manager);
    let set_manager = Callback::new(move |m: Manager| {
        ui.replace_query(|q: &mut CampaignsQuery| q.manager = m);
    });
    let managers = Memo::new(move |_| {
        store.data.with(|d| {
            task_managers(&d.desk, id)
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
        })
    });
    let figures =
        Memo::new(move |_| manager.with(|m| store.data.with(|d| progress(&d.desk, id, m))));
    let results = Memo::new(move |_| {
        let c = campaign.get()?;
        Some(store.data.with(|d| uplift(d, &c, platform::now())))
    });
    let rows = Memo::new(move |_| manager.with(|m| store.data.with(|d| tasks_of(d, id, m))));
    let mask = RwSignal::new(false);
    let export = move |kind: FileKind| {
        let Some(c) = campaign.get_untracked() else {
            return;
        };
        let lang = prefs.lang.get_untracked();
        let chinese = written_in_chinese(&c.template);
        let options = exporter.options(mask.get_untracked());
        let cells = store.data.with_untracked(|d| {
            rows.with_untracked(|rows| {
                call_list(
                    d,
                    &c,
                    rows,
                    &options,
                    |s| crate::i18n::t(lang, task_status_msg(s)).to_string(),
                    |t| title_word(t, chinese),
                )
            })
        });
        let sheet = crate::i18n::t(lang, Msg::CampCallList);
        exporter.table(&c.name, sheet, &CALL_LIST_COLUMNS, cells, kind);
    };
    let delete = move |_| {
        let tasks = store.data.with_untracked(|d| campaign_tasks(&d.desk, id));
        let question = Question {
            ask: Msg::ConfirmDeleteCampaign,
            count: Some(tasks),
            done: Msg::CampDeleted,
        };
        confirm_delete(
            (store, prefs, ui),
            question,
            move |d, now| delete_campaign(d, id, now),
            // Back to the list, where an undo shows it again.
            move || ui.replace_query(|q: &mut CampaignsQuery| q.open = None),
        );
    };
    let back = CampaignsQuery::default().to_route().to_hash();
    let offset = platform::local_offset();

    let bar = move |p: Progress| {
        let total = p.total().max(1) as f64;
        TaskStatus::ALL
            .into_iter()
            .map(|s| {
                let width = format!("width: {:.3}%", p.count(s) as f64 / total * 100.0);
                view! { <span class=format!("progress-part progress-{}", s.code()) style=width></span> }
            })
            .collect_view()
    };
    let group = move |g: Group, label: Msg, testid: &'static str| {
        view! {
            <div
                class="stat"
                data-testid=testid
                data-customers=g.customers.to_string()
                data-buyers=g.buyers.to_string()
            >
                <dt class="muted small">{move || prefs.tr(label)}</dt>
                <dd>
                    {percent(g.share())}
                    <span class="muted small">
                        " (" {g.buyers} " / " {thousands(g.customers as u64)} ")"
                    </span>
                </dd>
            </div>
        }
    };

    view! {
        <header class="page-head">
            <a class="btn btn-ghost" href=back data-testid="campaign-back">
                "← " {move || prefs.tr(Msg::NavCampaigns)}
            </a>
        </header>
        {move || match campaign.get() {
            None => view! { <p class="muted" data-testid="campaign-missing">{prefs.tr(Msg::CampMissing)}</p> }.into_any(),
            Some(c) => {
                let occasion = c.occasion.clone();
                view! {
                    <div class="card" data-testid="campaign-view" data-id=c.id.to_string()>
                        <h1>{c.name.clone()}</h1>
                        <p class="muted small">
                            {move || occasion_name(prefs.lang.get(), &occasion)}
                            " · " {c.created_at.format_local(offset)}
                            " · " {move || prefs.tr(Msg::CampSegment)} ": " <code>{c.segment.clone()}</code>
                        </p>
                        <p class="campaign-template">{c.template.clone()}</p>
                        <div class="button-row">
                            <button class="btn btn-danger" data-testid="campaign-delete" on:click=delete>
                                {move || prefs.tr(Msg::Delete)}
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            }
        }}
        <div class="card">
            <div class="card-head">
                <h2>{move || prefs.tr(Msg::CampProgress)}</h2>
                <ManagerSelect
                    managers=Signal::derive(move || managers.get())
                    value=Signal::derive(move || manager.get())
                    on_change=set_manager
                    testid="campaign-manager"
                />
            </div>
            {move || {
                let p = figures.get();
                view! {
                    <div
                        data-testid="campaign-progress"
                        data-total=p.total().to_string()
                        data-todo=p.todo.to_string()
                        data-done=p.done.to_string()
                        data-no-answer=p.no_answer.to_string()
                        data-declined=p.declined.to_string()
                    >
                        <div
                            class="progress"
                            role="progressbar"
                            aria-valuemin="0"
                            aria-valuemax=p.total().to_string()
                            aria-valuenow=(p.total() - p.todo).to_string()
                        >
                            {bar(p)}
                        </div>
                        <dl class="stats">
                            {TaskStatus::ALL
                                .into_iter()
                                .map(|s| view! {
                                    <div class="stat">
                                        <dt class="muted small">
                                            <span class=format!("progress-dot progress-{}", s.code())></span>
                                            {move || prefs.tr(task_status_msg(s))}
                                        </dt>
                                        <dd>{thousands(p.count(s) as u64)}</dd>
                                    </div>
                                })
                                .collect_view()}
                            <div class="stat" data-testid="campaign-contacted-share">
                                <dt class="muted small">{move || prefs.tr(Msg::CampContactedShare)}</dt>
                                <dd>{percent(p.contacted_share())}</dd>
                            </div>
                        </dl>
                    </div>
                }
            }}
        </div>
        <div class="card">
            <h2>{move || prefs.tr(Msg::CampResults)}</h2>
            <p class="muted small">
                {move || prefs.tr(Msg::CampResultsHint).replace("{days}", &UPLIFT_DAYS.to_string())}
            </p>
            {move || results.get().map(|u| view! {
                <dl
                    class="stats"
                    data-testid="campaign-results"
                    data-uplift=u.uplift().map(|x| format!("{x:.6}")).unwrap_or_default()
                    data-open=u.open_windows.to_string()
                >
                    {group(u.contacted, Msg::CampContacted, "campaign-contacted")}
                    {group(u.not_contacted, Msg::CampNotContacted, "campaign-not-contacted")}
                    <div class="stat">
                        <dt class="muted small">{move || prefs.tr(Msg::CampUplift)}</dt>
                        <dd>
                            {u.uplift().map_or_else(
                                || "—".to_string(),
                                |x| format!("{:+.1} {}", x * 100.0, prefs.tr(Msg::CampPoints)),
                            )}
                        </dd>
                    </div>
                </dl>
                {(u.open_windows > 0).then(|| view! {
                    <p class="muted small">
                        {move || prefs.tr(Msg::CampOpenWindows).replace("{n}", &thousands(u.open_windows as u64))}
                    </p>
                })}
            })}
        </div>
        <div class="card">
            <div class="card-head">
                <h2>{move || prefs.tr(Msg::CampTasks)}</h2>
                <div class="button-row">
                    <button class="btn" data-testid="campaign-export" on:click=move |_| export(FileKind::Csv)>
                        {move || prefs.tr(Msg::CampExportCsv)}
                    </button>
                    <button class="btn" data-testid="campaign-export-xlsx" on:click=move |_| export(FileKind::Xlsx)>
                        {move || prefs.tr(Msg::ExportXlsx)}
                    </button>
                    <crate::pages::export::MaskToggle mask testid="campaign-mask"/>
                </div>
            </div>
            <p class="muted small">{move || prefs.tr(Msg::CampNeverSends)}</p>
            <TaskList campaign=Signal::derive(move || campaign.get()) rows=Signal::derive(move || rows.get())/>
        </div>
    }
}
