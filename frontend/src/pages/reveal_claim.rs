//! The reveal page's second half: the password field and the Reveal button, which claims one
//! view, and then the decrypted secret.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::id::ShareId;
use leptos::prelude::*;
use zeroize::Zeroize;

use crate::components::error_banner::ErrorBanner;
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::components::secret_view::SecretView;
use crate::components::share_gone::ShareGone;
use crate::components::status_line::StatusLine;
use crate::share::{self, ClaimError, Phase, Revealed};

/// Where the reveal stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Not revealed yet; the form is shown.
    Waiting,
    /// Revealed; the secret is shown.
    Revealed(Revealed),
    /// The share is gone (not found, or destroyed after too many wrong passwords).
    Gone,
}

/// The status line, the password field if the share has one, the Reveal button, and the secret
/// once revealed. The secret is wiped from memory when the page is left.
#[component]
pub fn ClaimPanel(
    /// The share's id.
    id: ShareId,
    /// `K`, from the link's fragment.
    share_key: Key32,
    /// The header's Argon2id parameters, already checked against the floor.
    password: Option<PasswordParams>,
    /// Views left, from the status.
    views_left: u32,
    /// Expiry, Unix seconds.
    expires_at: u64,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let views_left = RwSignal::new(views_left);
    let outcome = RwSignal::new(Outcome::Waiting);
    let error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(None::<Phase>);
    let destroyed = RwSignal::new(false);
    let has_password = password.is_some();

    let reveal = Action::new_local(move |typed_password: &String| {
        let typed_password = typed_password.clone();
        let (id, share_key) = (id.clone(), share_key.clone());
        async move {
            let password = password.as_ref().map(|params| (typed_password.as_str(), params));
            let result = share::claim(&id, &share_key, password, |now| phase.set(Some(now))).await;
            phase.set(None);
            match result {
                Ok(revealed) => {
                    views_left.set(revealed.views_left);
                    outcome.set(Outcome::Revealed(revealed));
                }
                Err(ClaimError::Gone) => outcome.set(Outcome::Gone),
                Err(failure) => {
                    if let ClaimError::WrongToken { left, .. } = failure {
                        typed.update(|t| t.zeroize());
                        destroyed.set(left == 0);
                    }
                    error.set(Some(failure.to_string()));
                }
            }
            let mut typed_password = typed_password;
            typed_password.zeroize();
        }
    });
    let busy = Signal::derive(move || reveal.pending().get());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if has_password && typed.with_untracked(String::is_empty) {
            error.set(Some("Enter the password the sender gave you.".to_owned()));
            return;
        }
        reveal.dispatch(typed.get_untracked());
    };

    on_cleanup(move || {
        typed.try_update(|t| t.zeroize());
        // Dropping the payload zeroizes it.
        outcome.try_set(Outcome::Waiting);
    });

    let form = move || {
        view! {
            <form class="claim" on:submit=on_submit novalidate>
                <p class="muted">
                    "Revealing shows the secret here and uses one view. "
                    "Nothing is used until you press the button."
                </p>
                {has_password
                    .then(|| {
                        view! {
                            <PasswordField
                                value=typed
                                label="Password"
                                testid="reveal-password"
                                autocomplete="off"
                                disabled=busy
                            />
                        }
                    })}
                <ErrorBanner message=error testid="reveal-error" />
                <Show when=move || phase.get() == Some(Phase::Strengthening)>
                    <KdfProgress />
                </Show>
                <div class="actions">
                    <button type="submit" data-testid="reveal-button" prop:disabled=busy>
                        {move || if busy.get() { "Revealing…" } else { "Reveal secret" }}
                    </button>
                </div>
            </form>
        }
    };

    let secret = move |blur: bool, views_left: u32| {
        let text = Signal::derive(move || {
            outcome.with(|o| match o {
                Outcome::Revealed(revealed) => revealed.payload.text.clone(),
                _ => String::new(),
            })
        });
        view! { <SecretView text blur views_left /> }
    };

    move || {
        let shown = outcome.with(|o| match o {
            Outcome::Waiting => None,
            Outcome::Gone => Some(None),
            Outcome::Revealed(revealed) => Some(Some((revealed.payload.blur, revealed.views_left))),
        });
        match shown {
            None if destroyed.get() => view! {
                <ErrorBanner message=error testid="reveal-error" />
                <a class="button secondary" href="/">"Share a secret of your own"</a>
            }
            .into_any(),
            None => view! {
                <StatusLine views_left expires_at testid="share-status" />
                {form()}
            }
            .into_any(),
            Some(None) => view! { <ShareGone /> }.into_any(),
            Some(Some((blur, left))) => view! {
                {(left > 0)
                    .then(|| view! { <StatusLine views_left expires_at testid="share-status" /> })}
                {secret(blur, left)}
            }
            .into_any(),
        }
    }
}
