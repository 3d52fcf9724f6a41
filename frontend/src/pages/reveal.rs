//! `/s/:id#K`: shows a share's status without consuming it, then reveals it on request.
//!
//! Reading the status never consumes a view, so link previews and a reader who only looks
//! spend nothing. Only the Reveal button claims a view (see [`super::reveal_claim`]).

use coffer_shared::crypto::Key32;
use coffer_shared::id::ShareId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::reveal_claim::ClaimPanel;
use crate::components::error_banner::ErrorBanner;
use crate::components::share_gone::ShareGone;
use crate::share::{self, Status};
use crate::{api::ApiError, link};

/// Shown when the fragment holding `K` is missing or malformed.
const INCOMPLETE: &str = "This link is incomplete: the part after # is missing or damaged. Ask the sender to send it again, complete.";
/// Shown when the header's Argon2id parameters are outside what this browser accepts.
const REFUSED: &str = "This share's protection parameters were refused: they are weaker (or \
                       costlier) than this browser accepts. Nothing was revealed.";

/// The id in the path, if well-formed.
pub fn id_from_path() -> Option<ShareId> {
    use_params_map().with_untracked(|params| params.get("id").and_then(|id| id.parse().ok()))
}

/// The reveal page.
#[component]
pub fn RevealPage() -> impl IntoView {
    let body = match (id_from_path(), link::key_from_fragment()) {
        (None, _) => view! { <ShareGone /> }.into_any(),
        (Some(_), None) => view! {
            <h1>"Incomplete link"</h1>
            <ErrorBanner message=Signal::stored(Some(INCOMPLETE.to_owned())) testid="reveal-error" />
        }
        .into_any(),
        (Some(id), Some(share_key)) => view! { <RevealShare id share_key /> }.into_any(),
    };
    view! { <section class="card reveal">{body}</section> }
}

/// Loads the status of a share whose id and key are known, then offers to reveal it.
#[component]
fn RevealShare(
    /// The share's id.
    id: ShareId,
    /// `K`, from the link's fragment.
    share_key: Key32,
) -> impl IntoView {
    let status = LocalResource::new({
        let id = id.clone();
        let token = share::status_token_for(&id, &share_key);
        move || {
            let id = id.clone();
            let token = token.clone();
            async move { share::status(&id, &token).await }
        }
    });
    let retry = move |_| status.refetch();
    move || match status.get() {
        None => view! { <p class="muted" aria-busy="true">"Checking the secret…"</p> }.into_any(),
        Some(Err(error)) if error.is_not_found() => view! { <ShareGone /> }.into_any(),
        Some(Err(error)) => failed(&error, retry).into_any(),
        Some(Ok(status)) => available(id.clone(), share_key.clone(), status).into_any(),
    }
}

/// A status request that failed for another reason than "not found".
fn failed(error: &ApiError, retry: impl Fn(leptos::ev::MouseEvent) + 'static) -> impl IntoView {
    view! {
        <h1>"Could not check the secret"</h1>
        <ErrorBanner message=Signal::stored(Some(error.to_string())) testid="reveal-error" />
        <div class="actions">
            <button type="button" class="secondary" on:click=retry>
                "Try again"
            </button>
        </div>
    }
}

/// The share exists: its status line, then the claim panel (or a refusal of its header).
fn available(id: ShareId, share_key: Key32, status: Status) -> impl IntoView {
    let Status { views_left, expires_at, header, .. } = status;
    let body = match header {
        None => view! {
            <ErrorBanner message=Signal::stored(Some(REFUSED.to_owned())) testid="reveal-error" />
        }
        .into_any(),
        Some(header) => view! {
            <ClaimPanel id share_key password=header.password views_left expires_at />
        }
        .into_any(),
    };
    view! {
        <h1>"You have received a secret"</h1>
        {body}
    }
}
