//! Import (UI contract: `import-kind`, `import-file`, `import-has-header`, `map-<field>`,
//! `import-commit`, `import-report`): a file is read and previewed with its column mapping
//! guessed (or remembered for files of the same shape), then imported with progress and
//! cancel. The files worker (src/files.rs) reads the file, off the main thread: the page
//! sends it the bytes and the choices and gets back what to show, then the import's plan,
//! which the core merges here (it needs the data); the page commits the whole change at once
//! or not at all. Exports of orders and events too.

use crate::files;
use crate::i18n::{Lang, Msg, import_error, import_errors_header, import_reason};
use crate::platform;
use crate::prefs::keys::IMPORT_MAPPINGS;
use crate::prefs::use_prefs;
use crate::store::use_store;
use crate::ui::{ToastKind, use_ui};
use kezhi_core::files::{Reply, Request, TableInfo};
use kezhi_core::import::{
    DateOrder, EncodingChoice, Field, Format, ImportKind, ImportOptions, ImportSummary, Mapping,
    MergePolicy, PreviewRow, ReadOptions, RowError, errors_csv, events_csv, orders_csv,
};
use kezhi_core::money::thousands;
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

/// Rows shown in the preview, errors shown in the report.
const PREVIEW_ROWS: usize = 8;
const ERRORS_SHOWN: usize = 100;

/// What an import did, for the report.
#[derive(Clone, Debug)]
struct Report {
    summary: ImportSummary,
    errors: Arc<Vec<RowError>>,
}

/// The mapping of the files imported before with this shape (kind and header names).
fn remembered(shape: &str) -> Option<Mapping> {
    IMPORT_MAPPINGS.get().remove(shape)
}

fn remember(shape: String, mapping: &Mapping) {
    let mut all = IMPORT_MAPPINGS.get();
    all.insert(shape, mapping.clone());
    let _ = IMPORT_MAPPINGS.set(&all);
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let store = use_store();
    let prefs = use_prefs();
    let ui = use_ui();
    let kind = RwSignal::new(ImportKind::Customers);
    let file_name = RwSignal::new(None::<String>);
    let bytes = StoredValue::new(None::<Arc<Vec<u8>>>);
    let read = RwSignal::new(ReadOptions::default());
    // What the files worker says of the opened file (it keeps the file itself).
    let info = RwSignal::new(None::<TableInfo>);
    let open_error = RwSignal::new(None::<String>);
    let mapping = RwSignal::new(Mapping::default());
    let options = RwSignal::new(ImportOptions {
        offset: platform::local_offset(),
        ..ImportOptions::default()
    });
    let progress = RwSignal::new(None::<f64>);
    let cancelled = StoredValue::new(false);
    let report = RwSignal::new(None::<Report>);
    // The worker is fetched on the first visit of this page: `data-files-loading` says so
    // (files can be chosen meanwhile: requests wait for it).
    let files_loading = RwSignal::new(true);
    leptos::task::spawn_local(async move {
        if let Err(e) = files::ready().await {
            open_error.try_set(Some(e.get(prefs.lang.get_untracked().is_zh()).to_string()));
        }
        files_loading.try_set(false);
    });

    // The mapping for the opened file: remembered for its shape, else guessed.
    // Also called when a worker's answer arrives, which may be after the page was left: the
    // page's signals are then gone, and nothing is to be done (hence `try_`).
    let fit_mapping = move || {
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
    };
    // A new description of the file from the worker, or why there is none.
    let take_info = move |answer: Result<Reply, crate::i18n::Text>| {
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
        fit_mapping();
    };
    let reopen = move || {
        let (Some(b), Some(read)) = (bytes.try_get_value().flatten(), read.try_get_untracked())
        else {
            return;
        };
        let request = Request::Open {
            bytes: (*b).clone(),
            read,
        };
        leptos::task::spawn_local(async move {
            take_info(files::ask(&request, None).await);
        });
    };
    let load_file = move |file: web_sys::File| {
        file_name.set(Some(file.name()));
        report.set(None);
        leptos::task::spawn_local(async move {
            match platform::file_bytes(&file).await {
                Ok(b) => {
                    bytes.set_value(Some(Arc::new(b)));
                    // A new file is read with everything detected again.
                    read.set(ReadOptions::default());
                    reopen();
                }
                Err(e) => open_error.set(Some(e)),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = platform::picked_file(&ev) {
            load_file(file);
        }
    };
    // A file dropped anywhere on the page is the file to import.
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0))
        {
            load_file(file);
        }
    };
    let columns = Memo::new(move |_| {
        info.with(|i| i.as_ref().map(|i| i.columns.clone()).unwrap_or_default())
    });
    let loaded = Memo::new(move |_| info.with(Option::is_some));
    let set_mapping = move |field: Field, column: Option<usize>| {
        mapping.update(|m| m.set(field, column));
        let k = kind.get_untracked();
        if let Some(shape) = info.with_untracked(|i| {
            i.as_ref()
                .and_then(|i| i.kind(k))
                .map(|(s, _)| s.to_string())
        }) {
            remember(shape, &mapping.get_untracked());
        }
    };
    // The preview, asked of the worker whenever the file, the kind, the mapping, the options
    // or the language change; the answers come in the order asked, the last one stays.
    let preview_rows = RwSignal::new(Vec::<PreviewRow>::new());
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

    let commit = move |_| {
        let zh = prefs.lang.get_untracked().is_zh();
        let k = kind.get_untracked();
        let m = mapping.get_untracked();
        if let Err(e) = m.check(k) {
            ui.toast(ToastKind::Error, import_error(Lang::of_zh(zh), &e));
            return;
        }
        if !loaded.get_untracked() || progress.get_untracked().is_some() {
            return;
        }
        cancelled.set_value(false);
        report.set(None);
        progress.set(Some(0.0));
        let request = Request::Import {
            kind: k,
            mapping: m,
            options: options.get_untracked(),
        };
        let was_cancelled = move || cancelled.try_get_value() != Some(false);
        // Nothing was applied: the plan (if any) is dropped, the worker was stopped; the
        // next one is given the file again.
        let on_cancel = move || {
            progress.try_set(None);
            ui.toast(ToastKind::Info, prefs.tr(Msg::ImportCancelled));
            reopen();
        };
        leptos::task::spawn_local(async move {
            let on_progress: Rc<dyn Fn(f64)> = Rc::new(move |p| {
                progress.try_set(Some(p));
            });
            let answer = files::ask(&request, Some(on_progress)).await;
            if was_cancelled() {
                on_cancel();
                return;
            }
            let plan = match answer {
                Ok(Reply::Plan(plan)) => plan,
                Ok(_) => return,
                Err(e) => {
                    progress.try_set(None);
                    ui.toast(
                        ToastKind::Error,
                        e.get(prefs.lang.get_untracked().is_zh()).to_string(),
                    );
                    return;
                }
            };
            let now = platform::now();
            let change = store
                .data
                .with_untracked(|d| platform::timed("kezhi:import-merge", || plan.changes(d, now)));
            let summary = change.summary.clone();
            let sections = change.sections();
            // One change: applied as a whole, saved as a whole (a full storage keeps it in
            // this page, labelled "not saved", and leaves what was stored as it was). The
            // browser paints in between, and a cancel until then still changes nothing.
            if !change.is_empty() {
                platform::yield_to_browser().await;
                if was_cancelled() {
                    on_cancel();
                    return;
                }
                platform::timed("kezhi:import-apply", || {
                    store.change(&sections, |d| change.apply_to(d))
                });
                store.ask_to_persist_once();
            }
            progress.try_set(None);
            if let Some(summary) = summary {
                report.try_set(Some(Report {
                    summary,
                    errors: Arc::new(plan.errors),
                }));
            }
            // The worker keeps the file open; the mapping is fitted again as after opening.
            fit_mapping();
        });
    };

    let kind_select = move || {
        view! {
            <select
                data-testid="import-kind"
                prop:value=move || kind.get().name()
                on:change=move |ev| {
                    if let Some(k) = ImportKind::from_name(&event_target_value(&ev)) {
                        kind.set(k);
                        fit_mapping();
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
                                    take_info(Ok(answer));
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
    let mapping_view = move || {
        let k = kind.get();
        let cols = columns.get();
        let zh = prefs.lang.get().is_zh();
        k.fields()
            .iter()
            .chain(k.extra_fields())
            .map(|&field| {
                let cols = cols.clone();
                let current = move || {
                    mapping
                        .with(|m| m.get(field))
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                };
                view! {
                    <label class="field map-field">
                        <span class="field-label">{field_label(field, zh)} <code>{field.name()}</code></span>
                        <select
                            data-testid=format!("map-{}", field.name())
                            prop:value=current
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set_mapping(field, v.parse().ok());
                            }
                        >
                            <option value="">{move || prefs.tr(Msg::NotMapped)}</option>
                            {cols
                                .iter()
                                .enumerate()
                                .map(|(i, name)| view! { <option value=i.to_string()>{name.clone()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };
    let preview = move || {
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
    };
    let report_view = move || {
        report.get().map(|r| {
            let zh = prefs.lang.get().is_zh();
            let s = &r.summary;
            let details = s
                .details()
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| {
                    view! { <li data-testid="import-detail" data-name=name data-count=n.to_string()>{detail_label(name, zh)} ": " <strong>{thousands(n as u64)}</strong></li> }
                })
                .collect_view();
            let errors = r.errors.clone();
            let shown = errors
                .iter()
                .take(ERRORS_SHOWN)
                .map(|e| {
                    view! {
                        <tr data-testid="import-error-row">
                            <td class="num">{e.row}</td>
                            <td>{e.column.clone()}</td>
                            <td>{e.value.clone()}</td>
                            <td>{import_reason(Lang::of_zh(zh), &e.reason)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let download = move |_| {
                let lang = Lang::of_zh(zh);
                let csv = errors_csv(&errors, import_errors_header(lang), &|r| import_reason(lang, r));
                let name = format!("kezhi-import-errors-{}.csv", platform::today());
                ui.offer_download(&name, "text/csv;charset=utf-8", &csv);
            };
            let has_errors = !r.errors.is_empty();
            view! {
                <div
                    class="card import-report"
                    data-testid="import-report"
                    data-imported=s.imported.to_string()
                    data-skipped=s.skipped.to_string()
                    data-errors=s.errors.to_string()
                    role="status"
                >
                    <h2>{move || prefs.tr(Msg::ImportDone)}</h2>
                    <p>
                        {move || prefs.tr(Msg::ImportImported)} " " <strong>{thousands(s.imported as u64)}</strong> " · "
                        {move || prefs.tr(Msg::ImportSkipped)} " " <strong>{thousands(s.skipped as u64)}</strong> " · "
                        {move || prefs.tr(Msg::ImportErrors)} " " <strong>{thousands(s.errors as u64)}</strong>
                    </p>
                    <ul class="import-details">{details}</ul>
                    {has_errors.then(|| view! {
                        <button class="btn" data-testid="import-errors-download" on:click=download>
                            {move || prefs.tr(Msg::ImportErrorsDownload)}
                        </button>
                        <div class="table-scroll">
                            <table class="mini">
                                <thead>
                                    <tr>
                                        <th class="num">{move || prefs.tr(Msg::ImportRow)}</th>
                                        <th>{move || prefs.tr(Msg::ImportColumn)}</th>
                                        <th>{move || prefs.tr(Msg::ImportValue)}</th>
                                        <th>{move || prefs.tr(Msg::ImportReason)}</th>
                                    </tr>
                                </thead>
                                <tbody>{shown}</tbody>
                            </table>
                        </div>
                    })}
                </div>
            }
        })
    };
    let export = move |what: &'static str| {
        let offset = platform::local_offset();
        let csv = store.data.with_untracked(|d| match what {
            "orders" => orders_csv(d, None, offset),
            _ => events_csv(d, offset),
        });
        let name = format!("kezhi-{what}-{}.csv", platform::today());
        ui.offer_download(&name, "text/csv;charset=utf-8", &csv);
    };

    view! {
        <section
            class="page import"
            data-files-loading=move || files_loading.get().then_some("")
            aria-busy=move || files_loading.get().then_some("true")
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <header class="page-head">
                <h1>{move || prefs.tr(Msg::NavImport)}</h1>
            </header>
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
                                reopen();
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
                                    take_info(files::ask(&Request::SetHeader(on), None).await);
                                });
                            }
                        />
                        {move || prefs.tr(Msg::ImportHasHeader)}
                    </label>
                </div>
                {move || file_name.get().map(|n| view! { <p class="muted small" data-testid="import-file-info">{n} " · " {format_note}</p> })}
                {move || open_error.get().map(|e| view! { <p class="form-error" data-testid="import-error" role="alert">{e}</p> })}
            </div>
            <Show when=move || loaded.get()>
                <div class="card">
                    <h2>{move || prefs.tr(Msg::ImportMapping)}</h2>
                    <div class="import-mapping">{mapping_view}</div>
                    <div class="import-options">
                        <label class="field">
                            <span class="field-label">{move || prefs.tr(Msg::ImportTimeZone)}</span>
                            <select
                                data-testid="import-timezone"
                                prop:value=move || options.with(|o| (o.offset.local_minus_utc() / 3600).to_string())
                                on:change=move |ev| {
                                    let hours: i32 = event_target_value(&ev).parse().unwrap_or(8);
                                    if let Some(offset) = chrono::FixedOffset::east_opt(hours * 3600) {
                                        options.update(|o| o.offset = offset);
                                    }
                                }
                            >
                                {(-12..=14).map(|h: i32| view! { <option value=h.to_string()>{format!("UTC{h:+}")}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">{move || prefs.tr(Msg::ImportDateOrder)}</span>
                            <select
                                data-testid="import-date-order"
                                on:change=move |ev| {
                                    let order = match event_target_value(&ev).as_str() {
                                        "mdy" => DateOrder::MonthFirst,
                                        "dmy" => DateOrder::DayFirst,
                                        _ => DateOrder::Auto,
                                    };
                                    options.update(|o| o.date_order = order);
                                }
                            >
                                <option value="auto">{move || prefs.tr(Msg::ImportAuto)}</option>
                                <option value="mdy">"MM/DD/YYYY"</option>
                                <option value="dmy">"DD/MM/YYYY"</option>
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">{move || prefs.tr(Msg::ImportExisting)}</span>
                            <select
                                data-testid="import-policy"
                                on:change=move |ev| {
                                    let p = if event_target_value(&ev) == "overwrite" { MergePolicy::Overwrite } else { MergePolicy::KeepExisting };
                                    options.update(|o| o.policy = p);
                                }
                            >
                                <option value="keep">{move || prefs.tr(Msg::ImportKeep)}</option>
                                <option value="overwrite">{move || prefs.tr(Msg::ImportOverwrite)}</option>
                            </select>
                        </label>
                    </div>
                    <h2>{move || prefs.tr(Msg::ImportPreview)}</h2>
                    {preview}
                    <div class="button-row">
                        <button
                            class="btn btn-primary"
                            data-testid="import-commit"
                            disabled=move || progress.get().is_some()
                            on:click=commit
                        >
                            {move || prefs.tr(Msg::ImportCommit)}
                        </button>
                    </div>
                </div>
            </Show>
            {move || progress.get().map(|p| view! {
                <div class="card import-progress" data-testid="import-progress" data-fraction=format!("{p:.3}")>
                    <progress max="1" value=p.to_string()></progress>
                    <span>{format!("{:.0}%", p * 100.0)}</span>
                    <button class="btn" data-testid="import-cancel" on:click=move |_| {
                        cancelled.set_value(true);
                        // Stops the reading at once; an answer already here is dropped.
                        files::cancel();
                    }>
                        {move || prefs.tr(Msg::ImportCancel)}
                    </button>
                </div>
            })}
            {report_view}
            <div class="card">
                <h2>{move || prefs.tr(Msg::ExportRecords)}</h2>
                <div class="button-row">
                    <button class="btn" data-testid="export-orders" on:click=move |_| export("orders")>
                        {move || prefs.tr(Msg::ExportOrders)}
                    </button>
                    <button class="btn" data-testid="export-events" on:click=move |_| export("events")>
                        {move || prefs.tr(Msg::ExportEvents)}
                    </button>
                </div>
            </div>
        </section>
    }
}

/// A target field's name in the user's language.
fn field_label(field: Field, zh: bool) -> &'static str {
    let (z, e) = match field {
        Field::ExternalId => ("外部编号", "External id"),
        Field::Name => ("姓名", "Name"),
        Field::Phone => ("手机", "Phone"),
        Field::Email => ("邮箱", "E-mail"),
        Field::City => ("城市", "City"),
        Field::Tags => ("标签", "Tags"),
        Field::Owner => ("客户经理", "Account manager"),
        Field::OrderId => ("订单号", "Order id"),
        Field::CustomerId => ("客户编号", "Customer id"),
        Field::OrderedAt => ("下单时间", "Order time"),
        Field::Amount => ("金额", "Amount"),
        Field::Quantity => ("数量", "Quantity"),
        Field::UnitPrice => ("单价", "Unit price"),
        Field::Channel => ("渠道", "Channel"),
        Field::Region => ("地区", "Region"),
        Field::EventType => ("行为类型", "Event type"),
        Field::OccurredAt => ("发生时间", "Time"),
        Field::Item => ("商品", "Item"),
        Field::Category => ("品类", "Category"),
    };
    if zh { z } else { e }
}

/// A report count's name in the user's language.
fn detail_label(name: &str, zh: bool) -> String {
    let zh_name = match name {
        "rows" => "数据行",
        "blank_rows" => "空行",
        "missing_customer_rows" => "缺少客户编号（跳过）",
        "unknown_customer_rows" => "客户不存在（已新建）",
        "ragged_rows" => "列数不一致的行",
        "customers_created" => "新建客户",
        "customers_merged" => "匹配到已有客户",
        "customers_updated" => "更新了资料的客户",
        "orders_created" => "新订单",
        "orders_updated" => "更新的订单",
        "orders_unchanged" => "已存在的订单",
        "refunds" => "退款/取消",
        "events_created" => "新行为",
        "events_updated" => "更新的行为",
        "events_existing" => "已存在的行为",
        other => other,
    };
    if zh {
        zh_name.to_string()
    } else {
        name.replace('_', " ")
    }
}
