//! What sync keeps on a device for one server and database (checkpoint, scan mark, known
//! revisions, conflicts) and the store that keeps it: the data the engine's steps read and write.

use crate::model::{RecordKey, RecordKind};
use crate::sync::doc::DocKind;
use crate::time::Timestamp;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A customer or an order: the records that are edited, and so have revisions to remember.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKey {
    pub kind: DocKind,
    pub id: Uuid,
}

impl DocKey {
    pub(super) fn of(kind: RecordKind, key: &RecordKey) -> Option<DocKey> {
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
