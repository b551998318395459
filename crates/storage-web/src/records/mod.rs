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
//!
//! Here: the connection (`IdbStore`) and its errors; database (open, upgrade, delete), layout
//! (the stored values), read_ahead (pages asked for early), record_store (the `RecordStore`).

mod database;
mod layout;
mod read_ahead;
mod record_store;

pub use database::{begin_open, delete, open, open_version};

use idb::{Database, Transaction, TransactionMode, TransactionResult};
use js_sys::{Object, Reflect};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::group::group_of;
use kezhi_core::store::records::{Kind, Meta};
use layout::{key_js, meta_and_counts};
use read_ahead::Ahead;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;

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
/// Milliseconds of writing after which a commit waits for the browser, however few groups
/// it wrote: groups of event logs can take milliseconds each to encode.
const SLICE_MS: f64 = 30.0;
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
