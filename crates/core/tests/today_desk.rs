//! Today's desk reasons — requests due or overdue, care-campaign contacts not yet made — and
//! Done/Undo on them, with exact values.

use chrono::{FixedOffset, NaiveDate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::today::{
    CARE_DAYS, Contact, Detail, Recorded, Whose, counts, record_done, today_list, undo_done,
};
use kezhi_core::{
    ActivityKind, Campaign, CampaignTask, Customer, Dataset, Priority, Request, RequestStatus, Sym,
    TaskStatus, Timestamp,
};
use uuid::Uuid;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("offset")
}

/// A time in China (UTC+8) on a day, as stored.
fn china(d: NaiveDate, hour: u32) -> Timestamp {
    let utc = d
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis();
    Timestamp(utc + (i64::from(hour) - 8) * 3_600_000)
}

fn customer(n: u128, owner: &str) -> Customer {
    let mut c = Customer::new(Uuid::from_u128(n), format!("客户{n}"), Timestamp(0));
    c.owner = Some(Sym::new(owner));
    c
}

fn request(
    n: u128,
    customer: u128,
    owner: Option<&str>,
    due: Timestamp,
    status: RequestStatus,
) -> Request {
    Request {
        id: Uuid::from_u128(200 + n),
        customer_id: Uuid::from_u128(customer),
        category: "complaint".into(),
        description: format!("需求{n}"),
        priority: Priority::High,
        status,
        owner: owner.map(str::to_string),
        opened_at: Timestamp(due.millis() - 86_400_000),
        due_at: due,
        closed_at: None,
        resolution: String::new(),
        updated_at: Timestamp(due.millis() - 86_400_000),
    }
}

fn campaign(n: u128, created: Timestamp) -> Campaign {
    Campaign {
        id: Uuid::from_u128(300 + n),
        name: format!("活动{n}"),
        occasion: "member_day".into(),
        segment: "orders >= 1".into(),
        template: "{name}您好".into(),
        created_at: created,
        updated_at: created,
    }
}

fn task(n: u128, campaign: u128, customer: u128, status: TaskStatus) -> CampaignTask {
    CampaignTask {
        id: Uuid::from_u128(400 + n),
        campaign_id: Uuid::from_u128(300 + campaign),
        customer_id: Uuid::from_u128(customer),
        owner: None,
        status,
        done_at: None,
        updated_at: Timestamp(0),
    }
}

/// Four customers: 1–3 王经理's, 4 李经理's. Requests: due yesterday (1, open), due today at
/// 18:00 (2, in progress), due tomorrow (3, not yet), resolved though overdue (1), and one on
/// 李经理's customer answered by 王经理 himself. A running campaign (created 10 days ago) with
/// tasks to do for 1 and 4 and done for 2; an old one (61 days ago) with a task to do for 3.
fn the_case(today: NaiveDate) -> Dataset {
    let mut d = Dataset::default();
    for n in 1..=3 {
        d.customers.push(customer(n, "王经理"));
    }
    d.customers.push(customer(4, "李经理"));
    let yesterday = today.pred_opt().expect("date");
    let tomorrow = today.succ_opt().expect("date");
    d.desk.requests = vec![
        request(1, 1, None, china(yesterday, 9), RequestStatus::Open),
        request(
            2,
            2,
            Some("王经理"),
            china(today, 18),
            RequestStatus::InProgress,
        ),
        request(3, 3, None, china(tomorrow, 9), RequestStatus::Open),
        request(4, 1, None, china(yesterday, 8), RequestStatus::Resolved),
        request(
            5,
            4,
            Some("王经理"),
            china(date(2026, 11, 25), 9),
            RequestStatus::Open,
        ),
    ];
    let ten_days_ago = today - chrono::Duration::days(10);
    let old = today - chrono::Duration::days(CARE_DAYS + 1);
    d.desk.campaigns = vec![
        campaign(1, china(ten_days_ago, 10)),
        campaign(2, china(old, 10)),
    ];
    d.desk.tasks = vec![
        task(1, 1, 1, TaskStatus::Todo),
        task(2, 1, 2, TaskStatus::Done),
        task(3, 2, 3, TaskStatus::Todo),
        task(4, 1, 4, TaskStatus::Todo),
    ];
    d
}

/// New ids 901, 902, … as the app's `new_id` would hand them out.
fn ids() -> impl FnMut() -> Uuid {
    let mut next = 900u128;
    move || {
        next += 1;
        Uuid::from_u128(next)
    }
}

fn listed(d: &Dataset, whose: Whose, today: NaiveDate) -> Vec<(u128, &'static str)> {
    let a = compute(d, &AnalyticsSettings::default());
    today_list(d, &a, whose, today, cst())
        .iter()
        .map(|i| (d.customers[i.index].id.as_u128(), i.reason.code()))
        .collect()
}

#[test]
fn requests_due_by_today_and_running_campaigns_contacts() {
    let today = date(2026, 12, 2);
    let d = the_case(today);
    let a = compute(&d, &AnalyticsSettings::default());
    let wang = Whose::Manager(Sym::new("王经理"));
    let list = today_list(&d, &a, wang, today, cst());
    let got: Vec<(u128, &str)> = list
        .iter()
        .map(|i| (d.customers[i.index].id.as_u128(), i.reason.code()))
        .collect();
    // Requests: customer 1's (a day late, the customer's manager), 2's (due tonight), and 4's
    // (李经理's customer, but 王经理 answers it; 7 days late). No spend: by position. Care:
    // customer 1's task of the running campaign; 4's task is 李经理's; 3's is of a campaign
    // past CARE_DAYS.
    assert_eq!(
        got,
        [(1, "request"), (2, "request"), (4, "request"), (1, "care")]
    );
    assert_eq!(
        list[0].detail,
        Detail::Request {
            request: Uuid::from_u128(201),
            category: "complaint".into(),
            priority: Priority::High,
            due: china(date(2026, 12, 1), 9),
            days_late: 1,
        }
    );
    assert!(matches!(
        list[1].detail,
        Detail::Request { days_late: 0, .. }
    ));
    assert!(matches!(
        list[2].detail,
        Detail::Request { days_late: 7, .. }
    ));
    assert_eq!(
        list[3].detail,
        Detail::Care {
            task: Uuid::from_u128(401),
            campaign: Uuid::from_u128(301),
        }
    );
    assert_eq!(counts(&list), [0, 0, 0, 0, 3, 1]);
    // 李经理: customer 4's care task (the request on his customer is 王经理's to answer).
    assert_eq!(
        listed(&d, Whose::Manager(Sym::new("李经理")), today),
        [(4, "care")]
    );
    // Everyone: every request due and every running contact.
    assert_eq!(
        listed(&d, Whose::Everyone, today),
        [
            (1, "request"),
            (2, "request"),
            (4, "request"),
            (1, "care"),
            (4, "care")
        ]
    );
    // Tomorrow customer 3's request is due too.
    assert_eq!(
        listed(&d, wang, date(2026, 12, 3))
            .iter()
            .filter(|(_, r)| *r == "request")
            .count(),
        4
    );
}

#[test]
fn done_on_a_request_clears_it_for_today_only_and_undo_takes_it_back() {
    let today = date(2026, 12, 2);
    let mut d = the_case(today);
    let wang = Whose::Manager(Sym::new("王经理"));
    let now = china(today, 11);
    let mut new_id = ids();
    let detail = Detail::Request {
        request: Uuid::from_u128(201),
        category: "complaint".into(),
        priority: Priority::High,
        due: china(date(2026, 12, 1), 9),
        days_late: 1,
    };
    let done = record_done(
        &mut d,
        &detail,
        Contact {
            customer: Uuid::from_u128(1),
            kind: ActivityKind::Call,
            text: "需求".into(),
            outcome: Some("  已答复  ".into()),
            next_follow_up: None,
            by: None,
        },
        now,
        &mut new_id,
    );
    assert_eq!(
        done,
        Recorded {
            activity: Uuid::from_u128(901),
            task: None
        }
    );
    let a = &d.activities[0];
    assert_eq!(
        (a.kind, a.owner.as_deref(), a.outcome.as_deref(), a.at),
        (ActivityKind::Call, Some("王经理"), Some("已答复"), now)
    );
    // Customer 1 was contacted today: the request leaves the list; the care contact stays (a
    // campaign's contact is done by marking its task, which Done on the care item does).
    assert_eq!(
        listed(&d, wang, today),
        [(2, "request"), (4, "request"), (1, "care")]
    );
    // The request is still open: tomorrow it is back, two days late.
    let tomorrow = listed(&d, wang, date(2026, 12, 3));
    assert!(tomorrow.contains(&(1, "request")));
    undo_done(&mut d, done, china(today, 12));
    assert!(d.activities.is_empty());
    assert_eq!(
        listed(&d, wang, today),
        [(1, "request"), (2, "request"), (4, "request"), (1, "care")]
    );
}

#[test]
fn done_on_a_care_item_marks_the_task_with_one_activity_and_undo_restores_both() {
    let today = date(2026, 12, 2);
    let mut d = the_case(today);
    let wang = Whose::Manager(Sym::new("王经理"));
    let now = china(today, 15);
    let mut new_id = ids();
    let detail = Detail::Care {
        task: Uuid::from_u128(401),
        campaign: Uuid::from_u128(301),
    };
    let contact = Contact {
        customer: Uuid::from_u128(1),
        kind: ActivityKind::Message,
        text: "关怀".into(),
        outcome: None,
        next_follow_up: Some(date(2026, 12, 9)),
        by: Some("王经理".into()),
    };
    let done = record_done(&mut d, &detail, contact.clone(), now, &mut new_id);
    assert_eq!(
        done,
        Recorded {
            activity: Uuid::from_u128(901),
            task: Some(Uuid::from_u128(401))
        }
    );
    assert_eq!(d.activities.len(), 1);
    let a = &d.activities[0];
    // The campaign's Care activity, named after it, carrying the contact's kind and plan.
    assert_eq!(
        (
            a.kind,
            a.text.as_str(),
            a.next_follow_up,
            a.owner.as_deref()
        ),
        (
            ActivityKind::Message,
            "活动1",
            Some(date(2026, 12, 9)),
            Some("王经理")
        )
    );
    let t = &d.desk.tasks[0];
    assert_eq!(
        (t.status, t.done_at, t.updated_at),
        (TaskStatus::Done, Some(now), now)
    );
    // The care item and, contacted today, the request of customer 1 leave.
    assert_eq!(listed(&d, wang, today), [(2, "request"), (4, "request")]);
    // Done again on a task already marked (another device did it): just the contact.
    let again = record_done(&mut d, &detail, contact, now, &mut new_id);
    assert_eq!(again.task, None);
    assert_eq!(d.activities.len(), 2);
    undo_done(&mut d, again, now);
    let later = china(today, 16);
    undo_done(&mut d, done, later);
    assert!(d.activities.is_empty());
    let t = &d.desk.tasks[0];
    assert_eq!(
        (t.status, t.done_at, t.updated_at),
        (TaskStatus::Todo, None, later)
    );
    assert_eq!(listed(&d, wang, today).len(), 4);
}
