//! The password key, `Argon2id(password, salt, m, t, p)`, computed without freezing the page.
//!
//! Argon2id with the default 64 MiB takes about half a second in WASM. The derivation runs in
//! the password worker (`src/bin/kdf-worker.rs`, started by `/kdf-worker-loader.js`) so the page
//! keeps painting its progress. If the worker cannot start, fails, or does not answer in time,
//! the key is derived on the main thread after one painted frame: slower to feel, same result.
//!
//! Starting a worker costs more than the derivation's first run (loading and compiling its
//! WASM), so pages that will ask for a passphrase call [`prewarm`] when they open: the worker
//! loads while the person types, and the derivation then starts at once.
//!
//! The password goes to the worker as UTF-8 bytes in a transferred `Uint8Array`, so the page
//! keeps no JS copy of it; the key comes back as 32 bytes, which are wiped once copied.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::bitwarden_kdf::{self, BitwardenKdf, ExportKey};
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::kdf::{self, KdfParams};
use std::cell::RefCell;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, Worker};
use zeroize::Zeroize;

/// `frontend/kdf-worker-loader.js`, which starts the `kdf-worker` binary (no hash in its name).
const WORKER_URL: &str = "/kdf-worker-loader.js";
/// How long the worker may take to load before the main thread takes over.
const READY_TIMEOUT_MS: i32 = 10_000;
/// How long the worker may take to answer a job (a derivation takes about a second) before the
/// main thread takes over.
const REPLY_TIMEOUT_MS: i32 = 60_000;

/// A started worker and the promise of its "ready" message (listened for from the start, so the
/// message cannot be missed however early it comes).
struct Started {
    worker: Worker,
    ready: Promise,
}

thread_local! {
    /// The worker [`prewarm`] started, waiting for the next derivation.
    static WARM: RefCell<Option<Started>> = const { RefCell::new(None) };
}

fn start() -> Option<Started> {
    let worker = Worker::new(WORKER_URL).ok()?;
    let ready = next_message(&worker, READY_TIMEOUT_MS);
    Some(Started { worker, ready })
}

/// Starts a worker now for the next derivation, unless one is already waiting.
pub fn prewarm() {
    WARM.with(|warm| {
        let mut warm = warm.borrow_mut();
        if warm.is_none() {
            *warm = start();
        }
    });
}

/// Derives the password key for a share's password parameters.
pub async fn password_key(password: &str, params: &PasswordParams) -> Key32 {
    argon2id(password, &params.salt, params.kdf).await
}

/// `Argon2id(UTF-8(password), salt, m, t, p)` for one of the salt lengths of
/// [`kdf::ARGON2_SALT_LENS`] (an account's version-2 `argon2_salt` is 32 bytes).
pub async fn argon2id(password: &str, salt: &[u8], params: KdfParams) -> Key32 {
    match in_worker(password, salt, params).await {
        Some(key) => key,
        None => {
            next_frame().await;
            kdf::argon2id(password, salt, params)
        }
    }
}

/// The key of a Bitwarden password-protected export (docs/interchange.md). Argon2id within
/// Coffer's own range runs in the password worker only (its salt hashed first, as Bitwarden
/// does): the file chose those costs, so when the worker cannot pay them the answer is `None`,
/// never the same work frozen on the page. PBKDF2 and smaller Argon2id run here after one
/// painted frame, so the page shows its progress text first. `kdf` MUST be within the bounds
/// ([`BitwardenKdf::check`]).
pub async fn bitwarden_key(password: &str, salt: &str, kdf: BitwardenKdf) -> Option<ExportKey> {
    match kdf.coffer_params() {
        Some(params) => in_worker(password, &bitwarden_kdf::argon2_salt(salt), params)
            .await
            .map(|key| ExportKey::stretch(&key)),
        None => {
            next_frame().await;
            Some(ExportKey::derive(password, salt, kdf))
        }
    }
}

/// Runs the derivation in the prewarmed worker or a fresh one, used once; `None` if the worker is
/// unavailable, failed or is too slow.
async fn in_worker(password: &str, salt: &[u8], params: KdfParams) -> Option<Key32> {
    let started = WARM.with(|warm| warm.borrow_mut().take()).or_else(start)?;
    let key = talk_to(&started, password, salt, params).await;
    started.worker.terminate();
    key
}

async fn talk_to(started: &Started, password: &str, salt: &[u8], params: KdfParams) -> Option<Key32> {
    let worker = &started.worker;
    let ready = JsFuture::from(started.ready.clone()).await.ok()?;
    if ready.as_string().as_deref() != Some("ready") {
        return None;
    }
    // Copied straight from Rust memory into a JS buffer that the transfer below detaches here.
    let password = Uint8Array::from(password.as_bytes());
    let job = Object::new();
    let set = |name: &str, value: JsValue| Reflect::set(&job, &JsValue::from_str(name), &value);
    set("password", password.clone().into()).ok()?;
    set("salt", Uint8Array::from(salt).into()).ok()?;
    set("m", params.m_kib().into()).ok()?;
    set("t", params.t().into()).ok()?;
    set("p", params.p().into()).ok()?;
    let reply = next_message(worker, REPLY_TIMEOUT_MS);
    let transfer = Array::of1(&password.buffer());
    if worker.post_message_with_transfer(&job, &transfer).is_err() {
        password.fill(0, 0, password.length());
        return None;
    }
    let reply = JsFuture::from(reply).await.ok()?;
    let bytes = reply.dyn_into::<Uint8Array>().ok()?;
    let mut key = [0u8; 32];
    if bytes.length() as usize != key.len() {
        return None;
    }
    bytes.copy_to(&mut key);
    bytes.fill(0, 0, 32);
    let password_key = Key32::from_bytes(key);
    key.zeroize();
    Some(password_key)
}

/// A promise of the worker's next message; rejected on a worker error, on a message that could
/// not be deserialized (`messageerror`), or after `timeout_ms`.
fn next_message(worker: &Worker, timeout_ms: i32) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::UNDEFINED, &event.data());
        });
        let reject_on_error = reject.clone();
        let on_error = Closure::<dyn Fn(Event)>::new(move |event: Event| {
            event.prevent_default();
            let _ = reject_on_error.call1(&JsValue::UNDEFINED, &event);
        })
        .into_js_value();
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.unchecked_ref()));
        if let Some(window) = web_sys::window() {
            // A late rejection of a settled promise does nothing.
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, timeout_ms);
        }
    })
}

/// Resolves after the browser has painted the next frame.
async fn next_frame() {
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
            return;
        };
        let after_paint = Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        let _ = window.request_animation_frame(after_paint.unchecked_ref());
    });
    let _ = JsFuture::from(promise).await;
}
