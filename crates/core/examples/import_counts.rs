//! Imports a file into empty data and prints the report: first `imported=N skipped=N errors=N`
//! (what the page's `import-report` shows as `data-imported`, `data-skipped`, `data-errors`,
//! and what the end-to-end tests compare it with), then every count as `name=value`, the
//! mapping used and the first errors.
//!
//! `cargo run --release -p kezhi-core --example import_counts -- orders data/real/online_retail_sample.csv`
//!
//! Options after the file: `--no-header` / `--header` (override detection), `--utc` (read
//! times without a zone as UTC instead of China time), `--twice` (import the file a second
//! time into the result and print that report too: it adds nothing).

use kezhi_core::import::{ImportKind, ImportOptions, Importer, ReadOptions, Table};
use kezhi_core::{Dataset, Timestamp};
use std::process::exit;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(path)) = (
        args.first().and_then(|k| ImportKind::from_name(k)),
        args.get(1),
    ) else {
        eprintln!(
            "usage: import_counts customers|orders|events FILE [--header|--no-header] [--utc] [--twice]"
        );
        exit(2);
    };
    let flag = |f: &str| args.iter().skip(2).any(|a| a == f);
    let read = ReadOptions {
        has_header: if flag("--header") {
            Some(true)
        } else if flag("--no-header") {
            Some(false)
        } else {
            None
        },
        ..ReadOptions::default()
    };
    let mut options = ImportOptions::default();
    if flag("--utc") {
        options.offset = chrono::FixedOffset::east_opt(0).unwrap_or(options.offset);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            exit(1);
        }
    };
    let mut data = Dataset::default();
    let rounds = if flag("--twice") { 2 } else { 1 };
    for round in 0..rounds {
        let table = match Table::open(bytes.clone(), &read) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                exit(1);
            }
        };
        let mapping = table.guess_mapping(kind);
        let names = table.column_names();
        if round == 0 {
            println!(
                "# format={:?} header={}",
                table.format(),
                table.has_header()
            );
            for (field, col) in &mapping.columns {
                println!(
                    "# map-{}={}",
                    field.name(),
                    names.get(*col).map_or("?", String::as_str)
                );
            }
        }
        let importer = match Importer::new(table, kind, mapping, options.clone()) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("{path}: {e}");
                exit(1);
            }
        };
        let plan = importer.finish();
        // A fixed "now" keeps the output reproducible.
        let change = plan.changes(&data, Timestamp(1_767_225_600_000));
        let Some(summary) = change.summary.clone() else {
            exit(1);
        };
        if round > 0 {
            println!("# second import");
        }
        println!("{}", summary.headline());
        for (name, value) in summary.details() {
            println!("{name}={value}");
        }
        for e in plan.errors.iter().take(10) {
            println!(
                // The reason's code: the words are the app's (src/i18n/codes.rs).
                "# error row={} column={} value={:?}: {:?}",
                e.row, e.column, e.value, e.reason
            );
        }
        change.apply_to(&mut data);
    }
}
