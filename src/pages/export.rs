//! Downloading customers (a list, a segment) as CSV or as an Excel workbook: the core writes
//! the file, this names it and hands it to the browser.

use crate::platform;
use crate::state::{AppState, ToastKind};
use kezhi_core::export::{ExportOptions, customers_csv, customers_xlsx};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// Downloads the customers at `rows` as `kezhi-<what>-<date>.csv|xlsx`; problems are toasts.
pub fn export_customers(state: AppState, rows: &[usize], what: &str, mask: bool, kind: FileKind) {
    let options = ExportOptions {
        mask,
        chinese: state.lang.get_untracked().is_zh(),
        offset: platform::local_offset(),
    };
    let analytics = state.metrics.get_untracked();
    // Only letters and digits of a segment's name reach the file name.
    let safe: String = what
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let stem = format!("kezhi-{safe}-{}", platform::today());
    let result = state.data.with_untracked(|d| match kind {
        FileKind::Csv => platform::download(
            &format!("{stem}.csv"),
            "text/csv;charset=utf-8",
            &customers_csv(d, &analytics, rows, &options),
        ),
        FileKind::Xlsx => customers_xlsx(d, &analytics, rows, &options).and_then(|bytes| {
            platform::download_bytes(
                &format!("{stem}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &bytes,
            )
        }),
    });
    if let Err(e) = result {
        state.toast(ToastKind::Error, e);
    }
}
