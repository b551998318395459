//! Pages asked for before they are read: a page's `getAll` requests, sent early so IndexedDB
//! reads while the caller decodes, and how many groups a page holds.

use super::layout::key_js;
use super::{GROUPS, GROUPS_PER_PAGE, IdbStore, dom_error, idb_error};
use idb::request::{GetAllKeysStoreRequest, GetAllStoreRequest, RequestReadyState};
use idb::{KeyRange, Query};
use kezhi_core::store::StoreError;
use kezhi_core::store::records::Kind;
use wasm_bindgen::JsValue;

/// A page's requests, sent before the page is asked for.
pub(super) struct Ahead {
    pub(super) kind: Kind,
    /// The key the page comes after: the last of the page before (none: the first page).
    pub(super) after: Option<Vec<u8>>,
    pub(super) page: PageRequests,
}

/// The keys and the values of up to [`GROUPS_PER_PAGE`] groups, asked for together. No
/// handler is set until they are awaited ([`answer`]): a page asked for ahead and then not
/// needed is dropped without a handler left to call.
pub(super) struct PageRequests {
    pub(super) keys: GetAllKeysStoreRequest,
    pub(super) values: GetAllStoreRequest,
    /// The most groups asked for: fewer came back when the collection ended.
    pub(super) groups: u32,
}

/// The answer of a `getAll`/`getAllKeys` request: read at once when it came already, else
/// waited for.
pub(super) async fn answer<R>(request: R) -> Result<Vec<JsValue>, StoreError>
where
    R: idb::Request + std::future::IntoFuture<Output = Result<Vec<JsValue>, idb::Error>>,
{
    if is_done(&request) {
        if let Ok(Some(ex)) = request.error() {
            return Err(dom_error(&ex));
        }
        let result = request.result().map_err(idb_error)?;
        return Ok(js_sys::Array::from(&result).to_vec());
    }
    request.await.map_err(idb_error)
}

fn is_done(request: &impl idb::Request) -> bool {
    request.ready_state().ok() == Some(RequestReadyState::Done)
}

impl PageRequests {
    /// Both answers came already: reading them waits for nothing, so the work goes on in the
    /// task that asks (reading a page's values is itself up to ~25 ms at 500,000 customers:
    /// the browser makes them when the result is first read).
    pub(super) fn is_done(&self) -> bool {
        is_done(&self.keys) && is_done(&self.values)
    }
}

impl IdbStore {
    /// Lets the browser run once the work since the last wait (for a request or here) has
    /// taken `ms`; otherwise goes on at once.
    pub(super) async fn pause_after(&self, ms: f64) {
        if js_sys::Date::now() - self.since_wait.get() < ms {
            return;
        }
        crate::next_task().await;
        self.since_wait.set(js_sys::Date::now());
    }

    /// Asks for the keys and values of the groups from `from` on (all when `None`), in a
    /// transaction of their own; the answers are awaited later.
    pub(super) fn request_page(
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
}
