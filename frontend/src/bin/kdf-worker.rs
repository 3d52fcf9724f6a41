//! The password worker: derives `password_key = Argon2id(password, salt, m, t, p)` off the
//! page's main thread, so the page keeps painting its progress while Argon2id (64 MiB) runs.
//!
//! Trunk builds this binary as a second WASM module (`data-type="worker"` in `index.html`);
//! `frontend/kdf-worker-loader.js` loads it, started by `new Worker(...)` in `src/kdf.rs`.
//! The protocol:
//!
//! 1. once its handler is installed, the worker posts the string `"ready"`;
//! 2. the page posts `{password, salt, m, t, p}` (`password` the UTF-8 bytes and `salt` the 16
//!    or 32 bytes, each a `Uint8Array`; the password's buffer is transferred);
//! 3. the worker answers with the 32 key bytes as a `Uint8Array` (its buffer transferred), or
//!    with an error string.
//!
//! The password bytes and the key are wiped here once used: the Rust copies when dropped, the
//! received JS buffer by overwriting it.
//!
//! The parameters are checked again here ([`KdfParams::new`]), so a worker never derives from
//! parameters outside the range docs/envelope.md accepts.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::kdf::{ARGON2_SALT_LENS, KdfParams, argon2id};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};
use zeroize::Zeroizing;

/// A derivation request as the page sent it. The password bytes are wiped when it is dropped.
struct Job {
    password: Zeroizing<Vec<u8>>,
    /// One of [`ARGON2_SALT_LENS`]: an envelope's salt or an account's `argon2_salt`.
    salt: Vec<u8>,
    params: KdfParams,
}

impl Job {
    /// Reads `{password, salt, m, t, p}` from a message and wipes the received password buffer.
    fn from_message(data: &JsValue) -> Option<Self> {
        let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
        let number = |name: &str| field(name).and_then(|value| value.as_f64());
        let received = field("password")?.dyn_into::<Uint8Array>().ok()?;
        let password = Zeroizing::new(received.to_vec());
        received.fill(0, 0, received.length());
        let salt = Uint8Array::new(&field("salt")?).to_vec();
        if !ARGON2_SALT_LENS.contains(&salt.len()) {
            return None;
        }
        let m_kib = u32::try_from(number("m")? as u64).ok()?;
        let t = u32::try_from(number("t")? as u64).ok()?;
        let p = u8::try_from(number("p")? as u64).ok()?;
        let params = KdfParams::new(m_kib, t, p).ok()?;
        Some(Self { password, salt, params })
    }

    /// The password key; `None` if the password bytes are not UTF-8.
    fn derive(&self) -> Option<Key32> {
        let password = std::str::from_utf8(&self.password).ok()?;
        Some(argon2id(password, &self.salt, self.params))
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        // The job and its password bytes are dropped, so wiped, at the end of this statement;
        // the key (a `Key32`) is wiped when dropped below.
        let key = Job::from_message(&event.data()).and_then(|job| job.derive());
        // The page is gone if posting fails; there is nobody left to tell.
        let _ = match key {
            Some(key) => {
                // Transferred, so this worker keeps no JS copy of the key.
                let bytes = Uint8Array::from(&key.expose()[..]);
                reply_scope.post_message_with_transfer(&bytes, &Array::of1(&bytes.buffer()))
            }
            None => reply_scope.post_message(&JsValue::from_str("invalid request")),
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
