//! The shared tools of the compact layout: a dictionary of repeated strings, delta coding,
//! times split into seconds and milliseconds, dates as day numbers, records grouped by
//! customer. Separate from the sections' DTOs, which all build on them.

use super::DecodeError;
use crate::sym::Sym;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Interns repeated strings; index 0 means "none".
#[derive(Default)]
pub(super) struct Dictionary {
    pub(super) strings: Vec<String>,
    index: HashMap<String, u32>,
    /// The ids of interned strings, so the millions of events of a backup look up a number
    /// instead of hashing their text (the same ids: assigned through `id`).
    syms: rustc_hash::FxHashMap<Sym, u32>,
}

impl Dictionary {
    pub(super) fn sym(&mut self, s: Option<Sym>) -> u32 {
        let Some(s) = s else { return 0 };
        if let Some(&i) = self.syms.get(&s) {
            return i;
        }
        let i = self.id(Some(s.as_str()));
        self.syms.insert(s, i);
        i
    }

    pub(super) fn id(&mut self, s: Option<&str>) -> u32 {
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

pub(super) fn lookup<T: Clone>(strings: &[T], id: u32) -> Result<Option<T>, DecodeError> {
    match id {
        0 => Ok(None),
        i => strings
            .get(i as usize - 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| DecodeError::Layout(format!("string {i} is not in the dictionary"))),
    }
}

pub(super) fn required<T: Clone>(strings: &[T], id: u32) -> Result<T, DecodeError> {
    lookup(strings, id)?.ok_or_else(|| DecodeError::Layout("a required string is missing".into()))
}

pub(super) fn day_number(date: Option<NaiveDate>) -> Option<i32> {
    date.map(|d| d.num_days_from_ce())
}

pub(super) fn from_day_number(n: Option<i32>) -> Option<NaiveDate> {
    n.and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Groups records by customer, keeping the first-seen order of customers and of records.
pub(super) fn group_by_customer<R>(
    records: &[R],
    customer: impl Fn(&R) -> Uuid,
) -> Vec<(Uuid, Vec<&R>)> {
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
pub(super) struct Delta(i64);

impl Delta {
    pub(super) fn encode(&mut self, v: i64) -> i64 {
        let d = v.wrapping_sub(self.0);
        self.0 = v;
        d
    }
    pub(super) fn decode(&mut self, d: i64) -> i64 {
        self.0 = self.0.wrapping_add(d);
        self.0
    }
}

/// A millisecond time delta split into whole seconds and the rest: most times carry no
/// milliseconds, and a zero remainder is one byte that deflate all but removes.
#[derive(Serialize, Deserialize, Clone, Copy)]
pub(super) struct Millis(i64, u16);

impl Millis {
    pub(super) fn split(ms: i64) -> Self {
        Millis(ms.div_euclid(1000), ms.rem_euclid(1000) as u16)
    }
    pub(super) fn join(self) -> i64 {
        self.0.wrapping_mul(1000).wrapping_add(i64::from(self.1))
    }
}
