//! What the reveal and manage pages share: reading the share's id and key from the link, loading
//! its status, and the views for a link that is incomplete, gone, or could not be checked.

use coffer_shared::crypto::Key32;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use super::error_banner::ErrorBanner;
use super::share_gone::ShareGone;
use crate::claim::{self, Status};
use crate::link;

/// Reads the link, loads the share's status with `token(id, key)`, then shows
/// `loaded(id, key, status)`; meanwhile "Checking…", and "gone" or the failure instead.
#[component]
pub fn ShareLoader<F, V>(
    /// Shown when the link's fragment is missing or damaged.
    incomplete: &'static str,
    /// The `data-testid` of the error banners.
    testid: &'static str,
    /// The token that reads the status, from the id and the fragment's key.
    token: fn(&ShareId, &Key32) -> Key32,
    /// A line added to the "not available" message.
    #[prop(optional)]
    gone_note: Option<&'static str>,
    /// The page for a share that exists, from its id, the fragment's key and its status.
    loaded: F,
) -> impl IntoView
where
    F: Fn(ShareId, Key32, Status) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let (id, key) = match (link::id_from_path(), link::key_from_fragment()) {
        (None, _) => return view! { <ShareGone note=gone_note /> }.into_any(),
        (Some(_), None) => {
            return view! {
                <h1>"Incomplete link"</h1>
                <ErrorBanner message=Signal::stored(Some(incomplete.to_owned())) testid />
            }
            .into_any();
        }
        (Some(id), Some(key)) => (id, key),
    };
    let status = LocalResource::new({
        let (id, token) = (id.clone(), token(&id, &key));
        move || {
            let (id, token) = (id.clone(), token.clone());
            async move { claim::status(&id, &token).await }
        }
    });
    let body = move || match status.get() {
        None => view! { <p class="muted" aria-busy="true">"Checking the secret…"</p> }.into_any(),
        Some(Err(error)) if error.is_not_found() => view! { <ShareGone note=gone_note /> }.into_any(),
        Some(Err(error)) => view! {
            <h1>"Could not check the secret"</h1>
            <ErrorBanner message=Signal::stored(Some(error.to_string())) testid />
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| status.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Some(Ok(status)) => loaded(id.clone(), key.clone(), status).into_any(),
    };
    body.into_any()
}
