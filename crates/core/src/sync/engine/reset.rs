//! Starting over: forgetting this device's sync state, and deleting every kezhi document on the
//! server (what "reset, also on the server" does).

use super::{BATCH, StateStore, SyncState, Syncer};
use crate::sync::couch::{BulkResult, SyncError, Transport};
use crate::sync::doc::{Doc, DocKind, parse_doc_id};
use crate::time::Timestamp;
use serde_json::{Map, Value};

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// Deletes every kezhi document on the server (CouchDB deletions stamped `now`, so every
    /// device that syncs deletes them too), and forgets this device's sync state: what "reset,
    /// also on the server" does before the local data is cleared.
    pub async fn delete_remote_all(&mut self, now: Timestamp) -> Result<usize, SyncError> {
        let stamp = crate::sync::doc::format_time(now);
        let mut after: Option<String> = None;
        let mut deleted = 0;
        loop {
            let page = self.client.ids_page(after.as_deref(), BATCH).await?;
            let Some((last, _)) = page.last() else { break };
            after = Some(last.clone());
            let docs: Vec<Doc> = page
                .into_iter()
                .filter_map(|(id, rev)| {
                    let (kind, _) = parse_doc_id(&id)?;
                    let mut body = Map::new();
                    body.insert(
                        "type".into(),
                        Value::String(DocKind::of(kind).code().into()),
                    );
                    body.insert("updated_at".into(), Value::String(stamp.clone()));
                    Some(Doc {
                        id,
                        rev: Some(rev),
                        deleted: true,
                        body,
                    })
                })
                .collect();
            if !docs.is_empty() {
                deleted += self
                    .client
                    .bulk(&docs)
                    .await?
                    .iter()
                    .filter(|r| matches!(r, BulkResult::Ok { .. }))
                    .count();
            }
        }
        self.forget().await?;
        Ok(deleted)
    }

    /// Forgets this device's sync state (checkpoint, known revisions, conflicts): the next
    /// sync pulls everything again (after a reset of the local data).
    pub async fn forget(&mut self) -> Result<(), SyncError> {
        self.store.clear().await.map_err(SyncError::Local)?;
        self.state = SyncState::default();
        Ok(())
    }
}
