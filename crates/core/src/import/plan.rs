//! Reading the rows of a table into an [`ImportPlan`], a chunk at a time.
//!
//! The [`Importer`] owns the file and nothing else: it never sees the `Dataset`. The page calls
//! [`Importer::step`] with a number of rows, shows [`Progress::fraction`], yields to the
//! browser, and calls again; cancelling is dropping the importer. The finished plan is turned
//! into a change set against the data only at commit (see [`super::merge`]).

use super::customers::CustomerRows;
use super::events::EventRows;
use super::mapping::ImportKind;
use super::orders::OrderLines;
use super::summary::{RowCounts, RowError};
use super::values::DateOrder;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
// Reading rows from files (the `files` feature; the files worker).
#[cfg(feature = "files")]
use {
    super::mapping::{Field, Mapping},
    super::reason::{ImportError, Reason},
    super::table::{RowReader, Table},
    super::values::{RawTime, scan_time},
    crate::sym::Sym,
    crate::time::Timestamp,
    rustc_hash::FxHashMap,
    std::borrow::Cow,
};

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
    /// turns out to be day/month after month/day values were read (see [`TimeColumn`]).
    pub fraction: f64,
    /// Data rows read so far.
    pub rows: usize,
    pub done: bool,
}

/// The day/month decision of the one time column of a file, made while reading: `a/b/yyyy`
/// values read as month/day until a value proves day/month (first part above 12); if
/// month/day values had been read by then, reading starts over with day/month.
#[cfg(feature = "files")]
pub(crate) struct TimeColumn {
    configured: DateOrder,
    offset: FixedOffset,
    day_first: bool,
    ambiguous_seen: bool,
    pub restart: bool,
}

#[cfg(feature = "files")]
impl TimeColumn {
    fn new(order: DateOrder, offset: FixedOffset) -> Self {
        TimeColumn {
            configured: order,
            offset,
            day_first: order == DateOrder::DayFirst,
            ambiguous_seen: false,
            restart: false,
        }
    }

    pub fn order(&self) -> DateOrder {
        match self.configured {
            DateOrder::Auto if self.day_first => DateOrder::DayFirst,
            DateOrder::Auto => DateOrder::MonthFirst,
            fixed => fixed,
        }
    }

    pub fn parse(&mut self, s: &str) -> Result<Timestamp, Reason> {
        let raw: RawTime = scan_time(s)?;
        if self.configured == DateOrder::Auto && raw.is_ambiguous_form() && !self.day_first {
            if raw.proves_day_first() {
                self.day_first = true;
                self.restart = self.ambiguous_seen;
            } else {
                self.ambiguous_seen = true;
            }
        }
        raw.resolve(self.order(), self.offset)
    }
}

/// Interned values of one column by their cell text: channels, regions, cities and behaviour
/// words repeat on every row, and looking the cell up here spares the normalisation (which
/// allocates) and the interner's lock.
#[cfg(feature = "files")]
#[derive(Default)]
pub(crate) struct SymCache {
    map: FxHashMap<Box<str>, Sym>,
}

#[cfg(feature = "files")]
impl SymCache {
    pub fn get(&mut self, cell: &str, normalize: impl FnOnce(&str) -> String) -> Sym {
        if let Some(&sym) = self.map.get(cell) {
            return sym;
        }
        let sym = Sym::new(&normalize(cell));
        // The cache is for repeating values; a column of distinct ones stops filling it.
        if self.map.len() < 4_096 {
            self.map.insert(cell.into(), sym);
        }
        sym
    }
}

/// The current row, as the per-kind readers see it.
#[cfg(feature = "files")]
pub(crate) struct RowCtx<'a> {
    reader: &'a RowReader,
    mapping: &'a Mapping,
    names: &'a [String],
    pub number: usize,
    pub errors: Vec<RowError>,
}

#[cfg(feature = "files")]
impl<'a> RowCtx<'a> {
    /// The trimmed cell of a mapped field, `None` when unmapped, beyond the row's end or blank.
    /// Borrowed from the reader where it can be: no allocation per cell on the hot path.
    pub fn get(&self, field: Field) -> Option<Cow<'a, str>> {
        let reader: &'a RowReader = self.reader;
        let cell = reader.cell(self.mapping.get(field)?)?;
        let trimmed = match cell {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        };
        (!trimmed.is_empty()).then_some(trimmed)
    }

    pub fn mapped(&self, field: Field) -> bool {
        self.mapping.get(field).is_some()
    }

    pub fn fail(&mut self, field: Field, value: &str, reason: Reason) {
        let column = self
            .mapping
            .get(field)
            .and_then(|c| self.names.get(c))
            .cloned()
            .unwrap_or_else(|| field.name().to_string());
        self.errors.push(RowError {
            row: self.number,
            column,
            value: value.to_string(),
            reason,
        });
    }

    /// A required value: its parse, or an error recorded (`Missing` when blank).
    pub fn required<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Option<T> {
        let Some(value) = self.get(field) else {
            self.fail(field, "", Reason::Missing);
            return None;
        };
        match parse(&value) {
            Ok(v) => Some(v),
            Err(r) => {
                self.fail(field, &value, r);
                None
            }
        }
    }

    /// An optional value: `None` when blank or unmapped, its parse otherwise (errors recorded).
    pub fn optional<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> Result<Option<T>, Reason>,
    ) -> Option<T> {
        let value = self.get(field)?;
        match parse(&value) {
            Ok(v) => v,
            Err(r) => {
                self.fail(field, &value, r);
                None
            }
        }
    }
}

/// What became of one row.
#[cfg(feature = "files")]
pub(crate) enum RowOutcome {
    Imported,
    MissingCustomer,
    Error,
}

#[derive(Serialize, Deserialize)]
pub(crate) enum Rows {
    Customers(CustomerRows),
    Orders(OrderLines),
    Events(EventRows),
}

#[cfg(feature = "files")]
impl Rows {
    fn new(kind: ImportKind, mapping: &Mapping) -> Self {
        match kind {
            ImportKind::Customers => Rows::Customers(CustomerRows::default()),
            ImportKind::Orders => {
                Rows::Orders(OrderLines::new(mapping.get(Field::Quantity).is_some()))
            }
            ImportKind::Events => Rows::Events(EventRows::default()),
        }
    }
}

/// Reads a table's rows into a plan, a chunk at a time.
#[cfg(feature = "files")]
pub struct Importer {
    kind: ImportKind,
    mapping: Mapping,
    options: ImportOptions,
    names: Vec<String>,
    width: usize,
    has_header: bool,
    reader: RowReader,
    at_start: bool,
    time: TimeColumn,
    rows: Rows,
    counts: RowCounts,
    errors: Vec<RowError>,
    done: bool,
}

/// How many ragged rows the report names.
#[cfg(feature = "files")]
const RAGGED_EXAMPLES: usize = 20;

#[cfg(feature = "files")]
impl Importer {
    /// Checks the mapping and prepares to read.
    pub fn new(
        table: Table,
        kind: ImportKind,
        mapping: Mapping,
        options: ImportOptions,
    ) -> Result<Importer, ImportError> {
        mapping.check(kind)?;
        let names = table.column_names();
        let header = table.header_cells();
        let width = if table.has_header() && !header.is_empty() {
            header.len()
        } else {
            table.width()
        };
        let has_header = table.has_header();
        let rows = Rows::new(kind, &mapping);
        let time = TimeColumn::new(options.date_order, options.offset);
        Ok(Importer {
            kind,
            mapping,
            options,
            names,
            width,
            has_header,
            reader: table.rows(),
            at_start: true,
            time,
            rows,
            counts: RowCounts::default(),
            errors: Vec::new(),
            done: false,
        })
    }

    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    pub fn progress(&self) -> Progress {
        Progress {
            fraction: if self.done {
                1.0
            } else {
                self.reader.fraction()
            },
            rows: self.counts.rows,
            done: self.done,
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Reads up to `max_rows` more rows (at least one).
    pub fn step(&mut self, max_rows: usize) -> Progress {
        for _ in 0..max_rows.max(1) {
            if self.done {
                break;
            }
            self.read_one();
        }
        self.progress()
    }

    fn read_one(&mut self) {
        let Some(number) = self.reader.advance() else {
            self.done = true;
            return;
        };
        if std::mem::take(&mut self.at_start) && self.has_header {
            return;
        }
        self.counts.rows += 1;
        if self.reader.is_blank() {
            self.counts.blank += 1;
            return;
        }
        if self.reader.len() != self.width {
            self.counts.ragged += 1;
            if self.counts.ragged_examples.len() < RAGGED_EXAMPLES {
                self.counts.ragged_examples.push(number);
            }
        }
        let mut ctx = RowCtx {
            reader: &self.reader,
            mapping: &self.mapping,
            names: &self.names,
            number,
            errors: Vec::new(),
        };
        let outcome = match &mut self.rows {
            Rows::Customers(r) => r.read(&mut ctx),
            Rows::Orders(r) => r.read(&mut ctx, &mut self.time),
            Rows::Events(r) => r.read(&mut ctx, &mut self.time),
        };
        let errors = ctx.errors;
        if self.time.restart {
            self.restart();
            return;
        }
        match outcome {
            RowOutcome::Imported => {}
            RowOutcome::MissingCustomer => self.counts.missing_customer += 1,
            RowOutcome::Error => self.counts.error_rows += 1,
        }
        self.errors.extend(errors);
    }

    /// Starts over with what is known now (the column is day/month).
    fn restart(&mut self) {
        self.time.restart = false;
        self.time.ambiguous_seen = false;
        self.rows = Rows::new(self.kind, &self.mapping);
        self.counts = RowCounts::default();
        self.errors.clear();
        self.reader.rewind();
        self.at_start = true;
    }

    /// Reads whatever is left and hands over the plan.
    pub fn finish(mut self) -> ImportPlan {
        while !self.done {
            self.step(usize::MAX);
        }
        ImportPlan {
            kind: self.kind,
            options: self.options,
            date_order: self.time.order(),
            counts: self.counts,
            errors: self.errors,
            rows: self.rows,
        }
    }
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
    pub(crate) rows: Rows,
}

impl ImportPlan {
    /// Number of records the file describes: customers rows, orders (not lines) or events.
    pub fn records(&self) -> usize {
        match &self.rows {
            Rows::Customers(r) => r.drafts.len(),
            Rows::Orders(r) => r.orders.len(),
            Rows::Events(r) => r.events.len(),
        }
    }
}
