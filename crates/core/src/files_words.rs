//! What the files worker (`files.rs`) still has the core word, until it replies with codes and
//! typed errors like the rest of the core: an import's whole-file errors (its `Reply::Failed`
//! carries both languages) and the sheet name of `Request::WriteXlsx`'s workbook. The app
//! words both itself (`i18n::import_error`; it asks for `Request::WriteTable` with
//! `i18n::customers_sheet`), so this file — on the invariants' `CJK_PENDING` — goes when
//! files.rs stops calling it.

use crate::import::ImportError;

impl ImportError {
    /// A sentence for the files worker's `Reply::Failed`.
    pub fn message(&self, chinese: bool) -> String {
        if !chinese {
            return self.to_string();
        }
        match self {
            ImportError::Empty => "文件是空的".to_string(),
            ImportError::Workbook(e) => format!("无法读取该 Excel 文件：{e}"),
            ImportError::NoSuchSheet(name) => format!("工作簿中没有名为 {name} 的工作表"),
            ImportError::Unmapped(fields) => {
                format!("以下必填字段尚未对应到列：{}", fields.join("、"))
            }
        }
    }
}

/// The customer workbook of [`crate::export::customer_rows`]' cells under the contract's
/// column names, its sheet named in Chinese or English.
#[cfg(feature = "files")]
pub fn xlsx(cells: &[[crate::export::Cell; 19]], chinese: bool) -> Result<Vec<u8>, String> {
    crate::export::table_xlsx(
        if chinese { "客户" } else { "Customers" },
        &crate::export::CUSTOMER_COLUMNS,
        cells,
    )
}
