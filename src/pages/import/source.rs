//! The import's first card: what the file holds (`import-kind`), the file itself
//! (`import-file`), how it is read (encoding, sheet, `import-has-header`), what the files
//! worker found in it, or why it cannot be read (`import-error`).

use super::state::ImportState;
use crate::files;
use crate::i18n::Msg;
use kezhi_core::files::{Reply, Request};
use kezhi_core::import::{EncodingChoice, Format, ImportKind};
use leptos::prelude::*;

#[component]
pub fn SourceCard(state: ImportState) -> impl IntoView {
    let ImportState {
        prefs,
        kind,
        file_name,
        read,
        info,
        open_error,
        files_loading,
        ..
    } = state;
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::platform::picked_file(&ev) {
            state.load_file(file);
        }
    };
    let kind_select = move || {
        view! {
            <select
                data-testid="import-kind"
                prop:value=move || kind.get().name()
                on:change=move |ev| {
                    if let Some(k) = ImportKind::from_name(&event_target_value(&ev)) {
                        kind.set(k);
                        state.fit_mapping();
                    }
                }
            >
                <option value="customers">{move || prefs.tr(Msg::Customers)}</option>
                <option value="orders">{move || prefs.tr(Msg::Orders)}</option>
                <option value="events">{move || prefs.tr(Msg::Events)}</option>
            </select>
        }
    };
    let format_note = move || {
        let zh = prefs.lang.get().is_zh();
        info.with(|t| {
            t.as_ref().map(|t| match &t.format {
                Format::Text {
                    encoding,
                    delimiter,
                    replaced,
                } => {
                    let mut s = format!("{encoding:?} · {delimiter:?}");
                    if *replaced {
                        s.push_str(if zh {
                            " · 部分字节无法识别，已替换"
                        } else {
                            " · some bytes could not be read and were replaced"
                        });
                    }
                    s
                }
                Format::Workbook { sheet } => format!("Excel · {sheet}"),
            })
        })
    };
    let sheets = move || {
        let names: Vec<String> =
            info.with(|t| t.as_ref().map(|t| t.sheets.clone()).unwrap_or_default());
        (names.len() > 1).then(|| {
            view! {
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::ImportSheet)}</span>
                    <select
                        data-testid="import-sheet"
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            read.update(|r| r.sheet = Some(name.clone()));
                            // A sheet that cannot be read leaves the one shown.
                            leptos::task::spawn_local(async move {
                                if let Ok(answer @ Reply::Table(_)) = files::ask(&Request::SelectSheet(name), None).await {
                                    state.take_info(Ok(answer));
                                }
                            });
                        }
                    >
                        {names.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
            }
        })
    };

    view! {
        <div class="card">
            <p class="muted">{move || prefs.tr(Msg::ImportHint)}</p>
            {move || files_loading.get().then(|| view! { <p class="muted small" role="status">{move || prefs.tr(Msg::FilesLoading)}</p> })}
            <div class="import-source">
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::ImportKindLabel)}</span>
                    {kind_select}
                </label>
                <label class="field import-drop">
                    <span class="field-label">{move || prefs.tr(Msg::ImportFile)}</span>
                    <input
                        type="file"
                        data-testid="import-file"
                        accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values"
                        on:change=on_file
                    />
                </label>
                <label class="field">
                    <span class="field-label">{move || prefs.tr(Msg::ImportEncoding)}</span>
                    <select
                        data-testid="import-encoding"
                        on:change=move |ev| {
                            let e = match event_target_value(&ev).as_str() {
                                "utf8" => EncodingChoice::Utf8,
                                "gb18030" => EncodingChoice::Gb18030,
                                _ => EncodingChoice::Auto,
                            };
                            read.update(|r| r.encoding = e);
                            state.reopen();
                        }
                    >
                        <option value="auto">{move || prefs.tr(Msg::ImportAuto)}</option>
                        <option value="utf8">"UTF-8"</option>
                        <option value="gb18030">"GBK / GB18030"</option>
                    </select>
                </label>
                {sheets}
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="import-has-header"
                        prop:checked=move || info.with(|t| t.as_ref().is_some_and(|t| t.has_header))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            read.update(|r| r.has_header = Some(on));
                            leptos::task::spawn_local(async move {
                                state.take_info(files::ask(&Request::SetHeader(on), None).await);
                            });
                        }
                    />
                    {move || prefs.tr(Msg::ImportHasHeader)}
                </label>
            </div>
            {move || file_name.get().map(|n| view! { <p class="muted small" data-testid="import-file-info">{n} " · " {format_note}</p> })}
            {move || open_error.get().map(|e| view! { <p class="form-error" data-testid="import-error" role="alert">{e}</p> })}
        </div>
    }
}
