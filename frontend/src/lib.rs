//! Coffer's browser app: it encrypts a secret in the browser, stores only the ciphertext on the
//! server, and decrypts it for whoever holds the link; and it keeps an account's vault, whose
//! keys and records are opened only here. All cryptography comes from `coffer-shared`; this
//! crate is pages, components, an API client and the glue between them.
//!
//! Two apps are built from it. [`public_app`] (`src/bin/public.rs`) has only what a visitor
//! who is not signed in needs on `/` and `/s/<id>`: the create form and the reveal page, so that
//! the first load stays small. [`app`] (`src/main.rs`) is everything, for signed-in people and
//! every other page. `boot.js` picks one per page load.

pub mod account;
pub mod activity;
pub mod api;
pub mod app;
pub mod attachments;
pub mod backup;
pub mod claim;
pub mod clipboard;
pub mod components;
pub mod fields;
pub mod file_share;
pub mod files;
pub mod format;
pub mod frame;
pub mod kdf;
pub mod link;
pub mod my_shares;
pub mod pages;
pub mod perf;
pub mod public_app;
pub mod session;
pub mod share;
pub mod signer;
pub mod strength;
pub mod vault;

use leptos::prelude::*;

/// Starts an app: panics to the console, the page's static loading state (index.html) gives
/// way, and `root` is mounted on the body.
pub fn start<F, N>(root: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(files::sink::forget_old_worker());
    if let Some(boot) = web_sys::window().and_then(|window| window.document()?.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(root);
}
