//! What an import did: per-row errors (downloadable as CSV) and the counts of the report.
//!
//! Every data row of the file (the header row excluded) is counted exactly once, so
//! `imported + skipped + errors == rows`:
//! - **imported** (`data-imported`): valid rows that are in the data after the commit — whether
//!   they created a record, were folded into an order with other lines, repeated another row,
//!   or matched a record that was already there (a re-import imports every row again and adds
//!   nothing).
//! - **skipped** (`data-skipped`): rows left out on purpose: blank rows, and order or event rows
//!   without a customer id.
//! - **errors** (`data-errors`): rows with at least one value that cannot be read (each reason is
//!   listed in the error report, so a row may have several entries there).

use super::mapping::ImportKind;
use super::reason::Reason;
use crate::export::safe_text;
use serde::{Deserialize, Serialize};

/// One reason one row was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The row in the file, 1-based, the header being row 1 (for text files: the line the
    /// row starts on, which is what an editor shows).
    pub row: usize,
    /// The column's name (its header, or `colN`).
    pub column: String,
    pub value: String,
    pub reason: Reason,
}

/// How many rows of each outcome the reading found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Data rows read (header excluded).
    pub rows: usize,
    pub blank: usize,
    /// Order or event rows without a customer id.
    pub missing_customer: usize,
    /// Rows with at least one error.
    pub error_rows: usize,
    /// Rows with more or fewer cells than the header (kept: missing cells are empty, extra
    /// ones ignored).
    pub ragged: usize,
    /// The first ragged rows' numbers, for the report.
    pub ragged_examples: Vec<usize>,
}

impl RowCounts {
    pub fn skipped(&self) -> usize {
        self.blank + self.missing_customer
    }
    pub fn imported(&self) -> usize {
        self.rows
            .saturating_sub(self.skipped())
            .saturating_sub(self.error_rows)
    }
}

/// The report of a committed import (see the module documentation for the three counts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub rows: usize,
    pub imported: usize,
    pub skipped: usize,
    pub errors: usize,
    pub blank_rows: usize,
    pub missing_customer_rows: usize,
    /// Order or event rows whose customer id matched no customer, so the customer was created.
    pub unknown_customer_rows: usize,
    pub ragged_rows: usize,
    /// Customers added (by a customer file, or for unknown customer ids).
    pub customers_created: usize,
    /// Customers already there that rows matched (by external id, phone, e-mail or an earlier
    /// import's id), changed or not.
    pub customers_merged: usize,
    /// Of those, the ones whose fields changed.
    pub customers_updated: usize,
    pub orders_created: usize,
    /// Orders already there (same order id) that the file changed (overwrite policy).
    pub orders_updated: usize,
    /// Orders already there that stay as they were.
    pub orders_unchanged: usize,
    /// Of the file's orders (created, updated or unchanged), the refunds.
    pub refunds: usize,
    pub events_created: usize,
    /// Events already there whose item, category or channel the file changed (overwrite).
    pub events_updated: usize,
    /// Rows whose event was already there, or repeated an earlier row of the file.
    pub events_existing: usize,
}

impl ImportSummary {
    pub(crate) fn new(kind: ImportKind, counts: &RowCounts) -> Self {
        ImportSummary {
            kind,
            rows: counts.rows,
            imported: counts.imported(),
            skipped: counts.skipped(),
            errors: counts.error_rows,
            blank_rows: counts.blank,
            missing_customer_rows: counts.missing_customer,
            unknown_customer_rows: 0,
            ragged_rows: counts.ragged,
            customers_created: 0,
            customers_merged: 0,
            customers_updated: 0,
            orders_created: 0,
            orders_updated: 0,
            orders_unchanged: 0,
            refunds: 0,
            events_created: 0,
            events_updated: 0,
            events_existing: 0,
        }
    }

    /// `imported=N skipped=N errors=N` — the line the example prints and the end-to-end tests
    /// compare with the page's `import-report`.
    pub fn headline(&self) -> String {
        format!(
            "imported={} skipped={} errors={}",
            self.imported, self.skipped, self.errors
        )
    }

    /// Every count as `name=value` lines, after the headline.
    pub fn details(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("rows", self.rows),
            ("blank_rows", self.blank_rows),
            ("missing_customer_rows", self.missing_customer_rows),
            ("unknown_customer_rows", self.unknown_customer_rows),
            ("ragged_rows", self.ragged_rows),
            ("customers_created", self.customers_created),
            ("customers_merged", self.customers_merged),
            ("customers_updated", self.customers_updated),
            ("orders_created", self.orders_created),
            ("orders_updated", self.orders_updated),
            ("orders_unchanged", self.orders_unchanged),
            ("refunds", self.refunds),
            ("events_created", self.events_created),
            ("events_updated", self.events_updated),
            ("events_existing", self.events_existing),
        ]
    }
}

/// The error report: `row,column,value,reason` under `header` (the app's words for the four
/// columns, 行号,列,值,原因 in Chinese), each reason as `reason` words it; UTF-8 with a
/// byte-order mark and formula-safe cells, like the other exports.
pub fn errors_csv(
    errors: &[RowError],
    header: [&str; 4],
    reason: &dyn Fn(&Reason) -> String,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row would be skipped rather than abort the file.
    let _ = writer.write_record(header);
    for e in errors {
        let _ = writer.write_record([
            e.row.to_string(),
            safe_text(&e.column),
            safe_text(&e.value),
            reason(&e.reason),
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}
