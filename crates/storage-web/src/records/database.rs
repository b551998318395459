//! Opening the database (creating or upgrading its schema, closing for another tab's upgrade)
//! and deleting it: what happens before and after a connection exists.

use super::{DB_VERSION, IdbStore, META, OpenError, SEQ_INDEX, idb_error};
use idb::{Database, DatabaseEvent, Factory, IndexParams, KeyPath, ObjectStoreParams};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::Kind;
use std::future::{Future, IntoFuture};
use std::rc::Rc;

/// Opens (and on first use creates) the database. `on_blocked` runs when another tab holds
/// an older version open and must be closed before this one can upgrade (the opening then
/// waits for it); `on_version_change` runs when another tab wants to upgrade: this
/// connection closes itself so that the other can proceed.
pub async fn open(
    name: &str,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> Result<IdbStore, OpenError> {
    begin_open(name, on_blocked, on_version_change).await
}

/// [`open`], with the browser asked at once, not when the answer is first awaited: the page
/// asks before it builds its first view, and the database opens (or is created, ~90 ms on a
/// first visit) while the view is built.
pub fn begin_open(
    name: &str,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> impl Future<Output = Result<IdbStore, OpenError>> + 'static {
    begin_open_version(name, DB_VERSION, on_blocked, on_version_change)
}

/// [`open`] at a given schema version (tests open a later one to see an upgrade blocked).
pub async fn open_version(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> Result<IdbStore, OpenError> {
    begin_open_version(name, version, on_blocked, on_version_change).await
}

fn begin_open_version(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
    on_version_change: impl Fn() + 'static,
) -> impl Future<Output = Result<IdbStore, OpenError>> + 'static {
    let opening = request_open(name, version, on_blocked);
    async move { connect(opening?.await, on_version_change) }
}

/// The browser's open request, made now, with the schema's creation or upgrade, and its
/// answer's listeners in place (`into_future`): the answer may come before it is awaited.
fn request_open(
    name: &str,
    version: u32,
    on_blocked: impl Fn() + 'static,
) -> Result<impl Future<Output = Result<Database, idb::Error>> + 'static, OpenError> {
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
    Ok(request.into_future())
}

/// The connection the open request gave, closing itself when another tab wants to upgrade.
fn connect(
    opened: Result<Database, idb::Error>,
    on_version_change: impl Fn() + 'static,
) -> Result<IdbStore, OpenError> {
    let db = opened.map_err(|e| match &e {
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
