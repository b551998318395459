//! Every customer's analytics stored column-wise: a column per figure instead of one
//! [`CustomerMetrics`] (~136 bytes, mostly `Option<i64>`s) per customer.
//!
//! Why: a question about one or two figures of everybody (a segment's `total_spent > 500`,
//! the dashboard's stage counts, Today's values) reads just those columns — under a megabyte
//! at 100,000 customers — instead of every customer's whole row; a segment reads the number
//! columns as they are, without building its own. And the table holds ~75 bytes a customer.
//! The analytics are still counted row by row (the counting touches most figures of a
//! customer at once) and packed into columns as each customer's last figure is set.

use super::CustomerMetrics;
use crate::bits::Bits;
use crate::model::{Cents, RfmGroup, Stage, Tier};
use crate::time::Timestamp;

/// A number per customer; `present` says who has one (`None`: everybody). A customer without
/// one holds 0 in `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    pub values: Vec<i64>,
    pub present: Option<Bits>,
}

impl Numbers {
    /// An empty column whose customers will each have a number (`always`) or maybe not.
    fn new(always: bool) -> Self {
        Numbers {
            values: Vec::new(),
            present: (!always).then(|| Bits::none(0)),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<i64> {
        let v = self.values.get(i).copied()?;
        match &self.present {
            Some(p) if !p.get(i) => None,
            _ => Some(v),
        }
    }

    fn push(&mut self, v: Option<i64>) {
        self.values.push(v.unwrap_or(0));
        if let Some(p) = &mut self.present {
            p.push(v.is_some());
        }
    }

    fn set(&mut self, i: usize, v: Option<i64>) {
        if let Some(slot) = self.values.get_mut(i) {
            *slot = v.unwrap_or(0);
        }
        if let Some(p) = &mut self.present {
            p.set(i, v.is_some());
        }
    }
}

/// A small value per customer (a score, a label's position); [`NONE`] for none.
const NONE: u8 = u8::MAX;

fn code<T: PartialEq + Copy>(all: &[T], x: Option<T>) -> u8 {
    x.and_then(|x| all.iter().position(|&y| y == x))
        .map_or(NONE, |k| k as u8)
}

fn decode<T: Copy>(all: &[T], c: u8) -> Option<T> {
    all.get(usize::from(c)).copied()
}

fn small(x: Option<u8>) -> u8 {
    // Scores are 1–5 and tiers below MAX_TIER_RULES + 1, far from NONE.
    x.map_or(NONE, |v| v.min(NONE - 1))
}

fn unsmall(c: u8) -> Option<u8> {
    (c != NONE).then_some(c)
}

/// The analytics of every customer, column by column, aligned with `Dataset::customers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsTable {
    orders: Vec<u32>,
    total_spent: Numbers,
    aov: Numbers,
    first_order: Numbers,
    last_order: Numbers,
    recency_days: Numbers,
    median_gap_days: Numbers,
    ltv: Numbers,
    at_risk_after: Numbers,
    /// R, F, M.
    scores: [Vec<u8>; 3],
    /// Stage and computed stage (positions in [`Stage::ALL`]), RFM group (in
    /// [`RfmGroup::ALL`]), tier number.
    labels: [Vec<u8>; 4],
}

impl Default for MetricsTable {
    fn default() -> Self {
        MetricsTable {
            orders: Vec::new(),
            total_spent: Numbers::new(true),
            aov: Numbers::new(false),
            first_order: Numbers::new(false),
            last_order: Numbers::new(false),
            recency_days: Numbers::new(false),
            median_gap_days: Numbers::new(false),
            ltv: Numbers::new(false),
            at_risk_after: Numbers::new(false),
            scores: Default::default(),
            labels: Default::default(),
        }
    }
}

/// A number column of the table, read as it is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberColumn {
    TotalSpent,
    Aov,
    RecencyDays,
    Ltv,
    /// Milliseconds since the epoch (UTC).
    FirstOrder,
    LastOrder,
    /// 流失预警's limit in days (only customers at risk have one).
    AtRiskAfter,
    MedianGapDays,
}

/// A small column of the table: a score (1–5) or a label's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmallColumn {
    R,
    F,
    M,
    /// Positions in [`Stage::ALL`].
    Stage,
    /// Positions in [`RfmGroup::ALL`].
    Group,
    /// Tier numbers.
    Tier,
}

impl MetricsTable {
    /// The value of a small column that stands for "none".
    pub const NONE: u8 = NONE;

    pub fn from_rows(rows: &[CustomerMetrics]) -> Self {
        let mut t = MetricsTable::with_capacity(rows.len());
        for m in rows {
            t.push(m);
        }
        t
    }

    /// An empty table with room for `n` customers.
    pub fn with_capacity(n: usize) -> Self {
        let mut t = MetricsTable::default();
        t.reserve(n);
        t
    }

    fn reserve(&mut self, n: usize) {
        self.orders.reserve_exact(n);
        for c in [
            &mut self.total_spent,
            &mut self.aov,
            &mut self.first_order,
            &mut self.last_order,
            &mut self.recency_days,
            &mut self.median_gap_days,
            &mut self.ltv,
            &mut self.at_risk_after,
        ] {
            c.values.reserve_exact(n);
            if let Some(p) = &mut c.present {
                p.reserve(n);
            }
        }
        for c in self.scores.iter_mut().chain(&mut self.labels) {
            c.reserve_exact(n);
        }
    }

    /// The customers' metrics row by row (what the analytics are counted in).
    pub fn to_rows(&self) -> Vec<CustomerMetrics> {
        self.iter().collect()
    }

    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// The metrics of the customer at `i`, put together from the columns.
    pub fn get(&self, i: usize) -> Option<CustomerMetrics> {
        let orders = *self.orders.get(i)?;
        let computed_stage = self.labels[1].get(i).copied().unwrap_or(NONE);
        Some(CustomerMetrics {
            orders,
            total_spent: self.total_spent(i),
            aov: self.aov.get(i),
            first_order: self.first_order(i),
            last_order: self.last_order(i),
            recency_days: self.recency_days.get(i),
            median_gap_days: self.median_gap_days.get(i),
            r: self.small_at(SmallColumn::R, i),
            f: self.small_at(SmallColumn::F, i),
            m: self.small_at(SmallColumn::M, i),
            stage: self.stage(i),
            computed_stage: decode(&Stage::ALL, computed_stage),
            group: self.group(i),
            tier: self.tier(i),
            ltv: self.ltv.get(i),
            at_risk_after: self.at_risk_after.get(i),
        })
    }

    /// The metrics of the customer at `i`; the defaults (no figures) past the end.
    pub fn at(&self, i: usize) -> CustomerMetrics {
        self.get(i).unwrap_or_default()
    }

    /// Every customer's metrics, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CustomerMetrics> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// One more customer at the end.
    pub fn push(&mut self, m: &CustomerMetrics) {
        self.orders.push(m.orders);
        self.total_spent.push(Some(m.total_spent));
        self.aov.push(m.aov);
        self.first_order.push(m.first_order.map(|t| t.0));
        self.last_order.push(m.last_order.map(|t| t.0));
        self.recency_days.push(m.recency_days);
        self.median_gap_days.push(m.median_gap_days);
        self.ltv.push(m.ltv);
        self.at_risk_after.push(m.at_risk_after);
        for (column, score) in self.scores.iter_mut().zip([m.r, m.f, m.m]) {
            column.push(small(score));
        }
        let labels = self.label_codes(m);
        for (column, c) in self.labels.iter_mut().zip(labels) {
            column.push(c);
        }
    }

    /// Replaces the metrics of the customer at `i` (nothing past the end).
    pub fn set(&mut self, i: usize, m: &CustomerMetrics) {
        let Some(orders) = self.orders.get_mut(i) else {
            return;
        };
        *orders = m.orders;
        self.total_spent.set(i, Some(m.total_spent));
        self.aov.set(i, m.aov);
        self.first_order.set(i, m.first_order.map(|t| t.0));
        self.last_order.set(i, m.last_order.map(|t| t.0));
        self.recency_days.set(i, m.recency_days);
        self.median_gap_days.set(i, m.median_gap_days);
        self.ltv.set(i, m.ltv);
        self.at_risk_after.set(i, m.at_risk_after);
        for (column, score) in self.scores.iter_mut().zip([m.r, m.f, m.m]) {
            column[i] = small(score);
        }
        let labels = self.label_codes(m);
        for (column, c) in self.labels.iter_mut().zip(labels) {
            column[i] = c;
        }
    }

    fn label_codes(&self, m: &CustomerMetrics) -> [u8; 4] {
        [
            code(&Stage::ALL, m.stage),
            code(&Stage::ALL, m.computed_stage),
            code(&RfmGroup::ALL, m.group),
            small(m.tier.map(|t| t.0)),
        ]
    }

    /// Paid orders (F), everybody's.
    pub fn orders(&self) -> &[u32] {
        &self.orders
    }

    /// A number column as stored.
    pub fn numbers(&self, of: NumberColumn) -> &Numbers {
        match of {
            NumberColumn::TotalSpent => &self.total_spent,
            NumberColumn::Aov => &self.aov,
            NumberColumn::RecencyDays => &self.recency_days,
            NumberColumn::Ltv => &self.ltv,
            NumberColumn::FirstOrder => &self.first_order,
            NumberColumn::LastOrder => &self.last_order,
            NumberColumn::AtRiskAfter => &self.at_risk_after,
            NumberColumn::MedianGapDays => &self.median_gap_days,
        }
    }

    /// A small column as stored; [`MetricsTable::NONE`] for none.
    pub fn small(&self, of: SmallColumn) -> &[u8] {
        match of {
            SmallColumn::R => &self.scores[0],
            SmallColumn::F => &self.scores[1],
            SmallColumn::M => &self.scores[2],
            SmallColumn::Stage => &self.labels[0],
            SmallColumn::Group => &self.labels[2],
            SmallColumn::Tier => &self.labels[3],
        }
    }

    /// M: the net spend of the customer at `i` (0 past the end).
    pub fn total_spent(&self, i: usize) -> Cents {
        self.total_spent.get(i).unwrap_or(0)
    }

    pub fn stage(&self, i: usize) -> Option<Stage> {
        decode(&Stage::ALL, self.labels[0].get(i).copied().unwrap_or(NONE))
    }

    pub fn group(&self, i: usize) -> Option<RfmGroup> {
        decode(
            &RfmGroup::ALL,
            self.labels[2].get(i).copied().unwrap_or(NONE),
        )
    }

    pub fn tier(&self, i: usize) -> Option<Tier> {
        self.labels[3].get(i).copied().and_then(unsmall).map(Tier)
    }

    /// A score (R, F, M) or a label's position, if the customer at `i` has one.
    pub fn small_at(&self, of: SmallColumn, i: usize) -> Option<u8> {
        self.small(of).get(i).copied().and_then(unsmall)
    }

    pub fn first_order(&self, i: usize) -> Option<Timestamp> {
        self.first_order.get(i).map(Timestamp)
    }

    pub fn last_order(&self, i: usize) -> Option<Timestamp> {
        self.last_order.get(i).map(Timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> CustomerMetrics {
        CustomerMetrics {
            orders: 7,
            total_spent: -12,
            aov: Some(3),
            first_order: Some(Timestamp(-5)),
            last_order: Some(Timestamp(1_700_000_000_000)),
            recency_days: Some(0),
            median_gap_days: Some(40),
            r: Some(1),
            f: Some(5),
            m: Some(3),
            group: Some(RfmGroup::ALL[7]),
            stage: Some(Stage::ALL[5]),
            computed_stage: Some(Stage::ALL[0]),
            tier: Some(Tier(10)),
            ltv: Some(i64::MIN),
            at_risk_after: Some(i64::MAX),
        }
    }

    #[test]
    fn rows_come_back_from_the_columns_as_they_went_in() {
        let rows = vec![full(), CustomerMetrics::default(), full()];
        let mut t = MetricsTable::from_rows(&rows);
        assert_eq!(t.len(), 3);
        assert_eq!(t.to_rows(), rows);
        assert_eq!(t.get(3), None);
        t.set(0, &CustomerMetrics::default());
        t.set(1, &full());
        t.set(9, &full());
        assert_eq!(
            t.to_rows(),
            vec![CustomerMetrics::default(), full(), full()]
        );
        // Column reads agree with the rows; an absent number holds 0.
        let spent = t.numbers(NumberColumn::TotalSpent);
        assert_eq!(
            (spent.values.as_slice(), spent.present.is_none()),
            (&[0, -12, -12][..], true)
        );
        let aov = t.numbers(NumberColumn::Aov);
        assert_eq!(
            (aov.values.as_slice(), aov.get(0), aov.get(1)),
            (&[0, 3, 3][..], None, Some(3))
        );
        assert_eq!(t.small(SmallColumn::F), [NONE, 5, 5]);
        assert_eq!(t.small(SmallColumn::Stage), [NONE, 5, 5]);
        assert_eq!(t.small(SmallColumn::Group), [NONE, 7, 7]);
        assert_eq!(t.small(SmallColumn::Tier), [NONE, 10, 10]);
        assert_eq!(
            (t.total_spent(2), t.total_spent(3), t.stage(1)),
            (-12, 0, Some(Stage::ALL[5]))
        );
        assert_eq!(
            (t.first_order(0), t.first_order(2)),
            (None, Some(Timestamp(-5)))
        );
        assert_eq!(t.orders(), [0, 7, 7]);
        assert_eq!(MetricsTable::from_rows(&[]), MetricsTable::default());
    }
}
