//! The manager report: per account manager, their portfolio and their work. Definitions
//! (docs/desk.md): a manager's customers are those they own now; spend is net spend (paid
//! minus refunded); the 90-day change compares net spend in the 90 days ending on the
//! period's last day with the 90 days before; contacts, requests and recommendations count
//! within the period; overdue follow-ups are open ones planned before the period's last day.

use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::model::{Cents, OrderStatus, RecommendationStatus, RequestStatus, Stage};
use crate::sym::Sym;
use crate::time::day_number;
use crate::today::{is_contact, open_follow_ups};
use chrono::{FixedOffset, NaiveDate};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Days each half of the spend comparison covers.
pub const SPEND_WINDOW_DAYS: i64 = 90;

/// One manager's figures; `manager: None` gathers the customers nobody owns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManagerRow {
    pub manager: Option<Sym>,
    pub customers: usize,
    /// Net spend of their customers, all time.
    pub spend: Cents,
    /// Net spend in the last 90 days of the period, and in the 90 days before.
    pub spend_recent: Cents,
    pub spend_before: Cents,
    /// Customers at risk of churning (流失预警) now.
    pub at_risk: usize,
    /// Contacts with their customers in the period (calls, visits, messages, care, complaints).
    pub contacts: usize,
    pub overdue_follow_ups: usize,
    /// Requests of their customers resolved in the period, and of those within the deadline.
    pub resolved: usize,
    pub resolved_in_sla: usize,
    /// Recommendations they closed as won in the period, and the amount.
    pub won: usize,
    pub won_cents: Cents,
}

impl ManagerRow {
    /// Net spend in the last 90 days minus the 90 days before.
    pub fn spend_change(&self) -> Cents {
        self.spend_recent - self.spend_before
    }
}

/// Which column the report is sorted by (descending, then by manager name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Customers,
    Spend,
    SpendChange,
    AtRisk,
    Contacts,
    Overdue,
    Resolved,
    Won,
}

/// The report over the local days `from..=to` (in `offset`), sorted by manager name (the
/// customers nobody owns last).
pub fn manager_report(
    data: &Dataset,
    analytics: &Analytics,
    from: NaiveDate,
    to: NaiveDate,
    offset: FixedOffset,
) -> Vec<ManagerRow> {
    let (from_n, to_n) = (day_number(from), day_number(to));
    let in_period = |day: i64| from_n <= day && day <= to_n;
    let mut rows: BTreeMap<Option<Sym>, ManagerRow> = BTreeMap::new();
    let mut owner_of: FxHashMap<Uuid, Option<Sym>> = FxHashMap::default();
    for (i, c) in data.customers.iter().enumerate() {
        owner_of.insert(c.id, c.owner);
        let row = rows.entry(c.owner).or_default();
        row.customers += 1;
        let m = &analytics.customers;
        row.spend += m.total_spent(i);
        row.at_risk += usize::from(m.stage(i) == Some(Stage::AtRisk));
    }
    // The row of a customer's manager (records of customers not here count nowhere).
    let row = |customer: &Uuid| owner_of.get(customer).copied();
    for o in &data.orders {
        let back = to_n - o.ordered_at.local_day(offset);
        if !(0..2 * SPEND_WINDOW_DAYS).contains(&back) {
            continue;
        }
        let Some(owner) = row(&o.customer_id) else {
            continue;
        };
        let signed = match o.status {
            OrderStatus::Paid => o.amount_cents,
            OrderStatus::Refunded => -o.amount_cents,
        };
        let r = rows.entry(owner).or_default();
        if back < SPEND_WINDOW_DAYS {
            r.spend_recent += signed;
        } else {
            r.spend_before += signed;
        }
    }
    for a in &data.activities {
        if is_contact(a.kind)
            && in_period(a.at.local_day(offset))
            && let Some(owner) = row(&a.customer_id)
        {
            rows.entry(owner).or_default().contacts += 1;
        }
    }
    for (customer, (_, due)) in open_follow_ups(&data.activities) {
        if day_number(due) < to_n
            && let Some(owner) = row(&customer)
        {
            rows.entry(owner).or_default().overdue_follow_ups += 1;
        }
    }
    for r in &data.desk.requests {
        if r.status == RequestStatus::Resolved
            && let Some(closed) = r.closed_at
            && in_period(closed.local_day(offset))
            && let Some(owner) = row(&r.customer_id)
        {
            let m = rows.entry(owner).or_default();
            m.resolved += 1;
            m.resolved_in_sla += usize::from(closed <= r.due_at);
        }
    }
    for r in &data.desk.recommendations {
        if r.status == RecommendationStatus::Won
            && let Some(closed) = r.closed_at
            && in_period(closed.local_day(offset))
        {
            // Won by the manager who closed it (the recommendation's owner), not the
            // customer's manager now.
            let owner = r.owner.as_deref().map(Sym::new);
            let m = rows.entry(owner).or_default();
            m.won += 1;
            m.won_cents += r.won_cents.unwrap_or(0);
        }
    }
    // Unowned last.
    let mut out: Vec<ManagerRow> = rows
        .into_iter()
        .map(|(manager, mut r)| {
            r.manager = manager;
            r
        })
        .collect();
    crate::sorting::sort_by(&mut out, |a, b| {
        (a.manager.is_none(), a.manager.map(Sym::as_str))
            .cmp(&(b.manager.is_none(), b.manager.map(Sym::as_str)))
    });
    out
}

/// Sorts rows by a column, largest first; ties by manager name.
pub fn sort_rows(rows: &mut [ManagerRow], by: SortBy) {
    let key = |r: &ManagerRow| -> i64 {
        match by {
            SortBy::Customers => r.customers as i64,
            SortBy::Spend => r.spend,
            SortBy::SpendChange => r.spend_change(),
            SortBy::AtRisk => r.at_risk as i64,
            SortBy::Contacts => r.contacts as i64,
            SortBy::Overdue => r.overdue_follow_ups as i64,
            SortBy::Resolved => r.resolved as i64,
            SortBy::Won => r.won_cents,
        }
    };
    crate::sorting::sort_by(rows, |a, b| {
        key(b)
            .cmp(&key(a))
            .then_with(|| a.manager.map(Sym::as_str).cmp(&b.manager.map(Sym::as_str)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AnalyticsSettings, compute};
    use crate::model::*;
    use crate::time::{Timestamp, china_offset};

    fn t(s: &str) -> Timestamp {
        Timestamp::parse_iso(s).expect("time")
    }

    #[test]
    fn figures_per_manager_within_the_period() {
        let id = Uuid::from_u128;
        let mut d = Dataset::default();
        for (n, owner) in [(1, Some("甲")), (2, Some("甲")), (3, Some("乙")), (4, None)] {
            let mut c = Customer::new(id(n), format!("c{n}"), Timestamp(0));
            c.owner = owner.map(Sym::new);
            d.customers.push(c);
        }
        let order = |n: u128, c: u128, at: &str, cents: i64, status: OrderStatus| Order {
            id: id(100 + n),
            customer_id: id(c),
            source_order_id: n.to_string(),
            ordered_at: t(at),
            amount_cents: cents,
            item_count: 1,
            channel: Sym::new("tmall"),
            status,
            updated_at: Timestamp(0),
        };
        d.orders = vec![
            // The period ends 30 November (Beijing): recent = 2 Sep..30 Nov.
            order(1, 1, "2026-11-30T23:00:00+08:00", 10_000, OrderStatus::Paid),
            order(
                2,
                1,
                "2026-11-20T10:00:00+08:00",
                2_000,
                OrderStatus::Refunded,
            ),
            // 1 Sep is 90 days back: the earlier window.
            order(3, 2, "2026-09-01T10:00:00+08:00", 50_000, OrderStatus::Paid),
            // 1 Dec in Beijing (16:30 UTC on 30 Nov): after the period.
            order(4, 3, "2026-11-30T16:30:00Z", 70_000, OrderStatus::Paid),
            order(5, 4, "2026-10-01T10:00:00+08:00", 5_000, OrderStatus::Paid),
        ];
        let act = |n: u128, c: u128, kind: ActivityKind, at: &str, next: Option<&str>| Activity {
            id: id(200 + n),
            customer_id: id(c),
            kind,
            at: t(at),
            text: String::new(),
            owner: None,
            next_follow_up: next.map(|s| s.parse().expect("date")),
            outcome: None,
            updated_at: Timestamp(0),
        };
        d.activities = vec![
            act(
                1,
                1,
                ActivityKind::Call,
                "2026-11-10T10:00:00+08:00",
                Some("2026-11-20"),
            ),
            act(2, 2, ActivityKind::Note, "2026-11-11T10:00:00+08:00", None),
            act(
                3,
                3,
                ActivityKind::Visit,
                "2026-10-31T10:00:00+08:00",
                Some("2026-12-05"),
            ),
        ];
        let mut req = |n: u128, c: u128, closed: &str, due: &str| {
            d.desk.requests.push(Request {
                id: id(300 + n),
                customer_id: id(c),
                category: "complaint".into(),
                description: "x".into(),
                priority: Priority::Normal,
                status: RequestStatus::Resolved,
                owner: None,
                opened_at: t("2026-11-01T00:00:00Z"),
                due_at: t(due),
                closed_at: Some(t(closed)),
                resolution: "ok".into(),
                updated_at: Timestamp(0),
            })
        };
        req(
            1,
            1,
            "2026-11-05T10:00:00+08:00",
            "2026-11-06T00:00:00+08:00",
        );
        req(
            2,
            2,
            "2026-11-08T10:00:00+08:00",
            "2026-11-07T00:00:00+08:00",
        );
        d.desk.recommendations.push(Recommendation {
            id: id(400),
            customer_id: id(3),
            product: "基金".into(),
            amount_cents: None,
            status: RecommendationStatus::Won,
            won_cents: Some(800_000),
            owner: Some("甲".into()),
            recommended_at: t("2026-10-01T00:00:00Z"),
            closed_at: Some(t("2026-11-15T00:00:00Z")),
            note: String::new(),
            updated_at: Timestamp(0),
        });
        let a = compute(&d, &AnalyticsSettings::default());
        let day = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).expect("date");
        let rows = manager_report(&d, &a, day(11, 1), day(11, 30), china_offset());
        let names: Vec<_> = rows.iter().map(|r| r.manager.map(Sym::as_str)).collect();
        assert_eq!(names, vec![Some("乙"), Some("甲"), None]);
        let jia = &rows[1];
        assert_eq!(
            (jia.customers, jia.spend, jia.spend_recent, jia.spend_before),
            (2, 58_000, 8_000, 50_000)
        );
        assert_eq!((jia.contacts, jia.overdue_follow_ups), (1, 1));
        assert_eq!((jia.resolved, jia.resolved_in_sla), (2, 1));
        // Won by 甲, though the customer is 乙's.
        assert_eq!((jia.won, jia.won_cents), (1, 800_000));
        let yi = &rows[0];
        assert_eq!((yi.customers, yi.spend_recent, yi.contacts), (1, 0, 0));
        // 乙's follow-up is planned for 5 December: not overdue on 30 November.
        assert_eq!(yi.overdue_follow_ups, 0);
        assert_eq!((rows[2].customers, rows[2].spend_recent), (1, 5_000));
        let mut sorted = rows.clone();
        sort_rows(&mut sorted, SortBy::Spend);
        let by_spend: Vec<_> = sorted.iter().map(|r| r.spend).collect();
        assert_eq!(by_spend, vec![70_000, 58_000, 5_000]);
    }
}
