//! Records as CouchDB documents (the schema is docs/sync.md, the contract other tools rely on):
//! `_id` = `<kind>:<record id>`, `type` = the kind, the record's fields in plain JSON (money in
//! integer cents, times as ISO-8601 UTC strings), `updated_at`; deletions are CouchDB deletions
//! that keep `type` and `updated_at` (the time of the deletion).
//!
//! Reading is lenient (another tool may leave out what it does not know: absent fields take
//! their empty value) but never guesses: a document whose id, type or required fields cannot
//! be read is reported, not half-applied.

use crate::model::Stage;
use crate::model::{
    Activity, ActivityKind, Customer, DeskItem, DeskRecord, Event, EventProps, Gender, Order,
    OrderStatus, RecordKey, RecordKind, Tombstone,
};
use crate::{Sym, Timestamp};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// The field that carries the version that lost a conflict, so that every device lists it.
pub const CONFLICT_FIELD: &str = "kezhi_conflict";

/// The kinds of documents (the `type` field and the `_id` prefix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    Customer,
    Order,
    Event,
    Activity,
    Request,
    Recommendation,
    Campaign,
    Task,
}

impl DocKind {
    pub const ALL: [DocKind; 8] = [
        DocKind::Customer,
        DocKind::Order,
        DocKind::Event,
        DocKind::Activity,
        DocKind::Request,
        DocKind::Recommendation,
        DocKind::Campaign,
        DocKind::Task,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DocKind::Customer => "customer",
            DocKind::Order => "order",
            DocKind::Event => "event",
            DocKind::Activity => "activity",
            DocKind::Request => "request",
            DocKind::Recommendation => "recommendation",
            DocKind::Campaign => "campaign",
            DocKind::Task => "campaign_task",
        }
    }
    pub fn from_code(code: &str) -> Option<DocKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn of(kind: RecordKind) -> DocKind {
        match kind {
            RecordKind::Customer => DocKind::Customer,
            RecordKind::Order => DocKind::Order,
            RecordKind::Event => DocKind::Event,
            RecordKind::Activity => DocKind::Activity,
            RecordKind::Request => DocKind::Request,
            RecordKind::Recommendation => DocKind::Recommendation,
            RecordKind::Campaign => DocKind::Campaign,
            RecordKind::Task => DocKind::Task,
        }
    }
    pub fn record_kind(self) -> RecordKind {
        match self {
            DocKind::Customer => RecordKind::Customer,
            DocKind::Order => RecordKind::Order,
            DocKind::Event => RecordKind::Event,
            DocKind::Activity => RecordKind::Activity,
            DocKind::Request => RecordKind::Request,
            DocKind::Recommendation => RecordKind::Recommendation,
            DocKind::Campaign => RecordKind::Campaign,
            DocKind::Task => RecordKind::Task,
        }
    }
    /// Events and activities are facts: never edited, so they never conflict.
    pub fn append_only(self) -> bool {
        matches!(self, DocKind::Event | DocKind::Activity)
    }
}

/// The document id of a record: `customer:<uuid>`, `event:<customer uuid>:<type>:<ms>`.
pub fn doc_id(kind: RecordKind, key: &RecordKey) -> String {
    let kind = DocKind::of(kind).code();
    match key {
        RecordKey::Id(id) => format!("{kind}:{id}"),
        RecordKey::Event(customer, sym, at) => {
            format!("{kind}:{customer}:{}:{}", sym.as_str(), at.millis())
        }
    }
}

/// The kind and key a document id names.
pub fn parse_doc_id(id: &str) -> Option<(RecordKind, RecordKey)> {
    let (kind, rest) = id.split_once(':')?;
    let kind = DocKind::from_code(kind)?;
    let key = match kind {
        DocKind::Event => {
            // `<uuid>:<type>:<ms>`; the type may itself contain ':'.
            let (customer, rest) = rest.split_at_checked(36)?;
            let rest = rest.strip_prefix(':')?;
            let (sym, ms) = rest.rsplit_once(':')?;
            if sym.is_empty() {
                return None;
            }
            RecordKey::Event(
                Uuid::parse_str(customer).ok()?,
                Sym::new(sym),
                Timestamp(ms.parse().ok()?),
            )
        }
        _ => RecordKey::Id(Uuid::parse_str(rest).ok()?),
    };
    Some((kind.record_kind(), key))
}

/// A document as exchanged with the server.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub id: String,
    pub rev: Option<String>,
    pub deleted: bool,
    /// Everything but `_id`, `_rev`, `_deleted` (and CouchDB's other `_` fields).
    pub body: Map<String, Value>,
}

impl Doc {
    /// The JSON sent to `_bulk_docs`.
    pub fn to_json(&self) -> Value {
        let mut out = self.body.clone();
        out.insert("_id".into(), Value::String(self.id.clone()));
        if let Some(rev) = &self.rev {
            out.insert("_rev".into(), Value::String(rev.clone()));
        }
        if self.deleted {
            out.insert("_deleted".into(), Value::Bool(true));
        }
        Value::Object(out)
    }

    /// A document as the server sends it (`include_docs`, `_all_docs`).
    pub fn from_json(value: Value) -> Option<Doc> {
        let Value::Object(mut map) = value else {
            return None;
        };
        let id = match map.remove("_id") {
            Some(Value::String(s)) => s,
            _ => return None,
        };
        let rev = match map.remove("_rev") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let deleted = matches!(map.remove("_deleted"), Some(Value::Bool(true)));
        // CouchDB's own metadata (`_conflicts`, `_attachments`, `_revisions`…) is not content.
        map.retain(|k, _| !k.starts_with('_'));
        Some(Doc {
            id,
            rev,
            deleted,
            body: map,
        })
    }

    /// The content without the conflict note: what decides which version wins.
    pub fn content(&self) -> Map<String, Value> {
        let mut body = self.body.clone();
        body.remove(CONFLICT_FIELD);
        body
    }

    /// `updated_at` of the document (a deletion's time), if readable.
    pub fn updated_at(&self) -> Option<Timestamp> {
        self.body
            .get("updated_at")
            .and_then(Value::as_str)
            .and_then(parse_time)
    }

    /// A stable fingerprint of the content, conflict note included (FNV-1a over the canonical
    /// JSON: `serde_json`'s maps keep keys sorted).
    pub fn fingerprint(&self) -> u64 {
        let text = format!("{}|{}", self.deleted, Value::Object(self.body.clone()));
        fnv1a(text.as_bytes())
    }
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A time as ISO-8601 UTC with milliseconds (`2026-12-01T08:30:00.000Z`).
pub fn format_time(t: Timestamp) -> String {
    t.iso()
}

/// Reads an RFC 3339 / ISO-8601 time with an offset (any offset, stored as UTC).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    Timestamp::parse_iso(s)
}

fn opt_str(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn sym(v: Option<Sym>) -> Value {
    opt_str(v.map(Sym::as_str))
}

fn gender_code(g: Gender) -> &'static str {
    match g {
        Gender::Unknown => "unknown",
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

fn body(kind: DocKind, fields: Value) -> Map<String, Value> {
    let mut map = match fields {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    map.insert("type".into(), Value::String(kind.code().into()));
    map
}

pub fn customer_doc(c: &Customer) -> Doc {
    Doc {
        id: doc_id(RecordKind::Customer, &RecordKey::Id(c.id)),
        rev: None,
        deleted: false,
        body: body(
            DocKind::Customer,
            json!({
                "name": c.name,
                "external_id": c.external_id,
                "phone": c.phone,
                "email": c.email,
                "gender": gender_code(c.gender),
                "birthday": c.birthday.map(|d| d.format("%Y-%m-%d").to_string()),
                "province": sym(c.province),
                "city": sym(c.city),
                "channel": sym(c.channel),
                "member_level": sym(c.member_level),
                "points": c.points,
                "tags": c.tags,
                "owner": sym(c.owner),
                "notes": c.notes,
                "stage": c.stage_override.map(Stage::code),
                "created_at": format_time(c.created_at),
                "updated_at": format_time(c.updated_at),
            }),
        ),
    }
}

pub fn order_doc(o: &Order) -> Doc {
    Doc {
        id: doc_id(RecordKind::Order, &RecordKey::Id(o.id)),
        rev: None,
        deleted: false,
        body: body(
            DocKind::Order,
            json!({
                "customer_id": o.customer_id.to_string(),
                "source_order_id": o.source_order_id,
                "ordered_at": format_time(o.ordered_at),
                "amount_cents": o.amount_cents,
                "item_count": o.item_count,
                "channel": o.channel.as_str(),
                "status": match o.status { OrderStatus::Paid => "paid", OrderStatus::Refunded => "refunded" },
                "updated_at": format_time(o.updated_at),
            }),
        ),
    }
}

pub fn event_doc(e: &Event) -> Doc {
    Doc {
        id: doc_id(
            RecordKind::Event,
            &RecordKey::Event(e.customer_id, e.kind, e.occurred_at),
        ),
        rev: None,
        deleted: false,
        body: body(
            DocKind::Event,
            json!({
                "customer_id": e.customer_id.to_string(),
                "event": e.kind.as_str(),
                "occurred_at": format_time(e.occurred_at),
                "channel": sym(e.props.channel),
                "item": sym(e.props.item),
                "category": sym(e.props.category),
                "updated_at": format_time(e.updated_at),
            }),
        ),
    }
}

pub fn activity_doc(a: &Activity) -> Doc {
    Doc {
        id: doc_id(RecordKind::Activity, &RecordKey::Id(a.id)),
        rev: None,
        deleted: false,
        body: body(
            DocKind::Activity,
            json!({
                "customer_id": a.customer_id.to_string(),
                "kind": ActivityKind::text(a.kind),
                "at": format_time(a.at),
                "text": a.text,
                "owner": a.owner,
                "next_follow_up": a.next_follow_up.map(|d| d.format("%Y-%m-%d").to_string()),
                "outcome": a.outcome,
                "updated_at": format_time(a.updated_at),
            }),
        ),
    }
}

/// A desk record's document: its serde form (`model::desk`) without the id, which is in `_id`.
pub fn desk_doc<T: DeskRecord>(r: &T) -> Doc {
    let mut fields = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut fields {
        m.remove("id");
    }
    Doc {
        id: doc_id(T::KIND, &RecordKey::Id(r.id())),
        rev: None,
        deleted: false,
        body: body(DocKind::of(T::KIND), fields),
    }
}

pub fn tombstone_doc(t: &Tombstone) -> Doc {
    Doc {
        id: doc_id(t.kind, &t.key),
        rev: None,
        deleted: true,
        body: body(
            DocKind::of(t.kind),
            json!({ "updated_at": format_time(t.deleted_at) }),
        ),
    }
}

/// A record read from a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote {
    Customer(Customer),
    Order(Order),
    Event(Event),
    Activity(Activity),
    Desk(DeskItem),
    /// A deletion; its time is the document's `updated_at` (or `now` when it has none: a
    /// deletion by another tool wins over what is stored).
    Deleted(Tombstone),
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocError {
    /// Not a kezhi document id (`<kind>:<id>`).
    Id,
    /// The `type` field is missing or disagrees with the id.
    Type,
    /// A field has the wrong shape: its name.
    Field(&'static str),
}

struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn str(&self, name: &'static str) -> Result<Option<&str>, DocError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(DocError::Field(name)),
        }
    }
    fn string(&self, name: &'static str) -> Result<String, DocError> {
        Ok(self.str(name)?.unwrap_or_default().to_string())
    }
    fn opt_string(&self, name: &'static str) -> Result<Option<String>, DocError> {
        Ok(self
            .str(name)?
            .filter(|s| !s.is_empty())
            .map(str::to_string))
    }
    fn sym(&self, name: &'static str) -> Result<Option<Sym>, DocError> {
        Ok(self.str(name)?.filter(|s| !s.is_empty()).map(Sym::new))
    }
    fn int(&self, name: &'static str) -> Result<i64, DocError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v.as_i64().ok_or(DocError::Field(name)),
        }
    }
    fn time(&self, name: &'static str) -> Result<Timestamp, DocError> {
        self.str(name)?
            .and_then(parse_time)
            .ok_or(DocError::Field(name))
    }
    fn date(&self, name: &'static str) -> Result<Option<NaiveDate>, DocError> {
        match self.str(name)? {
            None | Some("") => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| DocError::Field(name)),
        }
    }
    fn uuid(&self, name: &'static str) -> Result<Uuid, DocError> {
        self.str(name)?
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or(DocError::Field(name))
    }
    fn tags(&self) -> Result<Vec<String>, DocError> {
        match self.0.get("tags") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or(DocError::Field("tags"))
                })
                .collect(),
            Some(_) => Err(DocError::Field("tags")),
        }
    }
}

/// Reads a document into the record it stands for.
pub fn read_doc(doc: &Doc, now: Timestamp) -> Result<Remote, DocError> {
    let (kind, key) = parse_doc_id(&doc.id).ok_or(DocError::Id)?;
    let f = Fields(&doc.body);
    if doc.deleted {
        // A deletion by another tool may carry no body at all.
        return Ok(Remote::Deleted(Tombstone {
            kind,
            key,
            deleted_at: doc.updated_at().unwrap_or(now),
        }));
    }
    if f.str("type")? != Some(DocKind::of(kind).code()) {
        return Err(DocError::Type);
    }
    let updated_at = f.time("updated_at")?;
    Ok(match (kind, key) {
        (RecordKind::Customer, RecordKey::Id(id)) => Remote::Customer(Customer {
            id,
            external_id: f.opt_string("external_id")?,
            name: f.string("name")?,
            phone: f.opt_string("phone")?,
            email: f.opt_string("email")?,
            gender: match f.str("gender")? {
                Some("male") => Gender::Male,
                Some("female") => Gender::Female,
                _ => Gender::Unknown,
            },
            birthday: f.date("birthday")?,
            province: f.sym("province")?,
            city: f.sym("city")?,
            channel: f.sym("channel")?,
            member_level: f.sym("member_level")?,
            points: f.int("points")?,
            tags: f.tags()?.iter().map(|t| Sym::new(t)).collect(),
            owner: f.sym("owner")?,
            notes: f.string("notes")?,
            stage_override: match f.str("stage")? {
                None | Some("") => None,
                Some(code) => Some(Stage::from_code(code).ok_or(DocError::Field("stage"))?),
            },
            created_at: f.time("created_at").unwrap_or(updated_at),
            updated_at,
        }),
        (RecordKind::Order, RecordKey::Id(id)) => Remote::Order(Order {
            id,
            customer_id: f.uuid("customer_id")?,
            source_order_id: f.string("source_order_id")?,
            ordered_at: f.time("ordered_at")?,
            amount_cents: f.int("amount_cents")?,
            item_count: u32::try_from(f.int("item_count")?)
                .map_err(|_| DocError::Field("item_count"))?,
            channel: Sym::new(f.str("channel")?.unwrap_or_default()),
            status: match f.str("status")? {
                Some("refunded") => OrderStatus::Refunded,
                Some("paid") | None => OrderStatus::Paid,
                Some(_) => return Err(DocError::Field("status")),
            },
            updated_at,
        }),
        (RecordKind::Event, RecordKey::Event(customer_id, kind, occurred_at)) => {
            Remote::Event(Event {
                customer_id,
                kind,
                occurred_at,
                props: EventProps {
                    channel: f.sym("channel")?,
                    item: f.sym("item")?,
                    category: f.sym("category")?,
                },
                updated_at,
            })
        }
        (RecordKind::Activity, RecordKey::Id(id)) => Remote::Activity(Activity {
            id,
            customer_id: f.uuid("customer_id")?,
            kind: match f.str("kind")? {
                Some(code) => ActivityKind::from_text(code).ok_or(DocError::Field("kind"))?,
                None => ActivityKind::Note,
            },
            at: f.time("at")?,
            text: f.string("text")?,
            owner: f.opt_string("owner")?,
            next_follow_up: f.date("next_follow_up")?,
            outcome: f.opt_string("outcome")?,
            updated_at,
        }),
        (kind, RecordKey::Id(id)) if kind.is_desk() => {
            let mut fields = doc.content();
            fields.remove("type");
            fields.insert("id".into(), Value::String(id.to_string()));
            match DeskItem::from_json(kind, Value::Object(fields)) {
                Some(Ok(item)) => Remote::Desk(item),
                // serde names no field in a way worth keeping; the kind says what failed.
                Some(Err(_)) => return Err(DocError::Field(DocKind::of(kind).code())),
                None => return Err(DocError::Id),
            }
        }
        _ => return Err(DocError::Id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_including_event_types_with_colons() {
        let c = Uuid::from_u128(7);
        let key = RecordKey::Event(c, Sym::new("a:b"), Timestamp(1_700_000_000_123));
        let id = doc_id(RecordKind::Event, &key);
        assert_eq!(
            id,
            "event:00000000-0000-0000-0000-000000000007:a:b:1700000000123"
        );
        assert_eq!(parse_doc_id(&id), Some((RecordKind::Event, key)));
        assert_eq!(
            parse_doc_id("customer:00000000-0000-0000-0000-000000000007"),
            Some((RecordKind::Customer, RecordKey::Id(c)))
        );
        assert_eq!(parse_doc_id("customer:nope"), None);
        assert_eq!(parse_doc_id("_design/x"), None);
    }

    #[test]
    fn times_are_iso_utc_with_milliseconds() {
        assert_eq!(
            format_time(Timestamp(1_700_000_000_123)),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            parse_time("2023-11-15T06:13:20.123+08:00"),
            Some(Timestamp(1_700_000_000_123))
        );
    }

    #[test]
    fn a_customer_document_has_the_export_fields_and_reads_back() {
        let mut c = Customer::new(Uuid::from_u128(1), "张三", Timestamp(1_000));
        c.phone = Some("13800138000".into());
        c.tags = vec!["VIP".into()];
        c.owner = Some(Sym::new("李经理"));
        c.city = Some(Sym::new("杭州"));
        c.stage_override = Some(Stage::Mature);
        let doc = customer_doc(&c);
        let json = doc.to_json();
        assert_eq!(json["_id"], "customer:00000000-0000-0000-0000-000000000001");
        assert_eq!(json["type"], "customer");
        assert_eq!(json["name"], "张三");
        assert_eq!(json["phone"], "13800138000");
        assert_eq!(json["email"], Value::Null);
        assert_eq!(json["tags"], json!(["VIP"]));
        assert_eq!(json["owner"], "李经理");
        assert_eq!(json["city"], "杭州");
        assert_eq!(json["updated_at"], "1970-01-01T00:00:01.000Z");
        let back = Doc::from_json(json).expect("doc");
        assert_eq!(read_doc(&back, Timestamp(0)), Ok(Remote::Customer(c)));
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        let order = Order {
            id: Uuid::from_u128(2),
            customer_id: Uuid::from_u128(1),
            source_order_id: "T-1".into(),
            ordered_at: Timestamp(5_000),
            amount_cents: 12_345,
            item_count: 3,
            channel: Sym::new("tmall"),
            status: OrderStatus::Refunded,
            updated_at: Timestamp(6_000),
        };
        let event = Event {
            customer_id: Uuid::from_u128(1),
            kind: Sym::new("view"),
            occurred_at: Timestamp(7_000),
            props: EventProps {
                channel: Some(Sym::new("jd")),
                item: None,
                category: Some(Sym::new("shoes")),
            },
            updated_at: Timestamp(7_000),
        };
        let activity = Activity {
            id: Uuid::from_u128(3),
            customer_id: Uuid::from_u128(1),
            kind: ActivityKind::OwnerChange,
            at: Timestamp(8_000),
            text: "王 → 李".into(),
            owner: Some("李".into()),
            next_follow_up: NaiveDate::from_ymd_opt(2026, 12, 24),
            outcome: None,
            updated_at: Timestamp(8_000),
        };
        let dead = Tombstone {
            kind: RecordKind::Order,
            key: RecordKey::Id(Uuid::from_u128(2)),
            deleted_at: Timestamp(9_000),
        };
        let round = |d: Doc| read_doc(&Doc::from_json(d.to_json()).expect("doc"), Timestamp(0));
        assert_eq!(round(order_doc(&order)), Ok(Remote::Order(order)));
        assert_eq!(round(event_doc(&event)), Ok(Remote::Event(event)));
        assert_eq!(
            round(activity_doc(&activity)),
            Ok(Remote::Activity(activity))
        );
        assert_eq!(round(tombstone_doc(&dead)), Ok(Remote::Deleted(dead)));
    }

    #[test]
    fn foreign_documents_are_read_leniently_or_refused_clearly() {
        // Written by another tool: only a name and a time.
        let doc = Doc::from_json(json!({
            "_id": "customer:00000000-0000-0000-0000-000000000009",
            "_rev": "1-abc",
            "type": "customer",
            "name": "Ann",
            "updated_at": "2026-01-01T00:00:00Z",
            "_conflicts": ["1-x"],
        }))
        .expect("doc");
        assert_eq!(doc.rev.as_deref(), Some("1-abc"));
        assert!(!doc.body.contains_key("_conflicts"));
        match read_doc(&doc, Timestamp(0)) {
            Ok(Remote::Customer(c)) => {
                assert_eq!(c.name, "Ann");
                assert_eq!(c.updated_at, Timestamp(1_767_225_600_000));
                assert_eq!(c.created_at, c.updated_at);
            }
            other => panic!("{other:?}"),
        }
        let bad = |v: Value| read_doc(&Doc::from_json(v).expect("doc"), Timestamp(0));
        assert_eq!(
            bad(
                json!({"_id": "customer:00000000-0000-0000-0000-000000000009", "type": "order", "updated_at": "2026-01-01T00:00:00Z"})
            ),
            Err(DocError::Type)
        );
        assert_eq!(
            bad(
                json!({"_id": "order:00000000-0000-0000-0000-000000000009", "type": "order", "updated_at": "2026-01-01T00:00:00Z", "customer_id": "x", "ordered_at": "2026-01-01T00:00:00Z"})
            ),
            Err(DocError::Field("customer_id"))
        );
        assert_eq!(
            bad(json!({"_id": "note:1", "type": "note"})),
            Err(DocError::Id)
        );
        // A deletion made with DELETE carries no time: it wins over what is stored.
        assert_eq!(
            bad(json!({"_id": "customer:00000000-0000-0000-0000-000000000009", "_deleted": true})),
            Ok(Remote::Deleted(Tombstone {
                kind: RecordKind::Customer,
                key: RecordKey::Id(Uuid::from_u128(9)),
                deleted_at: Timestamp(0),
            }))
        );
    }
}
