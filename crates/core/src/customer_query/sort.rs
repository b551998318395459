//! The list's order: the columns it sorts by (also its URL names), the ranks that let a sort
//! compare integers instead of strings, ties broken by name. Separate from filtering: a sort
//! only reorders the rows a query kept.

use super::CustomerIndex;
use crate::dataset::Dataset;
use crate::sym::Sym;
use std::cmp::Ordering;

/// Columns the list can be sorted by (also its URL names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SortKey {
    #[default]
    Name,
    Phone,
    City,
    Channel,
    Level,
    Tags,
    Owner,
    Orders,
    TotalSpent,
    LastOrder,
    Created,
    Stage,
    Tier,
    R,
    F,
    M,
    Group,
}

impl SortKey {
    pub const ALL: [SortKey; 17] = [
        SortKey::Name,
        SortKey::Phone,
        SortKey::City,
        SortKey::Channel,
        SortKey::Level,
        SortKey::Tags,
        SortKey::Owner,
        SortKey::Orders,
        SortKey::TotalSpent,
        SortKey::LastOrder,
        SortKey::Created,
        SortKey::Stage,
        SortKey::Tier,
        SortKey::R,
        SortKey::F,
        SortKey::M,
        SortKey::Group,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Phone => "phone",
            SortKey::City => "city",
            SortKey::Channel => "channel",
            SortKey::Level => "level",
            SortKey::Tags => "tags",
            SortKey::Owner => "owner",
            SortKey::Orders => "orders",
            SortKey::TotalSpent => "spent",
            SortKey::LastOrder => "last_order",
            SortKey::Created => "created",
            SortKey::Stage => "stage",
            SortKey::Tier => "tier",
            SortKey::R => "r",
            SortKey::F => "f",
            SortKey::M => "m",
            SortKey::Group => "rfm_group",
        }
    }
    pub fn parse(s: &str) -> Option<SortKey> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Which slot of `CustomerIndex::ranks` holds a column.
const PHONE: usize = 0;
const CITY: usize = 1;
const CHANNEL: usize = 2;
const TAG: usize = 3;
const OWNER: usize = 4;

/// For each value, its position among the sorted distinct values.
fn ranks_of(values: &[Option<&str>]) -> Vec<Option<u32>> {
    // Hashing first keeps this linear for columns with few distinct values (city, channel),
    // instead of sorting every row's string.
    let mut distinct: Vec<&str> = values
        .iter()
        .flatten()
        .copied()
        .collect::<std::collections::HashSet<&str>>()
        .into_iter()
        .collect();
    distinct.sort_unstable();
    let rank: std::collections::HashMap<&str, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, i as u32))
        .collect();
    values
        .iter()
        .map(|v| v.and_then(|v| rank.get(v).copied()))
        .collect()
}

/// The value of a rank slot's column.
const RANKED: [fn(&crate::Customer) -> Option<&str>; 5] = [
    |c| c.phone.as_deref(),
    |c| c.city.map(Sym::as_str),
    |c| c.channel.map(Sym::as_str),
    |c| c.tags.first().map(|t| t.as_str()),
    |c| c.owner.map(Sym::as_str),
];

impl CustomerIndex {
    /// Stable sort by one column; ties are broken by name (pinyin order), then by id, so
    /// the order is the same on every run. Empty values sort last in both directions.
    pub fn sort(&self, data: &Dataset, rows: &mut [usize], key: SortKey, descending: bool) {
        let cs = &data.customers;
        let es = &self.entries;
        let by_name = |a: usize, b: usize| es[a].name_rank.cmp(&es[b].name_rank);
        let slot_ranks = |slot: usize| {
            self.ranks[slot].get_or_init(|| {
                let values: Vec<Option<&str>> = cs.iter().map(RANKED[slot]).collect();
                ranks_of(&values)
            })
        };
        let column = match key {
            SortKey::Phone => Some(slot_ranks(PHONE)),
            SortKey::City => Some(slot_ranks(CITY)),
            SortKey::Channel => Some(slot_ranks(CHANNEL)),
            SortKey::Tags => Some(slot_ranks(TAG)),
            SortKey::Owner => Some(slot_ranks(OWNER)),
            _ => None,
        };
        let rank = |a: usize| column.and_then(|r| r.get(a).copied().flatten());
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        // Present values in the chosen direction, absent ones after them.
        fn opt<T: Ord>(a: Option<T>, b: Option<T>, dir: impl Fn(Ordering) -> Ordering) -> Ordering {
            match (a, b) {
                (Some(x), Some(y)) => dir(x.cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        let level_rank = |l: &Option<Sym>| {
            l.map(Sym::as_str).map(|l| {
                crate::channel::MEMBER_LEVELS
                    .iter()
                    .position(|(code, _, _)| *code == l)
                    .unwrap_or(usize::MAX)
            })
        };
        // The name rank is unique, so the order is total and an unstable sort is stable.
        rows.sort_unstable_by(|&a, &b| {
            let primary = match key {
                SortKey::Name => dir(by_name(a, b)),
                SortKey::Phone
                | SortKey::City
                | SortKey::Channel
                | SortKey::Tags
                | SortKey::Owner => opt(rank(a), rank(b), dir),
                SortKey::Level => opt(
                    level_rank(&cs[a].member_level),
                    level_rank(&cs[b].member_level),
                    dir,
                ),
                SortKey::Orders => dir(es[a].summary.orders.cmp(&es[b].summary.orders)),
                SortKey::TotalSpent => {
                    dir(es[a].summary.total_spent.cmp(&es[b].summary.total_spent))
                }
                SortKey::LastOrder => opt(es[a].summary.last_order, es[b].summary.last_order, dir),
                SortKey::Created => dir(cs[a].created_at.cmp(&cs[b].created_at)),
                SortKey::Stage => dir(es[a].labels.stage.cmp(&es[b].labels.stage)),
                SortKey::Tier => dir(es[a].labels.tier.cmp(&es[b].labels.tier)),
                SortKey::R => opt(es[a].labels.r, es[b].labels.r, dir),
                SortKey::F => opt(es[a].labels.f, es[b].labels.f, dir),
                SortKey::M => opt(es[a].labels.m, es[b].labels.m, dir),
                SortKey::Group => opt(es[a].labels.group, es[b].labels.group, dir),
            };
            primary.then_with(|| by_name(a, b))
        });
    }
}
