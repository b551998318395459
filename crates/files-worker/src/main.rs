//! kezhi's files worker: answers the page's requests (`kezhi_core::files::Request`: open a
//! file, its preview, an import, an Excel workbook) with `kezhi_core::files::Session`. Runs in
//! a dedicated Web Worker that the page creates on first use (src/files.rs); all the reading
//! code lives here, out of the page's first download. One postcard message per request and per
//! reply, its buffer transferred.

#[cfg(target_arch = "wasm32")]
fn main() {
    use kezhi_core::files::{Refusal, Reply, Request, Session, decode, encode};
    use kezhi_core::store::backup::BackupParts;
    use std::cell::RefCell;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn post(scope: &DedicatedWorkerGlobalScope, reply: &Reply) {
        let message = js_sys::Uint8Array::from(encode(reply).as_slice());
        // A failed post leaves the page waiting; it can only fail for a detached buffer,
        // which this fresh one is not.
        let _ = scope.post_message_with_transfer(&message, &js_sys::Array::of1(&message.buffer()));
    }

    fn post_file(scope: &DedicatedWorkerGlobalScope, file: &str) {
        let bytes = js_sys::Uint8Array::from(file.as_bytes());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
            &js_sys::Array::of1(&bytes),
            &options,
        );
        match blob {
            // Posting a Blob passes a reference; it cannot fail for a Blob.
            Ok(blob) => {
                let _ = scope.post_message(&blob);
            }
            // No Blob (out of memory?): the file as a reply, as before.
            Err(_) => post(scope, &Reply::BackupFile(file.to_string())),
        }
    }

    /// A backup's unpacked parts: the head (postcard, without the sections) and each section
    /// as a buffer of its own, all transferred in one message, so that the page takes each
    /// section into its wasm in a task of its own (the 58 MB of a 100k backup decoded from one
    /// message were a task of ~0.2 s).
    fn post_parts(scope: &DedicatedWorkerGlobalScope, mut parts: BackupParts) {
        let sections = std::mem::take(&mut parts.sections);
        let head =
            js_sys::Uint8Array::from(encode(&Reply::BackupParts(Box::new(parts))).as_slice());
        let message = js_sys::Array::of1(&head);
        let transfer = js_sys::Array::of1(&head.buffer());
        for section in sections {
            let bytes = js_sys::Uint8Array::from(section.as_slice());
            // The worker's copy goes at once: its memory holds one section twice at most.
            drop(section);
            transfer.push(&bytes.buffer());
            message.push(&bytes);
        }
        let _ = scope.post_message_with_transfer(&message, &transfer);
    }

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let session = RefCell::new(Session::new());
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let request = decode::<Request>(&js_sys::Uint8Array::new(&ev.data()).to_vec());
        let reply = match request {
            Some(request) => session
                .borrow_mut()
                .handle(request, &mut |p| post(&replies, &Reply::Progress(p))),
            None => Reply::Refused(Refusal::UnreadableRequest),
        };
        match reply {
            // A backup's file goes to the page as a Blob, which the page downloads as it is:
            // its tens of MB never pass through the page's wasm.
            Reply::BackupFile(file) => post_file(&replies, &file),
            Reply::BackupParts(parts) => post_parts(&replies, *parts),
            reply => post(&replies, &reply),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &Reply::Ready);
}

/// Natively there is nothing to run (the workspace builds every member).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
