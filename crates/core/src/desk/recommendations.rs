//! Recommendations: the lists the job is organised around (to follow up, recommended) and
//! conversion per manager and per product.
//!
//! - *To follow up*: valuable customers — those in the analytics' top value tier (the first
//!   tier rule; by default 优质客户, net spend ≥ ¥50,000) — who were never recommended
//!   anything, and every recommendation the customer is interested in (interested is never
//!   closed). Interested ones first (a deal in reach), then the others; most valuable first.
//! - *Recommended*: every recommendation, newest first.
//! - *Conversion*: per manager (the recommendation's owner) and per product: how many were
//!   made and where each stands now (recommended, interested, won, declined), the won share
//!   (won ÷ all made) and the amount won.
//!
//! The definitions are in docs/desk.md.

use crate::dataset::Dataset;
use crate::export::{Cell, ExportOptions, mask_email, mask_phone};
use crate::metrics::Analytics;
use crate::model::{Cents, Customer, Recommendation, RecommendationStatus, Tier};
use crate::money::{MoneyError, parse_yuan};
use crate::sym::Sym;
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

/// Whose records a list shows: everyone's, one manager's, or those without a manager.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Manager {
    #[default]
    Everyone,
    Named(String),
    Unassigned,
}

impl Manager {
    pub fn includes(&self, owner: Option<&str>) -> bool {
        match self {
            Manager::Everyone => true,
            Manager::Named(name) => owner.is_some_and(|o| o.trim() == name.trim()),
            Manager::Unassigned => owner.is_none_or(|o| o.trim().is_empty()),
        }
    }
}

/// Why a recommendation cannot be recorded (worded by the app).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecommendationError {
    ProductMissing,
    /// The amount is not an amount of yuan.
    Amount(MoneyError),
    NegativeAmount,
}

/// An optional amount as typed (`12,800`, `¥1.2万`): `None` when empty.
pub fn parse_amount(text: &str) -> Result<Option<Cents>, RecommendationError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_yuan(text) {
        Ok(c) if c < 0 => Err(RecommendationError::NegativeAmount),
        Ok(c) => Ok(Some(c)),
        Err(e) => Err(RecommendationError::Amount(e)),
    }
}

/// A new recommendation of `product` to `customer`, by `owner` (the form defaults it to the
/// customer's manager), recommended `now`.
pub fn new_recommendation(
    customer: &Customer,
    product: &str,
    amount: Option<Cents>,
    owner: Option<&str>,
    now: Timestamp,
    id: Uuid,
) -> Result<Recommendation, RecommendationError> {
    let product = product.trim();
    if product.is_empty() {
        return Err(RecommendationError::ProductMissing);
    }
    if amount.is_some_and(|a| a < 0) {
        return Err(RecommendationError::NegativeAmount);
    }
    Ok(Recommendation {
        id,
        customer_id: customer.id,
        product: product.to_string(),
        amount_cents: amount,
        status: RecommendationStatus::Recommended,
        won_cents: None,
        owner: owner
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string),
        recommended_at: now,
        closed_at: None,
        note: String::new(),
        updated_at: now,
    })
}

/// Adds a new recommendation to the desk, in the desk's order (by id).
pub fn add_recommendation(desk: &mut crate::model::Desk, r: Recommendation) {
    let at = desk.recommendations.partition_point(|x| x.id < r.id);
    desk.recommendations.insert(at, r);
}

/// Moves a recommendation to `status`, stamped `now`. Won and declined close it
/// (`closed_at = now`, kept when the status stays); recommended and interested re-open it
/// (no `closed_at`). Won records the deal's amount: `won`, else the amount offered; any other
/// status has none.
pub fn set_status(
    r: &mut Recommendation,
    status: RecommendationStatus,
    won: Option<Cents>,
    now: Timestamp,
) {
    r.closed_at = if !status.is_closed() {
        None
    } else if r.status == status {
        // The same status again (a won amount corrected): closed when it first was.
        r.closed_at.or(Some(now))
    } else {
        Some(now)
    };
    r.status = status;
    r.won_cents = match status {
        RecommendationStatus::Won => won.or(r.amount_cents),
        _ => None,
    };
    r.updated_at = now;
}

/// [`set_status`] of the recommendation `id` in `data`; `false` if there is none.
pub fn change_status(
    data: &mut Dataset,
    id: Uuid,
    status: RecommendationStatus,
    won: Option<Cents>,
    now: Timestamp,
) -> bool {
    match data.desk.recommendations.iter_mut().find(|r| r.id == id) {
        Some(r) => {
            set_status(r, status, won, now);
            true
        }
        None => false,
    }
}

/// A customer's recommendations (indices into `desk.recommendations`), newest first.
pub fn of_customer(data: &Dataset, customer: Uuid) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..data.desk.recommendations.len())
        .filter(|&k| data.desk.recommendations[k].customer_id == customer)
        .collect();
    newest_first(data, &mut rows);
    rows
}

fn newest_first(data: &Dataset, rows: &mut [usize]) {
    let recs = &data.desk.recommendations;
    crate::sorting::sort_by(rows, |&a, &b| {
        let (a, b) = (&recs[a], &recs[b]);
        (b.recommended_at, b.id).cmp(&(a.recommended_at, a.id))
    });
}

/// Why a customer is on the to-follow-up list. The order is the list's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FollowUp {
    /// Interested in the recommendation at this index of `desk.recommendations`.
    Interested(usize),
    /// In the top value tier and never recommended anything.
    NotRecommended,
}

impl FollowUp {
    /// The code the page's hooks carry (`data-reason`).
    pub fn code(self) -> &'static str {
        match self {
            FollowUp::Interested(_) => "interested",
            FollowUp::NotRecommended => "not_recommended",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUpRow {
    /// Position in `data.customers`.
    pub customer: usize,
    pub reason: FollowUp,
    /// The customer's net spend (the order within a reason).
    pub value: Cents,
}

/// Whether `analytics` put the customer at `i` in the top value tier. With no tier rules
/// everybody is in the one "other" tier, which is not a top tier.
pub fn is_top_tier(analytics: &Analytics, i: usize) -> bool {
    analytics.tiers.len() > 1
        && analytics
            .customers
            .get(i)
            .is_some_and(|m| m.tier == Some(Tier(0)))
}

/// The to-follow-up list for `manager` (an interested recommendation by its owner, a customer
/// never recommended anything by the customer's manager): interested first, then the top-tier
/// customers never recommended anything; within each, the most valuable first, then by
/// position (and the newest recommendation first).
pub fn to_follow_up(data: &Dataset, analytics: &Analytics, manager: &Manager) -> Vec<FollowUpRow> {
    let positions = data.customer_positions();
    let value = |i: usize| analytics.customers.total_spent(i);
    let recommended: FxHashSet<Uuid> = data
        .desk
        .recommendations
        .iter()
        .map(|r| r.customer_id)
        .collect();
    let mut rows = Vec::new();
    for (k, r) in data.desk.recommendations.iter().enumerate() {
        if r.status != RecommendationStatus::Interested || !manager.includes(r.owner.as_deref()) {
            continue;
        }
        if let Some(&i) = positions.get(&r.customer_id) {
            rows.push(FollowUpRow {
                customer: i,
                reason: FollowUp::Interested(k),
                value: value(i),
            });
        }
    }
    for (i, c) in data.customers.iter().enumerate() {
        if is_top_tier(analytics, i)
            && !recommended.contains(&c.id)
            && manager.includes(c.owner.map(Sym::as_str))
        {
            rows.push(FollowUpRow {
                customer: i,
                reason: FollowUp::NotRecommended,
                value: value(i),
            });
        }
    }
    let recs = &data.desk.recommendations;
    let when = |f: FollowUp| match f {
        FollowUp::Interested(k) => std::cmp::Reverse(Some((recs[k].recommended_at, recs[k].id))),
        FollowUp::NotRecommended => std::cmp::Reverse(None),
    };
    crate::sorting::sort_by(&mut rows, |a, b| {
        let rank = |r: &FollowUpRow| matches!(r.reason, FollowUp::NotRecommended);
        (
            rank(a),
            std::cmp::Reverse(a.value),
            a.customer,
            when(a.reason),
        )
            .cmp(&(
                rank(b),
                std::cmp::Reverse(b.value),
                b.customer,
                when(b.reason),
            ))
    });
    rows
}

/// The recommended list for `manager` (indices into `desk.recommendations`), newest first.
pub fn recommended(data: &Dataset, manager: &Manager) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..data.desk.recommendations.len())
        .filter(|&k| manager.includes(data.desk.recommendations[k].owner.as_deref()))
        .collect();
    newest_first(data, &mut rows);
    rows
}

/// The managers named by recommendations and by customers' owners, in name order, for the
/// filter.
pub fn managers(data: &Dataset) -> Vec<String> {
    let mut out: Vec<String> = data
        .desk
        .recommendations
        .iter()
        .filter_map(|r| r.owner.as_deref().map(str::trim))
        .chain(
            data.customers
                .iter()
                .filter_map(|c| c.owner.map(Sym::as_str)),
        )
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Conversion of one manager's or one product's recommendations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// The manager or the product; `None`: recommendations without a manager.
    pub key: Option<String>,
    /// Recommendations made.
    pub total: usize,
    /// Where they stand now: the four add up to `total`.
    pub recommended: usize,
    pub interested: usize,
    pub won: usize,
    pub declined: usize,
    /// The amount of the deals won.
    pub won_cents: Cents,
}

impl Conversion {
    fn add(&mut self, r: &Recommendation) {
        self.total += 1;
        match r.status {
            RecommendationStatus::Recommended => self.recommended += 1,
            RecommendationStatus::Interested => self.interested += 1,
            RecommendationStatus::Won => {
                self.won += 1;
                self.won_cents += r.won_cents.unwrap_or(0);
            }
            RecommendationStatus::Declined => self.declined += 1,
        }
    }
    /// Won ÷ recommendations made (`None` without any).
    pub fn won_share(&self) -> Option<f64> {
        (self.total > 0).then(|| self.won as f64 / self.total as f64)
    }
}

/// The conversion of `manager`'s recommendations per key (`key` of a recommendation), the
/// most made first, then by key (`None` last); and the total of them all.
fn conversion_by(
    data: &Dataset,
    manager: &Manager,
    key: impl Fn(&Recommendation) -> Option<String>,
) -> (Vec<Conversion>, Conversion) {
    let mut groups: FxHashMap<Option<String>, Conversion> = FxHashMap::default();
    let mut total = Conversion::default();
    for r in &data.desk.recommendations {
        if !manager.includes(r.owner.as_deref()) {
            continue;
        }
        let k = key(r);
        groups
            .entry(k.clone())
            .or_insert_with(|| Conversion {
                key: k,
                ..Conversion::default()
            })
            .add(r);
        total.add(r);
    }
    let mut rows: Vec<Conversion> = groups.into_values().collect();
    crate::sorting::sort_by(&mut rows, |a, b| {
        (std::cmp::Reverse(a.total), a.key.is_none(), &a.key).cmp(&(
            std::cmp::Reverse(b.total),
            b.key.is_none(),
            &b.key,
        ))
    });
    (rows, total)
}

/// Conversion per manager (the recommendation's owner), and the total.
pub fn conversion_by_manager(data: &Dataset, manager: &Manager) -> (Vec<Conversion>, Conversion) {
    conversion_by(data, manager, |r| {
        r.owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
    })
}

/// Conversion per product (as typed, spaces at the ends aside), and the total.
pub fn conversion_by_product(data: &Dataset, manager: &Manager) -> (Vec<Conversion>, Conversion) {
    conversion_by(data, manager, |r| Some(r.product.trim().to_string()))
}

// ---------------------------------------------------------------------------------------------
// Exports

/// The columns of both lists' exports (the cells of [`follow_up_cells`] and
/// [`recommended_cells`]).
pub const EXPORT_COLUMNS: [&str; 14] = [
    "customer_id",
    "name",
    "phone",
    "email",
    "customer_owner",
    "tier",
    "total_spent",
    "reason",
    "product",
    "amount",
    "status",
    "recommended_by",
    "recommended_at",
    "won_amount",
];

/// The app's words for what the exports name: a tier, a reason, a status.
pub struct Labels<'a> {
    pub tier: &'a dyn Fn(Tier) -> String,
    pub reason: &'a dyn Fn(FollowUp) -> String,
    pub status: &'a dyn Fn(RecommendationStatus) -> String,
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// One row: the customer at `i`, why they are listed (if they are on the to-follow-up list)
/// and the recommendation (if any).
fn row(
    data: &Dataset,
    analytics: &Analytics,
    i: usize,
    reason: Option<FollowUp>,
    rec: Option<&Recommendation>,
    options: &ExportOptions,
    labels: &Labels<'_>,
) -> Option<Vec<Cell>> {
    let c = data.customers.get(i)?;
    let m = analytics.customers.get(i);
    let masked = |v: Option<&str>, mask: fn(&str) -> String| match v {
        Some(v) if options.mask => text(&mask(v)),
        Some(v) => text(v),
        None => Cell::Empty,
    };
    let day = |t: Timestamp| {
        t.to_offset(options.offset)
            .map_or(Cell::Empty, |d| Cell::Date(d.date_naive()))
    };
    Some(vec![
        Cell::Text(c.id.to_string()),
        text(&c.name),
        masked(c.phone.as_deref(), mask_phone),
        masked(c.email.as_deref(), mask_email),
        text(c.owner.map(Sym::as_str).unwrap_or("")),
        m.as_ref()
            .and_then(|m| m.tier)
            .map_or(Cell::Empty, |t| text(&(labels.tier)(t))),
        m.as_ref()
            .map_or(Cell::Empty, |m| Cell::Money(m.total_spent)),
        reason.map_or(Cell::Empty, |r| text(&(labels.reason)(r))),
        rec.map_or(Cell::Empty, |r| text(&r.product)),
        rec.and_then(|r| r.amount_cents)
            .map_or(Cell::Empty, Cell::Money),
        rec.map_or(Cell::Empty, |r| text(&(labels.status)(r.status))),
        rec.and_then(|r| r.owner.as_deref())
            .map_or(Cell::Empty, text),
        rec.map_or(Cell::Empty, |r| day(r.recommended_at)),
        rec.and_then(|r| r.won_cents)
            .map_or(Cell::Empty, Cell::Money),
    ])
}

/// The to-follow-up list's rows, for a CSV or a workbook under [`EXPORT_COLUMNS`].
pub fn follow_up_cells(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[FollowUpRow],
    options: &ExportOptions,
    labels: &Labels<'_>,
) -> Vec<Vec<Cell>> {
    rows.iter()
        .filter_map(|r| {
            let rec = match r.reason {
                FollowUp::Interested(k) => data.desk.recommendations.get(k),
                FollowUp::NotRecommended => None,
            };
            row(
                data,
                analytics,
                r.customer,
                Some(r.reason),
                rec,
                options,
                labels,
            )
        })
        .collect()
}

/// The recommended list's rows (indices into `desk.recommendations`); recommendations whose
/// customer is gone are left out.
pub fn recommended_cells(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[usize],
    options: &ExportOptions,
    labels: &Labels<'_>,
) -> Vec<Vec<Cell>> {
    let positions = data.customer_positions();
    rows.iter()
        .filter_map(|&k| {
            let r = data.desk.recommendations.get(k)?;
            let i = *positions.get(&r.customer_id)?;
            row(data, analytics, i, None, Some(r), options, labels)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{AnalyticsSettings, compute};
    use crate::model::{Order, OrderStatus};
    use chrono::FixedOffset;

    const T0: Timestamp = Timestamp(1_789_862_400_000);
    const DAY: i64 = crate::time::MS_PER_DAY;

    fn customer(n: u128, owner: Option<&str>) -> Customer {
        let mut c = Customer::new(Uuid::from_u128(n), format!("客户{n}"), Timestamp(0));
        c.owner = owner.map(Sym::new);
        c.phone = Some(format!("1390000{n:04}"));
        c.email = Some(format!("c{n}@example.com"));
        c
    }

    fn order(n: u128, customer: u128, cents: i64) -> Order {
        Order {
            id: Uuid::from_u128(9000 + n),
            customer_id: Uuid::from_u128(customer),
            source_order_id: format!("O{n}"),
            ordered_at: T0,
            amount_cents: cents,
            item_count: 1,
            channel: Sym::new("tmall"),
            status: OrderStatus::Paid,
            updated_at: T0,
        }
    }

    fn rec(
        n: u128,
        customer: &Customer,
        product: &str,
        owner: Option<&str>,
        day: i64,
    ) -> Recommendation {
        new_recommendation(
            customer,
            product,
            Some(100_000),
            owner,
            T0.plus_millis(day * DAY),
            Uuid::from_u128(500 + n),
        )
        .expect("a recommendation")
    }

    /// Six customers; 1, 2, 3 and 5 spent ≥ ¥50,000 (the default top tier): 1 and 2 王经理's,
    /// 3 李经理's, 5 nobody's; 4 and 6 spent little.
    fn data() -> Dataset {
        Dataset {
            customers: vec![
                customer(1, Some("王经理")),
                customer(2, Some("王经理")),
                customer(3, Some("李经理")),
                customer(4, Some("李经理")),
                customer(5, None),
                customer(6, Some("王经理")),
            ],
            orders: vec![
                order(1, 1, 6_000_000),
                order(2, 2, 5_000_000),
                order(3, 3, 9_000_000),
                order(4, 4, 100_000),
                order(5, 5, 7_000_000),
                order(6, 6, 200_000),
            ],
            ..Dataset::default()
        }
    }

    #[test]
    fn amounts_and_a_product_are_checked() {
        assert_eq!(parse_amount("  "), Ok(None));
        assert_eq!(parse_amount("¥12,800.5"), Ok(Some(1_280_050)));
        assert_eq!(parse_amount("1.2万"), Ok(Some(1_200_000)));
        assert_eq!(parse_amount("-5"), Err(RecommendationError::NegativeAmount));
        assert_eq!(
            parse_amount("abc"),
            Err(RecommendationError::Amount(MoneyError::NotANumber))
        );
        let c = customer(1, Some("王经理"));
        assert_eq!(
            new_recommendation(&c, " ", None, None, T0, Uuid::nil()),
            Err(RecommendationError::ProductMissing)
        );
        let r = new_recommendation(&c, " 理财 A ", None, Some(" 王经理 "), T0, Uuid::nil())
            .expect("a recommendation");
        assert_eq!(
            (
                r.product.as_str(),
                r.owner.as_deref(),
                r.status,
                r.recommended_at,
                r.updated_at
            ),
            (
                "理财 A",
                Some("王经理"),
                RecommendationStatus::Recommended,
                T0,
                T0
            )
        );
        let r = new_recommendation(&c, "理财", None, Some(""), T0, Uuid::nil()).expect("ok");
        assert_eq!(r.owner, None);
    }

    #[test]
    fn won_and_declined_close_reopening_clears() {
        let c = customer(1, None);
        let mut r = rec(1, &c, "理财", None, 0);
        let t = |days: i64| T0.plus_millis(days * DAY);
        set_status(&mut r, RecommendationStatus::Interested, None, t(1));
        assert_eq!((r.closed_at, r.won_cents, r.updated_at), (None, None, t(1)));
        // Won without an amount: the amount offered.
        set_status(&mut r, RecommendationStatus::Won, None, t(2));
        assert_eq!((r.closed_at, r.won_cents), (Some(t(2)), Some(100_000)));
        // The amount corrected: still closed when it was won.
        set_status(&mut r, RecommendationStatus::Won, Some(88_800), t(3));
        assert_eq!(
            (r.closed_at, r.won_cents, r.updated_at),
            (Some(t(2)), Some(88_800), t(3))
        );
        set_status(&mut r, RecommendationStatus::Recommended, None, t(4));
        assert_eq!((r.closed_at, r.won_cents), (None, None));
        set_status(&mut r, RecommendationStatus::Declined, Some(5), t(5));
        assert_eq!((r.closed_at, r.won_cents), (Some(t(5)), None));
        let mut d = data();
        d.desk.recommendations.push(r.clone());
        assert!(change_status(
            &mut d,
            r.id,
            RecommendationStatus::Interested,
            None,
            t(6)
        ));
        assert_eq!(d.desk.recommendations[0].closed_at, None);
        assert!(!change_status(
            &mut d,
            Uuid::nil(),
            RecommendationStatus::Won,
            None,
            t(6)
        ));
    }

    #[test]
    fn the_two_lists_and_the_manager_filter() {
        let mut d = data();
        let a = compute(&d, &AnalyticsSettings::default());
        assert!(
            (0..6)
                .map(|i| is_top_tier(&a, i))
                .eq([true, true, true, false, true, false])
        );
        // 1: interested (王经理). 3: declined (李经理). 4 (not top tier): interested, but
        // recommended by 王经理. 6: recommended.
        let mut r1 = rec(1, &d.customers[0], "理财", Some("王经理"), 1);
        set_status(&mut r1, RecommendationStatus::Interested, None, T0);
        let mut r3 = rec(3, &d.customers[2], "保险", Some("李经理"), 2);
        set_status(&mut r3, RecommendationStatus::Declined, None, T0);
        let mut r4 = rec(4, &d.customers[3], "理财", Some("王经理"), 3);
        set_status(&mut r4, RecommendationStatus::Interested, None, T0);
        let r6 = rec(6, &d.customers[5], "基金", Some("王经理"), 4);
        d.desk.recommendations = vec![r1, r3, r4, r6];
        let list = |m: Manager| -> Vec<(u128, FollowUp)> {
            to_follow_up(&d, &a, &m)
                .iter()
                .map(|r| (d.customers[r.customer].id.as_u128(), r.reason))
                .collect()
        };
        // Interested first (by value: 1 spent more than 4), then the top tier never
        // recommended anything (5 spent more than 2).
        assert_eq!(
            list(Manager::Everyone),
            vec![
                (1, FollowUp::Interested(0)),
                (4, FollowUp::Interested(2)),
                (5, FollowUp::NotRecommended),
                (2, FollowUp::NotRecommended),
            ]
        );
        assert_eq!(
            list(Manager::Named("王经理".into())),
            vec![
                (1, FollowUp::Interested(0)),
                (4, FollowUp::Interested(2)),
                (2, FollowUp::NotRecommended),
            ]
        );
        assert_eq!(list(Manager::Named("李经理".into())), vec![]);
        assert_eq!(
            list(Manager::Unassigned),
            vec![(5, FollowUp::NotRecommended)]
        );
        let rows = |m: Manager| -> Vec<u128> {
            recommended(&d, &m)
                .iter()
                .map(|&k| d.desk.recommendations[k].id.as_u128())
                .collect()
        };
        assert_eq!(rows(Manager::Everyone), vec![506, 504, 503, 501]);
        assert_eq!(rows(Manager::Named("李经理".into())), vec![503]);
        assert_eq!(rows(Manager::Unassigned), Vec::<u128>::new());
        assert_eq!(of_customer(&d, Uuid::from_u128(1)), vec![0]);
        assert_eq!(
            managers(&d),
            vec!["李经理".to_string(), "王经理".to_string()]
        );
        // Without tier rules nobody is "top tier".
        let flat = AnalyticsSettings {
            tiers: Vec::new(),
            ..AnalyticsSettings::default()
        };
        let a = compute(&d, &flat);
        assert!(!(0..6).any(|i| is_top_tier(&a, i)));
    }

    #[test]
    fn conversion_per_manager_and_per_product() {
        let mut d = data();
        let t = T0;
        let c = d.customers.clone();
        let mut recs = vec![
            rec(1, &c[0], "理财", Some("王经理"), 1),
            rec(2, &c[1], "理财 ", Some("王经理"), 1),
            rec(3, &c[2], "保险", Some("李经理"), 1),
            rec(4, &c[3], "理财", Some("李经理"), 1),
            rec(5, &c[4], "基金", None, 1),
        ];
        set_status(&mut recs[0], RecommendationStatus::Won, Some(250_000), t);
        set_status(&mut recs[1], RecommendationStatus::Declined, None, t);
        set_status(&mut recs[2], RecommendationStatus::Won, None, t);
        set_status(&mut recs[3], RecommendationStatus::Interested, None, t);
        d.desk.recommendations = recs;
        let (by_manager, total) = conversion_by_manager(&d, &Manager::Everyone);
        let conv = |key: Option<&str>, total, recommended, interested, won, declined, won_cents| {
            Conversion {
                key: key.map(str::to_string),
                total,
                recommended,
                interested,
                won,
                declined,
                won_cents,
            }
        };
        assert_eq!(
            by_manager,
            vec![
                conv(Some("李经理"), 2, 0, 1, 1, 0, 100_000),
                conv(Some("王经理"), 2, 0, 0, 1, 1, 250_000),
                conv(None, 1, 1, 0, 0, 0, 0),
            ]
        );
        assert_eq!(total, conv(None, 5, 1, 1, 2, 1, 350_000));
        assert_eq!(total.won_share(), Some(0.4));
        assert_eq!(by_manager[0].won_share(), Some(0.5));
        let (by_product, _) = conversion_by_product(&d, &Manager::Everyone);
        assert_eq!(
            by_product,
            vec![
                conv(Some("理财"), 3, 0, 1, 1, 1, 250_000),
                conv(Some("保险"), 1, 0, 0, 1, 0, 100_000),
                conv(Some("基金"), 1, 1, 0, 0, 0, 0),
            ]
        );
        let (by_product, total) = conversion_by_product(&d, &Manager::Named("李经理".into()));
        assert_eq!(by_product.len(), 2);
        assert_eq!(total, conv(None, 2, 0, 1, 1, 0, 100_000));
        assert_eq!(Conversion::default().won_share(), None);
    }

    #[test]
    fn exports_mask_and_name_what_the_app_words() {
        let mut d = data();
        let a = compute(&d, &AnalyticsSettings::default());
        let mut r = rec(1, &d.customers[0], "理财", Some("王经理"), 1);
        set_status(
            &mut r,
            RecommendationStatus::Won,
            Some(250_000),
            T0.plus_millis(DAY),
        );
        d.desk.recommendations = vec![r];
        let options = ExportOptions {
            mask: true,
            chinese: true,
            offset: FixedOffset::east_opt(8 * 3600).expect("offset"),
            names: crate::export::ClassNames::CODES,
        };
        let labels = Labels {
            tier: &|t| format!("T{}", t.0),
            reason: &|r| r.code().to_string(),
            status: &|s| s.code().to_string(),
        };
        let rows = recommended(&d, &Manager::Everyone);
        let cells = recommended_cells(&d, &a, &rows, &options, &labels);
        assert_eq!(
            cells,
            vec![vec![
                Cell::Text(Uuid::from_u128(1).to_string()),
                Cell::Text("客户1".into()),
                Cell::Text("139****0001".into()),
                Cell::Text("c***@example.com".into()),
                Cell::Text("王经理".into()),
                Cell::Text("T0".into()),
                Cell::Money(6_000_000),
                Cell::Empty,
                Cell::Text("理财".into()),
                Cell::Money(100_000),
                Cell::Text("won".into()),
                Cell::Text("王经理".into()),
                Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 9, 21).expect("date")),
                Cell::Money(250_000),
            ]]
        );
        let follow = to_follow_up(&d, &a, &Manager::Everyone);
        let cells = follow_up_cells(&d, &a, &follow, &options, &labels);
        // 1 is recommended (won): 5, 2 and 3 are the top tier never recommended anything.
        let names: Vec<&Cell> = cells.iter().map(|r| &r[1]).collect();
        assert_eq!(
            names,
            vec![
                &Cell::Text("客户3".into()),
                &Cell::Text("客户5".into()),
                &Cell::Text("客户2".into()),
            ]
        );
        assert_eq!(cells[0][7], Cell::Text("not_recommended".into()));
        assert_eq!(cells[0][8], Cell::Empty);
        assert!(cells.iter().all(|r| r.len() == EXPORT_COLUMNS.len()));
    }
}
