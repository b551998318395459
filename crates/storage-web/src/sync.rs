//! The browser side of sync: HTTP over `fetch` ([`FetchTransport`]) and the sync state in
//! IndexedDB ([`IdbSyncState`]).
//!
//! `fetch` is used through `web-sys` directly: sync needs a status, a text body, an
//! `Authorization` header, a time limit and cancelling (an `AbortController`), which is all
//! `fetch` itself offers; a wrapper crate (gloo-net) would add a dependency for no less code.

use idb::{
    Database, DatabaseEvent, Factory, KeyRange, ObjectStoreParams, Query, TransactionMode,
    TransactionResult,
};
use kezhi_core::sync::couch::{NetError, Request, Response, Transport};
use kezhi_core::sync::engine::{DocKey, Known, StateStore, SyncState};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The server's URL and the credentials, kept only here: requests carry them in the
/// `Authorization` header, never in the URL, and nothing prints them.
#[derive(Clone)]
pub struct FetchTransport {
    base: String,
    auth: Option<String>,
    /// Aborted when sync is paused: every request in flight stops at once.
    cancel: Rc<Cell<Option<web_sys::AbortController>>>,
}

impl std::fmt::Debug for FetchTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("FetchTransport")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}").as_bytes());
    format!("Basic {token}")
}

impl FetchTransport {
    /// `user` empty: no `Authorization` header (a server without authentication).
    pub fn new(url: &str, user: &str, password: &str) -> Self {
        FetchTransport {
            base: url.trim().trim_end_matches('/').to_string(),
            auth: (!user.is_empty()).then(|| basic(user, password)),
            cancel: Rc::new(Cell::new(None)),
        }
    }

    /// Stops every request in flight (they end with [`NetError::Aborted`]).
    pub fn abort_all(&self) {
        if let Some(c) = self.cancel.take() {
            c.abort();
        }
    }

    fn controller(&self) -> Option<web_sys::AbortController> {
        let current = self.cancel.take();
        let c = match current {
            Some(c) if !c.signal().aborted() => c,
            _ => web_sys::AbortController::new().ok()?,
        };
        self.cancel.set(Some(c.clone()));
        Some(c)
    }
}

/// Aborts a request whose future was dropped (a long-poll cut short) or timed out.
struct Guard {
    controller: web_sys::AbortController,
    timer: Option<i32>,
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let (Some(t), Some(w)) = (self.timer, web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
        if !self.done {
            self.controller.abort();
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, NetError> {
        let window = web_sys::window().ok_or(NetError::Unreachable)?;
        // Each request has its own controller (for its time limit and for dropping), and
        // follows the shared one (for pausing).
        let own = web_sys::AbortController::new().map_err(|_| NetError::Unreachable)?;
        let shared = self.controller();
        let timed_out = Rc::new(Cell::new(false));
        let flag = timed_out.clone();
        let on_time = own.clone();
        let timer = Closure::once_into_js(move || {
            flag.set(true);
            on_time.abort();
        });
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                timer.unchecked_ref(),
                request.timeout_ms as i32,
            )
            .ok();
        let mut guard = Guard {
            controller: own.clone(),
            timer: handle,
            done: false,
        };
        if let Some(shared) = &shared {
            let follower = own.clone();
            let on_pause = Closure::once_into_js(move || follower.abort());
            let _ = shared
                .signal()
                .add_event_listener_with_callback("abort", on_pause.unchecked_ref());
        }
        let init = web_sys::RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_signal(Some(&own.signal()));
        // No cookies or cached answers: the credentials are the header's, the data is live.
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_cache(web_sys::RequestCache::NoStore);
        let headers = web_sys::Headers::new().map_err(|_| NetError::Unreachable)?;
        let _ = headers.set("Accept", "application/json");
        if let Some(auth) = &self.auth {
            let _ = headers.set("Authorization", auth);
        }
        if let Some(body) = &request.body {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(body));
        }
        init.set_headers(&headers);
        let url = format!("{}{}", self.base, request.path);
        let failed = |aborted: bool| {
            if timed_out.get() {
                NetError::Timeout
            } else if aborted {
                NetError::Aborted
            } else {
                NetError::Unreachable
            }
        };
        let req = web_sys::Request::new_with_str_and_init(&url, &init)
            .map_err(|_| NetError::Unreachable)?;
        let resp = match JsFuture::from(window.fetch_with_request(&req)).await {
            Ok(r) => r,
            Err(_) => return Err(failed(own.signal().aborted())),
        };
        let resp: web_sys::Response = resp.dyn_into().map_err(|_| NetError::Unreachable)?;
        let status = resp.status();
        let text = resp.text().map_err(|_| NetError::Unreachable)?;
        let body = match JsFuture::from(text).await {
            Ok(t) => t.as_string().unwrap_or_default(),
            Err(_) => return Err(failed(own.signal().aborted())),
        };
        guard.done = true;
        Ok(Response { status, body })
    }
}

/// The database that keeps sync state (apart from the data's, so that the record store's
/// schema does not change for it).
pub const SYNC_DB: &str = "kezhi-sync";
const HEAD: &str = "head";
const KNOWN: &str = "known";

/// A device's sync state for one server and database, in IndexedDB: the head (checkpoint,
/// scan mark, conflicts) under the target's key, each known revision under
/// `<target>|<doc key>`, written as they change.
#[derive(Clone)]
pub struct IdbSyncState {
    db: Rc<Database>,
    target: String,
}

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl IdbSyncState {
    /// `target` names the server and database (sync state of another target is kept apart).
    pub async fn open(target: &str) -> Result<Self, String> {
        let factory = Factory::new().map_err(fail)?;
        let mut request = factory.open(SYNC_DB, Some(1)).map_err(fail)?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else { return };
            let names = db.store_names();
            for name in [HEAD, KNOWN] {
                if !names.iter().any(|n| n == name) {
                    let _ = db.create_object_store(name, ObjectStoreParams::new());
                }
            }
        });
        let db = request.await.map_err(fail)?;
        Ok(IdbSyncState {
            db: Rc::new(db),
            target: target.to_string(),
        })
    }

    fn range(&self) -> Result<KeyRange, String> {
        KeyRange::bound(
            &JsValue::from_str(&format!("{}|", self.target)),
            &JsValue::from_str(&format!("{}|\u{ffff}", self.target)),
            None,
            None,
        )
        .map_err(fail)
    }
}

async fn committed(tx: idb::Transaction) -> Result<(), String> {
    match tx.await {
        Ok(TransactionResult::Committed) => Ok(()),
        Ok(TransactionResult::Aborted) => Err("the sync state could not be written".into()),
        Err(e) => Err(e.to_string()),
    }
}

impl StateStore for IdbSyncState {
    async fn load(&self) -> Result<SyncState, String> {
        let tx = self
            .db
            .transaction(&[HEAD, KNOWN], TransactionMode::ReadOnly)
            .map_err(fail)?;
        let head = tx.object_store(HEAD).map_err(fail)?;
        let mut state = SyncState::default();
        if let Some(text) = head
            .get(Query::Key(JsValue::from_str(&self.target)))
            .map_err(fail)?
            .await
            .map_err(fail)?
            .and_then(|v| v.as_string())
        {
            state.read_head(&text);
        }
        let known = tx.object_store(KNOWN).map_err(fail)?;
        let range = Query::KeyRange(self.range()?);
        let keys = known
            .get_all_keys(Some(range.clone()), None)
            .map_err(fail)?
            .await
            .map_err(fail)?;
        let values = known
            .get_all(Some(range), None)
            .map_err(fail)?
            .await
            .map_err(fail)?;
        let skip = self.target.len() + 1;
        for (k, v) in keys.iter().zip(values.iter()) {
            let (Some(k), Some(v)) = (k.as_string(), v.as_string()) else {
                continue;
            };
            if let (Some(key), Some(known)) =
                (k.get(skip..).and_then(DocKey::parse), Known::parse(&v))
            {
                state.known.insert(key, known);
            }
        }
        Ok(state)
    }

    async fn save(&self, state: &SyncState, changed: &[DocKey]) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[HEAD, KNOWN], TransactionMode::ReadWrite)
            .map_err(fail)?;
        let head = tx.object_store(HEAD).map_err(fail)?;
        head.put(
            &JsValue::from_str(&state.head_json()),
            Some(&JsValue::from_str(&self.target)),
        )
        .map_err(fail)?;
        let known = tx.object_store(KNOWN).map_err(fail)?;
        for key in changed {
            let id = JsValue::from_str(&format!("{}|{}", self.target, key.text()));
            match state.known.get(key) {
                Some(k) => {
                    known
                        .put(&JsValue::from_str(&k.text()), Some(&id))
                        .map_err(fail)?;
                }
                None => {
                    known.delete(Query::Key(id)).map_err(fail)?;
                }
            }
        }
        committed(tx).await
    }

    async fn clear(&self) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[HEAD, KNOWN], TransactionMode::ReadWrite)
            .map_err(fail)?;
        tx.object_store(HEAD)
            .map_err(fail)?
            .delete(Query::Key(JsValue::from_str(&self.target)))
            .map_err(fail)?;
        tx.object_store(KNOWN)
            .map_err(fail)?
            .delete(Query::KeyRange(self.range()?))
            .map_err(fail)?;
        committed(tx).await
    }
}
