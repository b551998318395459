//! The report of an import (`import-report`): what was imported, skipped and why, the
//! rejected rows (the first ones shown, all of them as a CSV download).

use super::state::ImportState;
use crate::i18n::{Lang, Msg, import_errors_header, import_reason};
use crate::platform;
use crate::ui::use_ui;
use kezhi_core::import::{ImportSummary, RowError, errors_csv};
use kezhi_core::money::thousands;
use leptos::prelude::*;
use std::sync::Arc;

/// Errors shown in the report.
const ERRORS_SHOWN: usize = 100;

/// What an import did, for the report.
#[derive(Clone, Debug)]
pub struct Report {
    pub summary: ImportSummary,
    pub errors: Arc<Vec<RowError>>,
}

#[component]
pub fn ImportReport(state: ImportState) -> impl IntoView {
    let ImportState { prefs, report, .. } = state;
    let ui = use_ui();
    move || {
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
    }
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
