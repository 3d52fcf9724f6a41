//! Any path the app does not know.

use leptos::prelude::*;

/// Says the page does not exist and links to the create page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. Secret links look like /s/… followed by a #key."</p>
            <a class="button secondary" href="/">"Share a secret"</a>
        </section>
    }
}
