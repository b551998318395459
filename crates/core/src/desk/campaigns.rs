//! Care campaigns: one contact task per customer of a segment, for their manager; progress,
//! the personalised message, and the uplift in orders after contact.
//!
//! A campaign is made once, from the members a segment has at that moment (the page evaluates
//! the query; the campaign keeps the query's text for the record). Its tasks then live on their
//! own: a customer deleted later takes their task along (`Desk::drop_customers`), a customer
//! who joins the segment later is not added. kezhi never sends a message: the manager copies
//! it, or exports the call list, and records what came of the contact.
//!
//! The definitions (contacted share, uplift) are in docs/desk.md.

pub use super::recommendations::Manager;
use crate::dataset::Dataset;
use crate::export::{Cell, ExportOptions, mask_email, mask_phone};
use crate::model::{
    Activity, ActivityKind, Campaign, CampaignTask, Customer, Desk, Gender, OrderStatus, TaskStatus,
};
use crate::sym::Sym;
use crate::time::{MS_PER_DAY, Timestamp};
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

/// Orders are counted this many days from the contact (or, for customers not contacted, from
/// the campaign's creation).
pub const UPLIFT_DAYS: i64 = 30;

/// What a new campaign is made of, as the form has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewCampaign {
    pub name: String,
    /// An occasion code (`model::desk::occasion`) or a team's own text.
    pub occasion: String,
    /// The segment's query (a saved segment is `in_segment("name")`).
    pub segment: String,
    pub template: String,
}

/// Why a campaign cannot be made (worded by the app).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignError {
    NameMissing,
    OccasionMissing,
    TemplateMissing,
    /// The segment holds nobody: a campaign without tasks helps nobody.
    NoMembers,
}

/// The campaign and one task per member (positions in `data.customers`; repeats and positions
/// past the end are ignored), each for the customer's account manager, to do. Every record
/// is stamped `now`; ids come from `new_id` (the campaign's first, then the tasks' in the
/// members' order).
pub fn create_campaign(
    data: &Dataset,
    members: &[usize],
    new: &NewCampaign,
    now: Timestamp,
    new_id: &mut impl FnMut() -> Uuid,
) -> Result<(Campaign, Vec<CampaignTask>), CampaignError> {
    let (name, occasion, template) = (new.name.trim(), new.occasion.trim(), new.template.trim());
    if name.is_empty() {
        return Err(CampaignError::NameMissing);
    }
    if occasion.is_empty() {
        return Err(CampaignError::OccasionMissing);
    }
    if template.is_empty() {
        return Err(CampaignError::TemplateMissing);
    }
    let mut positions: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| i < data.customers.len())
        .collect();
    positions.sort_unstable();
    positions.dedup();
    if positions.is_empty() {
        return Err(CampaignError::NoMembers);
    }
    let campaign = Campaign {
        id: new_id(),
        name: name.to_string(),
        occasion: occasion.to_string(),
        segment: new.segment.trim().to_string(),
        template: template.to_string(),
        created_at: now,
        updated_at: now,
    };
    let tasks = positions
        .into_iter()
        .map(|i| {
            let customer = &data.customers[i];
            CampaignTask {
                id: new_id(),
                campaign_id: campaign.id,
                customer_id: customer.id,
                owner: customer.owner.map(|o| o.as_str().to_string()),
                status: TaskStatus::Todo,
                done_at: None,
                updated_at: now,
            }
        })
        .collect();
    Ok((campaign, tasks))
}

/// Adds a new campaign and its tasks to the desk, in the desk's order (by id).
pub fn add_campaign(desk: &mut Desk, campaign: Campaign, tasks: Vec<CampaignTask>) {
    desk.campaigns.push(campaign);
    desk.tasks.extend(tasks);
    desk.normalize();
}

/// What [`set_task_status`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marked {
    /// No task has this id.
    NotFound,
    /// The task already had this status: nothing was written.
    Unchanged,
    /// The status changed; `care` is the Care activity recorded on the customer when the
    /// contact was made (the task became done).
    Changed { care: Option<Uuid> },
}

/// Sets a task's status, stamped `now`. Done, no answer and declined record when the contact
/// was made or tried (`done_at = now`); back to do clears it. A task that becomes done also
/// records a Care activity on the customer, named after the campaign, for the manager — the
/// same record a contact typed on the customer page is — so the customer's history, Today and
/// the reports see it. Going back from done keeps that activity: the contact happened.
pub fn set_task_status(
    data: &mut Dataset,
    task: Uuid,
    status: TaskStatus,
    now: Timestamp,
    new_id: &mut impl FnMut() -> Uuid,
) -> Marked {
    let Some(t) = data.desk.tasks.iter_mut().find(|t| t.id == task) else {
        return Marked::NotFound;
    };
    if t.status == status {
        return Marked::Unchanged;
    }
    t.status = status;
    t.done_at = (status != TaskStatus::Todo).then_some(now);
    t.updated_at = now;
    if status != TaskStatus::Done {
        return Marked::Changed { care: None };
    }
    let (campaign_id, customer_id, task_owner) = (t.campaign_id, t.customer_id, t.owner.clone());
    let name = data
        .desk
        .campaigns
        .iter()
        .find(|c| c.id == campaign_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    // The manager responsible now, as the customer page records a contact; the task's when
    // the customer has none.
    let owner = data
        .customer(customer_id)
        .and_then(|c| c.owner.map(|o| o.as_str().to_string()))
        .or(task_owner);
    let id = new_id();
    data.activities.push(Activity {
        id,
        customer_id,
        kind: ActivityKind::Care,
        at: now,
        text: name,
        owner,
        next_follow_up: None,
        outcome: None,
        updated_at: now,
    });
    Marked::Changed { care: Some(id) }
}

/// How far a campaign (or one manager's share of it) has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub todo: usize,
    pub done: usize,
    pub no_answer: usize,
    pub declined: usize,
}

impl Progress {
    pub fn total(&self) -> usize {
        self.todo + self.done + self.no_answer + self.declined
    }
    pub fn count(&self, status: TaskStatus) -> usize {
        match status {
            TaskStatus::Todo => self.todo,
            TaskStatus::Done => self.done,
            TaskStatus::NoAnswer => self.no_answer,
            TaskStatus::Declined => self.declined,
        }
    }
    fn add(&mut self, status: TaskStatus) {
        match status {
            TaskStatus::Todo => self.todo += 1,
            TaskStatus::Done => self.done += 1,
            TaskStatus::NoAnswer => self.no_answer += 1,
            TaskStatus::Declined => self.declined += 1,
        }
    }
    /// The contacted share: done ÷ tasks (`None` without tasks).
    pub fn contacted_share(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.done as f64 / total as f64)
    }
}

/// The progress of `campaign`'s tasks of `manager`.
pub fn progress(desk: &Desk, campaign: Uuid, manager: &Manager) -> Progress {
    let mut p = Progress::default();
    for t in &desk.tasks {
        if t.campaign_id == campaign && manager.includes(t.owner.as_deref()) {
            p.add(t.status);
        }
    }
    p
}

/// The tasks of `campaign` for `manager` (indices into `desk.tasks`), as the page lists them:
/// to do first, then by manager, then by the customer's name (customers no longer present
/// last), then by id.
pub fn tasks_of(data: &Dataset, campaign: Uuid, manager: &Manager) -> Vec<usize> {
    let positions = data.customer_positions();
    let name = |t: &CampaignTask| {
        positions
            .get(&t.customer_id)
            .map(|&i| data.customers[i].name.as_str())
    };
    let mut rows: Vec<usize> = (0..data.desk.tasks.len())
        .filter(|&k| {
            let t = &data.desk.tasks[k];
            t.campaign_id == campaign && manager.includes(t.owner.as_deref())
        })
        .collect();
    crate::sorting::sort_by(&mut rows, |&a, &b| {
        let (a, b) = (&data.desk.tasks[a], &data.desk.tasks[b]);
        let key = |t: &CampaignTask| {
            let n = name(t);
            (t.status != TaskStatus::Todo, t.owner.is_none(), n.is_none())
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.owner.cmp(&b.owner))
            .then_with(|| name(a).cmp(&name(b)))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// The managers of a campaign's tasks, in name order (`None`, tasks without a manager, last).
pub fn task_managers(desk: &Desk, campaign: Uuid) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = desk
        .tasks
        .iter()
        .filter(|t| t.campaign_id == campaign)
        .map(|t| t.owner.clone())
        .collect();
    crate::sorting::sort_unstable_by(&mut out, |a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
    out.dedup();
    out
}

/// The campaigns, newest first.
pub fn campaigns_newest_first(desk: &Desk) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..desk.campaigns.len()).collect();
    crate::sorting::sort_by(&mut rows, |&a, &b| {
        let (a, b) = (&desk.campaigns[a], &desk.campaigns[b]);
        (b.created_at, b.id).cmp(&(a.created_at, a.id))
    });
    rows
}

/// How a message addresses a customer. A code: the app words it (先生/女士 in a Chinese
/// message, Mr/Ms in another; see [`written_in_chinese`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Title {
    Mr,
    Ms,
}

impl Title {
    /// From the customer's gender; unknown gender has no title (the message uses the name
    /// alone rather than guess).
    pub fn of(gender: Gender) -> Option<Title> {
        match gender {
            Gender::Male => Some(Title::Mr),
            Gender::Female => Some(Title::Ms),
            Gender::Unknown => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Title::Mr => "mr",
            Title::Ms => "ms",
        }
    }
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 3] = ["{name}", "{title}", "{owner}"];

/// Whether a template is written in Chinese (it holds a CJK ideograph): its `{title}` is then
/// 先生/女士, else Mr/Ms. The message's language, not the page's, decides: it goes to the
/// customer.
pub fn written_in_chinese(template: &str) -> bool {
    template.chars().any(|c| {
        matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
    })
}

/// The message for one customer: `{name}` is the customer's name, `{title}` the word
/// `title_word` gives for their [`Title`], `{owner}` the manager's name. A placeholder with
/// nothing to put in (no known gender, no manager) is left out together with one space next
/// to it, so `Dear {title} {name}` reads `Dear 王芳`. Any other text in braces stays as typed.
pub fn render_message(
    template: &str,
    customer: &Customer,
    owner: Option<&str>,
    title_word: impl Fn(Title) -> &'static str,
) -> String {
    let title = Title::of(customer.gender).map(title_word).unwrap_or("");
    let value = |placeholder: &str| match placeholder {
        "{name}" => Some(customer.name.trim()),
        "{title}" => Some(title),
        "{owner}" => Some(owner.map(str::trim).unwrap_or("")),
        _ => None,
    };
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        let found = tail
            .find('}')
            .map(|close| &tail[..=close])
            .and_then(|p| value(p).map(|v| (p.len(), v)));
        match found {
            Some((len, v)) if !v.is_empty() => {
                out.push_str(v);
                rest = &tail[len..];
            }
            Some((len, _)) => {
                rest = &tail[len..];
                // Left out: so is one space beside it (the one after it, else the one before).
                if let Some(after) = rest.strip_prefix(' ') {
                    rest = after;
                } else if out.ends_with(' ') {
                    out.pop();
                }
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The message of a task: the campaign's template for the task's customer and manager.
pub fn task_message(
    campaign: &Campaign,
    customer: &Customer,
    task: &CampaignTask,
    title_word: impl Fn(Title) -> &'static str,
) -> String {
    let owner = task.owner.as_deref().or(customer.owner.map(Sym::as_str));
    render_message(&campaign.template, customer, owner, title_word)
}

/// One group of the uplift comparison: its customers, and those of them with at least one
/// paid order in their window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Group {
    pub customers: usize,
    pub buyers: usize,
}

impl Group {
    /// Buyers ÷ customers (`None` for an empty group).
    pub fn share(&self) -> Option<f64> {
        (self.customers > 0).then(|| self.buyers as f64 / self.customers as f64)
    }
}

/// Orders after contact: the contacted customers (task done; window from the contact) against
/// the campaign's other customers (to do, no answer, declined; window from the campaign's
/// creation). Customers no longer present are in neither group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uplift {
    pub contacted: Group,
    pub not_contacted: Group,
    /// Windows not yet over at the time asked: their figures may still grow.
    pub open_windows: usize,
}

impl Uplift {
    /// The contacted group's share of buyers minus the other group's, in shares (0.05 = five
    /// percentage points); `None` while either group is empty.
    pub fn uplift(&self) -> Option<f64> {
        Some(self.contacted.share()? - self.not_contacted.share()?)
    }
}

/// The uplift of `campaign` at `now`: per customer of its tasks, whether they paid for at
/// least one order in the [`UPLIFT_DAYS`] days from the start of their window (the contact,
/// or the campaign's creation for those not contacted). A done task without a contact time
/// (written by another tool) counts from its last change.
pub fn uplift(data: &Dataset, campaign: &Campaign, now: Timestamp) -> Uplift {
    let present: FxHashSet<Uuid> = data.customers.iter().map(|c| c.id).collect();
    // Per customer: (window start, contacted). Should a customer have two tasks (two devices
    // added the same member), a done one counts.
    let mut windows: FxHashMap<Uuid, (Timestamp, bool)> = FxHashMap::default();
    for t in &data.desk.tasks {
        if t.campaign_id != campaign.id || !present.contains(&t.customer_id) {
            continue;
        }
        let window = if t.status == TaskStatus::Done {
            (t.done_at.unwrap_or(t.updated_at), true)
        } else {
            (campaign.created_at, false)
        };
        windows
            .entry(t.customer_id)
            .and_modify(|w| {
                if window.1 && !w.1 {
                    *w = window;
                }
            })
            .or_insert(window);
    }
    let length = UPLIFT_DAYS * MS_PER_DAY;
    let mut bought: FxHashSet<Uuid> = FxHashSet::default();
    for o in &data.orders {
        if o.status != OrderStatus::Paid {
            continue;
        }
        if let Some(&(start, _)) = windows.get(&o.customer_id)
            && o.ordered_at >= start
            && o.ordered_at < start.plus_millis(length)
        {
            bought.insert(o.customer_id);
        }
    }
    let mut out = Uplift::default();
    for (customer, (start, contacted)) in &windows {
        let group = if *contacted {
            &mut out.contacted
        } else {
            &mut out.not_contacted
        };
        group.customers += 1;
        group.buyers += usize::from(bought.contains(customer));
        out.open_windows += usize::from(start.plus_millis(length) > now);
    }
    out
}

/// The call list's columns (the cells of [`call_list`]).
pub const CALL_LIST_COLUMNS: [&str; 8] = [
    "customer_id",
    "name",
    "phone",
    "email",
    "owner",
    "status",
    "contacted_at",
    "message",
];

/// The call list of the tasks at `rows` (indices into `desk.tasks`): who to contact, how, and
/// the message; phones and e-mails masked when the options say so. `status` names a status
/// (the app's words). Tasks whose customer is gone are left out.
pub fn call_list(
    data: &Dataset,
    campaign: &Campaign,
    rows: &[usize],
    options: &ExportOptions,
    status: impl Fn(TaskStatus) -> String,
    title_word: impl Fn(Title) -> &'static str + Copy,
) -> Vec<Vec<Cell>> {
    let positions = data.customer_positions();
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let masked = |v: Option<&str>, mask: fn(&str) -> String| match v {
        Some(v) if options.mask => text(&mask(v)),
        Some(v) => text(v),
        None => Cell::Empty,
    };
    rows.iter()
        .filter_map(|&k| {
            let t = data.desk.tasks.get(k)?;
            let c = &data.customers[*positions.get(&t.customer_id)?];
            Some(vec![
                Cell::Text(c.id.to_string()),
                text(&c.name),
                masked(c.phone.as_deref(), mask_phone),
                masked(c.email.as_deref(), mask_email),
                text(t.owner.as_deref().unwrap_or("")),
                Cell::Text(status(t.status)),
                t.done_at
                    .and_then(|d| d.to_offset(options.offset))
                    .map_or(Cell::Empty, |d| Cell::Date(d.date_naive())),
                text(&task_message(campaign, c, t, title_word)),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Order, RecordKind};
    use chrono::FixedOffset;

    const DAY: i64 = MS_PER_DAY;
    /// 2026-09-20 00:00 UTC: the campaign's creation in these fixtures.
    const T0: Timestamp = Timestamp(1_789_862_400_000);

    fn words(t: Title) -> &'static str {
        match t {
            Title::Mr => "先生",
            Title::Ms => "女士",
        }
    }

    fn english(t: Title) -> &'static str {
        match t {
            Title::Mr => "Mr",
            Title::Ms => "Ms",
        }
    }

    fn customer(n: u128, name: &str, gender: Gender, owner: Option<&str>) -> Customer {
        let mut c = Customer::new(Uuid::from_u128(n), name, Timestamp(0));
        c.gender = gender;
        c.owner = owner.map(Sym::new);
        c.phone = Some(format!("1380013{n:04}"));
        c
    }

    fn order(n: u128, customer: u128, at: Timestamp, status: OrderStatus) -> Order {
        Order {
            id: Uuid::from_u128(9000 + n),
            customer_id: Uuid::from_u128(customer),
            source_order_id: format!("O{n}"),
            ordered_at: at,
            amount_cents: 10_000,
            item_count: 1,
            channel: Sym::new("tmall"),
            status,
            updated_at: at,
        }
    }

    /// Five customers: 1 王芳 (Ms, 李经理), 2 张伟 (Mr, 李经理), 3 陈静 (unknown, 赵经理),
    /// 4 刘洋 (Mr, no manager), 5 周敏 (Ms, 赵经理).
    fn data() -> Dataset {
        Dataset {
            customers: vec![
                customer(1, "王芳", Gender::Female, Some("李经理")),
                customer(2, "张伟", Gender::Male, Some("李经理")),
                customer(3, "陈静", Gender::Unknown, Some("赵经理")),
                customer(4, "刘洋", Gender::Male, None),
                customer(5, "周敏", Gender::Female, Some("赵经理")),
            ],
            ..Dataset::default()
        }
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 100u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    fn new() -> NewCampaign {
        NewCampaign {
            name: " 中秋关怀 ".into(),
            occasion: "mid_autumn".into(),
            segment: "orders >= 1".into(),
            template: "{name}{title}您好，我是{owner}，祝您中秋快乐！".into(),
        }
    }

    fn created() -> Dataset {
        let mut d = data();
        let (c, tasks) =
            create_campaign(&d, &[4, 0, 2, 0, 3, 99], &new(), T0, &mut ids()).expect("a campaign");
        add_campaign(&mut d.desk, c, tasks);
        d
    }

    #[test]
    fn one_task_per_member_for_the_customers_manager() {
        let d = data();
        let (c, tasks) =
            create_campaign(&d, &[4, 0, 2, 0, 3, 99], &new(), T0, &mut ids()).expect("a campaign");
        assert_eq!(c.id, Uuid::from_u128(101));
        assert_eq!(c.name, "中秋关怀");
        assert_eq!((c.created_at, c.updated_at), (T0, T0));
        assert_eq!(c.segment, "orders >= 1");
        // Repeats and positions past the end are dropped; in the customers' order.
        let got: Vec<(u128, u128, Option<&str>, TaskStatus)> = tasks
            .iter()
            .map(|t| {
                (
                    t.id.as_u128(),
                    t.customer_id.as_u128(),
                    t.owner.as_deref(),
                    t.status,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (102, 1, Some("李经理"), TaskStatus::Todo),
                (103, 3, Some("赵经理"), TaskStatus::Todo),
                (104, 4, None, TaskStatus::Todo),
                (105, 5, Some("赵经理"), TaskStatus::Todo),
            ]
        );
        assert!(
            tasks
                .iter()
                .all(|t| t.campaign_id == c.id && t.done_at.is_none() && t.updated_at == T0)
        );
    }

    #[test]
    fn a_campaign_needs_a_name_an_occasion_a_template_and_members() {
        let d = data();
        let mut n = new();
        n.name = "  ".into();
        assert_eq!(
            create_campaign(&d, &[0], &n, T0, &mut ids()),
            Err(CampaignError::NameMissing)
        );
        let mut n = new();
        n.occasion = String::new();
        assert_eq!(
            create_campaign(&d, &[0], &n, T0, &mut ids()),
            Err(CampaignError::OccasionMissing)
        );
        let mut n = new();
        n.template = " ".into();
        assert_eq!(
            create_campaign(&d, &[0], &n, T0, &mut ids()),
            Err(CampaignError::TemplateMissing)
        );
        assert_eq!(
            create_campaign(&d, &[7, 8], &new(), T0, &mut ids()),
            Err(CampaignError::NoMembers)
        );
    }

    #[test]
    fn messages_are_personalised_and_absent_values_leave_no_gap() {
        let d = data();
        let t = "{name}{title}您好，我是{owner}，祝您中秋快乐！";
        assert_eq!(
            render_message(t, &d.customers[0], Some("李经理"), words),
            "王芳女士您好，我是李经理，祝您中秋快乐！"
        );
        assert_eq!(
            render_message(t, &d.customers[1], Some("李经理"), words),
            "张伟先生您好，我是李经理，祝您中秋快乐！"
        );
        // Unknown gender: the name alone. No manager: nothing in its place.
        assert_eq!(
            render_message(t, &d.customers[2], None, words),
            "陈静您好，我是，祝您中秋快乐！"
        );
        // In English the space beside an absent value goes too.
        let e = "Dear {title} {name}, best wishes from {owner} and {unknown} {}!";
        assert_eq!(
            render_message(e, &d.customers[1], Some("Li"), english),
            "Dear Mr 张伟, best wishes from Li and {unknown} {}!"
        );
        assert_eq!(
            render_message(e, &d.customers[2], None, english),
            "Dear 陈静, best wishes from and {unknown} {}!"
        );
        assert_eq!(
            render_message("{name} {title}", &d.customers[2], None, english),
            "陈静"
        );
        // A template without placeholders, and unbalanced braces, stay as typed.
        assert_eq!(
            render_message("中秋快乐 {name", &d.customers[0], None, words),
            "中秋快乐 {name"
        );
        assert_eq!(
            render_message("}{{name}}", &d.customers[0], None, words),
            "}{王芳}"
        );
        assert!(written_in_chinese(t));
        assert!(!written_in_chinese(e));
        // The task's manager, else the customer's.
        let c = created();
        let campaign = &c.desk.campaigns[0];
        let task = |n: u128| {
            c.desk
                .tasks
                .iter()
                .find(|t| t.customer_id == Uuid::from_u128(n))
                .expect("task")
        };
        assert_eq!(
            task_message(campaign, &c.customers[4], task(5), words),
            "周敏女士您好，我是赵经理，祝您中秋快乐！"
        );
        assert_eq!(
            task_message(campaign, &c.customers[3], task(4), words),
            "刘洋先生您好，我是，祝您中秋快乐！"
        );
    }

    #[test]
    fn status_changes_stamp_the_task_and_done_records_a_care_activity() {
        let mut d = created();
        let task = |d: &Dataset, n: u128| {
            d.desk
                .tasks
                .iter()
                .find(|t| t.customer_id == Uuid::from_u128(n))
                .expect("task")
                .clone()
        };
        let t1 = task(&d, 1).id;
        let later = T0.plus_millis(DAY);
        let mut ids = || Uuid::from_u128(777);
        assert_eq!(
            set_task_status(&mut d, t1, TaskStatus::Done, later, &mut ids),
            Marked::Changed {
                care: Some(Uuid::from_u128(777))
            }
        );
        let t = task(&d, 1);
        assert_eq!(
            (t.status, t.done_at, t.updated_at),
            (TaskStatus::Done, Some(later), later)
        );
        assert_eq!(
            d.activities,
            vec![Activity {
                id: Uuid::from_u128(777),
                customer_id: Uuid::from_u128(1),
                kind: ActivityKind::Care,
                at: later,
                text: "中秋关怀".into(),
                owner: Some("李经理".into()),
                next_follow_up: None,
                outcome: None,
                updated_at: later,
            }]
        );
        assert_eq!(
            set_task_status(&mut d, t1, TaskStatus::Done, later, &mut ids),
            Marked::Unchanged
        );
        // No answer, declined: tried, no activity. Back to do: the contact time goes.
        let t3 = task(&d, 3).id;
        let then = later.plus_millis(DAY);
        assert_eq!(
            set_task_status(&mut d, t3, TaskStatus::NoAnswer, then, &mut ids),
            Marked::Changed { care: None }
        );
        assert_eq!(task(&d, 3).done_at, Some(then));
        set_task_status(&mut d, t3, TaskStatus::Todo, then, &mut ids);
        assert_eq!(task(&d, 3).done_at, None);
        assert_eq!(d.activities.len(), 1);
        assert_eq!(
            set_task_status(&mut d, Uuid::from_u128(1), TaskStatus::Done, then, &mut ids),
            Marked::NotFound
        );
        // A customer without a manager: the activity has none either.
        let t4 = task(&d, 4).id;
        set_task_status(&mut d, t4, TaskStatus::Done, then, &mut || {
            Uuid::from_u128(778)
        });
        assert_eq!(d.activities[1].owner, None);
    }

    #[test]
    fn progress_per_manager_and_the_task_list_order() {
        let mut d = created();
        let campaign = d.desk.campaigns[0].id;
        let id_of = |d: &Dataset, n: u128| {
            d.desk
                .tasks
                .iter()
                .find(|t| t.customer_id == Uuid::from_u128(n))
                .expect("task")
                .id
        };
        let (t1, t3, t4) = (id_of(&d, 1), id_of(&d, 3), id_of(&d, 4));
        let mut ids = ids();
        set_task_status(&mut d, t1, TaskStatus::Done, T0, &mut ids);
        set_task_status(&mut d, t3, TaskStatus::Declined, T0, &mut ids);
        set_task_status(&mut d, t4, TaskStatus::NoAnswer, T0, &mut ids);
        let all = progress(&d.desk, campaign, &Manager::Everyone);
        assert_eq!(
            all,
            Progress {
                todo: 1,
                done: 1,
                no_answer: 1,
                declined: 1
            }
        );
        assert_eq!(all.total(), 4);
        assert_eq!(all.contacted_share(), Some(0.25));
        let zhao = progress(&d.desk, campaign, &Manager::Named("赵经理".into()));
        assert_eq!((zhao.todo, zhao.declined, zhao.total()), (1, 1, 2));
        assert_eq!(
            progress(&d.desk, campaign, &Manager::Unassigned).no_answer,
            1
        );
        assert_eq!(Progress::default().contacted_share(), None);
        // To do first, then by manager (none last), then by name.
        let names = |rows: Vec<usize>| -> Vec<u128> {
            rows.iter()
                .map(|&k| d.desk.tasks[k].customer_id.as_u128())
                .collect()
        };
        assert_eq!(
            names(tasks_of(&d, campaign, &Manager::Everyone)),
            vec![5, 1, 3, 4]
        );
        assert_eq!(
            names(tasks_of(&d, campaign, &Manager::Named("赵经理".into()))),
            vec![5, 3]
        );
        assert_eq!(
            task_managers(&d.desk, campaign),
            vec![Some("李经理".into()), Some("赵经理".into()), None]
        );
    }

    #[test]
    fn uplift_compares_orders_after_contact_with_the_others() {
        let mut d = created();
        let campaign = d.desk.campaigns[0].clone();
        let id_of = |d: &Dataset, n: u128| {
            d.desk
                .tasks
                .iter()
                .find(|t| t.customer_id == Uuid::from_u128(n))
                .expect("task")
                .id
        };
        let mut ids = ids();
        // 1 and 3 contacted on day 5; 4 no answer; 5 to do.
        for n in [1, 3] {
            let t = id_of(&d, n);
            set_task_status(
                &mut d,
                t,
                TaskStatus::Done,
                T0.plus_millis(5 * DAY),
                &mut ids,
            );
        }
        let t4 = id_of(&d, 4);
        set_task_status(
            &mut d,
            t4,
            TaskStatus::NoAnswer,
            T0.plus_millis(DAY),
            &mut ids,
        );
        let at = |days: i64| T0.plus_millis(days * DAY);
        d.orders = vec![
            // 1: bought on day 34, inside 5 + 30 (twice: counted once).
            order(1, 1, at(34), OrderStatus::Paid),
            order(2, 1, at(20), OrderStatus::Paid),
            // 3: only before the contact, and on day 35 (the window's end, excluded).
            order(3, 3, at(4), OrderStatus::Paid),
            order(4, 3, at(35), OrderStatus::Paid),
            // 4: a refund in the window does not count; 5 bought on day 29.
            order(5, 4, at(2), OrderStatus::Refunded),
            order(6, 5, at(29), OrderStatus::Paid),
            // 2 was never a member.
            order(7, 2, at(3), OrderStatus::Paid),
        ];
        let u = uplift(&d, &campaign, at(100));
        assert_eq!(
            u,
            Uplift {
                contacted: Group {
                    customers: 2,
                    buyers: 1
                },
                not_contacted: Group {
                    customers: 2,
                    buyers: 1
                },
                open_windows: 0,
            }
        );
        assert_eq!(u.uplift(), Some(0.0));
        // At day 31, the contacted windows (to day 35) are still open.
        assert_eq!(uplift(&d, &campaign, at(31)).open_windows, 2);
        // A member deleted after the campaign was made takes their task along and leaves both
        // the progress and the comparison.
        assert!(d.delete_customer(Uuid::from_u128(5), at(50)));
        assert_eq!(
            d.tombstones
                .iter()
                .filter(|t| t.kind == RecordKind::Customer)
                .count(),
            1
        );
        let u = uplift(&d, &campaign, at(100));
        assert_eq!(
            u.not_contacted,
            Group {
                customers: 1,
                buyers: 0
            }
        );
        assert_eq!(u.uplift(), Some(0.5));
        assert_eq!(
            progress(&d.desk, campaign.id, &Manager::Everyone).total(),
            3
        );
        // A task whose customer is gone without its task (a partial sync) is left out too.
        d.customers.retain(|c| c.id != Uuid::from_u128(1));
        let u = uplift(&d, &campaign, at(100));
        assert_eq!(
            u.contacted,
            Group {
                customers: 1,
                buyers: 0
            }
        );
        assert_eq!(u.uplift(), Some(0.0));
        let nobody = Uplift::default();
        assert_eq!((nobody.uplift(), nobody.contacted.share()), (None, None));
    }

    #[test]
    fn the_call_list_masks_and_personalises() {
        let d = created();
        let campaign = d.desk.campaigns[0].clone();
        let rows = tasks_of(&d, campaign.id, &Manager::Named("李经理".into()));
        let options = ExportOptions {
            mask: true,
            chinese: true,
            offset: FixedOffset::east_opt(8 * 3600).expect("offset"),
            names: crate::export::ClassNames::CODES,
        };
        let cells = call_list(&d, &campaign, &rows, &options, |s| s.code().into(), words);
        assert_eq!(
            cells,
            vec![vec![
                Cell::Text(Uuid::from_u128(1).to_string()),
                Cell::Text("王芳".into()),
                Cell::Text("138****0001".into()),
                Cell::Empty,
                Cell::Text("李经理".into()),
                Cell::Text("todo".into()),
                Cell::Empty,
                Cell::Text("王芳女士您好，我是李经理，祝您中秋快乐！".into()),
            ]]
        );
        assert_eq!(cells[0].len(), CALL_LIST_COLUMNS.len());
    }
}
