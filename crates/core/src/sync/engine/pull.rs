//! Pull: the server's `_changes` a page at a time, each document decided against the local
//! record by the rule, the winners taken in, the checkpoint moved only after they are stored.

use super::local::{Positions, local_doc};
use super::{APPLY_BATCH, BATCH, DocKey, Known, Progress, Replica, Report, StateStore, Syncer};
use super::{conflict_note, local_wins};
use crate::sync::apply::Incoming;
use crate::sync::couch::{SyncError, Transport};
use crate::sync::doc::{CONFLICT_FIELD, Doc, DocError, Remote, parse_doc_id, read_doc};
use crate::sync::shared::SharedKind;
use crate::time::Timestamp;

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// Brings the server's changes here, a page at a time; `longpoll`: wait that long for a
    /// first change (live sync).
    pub async fn pull<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
        longpoll: Option<u32>,
        progress: &dyn Fn(Progress),
    ) -> Result<Report, SyncError> {
        let mut report = Report::default();
        let mut wait = longpoll;
        // Pages read but not yet taken in, and the checkpoint after them.
        let mut docs: Vec<Doc> = Vec::new();
        let mut since = self.state.checkpoint.clone();
        loop {
            report.requests += 1;
            let page = self
                .client
                .changes(since.as_deref(), BATCH, wait.take())
                .await?;
            let moved = since.as_deref() != Some(page.last_seq.as_str());
            let end = page.rows < BATCH || !moved;
            docs.extend(page.docs);
            since = Some(page.last_seq);
            // Taking in costs work that grows with the data (sorting, storing, the derived
            // values): a few pages at once, and the checkpoint only after they are stored.
            if docs.len() >= APPLY_BATCH || end {
                report += self.take(replica, now, std::mem::take(&mut docs)).await?;
                self.state.checkpoint = since.clone();
                self.save_state(&[]).await?;
                progress(Progress {
                    done: report.pulled,
                    total: self.expected.unwrap_or(0).max(report.pulled),
                });
            }
            if end {
                return Ok(report);
            }
        }
    }

    /// Decides each of the server's documents against the local record and applies the
    /// winners here.
    pub(super) async fn take<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
        docs: Vec<Doc>,
    ) -> Result<Report, SyncError> {
        let (shared, docs): (Vec<Doc>, Vec<Doc>) = docs
            .into_iter()
            .partition(|d| SharedKind::of_doc_id(&d.id).is_some());
        let mut report = self.take_shared(replica, shared).await?;
        let mut incoming = Incoming::default();
        let mut changed = Vec::new();
        let at = now();
        replica.read(|d| {
            // Made at the first customer or order of the page (events need none).
            let mut positions: Option<Positions> = None;
            for remote in docs {
                let Some((kind, key)) = parse_doc_id(&remote.id) else {
                    continue; // not ours (design documents, other tools' kinds)
                };
                let record = match read_doc(&remote, at) {
                    Ok(r) => r,
                    Err(DocError::Id) => continue,
                    Err(_) => {
                        report.unreadable += 1;
                        continue;
                    }
                };
                report.pulled += 1;
                let Some(k) = DocKey::of(kind, &key) else {
                    add_remote(&mut incoming, record);
                    continue;
                };
                let Some(rev) = remote.rev.clone() else {
                    continue;
                };
                if self
                    .state
                    .known
                    .get(&k)
                    .is_some_and(|known| known.rev == rev)
                {
                    continue; // seen and decided already (our own write, or a conflict)
                }
                let local = local_doc(
                    d,
                    k,
                    &self.state.conflicts,
                    Some(positions.get_or_insert_with(|| Positions::of(d))),
                );
                let pending = local.as_ref().is_some_and(|l| {
                    let same = l.deleted == remote.deleted && l.content() == remote.content();
                    let synced = self
                        .state
                        .known
                        .get(&k)
                        .is_some_and(|known| known.print == l.fingerprint());
                    !same && !synced
                });
                if let (true, Some(local)) = (pending, &local) {
                    report.conflicts += 1;
                    self.state.dirty.insert(k);
                    if local_wins(local, &remote) {
                        self.state
                            .conflicts
                            .insert(remote.id.clone(), conflict_note(&remote));
                    } else {
                        self.state
                            .conflicts
                            .insert(remote.id.clone(), conflict_note(local));
                        add_remote(&mut incoming, record);
                    }
                } else {
                    match remote.body.get(CONFLICT_FIELD) {
                        Some(note) => self.state.conflicts.insert(remote.id.clone(), note.clone()),
                        None => self.state.conflicts.remove(&remote.id),
                    };
                    add_remote(&mut incoming, record);
                }
                self.state.known.insert(
                    k,
                    Known {
                        rev,
                        print: remote.fingerprint(),
                    },
                );
                changed.push(k);
            }
        });
        if !incoming.is_empty() {
            replica.apply(incoming).await.map_err(SyncError::Local)?;
        }
        self.save_state(&changed).await?;
        Ok(report)
    }
}

pub(super) fn add_remote(incoming: &mut Incoming, remote: Remote) {
    match remote {
        Remote::Customer(c) => incoming.customers.push(c),
        Remote::Order(o) => incoming.orders.push(o),
        Remote::Event(e) => incoming.events.push(e),
        Remote::Activity(a) => incoming.activities.push(a),
        Remote::Desk(item) => incoming.desk.push(item),
        Remote::Deleted(t) => incoming.tombstones.push(t),
    }
}
