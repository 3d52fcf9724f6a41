//! `/s/:id#K`: shows a share's status without consuming it, then reveals it on request.
//!
//! Reading the status never consumes a view, so link previews and a reader who only looks
//! spend nothing. Only the Reveal button claims a view (see [`super::reveal_claim`]).

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::share::status_token;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use super::reveal_claim::ClaimPanel;
use crate::claim::Status;
use crate::components::error_banner::ErrorBanner;
use crate::components::share_loader::ShareLoader;
use crate::files::progress::size_text;

/// Shown when the fragment holding `K` is missing or malformed.
const INCOMPLETE: &str = "This link is incomplete: the part after # is missing or damaged. Ask the sender to send it again, complete.";
/// Shown when the header's Argon2id parameters are outside what this browser accepts.
const REFUSED: &str = "This share's protection parameters were refused: they are weaker (or \
                       costlier) than this browser accepts. Nothing was revealed.";

/// The reveal page: the status is read with the status token derived from `K`.
#[component]
pub fn RevealPage() -> impl IntoView {
    view! {
        <section class="card reveal">
            <ShareLoader
                incomplete=INCOMPLETE
                testid="reveal-error"
                token=|id, share_key| status_token(share_key, id)
                loaded=available
            />
        </section>
    }
}

/// The share exists: its status line, then the claim panel (or a refusal of its header).
fn available(id: ShareId, share_key: Key32, status: Status) -> impl IntoView {
    let Status { views_left, expires_at, wrong_claims_left, header, file_count, file_bytes, signer } = status;
    let files = (file_count > 0).then(|| {
        let what = if file_count == 1 { "1 file".to_owned() } else { format!("{file_count} files") };
        view! {
            <p class="muted" data-testid="share-files-summary">
                {format!("It holds {what}, {} in all.", size_text(file_bytes))}
            </p>
        }
    });
    let body = match header {
        None => view! {
            <ErrorBanner message=Signal::stored(Some(REFUSED.to_owned())) testid="reveal-error" />
        }
        .into_any(),
        Some(header) => view! {
            <ClaimPanel
                id
                share_key
                password=header.password
                signer
                views_left
                expires_at
                wrong_claims_left
            />
        }
        .into_any(),
    };
    view! {
        <h1>"You have received a secret"</h1>
        {files}
        {body}
    }
}
