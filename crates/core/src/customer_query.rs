//! The customer list's search, filters and sort, over an index built once per data change so
//! that a keystroke only scans prepared lowercase strings.
//!
//! Search is a case-insensitive substring match over name, phone, e-mail, external id and id;
//! for Chinese names also over the full pinyin (`zhangsan`) and the initials (`zs`).

use crate::dataset::Dataset;
use crate::metrics::{Analytics, CustomerMetrics};
use crate::model::{RfmGroup, Stage, Tier};
use crate::summary::OrderSummary;
use crate::sym::Sym;
use pinyin::ToPinyin;
use std::cmp::Ordering;
use std::sync::OnceLock;

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

/// Exact-match filters; `None` means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub channel: Option<String>,
    pub city: Option<String>,
    pub level: Option<String>,
    /// The customer has this tag.
    pub tag: Option<String>,
    pub owner: Option<String>,
    pub stage: Option<Stage>,
    pub tier: Option<Tier>,
    pub group: Option<RfmGroup>,
    /// Only customers newly at risk (the dashboard's churn warnings).
    pub newly_at_risk: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    pub text: String,
    pub filters: Filters,
    pub sort: SortKey,
    pub descending: bool,
}

/// Surnames whose reading differs from the character's most common one.
const SURNAME_READINGS: [(char, &str); 10] = [
    ('曾', "zeng"),
    ('单', "shan"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('查', "zha"),
    ('区', "ou"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
];

/// The pinyin syllables of a name (ü written `v`, as people type it); other characters
/// (Latin letters, digits) are kept as they are, lowercased.
pub fn pinyin_syllables(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (ch, py)) in name.chars().zip(name.to_pinyin()).enumerate() {
        let reading = SURNAME_READINGS
            .iter()
            .find(|(c, _)| i == 0 && *c == ch)
            .map(|(_, r)| r.to_string());
        match (reading, py) {
            (Some(r), _) => out.push(r),
            (None, Some(p)) => out.push(p.plain().replace('ü', "v")),
            (None, None) if ch.is_alphanumeric() => out.push(ch.to_lowercase().collect()),
            (None, None) => {}
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// Name, phone, e-mail and external id, lowercase, separated by `\u{1}`; then for names
    /// with Chinese characters [`PINYIN`], the full pinyin and the initials (`zhangsan`, `zs`
    /// for 张三). One string instead of three: a hundred thousand customers are indexed. The
    /// id is not in it (36 more bytes each); [`id_matches`] checks it when asked.
    haystack: String,
    /// Position in name order: pinyin (so 张 sorts among the z's), then the name, then id.
    /// Unique, so it also breaks every tie.
    name_rank: u32,
    summary: OrderSummary,
    /// The analytics of the customer: stage, tier, scores and RFM group.
    labels: Labels,
    /// A hash of the customer's values in the filter menus (channel, city, level, owner,
    /// tags): an update recounts the menus only when one of them changed.
    facets: u64,
}

/// What the analytics say about one customer, as the list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Labels {
    pub stage: Stage,
    pub tier: Tier,
    pub r: Option<u8>,
    pub f: Option<u8>,
    pub m: Option<u8>,
    pub group: Option<RfmGroup>,
    pub newly_at_risk: bool,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            stage: Stage::Prospect,
            tier: Tier(u8::MAX),
            r: None,
            f: None,
            m: None,
            group: None,
            newly_at_risk: false,
        }
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

/// What the list needs of every customer, prepared once per data change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerIndex {
    entries: Vec<Entry>,
    /// Positions of the customers in name order (what `name_rank` numbers).
    by_name: Vec<u32>,
    /// The customers' ids, so that [`CustomerIndex::update`] can tell whether it fits.
    ids: Vec<uuid::Uuid>,
    /// The filter menus' values (see [`CustomerIndex::filter_values`]).
    menus: [Vec<String>; 5],
    /// Positions of phone, city, channel, first tag and owner among their sorted distinct
    /// values, so sorting compares integers instead of strings. Each is computed the first
    /// time the list is sorted by that column.
    ranks: [OnceLock<Vec<Option<u32>>>; 5],
}

/// The value of a rank slot's column.
const RANKED: [fn(&crate::Customer) -> Option<&str>; 5] = [
    |c| c.phone.as_deref(),
    |c| c.city.map(Sym::as_str),
    |c| c.channel.map(Sym::as_str),
    |c| c.tags.first().map(String::as_str),
    |c| c.owner.map(Sym::as_str),
];

/// Starts the pinyin part of a haystack. Typed text never contains it, so no match can run
/// from the name and contact part into the pinyin part.
const PINYIN: char = '\u{2}';

/// Whether the customer id, written as usual (`8-4-4-4-12` lowercase hex), contains `text`.
fn id_matches(id: uuid::Uuid, text: &str) -> bool {
    let mut buffer = uuid::Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut buffer).contains(text)
}

/// `s.to_lowercase()`, quickly for what customer records mostly hold: ASCII and Chinese
/// characters, which have no case (a tenth of the index build went to Unicode case mapping).
fn lowercase(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii() || ('\u{3400}'..='\u{9fff}').contains(&c))
    {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Builds a [`CustomerIndex`] a slice of customers at a time, so that a caller can let the
/// browser paint in between (at 100,000 customers the whole build is a quarter of a second).
#[derive(Debug, Default)]
pub struct IndexBuilder {
    entries: Vec<Entry>,
    name_keys: Vec<String>,
}

impl IndexBuilder {
    /// Makes the entries of up to `count` more customers; returns whether all are made.
    pub fn step(&mut self, data: &Dataset, analytics: &Analytics, count: usize) -> bool {
        let no_metrics = CustomerMetrics::default();
        let start = self.entries.len();
        let end = start.saturating_add(count).min(data.customers.len());
        self.entries.reserve_exact(data.customers.len() - start);
        for (i, c) in data.customers.iter().enumerate().take(end).skip(start) {
            // Analytics of other data (a caller's slip) leave labels blank, not rows out.
            let (entry, key) = entry_of(c, analytics.customers.get(i).unwrap_or(&no_metrics));
            self.entries.push(entry);
            self.name_keys.push(key);
        }
        end == data.customers.len()
    }

    /// Makes the entries left, puts the customers into name order and counts the filter
    /// menus: the index of `data` (which must not have changed between the steps).
    pub fn finish(mut self, data: &Dataset, analytics: &Analytics) -> CustomerIndex {
        if self.entries.len() > data.customers.len() {
            // Customers went away between the steps (a caller's slip): start over.
            self = IndexBuilder::default();
        }
        self.step(data, analytics, usize::MAX);
        let cs = &data.customers;
        let keys = &self.name_keys;
        let mut by_name: Vec<u32> = (0..cs.len() as u32).collect();
        by_name.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            keys[a].cmp(&keys[b]).then_with(|| cs[a].id.cmp(&cs[b].id))
        });
        let mut entries = self.entries;
        for (rank, &i) in by_name.iter().enumerate() {
            entries[i as usize].name_rank = rank as u32;
        }
        CustomerIndex {
            entries,
            by_name,
            ids: cs.iter().map(|c| c.id).collect(),
            menus: CustomerIndex::filter_values(data),
            ranks: Default::default(),
        }
    }
}

/// A customer's entry and name-order key.
fn entry_of(c: &crate::Customer, m: &CustomerMetrics) -> (Entry, String) {
    let mut haystack = lowercase(&c.name);
    for part in [&c.phone, &c.email, &c.external_id].into_iter().flatten() {
        haystack.push('\u{1}');
        haystack.push_str(&lowercase(part));
    }
    let syllables = if !c.name.is_ascii() {
        pinyin_syllables(&c.name)
    } else {
        Vec::new()
    };
    let pinyin: String = syllables.concat();
    if !pinyin.is_empty() {
        haystack.push(PINYIN);
        haystack.push_str(&pinyin);
        haystack.push('\u{1}');
        haystack.extend(syllables.iter().filter_map(|s| s.chars().next()));
    }
    // Built by pushing, so up to twice the length was reserved; a hundred thousand of these
    // are kept for as long as the list is open.
    haystack.shrink_to_fit();
    let key = name_key_of(&c.name, &pinyin);
    let entry = Entry {
        haystack,
        name_rank: 0,
        summary: summary_of(m),
        labels: labels_of(m),
        facets: facets_of(c),
    };
    (entry, key)
}

/// Names sort by pinyin (so 张 sorts among the z's), then as written.
fn name_key_of(name: &str, pinyin: &str) -> String {
    if pinyin.is_empty() {
        format!("{}\u{1}{name}", lowercase(name))
    } else {
        format!("{pinyin}\u{1}{name}")
    }
}

fn name_key(c: &crate::Customer) -> String {
    let pinyin = if c.name.is_ascii() {
        String::new()
    } else {
        pinyin_syllables(&c.name).concat()
    };
    name_key_of(&c.name, &pinyin)
}

fn facets_of(c: &crate::Customer) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (c.channel, c.city, c.member_level, c.owner, &c.tags).hash(&mut h);
    h.finish()
}

fn summary_of(m: &CustomerMetrics) -> OrderSummary {
    OrderSummary {
        orders: m.orders,
        total_spent: m.total_spent,
        last_order: m.last_order,
    }
}

fn labels_of(m: &CustomerMetrics) -> Labels {
    Labels {
        stage: m.stage.unwrap_or(Stage::Prospect),
        tier: m.tier.unwrap_or(Tier(u8::MAX)),
        r: m.r,
        f: m.f,
        m: m.m,
        group: m.group,
        newly_at_risk: m.newly_at_risk(),
    }
}

impl CustomerIndex {
    /// Builds the index from the data and its analytics (aligned with `data.customers`).
    pub fn build(data: &Dataset, analytics: &Analytics) -> Self {
        let mut builder = IndexBuilder::default();
        builder.step(data, analytics, usize::MAX);
        builder.finish(data, analytics)
    }

    /// The index after an edit that changed only the customers at `touched` or added
    /// customers at the end, given the analytics of the new data: equal to [`Self::build`]
    /// over it, but only those customers' entries are made again and put into name order by
    /// binary search; the labels of all are taken from the analytics again (an edit can move
    /// everyone's scores). Anything else, or many customers, is a full build.
    pub fn update(mut self, data: &Dataset, analytics: &Analytics, touched: &[usize]) -> Self {
        let cs = &data.customers;
        let (old, n) = (self.entries.len(), cs.len());
        let fits = self.ids.len() == old
            && old <= n
            && touched.len() + (n - old) <= 64 + n / 64
            && self.ids.iter().zip(cs).all(|(id, c)| *id == c.id);
        if !fits {
            return Self::build(data, analytics);
        }
        let mut changed: Vec<usize> = touched.iter().copied().filter(|&i| i < old).collect();
        changed.extend(old..n);
        changed.sort_unstable();
        changed.dedup();
        let moving: std::collections::HashSet<u32> = changed.iter().map(|&i| i as u32).collect();
        self.by_name.retain(|i| !moving.contains(i));
        let no_metrics = CustomerMetrics::default();
        let mut menus_changed = false;
        for &i in &changed {
            let c = &cs[i];
            let (entry, key) = entry_of(c, analytics.customers.get(i).unwrap_or(&no_metrics));
            menus_changed |= self.entries.get(i).is_none_or(|e| e.facets != entry.facets);
            if i < old {
                self.entries[i] = entry;
            } else {
                self.entries.push(entry);
                self.ids.push(c.id);
            }
            let at = self.by_name.partition_point(|&j| {
                let other = &cs[j as usize];
                name_key(other)
                    .cmp(&key)
                    .then_with(|| other.id.cmp(&c.id))
                    .is_lt()
            });
            self.by_name.insert(at, i as u32);
        }
        for (rank, &i) in self.by_name.iter().enumerate() {
            self.entries[i as usize].name_rank = rank as u32;
        }
        for (i, e) in self.entries.iter_mut().enumerate() {
            let m = analytics.customers.get(i).unwrap_or(&no_metrics);
            (e.summary, e.labels) = (summary_of(m), labels_of(m));
        }
        if menus_changed {
            self.menus = Self::filter_values(data);
        }
        // The sort columns' ranks are made again when next needed.
        self.ranks = Default::default();
        self
    }

    /// The filter menus' values of channel, city, member level, tag and owner, each most
    /// frequent first (ties alphabetically).
    pub fn menus(&self) -> &[Vec<String>; 5] {
        &self.menus
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The analytics labels of the customer at `index`.
    pub fn labels(&self, index: usize) -> Labels {
        self.entries
            .get(index)
            .map(|e| e.labels)
            .unwrap_or_default()
    }

    /// The order figures of the customer at `index`.
    pub fn summary(&self, index: usize) -> OrderSummary {
        self.entries
            .get(index)
            .map(|e| e.summary)
            .unwrap_or_default()
    }

    /// Indices into `data.customers` of the matching customers, in the requested order.
    /// `data` must be the dataset the index was built from.
    pub fn query(&self, data: &Dataset, q: &CustomerQuery) -> Vec<usize> {
        let text = q.text.trim().to_lowercase();
        // Pinyin is typed without spaces; "zhang san" should find 张三 too.
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let latin = !compact.is_empty() && compact.chars().all(|c| c.is_ascii_alphabetic());
        // Ids are long hex strings; shorter fragments would match nearly everyone.
        let hex = text.len() >= 4 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let f = &q.filters;
        // Interned once, so each customer is compared by number.
        let wanted = |w: &Option<String>| w.as_deref().map(Sym::new);
        let (channel, city, level, owner) = (
            wanted(&f.channel),
            wanted(&f.city),
            wanted(&f.level),
            wanted(&f.owner),
        );
        let same = |v: &Option<Sym>, want: Option<Sym>| want.is_none_or(|w| *v == Some(w));
        let (cs, es) = (&data.customers, &self.entries);
        let keep = |i: usize| {
            let (Some(c), Some(e)) = (cs.get(i), es.get(i)) else {
                return false;
            };
            same(&c.channel, channel)
                && same(&c.city, city)
                && same(&c.member_level, level)
                && same(&c.owner, owner)
                && f.tag.as_ref().is_none_or(|t| c.tags.iter().any(|x| x == t))
                && f.stage.is_none_or(|s| e.labels.stage == s)
                && f.tier.is_none_or(|t| e.labels.tier == t)
                && f.group.is_none_or(|g| e.labels.group == Some(g))
                && (!f.newly_at_risk || e.labels.newly_at_risk)
                && (text.is_empty()
                    || e.haystack.contains(&text)
                    || (latin && e.haystack.contains(&compact))
                    || (hex && id_matches(c.id, &text)))
        };
        if q.sort == SortKey::Name {
            // The index keeps the name order: filtering it needs no sort.
            let mut out: Vec<usize> = self
                .by_name
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| keep(i))
                .collect();
            if q.descending {
                out.reverse();
            }
            return out;
        }
        let mut out: Vec<usize> = (0..cs.len().min(es.len())).filter(|&i| keep(i)).collect();
        self.sort(data, &mut out, q.sort, q.descending);
        out
    }

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

    /// [`CustomerIndex::menus`] counted afresh: one pass over the customers, counting
    /// interned values by number.
    pub fn filter_values(data: &Dataset) -> [Vec<String>; 5] {
        type Counts<K> = rustc_hash::FxHashMap<K, usize>;
        let mut syms: [Counts<Sym>; 4] = Default::default();
        let mut tags: Counts<&str> = Counts::default();
        for c in &data.customers {
            for (counts, value) in syms
                .iter_mut()
                .zip([c.channel, c.city, c.member_level, c.owner])
            {
                if let Some(v) = value {
                    *counts.entry(v).or_default() += 1;
                }
            }
            for t in &c.tags {
                *tags.entry(t.as_str()).or_default() += 1;
            }
        }
        fn ranked<'a>(counts: impl Iterator<Item = (&'a str, usize)>) -> Vec<String> {
            let mut values: Vec<(&str, usize)> = counts.collect();
            crate::sorting::sort_by(&mut values, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            values.into_iter().map(|(v, _)| v.to_string()).collect()
        }
        let [channel, city, level, owner] =
            syms.map(|c| ranked(c.into_iter().map(|(k, n)| (k.as_str(), n))));
        [channel, city, level, ranked(tags.into_iter()), owner]
    }
}

#[cfg(test)]
mod tests {
    use super::lowercase;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lowercase_is_to_lowercase(s in "\\PC{0,12}", t in "[A-Za-z0-9张王李ÉÖİΣ@._ -]{0,12}") {
            prop_assert_eq!(lowercase(&s), s.to_lowercase());
            prop_assert_eq!(lowercase(&t), t.to_lowercase());
        }
    }
}
