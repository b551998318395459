//! The preview: the first rows as they will be imported, each mapped cell with the value it
//! becomes (a time with its interpretation, money in yuan, a normalised phone) or why it
//! cannot be read. Also the table's guesses (mapping, shape key) in one place for the page.

use super::mapping::sample::guess_mapping;
use super::mapping::{Field, ImportKind, Mapping, shape_key};
use super::plan::ImportOptions;
use super::reason::Reason;
use super::table::Table;
use super::values::{self, DateOrder};
use crate::money::{decimal_text, yuan};

pub use super::types::{PreviewCell, PreviewRow};

impl Table {
    /// The guessed mapping for a kind: from the header names, or from the values without a
    /// header.
    pub fn guess_mapping(&self, kind: ImportKind) -> Mapping {
        let names = self.column_names();
        let header = self.has_header().then_some(names.as_slice());
        guess_mapping(kind, header, self.sample_data())
    }

    /// The key under which the page remembers the mapping of files of this shape.
    pub fn shape_key(&self, kind: ImportKind) -> String {
        let names = self.column_names();
        shape_key(
            kind,
            self.has_header().then_some(names.as_slice()),
            self.width(),
        )
    }

    /// How `a/b/yyyy` dates of the sample's time column read (the whole file is decided the
    /// same way while importing).
    pub fn sample_date_order(
        &self,
        kind: ImportKind,
        mapping: &Mapping,
        configured: DateOrder,
    ) -> DateOrder {
        if configured != DateOrder::Auto {
            return configured;
        }
        let field = match kind {
            ImportKind::Orders => Field::OrderedAt,
            ImportKind::Events => Field::OccurredAt,
            ImportKind::Customers => return DateOrder::MonthFirst,
        };
        let Some(col) = mapping.get(field) else {
            return DateOrder::MonthFirst;
        };
        let day_first = self.sample_data().iter().any(|r| {
            r.cells
                .get(col)
                .and_then(|c| values::scan_time(c).ok())
                .is_some_and(|t| t.proves_day_first())
        });
        if day_first {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        }
    }

    /// Up to `limit` data rows as they will be imported.
    pub fn preview(
        &self,
        kind: ImportKind,
        mapping: &Mapping,
        options: &ImportOptions,
        chinese: bool,
        limit: usize,
    ) -> Vec<PreviewRow> {
        let order = self.sample_date_order(kind, mapping, options.date_order);
        let fields: Vec<Field> = kind
            .fields()
            .iter()
            .chain(kind.extra_fields())
            .copied()
            .filter(|f| mapping.get(*f).is_some())
            .collect();
        self.sample_data()
            .iter()
            .take(limit)
            .map(|r| PreviewRow {
                row: r.number,
                cells: fields
                    .iter()
                    .map(|&field| {
                        let raw = mapping
                            .get(field)
                            .and_then(|c| r.cells.get(c))
                            .cloned()
                            .unwrap_or_default();
                        let value = interpret(field, &raw, order, options, chinese);
                        PreviewCell { field, raw, value }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// What one cell becomes.
pub fn interpret(
    field: Field,
    raw: &str,
    order: DateOrder,
    options: &ImportOptions,
    chinese: bool,
) -> Result<String, Reason> {
    if values::unescape_text(raw).is_empty() {
        return Ok(String::new());
    }
    let id = |s: &str| values::normalize_id(s).map(Option::unwrap_or_default);
    match field {
        Field::ExternalId | Field::CustomerId | Field::OrderId | Field::Item | Field::Category => {
            id(raw)
        }
        Field::Name | Field::City | Field::Owner | Field::Region => {
            Ok(values::unescape_text(raw).to_string())
        }
        Field::Phone => values::normalize_phone(raw).map(Option::unwrap_or_default),
        Field::Email => values::normalize_email(raw).map(Option::unwrap_or_default),
        Field::Tags => Ok(values::tags(raw).join(", ")),
        Field::OrderedAt | Field::OccurredAt => {
            let t = values::scan_time(raw)?;
            t.resolve(order, options.offset)?;
            Ok(t.describe(order, options.offset, chinese))
        }
        Field::Amount | Field::UnitPrice => values::parse_money(raw).map(yuan),
        Field::Quantity => values::parse_decimal(raw).map(decimal_text),
        Field::Channel => Ok(values::channel_code(raw)),
        Field::EventType => Ok(values::event_kind(raw)),
    }
}
