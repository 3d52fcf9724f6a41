//! Coffer's browser app: it encrypts a secret in the browser, stores only the ciphertext on the
//! server, and decrypts it for whoever holds the link; and it keeps an account's vault, whose
//! keys and records are opened only here. All cryptography comes from `coffer-shared`; this
//! crate is pages, components, an API client and the glue between them.

mod account;
mod activity;
mod api;
mod app;
mod attachments;
mod backup;
mod claim;
mod clipboard;
mod components;
mod fields;
mod file_share;
mod files;
mod format;
mod kdf;
mod link;
mod pages;
mod perf;
mod session;
mod share;
mod signer;
mod strength;
mod vault;

fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(files::sink::forget_old_worker());
    // The page's static loading state (index.html) gives way to the app.
    if let Some(boot) = web_sys::window().and_then(|window| window.document()?.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
