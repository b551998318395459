//! The [`ImportPlan`]: everything read from a file (the drafts, the counts, the errors) and
//! the options it was read and will be merged with. The files worker's `Importer` makes it;
//! the page turns it into a change set against its data (see [`super::merge`]).

use super::draft::Drafts;
use super::mapping::ImportKind;
use super::summary::{RowCounts, RowError};
use super::values::DateOrder;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

/// What to do with the fields of a customer that is already there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergePolicy {
    /// Existing values stay; the file only fills empty fields (and adds tags).
    #[default]
    KeepExisting,
    /// The file's non-empty values replace existing ones (empty cells never erase anything).
    /// Orders and events already there take the file's values too.
    Overwrite,
}

/// How values are read and merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The time zone of times written without one (Unix times are UTC).
    #[serde(with = "offset_seconds")]
    pub offset: FixedOffset,
    pub date_order: DateOrder,
    pub policy: MergePolicy,
    /// The channel of orders when no channel column is mapped or its cell is empty.
    pub default_channel: String,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            offset: crate::time::china_offset(),
            date_order: DateOrder::Auto,
            policy: MergePolicy::KeepExisting,
            default_channel: "import".to_string(),
        }
    }
}

/// A time zone as its seconds east of UTC (chrono's `FixedOffset` has no serde form).
mod offset_seconds {
    use chrono::FixedOffset;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(offset: &FixedOffset, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(offset.local_minus_utc())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FixedOffset, D::Error> {
        let seconds = i32::deserialize(d)?;
        FixedOffset::east_opt(seconds).ok_or_else(|| D::Error::custom("time zone out of range"))
    }
}

/// How far reading has come.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// 0–1, by bytes of text or rows of a sheet. It goes back to 0 once if the time column
    /// turns out to be day/month after month/day values were read (see `row::TimeColumn`).
    pub fraction: f64,
    /// Data rows read so far.
    pub rows: usize,
    pub done: bool,
}

/// Everything read from a file, not yet applied to any data. Serializable: the files worker
/// reads the file and hands the plan to the page, which merges it into its data.
#[derive(Serialize, Deserialize)]
pub struct ImportPlan {
    pub kind: ImportKind,
    pub options: ImportOptions,
    /// How `a/b/yyyy` dates were read.
    pub date_order: DateOrder,
    pub counts: RowCounts,
    pub errors: Vec<RowError>,
    pub(crate) rows: Drafts,
}

impl ImportPlan {
    /// Number of records the file describes: customers rows, orders (not lines) or events.
    pub fn records(&self) -> usize {
        self.rows.records()
    }
}
