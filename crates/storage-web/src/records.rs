//! IndexedDB behind [`kezhi_core::store::records::RecordStore`], through the `idb` crate.
//!
//! Schema (version 2; version 1 had no desk stores — `requests`, `recommendations`,
//! `campaigns`, `campaign_tasks` — and an upgrade adds them empty): one object store per
//! record kind. Records are kept in groups (see
//! [`kezhi_core::store::records::group`]): a put costs about the same whatever its size, so
//! 580,000 records written one by one took a minute, in 4,000 groups a few seconds. Each value
//! is `{s: highest sequence number inside, n: records, v: the group's bytes, d: [damaged
//! groups' bytes]}` under the group's 2-byte key, with an index `seq` on `s` (what "changed
//! since" reads). A `meta` store holds the last sequence number, the dataset id and the record
//! counts under the key `meta` (with the number of events in all event logs, kept since this
//! version: a database an older version wrote has none until its next replace, and an older
//! version writing drops it, as it writes only the counts it knows).
//!
//! A commit is one read-write transaction over all stores: the meta is read and checked first;
//! then each group the operations touch is read, changed record by record, and written back
//! (waiting on requests keeps the transaction alive and lets the page paint in between); then
//! the new meta. A group whose bytes cannot be read is never written over: its bytes are kept
//! under `d` and reported at every load until the data is replaced.

use idb::request::{GetAllKeysStoreRequest, GetAllStoreRequest, RequestReadyState};
use idb::{
    Database, DatabaseEvent, Factory, IndexParams, KeyPath, KeyRange, ObjectStoreParams, Query,
    Transaction, TransactionMode, TransactionResult,
};
use js_sys::{Object, Reflect, Uint8Array};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::group::{decode_group, encode_group, group_of};
use kezhi_core::store::records::{
    Commit, Kind, Meta, Op, Progress, RecordStore, StoredRecord, event_log_len,
};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The database's name for the app.
pub const DB_NAME: &str = "kezhi";
/// The schema version this code creates and reads.
pub const DB_VERSION: u32 = 2;
const META: &str = "meta";
const SEQ_INDEX: &str = "seq";
/// The entry of the meta's counts that holds the bytes of all groups.
const BYTES: &str = "bytes";
/// The entry of the meta's counts that holds the number of events in all event logs.
const EVENTS: &str = "event_count";
/// Groups written before waiting for the browser: a few milliseconds of work each.
const SLICE: usize = 64;
/// Groups read per request when loading, at least: a few MB at 100,000 customers.
const GROUPS_PER_PAGE: u32 = 128;
/// Groups a collection has at most.
const GROUPS: u32 = 1 << kezhi_core::store::records::group::GROUP_BITS;
/// Milliseconds of work after which [`RecordStore::pause`] lets the browser run: long enough
/// that the waits (a few milliseconds each: a timer, a frame) cost little of a load, short
/// enough that no task comes near 200 ms.
const WORK_BEFORE_PAUSE_MS: f64 = 50.0;

/// An open connection. Cheap to clone.
pub struct IdbStore {
    db: Rc<Database>,
    /// The collection whose last page was just read, with the last group in it: the next
    /// page of it is empty without a transaction (a load reads every collection to its end,
    /// and each transaction costs milliseconds). Forgotten at the next read or write.
    ended: RefCell<Option<(Kind, [u8; 2])>>,
    /// Pages asked for before they are needed: the next page of a collection when a full
    /// page was returned (IndexedDB reads it while the caller decodes: a load's reads and
    /// decoding overlap instead of taking turns), and the first page of each collection a
    /// load will read ([`RecordStore::expect_reads`]: their transactions run side by side).
    /// Forgotten at the next write; a collection's others when one of its pages is asked for.
    ahead: RefCell<Vec<Ahead>>,
    /// The collections' sizes from the last reading of the counts, which set how many groups
    /// a page holds ([`IdbStore::groups_per_page`]).
    sizes: RefCell<Option<Vec<usize>>>,
    /// When the work since the last wait began (`Date.now()`), for [`RecordStore::pause`].
    since_wait: Cell<f64>,
}

impl Clone for IdbStore {
    fn clone(&self) -> Self {
        IdbStore {
            db: Rc::clone(&self.db),
            ended: Default::default(),
            ahead: Default::default(),
            sizes: Default::default(),
            since_wait: Default::default(),
        }
    }
}

/// A page's requests, sent before the page is asked for.
struct Ahead {
    kind: Kind,
    /// The key the page comes after: the last of the page before (none: the first page).
    after: Option<Vec<u8>>,
    page: PageRequests,
}

/// The keys and the values of up to [`GROUPS_PER_PAGE`] groups, asked for together. No
/// handler is set until they are awaited ([`answer`]): a page asked for ahead and then not
/// needed is dropped without a handler left to call.
struct PageRequests {
    keys: GetAllKeysStoreRequest,
    values: GetAllStoreRequest,
    /// The most groups asked for: fewer came back when the collection ended.
    groups: u32,
}

/// The answer of a `getAll`/`getAllKeys` request: read at once when it came already, else
/// waited for.
async fn answer<R>(request: R) -> Result<Vec<JsValue>, StoreError>
where
    R: idb::Request + std::future::IntoFuture<Output = Result<Vec<JsValue>, idb::Error>>,
{
    if request.ready_state().ok() == Some(RequestReadyState::Done) {
        if let Ok(Some(ex)) = request.error() {
            return Err(dom_error(&ex));
        }
        let result = request.result().map_err(idb_error)?;
        return Ok(js_sys::Array::from(&result).to_vec());
    }
    request.await.map_err(idb_error)
}

/// How an opening can go wrong, beyond the common store errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// IndexedDB is missing, switched off, or refused to open (private modes, policies).
    Unavailable(String),
    /// The stored database is of a newer version of kezhi than this one.
    Newer,
}

fn idb_error(e: idb::Error) -> StoreError {
    match &e {
        idb::Error::DomException(ex) => dom_error(ex),
        _ => StoreError::Failed(e.to_string()),
    }
}

fn dom_error(ex: &web_sys::DomException) -> StoreError {
    if ex.name() == "QuotaExceededError" || crate::is_quota_error(ex.as_ref()) {
        StoreError::QuotaExceeded
    } else {
        StoreError::Failed(format!("{}: {}", ex.name(), ex.message()))
    }
}

/// Opens (and on first use creates) the database. `on_blocked` runs when another tab holds
/// an older version open and must be closed before this one can upgrade (the opening then
/// waits for it); `on_version_change` runs when another tab wants to upgrade: this
/// connection closes itself so that the other can proceed.
pub async fn open(
    name: &str,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> Result<IdbStore, OpenError> {
    open_version(name, DB_VERSION, on_blocked, on_version_change).await
}

/// [`open`] at a given schema version (tests open a later one to see an upgrade blocked).
pub async fn open_version(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> Result<IdbStore, OpenError> {
    let factory = Factory::new().map_err(|e| OpenError::Unavailable(e.to_string()))?;
    let mut request = factory
        .open(name, Some(version))
        .map_err(|e| OpenError::Unavailable(e.to_string()))?;
    request.on_upgrade_needed(|event| {
        // Runs inside the upgrade transaction: all of it happens, or none (an error aborts).
        let Ok(db) = event.database() else { return };
        let existing = db.store_names();
        for kind in Kind::ALL {
            if existing.iter().any(|n| n == kind.name()) {
                continue;
            }
            if let Ok(store) = db.create_object_store(kind.name(), ObjectStoreParams::new()) {
                let _ = store.create_index(
                    SEQ_INDEX,
                    KeyPath::new_single("s"),
                    Some(IndexParams::new()),
                );
            }
        }
        if !existing.iter().any(|n| n == META) {
            let _ = db.create_object_store(META, ObjectStoreParams::new());
        }
    });
    request.on_blocked(move |_| on_blocked());
    let db = request.await.map_err(|e| match &e {
        idb::Error::DomException(ex) if ex.name() == "VersionError" => OpenError::Newer,
        _ => OpenError::Unavailable(e.to_string()),
    })?;
    // A second handle on the same connection, so the callback can close it.
    let raw = web_sys::IdbDatabase::from(db);
    let closer = raw.clone();
    let mut db = Database::from(raw);
    db.on_version_change(move |_| {
        closer.close();
        on_version_change();
    });
    Ok(IdbStore {
        db: Rc::new(db),
        ended: Default::default(),
        ahead: Default::default(),
        sizes: Default::default(),
        since_wait: Default::default(),
    })
}

/// Deletes a database (tests, and "start fresh" when nothing else helps).
pub async fn delete(name: &str) -> Result<(), StoreError> {
    let factory = Factory::new().map_err(|e| StoreError::Unavailable(e.to_string()))?;
    factory
        .delete(name)
        .map_err(idb_error)?
        .await
        .map_err(idb_error)
}

/// A group as stored: its records (sorted by key) and the bytes of damaged groups kept in it.
#[derive(Default)]
struct Group {
    records: Vec<StoredRecord>,
    damaged: Vec<Vec<u8>>,
    /// Bytes of the records as read (0 when the group's bytes were damaged).
    read_len: usize,
}

/// Bytes from a typed array, or from an ArrayBuffer (what IndexedDB gives back for keys).
fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    v.dyn_ref::<js_sys::ArrayBuffer>()
        .map(|b| Uint8Array::new(b).to_vec())
}

fn get(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads a stored group value; bytes that are not a group (damaged, or written by someone
/// else) are kept as damaged, never dropped.
fn group_from(value: &JsValue) -> Group {
    let mut group = Group::default();
    if !value.is_object() || value.is_instance_of::<Uint8Array>() {
        // Not a group object at all: keep whatever it is, as bytes or as its text.
        group.damaged.push(raw_bytes(value));
        return group;
    }
    let v = get(value, "v");
    let bytes = bytes_of(&v);
    match bytes.as_deref().and_then(decode_group) {
        Some(records) => {
            group.records = records;
            group.read_len = bytes.map_or(0, |b| b.len());
        }
        None => group.damaged.push(raw_bytes(&v)),
    }
    if let Some(list) = get(value, "d").dyn_ref::<js_sys::Array>() {
        group.damaged.extend(list.iter().map(|d| raw_bytes(&d)));
    }
    group
}

fn raw_bytes(v: &JsValue) -> Vec<u8> {
    bytes_of(v)
        .or_else(|| v.as_string().map(String::into_bytes))
        .unwrap_or_else(|| format!("{v:?}").into_bytes())
}

/// Bytes a group takes: its key, its records' bytes, the damaged bytes kept with it.
fn group_bytes(encoded: usize, group: &Group) -> f64 {
    (2 + encoded + group.damaged.iter().map(Vec::len).sum::<usize>()) as f64
}

fn group_object(group: &Group, encoded: &[u8]) -> Object {
    let o = Object::new();
    let top = group.records.iter().map(|r| r.seq).max().unwrap_or(0);
    // Setting own properties on a fresh object cannot fail.
    let _ = Reflect::set(&o, &JsValue::from_str("s"), &JsValue::from_f64(top as f64));
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("n"),
        &JsValue::from_f64(group.records.len() as f64),
    );
    let _ = Reflect::set(&o, &JsValue::from_str("v"), &Uint8Array::from(encoded));
    if !group.damaged.is_empty() {
        let list: js_sys::Array = group
            .damaged
            .iter()
            .map(|d| JsValue::from(Uint8Array::from(d.as_slice())))
            .collect();
        let _ = Reflect::set(&o, &JsValue::from_str("d"), &list);
    }
    o
}

/// The records of a group as a reader sees them: the damaged bytes first (under the group's
/// own key, which no record has), then the records.
fn records_of(key: [u8; 2], group: Group) -> impl Iterator<Item = StoredRecord> {
    group
        .damaged
        .into_iter()
        .map(move |value| StoredRecord {
            key: key.to_vec(),
            seq: 0,
            value,
        })
        .chain(group.records)
}

fn key_js(key: &[u8]) -> JsValue {
    Uint8Array::from(key).into()
}

fn group_key_of(value: &JsValue) -> Option<[u8; 2]> {
    bytes_of(value).and_then(|b| b.try_into().ok())
}

/// The meta, and the number of records of each collection (and `bytes`, of all of them).
fn meta_and_counts(value: Option<JsValue>) -> (Meta, BTreeMap<String, f64>) {
    let Some(v) = value.filter(|v| v.is_object()) else {
        return (Meta::default(), BTreeMap::new());
    };
    let mut counts = BTreeMap::new();
    let c = get(&v, "counts");
    for name in Kind::ALL.iter().map(|k| k.name()).chain([BYTES, EVENTS]) {
        if let Some(n) = get(&c, name).as_f64() {
            counts.insert(name.to_string(), n);
        }
    }
    let meta = Meta {
        seq: Reflect::get(&v, &JsValue::from_str("seq"))
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u64,
        dataset: Reflect::get(&v, &JsValue::from_str("dataset"))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default(),
    };
    (meta, counts)
}

fn meta_object(meta: &Meta, counts: &BTreeMap<String, f64>) -> Object {
    let o = Object::new();
    let number = |n: f64| JsValue::from_f64(n);
    let _ = Reflect::set(&o, &JsValue::from_str("seq"), &number(meta.seq as f64));
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("dataset"),
        &JsValue::from_str(&meta.dataset),
    );
    let c = Object::new();
    for (name, n) in counts {
        let _ = Reflect::set(&c, &JsValue::from_str(name), &number(*n));
    }
    let _ = Reflect::set(&o, &JsValue::from_str("counts"), &c);
    o
}

fn all_stores() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Kind::ALL.iter().map(|k| k.name()).collect();
    names.push(META);
    names
}

impl IdbStore {
    fn read_tx(&self, names: &[&str]) -> Result<Transaction, StoreError> {
        self.db
            .transaction(names, TransactionMode::ReadOnly)
            .map_err(idb_error)
    }

    /// The meta and the counts, in a transaction of their own.
    async fn read_meta(&self) -> Result<(Meta, BTreeMap<String, f64>), StoreError> {
        let tx = self.read_tx(&[META])?;
        let store = tx.object_store(META).map_err(idb_error)?;
        let value = store
            .get(JsValue::from_str(META))
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        Ok(meta_and_counts(value))
    }

    /// Asks for the keys and values of the groups from `from` on (all when `None`), in a
    /// transaction of their own; the answers are awaited later.
    fn request_page(
        &self,
        kind: Kind,
        from: Option<[u8; 2]>,
        inclusive: bool,
        limit: usize,
    ) -> Result<PageRequests, StoreError> {
        let groups = self.groups_per_page(kind, limit);
        let tx = self.read_tx(&[kind.name()])?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let query = match from {
            Some(g) => Some(Query::KeyRange(
                KeyRange::lower_bound(&key_js(&g), Some(!inclusive)).map_err(idb_error)?,
            )),
            None => None,
        };
        let keys = store
            .get_all_keys(query.clone(), Some(groups))
            .map_err(idb_error)?;
        let values = store.get_all(query, Some(groups)).map_err(idb_error)?;
        Ok(PageRequests {
            keys,
            values,
            groups,
        })
    }

    /// Groups in a page of about `limit` records of `kind`, by the collection's size when
    /// known: a small collection is read whole in one request (each request is a
    /// transaction, milliseconds even for a few records: the 5,000-customer demo was ~40 of
    /// them), a large one [`GROUPS_PER_PAGE`] at a time.
    fn groups_per_page(&self, kind: Kind, limit: usize) -> u32 {
        let size = self.sizes.borrow().as_ref().and_then(|s| {
            let at = Kind::ALL.iter().position(|&k| k == kind)?;
            s.get(at).copied()
        });
        match size {
            Some(n) if n > 0 => {
                let groups = (limit as u64).saturating_mul(u64::from(GROUPS)) / n as u64;
                groups.clamp(u64::from(GROUPS_PER_PAGE), u64::from(GROUPS)) as u32
            }
            _ => GROUPS_PER_PAGE,
        }
    }

    /// Closes the connection (another tab's upgrade waits for it).
    pub fn close(&self) {
        self.db.close();
    }

    /// Writes the group of `key` behind the repository's back, with `value` as its bytes
    /// (tests damage a group, or one record inside a group, with it).
    pub async fn put_raw_group(
        &self,
        kind: Kind,
        key: &[u8],
        value: &JsValue,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[kind.name()], TransactionMode::ReadWrite)
            .map_err(idb_error)?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let o = Object::new();
        let _ = Reflect::set(&o, &JsValue::from_str("s"), &JsValue::from_f64(0.0));
        let _ = Reflect::set(&o, &JsValue::from_str("v"), value);
        store
            .put(&o, Some(&key_js(&group_of(key))))
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        finish(tx).await
    }
}

/// Waits for a transaction to commit; an abort is reported with its reason.
async fn finish(tx: Transaction) -> Result<(), StoreError> {
    let raw = web_sys::IdbTransaction::from(tx);
    let watcher = raw.clone();
    match Transaction::from(raw).await {
        Ok(TransactionResult::Committed) => Ok(()),
        Ok(TransactionResult::Aborted) => Err(watcher
            .error()
            .map(|ex| dom_error(&ex))
            .unwrap_or_else(|| StoreError::Failed("the transaction was aborted".into()))),
        Err(e) => Err(watcher
            .error()
            .map(|ex| dom_error(&ex))
            .unwrap_or_else(|| idb_error(e))),
    }
}

fn count_of(counts: &BTreeMap<String, f64>, kind: Kind) -> usize {
    counts.get(kind.name()).copied().unwrap_or(0.0).max(0.0) as usize
}

impl RecordStore for IdbStore {
    async fn meta(&self) -> Result<Meta, StoreError> {
        Ok(self.read_meta().await?.0)
    }

    async fn commit<I: Iterator<Item = Op>>(
        &self,
        commit: Commit<I>,
        progress: Option<Progress<'_>>,
    ) -> Result<u64, StoreError> {
        self.ended.borrow_mut().take();
        self.ahead.borrow_mut().clear();
        let names = all_stores();
        let tx = self
            .db
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(idb_error)?;
        let raw = web_sys::IdbTransaction::from(tx);
        let tx = Transaction::from(raw.clone());
        let fail = |e: StoreError| {
            let _ = raw.abort();
            e
        };
        let meta_store = tx.object_store(META).map_err(idb_error)?;
        let (mut meta, mut counts) = meta_and_counts(
            meta_store
                .get(JsValue::from_str(META))
                .map_err(idb_error)?
                .await
                .map_err(idb_error)?,
        );
        if let Some(expected) = commit.expect_seq
            && expected != meta.seq
        {
            return Err(fail(StoreError::Conflict));
        }
        let mut stores = Vec::with_capacity(Kind::ALL.len());
        for kind in Kind::ALL {
            stores.push(tx.object_store(kind.name()).map_err(idb_error)?);
        }
        let store_of = |kind: Kind| &stores[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)];
        let replacing = commit.replace.is_some();
        if let Some(dataset) = commit.replace {
            for store in &stores {
                store.clear().map_err(idb_error)?;
            }
            meta.dataset = dataset;
            counts.clear();
            // Counted from now on: every later commit adds what it changes.
            counts.insert(EVENTS.to_string(), 0.0);
        }
        // The events' number is kept up to date only where it is known to be right.
        let count_events = counts.contains_key(EVENTS);
        // Groups written in this transaction (after a clear, the others are known empty).
        let mut written: HashSet<(Kind, [u8; 2])> = HashSet::new();
        let mut done = 0usize;
        let mut flushed = 0usize;
        let mut ops = commit.ops.peekable();
        while let Some(first) = ops.next() {
            // The run of operations on one group (ops come sorted, so usually all of them).
            let (kind, group_key) = match &first {
                Op::Put { kind, key, .. } | Op::Delete { kind, key } => (*kind, group_of(key)),
            };
            let mut run = vec![first];
            while let Some(next) = ops.peek() {
                let same = match next {
                    Op::Put { kind: k, key, .. } | Op::Delete { kind: k, key } => {
                        *k == kind && group_of(key) == group_key
                    }
                };
                if !same {
                    break;
                }
                if let Some(op) = ops.next() {
                    run.push(op);
                }
            }
            let store = store_of(kind);
            let known_empty = replacing && !written.contains(&(kind, group_key));
            let (mut group, old_bytes) = if known_empty {
                (Group::default(), 0.0)
            } else {
                let value = store
                    .get(key_js(&group_key))
                    .map_err(|e| fail(idb_error(e)))?
                    .await
                    .map_err(|e| fail(idb_error(e)))?;
                match value {
                    None => (Group::default(), 0.0),
                    Some(value) => {
                        let group = group_from(&value);
                        let size = group_bytes(group.read_len, &group);
                        (group, size)
                    }
                }
            };
            let before = group.records.len();
            let events_in = |g: &Group| -> f64 {
                g.records
                    .iter()
                    .map(|r| event_log_len(&r.value) as f64)
                    .sum()
            };
            let events_before = if count_events && kind == Kind::EventLog {
                events_in(&group)
            } else {
                0.0
            };
            for op in run {
                done += 1;
                match op {
                    Op::Put { key, value, .. } => {
                        meta.seq += 1;
                        let record = StoredRecord {
                            key,
                            seq: meta.seq,
                            value,
                        };
                        match group.records.binary_search_by(|r| r.key.cmp(&record.key)) {
                            Ok(i) => group.records[i] = record,
                            Err(i) => group.records.insert(i, record),
                        }
                    }
                    Op::Delete { key, .. } => {
                        if let Ok(i) = group.records.binary_search_by(|r| r.key.cmp(&key)) {
                            group.records.remove(i);
                        }
                    }
                }
            }
            *counts.entry(kind.name().to_string()).or_default() +=
                group.records.len() as f64 - before as f64;
            if count_events && kind == Kind::EventLog {
                *counts.entry(EVENTS.to_string()).or_default() += events_in(&group) - events_before;
            }
            let request = if group.records.is_empty() && group.damaged.is_empty() {
                *counts.entry(BYTES.to_string()).or_default() -= old_bytes;
                store
                    .delete(Query::Key(key_js(&group_key)))
                    .map(Pending::Delete)
            } else {
                let encoded = encode_group(&group.records);
                *counts.entry(BYTES.to_string()).or_default() +=
                    group_bytes(encoded.len(), &group) - old_bytes;
                store
                    .put(&group_object(&group, &encoded), Some(&key_js(&group_key)))
                    .map(Pending::Put)
            };
            let request = request.map_err(|e| fail(idb_error(e)))?;
            written.insert((kind, group_key));
            flushed += 1;
            // Every few groups, wait for the browser: the transaction stays alive (the wait
            // ends in a success event) and the page paints in between.
            if flushed.is_multiple_of(SLICE) {
                let waited = match request {
                    Pending::Put(r) => r.await.map(|_| ()),
                    Pending::Delete(r) => r.await.map(|_| ()),
                };
                if let Err(e) = waited {
                    return Err(fail(
                        raw.error()
                            .map(|ex| dom_error(&ex))
                            .unwrap_or_else(|| idb_error(e)),
                    ));
                }
                if let Some(p) = progress {
                    p(done, commit.total);
                }
            }
        }
        meta_store
            .put(&meta_object(&meta, &counts), Some(&JsValue::from_str(META)))
            .map_err(|e| fail(idb_error(e)))?;
        finish(tx).await?;
        if let Some(p) = progress {
            p(done, commit.total);
        }
        Ok(meta.seq)
    }

    async fn read_page(
        &self,
        kind: Kind,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        // The previous page was this collection's last, and `after` is in its last group.
        let ended = self.ended.borrow_mut().take();
        if let (Some((k, last)), Some(a)) = (ended, after)
            && k == kind
            && group_of(a) >= last
        {
            return Ok(Vec::new());
        }
        // The page asked for ahead, if this is it: the first page, or the groups after the
        // previous page's last one, which the previous page held whole. The collection's other
        // pages asked for ahead are not this reading's any more.
        let ahead = {
            let mut all = self.ahead.borrow_mut();
            let at = all
                .iter()
                .position(|a| a.kind == kind && a.after.as_deref() == after);
            let found = at.map(|at| all.swap_remove(at));
            all.retain(|a| a.kind != kind);
            found
        };
        // Whole groups from the one holding `after` on; a group read to its end yields nothing
        // new, so go on to the next ones until something is found or none are left.
        let mut from = after.map(group_of);
        let mut inclusive = true;
        let mut requests = ahead.map(|a| a.page);
        loop {
            let page = match requests.take() {
                Some(page) => page,
                None => self.request_page(kind, from, inclusive, limit)?,
            };
            let asked = page.groups;
            let keys = answer(page.keys).await?;
            let values = answer(page.values).await?;
            self.since_wait.set(js_sys::Date::now());
            if values.is_empty() {
                return Ok(Vec::new());
            }
            let last = keys.last().and_then(group_key_of);
            // A page that ends at the last group possible is the collection's last too.
            let full = values.len() >= asked as usize
                && last.is_some_and(|g| u32::from(u16::from_be_bytes(g)) + 1 < GROUPS);
            let mut out = Vec::new();
            for (key, value) in keys.iter().zip(&values) {
                let Some(group_key) = group_key_of(key) else {
                    continue;
                };
                out.extend(
                    records_of(group_key, group_from(value))
                        .filter(|r| after.is_none_or(|a| r.key.as_slice() > a)),
                );
            }
            if !out.is_empty() {
                match last {
                    Some(last) if !full => *self.ended.borrow_mut() = Some((kind, last)),
                    // More groups may follow: ask for them now, read while this page is
                    // decoded.
                    Some(last) => {
                        if let (Some(r), Ok(page)) = (
                            out.last(),
                            self.request_page(kind, Some(last), false, limit),
                        ) {
                            self.ahead.borrow_mut().push(Ahead {
                                kind,
                                after: Some(r.key.clone()),
                                page,
                            });
                        }
                    }
                    None => {}
                }
                return Ok(out);
            }
            // Past the last group read (a key that is not a group's ends the reading).
            let Some(last) = last else {
                return Ok(Vec::new());
            };
            from = Some(last);
            inclusive = false;
        }
    }

    fn expect_reads(&self, kinds: &[Kind], limit: usize) {
        let mut ahead = self.ahead.borrow_mut();
        for &kind in kinds {
            if ahead.iter().any(|a| a.kind == kind && a.after.is_none()) {
                continue;
            }
            // A request that cannot be made now is made again when the page is asked for.
            if let Ok(page) = self.request_page(kind, None, true, limit) {
                ahead.push(Ahead {
                    kind,
                    after: None,
                    page,
                });
            }
        }
    }

    async fn changed_since(
        &self,
        kind: Kind,
        seq: u64,
        _limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let tx = self.read_tx(&[kind.name()])?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let index = store.index(SEQ_INDEX).map_err(idb_error)?;
        let range =
            KeyRange::lower_bound(&JsValue::from_f64(seq as f64), Some(true)).map_err(idb_error)?;
        let values = index
            .get_all(Some(Query::KeyRange(range)), None)
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        let mut out: Vec<StoredRecord> = values
            .iter()
            .flat_map(|v| group_from(v).records)
            .filter(|r| r.seq > seq)
            .collect();
        kezhi_core::sorting::sort_by_key(&mut out, |r| r.seq);
        Ok(out)
    }

    async fn count(&self, kind: Kind) -> Result<usize, StoreError> {
        let (_, counts) = self.read_meta().await?;
        Ok(count_of(&counts, kind))
    }

    async fn counts(&self) -> Result<Vec<usize>, StoreError> {
        Ok(self.counts_and_events().await?.0)
    }

    async fn counts_and_events(&self) -> Result<(Vec<usize>, Option<usize>), StoreError> {
        let (_, counts) = self.read_meta().await?;
        let events = counts.get(EVENTS).map(|n| n.max(0.0) as usize);
        let sizes: Vec<usize> = Kind::ALL.iter().map(|&k| count_of(&counts, k)).collect();
        *self.sizes.borrow_mut() = Some(sizes.clone());
        Ok((sizes, events))
    }

    /// Lets the browser run once the work since the last wait (here or for a request) has
    /// taken [`WORK_BEFORE_PAUSE_MS`]; otherwise goes on at once.
    async fn pause(&self) {
        if js_sys::Date::now() - self.since_wait.get() < WORK_BEFORE_PAUSE_MS {
            return;
        }
        crate::next_task().await;
        self.since_wait.set(js_sys::Date::now());
    }

    async fn usage(&self) -> Result<u64, StoreError> {
        let (_, counts) = self.read_meta().await?;
        Ok(counts.get(BYTES).copied().unwrap_or(0.0).max(0.0) as u64)
    }
}

enum Pending {
    Put(idb::request::PutStoreRequest),
    Delete(idb::request::DeleteStoreRequest),
}
