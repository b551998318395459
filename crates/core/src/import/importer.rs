//! The [`Importer`]: reads a table's rows into an [`ImportPlan`], a chunk at a time (the
//! `files` feature only).
//!
//! It owns the file and nothing else: it never sees the `Dataset`. The page calls
//! [`Importer::step`] with a number of rows, shows [`Progress::fraction`], yields to the
//! browser, and calls again; cancelling is dropping the importer. The finished plan is turned
//! into a change set against the data only at commit (see [`super::merge`]).

use super::customers::CustomerReader;
use super::draft::Drafts;
use super::events::EventReader;
use super::mapping::{Field, ImportKind, Mapping};
use super::orders::OrderReader;
use super::plan::{ImportOptions, ImportPlan, Progress};
use super::reason::ImportError;
use super::row::{RowCtx, RowOutcome, TimeColumn};
use super::summary::{RowCounts, RowError};
use super::table::{RowReader, Table};

/// The reader of the file's kind of rows.
enum Reader {
    Customers(CustomerReader),
    Orders(OrderReader),
    Events(EventReader),
}

impl Reader {
    fn new(kind: ImportKind, mapping: &Mapping) -> Self {
        match kind {
            ImportKind::Customers => Reader::Customers(CustomerReader::default()),
            ImportKind::Orders => {
                Reader::Orders(OrderReader::new(mapping.get(Field::Quantity).is_some()))
            }
            ImportKind::Events => Reader::Events(EventReader::default()),
        }
    }

    fn finish(self) -> Drafts {
        match self {
            Reader::Customers(r) => Drafts::Customers(r.finish()),
            Reader::Orders(r) => Drafts::Orders(r.finish()),
            Reader::Events(r) => Drafts::Events(r.finish()),
        }
    }
}

/// Reads a table's rows into a plan, a chunk at a time.
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
    rows: Reader,
    counts: RowCounts,
    errors: Vec<RowError>,
    done: bool,
}

/// How many ragged rows the report names.
const RAGGED_EXAMPLES: usize = 20;

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
        let rows = Reader::new(kind, &mapping);
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
        let mut ctx = RowCtx::new(&self.reader, &self.mapping, &self.names, number);
        let outcome = match &mut self.rows {
            Reader::Customers(r) => r.read(&mut ctx),
            Reader::Orders(r) => r.read(&mut ctx, &mut self.time),
            Reader::Events(r) => r.read(&mut ctx, &mut self.time),
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
        self.time.start_over();
        self.rows = Reader::new(self.kind, &self.mapping);
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
            rows: self.rows.finish(),
        }
    }
}
