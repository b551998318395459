//! An in-memory CouchDB for native tests: the part of the HTTP API sync uses, with CouchDB's
//! revision rules (a write must name the current revision; a deleted document can be written
//! again), a `_changes` feed with sequence numbers, and faults on demand (down, a status on
//! the next requests, refused credentials). End-to-end tests use a real server
//! (pouchdb-server); this one lets the engine's rules be tested exactly and fast.

use super::couch::{Method, NetError, Request, Response, Transport};
use super::doc::fnv1a;
use serde_json::{Map, Value, json};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
struct Stored {
    rev: u64,
    hash: String,
    deleted: bool,
    body: Map<String, Value>,
    seq: u64,
}

impl Stored {
    fn rev(&self) -> String {
        format!("{}-{}", self.rev, self.hash)
    }
    fn json(&self, id: &str) -> Value {
        let mut m = self.body.clone();
        m.insert("_id".into(), json!(id));
        m.insert("_rev".into(), json!(self.rev()));
        if self.deleted {
            m.insert("_deleted".into(), json!(true));
        }
        Value::Object(m)
    }
}

#[derive(Default)]
pub struct FakeCouch {
    db: RefCell<Option<String>>,
    docs: RefCell<BTreeMap<String, Stored>>,
    seq: Cell<u64>,
    /// No answer at all (server down, network cut).
    pub down: Cell<bool>,
    /// Answer every request with 401.
    pub refuse: Cell<bool>,
    /// Answer this many of the next requests with this status.
    pub fail: Cell<Option<(u16, usize)>>,
    /// Answer the `_bulk_docs` requests after this many more with a 500 (a cut mid-push).
    pub fail_bulk_after: Cell<Option<usize>>,
    /// Write the `_bulk_docs` request after this many more, then go down before answering (the
    /// server died, or the connection was cut, after the batch was written).
    pub lose_bulk_answer_after: Cell<Option<usize>>,
    /// Go down after this many more requests (a cut in the middle of a sync).
    pub down_after: Cell<Option<usize>>,
    /// Requests received, by kind of call (`bulk`, `changes`, `all_docs`, …).
    pub calls: RefCell<BTreeMap<&'static str, usize>>,
}

fn respond(status: u16, body: Value) -> Result<Response, NetError> {
    Ok(Response {
        status,
        body: body.to_string(),
    })
}

fn query(path: &str) -> (String, BTreeMap<String, String>) {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let params = q
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), decode(v))
        })
        .collect();
    (p.to_string(), params)
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl FakeCouch {
    /// A server with this database already created.
    pub fn with_db(name: &str) -> Self {
        let f = FakeCouch::default();
        *f.db.borrow_mut() = Some(name.to_string());
        f
    }

    /// The live (not deleted) documents, by id, as JSON with `_rev`.
    pub fn docs(&self) -> BTreeMap<String, Value> {
        self.docs
            .borrow()
            .iter()
            .filter(|(_, s)| !s.deleted)
            .map(|(id, s)| (id.clone(), s.json(id)))
            .collect()
    }

    pub fn doc(&self, id: &str) -> Option<Value> {
        self.docs.borrow().get(id).map(|s| s.json(id))
    }

    /// Writes a document as another tool would (`PUT` with the current revision, or new).
    pub fn put(&self, doc: Value) -> Result<String, String> {
        match self.write(doc) {
            Ok(rev) => Ok(rev),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn calls(&self, what: &'static str) -> usize {
        self.calls.borrow().get(what).copied().unwrap_or(0)
    }

    fn count(&self, what: &'static str) {
        *self.calls.borrow_mut().entry(what).or_default() += 1;
    }

    fn write(&self, doc: Value) -> Result<String, &'static str> {
        let Value::Object(mut m) = doc else {
            return Err("bad_request");
        };
        let Some(id) = m.remove("_id").and_then(|v| v.as_str().map(str::to_string)) else {
            return Err("bad_request");
        };
        let given = m
            .remove("_rev")
            .and_then(|v| v.as_str().map(str::to_string));
        let deleted = matches!(m.remove("_deleted"), Some(Value::Bool(true)));
        let mut docs = self.docs.borrow_mut();
        let prev = docs.get(&id);
        let next_rev = match (prev, &given) {
            (Some(p), Some(g)) if p.rev() == *g => p.rev + 1,
            (Some(p), None) if p.deleted => p.rev + 1,
            (None, None) => 1,
            _ => return Err("conflict"),
        };
        let seq = self.seq.get() + 1;
        self.seq.set(seq);
        let text = format!("{next_rev}{deleted}{}", Value::Object(m.clone()));
        let stored = Stored {
            rev: next_rev,
            hash: format!(
                "{:016x}{:016x}",
                fnv1a(text.as_bytes()),
                fnv1a(id.as_bytes())
            ),
            deleted,
            body: m,
            seq,
        };
        let rev = stored.rev();
        docs.insert(id, stored);
        Ok(rev)
    }

    fn handle(&self, r: Request) -> Result<Response, NetError> {
        if let Some(n) = self.down_after.get() {
            if n == 0 {
                self.down.set(true);
                self.down_after.set(None);
            } else {
                self.down_after.set(Some(n - 1));
            }
        }
        if self.down.get() {
            return Err(NetError::Unreachable);
        }
        if self.refuse.get() {
            return respond(401, json!({"error": "unauthorized"}));
        }
        if let Some((status, n)) = self.fail.get() {
            self.fail.set((n > 1).then_some((status, n - 1)));
            return respond(status, json!({"error": "unknown"}));
        }
        let (path, params) = query(&r.path);
        let parts: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        let body: Value = r
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        if parts.is_empty() {
            return respond(200, json!({"couchdb": "Welcome", "version": "fake"}));
        }
        let exists = self.db.borrow().as_deref() == Some(parts[0].as_str());
        match (r.method, parts.get(1).map(String::as_str)) {
            (Method::Put, None) => {
                if exists {
                    return respond(412, json!({"error": "file_exists"}));
                }
                *self.db.borrow_mut() = Some(parts[0].clone());
                respond(201, json!({"ok": true}))
            }
            _ if !exists => respond(
                404,
                json!({"error": "not_found", "reason": "Database does not exist."}),
            ),
            (Method::Get, None) => {
                let n = self.docs.borrow().values().filter(|s| !s.deleted).count();
                respond(
                    200,
                    json!({"db_name": parts[0], "doc_count": n, "update_seq": self.seq.get()}),
                )
            }
            (Method::Post, Some("_bulk_docs")) => {
                self.count("bulk");
                if let Some(n) = self.fail_bulk_after.get() {
                    if n == 0 {
                        return respond(500, json!({"error": "internal"}));
                    }
                    self.fail_bulk_after.set(Some(n - 1));
                }
                let docs = body["docs"].as_array().cloned().unwrap_or_default();
                let rows: Vec<Value> = docs
                    .into_iter()
                    .map(|d| {
                        let id = d["_id"].as_str().unwrap_or_default().to_string();
                        match self.write(d) {
                            Ok(rev) => json!({"ok": true, "id": id, "rev": rev}),
                            Err(e) => json!({"id": id, "error": e, "reason": e}),
                        }
                    })
                    .collect();
                if let Some(n) = self.lose_bulk_answer_after.get() {
                    if n == 0 {
                        self.lose_bulk_answer_after.set(None);
                        self.down.set(true);
                        return Err(NetError::Unreachable);
                    }
                    self.lose_bulk_answer_after.set(Some(n - 1));
                }
                respond(201, Value::Array(rows))
            }
            (Method::Post, Some("_all_docs")) => {
                self.count("all_docs");
                let include = params.get("include_docs").map(String::as_str) == Some("true");
                let docs = self.docs.borrow();
                let rows: Vec<Value> = body["keys"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|k| {
                        let id = k.as_str().unwrap_or_default();
                        match docs.get(id) {
                            Some(s) => {
                                let mut row =
                                    json!({"id": id, "key": id, "value": {"rev": s.rev()}});
                                if s.deleted {
                                    row["value"]["deleted"] = json!(true);
                                    row["doc"] = Value::Null;
                                } else if include {
                                    row["doc"] = s.json(id);
                                }
                                row
                            }
                            None => json!({"key": id, "error": "not_found"}),
                        }
                    })
                    .collect();
                respond(200, json!({"rows": rows}))
            }
            (Method::Get, Some("_all_docs")) => {
                self.count("all_docs");
                let start: Option<String> = params
                    .get("startkey")
                    .and_then(|k| serde_json::from_str(k).ok());
                let limit: usize = params
                    .get("limit")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(usize::MAX);
                let docs = self.docs.borrow();
                let rows: Vec<Value> = docs
                    .iter()
                    .filter(|(id, s)| !s.deleted && start.as_ref().is_none_or(|k| *id >= k))
                    .take(limit)
                    .map(|(id, s)| json!({"id": id, "key": id, "value": {"rev": s.rev()}}))
                    .collect();
                respond(200, json!({"total_rows": docs.len(), "rows": rows}))
            }
            (Method::Get, Some("_changes")) => {
                self.count("changes");
                let since: u64 = params
                    .get("since")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let limit: usize = params
                    .get("limit")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(usize::MAX);
                let docs = self.docs.borrow();
                let mut changed: Vec<(&String, &Stored)> =
                    docs.iter().filter(|(_, s)| s.seq > since).collect();
                changed.sort_by_key(|(_, s)| s.seq);
                changed.truncate(limit);
                let last = changed
                    .last()
                    .map_or(self.seq.get().max(since), |(_, s)| s.seq);
                let results: Vec<Value> = changed
                    .into_iter()
                    .map(|(id, s)| {
                        json!({"seq": s.seq, "id": id, "changes": [{"rev": s.rev()}], "deleted": s.deleted, "doc": s.json(id)})
                    })
                    .collect();
                respond(200, json!({"results": results, "last_seq": last}))
            }
            (Method::Get, Some(id)) => {
                let docs = self.docs.borrow();
                match docs.get(id) {
                    Some(s) if params.get("rev") == Some(&s.rev()) || !s.deleted => {
                        respond(200, s.json(id))
                    }
                    _ => respond(404, json!({"error": "not_found"})),
                }
            }
            _ => respond(400, json!({"error": "bad_request"})),
        }
    }
}

impl Transport for &FakeCouch {
    async fn send(&self, request: Request) -> Result<Response, NetError> {
        self.handle(request)
    }
}

/// A device's sync state kept in memory.
#[derive(Default)]
pub struct MemoryState {
    pub state: RefCell<super::engine::SyncState>,
    /// Saves so far (each a point a cut can resume from).
    pub saves: Cell<usize>,
}

impl super::engine::StateStore for &MemoryState {
    async fn load(&self) -> Result<super::engine::SyncState, String> {
        Ok(self.state.borrow().clone())
    }
    async fn save(
        &self,
        state: &super::engine::SyncState,
        _changed: &[super::engine::DocKey],
    ) -> Result<(), String> {
        *self.state.borrow_mut() = state.clone();
        self.saves.set(self.saves.get() + 1);
        Ok(())
    }
    async fn clear(&self) -> Result<(), String> {
        *self.state.borrow_mut() = Default::default();
        Ok(())
    }
}

/// A device's data in memory.
#[derive(Default)]
pub struct MemoryReplica {
    pub data: RefCell<crate::Dataset>,
    pub version: Cell<u64>,
    /// Segments, funnels, settings as shared items.
    pub shared: RefCell<Vec<super::shared::SharedItem>>,
}

impl MemoryReplica {
    pub fn new(data: crate::Dataset) -> Self {
        MemoryReplica {
            data: RefCell::new(data),
            version: Cell::new(0),
            shared: RefCell::new(Vec::new()),
        }
    }
    /// A local edit (as the app's `Store::change` makes one).
    pub fn edit(&self, f: impl FnOnce(&mut crate::Dataset)) {
        f(&mut self.data.borrow_mut());
        self.version.set(self.version.get() + 1);
    }
}

impl super::engine::Replica for &MemoryReplica {
    fn read<R>(&self, f: impl FnOnce(&crate::Dataset) -> R) -> R {
        f(&self.data.borrow())
    }
    fn version(&self) -> u64 {
        self.version.get()
    }
    async fn apply(&self, incoming: super::apply::Incoming) -> Result<(), String> {
        super::apply::apply_incoming(&mut self.data.borrow_mut(), incoming);
        self.version.set(self.version.get() + 1);
        Ok(())
    }
    fn shared(&self) -> Vec<super::shared::SharedItem> {
        self.shared.borrow().clone()
    }
    async fn apply_shared(&self, changes: Vec<super::shared::SharedChange>) -> Result<(), String> {
        let mut items = self.shared.borrow_mut();
        for c in changes {
            items.retain(|i| !(i.kind == c.kind && i.id == c.id));
            if let Some(item) = c.item {
                items.push(item);
            }
        }
        Ok(())
    }
}
