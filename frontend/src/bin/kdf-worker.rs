//! The password worker: derives `password_key = Argon2id(password, salt, m, t, p)` off the
//! page's main thread, so the page keeps painting its progress while Argon2id (64 MiB) runs.
//!
//! Trunk builds this binary as a second WASM module (`data-type="worker"` in `index.html`);
//! `frontend/kdf-worker-loader.js` loads it, started by `new Worker(...)` in `src/kdf.rs`.
//! The protocol:
//!
//! 1. once its handler is installed, the worker posts the string `"ready"`;
//! 2. the page posts `{password, salt, m, t, p}` (`salt` a 16-byte `Uint8Array`);
//! 3. the worker answers with the 32 key bytes as a `Uint8Array`, or with an error string.
//!
//! The parameters are checked again here ([`KdfParams::new`]), so a worker never derives from
//! parameters outside the range docs/envelope.md accepts.

use coffer_shared::crypto::kdf::{KdfParams, SALT_LEN, password_key};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};
use zeroize::Zeroize;

/// A derivation request as the page sent it.
struct Job {
    password: String,
    salt: [u8; SALT_LEN],
    params: KdfParams,
}

impl Drop for Job {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

impl Job {
    /// Reads `{password, salt, m, t, p}` from a message.
    fn from_message(data: &JsValue) -> Option<Self> {
        let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
        let number = |name: &str| field(name).and_then(|value| value.as_f64());
        let password = field("password")?.as_string()?;
        let salt_bytes = Uint8Array::new(&field("salt")?).to_vec();
        let salt: [u8; SALT_LEN] = salt_bytes.try_into().ok()?;
        let m_kib = u32::try_from(number("m")? as u64).ok()?;
        let t = u32::try_from(number("t")? as u64).ok()?;
        let p = u8::try_from(number("p")? as u64).ok()?;
        let params = KdfParams::new(m_kib, t, p).ok()?;
        Some(Self { password, salt, params })
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match Job::from_message(&event.data()) {
            Some(job) => {
                let key = password_key(&job.password, &job.salt, job.params);
                JsValue::from(Uint8Array::from(&key.expose()[..]))
            }
            None => JsValue::from_str("invalid request"),
        };
        // The page is gone if posting fails; there is nobody left to tell.
        let _ = reply_scope.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
