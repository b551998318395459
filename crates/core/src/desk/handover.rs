//! Handover (移交): a manager's portfolio, or a segment's customers, moves to another manager
//! with a reason. Each customer's owner changes (recorded in their owner history, the reason
//! with it), and what is still open moves along: open requests, recommendations not closed,
//! campaign tasks still to do. Open follow-ups follow the customer (the day's list is by
//! owner). Closed items keep the manager who handled them: they are history.

use crate::bulk::owner_change;
use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::model::{Cents, TaskStatus};
use crate::sym::Sym;
use crate::time::Timestamp;
use crate::today::open_follow_ups;
use rustc_hash::FxHashSet;
use uuid::Uuid;

/// One customer in a handover, with what is open for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoverRow {
    /// Position in `Dataset::customers`.
    pub index: usize,
    /// Net spend.
    pub value: Cents,
    pub follow_ups: usize,
    pub requests: usize,
    pub recommendations: usize,
    pub tasks: usize,
}

/// What a handover moves (before it is done: the preview; after: the report).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandoverReport {
    /// Most valuable first.
    pub rows: Vec<HandoverRow>,
    pub value: Cents,
    pub follow_ups: usize,
    pub requests: usize,
    pub recommendations: usize,
    pub tasks: usize,
}

/// The customers of one manager (`from`), in data order.
pub fn portfolio(data: &Dataset, from: Sym) -> Vec<usize> {
    data.customers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.owner == Some(from))
        .map(|(i, _)| i)
        .collect()
}

/// What moving the customers at `positions` would move.
pub fn preview(data: &Dataset, analytics: &Analytics, positions: &[usize]) -> HandoverReport {
    let follow_ups = open_follow_ups(&data.activities);
    let mut out = HandoverReport::default();
    let desk = &data.desk;
    for &i in positions {
        let Some(c) = data.customers.get(i) else {
            continue;
        };
        let row = HandoverRow {
            index: i,
            value: analytics.customers.total_spent(i),
            follow_ups: usize::from(follow_ups.contains_key(&c.id)),
            requests: 0,
            recommendations: 0,
            tasks: 0,
        };
        out.rows.push(row);
    }
    let at: rustc_hash::FxHashMap<Uuid, usize> = out
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| (data.customers[r.index].id, k))
        .collect();
    for r in desk.requests.iter().filter(|r| r.status.is_open()) {
        if let Some(&k) = at.get(&r.customer_id) {
            out.rows[k].requests += 1;
        }
    }
    for r in desk
        .recommendations
        .iter()
        .filter(|r| !r.status.is_closed())
    {
        if let Some(&k) = at.get(&r.customer_id) {
            out.rows[k].recommendations += 1;
        }
    }
    for t in desk.tasks.iter().filter(|t| t.status == TaskStatus::Todo) {
        if let Some(&k) = at.get(&t.customer_id) {
            out.rows[k].tasks += 1;
        }
    }
    for r in &out.rows {
        out.value += r.value;
        out.follow_ups += r.follow_ups;
        out.requests += r.requests;
        out.recommendations += r.recommendations;
        out.tasks += r.tasks;
    }
    crate::sorting::sort_by_key(&mut out.rows, |r| {
        (std::cmp::Reverse(r.value), data.customers[r.index].id)
    });
    out
}

/// What a handover changed, by record (for the save and a report).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub customers: usize,
    pub requests: usize,
    pub recommendations: usize,
    pub tasks: usize,
}

/// Moves the customers at `positions` to `to`: their owner (with an owner-history entry that
/// names the reason), and their open requests, open recommendations and campaign tasks to do.
/// Customers already `to`'s are left alone. Everything changed is stamped `now`.
pub fn hand_over(
    data: &mut Dataset,
    positions: &[usize],
    to: Sym,
    reason: &str,
    now: Timestamp,
    mut new_id: impl FnMut() -> Uuid,
) -> Moved {
    let reason = reason.trim();
    let mut moved = Moved::default();
    let mut ids: FxHashSet<Uuid> = FxHashSet::default();
    let mut history = Vec::new();
    for &i in positions {
        let Some(c) = data.customers.get_mut(i) else {
            continue;
        };
        ids.insert(c.id);
        if c.owner == Some(to) {
            continue;
        }
        let mut entry = owner_change(c, Some(to), now, new_id());
        if !reason.is_empty() {
            entry.text = format!("{} · {reason}", entry.text);
        }
        history.push(entry);
        c.owner = Some(to);
        c.updated_at = now;
        moved.customers += 1;
    }
    data.activities.extend(history);
    let name = to.as_str();
    let desk = &mut data.desk;
    for r in desk.requests.iter_mut() {
        if r.status.is_open() && ids.contains(&r.customer_id) && r.owner.as_deref() != Some(name) {
            r.owner = Some(name.to_string());
            r.updated_at = now;
            moved.requests += 1;
        }
    }
    for r in desk.recommendations.iter_mut() {
        if !r.status.is_closed() && ids.contains(&r.customer_id) && r.owner.as_deref() != Some(name)
        {
            r.owner = Some(name.to_string());
            r.updated_at = now;
            moved.recommendations += 1;
        }
    }
    for t in desk.tasks.iter_mut() {
        if t.status == TaskStatus::Todo
            && ids.contains(&t.customer_id)
            && t.owner.as_deref() != Some(name)
        {
            t.owner = Some(name.to_string());
            t.updated_at = now;
            moved.tasks += 1;
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AnalyticsSettings, compute};
    use crate::model::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Three customers: two of 李经理 (one valuable), one of 王经理.
    fn data() -> Dataset {
        let mut d = Dataset::default();
        for (n, owner) in [(1, "李经理"), (2, "李经理"), (3, "王经理")] {
            let mut c = Customer::new(id(n), format!("客户{n}"), Timestamp(0));
            c.owner = Some(Sym::new(owner));
            d.customers.push(c);
        }
        for (n, cents) in [(1, 6_000_000), (2, 10_000)] {
            d.orders.push(Order {
                id: id(100 + n),
                customer_id: id(n),
                source_order_id: format!("o{n}"),
                ordered_at: Timestamp(1_000),
                amount_cents: cents,
                item_count: 1,
                channel: Sym::new("tmall"),
                status: OrderStatus::Paid,
                updated_at: Timestamp(1_000),
            });
        }
        // Customer 1: an open follow-up; customer 2: a follow-up a later call closed.
        let act = |n: u128, c: u128, at: i64, next: Option<chrono::NaiveDate>| Activity {
            id: id(n),
            customer_id: id(c),
            kind: ActivityKind::Call,
            at: Timestamp(at),
            text: "电话".into(),
            owner: Some("李经理".into()),
            next_follow_up: next,
            outcome: None,
            updated_at: Timestamp(at),
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 10);
        d.activities.push(act(200, 1, 2_000, day));
        d.activities.push(act(201, 2, 2_000, day));
        d.activities.push(act(202, 2, 3_000, None));
        let req = |n: u128, c: u128, status: RequestStatus| Request {
            id: id(n),
            customer_id: id(c),
            category: "complaint".into(),
            description: "x".into(),
            priority: Priority::Normal,
            status,
            owner: Some("李经理".into()),
            opened_at: Timestamp(0),
            due_at: Timestamp(10),
            closed_at: None,
            resolution: String::new(),
            updated_at: Timestamp(0),
        };
        d.desk.requests = vec![
            req(300, 1, RequestStatus::Open),
            req(301, 1, RequestStatus::Resolved),
            req(302, 3, RequestStatus::Open),
        ];
        let rec = |n: u128, c: u128, status: RecommendationStatus| Recommendation {
            id: id(n),
            customer_id: id(c),
            product: "基金".into(),
            amount_cents: None,
            status,
            won_cents: None,
            owner: Some("李经理".into()),
            recommended_at: Timestamp(0),
            closed_at: None,
            note: String::new(),
            updated_at: Timestamp(0),
        };
        d.desk.recommendations = vec![
            rec(400, 1, RecommendationStatus::Interested),
            rec(401, 2, RecommendationStatus::Won),
        ];
        let task = |n: u128, c: u128, status: TaskStatus| CampaignTask {
            id: id(n),
            campaign_id: id(500),
            customer_id: id(c),
            owner: Some("李经理".into()),
            status,
            done_at: None,
            updated_at: Timestamp(0),
        };
        d.desk.tasks = vec![
            task(501, 1, TaskStatus::Done),
            task(502, 2, TaskStatus::Todo),
        ];
        d
    }

    #[test]
    fn the_preview_counts_what_is_open_most_valuable_first() {
        let d = data();
        let a = compute(&d, &AnalyticsSettings::default());
        let li = portfolio(&d, Sym::new("李经理"));
        assert_eq!(li, vec![0, 1]);
        let p = preview(&d, &a, &li);
        assert_eq!(
            p.rows,
            vec![
                HandoverRow {
                    index: 0,
                    value: 6_000_000,
                    follow_ups: 1,
                    requests: 1,
                    recommendations: 1,
                    tasks: 0
                },
                HandoverRow {
                    index: 1,
                    value: 10_000,
                    follow_ups: 0,
                    requests: 0,
                    recommendations: 0,
                    tasks: 1
                },
            ]
        );
        assert_eq!(
            (
                p.value,
                p.follow_ups,
                p.requests,
                p.recommendations,
                p.tasks
            ),
            (6_010_000, 1, 1, 1, 1)
        );
    }

    #[test]
    fn a_handover_moves_the_owner_with_history_and_every_open_item() {
        let mut d = data();
        let li = portfolio(&d, Sym::new("李经理"));
        let mut n = 900;
        let moved = hand_over(
            &mut d,
            &li,
            Sym::new("张经理"),
            " 离职交接 ",
            Timestamp(5_000),
            || {
                n += 1;
                id(n)
            },
        );
        assert_eq!(
            moved,
            Moved {
                customers: 2,
                requests: 1,
                recommendations: 1,
                tasks: 1
            }
        );
        let owners: Vec<_> = d
            .customers
            .iter()
            .map(|c| c.owner.map(Sym::as_str))
            .collect();
        assert_eq!(owners, vec![Some("张经理"), Some("张经理"), Some("王经理")]);
        let history: Vec<(&str, Option<&str>)> = d
            .activities
            .iter()
            .filter(|a| a.kind == ActivityKind::OwnerChange)
            .map(|a| (a.text.as_str(), a.owner.as_deref()))
            .collect();
        assert_eq!(
            history,
            vec![
                ("李经理 → 张经理 · 离职交接", Some("张经理")),
                ("李经理 → 张经理 · 离职交接", Some("张经理")),
            ]
        );
        let req_owners: Vec<_> = d.desk.requests.iter().map(|r| r.owner.as_deref()).collect();
        // The open one moves; the resolved one keeps who resolved it; 王经理's is not touched.
        assert_eq!(
            req_owners,
            vec![Some("张经理"), Some("李经理"), Some("李经理")]
        );
        assert_eq!(d.desk.requests[0].updated_at, Timestamp(5_000));
        assert_eq!(d.desk.requests[1].updated_at, Timestamp(0));
        let rec_owners: Vec<_> = d
            .desk
            .recommendations
            .iter()
            .map(|r| r.owner.as_deref())
            .collect();
        assert_eq!(rec_owners, vec![Some("张经理"), Some("李经理")]);
        let task_owners: Vec<_> = d.desk.tasks.iter().map(|t| t.owner.as_deref()).collect();
        assert_eq!(task_owners, vec![Some("李经理"), Some("张经理")]);
        // The open follow-up is the customer's: it is now on 张经理's day.
        assert!(open_follow_ups(&d.activities).contains_key(&id(1)));
        // Again: nothing left to move.
        let again = hand_over(
            &mut d,
            &li,
            Sym::new("张经理"),
            "",
            Timestamp(6_000),
            || id(999),
        );
        assert_eq!(again, Moved::default());
    }
}
