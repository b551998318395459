//! The customers section's frozen DTOs: format 2's customers (text borrowed while encoding)
//! and format 3's extension (the manual stages) appended after them.

use super::compact::{Delta, Millis, day_number, from_day_number};
use super::tombstones::TombstoneV2;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use uuid::Uuid;

/// What format 3 adds to a customers section, after the [`CustomersV2`] bytes: the
/// manual lifecycle stages, by position in the section.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct CustomersExtV3 {
    stage_overrides: Vec<(u32, String)>,
}

impl CustomersExtV3 {
    pub(super) fn new(customers: &[Customer]) -> Self {
        CustomersExtV3 {
            stage_overrides: customers
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i as u32, c.stage_override?.code().to_string())))
                .collect(),
        }
    }

    /// Unknown stage codes (from a newer version) are left out rather than failing the load.
    pub(super) fn apply(self, customers: &mut [Customer]) {
        for (i, code) in self.stage_overrides {
            if let Some(c) = customers.get_mut(i as usize) {
                c.stage_override = crate::model::Stage::from_code(&code);
            }
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct CustomersV2<'a> {
    pub(super) customers: Vec<CustomerV2<'a>>,
    pub(super) tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
/// Text borrows from the records when encoding, so a save (or a save attempt that turns out
/// not to fit) does not hold a second copy of every customer's strings.
pub(super) struct CustomerV2<'a> {
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
    pub(super) fn new(c: &'a Customer, updated: &mut Delta) -> Self {
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

    pub(super) fn into_customer(self, updated: &mut Delta) -> Customer {
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
            tags: c.tags.iter().map(|t| Sym::new(t)).collect(),
            owner: c.owner.map(|s| Sym::new(&s)),
            notes: c.notes.into_owned(),
            stage_override: None,
            created_at: Timestamp(c.created_at.join()),
            updated_at: Timestamp(updated.decode(c.updated)),
        }
    }
}
