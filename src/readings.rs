//! The pinyin readings' table (`kezhi_core::customer_query::install_readings`), fetched once the
//! page has started instead of being part of its first download (97 KB, 57 KB gzipped; issue
//! 14). Only the customer list reads it (search by pinyin, names in pinyin order).
//!
//! The build names the file in `<meta name="kezhi-readings">` (scripts/pwa.mjs; the one-file
//! build puts the bytes there as a data URL). It is a wasm module whose one custom section is
//! the table, so a CDN compresses it as it does the page's wasm, and the service worker keeps
//! it with the build's other files. Until it is installed names have no pinyin: the list's
//! index is built ahead after the first attempt ends, and built again if the table comes later
//! (`Derived`).

use futures::channel::oneshot;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadingsStatus {
    Fetching,
    Installed,
    /// Not fetched (the network, the server) or not readable; the list says so and offers to
    /// try again.
    Failed,
}

/// The custom section that holds the table.
const SECTION: &str = "kezhi-readings";

/// The file's name when index.html names none (a build that did not run scripts/pwa.mjs).
const FILE: &str = "pinyin-readings.wasm";

/// Waits before the next attempt after a fetch that failed (the network may come back); a
/// file that arrives but cannot be read is not fetched again by itself.
const RETRY_MS: [u32; 3] = [2_000, 10_000, 30_000];

thread_local! {
    /// A [`fetch`] is under way (attempting, or waiting to try again).
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// Another [`fetch`] was asked for meanwhile: the one under way tries again at once.
    static WAKE: Cell<bool> = const { Cell::new(false) };
    /// Those waiting for the first attempt to end; `None` once it has.
    static FIRST: RefCell<Option<Vec<oneshot::Sender<()>>>> = const { RefCell::new(Some(Vec::new())) };
}

/// Resolves when the first attempt to fetch the table has ended, installed or not.
pub async fn first_attempt() {
    let waiting = FIRST.with(|f| {
        f.borrow_mut().as_mut().map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        })
    });
    if let Some(rx) = waiting {
        let _ = rx.await;
    }
}

/// [`first_attempt`], waited for at most `ms` milliseconds.
pub async fn first_attempt_within(ms: u32) {
    let attempt = Box::pin(first_attempt());
    let timeout = Box::pin(crate::platform::sleep_ms(ms));
    futures::future::select(attempt, timeout).await;
}

fn first_attempt_ended() {
    if let Some(waiters) = FIRST.with(|f| f.borrow_mut().take()) {
        for w in waiters {
            let _ = w.send(());
        }
    }
}

/// Fetches and installs the table, trying again after a failed fetch; `status` follows (failed
/// from the first failure on, until an attempt succeeds). True when this call installed it.
/// Called while an earlier call is still waiting to try again (the user's retry during the
/// automatic ones), it makes that one try now instead of starting a second.
pub async fn fetch(status: RwSignal<ReadingsStatus>) -> bool {
    status.set(ReadingsStatus::Fetching);
    if RUNNING.replace(true) {
        WAKE.set(true);
        return false;
    }
    let mut waits = RETRY_MS.iter();
    let outcome = loop {
        let attempt = fetch_once().await;
        first_attempt_ended();
        match attempt {
            Ok(bytes) => break install(&bytes),
            Err(e) => {
                web_sys::console::warn_1(&format!("kezhi: the pinyin readings: {e}").into());
                // Said at once; the attempts after it may still succeed.
                status.set(ReadingsStatus::Failed);
                match waits.next() {
                    Some(&ms) => wait_or_wake(ms).await,
                    // Asked again during the last attempt: one more.
                    None if WAKE.replace(false) => {}
                    None => break false,
                }
            }
        }
    };
    RUNNING.set(false);
    WAKE.set(false);
    status.set(if outcome {
        ReadingsStatus::Installed
    } else {
        ReadingsStatus::Failed
    });
    outcome
}

/// Waits `ms` milliseconds, or less when [`fetch`] is called meanwhile.
async fn wait_or_wake(ms: u32) {
    const STEP_MS: u32 = 250;
    let mut left = ms;
    while left > 0 && !WAKE.replace(false) {
        crate::platform::sleep_ms(left.min(STEP_MS)).await;
        left = left.saturating_sub(STEP_MS);
    }
}

fn install(module: &[u8]) -> bool {
    use kezhi_core::customer_query::{ReadingsError, install_readings};
    let result = custom_section(module, SECTION)
        .ok_or(ReadingsError::NotATable)
        .and_then(install_readings);
    match result {
        Ok(()) | Err(ReadingsError::AlreadyInstalled) => true,
        Err(e) => {
            web_sys::console::warn_1(&format!("kezhi: the pinyin readings: {e}").into());
            false
        }
    }
}

/// The table file's URL as this build's index.html names it (relative to the page, so it
/// works under any path).
fn file_url(document: &web_sys::Document) -> String {
    crate::platform::meta_content(document, "kezhi-readings").unwrap_or_else(|| FILE.to_string())
}

async fn fetch_once() -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let response = JsFuture::from(window.fetch_with_str(&file_url(&document)))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| format!("{e:?}"))?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let buffer = response.array_buffer().map_err(|e| format!("{e:?}"))?;
    let buffer = JsFuture::from(buffer).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The payload of the custom section `name` of a wasm module.
fn custom_section<'a>(module: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut rest = module.strip_prefix(b"\0asm\x01\0\0\0")?;
    while let Some((&id, after)) = rest.split_first() {
        let (size, after) = leb128(after)?;
        let body = after.get(..size)?;
        rest = after.get(size..)?;
        if id == 0 {
            let (len, body) = leb128(body)?;
            if body.get(..len)? == name.as_bytes() {
                return body.get(len..);
            }
        }
    }
    None
}

/// An unsigned LEB128 number (at most 32 bits) and the bytes after it.
fn leb128(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let mut n = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        n |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, bytes.get(i + 1..)?));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module as scripts/pwa.mjs writes it: the header, then one custom section.
    fn module(name: &str, payload: &[u8]) -> Vec<u8> {
        let mut section = vec![name.len() as u8];
        section.extend(name.as_bytes());
        section.extend(payload);
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        out.push(0);
        let mut size = section.len();
        loop {
            let byte = (size & 0x7f) as u8;
            size >>= 7;
            out.push(if size > 0 { byte | 0x80 } else { byte });
            if size == 0 {
                break;
            }
        }
        out.extend(section);
        out
    }

    #[test]
    fn finds_the_section_and_nothing_else() {
        let payload: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        let m = module(SECTION, &payload);
        assert_eq!(custom_section(&m, SECTION), Some(payload.as_slice()));
        assert_eq!(custom_section(&m, "kezhi-chunks"), None);
        assert_eq!(custom_section(&m[..m.len() - 1], SECTION), None);
        assert_eq!(custom_section(b"KZPY", SECTION), None);
        assert_eq!(custom_section(b"", SECTION), None);
    }

    #[test]
    fn the_table_file_goes_in_as_the_build_writes_it() {
        let table = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/core/data/pinyin-readings.bin"
        ))
        .expect("the table file");
        let m = module(SECTION, &table);
        assert_eq!(custom_section(&m, SECTION), Some(table.as_slice()));
    }
}
