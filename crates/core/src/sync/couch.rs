//! CouchDB's documented HTTP API, over any [`Transport`] (the browser's `fetch` in the app, an
//! in-memory fake in tests). Only what sync needs: server and database info, creating the
//! database, `_all_docs` by keys, `_bulk_docs`, and `_changes` (normal and long-poll).
//!
//! Credentials are the transport's business (it adds the `Authorization` header): nothing
//! here, and so no error message, ever holds them.

use super::doc::Doc;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

/// A request, its path relative to the server's URL (`/kezhi/_changes?since=0`).
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// JSON.
    pub body: Option<String>,
    /// Give up after this long (a long-poll asks for more than its own timeout).
    pub timeout_ms: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// A request that got no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// No answer: offline, the host unknown or refusing, or the browser blocked the answer
    /// (CORS) — a page cannot tell these apart.
    Unreachable,
    /// No answer within the request's time limit.
    Timeout,
    /// Cancelled by us (sync paused, a long-poll cut short by a local edit).
    Aborted,
}

#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, request: Request) -> Result<Response, NetError>;
}

/// Why a sync step failed, as codes (the app says them in words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncError {
    Net(NetError),
    /// 401 or 403: "check user name and password".
    Unauthorized,
    /// 404 on the database.
    NoDatabase,
    /// Any other unexpected status (a 500…).
    Status(u16),
    /// The server answered something that is not CouchDB's JSON.
    BadResponse,
    /// Writing what was pulled to this device failed (its message).
    Local(String),
}

impl SyncError {
    /// Whether trying again later may help (else sync stops until the user acts).
    pub fn retryable(&self) -> bool {
        !matches!(self, SyncError::Unauthorized | SyncError::NoDatabase)
    }
}

/// The server's answer to "test connection".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Reachable, credentials accepted, the database exists with this many documents.
    Ready {
        docs: u64,
    },
    /// Reachable and credentials accepted (as far as the server says), no such database.
    NoDatabase,
    Failed(SyncError),
}

/// Percent-encodes a query value or a path segment (RFC 3986 unreserved characters stay).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

const TIMEOUT_MS: u32 = 30_000;

pub struct CouchClient<T> {
    pub transport: T,
    db: String,
}

/// A row of `_all_docs` with `keys`.
#[derive(Clone, Debug, PartialEq)]
pub struct RevInfo {
    pub id: String,
    /// `None`: no such document.
    pub rev: Option<String>,
    pub deleted: bool,
    pub doc: Option<Doc>,
}

/// The answer for one document of `_bulk_docs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkResult {
    Ok {
        id: String,
        rev: String,
    },
    Conflict {
        id: String,
    },
    /// Refused otherwise (`forbidden` by a validation function…): the error and reason.
    Refused {
        id: String,
        error: String,
    },
}

/// One page of `_changes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Changes {
    pub docs: Vec<Doc>,
    /// The checkpoint after this page (opaque: a number or a string, kept as sent).
    pub last_seq: String,
    /// Entries on this page (a page shorter than the limit is the last).
    pub rows: usize,
}

#[derive(Deserialize)]
struct DbInfo {
    #[serde(default)]
    doc_count: u64,
}

#[derive(Deserialize)]
struct AllDocs {
    rows: Vec<AllDocsRow>,
}

#[derive(Deserialize)]
struct AllDocsRow {
    #[serde(default)]
    id: Option<String>,
    key: Value,
    #[serde(default)]
    value: Option<RowValue>,
    #[serde(default)]
    doc: Option<Value>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct RowValue {
    rev: String,
    #[serde(default)]
    deleted: bool,
}

#[derive(Deserialize)]
struct BulkRow {
    #[serde(default)]
    id: String,
    #[serde(default)]
    rev: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    ok: Option<bool>,
}

#[derive(Deserialize)]
struct ChangesPage {
    results: Vec<ChangeRow>,
    last_seq: Value,
}

#[derive(Deserialize)]
struct ChangeRow {
    #[serde(default)]
    doc: Option<Value>,
}

/// A sequence value as sent back in `since` (numbers as digits, strings as they are).
fn seq_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<T: Transport> CouchClient<T> {
    pub fn new(transport: T, db: &str) -> Self {
        CouchClient {
            transport,
            db: encode(db),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: String,
        body: Option<Value>,
        timeout_ms: u32,
    ) -> Result<Response, SyncError> {
        self.transport
            .send(Request {
                method,
                path,
                body: body.map(|b| b.to_string()),
                timeout_ms,
            })
            .await
            .map_err(SyncError::Net)
    }

    /// Maps the statuses every call shares; `Ok` for 2xx.
    fn status(&self, r: &Response) -> Result<(), SyncError> {
        match r.status {
            200..=299 => Ok(()),
            401 | 403 => Err(SyncError::Unauthorized),
            404 => Err(SyncError::NoDatabase),
            s => Err(SyncError::Status(s)),
        }
    }

    fn json<D: for<'de> Deserialize<'de>>(&self, r: &Response) -> Result<D, SyncError> {
        self.status(r)?;
        serde_json::from_str(&r.body).map_err(|_| SyncError::BadResponse)
    }

    /// Test connection: is the server there, are we let in, does the database exist?
    pub async fn check(&self) -> Check {
        let root = match self.call(Method::Get, "/".into(), None, TIMEOUT_MS).await {
            Ok(r) => r,
            Err(e) => return Check::Failed(e),
        };
        // A server may let anyone read `/` and still refuse the database: ask both.
        if let Err(e) = self.status(&root) {
            return Check::Failed(e);
        }
        if serde_json::from_str::<Value>(&root.body).is_err() {
            return Check::Failed(SyncError::BadResponse);
        }
        match self.db_info().await {
            Ok(docs) => Check::Ready { docs },
            Err(SyncError::NoDatabase) => Check::NoDatabase,
            Err(e) => Check::Failed(e),
        }
    }

    /// Number of documents in the database.
    pub async fn db_info(&self) -> Result<u64, SyncError> {
        let r = self
            .call(Method::Get, format!("/{}", self.db), None, TIMEOUT_MS)
            .await?;
        Ok(self.json::<DbInfo>(&r)?.doc_count)
    }

    /// Creates the database (an existing one is fine).
    pub async fn create_db(&self) -> Result<(), SyncError> {
        let r = self
            .call(Method::Put, format!("/{}", self.db), None, TIMEOUT_MS)
            .await?;
        if r.status == 412 {
            return Ok(());
        }
        // 404 here is not "no database" but a server that cannot create one.
        if r.status == 404 {
            return Err(SyncError::Status(404));
        }
        self.status(&r)
    }

    /// Current revisions of these documents (`POST /db/_all_docs` with `keys`), with the
    /// documents themselves when `docs`.
    pub async fn revs(&self, ids: &[String], docs: bool) -> Result<Vec<RevInfo>, SyncError> {
        let path = if docs {
            format!("/{}/_all_docs?include_docs=true", self.db)
        } else {
            format!("/{}/_all_docs", self.db)
        };
        let r = self
            .call(Method::Post, path, Some(json!({ "keys": ids })), TIMEOUT_MS)
            .await?;
        let page: AllDocs = self.json(&r)?;
        Ok(page
            .rows
            .into_iter()
            .map(|row| {
                let id = row
                    .id
                    .or_else(|| row.key.as_str().map(str::to_string))
                    .unwrap_or_default();
                match (row.error, row.value) {
                    (None, Some(v)) => RevInfo {
                        id,
                        rev: Some(v.rev),
                        deleted: v.deleted,
                        doc: row.doc.and_then(Doc::from_json),
                    },
                    _ => RevInfo {
                        id,
                        rev: None,
                        deleted: false,
                        doc: None,
                    },
                }
            })
            .collect())
    }

    /// One revision of a document (`GET /db/{id}?rev=`): a deletion's body (its time) is only
    /// given this way.
    pub async fn get_rev(&self, id: &str, rev: &str) -> Result<Option<Doc>, SyncError> {
        let r = self
            .call(
                Method::Get,
                format!("/{}/{}?rev={}", self.db, encode(id), encode(rev)),
                None,
                TIMEOUT_MS,
            )
            .await?;
        if r.status == 404 {
            return Ok(None);
        }
        let v: Value = self.json(&r)?;
        Ok(Doc::from_json(v))
    }

    /// A page of every document's id and revision in id order (`GET /db/_all_docs`), after
    /// the id `after`.
    pub async fn ids_page(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, String)>, SyncError> {
        let mut path = format!("/{}/_all_docs?limit={}", self.db, limit + 1);
        if let Some(after) = after {
            path.push_str(&format!(
                "&startkey={}",
                encode(&Value::String(after.to_string()).to_string())
            ));
        }
        let r = self.call(Method::Get, path, None, TIMEOUT_MS).await?;
        let page: AllDocs = self.json(&r)?;
        Ok(page
            .rows
            .into_iter()
            .filter_map(|row| Some((row.id?, row.value?.rev)))
            .filter(|(id, _)| Some(id.as_str()) != after)
            .take(limit)
            .collect())
    }

    /// Writes documents (`POST /db/_bulk_docs`); one answer per document.
    pub async fn bulk(&self, docs: &[Doc]) -> Result<Vec<BulkResult>, SyncError> {
        let body = json!({ "docs": docs.iter().map(Doc::to_json).collect::<Vec<_>>() });
        let r = self
            .call(
                Method::Post,
                format!("/{}/_bulk_docs", self.db),
                Some(body),
                TIMEOUT_MS,
            )
            .await?;
        let rows: Vec<BulkRow> = self.json(&r)?;
        Ok(rows
            .into_iter()
            .map(|row| match (row.error, row.rev) {
                (Some(e), _) if e == "conflict" => BulkResult::Conflict { id: row.id },
                (Some(error), _) => BulkResult::Refused { id: row.id, error },
                (None, Some(rev)) if row.ok != Some(false) => BulkResult::Ok { id: row.id, rev },
                _ => BulkResult::Refused {
                    id: row.id,
                    error: "unknown".into(),
                },
            })
            .collect())
    }

    /// Changes after `since` with their documents (`style=all_docs`), at most `limit`;
    /// `longpoll`: wait up to that many milliseconds for the first change.
    pub async fn changes(
        &self,
        since: Option<&str>,
        limit: usize,
        longpoll: Option<u32>,
    ) -> Result<Changes, SyncError> {
        let mut path = format!(
            "/{}/_changes?style=all_docs&include_docs=true&limit={limit}&since={}",
            self.db,
            encode(since.unwrap_or("0"))
        );
        let mut timeout = TIMEOUT_MS;
        if let Some(wait) = longpoll {
            path.push_str(&format!("&feed=longpoll&timeout={wait}"));
            timeout = wait + TIMEOUT_MS;
        }
        let r = self.call(Method::Get, path, None, timeout).await?;
        let page: ChangesPage = self.json(&r)?;
        let rows = page.results.len();
        Ok(Changes {
            docs: page
                .results
                .into_iter()
                .filter_map(|row| row.doc.and_then(Doc::from_json))
                .collect(),
            last_seq: seq_text(&page.last_seq),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("12-g1AAAA=="), "12-g1AAAA%3D%3D");
        assert_eq!(encode("团队 db"), "%E5%9B%A2%E9%98%9F%20db");
        assert_eq!(seq_text(&json!(12)), "12");
        assert_eq!(seq_text(&json!("3-abc")), "3-abc");
    }
}
