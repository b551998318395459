//! Reading one row of a table into values: the cells of the mapped fields, their errors
//! recorded with the row's number and column, the file's one time column, and the caches the
//! per-kind readers (`customers`, `orders`, `events`) share. The `files` feature only.

use super::draft::CustomerRef;
use super::mapping::{Field, Mapping};
use super::reason::Reason;
use super::summary::RowError;
use super::table::RowReader;
use super::values::{self, DateOrder, RawTime, scan_time};
use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::FixedOffset;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The day/month decision of the one time column of a file, made while reading: `a/b/yyyy`
/// values read as month/day until a value proves day/month (first part above 12); if
/// month/day values had been read by then, reading starts over with day/month.
pub(crate) struct TimeColumn {
    configured: DateOrder,
    offset: FixedOffset,
    day_first: bool,
    ambiguous_seen: bool,
    pub restart: bool,
}

impl TimeColumn {
    pub fn new(order: DateOrder, offset: FixedOffset) -> Self {
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

    /// After a restart: what was read before no longer counts.
    pub fn start_over(&mut self) {
        self.restart = false;
        self.ambiguous_seen = false;
    }
}

/// Interned values of one column by their cell text: channels, regions, cities and behaviour
/// words repeat on every row, and looking the cell up here spares the normalisation (which
/// allocates) and the interner's lock.
#[derive(Default)]
pub(crate) struct SymCache {
    map: FxHashMap<Box<str>, Sym>,
}

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
pub(crate) struct RowCtx<'a> {
    reader: &'a RowReader,
    mapping: &'a Mapping,
    names: &'a [String],
    pub number: usize,
    pub errors: Vec<RowError>,
}

impl<'a> RowCtx<'a> {
    pub fn new(
        reader: &'a RowReader,
        mapping: &'a Mapping,
        names: &'a [String],
        number: usize,
    ) -> Self {
        RowCtx {
            reader,
            mapping,
            names,
            number,
            errors: Vec::new(),
        }
    }

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
pub(crate) enum RowOutcome {
    Imported,
    MissingCustomer,
    Error,
}

/// The distinct customer ids of a file, numbered in order of appearance.
#[derive(Default)]
pub(crate) struct CustomerRefs {
    index: FxHashMap<String, u32>,
    list: Vec<CustomerRef>,
}

impl CustomerRefs {
    pub fn get(&self, i: u32) -> Option<&CustomerRef> {
        self.list.get(i as usize)
    }

    /// The number of a customer id, counting one more row for them.
    pub fn note(&mut self, external_id: &str, at: Timestamp, region: Option<Sym>) -> u32 {
        if let Some(&i) = self.index.get(external_id)
            && let Some(r) = self.list.get_mut(i as usize)
        {
            r.first_at = r.first_at.min(at);
            r.region = r.region.or(region);
            r.rows += 1;
            return i;
        }
        let i = self.list.len() as u32;
        self.index.insert(external_id.to_string(), i);
        self.list.push(CustomerRef {
            external_id: external_id.to_string(),
            first_at: at,
            region,
            rows: 1,
        });
        i
    }

    pub fn into_list(self) -> Vec<CustomerRef> {
        self.list
    }
}

/// The customer id of an order or event row, borrowed from its cell: `Ok(None)` when blank
/// (the row is skipped).
pub(crate) fn customer_id<'c>(
    ctx: &mut RowCtx,
    cell: &'c Option<Cow<str>>,
) -> Result<Option<&'c str>, ()> {
    let Some(raw) = cell.as_deref() else {
        return Ok(None);
    };
    match values::id_slice(raw) {
        Ok(id) => Ok(id),
        Err(reason) => {
            ctx.fail(Field::CustomerId, raw, reason);
            Err(())
        }
    }
}
