//! The message for a share that is not (or no longer) there.

use leptos::prelude::*;

/// Says the secret does not exist, has expired or was already viewed, and offers a new one.
#[component]
pub fn ShareGone() -> impl IntoView {
    view! {
        <div class="gone" data-testid="share-gone">
            <h2>"This secret is not available"</h2>
            <p>
                "This secret does not exist, has expired, or was already viewed. "
                "Secrets are deleted for good after their last view."
            </p>
            <p class="muted">"If you expected a secret here, ask the sender for a new link."</p>
            <a class="button secondary" href="/">"Share a secret of your own"</a>
        </div>
    }
}
