//! The activities section's frozen DTOs: one item per activity, owners through the
//! dictionary.

use super::DecodeError;
use super::compact::{Delta, Dictionary, Millis, day_number, from_day_number, lookup};
use super::tombstones::TombstoneV2;
use crate::model::*;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
pub(super) struct ActivitiesV2 {
    strings: Vec<String>,
    items: Vec<ActivityV2>,
    pub(super) tombstones: Vec<TombstoneV2>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct ActivityV2 {
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
    pub(super) fn new(a: &Activity, dict: &mut Dictionary, updated: &mut Delta) -> Self {
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

    pub(super) fn into_activity(
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

pub(super) fn activities_v2(activities: &[Activity], tombstones: Vec<TombstoneV2>) -> ActivitiesV2 {
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
    pub(super) fn into_activities(self) -> Result<Vec<Activity>, DecodeError> {
        let mut updated = Delta::default();
        self.items
            .into_iter()
            .map(|a| a.into_activity(&self.strings, &mut updated))
            .collect()
    }
}
