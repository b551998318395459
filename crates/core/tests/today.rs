//! The Today page's core: the managers of the `whoami` menu, the snooze choices, and the case
//! the end-to-end test builds (tests/e2e/today.test.mjs), with exact values.

use chrono::{FixedOffset, NaiveDate};
use kezhi_core::metrics::{AnalyticsSettings, compute};
use kezhi_core::today::{
    Detail, Reason, SnoozeTo, Whose, counts, managers, open_follow_ups, snooze, today_list,
};
use kezhi_core::{Activity, ActivityKind, Customer, Dataset, Sym, Timestamp};
use uuid::Uuid;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("offset")
}

/// 10:00 in China on that day (02:00 UTC), as stored.
fn morning(d: NaiveDate) -> Timestamp {
    Timestamp(
        d.and_hms_opt(2, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp_millis(),
    )
}

fn customer(n: u128, owner: Option<&str>) -> Customer {
    let mut c = Customer::new(Uuid::from_u128(n), format!("客户{n}"), Timestamp(0));
    c.owner = owner.map(Sym::new);
    c
}

fn plan(n: u128, customer: u128, at: NaiveDate, next: Option<NaiveDate>) -> Activity {
    Activity {
        id: Uuid::from_u128(100 + n),
        customer_id: Uuid::from_u128(customer),
        kind: ActivityKind::Call,
        at: morning(at),
        text: "电话".into(),
        owner: None,
        next_follow_up: next,
        outcome: None,
        updated_at: morning(at),
    }
}

#[test]
fn the_managers_are_every_owner_once_in_name_order() {
    let mut d = Dataset::default();
    for (n, owner) in [
        (1, Some("王经理")),
        (2, None),
        (3, Some("李经理")),
        (4, Some("王经理")),
        (5, Some("Anna")),
    ] {
        d.customers.push(customer(n, owner));
    }
    let names: Vec<&str> = managers(&d).iter().map(|s| s.as_str()).collect();
    // Code point order: Latin before CJK; 李 (U+674E) before 王 (U+738B).
    assert_eq!(names, ["Anna", "李经理", "王经理"]);
    assert!(managers(&Dataset::default()).is_empty());
}

#[test]
fn snooze_choices_are_days_from_today() {
    // Wednesday 2 December 2026.
    let wed = date(2026, 12, 2);
    let days: Vec<NaiveDate> = SnoozeTo::ALL.iter().map(|s| s.day(wed)).collect();
    assert_eq!(
        days,
        [date(2026, 12, 3), date(2026, 12, 5), date(2026, 12, 7)]
    );
    // Next week from a Sunday is the next day; from a Monday, a week on.
    assert_eq!(SnoozeTo::NextWeek.day(date(2026, 12, 6)), date(2026, 12, 7));
    assert_eq!(
        SnoozeTo::NextWeek.day(date(2026, 12, 7)),
        date(2026, 12, 14)
    );
    // Across the year's end.
    assert_eq!(
        SnoozeTo::InThreeDays.day(date(2026, 12, 30)),
        date(2027, 1, 2)
    );
    let codes: Vec<&str> = SnoozeTo::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(codes, ["tomorrow", "3d", "next_week"]);
}

/// The end-to-end test's case: three customers of 王经理 (due today, 3 days overdue, a
/// birthday in 2 days) and one of 李经理 due today.
fn the_e2e_case(today: NaiveDate) -> Dataset {
    let mut d = Dataset::default();
    d.customers.push(customer(1, Some("王经理")));
    d.customers.push(customer(2, Some("王经理")));
    let mut c3 = customer(3, Some("王经理"));
    c3.birthday = Some(date(1990, 12, 4));
    d.customers.push(c3);
    d.customers.push(customer(4, Some("李经理")));
    d.activities
        .push(plan(1, 1, date(2026, 11, 20), Some(today)));
    d.activities
        .push(plan(2, 2, date(2026, 11, 1), Some(date(2026, 11, 29))));
    d.activities
        .push(plan(3, 4, date(2026, 11, 25), Some(today)));
    d
}

#[test]
fn one_managers_day_done_and_snoozed() {
    let today = date(2026, 12, 2);
    let mut d = the_e2e_case(today);
    let a = compute(&d, &AnalyticsSettings::default());
    let wang = Whose::Manager(Sym::new("王经理"));
    let list = today_list(&d, &a, wang, today, cst());
    let got: Vec<(usize, Reason)> = list.iter().map(|i| (i.index, i.reason)).collect();
    assert_eq!(
        got,
        [
            (0, Reason::FollowUp),
            (1, Reason::Overdue),
            (2, Reason::Birthday)
        ]
    );
    assert_eq!(
        list[1].detail,
        Detail::Overdue {
            activity: Uuid::from_u128(102),
            due: date(2026, 11, 29),
            days: 3
        }
    );
    assert_eq!(
        list[2].detail,
        Detail::Birthday {
            on: date(2026, 12, 4),
            in_days: 2,
            age: Some(36)
        }
    );
    assert_eq!(list[2].last_contact, None);
    assert_eq!(counts(&list), [1, 1, 1, 0, 0, 0]);
    assert_eq!(
        today_list(&d, &a, Whose::Everyone, today, cst()).len(),
        4,
        "everyone's: 李经理's too"
    );

    // Done on the first: a call now, no new plan.
    let mut done = plan(4, 1, today, None);
    done.kind = ActivityKind::Visit;
    d.activities.push(done);
    // Snoozed: the overdue one to tomorrow.
    assert!(snooze(
        &mut d,
        Uuid::from_u128(102),
        SnoozeTo::Tomorrow.day(today),
        Timestamp(9)
    ));
    let list = today_list(&d, &a, wang, today, cst());
    assert_eq!(
        list.iter().map(|i| (i.index, i.reason)).collect::<Vec<_>>(),
        [(2, Reason::Birthday)]
    );
    // Tomorrow it is due again.
    let tomorrow = today_list(&d, &a, wang, date(2026, 12, 3), cst());
    assert_eq!(
        tomorrow
            .iter()
            .map(|i| (i.index, i.reason))
            .collect::<Vec<_>>(),
        [(1, Reason::FollowUp), (2, Reason::Birthday)]
    );
}

/// The customer list's cards show the open follow-up: a contact after a plan closes it (the
/// rule the list used before kept showing the planning activity's date).
#[test]
fn a_later_contact_without_a_plan_leaves_no_next_follow_up() {
    let mut acts = vec![plan(1, 1, date(2026, 11, 1), Some(date(2026, 11, 10)))];
    assert_eq!(
        open_follow_ups(&acts).get(&Uuid::from_u128(1)),
        Some(&(Uuid::from_u128(101), date(2026, 11, 10)))
    );
    // A note does not close it.
    let mut note = plan(2, 1, date(2026, 11, 5), None);
    note.kind = ActivityKind::Note;
    acts.push(note);
    assert_eq!(
        open_follow_ups(&acts).get(&Uuid::from_u128(1)),
        Some(&(Uuid::from_u128(101), date(2026, 11, 10)))
    );
    // A call does.
    acts.push(plan(3, 1, date(2026, 11, 6), None));
    assert_eq!(open_follow_ups(&acts).get(&Uuid::from_u128(1)), None);
}
