//! The customer list's search, filters and sort, over an index built once per data change so
//! that a keystroke only scans prepared lowercase strings.
//!
//! Search is a case-insensitive substring match over name, phone, e-mail, external id and id;
//! for Chinese names also over the full pinyin (`zhangsan`) and the initials (`zs`).
//!
//! This file holds the query, the index and what it answers per customer; the index is made in
//! `build` (entries, name order, updates after an edit), matched in `filter` (search, filters,
//! the filter menus), ordered in `sort` (the columns), and `pinyin` reads Chinese names (their
//! characters' readings in `readings`, a table the page installs after it starts: until then
//! names have no pinyin, and an index built then is built again once it is there).

mod build;
mod filter;
mod pinyin;
mod readings;
mod sort;

pub use self::pinyin::pinyin_syllables;
pub use self::readings::{
    ReadingsError, install as install_readings, installed as readings_installed,
};
pub use build::IndexBuilder;
pub use sort::SortKey;

use crate::model::{RfmGroup, Stage, Tier};
use crate::summary::OrderSummary;
use std::sync::OnceLock;

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

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    /// Name, phone, e-mail and external id, lowercase, separated by `\u{1}`; then for names
    /// with Chinese characters [`PINYIN`](build::PINYIN), the full pinyin and the initials
    /// (`zhangsan`, `zs` for 张三). One string instead of three: a hundred thousand customers
    /// are indexed. The id is not in it (36 more bytes each);
    /// [`id_matches`](filter::id_matches) checks it when asked.
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

/// What the list needs of every customer, prepared once per data change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerIndex {
    entries: Vec<Entry>,
    /// Positions of the customers in name order (what `name_rank` numbers).
    by_name: Vec<u32>,
    /// A print of the customers' ids, so that [`CustomerIndex::update`] can tell whether it
    /// fits.
    ids: crate::id_print::IdPrint,
    /// The filter menus' values (see [`CustomerIndex::filter_values`]).
    menus: [Vec<String>; 5],
    /// Positions of phone, city, channel, first tag and owner among their sorted distinct
    /// values, so sorting compares integers instead of strings. Each is computed the first
    /// time the list is sorted by that column.
    ranks: [OnceLock<Vec<Option<u32>>>; 5],
}

impl CustomerIndex {
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
}
