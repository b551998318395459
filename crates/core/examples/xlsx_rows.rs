//! Prints the first sheet of a workbook as tab-separated lines (dates as yyyy-mm-dd) — what the
//! end-to-end tests read exported Excel files with.
//! `cargo run -p kezhi-core --example xlsx_rows -- export.xlsx`
use calamine::{Data, Reader, Xlsx, open_workbook};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: xlsx_rows FILE.xlsx");
        std::process::exit(2);
    };
    let mut book: Xlsx<_> = match open_workbook(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let Some(Ok(range)) = book.worksheet_range_at(0) else {
        eprintln!("{path}: no sheet");
        std::process::exit(1);
    };
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                // Excel counts days from 1899-12-30.
                Data::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|epoch| {
                        epoch.checked_add_days(chrono::Days::new(d.as_f64().floor() as u64))
                    })
                    .map(|day| day.to_string())
                    .unwrap_or_default(),
                other => other.to_string(),
            })
            .collect();
        println!("{}", cells.join("\t"));
    }
}
