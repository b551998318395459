//! The shared items (saved segments, funnels, the analytics settings): sent and decided by the
//! same rule as records, but read from [`Replica::shared`] and compared by document id rather
//! than found in the dataset, so they have their own push and take.

use super::local::with_note;
use super::{Known, Replica, Report, StateStore, Syncer, conflict_note, local_wins};
use crate::sync::couch::{BulkResult, SyncError, Transport};
use crate::sync::doc::{CONFLICT_FIELD, Doc};
use crate::sync::shared::{SharedChange, SharedItem, SharedKind};
use crate::time::Timestamp;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

impl<T: Transport, S: StateStore> Syncer<T, S> {
    /// Sends the shared items that changed here (and the deletions of those gone here).
    pub(super) async fn push_shared<R: Replica>(
        &mut self,
        replica: &R,
        now: &dyn Fn() -> Timestamp,
    ) -> Result<Report, SyncError> {
        let mut report = Report::default();
        let mut docs = self.shared_to_send(&replica.shared(), now);
        let unknown: Vec<String> = docs
            .iter()
            .filter(|d| d.rev.is_none())
            .map(|d| d.id.clone())
            .collect();
        if !unknown.is_empty() {
            // Items the server may have though this device never learned their revision (a
            // first sync of a device that made its own settings, an answer lost): decided by
            // the rule like any version from there, never overwritten blindly.
            report.requests += 1;
            let infos = self.client.revs(&unknown, true).await?;
            let there = self.versions(infos, &mut report).await?;
            if !there.is_empty() {
                report += self.take_shared(replica, there).await?;
                docs = self.shared_to_send(&replica.shared(), now);
            }
        }
        if docs.is_empty() {
            return Ok(report);
        }
        report.requests += 1;
        let results = self.client.bulk(&docs).await?;
        let mut conflicted = Vec::new();
        for r in results {
            match r {
                BulkResult::Ok { id, rev } => {
                    report.pushed += 1;
                    if let Some(doc) = docs.iter().find(|d| d.id == id) {
                        // A deletion is remembered without its body (what a pull of it gives).
                        let sent = Doc {
                            rev: None,
                            body: if doc.deleted {
                                Map::new()
                            } else {
                                doc.body.clone()
                            },
                            ..doc.clone()
                        };
                        self.state.shared_known.insert(
                            id,
                            Known {
                                rev,
                                print: sent.fingerprint(),
                            },
                        );
                    }
                }
                BulkResult::Conflict { id } => conflicted.push(id),
                BulkResult::Refused { .. } => report.refused += 1,
            }
        }
        self.save_state(&[]).await?;
        if !conflicted.is_empty() {
            // Changed there meanwhile (a deletion too): the server's versions, by the rule.
            report.requests += 1;
            let infos = self.client.revs(&conflicted, true).await?;
            let fresh = self.versions(infos, &mut report).await?;
            report += self.take_shared(replica, fresh).await?;
        }
        Ok(report)
    }

    /// The shared documents to send: items changed since the server's known version (with
    /// that revision; none when never seen there), and deletions of items gone here.
    fn shared_to_send(&self, local: &[SharedItem], now: &dyn Fn() -> Timestamp) -> Vec<Doc> {
        let mut docs: Vec<Doc> = Vec::new();
        for item in local {
            let mut doc = with_note(item.doc(), &self.state.conflicts);
            match self.state.shared_known.get(&doc.id) {
                Some(k) if k.print == doc.fingerprint() => continue,
                Some(k) => doc.rev = Some(k.rev.clone()),
                None => {}
            }
            docs.push(doc);
        }
        let here: BTreeSet<String> = local.iter().map(SharedItem::doc_id).collect();
        for (id, known) in &self.state.shared_known {
            let Some((kind, _)) = SharedKind::of_doc_id(id) else {
                continue;
            };
            let mut body = Map::new();
            body.insert("type".into(), Value::String(kind.code().into()));
            body.insert(
                "updated_at".into(),
                Value::String(crate::sync::doc::format_time(now())),
            );
            let gone = Doc {
                id: id.clone(),
                rev: Some(known.rev.clone()),
                deleted: true,
                body,
            };
            let already = Doc {
                body: Map::new(),
                ..gone.clone()
            };
            if here.contains(id) || known.print == already.fingerprint() {
                continue;
            }
            docs.push(gone);
        }
        docs
    }

    /// Decides the server's shared documents against the items here (the same rule as for
    /// records) and applies the winners.
    pub(super) async fn take_shared<R: Replica>(
        &mut self,
        replica: &R,
        docs: Vec<Doc>,
    ) -> Result<Report, SyncError> {
        let mut report = Report::default();
        if docs.is_empty() {
            return Ok(report);
        }
        let local = replica.shared();
        let mut changes = Vec::new();
        for remote in docs {
            let Some((kind, id)) = SharedKind::of_doc_id(&remote.id) else {
                continue;
            };
            let Some(rev) = remote.rev.clone() else {
                continue;
            };
            if self
                .state
                .shared_known
                .get(&remote.id)
                .is_some_and(|k| k.rev == rev)
            {
                continue;
            }
            report.pulled += 1;
            // As this device would send it (with its note): what `shared_known` was made of.
            let mine = local
                .iter()
                .find(|i| i.doc_id() == remote.id)
                .map(|i| with_note(i.doc(), &self.state.conflicts));
            let pending = mine.as_ref().is_some_and(|l| {
                l.content() != remote.content()
                    && self
                        .state
                        .shared_known
                        .get(&remote.id)
                        .is_none_or(|k| k.print != l.fingerprint())
            });
            let theirs_win = match &mine {
                Some(l) if pending => !local_wins(l, &remote),
                _ => true,
            };
            if pending {
                // The loser is kept and listed, as for records: it travels in the winning
                // document, so every device lists it.
                report.conflicts += 1;
                let loser = if theirs_win {
                    mine.clone()
                } else {
                    Some(remote.clone())
                };
                if let Some(loser) = loser {
                    self.state
                        .conflicts
                        .insert(remote.id.clone(), conflict_note(&loser));
                }
            } else {
                match remote.body.get(CONFLICT_FIELD) {
                    Some(note) => self.state.conflicts.insert(remote.id.clone(), note.clone()),
                    None => self.state.conflicts.remove(&remote.id),
                };
            }
            if theirs_win {
                let item = if remote.deleted {
                    None
                } else {
                    SharedItem::from_doc(&remote)
                };
                if remote.deleted || item.is_some() {
                    changes.push(SharedChange {
                        kind,
                        id: id.to_string(),
                        item,
                    });
                } else {
                    report.unreadable += 1;
                }
            }
            // The server's version as this device would send it: the content and its note.
            let known = Doc {
                rev: None,
                body: if remote.deleted {
                    Map::new()
                } else {
                    remote.body.clone()
                },
                ..remote.clone()
            };
            self.state.shared_known.insert(
                remote.id.clone(),
                Known {
                    rev,
                    print: known.fingerprint(),
                },
            );
        }
        if !changes.is_empty() {
            replica
                .apply_shared(changes)
                .await
                .map_err(SyncError::Local)?;
        }
        self.save_state(&[]).await?;
        Ok(report)
    }
}
