//! Import of customer, order and event files (CSV/TSV in UTF-8, UTF-16 or GBK/GB18030, and
//! Excel workbooks), and CSV export of orders and events. User documentation: docs/import.md.
//!
//! The steps, each its own file:
//! 1. [`decode`]: bytes → text, the encoding detected or chosen.
//! 2. [`table`]: text or a workbook sheet → rows of cells; delimiter and ([`header`]) header
//!    detected; only a sample is read up front.
//! 3. [`mapping`]: the target fields of each kind and the guess of the column of each field
//!    (its header aliases in `mapping/aliases.rs`, the guess from values in
//!    [`mapping::sample`]); [`preview`] shows the first rows as they will be imported.
//! 4. [`importer`]: the [`Importer`] reads the rows a chunk at a time — `row` reads a row's
//!    cells ([`values`] parses them), `customers`, `orders`, `events` turn rows into
//!    [`draft`]s — into an [`ImportPlan`] ([`plan`]); errors per row are kept with their
//!    [`reason`].
//! 5. [`merge`]: the plan and the current `Dataset` → a [`ChangeSet`] (nothing changes yet),
//!    which [`ChangeSet::apply_to`] applies in one go; [`summary`] has the counts.
//!
//! The modules form a tree: `importer` → the per-kind readers → `row` → `values`, `mapping`,
//! `table`; `plan` and `merge` only know the drafts (`draft`), never the readers.
//!
//! ```
//! # #[cfg(feature = "files")] {
//! use kezhi_core::import::{ImportKind, ImportOptions, Importer, ReadOptions, Table};
//! use kezhi_core::{Dataset, Timestamp};
//!
//! let csv = "订单号,客户ID,下单时间,实付金额\nA1,c1,2025-11-11 10:00,99.90\n";
//! let table = Table::open(csv.as_bytes().to_vec(), &ReadOptions::default()).unwrap();
//! let mapping = table.guess_mapping(ImportKind::Orders);
//! let mut importer =
//!     Importer::new(table, ImportKind::Orders, mapping, ImportOptions::default()).unwrap();
//! while !importer.step(5_000).done {
//!     // the page yields to the browser here and shows the progress
//! }
//! let plan = importer.finish();
//! let mut data = Dataset::default();
//! let change = plan.changes(&data, Timestamp(0));
//! assert_eq!(change.summary.as_ref().unwrap().headline(), "imported=1 skipped=0 errors=0");
//! change.apply_to(&mut data);
//! assert_eq!((data.customers.len(), data.orders[0].amount_cents), (1, 9_990));
//! # }
//! ```

//!
//! Reading files (steps 1–4: the decoders, the workbook reader, the parsers) is the `files`
//! feature: the web app leaves it out of its first download and runs it in the files worker
//! (`crates/files-worker`), which hands the page an [`ImportPlan`]; the plan's types, the
//! merge (which needs the `Dataset`, so it runs in the page) and the CSV exports are always
//! here.

// Always compiled: what the page needs to merge a plan and to write CSVs.
pub mod draft;
pub mod mapping;
pub mod merge;
pub mod plan;
pub mod reason;
pub mod records_csv;
pub mod summary;
pub mod types;
pub mod values;

// Reading files: the `files` feature (the files worker, native tests and tools).
#[cfg(feature = "files")]
mod customers;
#[cfg(feature = "files")]
pub mod decode;
#[cfg(feature = "files")]
mod events;
#[cfg(feature = "files")]
pub mod header;
#[cfg(feature = "files")]
pub mod importer;
#[cfg(feature = "files")]
mod orders;
#[cfg(feature = "files")]
pub mod preview;
#[cfg(feature = "files")]
mod row;
#[cfg(feature = "files")]
pub mod table;

#[cfg(feature = "files")]
pub use importer::Importer;
pub use mapping::{Field, ImportKind, Mapping};
pub use merge::ChangeSet;
pub use plan::{ImportOptions, ImportPlan, MergePolicy, Progress};
pub use reason::{ImportError, Reason};
pub use records_csv::{events_csv, orders_csv};
pub use summary::{ImportSummary, RowCounts, RowError, errors_csv};
#[cfg(feature = "files")]
pub use table::Table;
pub use types::{
    Delimiter, EncodingChoice, Format, PreviewCell, PreviewRow, ReadOptions, TextEncoding,
};
pub use values::DateOrder;

/// Opens a file and reads all of it in one go, with the given mapping or the guessed one:
/// what tests, benches and the `import_counts` example use (the page steps an [`Importer`]).
#[cfg(feature = "files")]
pub fn read_file(
    bytes: Vec<u8>,
    read: &ReadOptions,
    kind: ImportKind,
    mapping: Option<Mapping>,
    options: ImportOptions,
) -> Result<ImportPlan, ImportError> {
    let table = Table::open(bytes, read)?;
    let mapping = mapping.unwrap_or_else(|| table.guess_mapping(kind));
    Ok(Importer::new(table, kind, mapping, options)?.finish())
}
