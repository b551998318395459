//! The tombstones every section carries (deletions of its records), frozen as format 2 laid
//! them out. Separate: all sections share them.

use super::{DecodeError, Section};
use crate::dataset::Dataset;
use crate::model::*;
use crate::sym::Sym;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(super) fn section_of(kind: RecordKind) -> Section {
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

pub(super) fn tombstones_of(data: &Dataset, section: Section) -> Vec<TombstoneV2> {
    data.tombstones
        .iter()
        .filter(|t| section_of(t.kind) == section)
        .map(TombstoneV2::from)
        .collect()
}

// ---- frozen DTOs of format 2 ----

#[derive(Serialize, Deserialize, Clone)]
pub(super) enum KeyV2 {
    Id([u8; 16]),
    Event([u8; 16], String, i64),
}

#[derive(Serialize, Deserialize, Clone)]
pub(super) struct TombstoneV2 {
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
