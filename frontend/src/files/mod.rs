//! Files of any size: sealed and uploaded chunk by chunk ([`upload`]), downloaded and opened as
//! a stream ([`download`], cut into chunks by [`pieces`]) into a [`sink`], with [`progress`] for the page; a [`draft`] (file
//! shares) or a [`pending`] entry (vault attachments) in local storage lets a broken upload
//! continue, and a [`tab_lock`] keeps two tabs from continuing the same one.

pub mod digest;
pub mod download;
pub mod draft;
pub mod pending;
pub mod pieces;
pub mod pipeline;
pub mod progress;
pub mod sink;
pub mod tab_lock;
pub mod upload;

use wasm_bindgen_futures::JsFuture;

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Milliseconds since the page loaded (monotonic), for speeds.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}
