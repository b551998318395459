//! Downloading customers (a list, a segment) as CSV or as an Excel workbook: the core writes
//! the CSV and the rows; the files worker (src/files.rs) writes the workbook, so the XLSX
//! writer is not in the page's first download. This names the file and hands it to the
//! browser.

use crate::derived::{Derived, use_derived};
use crate::files;
use crate::i18n;
use crate::platform;
use crate::prefs::{Prefs, use_prefs};
use crate::store::{Store, use_store};
use crate::ui::{ToastKind, Ui, use_ui};
use kezhi_core::export::{
    CUSTOMER_COLUMNS, Cell, ExportOptions, customer_rows, customers_csv, table_csv,
};
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

    /// The options of an export now: masked or not, the page's language, the user's zone.
    pub fn options(&self, mask: bool) -> ExportOptions {
        let lang = self.prefs.lang.get_untracked();
        ExportOptions {
            mask,
            chinese: lang.is_zh(),
            offset: platform::local_offset(),
            names: i18n::class_names(lang),
        }
    }

    /// Downloads any other list (the desk's lists, a call list) as
    /// `kezhi-<what>-<date>.csv|xlsx`, the workbook's one sheet named `sheet`; problems are
    /// toasts.
    pub fn table(
        &self,
        what: &str,
        sheet: &str,
        columns: &[&str],
        rows: Vec<Vec<Cell>>,
        kind: FileKind,
    ) {
        let (prefs, ui) = (self.prefs, self.ui);
        let stem = file_stem(what);
        match kind {
            FileKind::Csv => {
                let csv = table_csv(columns, &rows);
                if let Err(e) =
                    platform::download(&format!("{stem}.csv"), "text/csv;charset=utf-8", &csv)
                {
                    ui.toast(ToastKind::Error, e);
                }
            }
            FileKind::Xlsx => {
                let request = Request::WriteTable {
                    sheet: sheet.to_string(),
                    columns: columns.iter().map(|c| c.to_string()).collect(),
                    rows,
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

    /// Downloads the customers at `rows` as `kezhi-<what>-<date>.csv|xlsx`; problems are
    /// toasts.
    pub fn customers(&self, rows: &[usize], what: &str, mask: bool, kind: FileKind) {
        let Exporter {
            store,
            derived,
            prefs,
            ui,
        } = *self;
        let options = self.options(mask);
        let analytics = derived.metrics.get_untracked();
        let stem = file_stem(what);
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
                // The sheet in the page's language: a table like the desk's lists.
                let request = Request::WriteTable {
                    sheet: i18n::customers_sheet(prefs.lang.get_untracked()).to_string(),
                    columns: CUSTOMER_COLUMNS.iter().map(|c| c.to_string()).collect(),
                    rows: store.data.with_untracked(|d| {
                        customer_rows(d, &analytics, rows, &options)
                            .into_iter()
                            .map(Vec::from)
                            .collect()
                    }),
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

/// `kezhi-<what>-<date>`: only letters and digits of `what` (a segment's name, a campaign's)
/// reach the file name.
fn file_stem(what: &str) -> String {
    let safe: String = what
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    format!("kezhi-{safe}-{}", platform::today())
}

/// The "mask phones and e-mails" choice every export offers (segments, recommendations, a
/// campaign's call list).
#[component]
pub fn MaskToggle(mask: RwSignal<bool>, testid: &'static str) -> impl IntoView {
    let prefs = crate::prefs::use_prefs();
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || mask.get()
                on:change=move |ev| mask.set(event_target_checked(&ev))
            />
            {move || prefs.tr(crate::i18n::Msg::MaskExport)}
        </label>
    }
}
