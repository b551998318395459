//! [`RecordStore`] for [`IdbStore`]: a commit (each group read, changed and written back in
//! one transaction), pages by key, changes since a number, the counts.

use super::layout::{
    Group, group_bytes, group_from, group_key_of, group_object, key_js, meta_and_counts,
    meta_object, records_of,
};
use super::read_ahead::{Ahead, answer};
use super::{
    BYTES, EVENTS, GROUPS, IdbStore, META, SEQ_INDEX, SLICE, SLICE_MS, WORK_BEFORE_PAUSE_MS,
    all_stores, count_of, dom_error, finish, idb_error,
};
use idb::{KeyRange, Query, Transaction, TransactionMode};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::group::{encode_group, group_of};
use kezhi_core::store::records::{
    Commit, Kind, Meta, Op, Progress, RecordStore, StoredRecord, event_log_len,
};
use std::collections::HashSet;
use wasm_bindgen::JsValue;

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
        let mut slice_start = js_sys::Date::now();
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
            // Every few groups, or sooner when they took long (an event log's group of a
            // restore or an import is encoded here), wait for the browser: the transaction
            // stays alive (the wait ends in a success event) and the page paints in between.
            if flushed.is_multiple_of(SLICE) || js_sys::Date::now() - slice_start >= SLICE_MS {
                slice_start = js_sys::Date::now();
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
            // A page read ahead that is there already is read without a wait: the work since
            // the last one goes on counting, and past half a slice the browser runs first
            // (without this, the work on one page, reading the next and working on it made
            // one task of 110 ms at 500,000 customers).
            let waits = !page.is_done();
            if !waits {
                self.pause_after(WORK_BEFORE_PAUSE_MS / 2.0).await;
            }
            let keys = answer(page.keys).await?;
            let values = answer(page.values).await?;
            if waits {
                self.since_wait.set(js_sys::Date::now());
            }
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
        self.pause_after(WORK_BEFORE_PAUSE_MS).await;
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
