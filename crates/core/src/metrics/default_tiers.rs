//! The tiers a new workspace starts with. Their names are data, not UI wording: a tier's name
//! in both languages is stored in the settings with its rules, the user renames it in either
//! language (Settings → value tiers), and queries (`tier = "优质客户"`) and exports use the
//! stored name. These are only the first values of that data — which is why this table is a
//! file of its own on the invariants' list of data tables.

use super::{TierCondition, TierName, TierRule};

/// The default tiers: 优质客户 (≥ ¥50,000), 重点客户 (top 20 %), otherwise 普通客户.
pub fn default_tier_rules() -> Vec<TierRule> {
    vec![
        TierRule {
            tier: TierName::new("premium", "优质客户", "Premium"),
            condition: TierCondition::MinSpend(5_000_000),
        },
        TierRule {
            tier: TierName::new("key", "重点客户", "Key"),
            condition: TierCondition::TopPercent(20),
        },
    ]
}

/// The tier of customers no rule matches, by default.
pub fn default_other_tier() -> TierName {
    TierName::new("regular", "普通客户", "Regular")
}
