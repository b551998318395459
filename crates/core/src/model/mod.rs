//! The domain model: customers, their orders, behaviour events and follow-up activities.
//!
//! Every record carries `updated_at`, and deletions are kept as [`Tombstone`]s, so that two
//! copies of the data (two tabs now, a sync server later) can be merged record by record
//! without a migration.

mod classes;
pub mod desk;

pub use classes::{RfmGroup, Stage, Tier};
pub use desk::{
    Campaign, CampaignTask, Desk, DeskItem, DeskRecord, Priority, Recommendation,
    RecommendationStatus, Request, RequestStatus, TaskStatus,
};

use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Money is always integer cents (fen), never floats.
pub type Cents = i64;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    #[default]
    Unknown,
    Male,
    Female,
}

impl Gender {
    pub fn code(self) -> u8 {
        match self {
            Gender::Unknown => 0,
            Gender::Male => 1,
            Gender::Female => 2,
        }
    }
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Gender::Male,
            2 => Gender::Female,
            _ => Gender::Unknown,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Uuid,
    /// The id in the system the customer came from (shop back office, CRM export).
    pub external_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Gender,
    pub birthday: Option<NaiveDate>,
    // Province, city, channel, level and owner repeat across customers: interned, they take
    // 4 bytes each instead of a heap string per customer.
    pub province: Option<Sym>,
    pub city: Option<Sym>,
    /// Channel of acquisition, a code such as `tmall` (see [`crate::channel`]) or free text.
    pub channel: Option<Sym>,
    /// Member level code (`normal`, `silver`, `gold`, `diamond`) or free text.
    pub member_level: Option<Sym>,
    pub points: i64,
    pub tags: Vec<Sym>,
    /// The account manager (客户经理) responsible now.
    pub owner: Option<Sym>,
    pub notes: String,
    /// A lifecycle stage set by hand; it replaces the computed one (and is shown as such).
    pub stage_override: Option<Stage>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Customer {
    /// An empty customer with only the required fields, as a form starts.
    pub fn new(id: Uuid, name: impl Into<String>, now: Timestamp) -> Self {
        Customer {
            id,
            external_id: None,
            name: name.into(),
            phone: None,
            email: None,
            gender: Gender::Unknown,
            birthday: None,
            province: None,
            city: None,
            channel: None,
            member_level: None,
            points: 0,
            tags: Vec::new(),
            owner: None,
            notes: String::new(),
            stage_override: None,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    Paid,
    Refunded,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The order number in the source system (e.g. the shop's 订单号).
    pub source_order_id: String,
    pub ordered_at: Timestamp,
    pub amount_cents: Cents,
    pub item_count: u32,
    pub channel: Sym,
    pub status: OrderStatus,
    pub updated_at: Timestamp,
}

/// Event type names as stored. Imports may bring others (e.g. `fav`); these are the ones the
/// demo generator writes, in funnel order.
pub mod event_type {
    pub const VISIT: &str = "visit";
    pub const VIEW: &str = "view";
    pub const ADD_TO_CART: &str = "add_to_cart";
    pub const CHECKOUT: &str = "checkout";
    pub const PAY: &str = "pay";
    pub const FUNNEL: [&str; 5] = [VISIT, VIEW, ADD_TO_CART, CHECKOUT, PAY];
}

/// Interned: millions of events share a few thousand distinct values.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct EventProps {
    pub channel: Option<Sym>,
    pub item: Option<Sym>,
    pub category: Option<Sym>,
}

/// A behaviour event. Events are facts that do not change; their identity is
/// (customer, type, time), which is also what imports deduplicate on. `Copy`: the
/// [`crate::EventLog`] hands events out by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub customer_id: Uuid,
    pub kind: Sym,
    pub occurred_at: Timestamp,
    pub props: EventProps,
    pub updated_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivityKind {
    Call,
    Visit,
    Message,
    Care,
    Complaint,
    Note,
    /// The responsible account manager changed; `owner` is the new one and the text names
    /// the previous one. These entries are the customer's owner history.
    OwnerChange,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::Call,
        ActivityKind::Visit,
        ActivityKind::Message,
        ActivityKind::Care,
        ActivityKind::Complaint,
        ActivityKind::Note,
        ActivityKind::OwnerChange,
    ];
    /// The kinds a person records by hand: all but the owner changes.
    pub const MANUAL: &'static [ActivityKind] = Self::ALL.split_at(6).0;
    pub fn code(self) -> u8 {
        match self {
            ActivityKind::Call => 0,
            ActivityKind::Visit => 1,
            ActivityKind::Message => 2,
            ActivityKind::Care => 3,
            ActivityKind::Complaint => 4,
            ActivityKind::Note => 5,
            ActivityKind::OwnerChange => 6,
        }
    }
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }
    /// The kind as text (documents, fingerprints): `call`, `visit`, … `owner_change`.
    pub fn text(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Visit => "visit",
            ActivityKind::Message => "message",
            ActivityKind::Care => "care",
            ActivityKind::Complaint => "complaint",
            ActivityKind::Note => "note",
            ActivityKind::OwnerChange => "owner_change",
        }
    }
    pub fn from_text(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.text() == text)
    }
}

/// A follow-up activity of an account manager with a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: ActivityKind,
    pub at: Timestamp,
    pub text: String,
    pub owner: Option<String>,
    pub next_follow_up: Option<NaiveDate>,
    /// What came of it ("agreed to a demo", "no answer").
    pub outcome: Option<String>,
    pub updated_at: Timestamp,
}

/// Which collection a record or tombstone belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordKind {
    Customer,
    Order,
    Event,
    Activity,
    // The desk's records (see [`desk`]).
    Request,
    Recommendation,
    Campaign,
    Task,
}

impl RecordKind {
    /// The desk's kinds, in this order everywhere they are listed.
    pub const DESK: [RecordKind; 4] = [
        RecordKind::Request,
        RecordKind::Recommendation,
        RecordKind::Campaign,
        RecordKind::Task,
    ];
    pub fn is_desk(self) -> bool {
        Self::DESK.contains(&self)
    }
    const ALL: [RecordKind; 8] = [
        RecordKind::Customer,
        RecordKind::Order,
        RecordKind::Event,
        RecordKind::Activity,
        RecordKind::Request,
        RecordKind::Recommendation,
        RecordKind::Campaign,
        RecordKind::Task,
    ];
    /// The kind's number in stored tombstones; frozen.
    pub fn code(self) -> u8 {
        match self {
            RecordKind::Customer => 0,
            RecordKind::Order => 1,
            RecordKind::Event => 2,
            RecordKind::Activity => 3,
            RecordKind::Request => 4,
            RecordKind::Recommendation => 5,
            RecordKind::Campaign => 6,
            RecordKind::Task => 7,
        }
    }
    pub fn from_code(code: u8) -> Option<RecordKind> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// The identity of a record within its collection.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordKey {
    Id(Uuid),
    /// Events: (customer, type, time).
    Event(Uuid, Sym, Timestamp),
}

/// A deletion, kept so that a merge with an older copy does not bring the record back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tombstone {
    pub kind: RecordKind,
    pub key: RecordKey,
    pub deleted_at: Timestamp,
}

/// What every mergeable record offers.
pub trait Record {
    const KIND: RecordKind;
    fn key(&self) -> RecordKey;
    fn updated_at(&self) -> Timestamp;
}

impl Record for Customer {
    const KIND: RecordKind = RecordKind::Customer;
    fn key(&self) -> RecordKey {
        RecordKey::Id(self.id)
    }
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
}

impl Record for Order {
    const KIND: RecordKind = RecordKind::Order;
    fn key(&self) -> RecordKey {
        RecordKey::Id(self.id)
    }
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
}

impl Record for Event {
    const KIND: RecordKind = RecordKind::Event;
    fn key(&self) -> RecordKey {
        RecordKey::Event(self.customer_id, self.kind, self.occurred_at)
    }
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
}

impl Record for Activity {
    const KIND: RecordKind = RecordKind::Activity;
    fn key(&self) -> RecordKey {
        RecordKey::Id(self.id)
    }
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
}
