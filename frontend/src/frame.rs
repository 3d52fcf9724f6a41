//! What every page of both apps shares: the header, the toasts and the footer.

use leptos::prelude::*;

use crate::components::toast::ToastHost;

/// The page around the routes: the header with `nav`, then `children`, the toasts and the footer.
#[component]
pub fn Frame(
    /// The header's links, in its account `<nav>`.
    #[prop(into)]
    nav: ViewFn,
    /// What comes under the header: the routes in their `<main>`.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="app" data-testid="app-ready">
            <header class="site-header">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Coffer"
                </a>
                <span class="tagline">"End-to-end encrypted secret sharing"</span>
                <nav class="site-nav" aria-label="Account">{nav.run()}</nav>
            </header>
            {children()}
            <ToastHost />
            <footer>
                "Encrypted and decrypted in your browser. "
                "The server never sees your secrets, your passphrase or your keys."
            </footer>
        </div>
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
