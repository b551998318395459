//! The preview (`import-preview`): the first rows as they will be imported, asked of the
//! files worker again whenever something that changes them changes.

use super::state::ImportState;
use crate::files;
use crate::i18n::{Lang, import_reason};
use kezhi_core::files::{Reply, Request};
use kezhi_core::import::Field;
use leptos::prelude::*;

/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 8;

/// The preview, asked of the worker whenever the file, the kind, the mapping, the options or
/// the language change; the answers come in the order asked, the last one stays. Created
/// with the page (the rows are emptied when no file is open).
pub fn keep_preview(state: ImportState) {
    let ImportState {
        prefs,
        kind,
        info,
        mapping,
        options,
        loaded,
        preview_rows,
        ..
    } = state;
    Effect::new(move |_| {
        if !loaded.get() {
            preview_rows.set(Vec::new());
            return;
        }
        info.track();
        let request = Request::Preview {
            kind: kind.get(),
            mapping: mapping.get(),
            options: options.get(),
            chinese: prefs.lang.get().is_zh(),
            rows: PREVIEW_ROWS,
        };
        leptos::task::spawn_local(async move {
            if let Ok(Reply::Preview(rows)) = files::ask(&request, None).await {
                preview_rows.try_set(rows);
            }
        });
    });
}

#[component]
pub fn PreviewTable(state: ImportState) -> impl IntoView {
    let ImportState {
        prefs,
        preview_rows,
        ..
    } = state;
    move || {
        let zh = prefs.lang.get().is_zh();
        let rows = preview_rows.get();
        let head: Vec<Field> = rows
            .first()
            .map(|r| r.cells.iter().map(|c| c.field).collect())
            .unwrap_or_default();
        (!rows.is_empty()).then(|| {
            view! {
                <div class="table-scroll">
                    <table class="mini import-preview" data-testid="import-preview">
                        <thead>
                            <tr>
                                <th>"#"</th>
                                {head.iter().map(|f| view! { <th>{f.name()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr data-testid="import-preview-row">
                                            <td class="muted">{r.row}</td>
                                            {r.cells
                                                .into_iter()
                                                .map(|c| match c.value {
                                                    Ok(v) => view! { <td title=c.raw.clone()>{v}</td> }.into_any(),
                                                    Err(reason) => view! {
                                                        <td class="cell-error" title=c.raw.clone()>
                                                            {c.raw.clone()} " ⚠ " {import_reason(Lang::of_zh(zh), &reason)}
                                                        </td>
                                                    }
                                                    .into_any(),
                                                })
                                                .collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        })
    }
}
