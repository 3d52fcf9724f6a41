//! `/m/:id#manage_token`: the creator's view of a share: views left, expiry, and a button that
//! destroys it early. It never sees the secret.

use coffer_shared::crypto::Key32;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use super::reveal::id_from_path;
use crate::components::error_banner::ErrorBanner;
use crate::components::share_gone::ShareGone;
use crate::format;
use crate::link;
use crate::share::{self, Status};

/// Shown when the fragment holding the management token is missing or malformed.
const INCOMPLETE: &str = "This management link is incomplete: the part after # is missing or damaged.";

/// The management page.
#[component]
pub fn ManagePage() -> impl IntoView {
    let body = match (id_from_path(), link::key_from_fragment()) {
        (None, _) => view! { <ShareGone /> }.into_any(),
        (Some(_), None) => view! {
            <h1>"Incomplete link"</h1>
            <ErrorBanner message=Signal::stored(Some(INCOMPLETE.to_owned())) testid="manage-error" />
        }
        .into_any(),
        (Some(id), Some(token)) => view! { <ManageShare id token /> }.into_any(),
    };
    view! { <section class="card manage">{body}</section> }
}

/// Loads the share's status with the management token and offers to destroy it.
#[component]
fn ManageShare(
    /// The share's id.
    id: ShareId,
    /// The management token, from the link's fragment.
    token: Key32,
) -> impl IntoView {
    let status = LocalResource::new({
        let (id, token) = (id.clone(), token.clone());
        move || {
            let (id, token) = (id.clone(), token.clone());
            async move { share::status(&id, &token).await }
        }
    });
    let destroyed = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let destroy = Action::new_local(move |_: &()| {
        let (id, token) = (id.clone(), token.clone());
        async move {
            match share::destroy(&id, &token).await {
                Ok(()) => destroyed.set(true),
                Err(failure) if failure.is_not_found() => status.refetch(),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || destroy.pending().get());

    move || {
        if destroyed.get() {
            return view! {
                <h1>"Destroyed"</h1>
                <p class="success" data-testid="destroyed-notice" role="status">
                    "Destroyed: the secret is deleted from the server. Its link no longer works."
                </p>
                <a class="button secondary" href="/">"Share another secret"</a>
            }
            .into_any();
        }
        match status.get() {
            None => view! { <p class="muted" aria-busy="true">"Checking the secret…"</p> }.into_any(),
            Some(Err(failure)) if failure.is_not_found() => view! { <ShareGone /> }.into_any(),
            Some(Err(failure)) => view! {
                <h1>"Could not check the secret"</h1>
                <ErrorBanner message=Signal::stored(Some(failure.to_string())) testid="manage-error" />
            }
            .into_any(),
            Some(Ok(status)) => details(&status, busy, error, move || {
                destroy.dispatch(());
            })
            .into_any(),
        }
    }
}

/// The share's numbers and the Destroy button.
fn details(
    status: &Status,
    busy: Signal<bool>,
    error: RwSignal<Option<String>>,
    on_destroy: impl Fn() + 'static,
) -> impl IntoView {
    let protected = status.header.as_ref().is_some_and(|header| header.password.is_some());
    view! {
        <h1>"Manage your secret"</h1>
        <p class="status" data-testid="manage-status">
            {format::status_line(status.views_left, status.expires_at)}
        </p>
        <ul class="facts">
            {if protected {
                view! {
                    <li>"Protected by a password."</li>
                    <li>
                        {format!(
                            "{} left before the secret is destroyed.",
                            format::plural(u64::from(status.wrong_claims_left), "wrong password attempt"),
                        )}
                    </li>
                }
                    .into_any()
            } else {
                view! { <li>"No password: the link alone opens it."</li> }.into_any()
            }}
        </ul>
        <p class="muted">
            "Destroying deletes the secret from the server right away. Nobody can view it after that."
        </p>
        <ErrorBanner message=error testid="manage-error" />
        <div class="actions">
            <button
                type="button"
                class="danger"
                data-testid="destroy-button"
                prop:disabled=busy
                on:click=move |_| on_destroy()
            >
                {move || if busy.get() { "Destroying…" } else { "Destroy now" }}
            </button>
        </div>
    }
}
