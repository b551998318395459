//! The browser adapter of kezhi's storage: `window.localStorage` behind
//! [`kezhi_core::store::KeyValueStore`].
//!
//! Values are stored raw (not JSON-wrapped as `gloo_storage::Storage::set` would), because
//! the core's payload is already a compact ASCII string. A full quota is recognised by the
//! `QuotaExceededError` DOMException (or Firefox's legacy name) and reported as
//! [`StoreError::QuotaExceeded`], so the repository can keep what was stored intact.

pub mod records;
pub mod sync;

use gloo_storage::{LocalStorage, Storage};
use kezhi_core::store::{KeyValueStore, StoreError};
use wasm_bindgen::{JsCast, JsValue};

/// `window.localStorage`. Cheap to create; holds no state of its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserStore;

fn storage() -> Result<web_sys::Storage, StoreError> {
    // `raw()` panics where localStorage is unavailable (e.g. blocked cookies); ask first.
    let window = web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
    match window.local_storage() {
        Ok(Some(_)) => Ok(LocalStorage::raw()),
        Ok(None) => Err(StoreError::Unavailable(
            "localStorage is switched off".into(),
        )),
        Err(e) => Err(StoreError::Unavailable(describe(&e))),
    }
}

fn describe(e: &JsValue) -> String {
    if let Some(ex) = e.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", ex.name(), ex.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Whether a failed `setItem` was for lack of room.
pub fn is_quota_error(e: &JsValue) -> bool {
    e.dyn_ref::<web_sys::DomException>().is_some_and(|ex| {
        let name = ex.name();
        // Code 22 is the standard one; Firefox once used its own name and code 1014.
        name == "QuotaExceededError"
            || name == "NS_ERROR_DOM_QUOTA_REACHED"
            || ex.code() == 22
            || ex.code() == 1014
    })
}

impl KeyValueStore for BrowserStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        storage()?
            .get_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        storage()?.set_item(key, value).map_err(|e| {
            if is_quota_error(&e) {
                StoreError::QuotaExceeded
            } else {
                StoreError::Unavailable(describe(&e))
            }
        })
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        storage()?
            .remove_item(key)
            .map_err(|e| StoreError::Unavailable(describe(&e)))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let s = storage()?;
        let n = s
            .length()
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        let mut keys = Vec::with_capacity(n as usize);
        for i in 0..n {
            if let Ok(Some(k)) = s.key(i) {
                keys.push(k);
            }
        }
        Ok(keys)
    }
}

/// Small preferences (language, settings) as JSON under their own keys. A value that does
/// not parse reads as absent rather than failing the app.
pub fn get_pref<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    LocalStorage::get(key).ok()
}

pub fn set_pref<T: serde::Serialize>(key: &str, value: &T) -> Result<(), StoreError> {
    LocalStorage::set(key, value).map_err(|e| match e {
        gloo_storage::errors::StorageError::JsError(js) if js.name == "QuotaExceededError" => {
            StoreError::QuotaExceeded
        }
        other => StoreError::Unavailable(other.to_string()),
    })
}

pub fn remove_pref(key: &str) {
    LocalStorage::delete(key);
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Absent on insecure origins and in some embedded browsers.
    js_sys::Reflect::get(&navigator, &JsValue::from_str("storage"))
        .ok()
        .filter(|s| !s.is_undefined() && !s.is_null())?;
    Some(navigator.storage())
}

async fn call(promise: Result<js_sys::Promise, JsValue>) -> Option<JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise.ok()?)
        .await
        .ok()
}

/// The origin's usage and quota in bytes (`navigator.storage.estimate()`), if the browser
/// tells.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let estimate = call(storage_manager()?.estimate()).await?;
    let number = |name: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
    };
    Some((number("usage")?, number("quota")?))
}

/// Asks the browser to keep this origin's data under storage pressure
/// (`navigator.storage.persist()`); its answer, if it gave one.
pub async fn request_persist() -> Option<bool> {
    call(storage_manager()?.persist()).await?.as_bool()
}

/// Whether the browser already keeps this origin's data (`navigator.storage.persisted()`).
pub async fn persisted() -> Option<bool> {
    call(storage_manager()?.persisted()).await?.as_bool()
}

/// Resumes in a new task (a macrotask): the browser handles input and paints in between.
/// Without a window (a worker) or a timer, goes on at once rather than wait forever.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
