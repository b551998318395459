//! The groups of a breakdown: each customer's key and what each key stands for, by the stored
//! code (a channel's `tmall`, a tier's number, a stage), never by its label — so switching
//! the language changes no figure, and two codes that share a label stay apart. The app
//! names a [`GroupLabel`] in the shown language.

use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::model::{Stage, Tier};
use crate::sym::Sym;
use rustc_hash::FxHashMap;

/// The customer property a breakdown splits by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitBy {
    Channel,
    City,
    Level,
    Tier,
    Stage,
}

/// What one breakdown key stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupLabel {
    /// Customers without a value.
    Missing,
    /// A channel code (`tmall`, or whatever an import brought).
    Channel(String),
    City(String),
    /// A member level code (`gold`…).
    Level(String),
    Tier(Tier),
    Stage(Stage),
    /// Members of the segment split by, and everyone else.
    InSegment,
    NotInSegment,
}

/// Each customer's key (by position) and the label of each key, numbered in the order the
/// values are first met.
pub fn split_keys(
    data: &Dataset,
    analytics: &Analytics,
    by: SplitBy,
) -> (Vec<u32>, Vec<GroupLabel>) {
    let mut labels: Vec<GroupLabel> = Vec::new();
    let mut seen: FxHashMap<GroupLabel, u32> = FxHashMap::default();
    let mut key = |label: GroupLabel| -> u32 {
        *seen.entry(label.clone()).or_insert_with(|| {
            labels.push(label);
            (labels.len() - 1) as u32
        })
    };
    let text = |s: Option<Sym>, make: fn(String) -> GroupLabel| match s.map(Sym::as_str) {
        Some(v) if !v.trim().is_empty() => make(v.to_string()),
        _ => GroupLabel::Missing,
    };
    let keys = match by {
        SplitBy::Tier | SplitBy::Stage => analytics
            .customers
            .iter()
            .map(|m| {
                key(match by {
                    SplitBy::Tier => m.tier.map_or(GroupLabel::Missing, GroupLabel::Tier),
                    _ => m.stage.map_or(GroupLabel::Missing, GroupLabel::Stage),
                })
            })
            .collect(),
        _ => data
            .customers
            .iter()
            .map(|c| {
                key(match by {
                    SplitBy::Channel => text(c.channel, GroupLabel::Channel),
                    SplitBy::Level => text(c.member_level, GroupLabel::Level),
                    _ => text(c.city, GroupLabel::City),
                })
            })
            .collect(),
    };
    (keys, labels)
}

/// The keys of a split by one segment: members (key 0) against everyone else (key 1).
pub fn segment_split(members: &[bool]) -> (Vec<u32>, Vec<GroupLabel>) {
    (
        members.iter().map(|&m| if m { 0 } else { 1 }).collect(),
        vec![GroupLabel::InSegment, GroupLabel::NotInSegment],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Customer;

    fn customer(channel: &str, city: &str) -> Customer {
        let mut c = Customer::new(uuid::Uuid::nil(), "客户", crate::Timestamp(0));
        c.channel = Some(Sym::new(channel)).filter(|_| !channel.is_empty());
        c.city = Some(Sym::new(city)).filter(|_| !city.is_empty());
        c
    }

    #[test]
    fn codes_that_share_a_label_stay_apart_and_blanks_are_one_missing_group() {
        // `tmall` shows as 天猫 in Chinese; an import that stored the word 天猫 itself is
        // another value and must stay another group.
        let mut data = Dataset::default();
        for (ch, city) in [
            ("tmall", "上海"),
            ("天猫", "上海"),
            ("tmall", ""),
            ("", "  "),
            ("jd", "北京"),
        ] {
            data.customers.push(customer(ch, city));
        }
        let analytics = Analytics::default();
        let (keys, labels) = split_keys(&data, &analytics, SplitBy::Channel);
        assert_eq!(keys, [0, 1, 0, 2, 3]);
        assert_eq!(
            labels,
            [
                GroupLabel::Channel("tmall".into()),
                GroupLabel::Channel("天猫".into()),
                GroupLabel::Missing,
                GroupLabel::Channel("jd".into()),
            ]
        );
        let (keys, labels) = split_keys(&data, &analytics, SplitBy::City);
        assert_eq!(keys, [0, 0, 1, 1, 2]);
        assert_eq!(
            labels,
            [
                GroupLabel::City("上海".into()),
                GroupLabel::Missing,
                GroupLabel::City("北京".into())
            ]
        );
        assert_eq!(
            segment_split(&[true, false, true]),
            (
                vec![0, 1, 0],
                vec![GroupLabel::InSegment, GroupLabel::NotInSegment]
            )
        );
    }
}
