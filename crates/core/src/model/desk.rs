//! The account manager's desk: request cards (需求卡), recommendations (推介), care campaigns
//! and their contact tasks. Records like the others — an id, `updated_at`, tombstones — that
//! a team shares through sync.
//!
//! Their serde form is the form of their shared documents (docs/sync.md): codes in
//! snake_case, times as ISO-8601 strings, money in integer cents. Reading is lenient: a field
//! another version or tool left out takes its empty value, so a record written by a newer
//! version with more fields still reads.

use super::{Cents, Record, RecordKey, RecordKind};
use crate::time::{Timestamp, iso};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The built-in request categories; a team may add its own (any other code).
pub mod category {
    pub const CONSULTATION: &str = "consultation";
    pub const COMPLAINT: &str = "complaint";
    pub const NEED: &str = "need";
    pub const SERVICE: &str = "service";
    pub const BUILT_IN: [&str; 4] = [CONSULTATION, COMPLAINT, NEED, SERVICE];
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A request's status: open → in progress → resolved (with a resolution) or closed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    #[default]
    Open,
    InProgress,
    Resolved,
    Closed,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 4] = [
        RequestStatus::Open,
        RequestStatus::InProgress,
        RequestStatus::Resolved,
        RequestStatus::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Resolved => "resolved",
            RequestStatus::Closed => "closed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
    /// Still to be worked on (open or in progress).
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Open | RequestStatus::InProgress)
    }
}

/// A customer's request or complaint, with the deadline it must be answered by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// A category code ([`category`]) or a team's own.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub status: RequestStatus,
    /// The account manager who answers it.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(with = "iso")]
    pub opened_at: Timestamp,
    /// When it must be resolved (from the category's SLA unless set by hand).
    #[serde(with = "iso")]
    pub due_at: Timestamp,
    /// When it was resolved or closed.
    #[serde(default, with = "iso::option")]
    pub closed_at: Option<Timestamp>,
    /// How it was resolved (or why it was closed).
    #[serde(default)]
    pub resolution: String,
    #[serde(with = "iso")]
    pub updated_at: Timestamp,
}

impl Request {
    /// Open (or in progress) past its deadline.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status.is_open() && self.due_at < now
    }
}

/// Where a recommendation stands: recommended → interested → won (an amount) or declined.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationStatus {
    #[default]
    Recommended,
    Interested,
    Won,
    Declined,
}

impl RecommendationStatus {
    pub const ALL: [RecommendationStatus; 4] = [
        RecommendationStatus::Recommended,
        RecommendationStatus::Interested,
        RecommendationStatus::Won,
        RecommendationStatus::Declined,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RecommendationStatus::Recommended => "recommended",
            RecommendationStatus::Interested => "interested",
            RecommendationStatus::Won => "won",
            RecommendationStatus::Declined => "declined",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
    /// Won or declined: nothing left to follow up.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RecommendationStatus::Won | RecommendationStatus::Declined
        )
    }
}

/// A product or offer recommended to a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The product or offer, as the manager names it.
    #[serde(default)]
    pub product: String,
    /// The amount offered, if any.
    #[serde(default)]
    pub amount_cents: Option<Cents>,
    #[serde(default)]
    pub status: RecommendationStatus,
    /// The amount of the deal, once won.
    #[serde(default)]
    pub won_cents: Option<Cents>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(with = "iso")]
    pub recommended_at: Timestamp,
    /// When it was won or declined.
    #[serde(default, with = "iso::option")]
    pub closed_at: Option<Timestamp>,
    #[serde(default)]
    pub note: String,
    #[serde(with = "iso")]
    pub updated_at: Timestamp,
}

/// The built-in occasions of care campaigns; any other code is a team's own.
pub mod occasion {
    pub const SPRING_FESTIVAL: &str = "spring_festival";
    pub const MID_AUTUMN: &str = "mid_autumn";
    pub const BIRTHDAY: &str = "birthday";
    pub const MEMBER_DAY: &str = "member_day";
    pub const BUILT_IN: [&str; 4] = [SPRING_FESTIVAL, MID_AUTUMN, BIRTHDAY, MEMBER_DAY];
}

/// A care campaign (关怀): a segment of customers to contact for an occasion, with a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: Uuid,
    #[serde(default)]
    pub name: String,
    /// An occasion code ([`occasion`]) or a team's own.
    #[serde(default)]
    pub occasion: String,
    /// The segment as a query (a saved segment is `in_segment("name")`).
    #[serde(default)]
    pub segment: String,
    /// The message, with `{name}`, `{title}` and `{owner}` placeholders.
    #[serde(default)]
    pub template: String,
    #[serde(with = "iso")]
    pub created_at: Timestamp,
    #[serde(with = "iso")]
    pub updated_at: Timestamp,
}

/// Where a campaign's contact with one customer stands.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Todo,
    Done,
    NoAnswer,
    Declined,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::Todo,
        TaskStatus::Done,
        TaskStatus::NoAnswer,
        TaskStatus::Declined,
    ];
    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Todo => "todo",
            TaskStatus::Done => "done",
            TaskStatus::NoAnswer => "no_answer",
            TaskStatus::Declined => "declined",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One customer to contact in a campaign, for their account manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignTask {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub customer_id: Uuid,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub status: TaskStatus,
    /// When the contact was made (or tried).
    #[serde(default, with = "iso::option")]
    pub done_at: Option<Timestamp>,
    #[serde(with = "iso")]
    pub updated_at: Timestamp,
}

/// All the desk's records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Desk {
    pub requests: Vec<Request>,
    pub recommendations: Vec<Recommendation>,
    pub campaigns: Vec<Campaign>,
    pub tasks: Vec<CampaignTask>,
}

impl Desk {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn len(&self) -> usize {
        self.requests.len() + self.recommendations.len() + self.campaigns.len() + self.tasks.len()
    }
    /// Adds one record read back or pulled to its list.
    pub fn push(&mut self, item: DeskItem) {
        match item {
            DeskItem::Request(r) => self.requests.push(r),
            DeskItem::Recommendation(r) => self.recommendations.push(r),
            DeskItem::Campaign(c) => self.campaigns.push(c),
            DeskItem::Task(t) => self.tasks.push(t),
        }
    }
    /// The canonical order: by id (records are looked up by id; the pages sort as they show).
    pub fn normalize(&mut self) {
        crate::sorting::sort_unstable_by_key(&mut self.requests, |r| r.id);
        crate::sorting::sort_unstable_by_key(&mut self.recommendations, |r| r.id);
        crate::sorting::sort_unstable_by_key(&mut self.campaigns, |c| c.id);
        crate::sorting::sort_unstable_by_key(&mut self.tasks, |t| t.id);
    }
    /// Drops what belongs to these (deleted) customers: their tombstone covers it, as for
    /// orders and activities.
    pub fn drop_customers(&mut self, gone: &impl Fn(&Uuid) -> bool) {
        self.requests.retain(|r| !gone(&r.customer_id));
        self.recommendations.retain(|r| !gone(&r.customer_id));
        self.tasks.retain(|t| !gone(&t.customer_id));
    }
}

/// One desk record of any kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskItem {
    Request(Request),
    Recommendation(Recommendation),
    Campaign(Campaign),
    Task(CampaignTask),
}

impl DeskItem {
    pub fn kind(&self) -> RecordKind {
        match self {
            DeskItem::Request(_) => RecordKind::Request,
            DeskItem::Recommendation(_) => RecordKind::Recommendation,
            DeskItem::Campaign(_) => RecordKind::Campaign,
            DeskItem::Task(_) => RecordKind::Task,
        }
    }
    pub fn id(&self) -> Uuid {
        match self {
            DeskItem::Request(r) => r.id,
            DeskItem::Recommendation(r) => r.id,
            DeskItem::Campaign(c) => c.id,
            DeskItem::Task(t) => t.id,
        }
    }
    /// The record's serde form (its document's fields, `id` included).
    pub fn to_json(&self) -> serde_json::Value {
        // These types serialise to JSON without failing (strings, numbers, no maps).
        match self {
            DeskItem::Request(r) => serde_json::to_value(r),
            DeskItem::Recommendation(r) => serde_json::to_value(r),
            DeskItem::Campaign(c) => serde_json::to_value(c),
            DeskItem::Task(t) => serde_json::to_value(t),
        }
        .unwrap_or(serde_json::Value::Null)
    }
    /// Reads the serde form of a record of `kind`; `None` for a kind that is not the desk's.
    pub fn from_json(
        kind: RecordKind,
        value: serde_json::Value,
    ) -> Option<Result<DeskItem, serde_json::Error>> {
        fn read<T: DeserializeOwned>(
            value: serde_json::Value,
            wrap: fn(T) -> DeskItem,
        ) -> Result<DeskItem, serde_json::Error> {
            serde_json::from_value(value).map(wrap)
        }
        Some(match kind {
            RecordKind::Request => read(value, DeskItem::Request),
            RecordKind::Recommendation => read(value, DeskItem::Recommendation),
            RecordKind::Campaign => read(value, DeskItem::Campaign),
            RecordKind::Task => read(value, DeskItem::Task),
            _ => return None,
        })
    }
}

/// What the store and sync need of every desk record, to treat the four kinds alike.
pub trait DeskRecord: Record + Clone + PartialEq + Serialize + DeserializeOwned + 'static {
    fn id(&self) -> Uuid;
    /// The customer it is about (a campaign is about a segment: none).
    fn customer(&self) -> Option<Uuid>;
    fn list(desk: &Desk) -> &Vec<Self>;
    fn list_mut(desk: &mut Desk) -> &mut Vec<Self>;
    fn wrap(self) -> DeskItem;
    /// Stamps the record as written at `now` (`updated_at`).
    fn stamp(&mut self, now: Timestamp);
}

macro_rules! desk_record {
    ($t:ty, $kind:ident, $list:ident, $customer:expr) => {
        impl DeskRecord for $t {
            fn id(&self) -> Uuid {
                self.id
            }
            fn customer(&self) -> Option<Uuid> {
                $customer(self)
            }
            fn list(desk: &Desk) -> &Vec<Self> {
                &desk.$list
            }
            fn list_mut(desk: &mut Desk) -> &mut Vec<Self> {
                &mut desk.$list
            }
            fn wrap(self) -> DeskItem {
                DeskItem::$kind(self)
            }
            fn stamp(&mut self, now: Timestamp) {
                self.updated_at = now;
            }
        }
        impl Record for $t {
            const KIND: RecordKind = RecordKind::$kind;
            fn key(&self) -> RecordKey {
                RecordKey::Id(self.id)
            }
            fn updated_at(&self) -> Timestamp {
                self.updated_at
            }
        }
    };
}

desk_record!(Request, Request, requests, |r: &Request| Some(
    r.customer_id
));
desk_record!(
    Recommendation,
    Recommendation,
    recommendations,
    |r: &Recommendation| { Some(r.customer_id) }
);
desk_record!(Campaign, Campaign, campaigns, |_: &Campaign| None);
desk_record!(CampaignTask, Task, tasks, |t: &CampaignTask| Some(
    t.customer_id
));

/// Calls `$f::<T>()`-style generic code once per desk kind: `for_each_desk!(m)` expands to
/// `m!(Request); m!(Recommendation); m!(Campaign); m!(CampaignTask);`.
#[macro_export]
macro_rules! for_each_desk {
    ($m:ident) => {
        $m!($crate::model::Request);
        $m!($crate::model::Recommendation);
        $m!($crate::model::Campaign);
        $m!($crate::model::CampaignTask);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            id: Uuid::from_u128(1),
            customer_id: Uuid::from_u128(2),
            category: category::COMPLAINT.into(),
            description: "快递破损".into(),
            priority: Priority::High,
            status: RequestStatus::InProgress,
            owner: Some("王经理".into()),
            opened_at: Timestamp(1_764_547_200_000),
            due_at: Timestamp(1_764_633_600_000),
            closed_at: None,
            resolution: String::new(),
            updated_at: Timestamp(1_764_550_800_000),
        }
    }

    #[test]
    fn a_request_reads_back_from_its_document_form() {
        let item = DeskItem::Request(request());
        let json = item.to_json();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "00000000-0000-0000-0000-000000000001",
                "customer_id": "00000000-0000-0000-0000-000000000002",
                "category": "complaint",
                "description": "快递破损",
                "priority": "high",
                "status": "in_progress",
                "owner": "王经理",
                "opened_at": "2025-12-01T00:00:00.000Z",
                "due_at": "2025-12-02T00:00:00.000Z",
                "closed_at": null,
                "resolution": "",
                "updated_at": "2025-12-01T01:00:00.000Z",
            })
        );
        let back = DeskItem::from_json(RecordKind::Request, json);
        assert_eq!(back.map(|r| r.ok()), Some(Some(item)));
    }

    #[test]
    fn absent_fields_read_as_empty_and_a_bad_time_is_an_error() {
        let minimal = serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000003",
            "campaign_id": "00000000-0000-0000-0000-000000000004",
            "customer_id": "00000000-0000-0000-0000-000000000005",
            "updated_at": "2025-12-01T08:00:00+08:00",
        });
        let Some(Ok(DeskItem::Task(task))) = DeskItem::from_json(RecordKind::Task, minimal) else {
            panic!("a task with only its required fields reads");
        };
        assert_eq!(task.status, TaskStatus::Todo);
        assert_eq!(task.done_at, None);
        assert_eq!(task.updated_at, Timestamp(1_764_547_200_000));
        let bad = serde_json::json!({"id": "00000000-0000-0000-0000-000000000003",
            "customer_id": "00000000-0000-0000-0000-000000000005",
            "opened_at": "yesterday", "due_at": "2025-12-01T00:00:00Z",
            "updated_at": "2025-12-01T00:00:00Z"});
        assert!(matches!(
            DeskItem::from_json(RecordKind::Request, bad),
            Some(Err(_))
        ));
        assert!(DeskItem::from_json(RecordKind::Order, serde_json::json!({})).is_none());
    }

    #[test]
    fn overdue_means_open_past_the_deadline() {
        let r = request();
        assert!(!r.is_overdue(r.due_at));
        assert!(r.is_overdue(r.due_at.plus_millis(1)));
        let done = Request {
            status: RequestStatus::Resolved,
            ..r
        };
        assert!(!done.is_overdue(done.due_at.plus_millis(1)));
    }
}
