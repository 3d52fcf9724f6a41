//! `/m/:id#m`: the creator's view of a share: views left, expiry, and a button that destroys it
//! early. It never sees the secret, and never sends its fragment: every request carries
//! `manage_token = SHA-256("coffer/v1/manage-token" || m)` (docs/envelope.md, "Keys for a
//! share"), so a share key pasted here by mistake does not reach the server.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::share::manage_token;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use crate::claim::Status;
use crate::components::error_banner::ErrorBanner;
use crate::components::share_gone::ShareGone;
use crate::components::share_loader::ShareLoader;
use crate::components::status_line::StatusLine;
use crate::format;
use crate::share;

/// Shown when the fragment holding the management token is missing or malformed.
const INCOMPLETE: &str = "This management link is incomplete: the part after # is missing or damaged.";

/// Shown under "not available": a management link made before the token was hashed cannot
/// work, since using it would mean sending the link's secret to the server.
const OLD_LINK: &str = "A management link made before this version of Coffer cannot be used any \
     more: it would have to send its secret to the server. That share still ends on its own, at its \
     last view or its expiry; if you made it while signed in, destroy it from Shares.";

/// The management page: the status is read with the hash of the fragment's secret.
#[component]
pub fn ManagePage() -> impl IntoView {
    view! {
        <section class="card manage">
            <ShareLoader
                incomplete=INCOMPLETE
                testid="manage-error"
                token=|_, secret| manage_token(secret)
                gone_note=OLD_LINK
                loaded=|id, secret, status| view! { <ManageShare id token=manage_token(&secret) status /> }
            />
        </section>
    }
}

/// How the page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// The Destroy button worked.
    Destroyed,
    /// The share was already gone when Destroy was pressed.
    Gone,
}

/// The share's status and a button that destroys it.
#[component]
fn ManageShare(
    /// The share's id.
    id: ShareId,
    /// The management token: the hash of the link's secret, which this page never holds.
    token: Key32,
    /// The share's status, read with the management token.
    status: Status,
) -> impl IntoView {
    let ended = RwSignal::new(None::<Ended>);
    let error = RwSignal::new(None::<String>);
    let destroy = Action::new_local(move |_: &()| {
        let (id, token) = (id.clone(), token.clone());
        async move {
            match share::destroy(&id, &token).await {
                Ok(()) => ended.set(Some(Ended::Destroyed)),
                Err(failure) if failure.is_not_found() => ended.set(Some(Ended::Gone)),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || destroy.pending().get());

    move || match ended.get() {
        Some(Ended::Destroyed) => view! {
            <h1>"Destroyed"</h1>
            <p class="success" data-testid="destroyed-notice" role="status">
                "Destroyed: the secret is deleted from the server. Its link no longer works."
            </p>
            <a class="button secondary" href="/">"Share another secret"</a>
        }
        .into_any(),
        Some(Ended::Gone) => view! { <ShareGone /> }.into_any(),
        None => details(&status, busy, error, move || {
            destroy.dispatch_local(());
        })
        .into_any(),
    }
}

/// The share's numbers and the Destroy button.
fn details(
    status: &Status,
    busy: Signal<bool>,
    error: RwSignal<Option<String>>,
    on_destroy: impl Fn() + 'static,
) -> impl IntoView {
    let protection = match status.header.as_ref().map(|header| header.password.is_some()) {
        Some(true) => view! {
            <li>"Protected by a password."</li>
            <li>
                {format!(
                    "{} left before the secret is destroyed.",
                    format::plural(u64::from(status.wrong_claims_left), "wrong password attempt"),
                )}
            </li>
        }
        .into_any(),
        Some(false) => view! { <li>"No password: the link alone opens it."</li> }.into_any(),
        None => view! {
            <li>
                "Whether it needs a password is unknown: this browser cannot read its header, \
                 or refuses its protection parameters. Its link may not open here either."
            </li>
        }
        .into_any(),
    };
    view! {
        <h1>"Manage your secret"</h1>
        <StatusLine views_left=status.views_left expires_at=status.expires_at testid="manage-status" />
        <ul class="facts" data-testid="manage-facts">
            {protection}
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
