//! The account manager's day: what to do now, in one list (issue 16; the rules are in
//! docs/today.md). Follow-ups due today, overdue follow-ups, birthdays within a week, and
//! customers newly at risk, requests due or overdue, and care-campaign contacts not yet made —
//! one manager's customers or everyone's, most valuable first within each reason.
//!
//! An item goes away when its work is done, and that is read from the activities, not kept
//! as a flag: a follow-up is open while the customer's latest contact (or latest plan) planned
//! it, so recording the contact closes it; a birthday or an at-risk customer counts as
//! handled once contacted since the occasion began; a request due, once contacted today (it
//! comes back tomorrow while it is open); a campaign's contact, once its task is marked.

use crate::dataset::Dataset;
use crate::metrics::{Analytics, ChurnWarning, churn_warnings};
use crate::model::{Activity, ActivityKind, Cents, Priority, TaskStatus};
use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::{Datelike, Duration, FixedOffset, NaiveDate};
use rustc_hash::FxHashMap;
use uuid::Uuid;

/// Birthdays this many days ahead (today included) are on the list.
pub const BIRTHDAY_DAYS: i64 = 7;

/// A care campaign's contacts not yet made stay on the list this many days after the campaign
/// was created; after that the occasion has passed, and what is left is on the campaign's page.
pub const CARE_DAYS: i64 = 60;

/// Why a customer is on today's list. The order is the list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    FollowUp,
    Overdue,
    Birthday,
    AtRisk,
    Request,
    Care,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::FollowUp,
        Reason::Overdue,
        Reason::Birthday,
        Reason::AtRisk,
        Reason::Request,
        Reason::Care,
    ];

    /// The code the page's hooks carry (`data-reason`).
    pub fn code(self) -> &'static str {
        match self {
            Reason::FollowUp => "follow_up",
            Reason::Overdue => "overdue",
            Reason::Birthday => "birthday",
            Reason::AtRisk => "at_risk",
            Reason::Request => "request",
            Reason::Care => "care",
        }
    }
}

/// What the page shows of an item's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// A follow-up planned for today by `activity`.
    FollowUp { activity: Uuid },
    /// A follow-up planned for `due`, `days` days ago.
    Overdue {
        activity: Uuid,
        due: NaiveDate,
        days: i64,
    },
    /// A birthday on `on`, in `in_days` days (0: today); `age` turned then, when the year of
    /// birth is plausible.
    Birthday {
        on: NaiveDate,
        in_days: i64,
        age: Option<i32>,
    },
    /// Newly at risk, with the reason the dashboard gives.
    AtRisk(ChurnWarning),
    /// An open request due by the end of today, `days_late` days after its due date's day (0:
    /// due today).
    Request {
        request: Uuid,
        category: String,
        priority: Priority,
        due: Timestamp,
        days_late: i64,
    },
    /// A care campaign's contact not yet made.
    Care { task: Uuid, campaign: Uuid },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Position in `Dataset::customers`.
    pub index: usize,
    pub reason: Reason,
    pub detail: Detail,
    /// The customer's latest contact (any activity but notes and owner changes).
    pub last_contact: Option<Timestamp>,
    /// Net spend, by which items of one reason are ordered.
    pub value: Cents,
}

/// Whose work the list holds: one account manager's customers, or everyone's (a team lead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Whose {
    #[default]
    Everyone,
    Manager(Sym),
}

impl Whose {
    fn includes(self, owner: Option<Sym>) -> bool {
        match self {
            Whose::Everyone => true,
            Whose::Manager(m) => owner == Some(m),
        }
    }

    /// For a request or a campaign task: its own manager, else the customer's.
    fn includes_named(self, own: Option<&str>, customer: Option<Sym>) -> bool {
        match (self, own) {
            (Whose::Everyone, _) => true,
            (Whose::Manager(m), Some(own)) => m.as_str() == own,
            (Whose::Manager(_), None) => self.includes(customer),
        }
    }
}

/// A request or campaign item waiting for its customer: its own manager (if any) and what the
/// item says.
struct DeskItem {
    owner: Option<String>,
    reason: Reason,
    detail: Detail,
}

/// The requests due by today and the campaign contacts not yet made, by customer. Small next to
/// the customers, so the list's one pass over them looks each customer up here.
fn desk_items(
    data: &Dataset,
    today: NaiveDate,
    offset: FixedOffset,
) -> FxHashMap<Uuid, Vec<DeskItem>> {
    let mut out: FxHashMap<Uuid, Vec<DeskItem>> = FxHashMap::default();
    let requests = &data.desk.requests;
    for (i, days_late) in crate::desk::requests::due_by_today(requests, today, offset) {
        let r = &requests[i];
        out.entry(r.customer_id).or_default().push(DeskItem {
            owner: r.owner.clone(),
            reason: Reason::Request,
            detail: Detail::Request {
                request: r.id,
                category: r.category.clone(),
                priority: r.priority,
                due: r.due_at,
                days_late,
            },
        });
    }
    // Campaigns still running: created within CARE_DAYS (by the user's day).
    let first_day = crate::time::day_number(today) - CARE_DAYS;
    let running: rustc_hash::FxHashSet<Uuid> = data
        .desk
        .campaigns
        .iter()
        .filter(|c| c.created_at.local_day(offset) >= first_day)
        .map(|c| c.id)
        .collect();
    if running.is_empty() {
        return out;
    }
    for t in &data.desk.tasks {
        if t.status == TaskStatus::Todo && running.contains(&t.campaign_id) {
            out.entry(t.customer_id).or_default().push(DeskItem {
                owner: t.owner.clone(),
                reason: Reason::Care,
                detail: Detail::Care {
                    task: t.id,
                    campaign: t.campaign_id,
                },
            });
        }
    }
    out
}

/// Whether an activity is a contact with the customer (a note or an owner change is not).
pub fn is_contact(kind: ActivityKind) -> bool {
    !matches!(kind, ActivityKind::Note | ActivityKind::OwnerChange)
}

/// Per customer: their latest contact, and the open follow-up (the activity that planned it).
#[derive(Clone, Copy, Debug, Default)]
struct Contacts {
    last_contact: Option<Timestamp>,
    /// The position (in `Dataset::activities`) of the latest activity that is a contact or
    /// planned something; its plan is the open follow-up (a later contact without a plan means
    /// there is nothing left to follow up). A position, not a reference: the table outlives
    /// a step of [`TodayBuilder`], which borrows the data only while it runs.
    latest: Option<u32>,
    /// `latest`'s time, kept here: comparing with it reads no other activity (at 100,000
    /// customers, following the reference for each activity cost more than the map).
    latest_at: Timestamp,
}

fn contacts(activities: &[Activity]) -> FxHashMap<Uuid, Contacts> {
    // Not reserved for every activity: about half as many customers have one (54,000 for the
    // 96,650 activities of the 100,000-customer demo), and the table reserved for all of them
    // was twice the size, 6 MB at the moment the tab holds the most (see `today_list`).
    let mut out: FxHashMap<Uuid, Contacts> = FxHashMap::default();
    add_contacts(&mut out, activities, 0..activities.len());
    out
}

/// Adds the activities at the positions `range` to the customers' contacts.
fn add_contacts(
    out: &mut FxHashMap<Uuid, Contacts>,
    activities: &[Activity],
    range: std::ops::Range<usize>,
) {
    for (k, a) in activities
        .iter()
        .enumerate()
        .take(range.end)
        .skip(range.start)
    {
        let contact = is_contact(a.kind);
        if !contact && a.next_follow_up.is_none() {
            continue;
        }
        let Ok(position) = u32::try_from(k) else {
            continue;
        };
        let c = out.entry(a.customer_id).or_default();
        if contact && c.last_contact.is_none_or(|t| a.at > t) {
            c.last_contact = Some(a.at);
        }
        // Ties at the same instant: the one written later, then the larger id (a fixed order).
        let later = match c.latest.and_then(|l| activities.get(l as usize)) {
            None => true,
            Some(_) if a.at != c.latest_at => a.at > c.latest_at,
            Some(l) => (a.updated_at, a.id) > (l.updated_at, l.id),
        };
        if later {
            c.latest = Some(position);
            c.latest_at = a.at;
        }
    }
}

/// The open follow-up of each customer who has one: the planning activity and its date.
pub fn open_follow_ups(activities: &[Activity]) -> FxHashMap<Uuid, (Uuid, NaiveDate)> {
    contacts(activities)
        .into_iter()
        .filter_map(|(customer, c)| {
            let a = activities.get(c.latest? as usize)?;
            Some((customer, (a.id, a.next_follow_up?)))
        })
        .collect()
}

/// The month and day of the birthdays within [`BIRTHDAY_DAYS`] of a day: a cheap first test,
/// so that the exact one ([`next_birthday`]) runs for a few customers in fifty, not for all.
struct BirthdayWindow([(u32, u32); BIRTHDAY_DAYS as usize + 1]);

impl BirthdayWindow {
    fn new(today: NaiveDate) -> Self {
        let mut days = [(0, 0); BIRTHDAY_DAYS as usize + 1];
        for (k, d) in days.iter_mut().enumerate() {
            let day = today + Duration::days(k as i64);
            *d = (day.month(), day.day());
        }
        BirthdayWindow(days)
    }

    /// False only for birthdays certainly outside the window (29 February always passes: it
    /// falls on the 28th in other years).
    fn may_hold(&self, birthday: NaiveDate) -> bool {
        let md = (birthday.month(), birthday.day());
        md == (2, 29) || self.0.contains(&md)
    }
}

/// The next birthday on or after `today` (29 February on the 28th in other years).
fn next_birthday(birthday: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let on = |year: i32| {
        NaiveDate::from_ymd_opt(year, birthday.month(), birthday.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
    };
    let this_year = on(today.year())?;
    if this_year >= today {
        Some(this_year)
    } else {
        on(today.year() + 1)
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    /// The first test never drops a birthday the exact one keeps: every birthday of a leap
    /// and a common year, seen from every day of two years.
    #[test]
    fn the_window_keeps_every_birthday_within_the_week() {
        let start = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        let births: Vec<NaiveDate> = (0..366)
            .map(|k| NaiveDate::from_ymd_opt(2000, 1, 1).expect("date") + Duration::days(k))
            .collect();
        let mut kept = 0;
        for k in 0..731 {
            let today = start + Duration::days(k);
            let window = BirthdayWindow::new(today);
            for &b in &births {
                let within = next_birthday(b, today)
                    .is_some_and(|on| (on - today).num_days() <= BIRTHDAY_DAYS);
                if within {
                    kept += 1;
                    assert!(window.may_hold(b), "{b} seen on {today}");
                }
            }
        }
        // 8 birthdays a day (one per date of the week ahead, 29 February in 2028 included),
        // and in 2027 the 29th of February's too, on the 28th: 8 more days.
        assert_eq!(kept, 731 * 8 + 8);
    }
}

/// What waits for one customer today: a follow-up due or overdue (the position of the
/// activity that planned it), requests and campaign contacts; with their latest contact, so
/// that the list's pass over the customers looks each one up once, in a table of the few who
/// have something (not of everyone contacted).
struct Waiting {
    last_contact: Option<Timestamp>,
    follow_up: Option<u32>,
    desk: Vec<DeskItem>,
}

fn waiting(
    activities: &[Activity],
    contacts: &FxHashMap<Uuid, Contacts>,
    desk: FxHashMap<Uuid, Vec<DeskItem>>,
    today: NaiveDate,
) -> FxHashMap<Uuid, Waiting> {
    let mut out: FxHashMap<Uuid, Waiting> = FxHashMap::default();
    for (&customer, c) in contacts {
        if let Some(l) = c.latest
            && activities
                .get(l as usize)
                .and_then(|a| a.next_follow_up)
                .is_some_and(|due| due <= today)
        {
            out.insert(
                customer,
                Waiting {
                    last_contact: c.last_contact,
                    follow_up: Some(l),
                    desk: Vec::new(),
                },
            );
        }
    }
    for (customer, items) in desk {
        out.entry(customer)
            .or_insert_with(|| Waiting {
                last_contact: contacts.get(&customer).and_then(|c| c.last_contact),
                follow_up: None,
                desk: Vec::new(),
            })
            .desk = items;
    }
    out
}

/// Today's list for `whose` customers, `today` being the user's date and `offset` their time
/// zone (a contact's day is read in it). Ordered by [`Reason`], then the most valuable first,
/// then by position.
pub fn today_list(
    data: &Dataset,
    analytics: &Analytics,
    whose: Whose,
    today: NaiveDate,
    offset: FixedOffset,
) -> Vec<Item> {
    let mut builder = TodayBuilder::new(whose, today, offset);
    while !builder.step(data, analytics, usize::MAX) {}
    builder.finish()
}

/// [`today_list`] made a bounded number of records at a time, so that the app makes it in
/// slices with the browser painting between them (half a million customers' list was one task
/// of ~150 ms). The data and the analytics must stay the same from the first step to the last.
pub struct TodayBuilder {
    whose: Whose,
    today: NaiveDate,
    offset: FixedOffset,
    window: BirthdayWindow,
    phase: Phase,
    contacts: FxHashMap<Uuid, Contacts>,
    waiting: FxHashMap<Uuid, Waiting>,
    items: Vec<Item>,
}

/// Where the list is: each phase goes over its records in steps.
enum Phase {
    /// The customers' contacts (cursor over the activities).
    Contacts(usize),
    /// What waits for whom: the follow-ups due, the requests and the campaign contacts (a few
    /// next to the customers: one step).
    Waiting,
    /// The items of each customer (cursor over the customers).
    Customers(usize),
    /// The customers newly at risk (one step).
    AtRisk,
    Done,
}

impl TodayBuilder {
    pub fn new(whose: Whose, today: NaiveDate, offset: FixedOffset) -> Self {
        TodayBuilder {
            whose,
            today,
            offset,
            window: BirthdayWindow::new(today),
            phase: Phase::Contacts(0),
            contacts: FxHashMap::default(),
            waiting: FxHashMap::default(),
            items: Vec::new(),
        }
    }

    /// Goes over about `budget` more records (activities or customers; at least one); true
    /// when the list is made.
    pub fn step(&mut self, data: &Dataset, analytics: &Analytics, budget: usize) -> bool {
        let budget = budget.max(1);
        match self.phase {
            Phase::Contacts(from) => {
                let to = data.activities.len().min(from.saturating_add(budget));
                add_contacts(&mut self.contacts, &data.activities, from..to);
                self.phase = if to == data.activities.len() {
                    Phase::Waiting
                } else {
                    Phase::Contacts(to)
                };
            }
            Phase::Waiting => {
                let desk = desk_items(data, self.today, self.offset);
                self.waiting = waiting(&data.activities, &self.contacts, desk, self.today);
                self.phase = Phase::Customers(0);
            }
            Phase::Customers(from) => {
                let to = data.customers.len().min(from.saturating_add(budget));
                for index in from..to {
                    self.customer(data, analytics, index);
                }
                self.phase = if to == data.customers.len() {
                    Phase::AtRisk
                } else {
                    Phase::Customers(to)
                };
            }
            Phase::AtRisk => {
                self.at_risk(data, analytics);
                self.phase = Phase::Done;
            }
            Phase::Done => {}
        }
        matches!(self.phase, Phase::Done)
    }

    fn contacted_since(&self, last: Option<Timestamp>, day: NaiveDate) -> bool {
        last.and_then(|t| t.to_offset(self.offset))
            .is_some_and(|t| t.date_naive() >= day)
    }

    /// The items of the customer at `index`: requests and campaign contacts, a follow-up due
    /// or overdue, a birthday.
    fn customer(&mut self, data: &Dataset, analytics: &Analytics, index: usize) {
        let Some(customer) = data.customers.get(index) else {
            return;
        };
        let (whose, today) = (self.whose, self.today);
        let value = analytics.customers.total_spent(index);
        let w = self.waiting.get(&customer.id);
        if let Some(w) = w {
            for d in &w.desk {
                // A request counts as seen to for the day once the customer was contacted
                // today; it is back tomorrow while it stays open.
                if !whose.includes_named(d.owner.as_deref(), customer.owner)
                    || (d.reason == Reason::Request && self.contacted_since(w.last_contact, today))
                {
                    continue;
                }
                self.items.push(Item {
                    index,
                    reason: d.reason,
                    detail: d.detail.clone(),
                    last_contact: w.last_contact,
                    value,
                });
            }
        }
        if !whose.includes(customer.owner) {
            return;
        }
        if let Some(w) = w
            && let Some(a) = w.follow_up.and_then(|l| data.activities.get(l as usize))
            && let Some(due) = a.next_follow_up
        {
            let days = (today - due).num_days();
            let detail = if days == 0 {
                Detail::FollowUp { activity: a.id }
            } else {
                Detail::Overdue {
                    activity: a.id,
                    due,
                    days,
                }
            };
            self.items.push(Item {
                index,
                reason: if days == 0 {
                    Reason::FollowUp
                } else {
                    Reason::Overdue
                },
                detail,
                last_contact: w.last_contact,
                value,
            });
        }
        if let Some(birthday) = customer.birthday
            && self.window.may_hold(birthday)
            && let Some(on) = next_birthday(birthday, today)
        {
            let in_days = (on - today).num_days();
            // Greeted already for this birthday: a contact within the week before it. (A
            // birthday is rare enough to look its customer's contacts up.)
            let last_contact = self.contacts.get(&customer.id).and_then(|c| c.last_contact);
            if in_days <= BIRTHDAY_DAYS
                && !self.contacted_since(last_contact, on - Duration::days(BIRTHDAY_DAYS))
            {
                let age = on.year() - birthday.year();
                let age = (birthday.year() > 1900 && (0..=130).contains(&age)).then_some(age);
                self.items.push(Item {
                    index,
                    reason: Reason::Birthday,
                    detail: Detail::Birthday { on, in_days, age },
                    last_contact,
                    value,
                });
            }
        }
    }

    /// Newly at risk, unless contacted since the customer crossed the limit.
    fn at_risk(&mut self, data: &Dataset, analytics: &Analytics) {
        for w in churn_warnings(analytics) {
            let Some(customer) = data.customers.get(w.index) else {
                continue;
            };
            if !self.whose.includes(customer.owner) {
                continue;
            }
            let last_contact = self.contacts.get(&customer.id).and_then(|c| c.last_contact);
            // The day the quiet spell crossed the limit: the last order's day plus the limit
            // (recency counts to the analytics' reference date).
            let reference = analytics.reference.unwrap_or(self.today);
            let crossed = reference - Duration::days(w.recency_days - w.limit_days);
            if self.contacted_since(last_contact, crossed) {
                continue;
            }
            self.items.push(Item {
                index: w.index,
                reason: Reason::AtRisk,
                last_contact,
                value: w.total_spent,
                detail: Detail::AtRisk(w),
            });
        }
    }

    /// The list, in order: by reason, the most valuable first, then by position.
    pub fn finish(self) -> Vec<Item> {
        let TodayBuilder {
            mut items,
            contacts,
            waiting,
            ..
        } = self;
        // The tables are not needed for the sort: given back before it. This list is made as
        // a load ends, when the tab holds the most, and the wasm memory never shrinks: what is
        // held at once here stays in the tab for good.
        drop(waiting);
        drop(contacts);
        // Sorted by small keys (items are large, and comparing them in place was a fifth
        // slower at 500,000 customers), then moved into that order in place, along the
        // permutation's cycles: a sorted copy beside them was 5 MB more at 100,000 customers
        // at that moment. The push order breaks ties (a customer's requests).
        let mut keys: Vec<(Reason, std::cmp::Reverse<Cents>, usize, u32)> = items
            .iter()
            .zip(0u32..)
            .map(|(i, k)| (i.reason, std::cmp::Reverse(i.value), i.index, k))
            .collect();
        crate::sorting::sort_unstable_by(&mut keys, |a, b| a.cmp(b));
        let order: Vec<u32> = keys.iter().map(|k| k.3).collect();
        drop(keys);
        crate::sorting::permute(&mut items, order);
        items.shrink_to_fit();
        items
    }
}

/// How many items each reason has, in [`Reason::ALL`]'s order (the navigation's counts).
pub fn counts(items: &[Item]) -> [usize; Reason::ALL.len()] {
    let mut out = [0; Reason::ALL.len()];
    for i in items {
        out[i.reason as usize] += 1;
    }
    out
}

/// A contact to record: what Done on an item, or the customer page's form, writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub customer: Uuid,
    pub kind: ActivityKind,
    /// What it was about (Today writes the reason's name in the user's language).
    pub text: String,
    pub outcome: Option<String>,
    pub next_follow_up: Option<NaiveDate>,
    /// Who records it; the customer's manager when nobody said who they are.
    pub by: Option<String>,
}

impl Contact {
    /// The activity this contact is, stamped `now`.
    pub fn activity(self, data: &Dataset, id: Uuid, now: Timestamp) -> Activity {
        let owner = self.by.or_else(|| {
            data.customer(self.customer)
                .and_then(|c| c.owner.map(|o| o.as_str().to_string()))
        });
        Activity {
            id,
            customer_id: self.customer,
            kind: self.kind,
            at: now,
            text: self.text,
            owner,
            next_follow_up: self.next_follow_up,
            outcome: self
                .outcome
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty()),
            updated_at: now,
        }
    }
}

/// What Done wrote, so that Undo can take exactly that back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub activity: Uuid,
    /// The campaign task marked done with it (a care item).
    pub task: Option<Uuid>,
}

/// Done on an item: records the contact. A care item also marks its campaign task done, through
/// the campaign's own rule (`set_task_status`, which records the Care activity; the contact's
/// kind, outcome and plan then go on that activity, so one contact is one activity). A task
/// already marked elsewhere (another device) leaves just the contact.
pub fn record_done(
    data: &mut Dataset,
    detail: &Detail,
    contact: Contact,
    now: Timestamp,
    new_id: &mut impl FnMut() -> Uuid,
) -> Recorded {
    if let Detail::Care { task, .. } = detail {
        use crate::desk::campaigns::{Marked, set_task_status};
        if let Marked::Changed { care: Some(id) } =
            set_task_status(data, *task, TaskStatus::Done, now, new_id)
            && let Some(a) = data.activities.iter_mut().find(|a| a.id == id)
        {
            a.kind = contact.kind;
            a.outcome = contact
                .outcome
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty());
            a.next_follow_up = contact.next_follow_up;
            if let Some(by) = contact.by {
                a.owner = Some(by);
            }
            return Recorded {
                activity: id,
                task: Some(*task),
            };
        }
    }
    let id = new_id();
    let activity = contact.activity(data, id, now);
    data.activities.push(activity);
    Recorded {
        activity: id,
        task: None,
    }
}

/// Takes back what [`record_done`] wrote: the activity goes (a deletion, stored and synced as
/// one), the task is to do again. Stamped `now`.
pub fn undo_done(data: &mut Dataset, done: Recorded, now: Timestamp) {
    data.activities.retain(|a| a.id != done.activity);
    if let Some(task) = done.task
        && let Some(t) = data.desk.tasks.iter_mut().find(|t| t.id == task)
    {
        t.status = TaskStatus::Todo;
        t.done_at = None;
        t.updated_at = now;
    }
}

/// Moves the follow-up planned by `activity` to `to` (a snooze): the planning activity's date
/// changes, stamped `now`. `false` if there is no such activity.
pub fn snooze(data: &mut Dataset, activity: Uuid, to: NaiveDate, now: Timestamp) -> bool {
    match data.activities.iter_mut().find(|a| a.id == activity) {
        Some(a) => {
            a.next_follow_up = Some(to);
            a.updated_at = now;
            true
        }
        None => false,
    }
}

/// The account managers: every owner of a customer, once, in name order (the `whoami` menu).
pub fn managers(data: &Dataset) -> Vec<Sym> {
    let mut seen: rustc_hash::FxHashSet<Sym> = rustc_hash::FxHashSet::default();
    for c in &data.customers {
        if let Some(owner) = c.owner {
            seen.insert(owner);
        }
    }
    let mut out: Vec<Sym> = seen.into_iter().collect();
    crate::sorting::sort_by(&mut out, |a, b| a.as_str().cmp(b.as_str()));
    out
}

/// The days a snooze offers, besides a date of the user's choosing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnoozeTo {
    Tomorrow,
    InThreeDays,
    /// The Monday of next week (a week's work is planned by weeks).
    NextWeek,
}

impl SnoozeTo {
    pub const ALL: [SnoozeTo; 3] = [
        SnoozeTo::Tomorrow,
        SnoozeTo::InThreeDays,
        SnoozeTo::NextWeek,
    ];

    /// The day this choice means, `today` being the user's date.
    pub fn day(self, today: NaiveDate) -> NaiveDate {
        let days = match self {
            SnoozeTo::Tomorrow => 1,
            SnoozeTo::InThreeDays => 3,
            SnoozeTo::NextWeek => 7 - i64::from(today.weekday().num_days_from_monday()),
        };
        today + Duration::days(days)
    }

    /// The code the page's hooks carry.
    pub fn code(self) -> &'static str {
        match self {
            SnoozeTo::Tomorrow => "tomorrow",
            SnoozeTo::InThreeDays => "3d",
            SnoozeTo::NextWeek => "next_week",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AnalyticsSettings, compute};
    use crate::model::{Customer, Order, OrderStatus};

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).expect("offset")
    }

    /// The list made a record or a few at a time (as the app makes it, in slices) is the list
    /// made in one go, for everyone and for one manager, on a demo with every reason in it.
    #[test]
    fn made_in_steps_it_is_the_same_list() {
        use crate::demo::{DemoConfig, generate};
        let end = date(2026, 10, 31);
        let data = generate(&DemoConfig::new(3_000, end));
        let analytics = compute(&data, &AnalyticsSettings::default());
        let day = end + Duration::days(1);
        let manager = managers(&data).first().copied().expect("a manager");
        for whose in [Whose::Everyone, Whose::Manager(manager)] {
            let whole = today_list(&data, &analytics, whose, day, cst());
            for budget in [1, 7, 1_000] {
                let mut builder = TodayBuilder::new(whose, day, cst());
                let mut steps = 1;
                while !builder.step(&data, &analytics, budget) {
                    steps += 1;
                }
                assert_eq!(builder.finish(), whole, "{whose:?}, {budget} a step");
                let records = data.activities.len() + data.customers.len();
                assert!(steps > records / budget, "{steps} steps of {budget}");
            }
            if whose == Whose::Everyone {
                assert_eq!(
                    counts(&whole).map(|n| n > 0),
                    [true; Reason::ALL.len()],
                    "{:?}",
                    counts(&whole)
                );
            }
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// Noon in China on that day, as stored (UTC ms).
    fn noon(d: NaiveDate) -> Timestamp {
        let t = d.and_hms_opt(4, 0, 0).expect("time").and_utc();
        Timestamp(t.timestamp_millis())
    }

    fn activity(
        n: u128,
        customer: Uuid,
        kind: ActivityKind,
        at: Timestamp,
        next: Option<NaiveDate>,
    ) -> Activity {
        Activity {
            id: Uuid::from_u128(1000 + n),
            customer_id: customer,
            kind,
            at,
            text: String::new(),
            owner: None,
            next_follow_up: next,
            outcome: None,
            updated_at: at,
        }
    }

    fn customer(n: u128, owner: &str) -> Customer {
        let mut c = Customer::new(Uuid::from_u128(n), format!("客户{n}"), Timestamp(0));
        c.owner = Some(Sym::new(owner));
        c
    }

    fn order(n: u128, customer: Uuid, at: Timestamp, cents: i64) -> Order {
        Order {
            id: Uuid::from_u128(5000 + n),
            customer_id: customer,
            source_order_id: format!("O{n}"),
            ordered_at: at,
            amount_cents: cents,
            item_count: 1,
            channel: Sym::new("tmall"),
            status: OrderStatus::Paid,
            updated_at: at,
        }
    }

    #[test]
    fn follow_ups_due_and_overdue_birthdays_and_their_order() {
        let today = date(2026, 12, 2);
        let mut d = Dataset::default();
        for n in 1..=6 {
            d.customers
                .push(customer(n, if n == 6 { "李经理" } else { "王经理" }));
        }
        let id = |n: u128| Uuid::from_u128(n);
        // 1: planned for today. 2: planned for 3 days ago. 3: planned for a week ago, but
        // called since without a new plan (closed). 4: a note since the plan (still open).
        d.activities.push(activity(
            1,
            id(1),
            ActivityKind::Call,
            noon(date(2026, 11, 20)),
            Some(today),
        ));
        d.activities.push(activity(
            2,
            id(2),
            ActivityKind::Visit,
            noon(date(2026, 11, 1)),
            Some(date(2026, 11, 29)),
        ));
        d.activities.push(activity(
            3,
            id(3),
            ActivityKind::Call,
            noon(date(2026, 11, 1)),
            Some(date(2026, 11, 25)),
        ));
        d.activities.push(activity(
            4,
            id(3),
            ActivityKind::Message,
            noon(date(2026, 11, 26)),
            None,
        ));
        d.activities.push(activity(
            5,
            id(4),
            ActivityKind::Call,
            noon(date(2026, 11, 1)),
            Some(date(2026, 12, 1)),
        ));
        d.activities.push(activity(
            6,
            id(4),
            ActivityKind::Note,
            noon(date(2026, 11, 28)),
            None,
        ));
        // Orders decide the order within a reason: 2 spent more than 4.
        d.orders
            .push(order(1, id(2), noon(date(2026, 11, 1)), 90_000));
        d.orders
            .push(order(2, id(4), noon(date(2026, 11, 1)), 10_000));
        // Birthdays: 5 in 7 days (born 1990), 1 today, 6 (another manager) tomorrow, 2 in 8 days.
        d.customers[4].birthday = Some(date(1990, 12, 9));
        d.customers[0].birthday = Some(date(1985, 12, 2));
        d.customers[5].birthday = Some(date(2000, 12, 3));
        d.customers[1].birthday = Some(date(1970, 12, 10));
        let a = compute(&d, &AnalyticsSettings::default());
        let list = today_list(&d, &a, Whose::Everyone, today, cst());
        let got: Vec<(usize, &str)> = list.iter().map(|i| (i.index, i.reason.code())).collect();
        assert_eq!(
            got,
            vec![
                (0, "follow_up"),
                (1, "overdue"),
                (3, "overdue"),
                (0, "birthday"),
                (4, "birthday"),
                (5, "birthday"),
            ]
        );
        assert_eq!(
            list[1].detail,
            Detail::Overdue {
                activity: Uuid::from_u128(1002),
                due: date(2026, 11, 29),
                days: 3
            }
        );
        assert_eq!(
            list[2].detail,
            Detail::Overdue {
                activity: Uuid::from_u128(1005),
                due: date(2026, 12, 1),
                days: 1
            }
        );
        assert_eq!(
            list[4].detail,
            Detail::Birthday {
                on: date(2026, 12, 9),
                in_days: 7,
                age: Some(36)
            }
        );
        assert_eq!(list[3].last_contact, Some(noon(date(2026, 11, 20))));
        assert_eq!(
            list[2].last_contact,
            Some(noon(date(2026, 11, 1))),
            "a note is not a contact"
        );
        // One manager's list.
        let mine = today_list(&d, &a, Whose::Manager(Sym::new("李经理")), today, cst());
        assert_eq!(mine.iter().map(|i| i.index).collect::<Vec<_>>(), vec![5]);
        assert_eq!(counts(&list), [1, 2, 3, 0, 0, 0]);
        // A contact more than a week before the birthday does not count as the greeting; one
        // within the week (today, 7 days before) does.
        d.activities.push(activity(
            7,
            id(5),
            ActivityKind::Care,
            noon(date(2026, 11, 30)),
            None,
        ));
        let birthday_of_5 = |l: &[Item]| {
            l.iter()
                .any(|i| i.index == 4 && i.reason == Reason::Birthday)
        };
        assert!(birthday_of_5(&today_list(
            &d,
            &a,
            Whose::Everyone,
            today,
            cst()
        )));
        d.activities.push(activity(
            8,
            id(5),
            ActivityKind::Care,
            noon(date(2026, 12, 2)),
            None,
        ));
        assert!(!birthday_of_5(&today_list(
            &d,
            &a,
            Whose::Everyone,
            today,
            cst()
        )));
    }

    #[test]
    fn done_and_snooze_take_a_follow_up_off_today() {
        let today = date(2026, 12, 2);
        let mut d = Dataset::default();
        d.customers.push(customer(1, "王经理"));
        let c = Uuid::from_u128(1);
        d.activities.push(activity(
            1,
            c,
            ActivityKind::Call,
            noon(date(2026, 11, 20)),
            Some(today),
        ));
        let a = compute(&d, &AnalyticsSettings::default());
        assert_eq!(today_list(&d, &a, Whose::Everyone, today, cst()).len(), 1);
        // Snoozed to Friday: off today's list, and due on Friday.
        assert!(snooze(
            &mut d,
            Uuid::from_u128(1001),
            date(2026, 12, 4),
            Timestamp(7)
        ));
        assert!(today_list(&d, &a, Whose::Everyone, today, cst()).is_empty());
        let friday = today_list(&d, &a, Whose::Everyone, date(2026, 12, 4), cst());
        assert_eq!(
            friday.iter().map(|i| i.reason).collect::<Vec<_>>(),
            vec![Reason::FollowUp]
        );
        assert_eq!(d.activities[0].updated_at, Timestamp(7));
        assert!(!snooze(&mut d, Uuid::from_u128(9), today, Timestamp(8)));
        // Done on Friday with a plan for next month: the next follow-up is that date.
        d.activities.push(activity(
            2,
            c,
            ActivityKind::Call,
            noon(date(2026, 12, 4)),
            Some(date(2027, 1, 4)),
        ));
        assert!(today_list(&d, &a, Whose::Everyone, date(2026, 12, 4), cst()).is_empty());
        assert_eq!(
            open_follow_ups(&d.activities).get(&c),
            Some(&(Uuid::from_u128(1002), date(2027, 1, 4)))
        );
    }

    #[test]
    fn a_contact_late_in_the_evening_counts_on_the_users_day() {
        // 23:30 in China on 25 November is 15:30 UTC the same day; 00:30 on the 26th in China
        // is 16:30 UTC on the 25th: the birthday window (from the 26th) counts only the second.
        let today = date(2026, 11, 30);
        let mut d = Dataset::default();
        let mut c = customer(1, "王经理");
        c.birthday = Some(date(1990, 12, 3));
        d.customers.push(c);
        let id = Uuid::from_u128(1);
        let at = |h: u32, m: u32| {
            Timestamp(
                date(2026, 11, 25)
                    .and_hms_opt(h, m, 0)
                    .expect("t")
                    .and_utc()
                    .timestamp_millis(),
            )
        };
        d.activities
            .push(activity(1, id, ActivityKind::Call, at(15, 30), None));
        let a = compute(&d, &AnalyticsSettings::default());
        assert_eq!(today_list(&d, &a, Whose::Everyone, today, cst()).len(), 1);
        d.activities
            .push(activity(2, id, ActivityKind::Call, at(16, 30), None));
        assert!(today_list(&d, &a, Whose::Everyone, today, cst()).is_empty());
    }

    #[test]
    fn newly_at_risk_until_contacted_since_the_limit_was_crossed() {
        let today = date(2026, 12, 2);
        let mut d = Dataset::default();
        d.customers.push(customer(1, "王经理"));
        d.customers.push(customer(2, "王经理"));
        let c = Uuid::from_u128(1);
        // Every 10 days, then quiet since 21 October: at risk after 20 days (twice the usual
        // gap), on 10 November; 42 days quiet on the reference date.
        for (n, day) in [(1, 1), (2, 11), (3, 21)] {
            d.orders
                .push(order(n, c, noon(date(2026, 10, day)), 30_000));
        }
        // Customer 2 bought once, long ago: at risk too, but not newly.
        d.orders
            .push(order(4, Uuid::from_u128(2), noon(date(2026, 3, 1)), 5_000));
        let settings = AnalyticsSettings {
            reference: Some(today),
            ..AnalyticsSettings::default()
        };
        let a = compute(&d, &settings);
        let list = today_list(&d, &a, Whose::Everyone, today, cst());
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].reason, Reason::AtRisk);
        let Detail::AtRisk(w) = &list[0].detail else {
            panic!("at risk");
        };
        assert_eq!(
            (w.index, w.recency_days, w.usual_gap_days, w.limit_days),
            (0, 42, Some(10), 20)
        );
        assert_eq!(list[0].value, 90_000);
        // A call before the limit was crossed does not count; one after it does.
        d.activities.push(activity(
            1,
            c,
            ActivityKind::Call,
            noon(date(2026, 11, 5)),
            None,
        ));
        assert_eq!(today_list(&d, &a, Whose::Everyone, today, cst()).len(), 1);
        d.activities.push(activity(
            2,
            c,
            ActivityKind::Call,
            noon(date(2026, 11, 10)),
            None,
        ));
        assert!(today_list(&d, &a, Whose::Everyone, today, cst()).is_empty());
    }

    #[test]
    fn birthdays_on_29_february_and_across_the_new_year() {
        assert_eq!(
            next_birthday(date(2000, 2, 29), date(2027, 2, 20)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            next_birthday(date(2000, 2, 29), date(2028, 2, 20)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            next_birthday(date(1990, 1, 3), date(2026, 12, 30)),
            Some(date(2027, 1, 3))
        );
        assert_eq!(
            next_birthday(date(1990, 12, 30), date(2026, 12, 30)),
            Some(date(2026, 12, 30))
        );
    }
}
