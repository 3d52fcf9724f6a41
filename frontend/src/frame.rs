//! What every page of both apps shares: the skip link, the header, the toasts and the footer.
//! Signed in, the header is the app's navigation: a sidebar on wide screens, a bar on phones
//! (the `shell` class; `style.css`, "The app shell").

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::toast::ToastHost;

/// The id of each page's `<main>`, which the skip link focuses.
pub const MAIN_ID: &str = "main";

/// The page around the routes: the header with `nav`, then `children`, the toasts and the footer.
#[component]
pub fn Frame(
    /// The header's links, in its `<nav>`.
    #[prop(into)]
    nav: ViewFn,
    /// Lay the page out as the signed-in app: navigation in a sidebar on wide screens.
    #[prop(optional, into)]
    shell: Signal<bool>,
    /// What comes under the header: the routes in their `<main id="main">`.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="app" class:shell=move || shell.get() data-testid="app-ready">
            <a class="skip-link" href="#main" data-testid="skip-link" on:click=skip_to_main>
                "Skip to content"
            </a>
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Coffer"
                </a>
                <span class="tagline">"End-to-end encrypted secrets and vault"</span>
                <nav class="site-nav" aria-label="Main">{nav.run()}</nav>
            </header>
            {children()}
            <ToastHost />
            <footer>
                "Encrypted and decrypted in your browser. "
                "The server never sees your secrets, your passphrase or your keys. "
                <a href="/about" data-testid="footer-about">"About"</a>
            </footer>
        </div>
    }
}

/// Moves focus to the page's `<main>` without a navigation (the router would treat `#main` as
/// one), so keyboard users skip the header's links.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    let main = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(MAIN_ID))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        ev.prevent_default();
        let _ = main.focus();
    }
}

/// The header's links for a visitor who is not signed in.
#[component]
pub fn SignedOutLinks() -> impl IntoView {
    view! {
        <a href="/signin" data-testid="nav-signin">"Sign in"</a>
        <a href="/signup" data-testid="nav-signup">"Sign up"</a>
    }
}
