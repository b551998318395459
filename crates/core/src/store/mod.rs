//! Persistence, independent of where the bytes go.
//!
//! [`KeyValueStore`] is the small trait an adapter implements (browser localStorage in
//! `kezhi-storage-web`, [`MemoryStore`] here for tests). [`Repository`] does the rest:
//! the versioned, compact encoding ([`codec`]), migrations from older formats ([`v1`]),
//! write-then-swap saves that never leave a half-written state, refusal to overwrite what it
//! could not read, and the merge with what another tab saved in the meantime.

pub mod backup;
pub mod codec;
mod memory;
pub mod records;
mod repository;
pub mod v1;

pub use memory::MemoryStore;
pub use repository::{
    KEY_PREFIX, LoadOutcome, MANIFEST_KEY, Manifest, Refresh, Repository, SaveError, SaveReport,
    SectionEntry, Unreadable,
};

use thiserror::Error;

/// Errors an adapter reports.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum StoreError {
    /// The storage quota would be exceeded by this write; nothing was written.
    #[error("the browser's storage quota is full")]
    QuotaExceeded,
    /// Storage is switched off or not reachable (private mode, blocked by settings).
    #[error("storage is not available: {0}")]
    Unavailable(String),
    /// Another writer (another tab) changed the store since we last read it; nothing was
    /// written. Read their changes, merge, and try again.
    #[error("another tab saved at the same time")]
    Conflict,
    /// The transaction failed for another reason (the message is the browser's).
    #[error("the browser refused the write: {0}")]
    Failed(String),
}

/// A string key-value store, as localStorage is.
pub trait KeyValueStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// One independently written part of the data.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Section {
    Customers,
    Orders,
    Events,
    Activities,
    /// Requests, recommendations, campaigns and their tasks.
    Desk,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Customers,
        Section::Orders,
        Section::Events,
        Section::Activities,
        Section::Desk,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Section::Customers => "customers",
            Section::Orders => "orders",
            Section::Events => "events",
            Section::Activities => "activities",
            Section::Desk => "desk",
        }
    }
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}
