//! The sync engine: push what changed here, pull what changed there, and decide conflicts the
//! same way on every device.
//!
//! - **What is local and not yet on the server.** Every edit stamps `updated_at` (a deletion
//!   `deleted_at`) with the time of the edit. A push round looks at the records stamped at or
//!   after `scan_from` (the time the previous complete round began) and, for customers and
//!   orders, drops those whose document is exactly the one last exchanged with the server
//!   (`known`: its revision and a fingerprint). So records that arrived by a pull are not
//!   sent back, and nothing is missed by a clock that another device set.
//! - **Revisions.** A changed customer or order is sent with the revision we know; unknown
//!   revisions are asked with `_all_docs?keys` first. Events and activities are facts (new
//!   ids, never edited): they are sent without a revision, and "conflict" for them means
//!   "already there".
//! - **Conflicts.** A pull (or a push refused with `conflict`) brings the server's version of
//!   a record that was also changed here. The rule picks the winner — the newer `updated_at`;
//!   a deletion wins over versions not newer than it; at equal times the larger content — and
//!   the loser is not dropped: it travels inside the winning document (`kezhi_conflict`), so
//!   every device lists the conflict until someone keeps one version.
//! - **Checkpoints.** The server's `last_seq` is kept after each page of changes has been
//!   stored here, and `known` after each batch the server accepted: a cut anywhere resumes
//!   without duplicating anything (CouchDB revisions make a repeated write a conflict, not a
//!   second document).
//!
//! Here: the `Syncer` and a whole round. Its steps: `push`, `pull`, `shared_items` (saved
//! segments, funnels, settings), `conflicts` (the rule, closing one, the list), `reset`; what
//! they read: `local` (this device's documents) and `state` (what is kept between rounds).

mod conflicts;
mod local;
mod pull;
mod push;
mod reset;
mod shared_items;
mod state;

pub use conflicts::{ConflictKind, ConflictView, conflict_note, conflict_views, local_wins};
pub use state::{DocKey, Known, StateStore, SyncState};

use super::apply::Incoming;
use super::couch::{CouchClient, SyncError, Transport};
use super::shared::{SharedChange, SharedItem};
use crate::dataset::Dataset;
use crate::time::Timestamp;

/// Documents per `_bulk_docs` request and per page of `_changes`.
pub const BATCH: usize = 500;
/// Documents pulled before they are taken in at once (and the checkpoint moves).
pub const APPLY_BATCH: usize = 5_000;

/// The device's data as sync sees it.
#[allow(async_fn_in_trait)]
pub trait Replica {
    fn read<R>(&self, f: impl FnOnce(&Dataset) -> R) -> R;
    /// Changes whenever the data is written (positions read before are then stale).
    fn version(&self) -> u64;
    /// Takes these records as they are (see [`crate::sync::apply::apply_incoming`]) and stores them.
    async fn apply(&self, incoming: Incoming) -> Result<(), String>;
    /// The saved segments, saved funnels and analytics settings as they are here.
    fn shared(&self) -> Vec<SharedItem> {
        Vec::new()
    }
    /// Takes these shared items (or their deletions) as they are, and stores them.
    async fn apply_shared(&self, changes: Vec<SharedChange>) -> Result<(), String> {
        let _ = changes;
        Ok(())
    }
}

/// How far a round is, for the progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What a round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub pushed: usize,
    pub pulled: usize,
    /// Conflicts found by this device in this round.
    pub conflicts: usize,
    /// Documents the server refused (other than conflicts), left here.
    pub refused: usize,
    /// Documents of ours on the server that could not be read (left there, not applied).
    pub unreadable: usize,
    pub requests: usize,
}

impl std::ops::AddAssign for Report {
    fn add_assign(&mut self, o: Report) {
        self.pushed += o.pushed;
        self.pulled += o.pulled;
        self.conflicts += o.conflicts;
        self.refused += o.refused;
        self.unreadable += o.unreadable;
        self.requests += o.requests;
    }
}

pub struct Syncer<T, S> {
    pub client: CouchClient<T>,
    pub store: S,
    pub state: SyncState,
    /// Documents a first pull expects (for its progress), while it runs.
    expected: Option<usize>,
}

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// A syncer with the state its store keeps.
    pub async fn open(client: CouchClient<T>, store: S) -> Result<Self, SyncError> {
        let state = store.load().await.map_err(SyncError::Local)?;
        Ok(Syncer {
            client,
            store,
            state,
            expected: None,
        })
    }

    async fn save_state(&self, changed: &[DocKey]) -> Result<(), SyncError> {
        self.store
            .save(&self.state, changed)
            .await
            .map_err(SyncError::Local)
    }

    /// One full sync: push, then pull until caught up.
    pub async fn sync<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
        progress: &dyn Fn(Progress),
    ) -> Result<Report, SyncError> {
        let mut report = self.push(replica, now, progress).await?;
        // A first pull shows how far it is against the documents the server holds.
        self.expected = match self.state.checkpoint {
            None => self.client.db_info().await.ok().map(|n| n as usize),
            Some(_) => None,
        };
        report += self.pull(replica, now, None, progress).await?;
        self.expected = None;
        self.state.last_synced = Some(now());
        self.save_state(&[]).await?;
        Ok(report)
    }
}
