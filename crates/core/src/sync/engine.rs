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

use super::apply::Incoming;
use super::couch::{BulkResult, CouchClient, RevInfo, SyncError, Transport};
use super::doc::{
    CONFLICT_FIELD, Doc, DocError, DocKind, Remote, activity_doc, customer_doc, desk_doc,
    event_doc, order_doc, parse_doc_id, read_doc, tombstone_doc,
};
use super::shared::{SharedChange, SharedItem, SharedKind};
use crate::dataset::Dataset;
use crate::model::{
    Campaign, CampaignTask, Desk, DeskRecord, Recommendation, Record, RecordKey, RecordKind,
    Request,
};
use crate::time::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Documents per `_bulk_docs` request and per page of `_changes`.
pub const BATCH: usize = 500;
/// Documents pulled before they are taken in at once (and the checkpoint moves).
pub const APPLY_BATCH: usize = 5_000;
/// How often a push round starts over because the data changed under it before it gives up
/// for this round (the next round goes on).
const RESTARTS: usize = 20;

/// A customer or an order: the records that are edited, and so have revisions to remember.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKey {
    pub kind: DocKind,
    pub id: Uuid,
}

impl DocKey {
    fn of(kind: RecordKind, key: &RecordKey) -> Option<DocKey> {
        let kind = DocKind::of(kind);
        match key {
            RecordKey::Id(id) if !kind.append_only() => Some(DocKey { kind, id: *id }),
            _ => None,
        }
    }
    /// A short text form for storage (`c:<uuid>`, `o:<uuid>`).
    pub fn text(self) -> String {
        let k = match self.kind {
            DocKind::Customer => 'c',
            DocKind::Order => 'o',
            DocKind::Event => 'e',
            DocKind::Activity => 'a',
            DocKind::Request => 'q',
            DocKind::Recommendation => 'r',
            DocKind::Campaign => 'm',
            DocKind::Task => 't',
        };
        format!("{k}:{}", self.id)
    }
    pub fn parse(s: &str) -> Option<DocKey> {
        let (k, id) = s.split_once(':')?;
        let kind = match k {
            "c" => DocKind::Customer,
            "o" => DocKind::Order,
            "e" => DocKind::Event,
            "a" => DocKind::Activity,
            "q" => DocKind::Request,
            "r" => DocKind::Recommendation,
            "m" => DocKind::Campaign,
            "t" => DocKind::Task,
            _ => return None,
        };
        Some(DocKey {
            kind,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// The document last exchanged with the server for one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub rev: String,
    pub print: u64,
}

impl Known {
    pub fn text(&self) -> String {
        format!("{:016x}{}", self.print, self.rev)
    }
    pub fn parse(s: &str) -> Option<Known> {
        let (print, rev) = s.split_at_checked(16)?;
        Some(Known {
            rev: rev.to_string(),
            print: u64::from_str_radix(print, 16).ok()?,
        })
    }
}

/// What sync keeps on a device for one server and database.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncState {
    /// The server's `last_seq` after the last page of changes stored here.
    pub checkpoint: Option<String>,
    /// Records stamped at or after this may not be on the server yet.
    pub scan_from: Timestamp,
    pub known: FxHashMap<DocKey, Known>,
    /// Records changed on two devices, by document id: the losing version's note
    /// (`{"deleted": bool, "doc": {…fields}}`), as it travels in the winning document.
    pub conflicts: BTreeMap<String, Value>,
    /// When the last complete sync (push and pull) ended.
    pub last_synced: Option<Timestamp>,
    /// Records to send whatever their stamps say: a conflict decided here (the winner must
    /// go up with its note), a conflict closed here.
    pub dirty: BTreeSet<DocKey>,
    /// The shared items (segments, funnels, settings) last exchanged, by document id.
    pub shared_known: BTreeMap<String, Known>,
}

impl Default for SyncState {
    fn default() -> Self {
        SyncState {
            checkpoint: None,
            scan_from: Timestamp(i64::MIN),
            known: FxHashMap::default(),
            conflicts: BTreeMap::new(),
            last_synced: None,
            dirty: BTreeSet::new(),
            shared_known: BTreeMap::new(),
        }
    }
}

impl SyncState {
    /// The small part (checkpoint, scan mark, conflicts, time) as JSON, for storage; `known`
    /// is stored entry by entry.
    pub fn head_json(&self) -> String {
        json!({
            "checkpoint": self.checkpoint,
            "scan_from": self.scan_from.millis(),
            "conflicts": self.conflicts,
            "last_synced": self.last_synced.map(|t| t.millis()),
            "dirty": self.dirty.iter().map(|k| k.text()).collect::<Vec<_>>(),
            "shared_known": self.shared_known.iter().map(|(id, k)| (id.clone(), k.text())).collect::<BTreeMap<_, _>>(),
        })
        .to_string()
    }
    pub fn read_head(&mut self, text: &str) -> bool {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            return false;
        };
        self.checkpoint = v["checkpoint"].as_str().map(str::to_string);
        self.scan_from = Timestamp(v["scan_from"].as_i64().unwrap_or(i64::MIN));
        self.conflicts = match &v["conflicts"] {
            Value::Object(m) => m.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        };
        self.last_synced = v["last_synced"].as_i64().map(Timestamp);
        self.dirty = match &v["dirty"] {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().and_then(DocKey::parse))
                .collect(),
            _ => BTreeSet::new(),
        };
        self.shared_known = match &v["shared_known"] {
            Value::Object(m) => m
                .iter()
                .filter_map(|(id, k)| Some((id.clone(), Known::parse(k.as_str()?)?)))
                .collect(),
            _ => BTreeMap::new(),
        };
        true
    }
}

/// Where a device keeps its [`SyncState`] (IndexedDB in the browser).
#[allow(async_fn_in_trait)]
pub trait StateStore {
    async fn load(&self) -> Result<SyncState, String>;
    /// Stores the state's head and these entries of `known` (changed since the last save).
    async fn save(&self, state: &SyncState, changed: &[DocKey]) -> Result<(), String>;
    /// Forgets everything (a new server, a reset of the local data).
    async fn clear(&self) -> Result<(), String>;
}

/// The device's data as sync sees it.
#[allow(async_fn_in_trait)]
pub trait Replica {
    fn read<R>(&self, f: impl FnOnce(&Dataset) -> R) -> R;
    /// Changes whenever the data is written (positions read before are then stale).
    fn version(&self) -> u64;
    /// Takes these records as they are (see [`super::apply::apply_incoming`]) and stores them.
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

/// Position of a candidate for a push, in the data as of one version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Customer(u32),
    Order(u32),
    Activity(u32),
    Event(u32),
    Tombstone(u32),
    /// A desk record: its kind and position in its list.
    Desk(RecordKind, u32),
    /// A record named in [`SyncState::dirty`].
    Key(DocKey),
}

fn candidates(d: &Dataset, from: Timestamp, dirty: &BTreeSet<DocKey>) -> Vec<Slot> {
    let mut out: Vec<Slot> = dirty.iter().map(|&k| Slot::Key(k)).collect();
    let pos = |i: usize| i as u32;
    out.extend(
        (d.customers.iter().enumerate())
            .filter(|(_, c)| c.updated_at >= from)
            .map(|(i, _)| Slot::Customer(pos(i))),
    );
    out.extend(
        (d.orders.iter().enumerate())
            .filter(|(_, o)| o.updated_at >= from)
            .map(|(i, _)| Slot::Order(pos(i))),
    );
    out.extend(
        (d.activities.iter().enumerate())
            .filter(|(_, a)| a.updated_at >= from)
            .map(|(i, _)| Slot::Activity(pos(i))),
    );
    out.extend(
        (d.events.iter().enumerate())
            .filter(|(_, e)| e.updated_at >= from)
            .map(|(i, _)| Slot::Event(pos(i))),
    );
    out.extend(
        (d.tombstones.iter().enumerate())
            .filter(|(_, t)| t.deleted_at >= from)
            .map(|(i, _)| Slot::Tombstone(pos(i))),
    );
    macro_rules! desk_candidates {
        ($t:ty) => {
            out.extend(
                (<$t as DeskRecord>::list(&d.desk).iter().enumerate())
                    .filter(|(_, r)| r.updated_at >= from)
                    .map(|(i, _)| Slot::Desk(<$t as Record>::KIND, pos(i))),
            );
        };
    }
    crate::for_each_desk!(desk_candidates);
    out
}

/// The document of the desk record at `i` of the list of `kind`.
fn desk_slot_doc(d: &Dataset, kind: RecordKind, i: usize) -> Option<Doc> {
    let desk = &d.desk;
    match kind {
        RecordKind::Request => desk.requests.get(i).map(desk_doc),
        RecordKind::Recommendation => desk.recommendations.get(i).map(desk_doc),
        RecordKind::Campaign => desk.campaigns.get(i).map(desk_doc),
        RecordKind::Task => desk.tasks.get(i).map(desk_doc),
        _ => None,
    }
}

/// Where the desk record of `kind` with this id is in its list.
fn desk_position(d: &Dataset, kind: RecordKind, id: Uuid) -> Option<usize> {
    fn find<T: DeskRecord>(desk: &Desk, id: Uuid) -> Option<usize> {
        T::list(desk).iter().position(|r| r.id() == id)
    }
    match kind {
        RecordKind::Request => find::<Request>(&d.desk, id),
        RecordKind::Recommendation => find::<Recommendation>(&d.desk, id),
        RecordKind::Campaign => find::<Campaign>(&d.desk, id),
        RecordKind::Task => find::<CampaignTask>(&d.desk, id),
        _ => None,
    }
}

fn slot_doc(d: &Dataset, slot: Slot, conflicts: &BTreeMap<String, Value>) -> Option<Doc> {
    let at = |i: u32| i as usize;
    match slot {
        Slot::Key(k) => local_doc(d, k, conflicts, None),
        Slot::Customer(i) => d.customers.get(at(i)).map(customer_doc),
        Slot::Order(i) => d.orders.get(at(i)).map(order_doc),
        Slot::Activity(i) => d.activities.get(at(i)).map(activity_doc),
        Slot::Event(i) => d.events.get(at(i)).map(event_doc),
        Slot::Tombstone(i) => d.tombstones.get(at(i)).map(tombstone_doc),
        Slot::Desk(kind, i) => desk_slot_doc(d, kind, at(i)),
    }
}

/// Where the customers, orders and tombstones are, by id: a page of a pull looks up
/// thousands of them, and a search through 285,000 orders each time would be quadratic.
#[derive(Default)]
struct Positions {
    customers: FxHashMap<Uuid, usize>,
    orders: FxHashMap<Uuid, usize>,
    tombstones: FxHashMap<(RecordKind, Uuid), usize>,
    desk: FxHashMap<(RecordKind, Uuid), usize>,
}

impl Positions {
    fn of(d: &Dataset) -> Self {
        let by_id =
            |ids: &mut dyn Iterator<Item = Uuid>| ids.enumerate().map(|(i, id)| (id, i)).collect();
        Positions {
            customers: by_id(&mut d.customers.iter().map(|c| c.id)),
            orders: by_id(&mut d.orders.iter().map(|o| o.id)),
            tombstones: d
                .tombstones
                .iter()
                .enumerate()
                .filter_map(|(i, t)| match t.key {
                    RecordKey::Id(id) => Some(((t.kind, id), i)),
                    RecordKey::Event(..) => None,
                })
                .collect(),
            desk: {
                let mut desk = FxHashMap::default();
                macro_rules! index {
                    ($t:ty) => {
                        for (i, r) in <$t as DeskRecord>::list(&d.desk).iter().enumerate() {
                            desk.insert((<$t as Record>::KIND, r.id), i);
                        }
                    };
                }
                crate::for_each_desk!(index);
                desk
            },
        }
    }
}

/// The local document of a customer or order (or its deletion), as it would be pushed;
/// `at` finds it at once where many are looked up, else it is searched for.
fn local_doc(
    d: &Dataset,
    key: DocKey,
    conflicts: &BTreeMap<String, Value>,
    at: Option<&Positions>,
) -> Option<Doc> {
    let doc = match (key.kind, at) {
        (DocKind::Customer, Some(p)) => p
            .customers
            .get(&key.id)
            .and_then(|&i| d.customers.get(i))
            .map(customer_doc),
        (DocKind::Customer, None) => d.customer(key.id).map(customer_doc),
        (DocKind::Order, Some(p)) => p
            .orders
            .get(&key.id)
            .and_then(|&i| d.orders.get(i))
            .map(order_doc),
        (DocKind::Order, None) => d.orders.iter().find(|o| o.id == key.id).map(order_doc),
        (kind, at) if kind.record_kind().is_desk() => {
            let kind = kind.record_kind();
            match at {
                Some(p) => p.desk.get(&(kind, key.id)).copied(),
                None => desk_position(d, kind, key.id),
            }
            .and_then(|i| desk_slot_doc(d, kind, i))
        }
        _ => None,
    }
    .or_else(|| {
        let kind = key.kind.record_kind();
        match at {
            Some(p) => p
                .tombstones
                .get(&(kind, key.id))
                .and_then(|&i| d.tombstones.get(i)),
            None => d
                .tombstones
                .iter()
                .find(|t| t.kind == kind && t.key == RecordKey::Id(key.id)),
        }
        .map(tombstone_doc)
    })?;
    Some(with_note(doc, conflicts))
}

fn with_note(mut doc: Doc, conflicts: &BTreeMap<String, Value>) -> Doc {
    if let Some(note) = conflicts.get(&doc.id) {
        doc.body.insert(CONFLICT_FIELD.into(), note.clone());
    }
    doc
}

fn add_remote(incoming: &mut Incoming, remote: Remote) {
    match remote {
        Remote::Customer(c) => incoming.customers.push(c),
        Remote::Order(o) => incoming.orders.push(o),
        Remote::Event(e) => incoming.events.push(e),
        Remote::Activity(a) => incoming.activities.push(a),
        Remote::Desk(item) => incoming.desk.push(item),
        Remote::Deleted(t) => incoming.tombstones.push(t),
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
                        if fact && !sent_facts.insert(super::doc::fnv1a(doc.id.as_bytes())) {
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

    /// Sends the shared items that changed here (and the deletions of those gone here).
    async fn push_shared<R: Replica>(
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
                Value::String(super::doc::format_time(now())),
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
    async fn take_shared<R: Replica>(
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
    async fn versions(
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
    async fn take<R: Replica>(
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

    /// Deletes every kezhi document on the server (CouchDB deletions stamped `now`, so every
    /// device that syncs deletes them too), and forgets this device's sync state: what "reset,
    /// also on the server" does before the local data is cleared.
    pub async fn delete_remote_all(&mut self, now: Timestamp) -> Result<usize, SyncError> {
        let stamp = super::doc::format_time(now);
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
            Value::String(super::doc::format_time(now)),
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

fn is_fact(id: &str) -> bool {
    id.split_once(':')
        .and_then(|(k, _)| DocKind::from_code(k))
        .is_some_and(DocKind::append_only)
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
