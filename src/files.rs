//! The files worker (crates/files-worker): reading import files and writing Excel workbooks
//! run there, in a Web Worker fetched on first use, so the app's first download leaves out
//! their code (decoders, workbook reader and writer, zip, the parsers) and an import does not
//! hold up the page. The protocol is `kezhi_core::files`: one postcard message per request,
//! its buffer transferred, not copied; the worker answers in order, so the replies are matched
//! to a queue of waiting requests.
//!
//! One worker per page, created by the first request (or [`ready`]); [`cancel`] terminates it
//! (an import stops at once) and the next request starts a fresh one.

use crate::i18n::{Lang, Msg, Text, import_failure, refusal, t};
use crate::lazy_pages::NotLoaded;
use futures::channel::oneshot;
use kezhi_core::files::{Piece, Reply, Request, decode, encode, write_backup_pieces};
use kezhi_core::store::backup::BackupParts;
use leptos::wasm_split::wasm_split;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The worker's script, next to index.html (Trunk's loader shim for the `files` binary), when
/// the page does not name it: the build gives the worker's files hashed names and writes the
/// loader's into `<meta name="kezhi-files-worker">` (scripts/pwa.mjs), so a cached older
/// worker is never paired with a newer page.
const SCRIPT: &str = "files_loader.js";

/// The worker script's name as this build's index.html gives it.
fn script_name(document: &web_sys::Document) -> String {
    crate::platform::meta_content(document, "kezhi-files-worker")
        .unwrap_or_else(|| SCRIPT.to_string())
}

/// What a request gets back: a reply, or a file the worker wrote as a Blob (a backup: its
/// tens of MB go from the worker to the download without passing through the page's wasm).
enum Incoming {
    /// A reply, and the byte buffers that came beside it (a backup's sections, left in JS:
    /// the page takes each into its wasm in a task of its own).
    Reply(Reply, Vec<js_sys::Uint8Array>),
    Blob(web_sys::Blob),
}

type Answer = Result<Incoming, Text>;

struct Waiting {
    answer: oneshot::Sender<Answer>,
    progress: Option<Rc<dyn Fn(f64)>>,
}

struct Conn {
    worker: web_sys::Worker,
    ready: bool,
    /// Requests sent before the worker said it is ready: a worker's messages that arrive
    /// before its wasm has set the handler would be lost.
    outbox: Vec<js_sys::Uint8Array>,
    waiting: VecDeque<Waiting>,
    ready_waiters: Vec<oneshot::Sender<Result<(), Text>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CONN: RefCell<Option<Conn>> = const { RefCell::new(None) };
}

fn text(msg: Msg, detail: &str) -> Text {
    let both = |lang| {
        let s = t(lang, msg);
        if detail.is_empty() {
            s.to_string()
        } else {
            format!("{s} ({detail})")
        }
    };
    Text {
        zh: both(Lang::Zh),
        en: both(Lang::En),
    }
}

/// The worker script's URL: the one-file build gives a Blob URL (`kezhiFilesWorkerUrl`,
/// scripts/single-file.mjs); otherwise next to the document, whatever its path.
fn script_url() -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let inline = js_sys::Reflect::get(&window, &JsValue::from_str("kezhiFilesWorkerUrl"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = inline {
        return f
            .call0(&window)
            .ok()
            .and_then(|u| u.as_string())
            .ok_or_else(|| "kezhiFilesWorkerUrl gave no URL".to_string());
    }
    let document = window.document().ok_or("no document")?;
    let base = document
        .base_uri()
        .ok()
        .flatten()
        .ok_or("no document URL")?;
    web_sys::Url::new_with_base(&script_name(&document), &base)
        .map(|u| u.href())
        .map_err(|e| format!("{e:?}"))
}

fn post(worker: &web_sys::Worker, message: &js_sys::Uint8Array) -> Result<(), JsValue> {
    worker.post_message_with_transfer(message, &js_sys::Array::of1(&message.buffer()))
}

/// Starts the worker if there is none. Its reply handler (the replies' decoder and the
/// wording of what the worker could not do) is code of its own, fetched with the first
/// connection: a split point (see `crate::lazy_pages`) the page fetches on the first import,
/// export or backup. The worker itself is created first, so its download (the largest file of
/// an import) overlaps the fetch of that code instead of waiting for it: on a slow link that
/// is a round trip or two less before the import page can be used.
async fn connect() -> Result<(), Text> {
    if CONN.with_borrow(Option::is_some) {
        return Ok(());
    }
    spawn_early()?;
    connect_split()
        .await
        .unwrap_or_else(|NotLoaded| Err(text(Msg::FilesUnavailable, "")))
}

#[wasm_split(kezhi_files, wasm_split_path = ::leptos::wasm_split, fallible)]
fn connect_split() -> Result<Result<(), Text>, NotLoaded> {
    Ok(start_worker())
}

/// A worker created before its handlers' code arrived, and what it sent meanwhile: a worker's
/// events with no handler set are lost, so a small one keeps them until [`start_worker`]
/// replays them in order.
struct Early {
    worker: web_sys::Worker,
    events: Rc<RefCell<Vec<web_sys::Event>>>,
    _keep: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static EARLY: RefCell<Option<Early>> = const { RefCell::new(None) };
}

/// Creates the worker, keeping its events for [`start_worker`], if there is none yet.
fn spawn_early() -> Result<(), Text> {
    if EARLY.with_borrow(Option::is_some) {
        return Ok(());
    }
    let url = script_url().map_err(|e| text(Msg::FilesUnavailable, &e))?;
    let worker =
        web_sys::Worker::new(&url).map_err(|e| text(Msg::FilesUnavailable, &format!("{e:?}")))?;
    let events = Rc::new(RefCell::new(Vec::new()));
    let kept = events.clone();
    let keep = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if ev.type_() == "error" {
            // Reported by `on_error` when replayed, not by the browser now.
            ev.prevent_default();
        }
        kept.borrow_mut().push(ev);
    });
    worker.set_onmessage(Some(keep.as_ref().unchecked_ref()));
    worker.set_onerror(Some(keep.as_ref().unchecked_ref()));
    EARLY.set(Some(Early {
        worker,
        events,
        _keep: keep,
    }));
    Ok(())
}

/// Gives the worker [`spawn_early`] created its handlers and replays what it sent before
/// (see [`connect`]).
fn start_worker() -> Result<(), Text> {
    if CONN.with_borrow(Option::is_some) {
        return Ok(());
    }
    spawn_early()?;
    let Some(early) = EARLY.take() else {
        return Err(text(Msg::FilesUnavailable, "no worker"));
    };
    let worker = early.worker;
    let message_handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_message);
    let error_handler = Closure::<dyn FnMut(web_sys::Event)>::new(on_error);
    worker.set_onmessage(Some(message_handler.as_ref().unchecked_ref()));
    worker.set_onerror(Some(error_handler.as_ref().unchecked_ref()));
    CONN.set(Some(Conn {
        worker,
        ready: false,
        outbox: Vec::new(),
        waiting: VecDeque::new(),
        ready_waiters: Vec::new(),
        _on_message: message_handler,
        _on_error: error_handler,
    }));
    let events = std::mem::take(&mut *early.events.borrow_mut());
    for ev in events {
        match ev.dyn_into::<web_sys::MessageEvent>() {
            Ok(message) => on_message(message),
            Err(other) => on_error(other),
        }
    }
    Ok(())
}

fn on_message(ev: web_sys::MessageEvent) {
    if let Ok(blob) = ev.data().dyn_into::<web_sys::Blob>() {
        let first = CONN.with_borrow_mut(|c| c.as_mut().and_then(|c| c.waiting.pop_front()));
        if let Some(w) = first {
            let _ = w.answer.send(Ok(Incoming::Blob(blob)));
        }
        return;
    }
    // A reply with buffers beside it comes as an array: the reply first.
    let (bytes, buffers) = match ev.data().dyn_into::<js_sys::Array>() {
        Ok(all) => {
            let mut all = all.iter().map(|b| js_sys::Uint8Array::new(&b));
            let head = all.next().map(|h| h.to_vec()).unwrap_or_default();
            (head, all.collect())
        }
        Err(data) => (js_sys::Uint8Array::new(&data).to_vec(), Vec::new()),
    };
    let Some(reply) = decode::<Reply>(&bytes) else {
        fail_all(text(Msg::FilesStopped, "unreadable reply"));
        return;
    };
    drop(bytes);
    match reply {
        Reply::Ready => {
            let waiters = CONN.with_borrow_mut(|c| {
                let Some(c) = c else {
                    return Vec::new();
                };
                c.ready = true;
                for m in std::mem::take(&mut c.outbox) {
                    let _ = post(&c.worker, &m);
                }
                std::mem::take(&mut c.ready_waiters)
            });
            for w in waiters {
                let _ = w.send(Ok(()));
            }
        }
        Reply::Progress(p) => {
            // The callback sets signals: called with the connection released.
            let f = CONN.with_borrow(|c| {
                c.as_ref()
                    .and_then(|c| c.waiting.front())
                    .and_then(|w| w.progress.clone())
            });
            if let Some(f) = f {
                f(p);
            }
        }
        reply => {
            let first = CONN.with_borrow_mut(|c| c.as_mut().and_then(|c| c.waiting.pop_front()));
            if let Some(w) = first {
                let _ = w.answer.send(answer(reply, buffers));
            }
        }
    }
}

/// A final reply as the request waiting for it gets it: the worker's codes for what it could
/// not do put in words here, in both languages; anything else as it is.
fn answer(reply: Reply, buffers: Vec<js_sys::Uint8Array>) -> Answer {
    match reply {
        Reply::Failed(why) => Err(import_failure(&why)),
        Reply::Refused(why) => Err(refusal(&why)),
        other => Ok(Incoming::Reply(other, buffers)),
    }
}

/// The script could not be loaded, or the worker failed (a trap in its wasm): everything
/// waiting gets the reason, and the next request starts a new worker.
fn on_error(ev: web_sys::Event) {
    ev.prevent_default();
    let detail = ev
        .dyn_ref::<web_sys::ErrorEvent>()
        .map(|e| e.message())
        .unwrap_or_default();
    let ready = CONN.with_borrow(|c| c.as_ref().is_some_and(|c| c.ready));
    let msg = if ready {
        Msg::FilesStopped
    } else {
        Msg::FilesUnavailable
    };
    fail_all(text(msg, &detail));
}

fn fail_all(why: Text) {
    let Some(c) = CONN.take() else {
        return;
    };
    c.worker.terminate();
    for w in c.waiting {
        let _ = w.answer.send(Err(why.clone()));
    }
    for w in c.ready_waiters {
        let _ = w.send(Err(why.clone()));
    }
}

/// Starts fetching the worker without waiting for it: the import page's first visit calls it
/// beside fetching the page's own code, so the two downloads overlap instead of following
/// each other (about a second on a slow link). A failure here is met again, and shown, by the
/// page's [`ready`].
pub fn warm_up() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = connect().await;
    });
}

/// Starts the worker if needed and waits until it runs (the import page shows it loading).
pub async fn ready() -> Result<(), Text> {
    connect().await?;
    let rx = CONN.with_borrow_mut(|c| {
        let c = c.as_mut()?;
        if c.ready {
            return None;
        }
        let (tx, rx) = oneshot::channel();
        c.ready_waiters.push(tx);
        Some(rx)
    });
    match rx {
        None => Ok(()),
        // Dropped: cancelled while loading; the next request starts again.
        Some(rx) => rx.await.unwrap_or(Ok(())),
    }
}

/// Sends a request and waits for its answer; `progress` gets an import's progress. A
/// [`cancel`] answers `Err` with the cancel message.
pub async fn ask(request: &Request, progress: Option<Rc<dyn Fn(f64)>>) -> Result<Reply, Text> {
    match send(request, progress).await? {
        Incoming::Reply(reply, _) => Ok(reply),
        Incoming::Blob(_) => Err(text(Msg::FilesStopped, "unexpected file")),
    }
}

/// Sends the request to write a backup's file and waits for the file, as a Blob. The
/// message is written straight into the buffer sent, a section at a time
/// ([`kezhi_core::files::write_backup_pieces`]): encoding the 58 MB of sections into a
/// message in the page's memory first was a task of 0.2–0.35 s.
pub async fn ask_backup_file(parts: &BackupParts) -> Result<web_sys::Blob, Text> {
    let pieces = write_backup_pieces(parts);
    let len = |p: &Piece| match p {
        Piece::Bytes(b) => b.len(),
        Piece::Section(i) => parts.sections.get(*i).map_or(0, Vec::len),
    };
    let total: usize = pieces.iter().map(len).sum();
    let message = js_sys::Uint8Array::new_with_length(total as u32);
    let mut at = 0;
    for piece in &pieces {
        let bytes = match piece {
            Piece::Bytes(b) => b.as_slice(),
            Piece::Section(i) => parts.sections.get(*i).map_or(&[][..], Vec::as_slice),
        };
        message
            .subarray(at as u32, (at + bytes.len()) as u32)
            .copy_from(bytes);
        at += bytes.len();
    }
    match send_message(message, None).await? {
        Incoming::Blob(blob) => Ok(blob),
        Incoming::Reply(..) => Err(text(Msg::FilesStopped, "no file")),
    }
}

/// Sends a message written by the caller (a request around a file's bytes that stay out of
/// the page's wasm: [`kezhi_core::files::read_backup_header`]) and waits for the reply and
/// the buffers that came beside it (a backup's sections, in [`kezhi_core::store::backup::Section::ALL`]'s order).
pub async fn ask_message(
    message: js_sys::Uint8Array,
) -> Result<(Reply, Vec<js_sys::Uint8Array>), Text> {
    match send_message(message, None).await? {
        Incoming::Reply(reply, buffers) => Ok((reply, buffers)),
        Incoming::Blob(_) => Err(text(Msg::FilesStopped, "unexpected file")),
    }
}

async fn send(request: &Request, progress: Option<Rc<dyn Fn(f64)>>) -> Result<Incoming, Text> {
    let message = js_sys::Uint8Array::from(encode(request).as_slice());
    send_message(message, progress).await
}

async fn send_message(
    message: js_sys::Uint8Array,
    progress: Option<Rc<dyn Fn(f64)>>,
) -> Result<Incoming, Text> {
    connect().await?;
    let (tx, rx) = oneshot::channel();
    let sent = CONN.with_borrow_mut(|c| {
        let Some(c) = c else {
            return Err(text(Msg::FilesStopped, ""));
        };
        if c.ready {
            post(&c.worker, &message).map_err(|e| text(Msg::FilesStopped, &format!("{e:?}")))?;
        } else {
            c.outbox.push(message);
        }
        c.waiting.push_back(Waiting {
            answer: tx,
            progress,
        });
        Ok(())
    });
    sent?;
    rx.await
        .unwrap_or_else(|_| Err(text(Msg::ImportCancelled, "")))
}

/// Stops the worker and whatever it is doing; what waits gets the cancel message.
pub fn cancel() {
    if let Some(c) = CONN.take() {
        c.worker.terminate();
        // Dropping the senders answers the waiting requests.
        drop(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezhi_core::import::ImportError;

    /// What the page shows when the worker cannot read or import a whole file: the same
    /// sentences the worker sent when the core worded them, now the page's from the code.
    #[test]
    fn a_whole_file_error_from_the_worker_reads_in_both_languages() {
        let shown = |e: ImportError| {
            let reply = decode::<Reply>(&encode(&Reply::Failed(e))).expect("decodes");
            match answer(reply, Vec::new()) {
                Err(text) => (text.zh, text.en),
                Ok(_) => panic!("an error"),
            }
        };
        let s = |zh: &str, en: &str| (zh.to_string(), en.to_string());
        assert_eq!(
            shown(ImportError::Empty),
            s("文件是空的", "the file is empty")
        );
        assert_eq!(
            shown(ImportError::Workbook("invalid zip header".into())),
            s(
                "无法读取该 Excel 文件：invalid zip header",
                "the workbook cannot be read: invalid zip header"
            )
        );
        assert_eq!(
            shown(ImportError::NoSuchSheet("订单".into())),
            s(
                "工作簿中没有名为 订单 的工作表",
                "the workbook has no sheet named 订单"
            )
        );
        assert_eq!(
            shown(ImportError::Unmapped(vec![
                "customer_id",
                "ordered_at",
                "amount | quantity + unit_price"
            ])),
            s(
                "以下必填字段尚未对应到列：客户编号；下单时间；金额或数量和单价",
                "required fields are not mapped: Customer id; Order time; Amount or Quantity and Unit price"
            )
        );
    }
}
