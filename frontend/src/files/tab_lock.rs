//! One tab at a time per upload (docs/envelope.md, "Resuming an upload"): an exclusive Web Lock
//! (`navigator.locks`), shared by every tab of the origin, held while an upload's chunks are
//! sealed and sent and its resume record is written. A chunk's nonce follows from its index, so
//! two tabs sealing different selections of one upload would reuse a nonce; with the lock the
//! second tab seals nothing and is told the upload continues elsewhere.
//!
//! web-sys has `LockManager` only behind `web_sys_unstable_apis`, so the API is reached with
//! `Reflect`.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Why the lock was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockError {
    /// Another tab (or task) of this browser holds it.
    HeldElsewhere,
    /// This browser has no Web Locks API.
    Unsupported,
}

/// The lock's name for the upload of file `file_id`.
pub fn upload_name(file_id: &str) -> String {
    format!("coffer-upload:{file_id}")
}

/// The lock's name for the draft of file share `share_id`.
pub fn draft_name(share_id: &str) -> String {
    format!("coffer-draft:{share_id}")
}

/// An exclusive lock, released when dropped (or when the tab closes).
#[derive(Debug)]
pub struct HeldLock {
    release: Function,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}

/// Takes the exclusive lock `name` if nobody holds it, without waiting.
pub async fn try_lock(name: &str) -> Result<HeldLock, LockError> {
    let navigator = web_sys::window().ok_or(LockError::Unsupported)?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).map_err(|_| LockError::Unsupported)?;
    let request: Function = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|request| request.dyn_into().ok())
        .ok_or(LockError::Unsupported)?;
    let options = Object::new();
    for (field, value) in [("mode", JsValue::from_str("exclusive")), ("ifAvailable", JsValue::TRUE)] {
        Reflect::set(&options, &field.into(), &value).map_err(|_| LockError::Unsupported)?;
    }
    // `granted` resolves with the function that releases the lock, or with null when another
    // holder has it. The lock lasts until the promise the callback returns settles.
    let (mut grant, mut refuse) = (None, None);
    let granted = Promise::new(&mut |resolve, reject| {
        grant = Some(resolve);
        refuse = Some(reject);
    });
    let (grant, refuse) = grant.zip(refuse).ok_or(LockError::Unsupported)?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() {
            let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::NULL);
            return JsValue::UNDEFINED;
        }
        let mut release = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        let _ = grant.call1(&JsValue::UNDEFINED, &release.map_or(JsValue::NULL, JsValue::from));
        held.into()
    });
    let pending =
        request.call3(&locks, &name.into(), &options, &callback).map_err(|_| LockError::Unsupported)?;
    // The request's own promise settles when the lock is released; if it fails before the
    // callback ran, `granted` fails with it (after a grant, that is a no-op).
    if let Ok(pending) = pending.dyn_into::<Promise>() {
        let on_failure = Closure::<dyn FnMut(JsValue)>::once(move |error: JsValue| {
            let _ = refuse.call1(&JsValue::UNDEFINED, &error);
        });
        let _ = pending.catch(&on_failure);
        // It must outlive this call: the promise settles much later, if ever with a failure.
        on_failure.forget();
    }
    let value = JsFuture::from(granted).await.map_err(|_| LockError::Unsupported)?;
    match value.dyn_into::<Function>() {
        Ok(release) => Ok(HeldLock { release }),
        Err(_) => Err(LockError::HeldElsewhere),
    }
}
