//! What a plan holds: the customers, orders and events a file describes, read but not yet
//! matched with any data. Always compiled: the files worker fills these in (the readers of
//! `customers`, `orders`, `events`), the page merges them into its data (`merge`).

use crate::model::EventProps;
use crate::money::Micros;
use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// One valid row of a customer file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<Sym>,
    pub tags: Vec<String>,
    pub owner: Option<Sym>,
}

/// A customer an order or event row refers to by its external id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRef {
    pub external_id: String,
    /// Their earliest order or event in the file: a created customer's `created_at`.
    pub first_at: Timestamp,
    /// The first region (country, province) their orders name.
    pub region: Option<Sym>,
    /// Rows that refer to them.
    pub rows: usize,
}

/// One order of the file, its lines summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDraft {
    pub source_id: String,
    /// Index into the file's customer references.
    pub customer: u32,
    /// The row of its first line.
    pub row: usize,
    pub at: Timestamp,
    /// Σ line amounts, in millionths of the currency unit.
    pub micros: Micros,
    /// Σ |quantity| (whole pieces).
    pub items: u64,
    pub lines: u32,
    /// The id marks a cancellation (`C536379`).
    pub cancelled: bool,
    pub channel: Option<Sym>,
}

impl OrderDraft {
    pub fn is_refund(&self) -> bool {
        self.cancelled || self.micros < 0
    }
}

/// One valid event row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDraft {
    /// Index into the file's customer references.
    pub customer: u32,
    pub kind: Sym,
    pub at: Timestamp,
    pub props: EventProps,
}

/// The drafts of one file, by kind: what the files worker hands the page (serialized).
#[derive(Serialize, Deserialize)]
pub(crate) enum Drafts {
    Customers(Vec<CustomerDraft>),
    Orders(OrderDrafts),
    Events(EventDrafts),
}

/// The orders of a file and the customers they refer to.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct OrderDrafts {
    pub orders: Vec<OrderDraft>,
    /// The distinct customer ids, numbered in order of appearance (`OrderDraft::customer`).
    pub refs: Vec<CustomerRef>,
    /// Whether quantities were mapped (else an order's item count is its number of lines).
    pub has_quantity: bool,
}

/// The events of a file and the customers they refer to.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct EventDrafts {
    pub events: Vec<EventDraft>,
    /// The distinct customer ids, numbered in order of appearance (`EventDraft::customer`).
    pub refs: Vec<CustomerRef>,
}

impl Drafts {
    /// Number of records the file describes: customer rows, orders (not lines) or events.
    pub fn records(&self) -> usize {
        match self {
            Drafts::Customers(d) => d.len(),
            Drafts::Orders(o) => o.orders.len(),
            Drafts::Events(e) => e.events.len(),
        }
    }
}

/// The ids derived from what identifies a record (an order without an order id, a new
/// record's UUID) hash with this, so importing the same file again finds the same ids.
/// 128-bit FNV-1a: simple, stable across platforms and versions (unlike `std`'s hashers).
pub fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}
