//! The compact encoding of format 3 (format 2 plus the customers' manual stages, see
//! `CustomersV2`; format 2 is still read): one string per [`Section`].
//!
//! A section is `k2:` followed by base64 of deflate of postcard (varint binary) of a frozen
//! DTO. Orders, events and activities are grouped by customer with times delta-coded, and
//! repeated strings (event types, channels, items, owners) go through a dictionary: that is
//! what lets the default demo (5,000 customers with ~100,000 events) fit in a fraction of
//! localStorage's 5 MB. The payload is pure ASCII, so its length in characters is its size
//! in bytes. The DTOs are frozen: a change of layout is a new format with a migration.

use super::Section;
use crate::dataset::Dataset;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use thiserror::Error;
use uuid::Uuid;

mod steps;
pub use steps::{SectionLayout, SectionRead};

pub const SECTION_PREFIX: &str = "k2:";
/// No legitimate section inflates beyond this; a larger one is corrupt or hostile.
const MAX_INFLATED: usize = 512 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum DecodeError {
    #[error("unknown section encoding")]
    Prefix,
    #[error("not valid base64")]
    Base64,
    #[error("compressed data is damaged")]
    Inflate,
    #[error("record layout is damaged: {0}")]
    Layout(String),
}

/// Encodes the records of one section (with that section's tombstones).
pub fn encode_section(data: &Dataset, section: Section) -> String {
    pack(&section_bytes(data, section))
}

/// A section's records in their binary layout (postcard), before compression: the quick part
/// of [`encode_section`], which [`pack`] finishes (a backup packs in the files worker).
pub fn section_bytes(data: &Dataset, section: Section) -> Vec<u8> {
    let tombstones = tombstones_of(data, section);
    match section {
        Section::Customers => {
            let mut bytes = to_bytes(&CustomersV2 {
                customers: {
                    let mut updated = Delta::default();
                    data.customers
                        .iter()
                        .map(|c| CustomerV2::new(c, &mut updated))
                        .collect()
                },
                tombstones,
            });
            bytes.extend(to_bytes(&CustomersExtV3::new(&data.customers)));
            bytes
        }
        Section::Orders => to_bytes(&orders_v2(&data.orders, tombstones)),
        Section::Events => to_bytes(&events_v2(&data.events, tombstones)),
        Section::Activities => to_bytes(&activities_v2(&data.activities, tombstones)),
        Section::Desk => to_bytes(&DeskV1::new(&data.desk, tombstones)),
    }
}

/// A section's bytes deflated and written as ASCII text after the format's prefix.
pub fn pack(bytes: &[u8]) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(bytes, 6);
    let mut out = String::with_capacity(SECTION_PREFIX.len() + compressed.len() * 4 / 3 + 4);
    out.push_str(SECTION_PREFIX);
    STANDARD_NO_PAD.encode_string(&compressed, &mut out);
    out
}

/// What [`pack`] wrote, back to the section's bytes (checked: prefix, base64, inflate).
pub fn unpack(text: &str) -> Result<Vec<u8>, DecodeError> {
    let body = text
        .strip_prefix(SECTION_PREFIX)
        .ok_or(DecodeError::Prefix)?;
    let compressed = STANDARD_NO_PAD
        .decode(body.trim_end())
        .map_err(|_| DecodeError::Base64)?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INFLATED)
        .map_err(|_| DecodeError::Inflate)
}

/// About how long [`encode_section`] would be, from every `every`-th customer's records
/// encoded alone and scaled up: a few percent of the work. Records stay grouped by customer as
/// the encoding groups them, so the sample compresses about as the whole does; use it only to
/// refuse what is far beyond a limit.
pub fn estimate_section(data: &Dataset, section: Section, every: usize) -> usize {
    let every = every.max(1);
    let chosen: rustc_hash::FxHashSet<Uuid> =
        data.customers.iter().step_by(every).map(|c| c.id).collect();
    let mut sample = Dataset::default();
    match section {
        Section::Customers => {
            sample.customers = data.customers.iter().step_by(every).cloned().collect()
        }
        Section::Orders => {
            sample.orders = data
                .orders
                .iter()
                .filter(|o| chosen.contains(&o.customer_id))
                .cloned()
                .collect()
        }
        Section::Events => {
            sample.events = data
                .events
                .iter()
                .filter(|e| chosen.contains(&e.customer_id))
                .cloned()
                .collect()
        }
        Section::Activities => {
            sample.activities = data
                .activities
                .iter()
                .filter(|a| chosen.contains(&a.customer_id))
                .cloned()
                .collect()
        }
        // Small (thousands of records at most): encoded whole.
        Section::Desk => return encode_section(data, section).len(),
    }
    encode_section(&sample, section).len() * every
}

/// Decodes one section into `into` (its records and tombstones are appended).
pub fn decode_section(text: &str, section: Section, into: &mut Dataset) -> Result<(), DecodeError> {
    decode_section_bytes(&unpack(text)?, section, into)
}

/// A section's records from its bytes ([`section_bytes`]'s layout) appended to `into`.
pub fn decode_section_bytes(
    bytes: &[u8],
    section: Section,
    into: &mut Dataset,
) -> Result<(), DecodeError> {
    let layout = |e: postcard::Error| DecodeError::Layout(e.to_string());
    let tombstones = match section {
        Section::Customers => {
            let (dto, rest): (CustomersV2, _) = postcard::take_from_bytes(bytes).map_err(layout)?;
            // Format 2 ends here; format 3 appends the extension.
            let ext: CustomersExtV3 = if rest.is_empty() {
                CustomersExtV3::default()
            } else {
                postcard::from_bytes(rest).map_err(layout)?
            };
            let first = into.customers.len();
            let mut updated = Delta::default();
            into.customers.extend(
                dto.customers
                    .into_iter()
                    .map(|c| c.into_customer(&mut updated)),
            );
            ext.apply(&mut into.customers[first..]);
            dto.tombstones
        }
        Section::Orders => {
            let dto: OrdersV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.orders.extend(dto.into_orders()?);
            tombstones
        }
        Section::Events => {
            let dto: EventsV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.events.extend(dto.into_events()?);
            tombstones
        }
        Section::Activities => {
            let dto: ActivitiesV2 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            into.activities.extend(dto.into_activities()?);
            tombstones
        }
        Section::Desk if bytes.is_empty() => return Ok(()),
        Section::Desk => {
            let dto: DeskV1 = postcard::from_bytes(bytes).map_err(layout)?;
            let tombstones = dto.tombstones.clone();
            dto.into_desk(&mut into.desk)?;
            tombstones
        }
    };
    for t in tombstones {
        let t = Tombstone::try_from(t)?;
        into.tombstones.push(t);
    }
    Ok(())
}

/// The canonical order of records, which a decode restores (see [`Dataset::normalize`]).
pub fn normalize(data: &mut Dataset) {
    data.normalize();
}

fn section_of(kind: RecordKind) -> Section {
    match kind {
        RecordKind::Customer => Section::Customers,
        RecordKind::Order => Section::Orders,
        RecordKind::Event => Section::Events,
        RecordKind::Activity => Section::Activities,
        RecordKind::Request
        | RecordKind::Recommendation
        | RecordKind::Campaign
        | RecordKind::Task => Section::Desk,
    }
}

fn tombstones_of(data: &Dataset, section: Section) -> Vec<TombstoneV2> {
    data.tombstones
        .iter()
        .filter(|t| section_of(t.kind) == section)
        .map(TombstoneV2::from)
        .collect()
}

fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs to a Vec cannot fail; an empty section is the safe fallback.
    // Through the same writer as the layout in steps (`steps::put`): one compiled serializer
    // per record type for both.
    postcard::to_extend(value, Vec::new()).unwrap_or_default()
}

/// Interns repeated strings; index 0 means "none".
#[derive(Default)]
struct Dictionary {
    strings: Vec<String>,
    index: HashMap<String, u32>,
    /// The ids of interned strings, so the millions of events of a backup look up a number
    /// instead of hashing their text (the same ids: assigned through `id`).
    syms: rustc_hash::FxHashMap<Sym, u32>,
}

impl Dictionary {
    fn sym(&mut self, s: Option<Sym>) -> u32 {
        let Some(s) = s else { return 0 };
        if let Some(&i) = self.syms.get(&s) {
            return i;
        }
        let i = self.id(Some(s.as_str()));
        self.syms.insert(s, i);
        i
    }

    fn id(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s else { return 0 };
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        self.strings.push(s.to_string());
        let i = self.strings.len() as u32;
        self.index.insert(s.to_string(), i);
        i
    }
}

fn lookup<T: Clone>(strings: &[T], id: u32) -> Result<Option<T>, DecodeError> {
    match id {
        0 => Ok(None),
        i => strings
            .get(i as usize - 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| DecodeError::Layout(format!("string {i} is not in the dictionary"))),
    }
}

fn required<T: Clone>(strings: &[T], id: u32) -> Result<T, DecodeError> {
    lookup(strings, id)?.ok_or_else(|| DecodeError::Layout("a required string is missing".into()))
}

fn day_number(date: Option<NaiveDate>) -> Option<i32> {
    date.map(|d| d.num_days_from_ce())
}

fn from_day_number(n: Option<i32>) -> Option<NaiveDate> {
    n.and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Groups records by customer, keeping the first-seen order of customers and of records.
fn group_by_customer<R>(records: &[R], customer: impl Fn(&R) -> Uuid) -> Vec<(Uuid, Vec<&R>)> {
    let mut position: rustc_hash::FxHashMap<Uuid, usize> = rustc_hash::FxHashMap::default();
    let mut groups: Vec<(Uuid, Vec<&R>)> = Vec::new();
    for r in records {
        let c = customer(r);
        let i = *position.entry(c).or_insert_with(|| {
            groups.push((c, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    groups
}

/// Delta coding against the previous value: runs of equal or close values become small
/// varints (0 for the common case of a whole import written at one time).
#[derive(Default)]
struct Delta(i64);

impl Delta {
    fn encode(&mut self, v: i64) -> i64 {
        let d = v.wrapping_sub(self.0);
        self.0 = v;
        d
    }
    fn decode(&mut self, d: i64) -> i64 {
        self.0 = self.0.wrapping_add(d);
        self.0
    }
}

/// A millisecond time delta split into whole seconds and the rest: most times carry no
/// milliseconds, and a zero remainder is one byte that deflate all but removes.
#[derive(Serialize, Deserialize, Clone, Copy)]
struct Millis(i64, u16);

impl Millis {
    fn split(ms: i64) -> Self {
        Millis(ms.div_euclid(1000), ms.rem_euclid(1000) as u16)
    }
    fn join(self) -> i64 {
        self.0.wrapping_mul(1000).wrapping_add(i64::from(self.1))
    }
}

// ---- frozen DTOs of format 2 ----

#[derive(Serialize, Deserialize, Clone)]
enum KeyV2 {
    Id([u8; 16]),
    Event([u8; 16], String, i64),
}

#[derive(Serialize, Deserialize, Clone)]
struct TombstoneV2 {
    kind: u8,
    key: KeyV2,
    deleted_at: i64,
}

impl From<&Tombstone> for TombstoneV2 {
    fn from(t: &Tombstone) -> Self {
        TombstoneV2 {
            kind: t.kind.code(),
            key: match &t.key {
                RecordKey::Id(id) => KeyV2::Id(id.into_bytes()),
                RecordKey::Event(c, k, at) => KeyV2::Event(c.into_bytes(), k.to_string(), at.0),
            },
            deleted_at: t.deleted_at.0,
        }
    }
}

impl TryFrom<TombstoneV2> for Tombstone {
    type Error = DecodeError;
    fn try_from(t: TombstoneV2) -> Result<Self, DecodeError> {
        let kind = RecordKind::from_code(t.kind)
            .ok_or_else(|| DecodeError::Layout(format!("unknown record kind {}", t.kind)))?;
        let key = match t.key {
            KeyV2::Id(b) => RecordKey::Id(Uuid::from_bytes(b)),
            KeyV2::Event(c, k, at) => {
                RecordKey::Event(Uuid::from_bytes(c), Sym::new(&k), Timestamp(at))
            }
        };
        Ok(Tombstone {
            kind,
            key,
            deleted_at: Timestamp(t.deleted_at),
        })
    }
}

/// What format 3 adds to a customers section, after the [`CustomersV2`] bytes: the
/// manual lifecycle stages, by position in the section.
#[derive(Default, Serialize, Deserialize)]
struct CustomersExtV3 {
    stage_overrides: Vec<(u32, String)>,
}

impl CustomersExtV3 {
    fn new(customers: &[Customer]) -> Self {
        CustomersExtV3 {
            stage_overrides: customers
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i as u32, c.stage_override?.code().to_string())))
                .collect(),
        }
    }

    /// Unknown stage codes (from a newer version) are left out rather than failing the load.
    fn apply(self, customers: &mut [Customer]) {
        for (i, code) in self.stage_overrides {
            if let Some(c) = customers.get_mut(i as usize) {
                c.stage_override = crate::model::Stage::from_code(&code);
            }
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CustomersV2<'a> {
    customers: Vec<CustomerV2<'a>>,
    tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
/// Text borrows from the records when encoding, so a save (or a save attempt that turns out
/// not to fit) does not hold a second copy of every customer's strings.
struct CustomerV2<'a> {
    id: [u8; 16],
    external_id: Option<Cow<'a, str>>,
    name: Cow<'a, str>,
    phone: Option<Cow<'a, str>>,
    email: Option<Cow<'a, str>>,
    gender: u8,
    birthday: Option<i32>,
    province: Option<Cow<'a, str>>,
    city: Option<Cow<'a, str>>,
    channel: Option<Cow<'a, str>>,
    member_level: Option<Cow<'a, str>>,
    points: i64,
    tags: Vec<Cow<'a, str>>,
    owner: Option<Cow<'a, str>>,
    notes: Cow<'a, str>,
    created_at: Millis,
    /// From the previous customer's `updated_at`.
    updated: i64,
}

impl<'a> CustomerV2<'a> {
    fn new(c: &'a Customer, updated: &mut Delta) -> Self {
        CustomerV2 {
            id: c.id.into_bytes(),
            external_id: c.external_id.as_deref().map(Cow::Borrowed),
            name: Cow::Borrowed(&c.name),
            phone: c.phone.as_deref().map(Cow::Borrowed),
            email: c.email.as_deref().map(Cow::Borrowed),
            gender: c.gender.code(),
            birthday: day_number(c.birthday),
            province: c.province.map(Sym::as_str).map(Cow::Borrowed),
            city: c.city.map(Sym::as_str).map(Cow::Borrowed),
            channel: c.channel.map(Sym::as_str).map(Cow::Borrowed),
            member_level: c.member_level.map(Sym::as_str).map(Cow::Borrowed),
            points: c.points,
            tags: c.tags.iter().map(|t| Cow::Borrowed(t.as_str())).collect(),
            owner: c.owner.map(Sym::as_str).map(Cow::Borrowed),
            notes: Cow::Borrowed(&c.notes),
            created_at: Millis::split(c.created_at.0),
            updated: updated.encode(c.updated_at.0),
        }
    }

    fn into_customer(self, updated: &mut Delta) -> Customer {
        let c = self;
        Customer {
            id: Uuid::from_bytes(c.id),
            external_id: c.external_id.map(Cow::into_owned),
            name: c.name.into_owned(),
            phone: c.phone.map(Cow::into_owned),
            email: c.email.map(Cow::into_owned),
            gender: Gender::from_code(c.gender),
            birthday: from_day_number(c.birthday),
            province: c.province.map(|s| Sym::new(&s)),
            city: c.city.map(|s| Sym::new(&s)),
            channel: c.channel.map(|s| Sym::new(&s)),
            member_level: c.member_level.map(|s| Sym::new(&s)),
            points: c.points,
            tags: c.tags.into_iter().map(Cow::into_owned).collect(),
            owner: c.owner.map(|s| Sym::new(&s)),
            notes: c.notes.into_owned(),
            stage_override: None,
            created_at: Timestamp(c.created_at.join()),
            updated_at: Timestamp(updated.decode(c.updated)),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct OrdersV2 {
    strings: Vec<String>,
    groups: Vec<(/* customer */ [u8; 16], Vec<OrderV2>)>,
    tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
struct OrderV2 {
    id: [u8; 16],
    source_order_id: String,
    /// From the previous order of the same customer (from 0 for the first).
    at: Millis,
    amount_cents: i64,
    item_count: u32,
    channel: u32,
    refunded: bool,
    /// From the previous order's `updated_at`.
    updated: i64,
}

impl OrderV2 {
    fn new(o: &Order, dict: &mut Dictionary, at: &mut Delta, updated: &mut Delta) -> Self {
        OrderV2 {
            id: o.id.into_bytes(),
            source_order_id: o.source_order_id.clone(),
            at: Millis::split(at.encode(o.ordered_at.0)),
            amount_cents: o.amount_cents,
            item_count: o.item_count,
            channel: dict.sym(Some(o.channel)),
            refunded: o.status == OrderStatus::Refunded,
            updated: updated.encode(o.updated_at.0),
        }
    }

    fn into_order(
        self,
        customer: [u8; 16],
        strings: &[String],
        time: &mut Delta,
        updated: &mut Delta,
    ) -> Result<Order, DecodeError> {
        let o = self;
        Ok(Order {
            id: Uuid::from_bytes(o.id),
            customer_id: Uuid::from_bytes(customer),
            source_order_id: o.source_order_id,
            ordered_at: Timestamp(time.decode(o.at.join())),
            amount_cents: o.amount_cents,
            item_count: o.item_count,
            channel: Sym::new(&required(strings, o.channel)?),
            status: if o.refunded {
                OrderStatus::Refunded
            } else {
                OrderStatus::Paid
            },
            updated_at: Timestamp(updated.decode(o.updated)),
        })
    }
}

fn orders_v2(orders: &[Order], tombstones: Vec<TombstoneV2>) -> OrdersV2 {
    let mut dict = Dictionary::default();
    let mut updated = Delta::default();
    let groups = group_by_customer(orders, |o| o.customer_id)
        .into_iter()
        .map(|(customer, list)| {
            let mut at = Delta::default();
            let encoded = list
                .into_iter()
                .map(|o| OrderV2::new(o, &mut dict, &mut at, &mut updated))
                .collect();
            (customer.into_bytes(), encoded)
        })
        .collect();
    OrdersV2 {
        strings: dict.strings,
        groups,
        tombstones,
    }
}

impl OrdersV2 {
    fn into_orders(self) -> Result<Vec<Order>, DecodeError> {
        let mut out = Vec::new();
        let mut updated = Delta::default();
        for (customer, list) in self.groups {
            let mut time = Delta::default();
            for o in list {
                out.push(o.into_order(customer, &self.strings, &mut time, &mut updated)?);
            }
        }
        crate::sorting::sort_by_key(&mut out, |o| (o.ordered_at, o.id));
        Ok(out)
    }
}

#[derive(Serialize, Deserialize)]
struct EventsV2 {
    strings: Vec<String>,
    groups: Vec<([u8; 16], Vec<EventV2>)>,
    tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
struct EventV2 {
    kind: u32,
    /// From the previous event of the same customer.
    at: Millis,
    /// From the previous event's `updated_at`.
    updated: i64,
    channel: u32,
    item: u32,
    category: u32,
}

impl EventV2 {
    fn new(e: &Event, dict: &mut Dictionary, at: &mut Delta, updated: &mut Delta) -> Self {
        EventV2 {
            kind: dict.sym(Some(e.kind)),
            at: Millis::split(at.encode(e.occurred_at.0)),
            updated: updated.encode(e.updated_at.0),
            channel: dict.sym(e.props.channel),
            item: dict.sym(e.props.item),
            category: dict.sym(e.props.category),
        }
    }

    fn into_event(
        self,
        customer: [u8; 16],
        syms: &[Sym],
        time: &mut Delta,
        updated: &mut Delta,
    ) -> Result<Event, DecodeError> {
        let e = self;
        Ok(Event {
            customer_id: Uuid::from_bytes(customer),
            kind: required(syms, e.kind)?,
            occurred_at: Timestamp(time.decode(e.at.join())),
            props: EventProps {
                channel: lookup(syms, e.channel)?,
                item: lookup(syms, e.item)?,
                category: lookup(syms, e.category)?,
            },
            updated_at: Timestamp(updated.decode(e.updated)),
        })
    }
}

fn events_v2(events: &[Event], tombstones: Vec<TombstoneV2>) -> EventsV2 {
    let mut dict = Dictionary::default();
    let mut updated = Delta::default();
    let groups = group_by_customer(events, |e| e.customer_id)
        .into_iter()
        .map(|(customer, mut list)| {
            // Within a customer, time order keeps the deltas small and positive.
            crate::sorting::sort_by_key(&mut list, |e| e.occurred_at);
            let mut at = Delta::default();
            let encoded = list
                .into_iter()
                .map(|e| EventV2::new(e, &mut dict, &mut at, &mut updated))
                .collect();
            (customer.into_bytes(), encoded)
        })
        .collect();
    EventsV2 {
        strings: dict.strings,
        groups,
        tombstones,
    }
}

impl EventsV2 {
    fn into_events(self) -> Result<Vec<Event>, DecodeError> {
        let syms: Vec<Sym> = self.strings.iter().map(|s| Sym::new(s)).collect();
        let mut out = Vec::with_capacity(self.groups.iter().map(|(_, l)| l.len()).sum());
        let mut updated = Delta::default();
        for (customer, list) in self.groups {
            let mut time = Delta::default();
            for e in list {
                out.push(e.into_event(customer, &syms, &mut time, &mut updated)?);
            }
        }
        crate::sorting::sort_by(&mut out, |a, b| {
            (a.occurred_at, a.customer_id, &a.kind).cmp(&(b.occurred_at, b.customer_id, &b.kind))
        });
        Ok(out)
    }
}

#[derive(Serialize, Deserialize)]
struct ActivitiesV2 {
    strings: Vec<String>,
    items: Vec<ActivityV2>,
    tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
struct ActivityV2 {
    id: [u8; 16],
    customer: [u8; 16],
    kind: u8,
    at: Millis,
    text: String,
    owner: u32,
    next_follow_up: Option<i32>,
    outcome: Option<String>,
    /// From the previous activity's `updated_at`.
    updated: i64,
}

impl ActivityV2 {
    fn new(a: &Activity, dict: &mut Dictionary, updated: &mut Delta) -> Self {
        ActivityV2 {
            id: a.id.into_bytes(),
            customer: a.customer_id.into_bytes(),
            kind: a.kind.code(),
            at: Millis::split(a.at.0),
            text: a.text.clone(),
            owner: dict.id(a.owner.as_deref()),
            next_follow_up: day_number(a.next_follow_up),
            outcome: a.outcome.clone(),
            updated: updated.encode(a.updated_at.0),
        }
    }

    fn into_activity(
        self,
        strings: &[String],
        updated: &mut Delta,
    ) -> Result<Activity, DecodeError> {
        let a = self;
        Ok(Activity {
            id: Uuid::from_bytes(a.id),
            customer_id: Uuid::from_bytes(a.customer),
            kind: ActivityKind::from_code(a.kind)
                .ok_or_else(|| DecodeError::Layout(format!("unknown activity kind {}", a.kind)))?,
            at: Timestamp(a.at.join()),
            text: a.text,
            owner: lookup(strings, a.owner)?,
            next_follow_up: from_day_number(a.next_follow_up),
            outcome: a.outcome,
            updated_at: Timestamp(updated.decode(a.updated)),
        })
    }
}

fn activities_v2(activities: &[Activity], tombstones: Vec<TombstoneV2>) -> ActivitiesV2 {
    let mut dict = Dictionary::default();
    let mut updated = Delta::default();
    let items = activities
        .iter()
        .map(|a| ActivityV2::new(a, &mut dict, &mut updated))
        .collect();
    ActivitiesV2 {
        strings: dict.strings,
        items,
        tombstones,
    }
}

impl ActivitiesV2 {
    fn into_activities(self) -> Result<Vec<Activity>, DecodeError> {
        let mut updated = Delta::default();
        self.items
            .into_iter()
            .map(|a| a.into_activity(&self.strings, &mut updated))
            .collect()
    }
}

/// The desk's records: few (thousands at most) and already with a JSON form (their shared
/// documents'), so each is that JSON with its kind's code; deflate takes the repetition.
#[derive(Serialize, Deserialize)]
struct DeskV1 {
    items: Vec<(u8, String)>,
    tombstones: Vec<TombstoneV2>,
}

impl DeskV1 {
    fn new(desk: &Desk, tombstones: Vec<TombstoneV2>) -> Self {
        let items = (desk.requests.iter().cloned().map(DeskItem::Request))
            .chain(
                desk.recommendations
                    .iter()
                    .cloned()
                    .map(DeskItem::Recommendation),
            )
            .chain(desk.campaigns.iter().cloned().map(DeskItem::Campaign))
            .chain(desk.tasks.iter().cloned().map(DeskItem::Task))
            .map(|item| (item.kind().code(), item.to_json().to_string()))
            .collect();
        DeskV1 { items, tombstones }
    }

    fn into_desk(self, desk: &mut Desk) -> Result<(), DecodeError> {
        for (code, text) in self.items {
            let kind = RecordKind::from_code(code)
                .ok_or_else(|| DecodeError::Layout(format!("unknown record kind {code}")))?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| DecodeError::Layout(e.to_string()))?;
            let item = DeskItem::from_json(kind, value)
                .ok_or_else(|| DecodeError::Layout(format!("not a desk record kind {code}")))?
                .map_err(|e| DecodeError::Layout(e.to_string()))?;
            desk.push(item);
        }
        Ok(())
    }
}
