//! IndexedDB behind [`kezhi_core::store::records::RecordStore`], through the `idb` crate.
//!
//! Schema (version 1): one object store per record kind, each record an object
//! `{k: key bytes, s: sequence number, v: value bytes}` with `k` as its key path and an
//! index `seq` on `s` (what "changed since" reads); a `meta` store holds the last sequence
//! number and the dataset id under the key `meta`. A commit is one read-write transaction
//! over all stores: the meta is read and checked first, then the operations are issued a
//! slice at a time (each slice waits for its last request, which keeps the transaction alive
//! and lets the page paint in between), then the new meta is written.

use idb::{
    Database, DatabaseEvent, Factory, IndexParams, KeyPath, KeyRange, ObjectStoreParams, Query,
    Transaction, TransactionMode, TransactionResult,
};
use js_sys::{Object, Reflect, Uint8Array};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::{Commit, Kind, Meta, Op, Progress, RecordStore, StoredRecord};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// The database's name for the app.
pub const DB_NAME: &str = "kezhi";
/// The schema version this code creates and reads.
pub const DB_VERSION: u32 = 1;
const META: &str = "meta";
const SEQ_INDEX: &str = "seq";
/// Operations issued before waiting for the browser: a few milliseconds of work each.
const SLICE: usize = 2_000;

/// An open connection. Cheap to clone.
#[derive(Clone)]
pub struct IdbStore {
    db: Rc<Database>,
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
            let mut params = ObjectStoreParams::new();
            params.key_path(Some(KeyPath::new_single("k")));
            if let Ok(store) = db.create_object_store(kind.name(), params) {
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
    Ok(IdbStore { db: Rc::new(db) })
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

fn record_object(key: &[u8], seq: u64, value: &[u8]) -> Object {
    let o = Object::new();
    // Setting own properties on a fresh object cannot fail.
    let _ = Reflect::set(&o, &JsValue::from_str("k"), &Uint8Array::from(key));
    let _ = Reflect::set(&o, &JsValue::from_str("s"), &JsValue::from_f64(seq as f64));
    let _ = Reflect::set(&o, &JsValue::from_str("v"), &Uint8Array::from(value));
    o
}

fn stored_record(o: &JsValue) -> Result<StoredRecord, StoreError> {
    let bytes = |name: &str| -> Result<Vec<u8>, StoreError> {
        Reflect::get(o, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|a| a.to_vec())
            .ok_or_else(|| StoreError::Failed(format!("a stored record has no `{name}`")))
    };
    let seq = Reflect::get(o, &JsValue::from_str("s"))
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0) as u64;
    Ok(StoredRecord {
        key: bytes("k")?,
        seq,
        // A value that is not bytes (written by someone else) reads as empty: the record
        // repository reports it as damaged and leaves it alone.
        value: bytes("v").unwrap_or_default(),
    })
}

fn meta_of(value: Option<JsValue>) -> Meta {
    let Some(v) = value.filter(|v| v.is_object()) else {
        return Meta::default();
    };
    Meta {
        seq: Reflect::get(&v, &JsValue::from_str("seq"))
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u64,
        dataset: Reflect::get(&v, &JsValue::from_str("dataset"))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default(),
    }
}

fn meta_object(meta: &Meta) -> Object {
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("seq"),
        &JsValue::from_f64(meta.seq as f64),
    );
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("dataset"),
        &JsValue::from_str(&meta.dataset),
    );
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

    /// Closes the connection (another tab's upgrade waits for it).
    pub fn close(&self) {
        self.db.close();
    }

    /// Writes a value behind the repository's back (tests damage a record with it).
    pub async fn put_raw(&self, kind: Kind, key: &[u8], value: &JsValue) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[kind.name()], TransactionMode::ReadWrite)
            .map_err(idb_error)?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let o = record_object(key, 0, &[]);
        let _ = Reflect::set(&o, &JsValue::from_str("v"), value);
        store
            .put(&o, None)
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

impl RecordStore for IdbStore {
    async fn meta(&self) -> Result<Meta, StoreError> {
        let tx = self.read_tx(&[META])?;
        let store = tx.object_store(META).map_err(idb_error)?;
        let value = store
            .get(JsValue::from_str(META))
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        Ok(meta_of(value))
    }

    async fn commit<I: Iterator<Item = Op>>(
        &self,
        commit: Commit<I>,
        progress: Option<Progress<'_>>,
    ) -> Result<u64, StoreError> {
        let names = all_stores();
        let tx = self
            .db
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(idb_error)?;
        let raw = web_sys::IdbTransaction::from(tx);
        let tx = Transaction::from(raw.clone());
        let meta_store = tx.object_store(META).map_err(idb_error)?;
        let current = meta_of(
            meta_store
                .get(JsValue::from_str(META))
                .map_err(idb_error)?
                .await
                .map_err(idb_error)?,
        );
        if let Some(expected) = commit.expect_seq
            && expected != current.seq
        {
            let _ = raw.abort();
            return Err(StoreError::Conflict);
        }
        let mut stores = Vec::with_capacity(Kind::ALL.len());
        for kind in Kind::ALL {
            stores.push(tx.object_store(kind.name()).map_err(idb_error)?);
        }
        let store_of = |kind: Kind| &stores[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)];
        let mut meta = current;
        if let Some(dataset) = commit.replace {
            for store in &stores {
                store.clear().map_err(idb_error)?;
            }
            meta.dataset = dataset;
        }
        let mut done = 0usize;
        let mut ops = commit.ops.peekable();
        while ops.peek().is_some() {
            let mut last = None;
            for op in ops.by_ref().take(SLICE) {
                let request = match op {
                    Op::Put { kind, key, value } => {
                        meta.seq += 1;
                        let o = record_object(&key, meta.seq, &value);
                        store_of(kind).put(&o, None).map(Pending::Put)
                    }
                    Op::Delete { kind, key } => store_of(kind)
                        .delete(Query::Key(Uint8Array::from(key.as_slice()).into()))
                        .map(Pending::Delete),
                };
                match request {
                    Ok(r) => last = Some(r),
                    Err(e) => {
                        let _ = raw.abort();
                        return Err(idb_error(e));
                    }
                }
                done += 1;
            }
            // Waiting for the slice's last request keeps the transaction active (its
            // continuation runs in the success event) and lets the browser paint.
            if let Some(r) = last {
                let waited = match r {
                    Pending::Put(r) => r.await.map(|_| ()),
                    Pending::Delete(r) => r.await.map(|_| ()),
                };
                if let Err(e) = waited {
                    let _ = raw.abort();
                    return Err(raw
                        .error()
                        .map(|ex| dom_error(&ex))
                        .unwrap_or_else(|| idb_error(e)));
                }
            }
            if let Some(p) = progress {
                p(done, commit.total);
            }
        }
        meta_store
            .put(&meta_object(&meta), Some(&JsValue::from_str(META)))
            .map_err(idb_error)?;
        finish(tx).await?;
        Ok(meta.seq)
    }

    async fn read_page(
        &self,
        kind: Kind,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let tx = self.read_tx(&[kind.name()])?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let query = match after {
            Some(a) => Some(Query::KeyRange(
                KeyRange::lower_bound(&Uint8Array::from(a).into(), Some(true))
                    .map_err(idb_error)?,
            )),
            None => None,
        };
        let limit = u32::try_from(limit).ok();
        let values = store
            .get_all(query, limit)
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        values.iter().map(stored_record).collect()
    }

    async fn changed_since(
        &self,
        kind: Kind,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let tx = self.read_tx(&[kind.name()])?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let index = store.index(SEQ_INDEX).map_err(idb_error)?;
        let range =
            KeyRange::lower_bound(&JsValue::from_f64(seq as f64), Some(true)).map_err(idb_error)?;
        let values = index
            .get_all(Some(Query::KeyRange(range)), u32::try_from(limit).ok())
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        values.iter().map(stored_record).collect()
    }

    async fn count(&self, kind: Kind) -> Result<usize, StoreError> {
        let tx = self.read_tx(&[kind.name()])?;
        let store = tx.object_store(kind.name()).map_err(idb_error)?;
        let n = store
            .count(None)
            .map_err(idb_error)?
            .await
            .map_err(idb_error)?;
        Ok(n as usize)
    }
}

enum Pending {
    Put(idb::request::PutStoreRequest),
    Delete(idb::request::DeleteStoreRequest),
}
