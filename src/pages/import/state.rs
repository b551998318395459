//! The import page's state (the chosen file, what the files worker says of it, the mapping
//! and options, the run and its report) and what the page does when the file or how it is
//! read changes: the worker is asked again and the mapping fitted to its answer.

use super::mapping::{remember, remembered};
use super::report::Report;
use crate::files;
use crate::i18n::Text;
use crate::platform;
use crate::prefs::Prefs;
use kezhi_core::files::{Reply, Request, TableInfo};
use kezhi_core::import::{Field, ImportKind, ImportOptions, Mapping, PreviewRow, ReadOptions};
use leptos::prelude::*;
use std::sync::Arc;

/// Every signal of the page, shared by its parts (Copy, like the signals).
#[derive(Clone, Copy)]
pub struct ImportState {
    pub prefs: Prefs,
    pub kind: RwSignal<ImportKind>,
    pub file_name: RwSignal<Option<String>>,
    pub bytes: StoredValue<Option<Arc<Vec<u8>>>>,
    pub read: RwSignal<ReadOptions>,
    /// What the files worker says of the opened file (it keeps the file itself).
    pub info: RwSignal<Option<TableInfo>>,
    pub open_error: RwSignal<Option<String>>,
    pub mapping: RwSignal<Mapping>,
    pub options: RwSignal<ImportOptions>,
    pub progress: RwSignal<Option<f64>>,
    pub cancelled: StoredValue<bool>,
    pub report: RwSignal<Option<Report>>,
    /// The worker is fetched on the first visit of this page: `data-files-loading` says so
    /// (files can be chosen meanwhile: requests wait for it).
    pub files_loading: RwSignal<bool>,
    pub columns: Memo<Vec<String>>,
    pub loaded: Memo<bool>,
    pub preview_rows: RwSignal<Vec<PreviewRow>>,
}

impl ImportState {
    pub fn new(prefs: Prefs) -> Self {
        let info = RwSignal::new(None::<TableInfo>);
        let columns = Memo::new(move |_| {
            info.with(|i| i.as_ref().map(|i| i.columns.clone()).unwrap_or_default())
        });
        let loaded = Memo::new(move |_| info.with(Option::is_some));
        ImportState {
            prefs,
            kind: RwSignal::new(ImportKind::Customers),
            file_name: RwSignal::new(None),
            bytes: StoredValue::new(None),
            read: RwSignal::new(ReadOptions::default()),
            info,
            open_error: RwSignal::new(None),
            mapping: RwSignal::new(Mapping::default()),
            options: RwSignal::new(ImportOptions {
                offset: platform::local_offset(),
                ..ImportOptions::default()
            }),
            progress: RwSignal::new(None),
            cancelled: StoredValue::new(false),
            report: RwSignal::new(None),
            files_loading: RwSignal::new(true),
            columns,
            loaded,
            preview_rows: RwSignal::new(Vec::new()),
        }
    }

    /// The mapping for the opened file: remembered for its shape, else guessed.
    /// Also called when a worker's answer arrives, which may be after the page was left: the
    /// page's signals are then gone, and nothing is to be done (hence `try_`).
    pub fn fit_mapping(self) {
        let ImportState {
            kind,
            info,
            mapping,
            ..
        } = self;
        let Some(k) = kind.try_get_untracked() else {
            return;
        };
        let m = info
            .try_with_untracked(|i| {
                i.as_ref()
                    .and_then(|i| i.kind(k))
                    .map(|(shape, guess)| remembered(shape).unwrap_or_else(|| guess.clone()))
            })
            .flatten();
        mapping.try_set(m.unwrap_or_default());
    }

    /// A new description of the file from the worker, or why there is none.
    pub fn take_info(self, answer: Result<Reply, Text>) {
        let ImportState {
            prefs,
            info,
            open_error,
            ..
        } = self;
        let zh = prefs.lang.get_untracked().is_zh();
        match answer {
            Ok(Reply::Table(t)) => {
                info.try_set(Some(t));
                open_error.try_set(None);
            }
            Ok(_) => {}
            Err(e) => {
                info.try_set(None);
                open_error.try_set(Some(e.get(zh).to_string()));
            }
        }
        self.fit_mapping();
    }

    /// The chosen file sent to the worker again, read as `read` says.
    pub fn reopen(self) {
        let ImportState { bytes, read, .. } = self;
        let (Some(b), Some(read)) = (bytes.try_get_value().flatten(), read.try_get_untracked())
        else {
            return;
        };
        let request = Request::Open {
            bytes: (*b).clone(),
            read,
        };
        leptos::task::spawn_local(async move {
            self.take_info(files::ask(&request, None).await);
        });
    }

    pub fn load_file(self, file: web_sys::File) {
        let ImportState {
            file_name,
            report,
            bytes,
            read,
            open_error,
            ..
        } = self;
        file_name.set(Some(file.name()));
        report.set(None);
        leptos::task::spawn_local(async move {
            match platform::file_bytes(&file).await {
                Ok(b) => {
                    bytes.set_value(Some(Arc::new(b)));
                    // A new file is read with everything detected again.
                    read.set(ReadOptions::default());
                    self.reopen();
                }
                Err(e) => open_error.set(Some(e)),
            }
        });
    }

    /// A column chosen for a field, remembered for files of this shape.
    pub fn set_mapping(self, field: Field, column: Option<usize>) {
        let ImportState {
            kind,
            info,
            mapping,
            ..
        } = self;
        mapping.update(|m| m.set(field, column));
        let k = kind.get_untracked();
        if let Some(shape) = info.with_untracked(|i| {
            i.as_ref()
                .and_then(|i| i.kind(k))
                .map(|(s, _)| s.to_string())
        }) {
            remember(shape, &mapping.get_untracked());
        }
    }
}
