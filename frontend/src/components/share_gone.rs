//! The message for a share that is not (or no longer) there.

use leptos::prelude::*;

/// Says the secret does not exist, has expired or was already viewed, and offers a new one.
#[component]
pub fn ShareGone(
    /// One more line, for the page's own reasons.
    #[prop(optional_no_strip)]
    note: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="gone" data-testid="share-gone">
            <h1>"This secret is not available"</h1>
            <p>
                "This secret does not exist, has expired, or was already viewed. "
                "Secrets are deleted for good after their last view."
            </p>
            <p class="muted">"If you expected a secret here, ask the sender for a new link."</p>
            {note.map(|note| view! { <p class="muted" data-testid="share-gone-note">{note}</p> })}
            <a class="button secondary" href="/">"Share a secret of your own"</a>
        </div>
    }
}
