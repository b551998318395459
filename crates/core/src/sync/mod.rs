//! Optional sync with a team's CouchDB-compatible server (docs/sync.md): the documents, the
//! HTTP API over a [`couch::Transport`], the engine with its conflict rule, and an in-memory
//! server for tests. The browser's `fetch` and the IndexedDB state store are adapters in
//! `kezhi-storage-web`.

pub mod apply;
pub mod backoff;
pub mod couch;
pub mod doc;
pub mod engine;
pub mod fake;
pub mod shared;

pub use apply::{Incoming, Touched, apply_incoming};
pub use couch::{Check, CouchClient, NetError, SyncError, Transport};
pub use engine::{
    ConflictView, DocKey, Known, Progress, Replica, Report, StateStore, SyncState, Syncer,
    conflict_views,
};
