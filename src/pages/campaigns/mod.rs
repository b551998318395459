//! Care campaigns (关怀): the list of campaigns and a new one's form; one campaign's view
//! (`id` in the URL) with its progress, its tasks per manager (`owner`), the personalised
//! messages, the call list and the results. kezhi never sends a message itself. The rules
//! are the core's (`kezhi_core::desk::campaigns`, docs/desk.md).

mod new;
mod tasks;
mod view;

use crate::components::EmptyState;
use crate::i18n::{Lang, Msg, t};
use crate::pages::recommendations::{manager_from_param, manager_param};
use crate::platform;
use crate::prefs::use_prefs;
use crate::route::{PageQuery, Route, View};
use crate::store::use_store;
use crate::ui::use_ui;
use kezhi_core::TaskStatus;
use kezhi_core::desk::campaigns::{Manager, campaigns_newest_first, progress};
use kezhi_core::model::desk::occasion;
use leptos::prelude::*;
use new::NewCampaignForm;
use uuid::Uuid;
use view::CampaignView;

/// The page's state in its URL: the campaign open (`id`) and the manager whose tasks it shows
/// (`owner`; `-` for tasks without one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignsQuery {
    pub open: Option<Uuid>,
    pub manager: Manager,
}

impl PageQuery for CampaignsQuery {
    fn from_route(r: &Route) -> Self {
        CampaignsQuery {
            open: r.param("id").and_then(|id| Uuid::parse_str(id).ok()),
            manager: manager_from_param(r.param("owner")),
        }
    }
    fn to_route(&self) -> Route {
        Route::new(View::Campaigns)
            .with("id", self.open.map(|id| id.to_string()))
            .with("owner", manager_param(&self.manager))
    }
}

/// The built-in occasions in the form's order, with their names.
pub const OCCASIONS: [(&str, Msg); 4] = [
    (occasion::SPRING_FESTIVAL, Msg::OccSpringFestival),
    (occasion::MID_AUTUMN, Msg::OccMidAutumn),
    (occasion::BIRTHDAY, Msg::OccBirthday),
    (occasion::MEMBER_DAY, Msg::OccMemberDay),
];

/// A personalised message, read-only, ready to select and copy.
#[component]
pub fn MessageArea(
    message: String,
    testid: &'static str,
    area: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let prefs = crate::prefs::use_prefs();
    view! {
        <textarea
            class="campaign-message"
            data-testid=testid
            readonly
            rows="2"
            node_ref=area
            aria-label=move || prefs.tr(Msg::CampMessage)
            prop:value=message
        ></textarea>
    }
}

/// Copies a personalised message and says what came of it once the browser has answered:
/// copied, or (no clipboard, or the browser refused) selected for Ctrl+C. The text is selected
/// either way.
pub fn copy_message(
    area: NodeRef<leptos::html::Textarea>,
    text: &str,
    prefs: crate::prefs::Prefs,
    ui: crate::ui::Ui,
) {
    if let Some(el) = area.get() {
        el.select();
    }
    let copying = crate::platform::copy_text(text);
    leptos::task::spawn_local(async move {
        let copied = match copying {
            Some(answer) => answer.await.is_ok(),
            None => false,
        };
        let msg = if copied {
            Msg::TaskCopied
        } else {
            Msg::TaskSelected
        };
        ui.toast(crate::ui::ToastKind::Info, prefs.tr(msg));
    });
}

/// An occasion's name: a built-in code's in the language, a team's own as typed.
pub fn occasion_name(lang: Lang, code: &str) -> String {
    OCCASIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, m)| t(lang, *m).to_string())
}

pub fn task_status_msg(s: TaskStatus) -> Msg {
    match s {
        TaskStatus::Todo => Msg::TaskTodo,
        TaskStatus::Done => Msg::TaskDone,
        TaskStatus::NoAnswer => Msg::TaskNoAnswer,
        TaskStatus::Declined => Msg::TaskDeclined,
    }
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let store = use_store();
    let ui = use_ui();
    let prefs = use_prefs();
    let empty = Memo::new(move |_| store.data.with(|d| d.customers.is_empty()));
    let open = Memo::new(move |_| ui.query::<CampaignsQuery>().open);
    view! {
        <section class="page">
            <Show when=move || !empty.get() fallback=|| view! { <EmptyState/> }>
                {move || match open.get() {
                    Some(id) => view! { <CampaignView id/> }.into_any(),
                    None => view! {
                        <header class="page-head">
                            <h1>{move || prefs.tr(Msg::NavCampaigns)}</h1>
                        </header>
                        <p class="muted small">{move || prefs.tr(Msg::CampHint)}</p>
                        <div class="desk-layout">
                            <CampaignList/>
                            <NewCampaignForm/>
                        </div>
                    }
                    .into_any(),
                }}
            </Show>
        </section>
    }
}

/// The campaigns, newest first, each with how far it has come.
#[component]
fn CampaignList() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let rows = Memo::new(move |_| {
        store.data.with(|d| {
            campaigns_newest_first(&d.desk)
                .into_iter()
                .map(|k| {
                    let c = d.desk.campaigns[k].clone();
                    let p = progress(&d.desk, c.id, &Manager::Everyone);
                    (c, p)
                })
                .collect::<Vec<_>>()
        })
    });
    let offset = platform::local_offset();
    view! {
        <div class="card">
            <h2>{move || prefs.tr(Msg::CampListTitle)}</h2>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=move || view! { <p class="muted">{move || prefs.tr(Msg::CampNone)}</p> }
            >
                <ul class="desk-list">
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|(c, p)| {
                                let href = CampaignsQuery { open: Some(c.id), ..Default::default() }
                                    .to_route()
                                    .to_hash();
                                let occasion = c.occasion.clone();
                                view! {
                                    <li
                                        data-testid="campaign-item"
                                        data-id=c.id.to_string()
                                        data-tasks=p.total().to_string()
                                        data-done=p.done.to_string()
                                    >
                                        <a href=href data-testid="campaign-open"><strong>{c.name.clone()}</strong></a>
                                        <span class="muted small">
                                            {move || occasion_name(prefs.lang.get(), &occasion)}
                                            " · " {c.created_at.format_date(offset)}
                                            " · " {move || prefs.tr(Msg::TaskDone)} " " {p.done} " / " {p.total()}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_and_a_manager_round_trip_in_the_url() {
        for url in [
            "#/campaigns",
            "#/campaigns?id=00000000-0000-0000-0000-000000000007",
            "#/campaigns?id=00000000-0000-0000-0000-000000000007&owner=%E6%9D%8E",
            "#/campaigns?id=00000000-0000-0000-0000-000000000007&owner=-",
        ] {
            let q = CampaignsQuery::from_route(&Route::parse(url));
            assert_eq!(q.to_route().to_hash(), url);
        }
        let q = CampaignsQuery::from_route(&Route::parse("#/campaigns?id=nonsense&owner=-"));
        assert_eq!((q.open, q.manager), (None, Manager::Unassigned));
        assert_eq!(occasion_name(Lang::Zh, "mid_autumn"), "中秋");
        assert_eq!(occasion_name(Lang::En, "mid_autumn"), "Mid-Autumn Festival");
        assert_eq!(occasion_name(Lang::En, "开业周年"), "开业周年");
    }

    #[test]
    fn the_title_follows_the_message_language() {
        use crate::i18n::title_word;
        use kezhi_core::desk::campaigns::{Title, render_message, written_in_chinese};
        let mut c = kezhi_core::Customer::new(Uuid::nil(), "王芳", kezhi_core::Timestamp(0));
        c.gender = kezhi_core::Gender::Female;
        let zh = "{name}{title}，中秋快乐";
        let en = "Dear {title} {name}";
        let (zh_words, en_words) = (written_in_chinese(zh), written_in_chinese(en));
        assert_eq!(
            render_message(zh, &c, None, |x| title_word(x, zh_words)),
            "王芳女士，中秋快乐"
        );
        assert_eq!(
            render_message(en, &c, None, |x| title_word(x, en_words)),
            "Dear Ms 王芳"
        );
        assert_eq!(title_word(Title::Mr, true), "先生");
        assert_eq!(title_word(Title::Mr, false), "Mr");
    }
}
