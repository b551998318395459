//! Downloading customers (a list, a segment) as CSV or as an Excel workbook: the core writes
//! the CSV and the rows; the files worker (src/files.rs) writes the workbook, so the XLSX
//! writer is not in the page's first download. This names the file and hands it to the
//! browser.

use crate::derived::{Derived, use_derived};
use crate::files;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, Ui, use_ui};
use kezhi_core::export::{ExportOptions, customer_rows, customers_csv};
use kezhi_core::files::{Reply, Request};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// What an export reads (the data, its analytics, the language) and where it reports a
/// problem. Made in a component (it reads the contexts), used by its event handlers.
#[derive(Clone, Copy)]
pub struct Exporter {
    store: Store,
    derived: Derived,
    prefs: Prefs,
    ui: Ui,
}

impl Exporter {
    pub fn new() -> Self {
        Exporter {
            store: use_store(),
            derived: use_derived(),
            prefs: use_prefs(),
            ui: use_ui(),
        }
    }

    /// Downloads the customers at `rows` as `kezhi-<what>-<date>.csv|xlsx`; problems are
    /// toasts.
    pub fn customers(&self, rows: &[usize], what: &str, mask: bool, kind: FileKind) {
        let Exporter {
            store,
            derived,
            prefs,
            ui,
        } = *self;
        let options = ExportOptions {
            mask,
            chinese: prefs.lang.get_untracked().is_zh(),
            offset: platform::local_offset(),
        };
        let analytics = derived.metrics.get_untracked();
        // Only letters and digits of a segment's name reach the file name.
        let safe: String = what
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let stem = format!("kezhi-{safe}-{}", platform::today());
        match kind {
            FileKind::Csv => {
                let csv = store
                    .data
                    .with_untracked(|d| customers_csv(d, &analytics, rows, &options));
                if let Err(e) =
                    platform::download(&format!("{stem}.csv"), "text/csv;charset=utf-8", &csv)
                {
                    ui.toast(ToastKind::Error, e);
                }
            }
            FileKind::Xlsx => {
                let request = Request::WriteXlsx {
                    rows: store
                        .data
                        .with_untracked(|d| customer_rows(d, &analytics, rows, &options)),
                    chinese: options.chinese,
                };
                leptos::task::spawn_local(async move {
                    let result = match files::ask(&request, None).await {
                        Ok(Reply::Xlsx(bytes)) => platform::download_bytes(
                            &format!("{stem}.xlsx"),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            &bytes,
                        ),
                        Ok(_) => Ok(()),
                        Err(e) => Err(e.get(prefs.lang.get_untracked().is_zh()).to_string()),
                    };
                    if let Err(e) = result {
                        ui.toast(ToastKind::Error, e);
                    }
                });
            }
        }
    }
}
