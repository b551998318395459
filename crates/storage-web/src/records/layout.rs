//! How a group and the meta are laid out as the JS values IndexedDB stores, read back and
//! written: the format, apart from the transactions that move it.

use super::{BYTES, EVENTS};
use js_sys::{Object, Reflect, Uint8Array};
use kezhi_core::store::records::group::decode_group;
use kezhi_core::store::records::{Kind, Meta, StoredRecord};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// A group as stored: its records (sorted by key) and the bytes of damaged groups kept in it.
#[derive(Default)]
pub(super) struct Group {
    pub(super) records: Vec<StoredRecord>,
    pub(super) damaged: Vec<Vec<u8>>,
    /// Bytes of the records as read (0 when the group's bytes were damaged).
    pub(super) read_len: usize,
}

/// Bytes from a typed array, or from an ArrayBuffer (what IndexedDB gives back for keys).
fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    v.dyn_ref::<js_sys::ArrayBuffer>()
        .map(|b| Uint8Array::new(b).to_vec())
}

fn get(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads a stored group value; bytes that are not a group (damaged, or written by someone
/// else) are kept as damaged, never dropped.
pub(super) fn group_from(value: &JsValue) -> Group {
    let mut group = Group::default();
    if !value.is_object() || value.is_instance_of::<Uint8Array>() {
        // Not a group object at all: keep whatever it is, as bytes or as its text.
        group.damaged.push(raw_bytes(value));
        return group;
    }
    let v = get(value, "v");
    let bytes = bytes_of(&v);
    match bytes.as_deref().and_then(decode_group) {
        Some(records) => {
            group.records = records;
            group.read_len = bytes.map_or(0, |b| b.len());
        }
        None => group.damaged.push(raw_bytes(&v)),
    }
    if let Some(list) = get(value, "d").dyn_ref::<js_sys::Array>() {
        group.damaged.extend(list.iter().map(|d| raw_bytes(&d)));
    }
    group
}

fn raw_bytes(v: &JsValue) -> Vec<u8> {
    bytes_of(v)
        .or_else(|| v.as_string().map(String::into_bytes))
        .unwrap_or_else(|| format!("{v:?}").into_bytes())
}

/// Bytes a group takes: its key, its records' bytes, the damaged bytes kept with it.
pub(super) fn group_bytes(encoded: usize, group: &Group) -> f64 {
    (2 + encoded + group.damaged.iter().map(Vec::len).sum::<usize>()) as f64
}

pub(super) fn group_object(group: &Group, encoded: &[u8]) -> Object {
    let o = Object::new();
    let top = group.records.iter().map(|r| r.seq).max().unwrap_or(0);
    // Setting own properties on a fresh object cannot fail.
    let _ = Reflect::set(&o, &JsValue::from_str("s"), &JsValue::from_f64(top as f64));
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("n"),
        &JsValue::from_f64(group.records.len() as f64),
    );
    let _ = Reflect::set(&o, &JsValue::from_str("v"), &Uint8Array::from(encoded));
    if !group.damaged.is_empty() {
        let list: js_sys::Array = group
            .damaged
            .iter()
            .map(|d| JsValue::from(Uint8Array::from(d.as_slice())))
            .collect();
        let _ = Reflect::set(&o, &JsValue::from_str("d"), &list);
    }
    o
}

/// The records of a group as a reader sees them: the damaged bytes first (under the group's
/// own key, which no record has), then the records.
pub(super) fn records_of(key: [u8; 2], group: Group) -> impl Iterator<Item = StoredRecord> {
    group
        .damaged
        .into_iter()
        .map(move |value| StoredRecord {
            key: key.to_vec(),
            seq: 0,
            value,
        })
        .chain(group.records)
}

pub(super) fn key_js(key: &[u8]) -> JsValue {
    Uint8Array::from(key).into()
}

pub(super) fn group_key_of(value: &JsValue) -> Option<[u8; 2]> {
    bytes_of(value).and_then(|b| b.try_into().ok())
}

/// The meta, and the number of records of each collection (and `bytes`, of all of them).
pub(super) fn meta_and_counts(value: Option<JsValue>) -> (Meta, BTreeMap<String, f64>) {
    let Some(v) = value.filter(|v| v.is_object()) else {
        return (Meta::default(), BTreeMap::new());
    };
    let mut counts = BTreeMap::new();
    let c = get(&v, "counts");
    for name in Kind::ALL.iter().map(|k| k.name()).chain([BYTES, EVENTS]) {
        if let Some(n) = get(&c, name).as_f64() {
            counts.insert(name.to_string(), n);
        }
    }
    let meta = Meta {
        seq: Reflect::get(&v, &JsValue::from_str("seq"))
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u64,
        dataset: Reflect::get(&v, &JsValue::from_str("dataset"))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default(),
    };
    (meta, counts)
}

pub(super) fn meta_object(meta: &Meta, counts: &BTreeMap<String, f64>) -> Object {
    let o = Object::new();
    let number = |n: f64| JsValue::from_f64(n);
    let _ = Reflect::set(&o, &JsValue::from_str("seq"), &number(meta.seq as f64));
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("dataset"),
        &JsValue::from_str(&meta.dataset),
    );
    let c = Object::new();
    for (name, n) in counts {
        let _ = Reflect::set(&c, &JsValue::from_str(name), &number(*n));
    }
    let _ = Reflect::set(&o, &JsValue::from_str("counts"), &c);
    o
}
