//! The file-hash worker: the SHA-256 of a file's plaintext ([`FileDigest`]), computed off the
//! page's thread while the page seals, sends, opens and saves the file's chunks (SHA-256 in WASM
//! runs near 300 MB/s, about as long as everything else a chunk needs on the page's thread).
//!
//! Trunk builds this binary as a WASM module (`data-type="worker"` in `index.html`);
//! `frontend/hash-worker-loader.js` loads it, started by `new Worker(...)` in
//! `src/files/digest.rs`. The protocol, in message order:
//!
//! 1. once its handler is installed, the worker posts the string `"ready"`;
//! 2. the page posts each piece of plaintext, in order, as a `Uint8Array` (its buffer
//!    transferred); the worker adds it and answers with `[bytes hashed so far, the piece]`, the
//!    piece zeroed and its buffer transferred back for the page to fill again (so a transfer
//!    allocates nothing new, and no plaintext buffer waits here for a garbage collection);
//! 3. the page posts the string `"finish"`; the worker answers with the lower-case hex SHA-256
//!    of everything it was given, and forgets it.
//!
//! Each received buffer is overwritten once hashed: the plaintext waits for no garbage collector.

use std::cell::RefCell;

use coffer_shared::crypto::file_meta::FileDigest;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};
use zeroize::Zeroizing;

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let digest = RefCell::new(FileDigest::new());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        // The page is gone if posting fails; there is nobody left to tell.
        let _ = if let Some(piece) = data.dyn_ref::<Uint8Array>() {
            let mut digest = digest.borrow_mut();
            let bytes = Zeroizing::new(piece.to_vec());
            digest.update(&bytes);
            piece.fill(0, 0, piece.length());
            let answer = Array::of2(&JsValue::from_f64(digest.size() as f64), piece);
            reply_scope.post_message_with_transfer(&answer, &Array::of1(&piece.buffer()))
        } else if data.as_string().as_deref() == Some("finish") {
            let hex = digest.replace(FileDigest::new()).finish_hex();
            reply_scope.post_message(&JsValue::from_str(&hex))
        } else {
            reply_scope.post_message(&JsValue::from_str("invalid request"))
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
