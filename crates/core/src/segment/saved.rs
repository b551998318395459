//! Saved segments and the ready-made templates.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A segment as saved: its query, and for a static one the customers it held when taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSegment {
    pub id: String,
    pub name: String,
    pub query: String,
    /// `Some`: a static snapshot of these customers (the query is kept for reference).
    pub snapshot: Option<Snapshot>,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub taken_at: Timestamp,
    pub customers: Vec<Uuid>,
}

/// A ready-made segment: code, Chinese and English name, query.
pub const TEMPLATES: [(&str, &str, &str, &str); 8] = [
    (
        "high_value",
        "高价值客户",
        "High value",
        r#"rfm_group = "重要价值客户""#,
    ),
    (
        "new",
        "新客",
        "New customers",
        "orders = 1 AND first_order_at WITHIN 30d",
    ),
    (
        "at_risk",
        "流失预警",
        "At risk",
        r#"lifecycle = "流失预警""#,
    ),
    (
        "dormant",
        "沉睡客户",
        "Dormant",
        "last_order_at OLDER THAN 180d",
    ),
    (
        "premium",
        "优质客户（≥ ¥50,000）",
        "Premium (≥ ¥50,000)",
        "total_spent >= 50000",
    ),
    ("repeat", "复购客户", "Repeat buyers", "orders >= 2"),
    (
        "browsers",
        "只逛不买",
        "Browse, never buy",
        r#"events("visit") >= 1 AND orders = 0"#,
    ),
    (
        "cart_no_order",
        "加购未下单",
        "Added to cart, no order since",
        r#"events("add_to_cart", 7d) >= 1 AND NOT last_order_at WITHIN 7d"#,
    ),
];

/// How two sets of customers (positions) overlap: (only in A, in both, only in B).
pub fn overlap(a: &[usize], b: &[usize]) -> (usize, usize, usize) {
    let set: std::collections::HashSet<usize> = a.iter().copied().collect();
    let both = b.iter().filter(|i| set.contains(i)).count();
    (set.len() - both, both, b.len() - both)
}

#[cfg(test)]
mod tests {
    use super::overlap;

    #[test]
    fn overlap_counts_each_side() {
        assert_eq!(overlap(&[1, 2, 3, 4], &[3, 4, 5]), (2, 2, 1));
        assert_eq!(overlap(&[], &[7]), (0, 0, 1));
        assert_eq!(overlap(&[1], &[1]), (0, 1, 0));
    }
}
