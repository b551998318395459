//! Why a cell or a row was rejected, and why a file cannot be read: codes, which the app words
//! (`i18n::import_reason`, `i18n::import_error`) — also when the files worker refuses a file
//! (`files::Reply::Failed` carries the [`ImportError`]).

use serde::{Deserialize, Deserializer, Serialize};

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

/// Why a whole file cannot be imported (nothing was read). Crosses from the files worker to
/// the page as it is (postcard), for the page to word.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    #[error("the workbook has no sheet named {0}")]
    NoSuchSheet(String),
    /// Fields the kind needs are not mapped to a column (contract names).
    #[error("required fields are not mapped: {}", .0.join(", "))]
    Unmapped(#[serde(deserialize_with = "requirements")] Vec<&'static str>),
}

/// `Unmapped`'s names read back: each is one of the names `Mapping::check` gives
/// ([`super::mapping::requirement`]), so the page gets the same `&'static str`s the worker
/// had; any other name is refused (a worker of another build).
fn requirements<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
    use serde::de::Error;
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|name| {
            super::mapping::requirement(name)
                .ok_or_else(|| D::Error::custom(format!("unknown requirement {name}")))
        })
        .collect()
}
