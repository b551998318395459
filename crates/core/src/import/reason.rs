//! Why a cell or a row was rejected, in both languages of the app.

use serde::{Deserialize, Serialize};

/// The reason a value or a row could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    /// A value the row needs is empty.
    Missing,
    /// Not a date or time in any form the importer knows.
    NotATime,
    /// Looks like a date but is not one (month 13, 30 February, hour 25).
    InvalidDate,
    /// A `a/b/yyyy` date that does not fit the column's day/month order (e.g. `10/27/2023` in a
    /// column where other values such as `27/10/2023` put the day first).
    DateOrderConflict,
    /// Not a number or an amount of money.
    NotANumber,
    /// A number too large to be a real amount, quantity or time.
    OutOfRange,
    /// Not a phone number (letters, too short or too long).
    NotAPhone,
    NotAnEmail,
    /// An id Excel turned into scientific notation (`1.23457E+17`): its digits are lost.
    ScientificId,
    /// A customer row with no external id, name, phone or e-mail.
    NoIdentity,
    /// A line of an order whose earlier lines belong to another customer.
    OrderCustomerConflict {
        order: String,
        customer: String,
    },
}

impl Reason {
    /// A sentence for the error list and the downloadable report.
    pub fn message(&self, chinese: bool) -> String {
        let (zh, en): (&str, &str) = match self {
            Reason::Missing => ("缺少必填值", "required value is empty"),
            Reason::NotATime => ("无法识别的日期时间", "not a date or time"),
            Reason::InvalidDate => ("日期或时间不存在", "no such date or time"),
            Reason::DateOrderConflict => (
                "与本列的日/月顺序不符",
                "does not fit the day/month order of this column",
            ),
            Reason::NotANumber => ("不是数字或金额", "not a number or amount"),
            Reason::OutOfRange => ("数值过大", "number out of range"),
            Reason::NotAPhone => ("不是有效的电话号码", "not a phone number"),
            Reason::NotAnEmail => ("不是有效的邮箱", "not an e-mail address"),
            Reason::ScientificId => (
                "编号被 Excel 写成科学计数法，数字已丢失（请将该列设为文本后重新导出）",
                "id in scientific notation, its digits are lost (format the column as text and export again)",
            ),
            Reason::NoIdentity => (
                "没有客户编号、姓名、手机或邮箱",
                "no external id, name, phone or e-mail",
            ),
            Reason::OrderCustomerConflict { order, customer } => {
                return if chinese {
                    format!("订单 {order} 的其他明细属于客户 {customer}")
                } else {
                    format!("other lines of order {order} belong to customer {customer}")
                };
            }
        };
        if chinese { zh } else { en }.to_string()
    }
}

/// Why a whole file cannot be imported (nothing was read).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    #[error("the workbook has no sheet named {0}")]
    NoSuchSheet(String),
    /// Fields the kind needs are not mapped to a column (contract names).
    #[error("required fields are not mapped: {}", .0.join(", "))]
    Unmapped(Vec<&'static str>),
}

impl ImportError {
    /// A sentence for the page.
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
