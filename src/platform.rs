//! Thin wrappers over browser APIs the pages need.

use chrono::FixedOffset;
use kezhi_core::Timestamp;
use wasm_bindgen::JsCast;

/// The time now, never earlier than a time this page returned before: saves find edits by
/// their stamps, so a clock set back must not make an edit look older than the last save.
pub fn now() -> Timestamp {
    thread_local! {
        static LAST: std::cell::Cell<i64> = const { std::cell::Cell::new(i64::MIN) };
    }
    let t = LAST.with(|last| {
        let t = (js_sys::Date::now() as i64).max(last.get());
        last.set(t);
        t
    });
    Timestamp(t)
}

/// The user's current UTC offset, from the browser.
pub fn local_offset() -> FixedOffset {
    // getTimezoneOffset is minutes *behind* UTC (UTC+8 gives -480).
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    FixedOffset::east_opt(minutes * 60)
        .or_else(|| FixedOffset::east_opt(0))
        .expect("UTC is a valid offset")
}

pub fn today() -> chrono::NaiveDate {
    now()
        .to_offset(local_offset())
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Random bytes from the browser's CSPRNG (for new record ids and the tab's writer id).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// `n` random bytes as lowercase hex (ids of a tab's writes, of a dataset).
pub fn random_hex<const N: usize>() -> String {
    random_bytes::<N>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn new_id() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(random_bytes::<16>()).into_uuid()
}

/// The browser's preferred language.
pub fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the URL's hash without a new history entry (for typing in a search box).
pub fn replace_hash(hash: &str) {
    if let Some(w) = web_sys::window()
        && let Ok(history) = w.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

pub fn push_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(hash);
    }
}

/// Reloads the page (after another tab upgraded the database).
pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

pub fn set_body_attr(name: &str, value: &str) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute(name, value);
    }
}

pub fn set_document_lang(code: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", code);
    }
}

/// Below this viewport width (CSS pixels) the customer list shows cards; the stylesheet's
/// `@media (max-width: 599.98px)` rules must agree.
pub const NARROW_BELOW: f64 = 600.0;

/// Whether the viewport is narrower than [`NARROW_BELOW`] (a phone held upright).
pub fn is_narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|w| w < NARROW_BELOW)
}

/// Moves the keyboard focus to the first element matching `selector`, if there is one (after
/// a dialog or panel closes, focus goes back where it came from instead of to the page).
pub fn focus_selector(selector: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|el| el.focus().is_ok())
        .unwrap_or(false)
}

/// The element that has the keyboard focus now (not the page itself).
pub fn active_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.tag_name() != "BODY")
}

/// Offers `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    save_blob(filename, mime, &wasm_bindgen::JsValue::from_str(text))
}

/// Opens the browser's print dialog (a report prints with the page's print styles).
pub fn print() {
    if let Some(w) = web_sys::window() {
        // Printing refused (a sandboxed frame) leaves the report on screen: nothing to do.
        let _ = w.print();
    }
}

/// Offers a Blob (a file the files worker wrote) as a file download, as it is.
pub fn download_blob(filename: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(err)?;
    click_download(filename, &url)
}

/// Offers binary content (a workbook) as a file download.
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    save_blob(filename, mime, &js_sys::Uint8Array::from(bytes))
}

fn save_blob(filename: &str, mime: &str, content: &wasm_bindgen::JsValue) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(content);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    click_download(filename, &url)
}

/// Downloads the object URL `url` as `filename`, then lets it go.
fn click_download(filename: &str, url: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    a.set_href(url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(url);
    Ok(())
}

/// Sets the performance mark that [`end_measure`] measures from.
pub fn start_measure(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&format!("{name}:start"));
    }
}

/// Records the measure `name` from its [`start_measure`] mark until now.
pub fn end_measure(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, &format!("{name}:start"));
    }
}

/// [`timed`] for work that waits (storage): a performance measure from start to end.
pub async fn timed_async<T>(name: &str, f: impl std::future::Future<Output = T>) -> T {
    let perf = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f.await;
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
    }
    out
}

/// A slice of a long computation: its steps run until [`Slice::over`], then the caller
/// yields ([`yield_to_browser`]) and starts the next slice. Measured by the clock rather than
/// counted in records, so a slice stays short on a slow or busy machine too.
pub struct Slice(f64);

/// How long a slice of work runs before the page gets to paint (a long task is 50 ms).
const SLICE_MS: f64 = 40.0;

impl Slice {
    pub fn start() -> Self {
        Slice(clock())
    }
    pub fn over(&self) -> bool {
        clock() - self.0 >= SLICE_MS
    }
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
fn clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The `content` of the page's `<meta name="{name}">`, when it has a non-empty one: the build
/// writes the hashed names of files fetched later there (scripts/pwa.mjs).
pub fn meta_content(document: &web_sys::Document, name: &str) -> Option<String> {
    document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|content| !content.is_empty())
}

/// Resolves after `ms` milliseconds (a browser timeout): the waits between retries of sync
/// and of the pinyin table's fetch.
pub async fn sleep_ms(ms: u32) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Lets the browser handle input and paint before the next slice of a long computation.
pub async fn yield_to_browser() {
    kezhi_storage_web::next_task().await;
}

/// Runs `f` between two performance marks, so the browser benchmark (and a Performance
/// trace) can read how long it took as the measure `name`.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let perf = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
    }
    out
}

/// The file chosen in an `<input type=file>` whose change event this is.
pub fn picked_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// All the bytes of a chosen file.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Starts putting `text` on the clipboard (`navigator.clipboard.writeText`), now, while the
/// user's click still counts as one: a future that is `Ok` once the browser has done it and
/// `Err` if it refused (no permission, the page not focused); `None` where the browser offers
/// no clipboard (not a secure context). Either way short of `Ok`, the caller leaves the text
/// selected for the user to copy. Looked up by name, not through web-sys's Clipboard binding:
/// one call does not need another set of bindings.
pub fn copy_text(text: &str) -> Option<wasm_bindgen_futures::JsFuture> {
    let navigator = web_sys::window()?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return None;
    }
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into()).ok()?;
    let promise = write
        .dyn_ref::<js_sys::Function>()?
        .call1(&clipboard, &text.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    Some(wasm_bindgen_futures::JsFuture::from(promise))
}
