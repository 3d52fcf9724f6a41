//! Coffer's browser app: it encrypts a secret in the browser, stores only the ciphertext on the
//! server, and decrypts it for whoever holds the link. All cryptography comes from
//! `coffer-shared`; this crate is pages, components and an API client.

mod api;
mod app;
mod components;
mod format;
mod kdf;
mod link;
mod pages;
mod share;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
