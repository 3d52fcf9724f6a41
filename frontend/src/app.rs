//! The app's frame and its routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::create::CreatePage;
use crate::pages::manage::ManagePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::reveal::RevealPage;

/// The root component: header, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <div class="app" data-testid="app-ready">
                <header class="site-header">
                    <a class="brand" href="/">
                        <span class="brand-mark" aria-hidden="true">"◆"</span>
                        "Coffer"
                    </a>
                    <span class="tagline">"End-to-end encrypted secret sharing"</span>
                </header>
                <main>
                    <Routes fallback=|| view! { <NotFoundPage /> }>
                        <Route path=path!("/") view=CreatePage />
                        <Route path=path!("/s/:id") view=RevealPage />
                        <Route path=path!("/m/:id") view=ManagePage />
                    </Routes>
                </main>
                <footer>
                    "Encrypted and decrypted in your browser. "
                    "The server never sees your secret, its password or its key."
                </footer>
            </div>
        </Router>
    }
}
