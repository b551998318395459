//! Conflicts: the rule that picks the winner (the same on every device), closing a conflict
//! (keep the other version, or this one) and the list's view of both versions side by side.

use super::local::local_doc;
use super::pull::add_remote;
use super::{DocKey, Replica, StateStore, SyncState, Syncer};
use crate::dataset::Dataset;
use crate::sync::apply::Incoming;
use crate::sync::couch::{SyncError, Transport};
use crate::sync::doc::{Doc, DocKind, parse_doc_id, read_doc};
use crate::sync::shared::{SharedChange, SharedItem, SharedKind};
use crate::time::Timestamp;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Which of two versions of a record wins, the same on every device: the newer
/// `updated_at`; a deletion wins over versions not newer than it; at equal times the larger
/// content (so no device keeps its own).
pub fn local_wins(local: &Doc, remote: &Doc) -> bool {
    let (lt, rt) = (
        local.updated_at().unwrap_or(Timestamp(i64::MIN)),
        remote.updated_at().unwrap_or(Timestamp(i64::MIN)),
    );
    if local.deleted != remote.deleted {
        return if local.deleted { lt >= rt } else { lt > rt };
    }
    if lt != rt {
        return lt > rt;
    }
    let text = |d: &Doc| Value::Object(d.content()).to_string();
    text(local) > text(remote)
}

/// The note a winning document carries about the version that lost.
pub fn conflict_note(loser: &Doc) -> Value {
    json!({ "deleted": loser.deleted, "doc": Value::Object(loser.content()) })
}

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// "Keep the other one": the version that lost becomes the record (stamped now, so it is
    /// the newest everywhere), and the conflict is closed on every device.
    pub async fn keep_other<R: Replica>(
        &mut self,
        replica: &R,
        doc_id: &str,
        now: Timestamp,
    ) -> Result<bool, SyncError> {
        let Some(note) = self.state.conflicts.get(doc_id).cloned() else {
            return Ok(false);
        };
        let mut body: Map<String, Value> = match &note["doc"] {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        body.insert(
            "updated_at".into(),
            Value::String(crate::sync::doc::format_time(now)),
        );
        if let Some((kind, id)) = SharedKind::of_doc_id(doc_id) {
            // A saved segment, funnel or the settings: the other version becomes the item
            // here (stamped now, so it wins everywhere), and goes up at the next push.
            let deleted = note["deleted"].as_bool().unwrap_or(false);
            let change = SharedChange {
                kind,
                id: id.to_string(),
                item: (!deleted).then(|| SharedItem {
                    kind,
                    id: id.to_string(),
                    body,
                }),
            };
            self.state.conflicts.remove(doc_id);
            replica
                .apply_shared(vec![change])
                .await
                .map_err(SyncError::Local)?;
            self.save_state(&[]).await?;
            return Ok(true);
        }
        let doc = Doc {
            id: doc_id.to_string(),
            rev: None,
            deleted: note["deleted"].as_bool().unwrap_or(false),
            body,
        };
        let Ok(record) = read_doc(&doc, now) else {
            return Ok(false);
        };
        self.state.conflicts.remove(doc_id);
        if let Some((kind, key)) = parse_doc_id(doc_id)
            && let Some(k) = DocKey::of(kind, &key)
        {
            self.state.dirty.insert(k);
        }
        let mut incoming = Incoming::default();
        add_remote(&mut incoming, record);
        replica.apply(incoming).await.map_err(SyncError::Local)?;
        self.save_state(&[]).await?;
        Ok(true)
    }

    /// "Keep this one": the conflict is closed everywhere, the record stays as it is.
    pub async fn dismiss(&mut self, doc_id: &str) -> Result<(), SyncError> {
        self.state.conflicts.remove(doc_id);
        if let Some((kind, key)) = parse_doc_id(doc_id)
            && let Some(k) = DocKey::of(kind, &key)
        {
            self.state.dirty.insert(k);
        }
        self.save_state(&[]).await
    }
}

/// The conflicts of a state, with the current record's (or shared item's) fields beside the
/// other version's.
pub fn conflict_views(d: &Dataset, shared: &[SharedItem], state: &SyncState) -> Vec<ConflictView> {
    let mut out = Vec::new();
    for (doc_id, note) in &state.conflicts {
        let (kind, id, ours) = if let Some((kind, id)) = SharedKind::of_doc_id(doc_id) {
            let ours = shared
                .iter()
                .find(|i| i.kind == kind && i.id == id)
                .map(|i| i.body.clone());
            (ConflictKind::Shared(kind), id.to_string(), ours)
        } else {
            let Some((kind, key)) = parse_doc_id(doc_id) else {
                continue;
            };
            let Some(k) = DocKey::of(kind, &key) else {
                continue;
            };
            let ours = local_doc(d, k, &BTreeMap::new(), None).map(|doc| doc.content());
            (ConflictKind::Record(k.kind), k.id.to_string(), ours)
        };
        let ours = ours.unwrap_or_default();
        let theirs = match &note["doc"] {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let mut names: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
        crate::sorting::sort_by(&mut names, |a, b| a.cmp(b));
        names.dedup();
        let mut fields: Vec<(String, Value, Value)> = names
            .into_iter()
            .filter(|n| n.as_str() != "type")
            .map(|n| {
                (
                    n.clone(),
                    ours.get(n).cloned().unwrap_or(Value::Null),
                    theirs.get(n).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        crate::sorting::sort_by_key(&mut fields, |(_, a, b)| a == b);
        out.push(ConflictView {
            doc_id: doc_id.clone(),
            kind,
            id,
            fields,
            other_deleted: note["deleted"].as_bool().unwrap_or(false),
        });
    }
    out
}

/// What a conflict is about: a record, or a shared item (a saved segment or funnel, the
/// analytics settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    Record(DocKind),
    Shared(SharedKind),
}

impl ConflictKind {
    /// The document type's code (`customer`, `segment`, …).
    pub fn code(self) -> &'static str {
        match self {
            ConflictKind::Record(k) => k.code(),
            ConflictKind::Shared(k) => k.code(),
        }
    }
}

/// Both versions of a conflict, field by field, for the conflict list.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictView {
    pub doc_id: String,
    pub kind: ConflictKind,
    pub id: String,
    /// (field, this device's value, the other version's value), fields that differ first.
    pub fields: Vec<(String, Value, Value)>,
    pub other_deleted: bool,
}
