//! The desk section's frozen DTO: each record as its shared document's JSON with its kind's
//! code.

use super::DecodeError;
use super::tombstones::TombstoneV2;
use crate::model::*;
use serde::{Deserialize, Serialize};

/// The desk's records: few (thousands at most) and already with a JSON form (their shared
/// documents'), so each is that JSON with its kind's code; deflate takes the repetition.
#[derive(Serialize, Deserialize)]
pub(super) struct DeskV1 {
    items: Vec<(u8, String)>,
    pub(super) tombstones: Vec<TombstoneV2>,
}

impl DeskV1 {
    pub(super) fn new(desk: &Desk, tombstones: Vec<TombstoneV2>) -> Self {
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

    pub(super) fn into_desk(self, desk: &mut Desk) -> Result<(), DecodeError> {
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
