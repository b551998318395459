//! Keys and values of the record store (record format 1).
//!
//! Keys are the records' ids as bytes (16); a customer's event log is keyed by the customer,
//! a tombstone by the kind and key of what it deletes. A deleted customer's orders and
//! activities are covered by the customer's tombstone (as in a merge) and swept from the
//! store at the next load. Values are one version byte
//! and postcard (varint binary) of a frozen DTO; strings that repeat across records (channels,
//! cities, event types) are written out per record — the store compresses nothing, but a
//! record stays readable on its own, which is what a damaged neighbour needs. Saved segments
//! and funnels are small and already have a JSON form: their value is that JSON.

use super::Kind;
use crate::funnel::SavedFunnel;
use crate::model::Stage;
use crate::model::*;
use crate::segment::saved::SavedSegment;
use crate::sym::Sym;
use crate::time::Timestamp;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use thiserror::Error;
use uuid::Uuid;

/// The first byte of every value.
const VERSION: u8 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RecordCodecError {
    #[error("empty value")]
    Empty,
    #[error("written by a newer version (record format {0})")]
    Newer(u8),
    #[error("the key is damaged")]
    Key,
    #[error("the value is damaged: {0}")]
    Value(String),
}

/// A record read back.
#[derive(Clone, Debug, PartialEq)]
pub enum Decoded {
    Customer(Customer),
    Order(Order),
    Events(Vec<Event>),
    Activity(Activity),
    Tombstone(Tombstone),
    Segment(SavedSegment),
    Funnel(SavedFunnel),
    Desk(DeskItem),
}

type Text<'a> = Cow<'a, str>;

#[derive(Serialize, Deserialize)]
struct CustomerR1<'a> {
    external_id: Option<Text<'a>>,
    name: Text<'a>,
    phone: Option<Text<'a>>,
    email: Option<Text<'a>>,
    gender: u8,
    birthday: Option<i32>,
    province: Option<Text<'a>>,
    city: Option<Text<'a>>,
    channel: Option<Text<'a>>,
    member_level: Option<Text<'a>>,
    points: i64,
    tags: Vec<Text<'a>>,
    owner: Option<Text<'a>>,
    notes: Text<'a>,
    /// A manual lifecycle stage by code; an unknown code (a newer version's) reads as none.
    stage: Option<Text<'a>>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Serialize, Deserialize)]
struct OrderR1<'a> {
    customer: [u8; 16],
    source_order_id: Text<'a>,
    ordered_at: i64,
    amount_cents: i64,
    item_count: u32,
    channel: Text<'a>,
    /// 0 paid, 1 refunded.
    status: u8,
    updated_at: i64,
}

#[derive(Serialize, Deserialize)]
struct ActivityR1<'a> {
    customer: [u8; 16],
    kind: u8,
    at: i64,
    text: Text<'a>,
    owner: Option<Text<'a>>,
    next_follow_up: Option<i32>,
    outcome: Option<Text<'a>>,
    updated_at: i64,
}

/// A customer's events: the strings once, each event as indices and time deltas.
#[derive(Serialize, Deserialize)]
struct EventLogR1<'a> {
    strings: Vec<Text<'a>>,
    /// (type, occurred_at − previous occurred_at, channel, item, category, updated_at −
    /// previous updated_at); string indices are 1-based, 0 is "none".
    events: Vec<(u32, i64, u32, u32, u32, i64)>,
}

fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

fn date(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days)
}

fn sym_text(s: Option<Sym>) -> Option<Text<'static>> {
    s.map(|s| Cow::Borrowed(s.as_str()))
}

fn text_sym(s: Option<Text<'_>>) -> Option<Sym> {
    s.map(|s| Sym::new(&s))
}

fn to_value<T: Serialize>(dto: &T) -> Vec<u8> {
    let mut out = vec![VERSION];
    // Serialising these DTOs into a Vec cannot fail (no maps with non-string keys, no
    // unsupported types); an empty value would be reported as damaged on read.
    if let Ok(bytes) = postcard::to_allocvec(dto) {
        out.extend(bytes);
    }
    out
}

fn body(value: &[u8]) -> Result<&[u8], RecordCodecError> {
    match value.split_first() {
        None => Err(RecordCodecError::Empty),
        Some((&VERSION, rest)) => Ok(rest),
        Some((&v, _)) => Err(RecordCodecError::Newer(v)),
    }
}

fn from_body<'a, T: Deserialize<'a>>(value: &'a [u8]) -> Result<T, RecordCodecError> {
    let (dto, rest) = postcard::take_from_bytes(body(value)?)
        .map_err(|e| RecordCodecError::Value(e.to_string()))?;
    if !rest.is_empty() {
        return Err(RecordCodecError::Value("trailing bytes".into()));
    }
    Ok(dto)
}

fn uuid_at(key: &[u8], at: usize) -> Result<Uuid, RecordCodecError> {
    key.get(at..at + 16)
        .and_then(|b| Uuid::from_slice(b).ok())
        .ok_or(RecordCodecError::Key)
}

pub fn key_of_customer(id: Uuid) -> Vec<u8> {
    id.as_bytes().to_vec()
}

pub fn encode_customer(c: &Customer) -> (Vec<u8>, Vec<u8>) {
    let dto = CustomerR1 {
        external_id: c.external_id.as_deref().map(Cow::Borrowed),
        name: Cow::Borrowed(&c.name),
        phone: c.phone.as_deref().map(Cow::Borrowed),
        email: c.email.as_deref().map(Cow::Borrowed),
        gender: c.gender.code(),
        birthday: c.birthday.map(days),
        province: sym_text(c.province),
        city: sym_text(c.city),
        channel: sym_text(c.channel),
        member_level: sym_text(c.member_level),
        points: c.points,
        tags: c.tags.iter().map(|t| Cow::Borrowed(t.as_str())).collect(),
        owner: sym_text(c.owner),
        notes: Cow::Borrowed(&c.notes),
        stage: c.stage_override.map(|s| Cow::Borrowed(s.code())),
        created_at: c.created_at.0,
        updated_at: c.updated_at.0,
    };
    (key_of_customer(c.id), to_value(&dto))
}

fn decode_customer(key: &[u8], value: &[u8]) -> Result<Customer, RecordCodecError> {
    let d: CustomerR1 = from_body(value)?;
    Ok(Customer {
        id: uuid_at(key, 0)?,
        external_id: d.external_id.map(Cow::into_owned),
        name: d.name.into_owned(),
        phone: d.phone.map(Cow::into_owned),
        email: d.email.map(Cow::into_owned),
        gender: Gender::from_code(d.gender),
        birthday: d.birthday.and_then(date),
        province: text_sym(d.province),
        city: text_sym(d.city),
        channel: text_sym(d.channel),
        member_level: text_sym(d.member_level),
        points: d.points,
        tags: d.tags.iter().map(|t| crate::Sym::new(t)).collect(),
        owner: text_sym(d.owner),
        notes: d.notes.into_owned(),
        stage_override: d.stage.as_deref().and_then(Stage::from_code),
        created_at: Timestamp(d.created_at),
        updated_at: Timestamp(d.updated_at),
    })
}

pub fn encode_order(o: &Order) -> (Vec<u8>, Vec<u8>) {
    let dto = OrderR1 {
        customer: *o.customer_id.as_bytes(),
        source_order_id: Cow::Borrowed(&o.source_order_id),
        ordered_at: o.ordered_at.0,
        amount_cents: o.amount_cents,
        item_count: o.item_count,
        channel: Cow::Borrowed(o.channel.as_str()),
        status: match o.status {
            OrderStatus::Paid => 0,
            OrderStatus::Refunded => 1,
        },
        updated_at: o.updated_at.0,
    };
    (o.id.as_bytes().to_vec(), to_value(&dto))
}

fn decode_order(key: &[u8], value: &[u8]) -> Result<Order, RecordCodecError> {
    let d: OrderR1 = from_body(value)?;
    Ok(Order {
        id: uuid_at(key, 0)?,
        customer_id: Uuid::from_bytes(d.customer),
        source_order_id: d.source_order_id.into_owned(),
        ordered_at: Timestamp(d.ordered_at),
        amount_cents: d.amount_cents,
        item_count: d.item_count,
        channel: Sym::new(&d.channel),
        status: match d.status {
            0 => OrderStatus::Paid,
            1 => OrderStatus::Refunded,
            s => return Err(RecordCodecError::Value(format!("order status {s}"))),
        },
        updated_at: Timestamp(d.updated_at),
    })
}

pub fn encode_activity(a: &Activity) -> (Vec<u8>, Vec<u8>) {
    let dto = ActivityR1 {
        customer: *a.customer_id.as_bytes(),
        kind: a.kind.code(),
        at: a.at.0,
        text: Cow::Borrowed(&a.text),
        owner: a.owner.as_deref().map(Cow::Borrowed),
        next_follow_up: a.next_follow_up.map(days),
        outcome: a.outcome.as_deref().map(Cow::Borrowed),
        updated_at: a.updated_at.0,
    };
    (a.id.as_bytes().to_vec(), to_value(&dto))
}

fn decode_activity(key: &[u8], value: &[u8]) -> Result<Activity, RecordCodecError> {
    let d: ActivityR1 = from_body(value)?;
    Ok(Activity {
        id: uuid_at(key, 0)?,
        customer_id: Uuid::from_bytes(d.customer),
        kind: ActivityKind::from_code(d.kind)
            .ok_or_else(|| RecordCodecError::Value(format!("activity kind {}", d.kind)))?,
        at: Timestamp(d.at),
        text: d.text.into_owned(),
        owner: d.owner.map(Cow::into_owned),
        next_follow_up: d.next_follow_up.and_then(date),
        outcome: d.outcome.map(Cow::into_owned),
        updated_at: Timestamp(d.updated_at),
    })
}

/// One customer's events (all of them: the log is rewritten whole).
pub fn encode_event_log<E: std::borrow::Borrow<Event>>(
    customer: Uuid,
    events: &[E],
) -> (Vec<u8>, Vec<u8>) {
    let mut strings: Vec<Text> = Vec::new();
    let mut index: Vec<(Sym, u32)> = Vec::new();
    let mut intern = |s: Option<Sym>| -> u32 {
        let Some(s) = s else { return 0 };
        if let Some((_, i)) = index.iter().find(|(x, _)| *x == s) {
            return *i;
        }
        strings.push(Cow::Borrowed(s.as_str()));
        let i = strings.len() as u32;
        index.push((s, i));
        i
    };
    let (mut prev_at, mut prev_updated) = (0i64, 0i64);
    let rows = events
        .iter()
        .map(|e| {
            let e: &Event = e.borrow();
            let row = (
                intern(Some(e.kind)),
                e.occurred_at.0 - prev_at,
                intern(e.props.channel),
                intern(e.props.item),
                intern(e.props.category),
                e.updated_at.0 - prev_updated,
            );
            prev_at = e.occurred_at.0;
            prev_updated = e.updated_at.0;
            row
        })
        .collect();
    let dto = EventLogR1 {
        strings,
        events: rows,
    };
    (key_of_customer(customer), to_value(&dto))
}

/// How many events a stored event log holds, read from its header without decoding them
/// (0 for a damaged one).
pub fn event_log_len(value: &[u8]) -> usize {
    // postcard: the strings (a length, then each as a length and bytes), then the events'
    // count.
    fn varint(bytes: &[u8], at: &mut usize) -> Option<usize> {
        let mut n: usize = 0;
        for shift in (0..64).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    let count = || -> Option<usize> {
        let body = body(value).ok()?;
        let mut at = 0;
        let strings = varint(body, &mut at)?;
        for _ in 0..strings {
            let len = varint(body, &mut at)?;
            at = at.checked_add(len)?;
        }
        varint(body, &mut at)
    };
    count().unwrap_or(0)
}

fn decode_event_log(key: &[u8], value: &[u8]) -> Result<Vec<Event>, RecordCodecError> {
    let mut out = Vec::new();
    decode_event_log_into(key, value, &mut out)?;
    Ok(out)
}

/// Decodes a stored event log onto the end of `out` (a load decodes 2.55 M events into one
/// vector of exact capacity); on error `out` is as it was. Reads the postcard form of
/// [`EventLogR1`] directly: through serde, every log went into a vector of rows, then one of
/// events, then was copied — half of a 100k load's decoding.
pub fn decode_event_log_into(
    key: &[u8],
    value: &[u8],
    out: &mut Vec<Event>,
) -> Result<(), RecordCodecError> {
    let customer_id = uuid_at(key, 0)?;
    let bytes = body(value)?;
    let start = out.len();
    let result = read_event_log(customer_id, bytes, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn read_event_log(
    customer_id: Uuid,
    bytes: &[u8],
    out: &mut Vec<Event>,
) -> Result<(), RecordCodecError> {
    let damaged = |what: &str| RecordCodecError::Value(what.to_string());
    let mut at = 0;
    // postcard's varints: at most ⌈bits / 7⌉ bytes, the last one within the type.
    let varint = |at: &mut usize, bits: u32| -> Result<u64, RecordCodecError> {
        let max = bits.div_ceil(7);
        let mut n: u64 = 0;
        for i in 0..max {
            let b = *bytes.get(*at).ok_or_else(|| damaged("cut short"))?;
            *at += 1;
            n |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i == max - 1 && u32::from(b) >= 1 << (bits - 7 * i) {
                    break;
                }
                return Ok(n);
            }
        }
        Err(damaged("bad varint"))
    };
    let length = |at: &mut usize| -> Result<usize, RecordCodecError> {
        usize::try_from(varint(at, usize::BITS)?).map_err(|_| damaged("bad varint"))
    };
    let small = |at: &mut usize| -> Result<u32, RecordCodecError> {
        u32::try_from(varint(at, 32)?).map_err(|_| damaged("bad varint"))
    };
    let zigzag = |at: &mut usize| -> Result<i64, RecordCodecError> {
        let n = varint(at, 64)?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    };
    let strings = length(&mut at)?;
    let mut syms: Vec<Sym> = Vec::with_capacity(strings.min(64));
    for _ in 0..strings {
        let len = length(&mut at)?;
        let end = at
            .checked_add(len)
            .ok_or_else(|| damaged("string length"))?;
        let text = bytes.get(at..end).ok_or_else(|| damaged("cut short"))?;
        let text = std::str::from_utf8(text).map_err(|_| damaged("not UTF-8"))?;
        syms.push(Sym::new(text));
        at = end;
    }
    let sym = |i: u32| -> Result<Option<Sym>, RecordCodecError> {
        match i {
            0 => Ok(None),
            i => syms
                .get(i as usize - 1)
                .copied()
                .map(Some)
                .ok_or_else(|| RecordCodecError::Value(format!("string {i}"))),
        }
    };
    let count = length(&mut at)?;
    // Never more events than bytes left: a damaged count reserves nothing absurd.
    out.reserve(count.min(bytes.len() - at));
    let (mut occurred, mut updated) = (0i64, 0i64);
    for _ in 0..count {
        let kind = small(&mut at)?;
        occurred = occurred.wrapping_add(zigzag(&mut at)?);
        let channel = small(&mut at)?;
        let item = small(&mut at)?;
        let category = small(&mut at)?;
        updated = updated.wrapping_add(zigzag(&mut at)?);
        out.push(Event {
            customer_id,
            kind: sym(kind)?.ok_or_else(|| damaged("event type"))?,
            occurred_at: Timestamp(occurred),
            props: EventProps {
                channel: sym(channel)?,
                item: sym(item)?,
                category: sym(category)?,
            },
            updated_at: Timestamp(updated),
        });
    }
    if at != bytes.len() {
        return Err(damaged("trailing bytes"));
    }
    Ok(())
}

pub fn tombstone_key(kind: RecordKind, key: &RecordKey) -> Vec<u8> {
    let mut out = vec![kind.code()];
    match key {
        RecordKey::Id(id) => {
            out.push(0);
            out.extend_from_slice(id.as_bytes());
        }
        RecordKey::Event(customer, kind, at) => {
            out.push(1);
            out.extend_from_slice(customer.as_bytes());
            out.extend_from_slice(&at.0.to_be_bytes());
            out.extend_from_slice(kind.as_str().as_bytes());
        }
    }
    out
}

pub fn encode_tombstone(t: &Tombstone) -> (Vec<u8>, Vec<u8>) {
    (tombstone_key(t.kind, &t.key), to_value(&t.deleted_at.0))
}

fn decode_tombstone(key: &[u8], value: &[u8]) -> Result<Tombstone, RecordCodecError> {
    let deleted_at: i64 = from_body(value)?;
    let kind = key
        .first()
        .and_then(|&code| RecordKind::from_code(code))
        .ok_or(RecordCodecError::Key)?;
    let record_key = match key.get(1) {
        Some(0) if key.len() == 18 => RecordKey::Id(uuid_at(key, 2)?),
        Some(1) if key.len() >= 26 => {
            let customer = uuid_at(key, 2)?;
            let at: [u8; 8] = key[18..26].try_into().map_err(|_| RecordCodecError::Key)?;
            let name = std::str::from_utf8(&key[26..]).map_err(|_| RecordCodecError::Key)?;
            RecordKey::Event(customer, Sym::new(name), Timestamp(i64::from_be_bytes(at)))
        }
        _ => return Err(RecordCodecError::Key),
    };
    Ok(Tombstone {
        kind,
        key: record_key,
        deleted_at: Timestamp(deleted_at),
    })
}

fn encode_json<T: Serialize>(id: &str, item: &T) -> (Vec<u8>, Vec<u8>) {
    let mut value = vec![VERSION];
    // Serialising these plain structs to JSON cannot fail.
    value.extend(serde_json::to_vec(item).unwrap_or_default());
    (id.as_bytes().to_vec(), value)
}

pub fn encode_segment(s: &SavedSegment) -> (Vec<u8>, Vec<u8>) {
    encode_json(&s.id, s)
}

pub fn encode_funnel(f: &SavedFunnel) -> (Vec<u8>, Vec<u8>) {
    encode_json(&f.id, f)
}

/// A desk record: its id as the key, its JSON (its shared document's form) as the value.
pub fn encode_desk<T: DeskRecord>(item: &T) -> (Vec<u8>, Vec<u8>) {
    let mut value = vec![VERSION];
    // Plain structs of strings and numbers: serialising cannot fail.
    value.extend(serde_json::to_vec(item).unwrap_or_default());
    (item.id().as_bytes().to_vec(), value)
}

fn decode_desk(kind: RecordKind, key: &[u8], value: &[u8]) -> Result<DeskItem, RecordCodecError> {
    let json: serde_json::Value = decode_json(value)?;
    let item = DeskItem::from_json(kind, json)
        .ok_or(RecordCodecError::Key)?
        .map_err(|e| RecordCodecError::Value(e.to_string()))?;
    if item.id().as_bytes()[..] != *key {
        return Err(RecordCodecError::Key);
    }
    Ok(item)
}

fn decode_json<T: serde::de::DeserializeOwned>(value: &[u8]) -> Result<T, RecordCodecError> {
    serde_json::from_slice(body(value)?).map_err(|e| RecordCodecError::Value(e.to_string()))
}

/// Reads one stored record of the given collection.
pub fn decode_value(kind: Kind, key: &[u8], value: &[u8]) -> Result<Decoded, RecordCodecError> {
    Ok(match kind {
        Kind::Customer => Decoded::Customer(decode_customer(key, value)?),
        Kind::Order => Decoded::Order(decode_order(key, value)?),
        Kind::EventLog => Decoded::Events(decode_event_log(key, value)?),
        Kind::Activity => Decoded::Activity(decode_activity(key, value)?),
        Kind::Tombstone => Decoded::Tombstone(decode_tombstone(key, value)?),
        Kind::Segment => Decoded::Segment(decode_json(value)?),
        Kind::Funnel => Decoded::Funnel(decode_json(value)?),
        Kind::Request | Kind::Recommendation | Kind::Campaign | Kind::Task => {
            let record_kind = kind.desk_kind().ok_or(RecordCodecError::Key)?;
            Decoded::Desk(decode_desk(record_kind, key, value)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funnel_stored_before_optional_steps_and_exclusions_still_reads() {
        // The bytes an earlier version stored: the version byte, then the JSON.
        let old = r#"{"id":"f1","name":"购买","definition":{"steps":[{"event":"visit"},{"event":"pay","filters":[{"field":"item","value":"SKU1"}]}],"window":{"value":3,"unit":"day"},"mode":"strict","range":null},"updated_at":9}"#;
        let mut value = vec![VERSION];
        value.extend_from_slice(old.as_bytes());
        let Ok(Decoded::Funnel(f)) = decode_value(Kind::Funnel, b"f1", &value) else {
            panic!("an old funnel record must decode");
        };
        assert_eq!(f.definition.steps.len(), 2);
        assert!(f.definition.steps.iter().all(|s| !s.optional));
        assert!(f.definition.exclusions.is_empty());
        // Stored again unchanged, it is byte for byte what it was.
        assert_eq!(encode_funnel(&f).1, value);
        // A funnel with the new fields round-trips.
        let mut new = f;
        new.definition.mode = crate::funnel::OrderMode::Sequential;
        new.definition
            .steps
            .insert(1, crate::funnel::Step::new("view").optional());
        new.definition
            .exclusions
            .push(crate::funnel::Exclusion::new("refund", 0, 2));
        let (key, value) = encode_funnel(&new);
        assert!(
            matches!(decode_value(Kind::Funnel, &key, &value), Ok(Decoded::Funnel(f)) if f == new)
        );
    }

    #[test]
    fn an_event_log_says_how_many_events_it_holds() {
        let customer = Uuid::from_u128(7);
        let events: Vec<Event> = (0..300)
            .map(|i| Event {
                customer_id: customer,
                kind: Sym::new(["visit", "view", "pay"][i % 3]),
                occurred_at: Timestamp(1_700_000_000_000 + i as i64 * 1000),
                props: EventProps {
                    channel: Some(Sym::new("tmall")),
                    item: Some(Sym::new(&format!("item-{}", i % 40))),
                    category: None,
                },
                updated_at: Timestamp(5),
            })
            .collect();
        let refs: Vec<&Event> = events.iter().collect();
        let (key, value) = encode_event_log(customer, &refs);
        assert_eq!(event_log_len(&value), 300);
        assert_eq!(decode_event_log(&key, &value).map(|e| e.len()), Ok(300));
        assert_eq!(
            event_log_len(&value[..5]),
            0,
            "a damaged log counts as empty"
        );
        assert_eq!(event_log_len(&[]), 0);
    }

    /// The reference: the log read through serde, as the format defines it.
    fn through_serde(key: &[u8], value: &[u8]) -> Result<Vec<Event>, RecordCodecError> {
        let customer_id = uuid_at(key, 0)?;
        let d: EventLogR1 = from_body(value)?;
        let syms: Vec<Sym> = d.strings.iter().map(|s| Sym::new(s)).collect();
        let sym = |i: u32| match i {
            0 => Ok(None),
            i => syms
                .get(i as usize - 1)
                .copied()
                .map(Some)
                .ok_or_else(|| RecordCodecError::Value(format!("string {i}"))),
        };
        let (mut at, mut updated) = (0i64, 0i64);
        d.events
            .into_iter()
            .map(|(kind, d_at, ch, item, cat, d_updated)| {
                at = at.wrapping_add(d_at);
                updated = updated.wrapping_add(d_updated);
                Ok(Event {
                    customer_id,
                    kind: sym(kind)?.ok_or_else(|| RecordCodecError::Value("type".into()))?,
                    occurred_at: Timestamp(at),
                    props: EventProps {
                        channel: sym(ch)?,
                        item: sym(item)?,
                        category: sym(cat)?,
                    },
                    updated_at: Timestamp(updated),
                })
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn the_direct_decoder_reads_what_serde_reads(
            rows in proptest::collection::vec(
                (0usize..4, -5_000_000_000_000i64..5_000_000_000_000, proptest::option::of(0usize..3),
                 proptest::option::of(0usize..50), -1_000_000i64..1_000_000_000_000),
                0..60),
            cut in 0usize..400,
            flip in proptest::option::of((0usize..400, 0u8..=255)),
        ) {
            let customer = Uuid::from_u128(42);
            let events: Vec<Event> = rows
                .iter()
                .map(|&(kind, at, channel, item, updated)| Event {
                    customer_id: customer,
                    kind: Sym::new(["visit", "view", "加购", "pay"][kind]),
                    occurred_at: Timestamp(at),
                    props: EventProps {
                        channel: channel.map(|c| Sym::new(["tmall", "jd", "小程序"][c])),
                        item: item.map(|i| Sym::new(&format!("item-{i}"))),
                        category: None,
                    },
                    updated_at: Timestamp(updated),
                })
                .collect();
            let refs: Vec<&Event> = events.iter().collect();
            let (key, value) = encode_event_log(customer, &refs);
            proptest::prop_assert_eq!(decode_event_log(&key, &value), Ok(events));
            // Damaged values: cut short or with a byte changed, both readers refuse the
            // same ones (the messages may differ) or read the same events.
            let mut damaged = value.clone();
            damaged.truncate(value.len().saturating_sub(cut % (value.len() + 1)));
            if let Some((at, byte)) = flip
                && let Some(b) = damaged.get_mut(at)
            {
                *b = byte;
            }
            let mut out = vec![];
            let direct = decode_event_log_into(&key, &damaged, &mut out);
            match through_serde(&key, &damaged) {
                Ok(expected) => proptest::prop_assert_eq!(out, expected),
                Err(_) => {
                    proptest::prop_assert!(direct.is_err());
                    proptest::prop_assert!(out.is_empty(), "nothing left behind");
                }
            }
        }
    }
}
