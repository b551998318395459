//! Push: the local changes sent in batches, unknown revisions learned first, what the server
//! refused counted and conflicts decided by taking the server's version in.

use super::local::{Slot, candidates, slot_doc, with_note};
use super::{BATCH, DocKey, Known, Progress, Replica, Report, StateStore, Syncer};
use crate::dataset::Dataset;
use crate::sync::couch::{BulkResult, RevInfo, SyncError, Transport};
use crate::sync::doc::{Doc, DocKind, parse_doc_id};
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};

/// How often a push round starts over because the data changed under it before it gives up
/// for this round (the next round goes on).
const RESTARTS: usize = 20;

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// Local changes not on the server yet (what the header shows as waiting).
    pub fn pending<R: Replica>(&self, replica: &R) -> usize {
        replica.read(|d| {
            candidates(d, self.state.scan_from, &self.state.dirty)
                .into_iter()
                .filter(|&slot| self.unsent(d, slot).is_some())
                .count()
        })
    }

    /// The document to send for a candidate, or `None` when the server has it already.
    fn unsent(&self, d: &Dataset, slot: Slot) -> Option<Doc> {
        let mut doc = with_note(
            slot_doc(d, slot, &self.state.conflicts)?,
            &self.state.conflicts,
        );
        let (kind, key) = parse_doc_id(&doc.id)?;
        if let Some(k) = DocKey::of(kind, &key) {
            match self.state.known.get(&k) {
                Some(known) if known.print == doc.fingerprint() => return None,
                Some(known) => doc.rev = Some(known.rev.clone()),
                None => {}
            }
        }
        Some(doc)
    }

    /// Sends every local change to the server, in batches.
    pub async fn push<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
        progress: &dyn Fn(Progress),
    ) -> Result<Report, SyncError> {
        // A conflict decided while pushing the shared items may leave a winner (with its
        // note) to send: a few tries, as for records.
        let mut report = Report::default();
        for _ in 0..3 {
            let sent = self.push_shared(replica, now).await?;
            let again = sent.conflicts > 0;
            report += sent;
            if !again {
                break;
            }
        }
        let started = now();
        let mut version = replica.version();
        let mut slots = replica.read(|d| candidates(d, self.state.scan_from, &self.state.dirty));
        // Facts sent in this round: a restart (the data changed under us) does not send them
        // again.
        let mut sent_facts: FxHashSet<u64> = FxHashSet::default();
        let mut next = 0;
        let mut restarts = 0;
        let total = slots.len();
        let mut again = false;
        loop {
            // The data changed under us, or a conflict was decided (its winner must go up
            // in this round): look again.
            if replica.version() != version || again {
                again = false;
                restarts += 1;
                if restarts > RESTARTS {
                    return Ok(report); // the next round goes on from the same mark
                }
                version = replica.version();
                slots = replica.read(|d| candidates(d, self.state.scan_from, &self.state.dirty));
                next = 0;
            }
            let mut batch: Vec<Doc> = Vec::with_capacity(BATCH);
            let mut settled = Vec::new();
            replica.read(|d| {
                while next < slots.len() && batch.len() < BATCH {
                    let slot = slots[next];
                    next += 1;
                    let unsent = self.unsent(d, slot);
                    if let (Slot::Key(k), None) = (slot, &unsent) {
                        settled.push(k);
                    }
                    if let Some(doc) = unsent {
                        let fact = matches!(slot, Slot::Event(_) | Slot::Activity(_));
                        if fact && !sent_facts.insert(crate::sync::doc::fnv1a(doc.id.as_bytes())) {
                            continue;
                        }
                        batch.push(doc);
                    }
                }
            });
            for k in settled {
                self.state.dirty.remove(&k);
            }
            if batch.is_empty() {
                if next >= slots.len() {
                    break;
                }
                continue;
            }
            let sent = self.send(replica, now, batch).await?;
            again = sent.conflicts > 0;
            report += sent;
            progress(Progress {
                done: next.min(total),
                total,
            });
        }
        // Everything stamped before the round began is on the server (or was a conflict,
        // which is stamped again when decided).
        if restarts <= RESTARTS {
            self.state.scan_from = started;
            self.save_state(&[]).await?;
        }
        Ok(report)
    }

    /// Sends one batch: learns unknown revisions, writes, and settles conflicts.
    async fn send<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
        mut batch: Vec<Doc>,
    ) -> Result<Report, SyncError> {
        let mut report = Report::default();
        let unknown: FxHashSet<String> = batch
            .iter()
            .filter(|d| d.rev.is_none() && !is_fact(&d.id))
            .map(|d| d.id.clone())
            .collect();
        // Documents the server has though this device never learned their revision (a batch
        // written just before the connection or the server died, a first sync of the same
        // records, a forgotten state): not overwritten blindly, but decided by the rule like
        // any version from there (the same content costs no write).
        let mut there = Vec::new();
        if !unknown.is_empty() {
            report.requests += 1;
            let ids: Vec<String> = unknown.iter().cloned().collect();
            let infos = self.client.revs(&ids, true).await?;
            let on_server: FxHashSet<String> = infos
                .iter()
                .filter(|i| i.rev.is_some())
                .map(|i| i.id.clone())
                .collect();
            there = self.versions(infos, &mut report).await?;
            // A deletion of what the server never had: nothing to send.
            batch.retain(|d| !unknown.contains(&d.id) || !(d.deleted || on_server.contains(&d.id)));
        }
        if !batch.is_empty() {
            report.requests += 1;
            let results = self.client.bulk(&batch).await?;
            let by_id: FxHashMap<&str, &Doc> = batch.iter().map(|d| (d.id.as_str(), d)).collect();
            let mut changed = Vec::new();
            let mut conflicted = Vec::new();
            for r in results {
                match r {
                    BulkResult::Ok { id, rev } => {
                        report.pushed += 1;
                        if let (Some(doc), Some((kind, key))) =
                            (by_id.get(id.as_str()), parse_doc_id(&id))
                            && let Some(k) = DocKey::of(kind, &key)
                        {
                            let mut sent = (*doc).clone();
                            sent.rev = None;
                            self.state.known.insert(
                                k,
                                Known {
                                    rev,
                                    print: sent.fingerprint(),
                                },
                            );
                            self.state.dirty.remove(&k);
                            changed.push(k);
                        }
                    }
                    // A fact the server has already.
                    BulkResult::Conflict { id } if is_fact(&id) => report.pushed += 1,
                    BulkResult::Conflict { id } => conflicted.push(id),
                    BulkResult::Refused { .. } => report.refused += 1,
                }
            }
            self.save_state(&changed).await?;
            if !conflicted.is_empty() {
                report.requests += 1;
                let infos = self.client.revs(&conflicted, true).await?;
                there.extend(self.versions(infos, &mut report).await?);
            }
        }
        if !there.is_empty() {
            report += self.take(replica, now, there).await?;
        }
        Ok(report)
    }

    /// The server's current versions among `infos` (from `revs` with the documents): a
    /// deletion's body, which carries its time, is asked for on its own.
    pub(super) async fn versions(
        &self,
        infos: Vec<RevInfo>,
        report: &mut Report,
    ) -> Result<Vec<Doc>, SyncError> {
        let mut docs = Vec::new();
        for info in infos {
            match (info.doc, info.rev) {
                (Some(doc), _) => docs.push(doc),
                (None, Some(rev)) if info.deleted => {
                    report.requests += 1;
                    if let Some(doc) = self.client.get_rev(&info.id, &rev).await? {
                        docs.push(doc);
                    }
                }
                _ => {}
            }
        }
        Ok(docs)
    }
}

fn is_fact(id: &str) -> bool {
    id.split_once(':')
        .and_then(|(k, _)| DocKind::from_code(k))
        .is_some_and(DocKind::append_only)
}
