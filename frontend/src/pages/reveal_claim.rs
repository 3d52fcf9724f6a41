//! The reveal page's second half: the password field and the Reveal button, which claims one
//! view, and then, once its signature checked out, who signed it and the decrypted secret; or a
//! tamper warning and nothing else.

use coffer_shared::api::DEFAULT_MAX_WRONG_CLAIMS;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::id::ShareId;
use leptos::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use crate::api;
use crate::claim::{self, ClaimError, NamedSigner, Revealed};
use crate::components::error_banner::ErrorBanner;
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::components::secret_view::SecretView;
use crate::components::share_gone::ShareGone;
use crate::components::shared_files::SharedFiles;
use crate::components::signer_line::SignerLine;
use crate::components::status_line::StatusLine;
use crate::components::tamper_warning::TamperWarning;
use crate::format;
use crate::share::Phase;

/// Where the reveal stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Not revealed yet; the form is shown.
    Waiting,
    /// Revealed; the secret is shown.
    Revealed(Revealed),
    /// The share is gone (not found).
    Gone,
    /// Nothing more can be done here: the last wrong password destroyed the share, or a claimed
    /// envelope did not open. The message says which; no button is offered, since pressing it
    /// again could only use more views.
    Ended(String),
    /// The signature did not hold: the share was altered and nothing of it is shown.
    Tampered(String),
}

/// What the panel shows, read from an [`Outcome`] without copying the secret.
enum Shown {
    Form,
    Gone,
    Ended(String),
    Tampered(String),
    /// Whether to blur, and the views left.
    Secret(bool, u32),
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
    /// The creator the status named; the signature is checked against it before anything shows.
    signer: Option<NamedSigner>,
    /// Views left, from the status.
    views_left: u32,
    /// Expiry, Unix seconds.
    expires_at: u64,
    /// Wrong passwords left before the server destroys the share, from the status.
    wrong_claims_left: u32,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let views_left = RwSignal::new(views_left);
    let wrong_claims_left = RwSignal::new(wrong_claims_left);
    let outcome = RwSignal::new(Outcome::Waiting);
    let error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(None::<Phase>);
    let has_password = password.is_some();

    let reveal = Action::new_local(move |typed_password: &Zeroizing<String>| {
        let typed_password = typed_password.clone();
        let (id, share_key, signer) = (id.clone(), share_key.clone(), signer.clone());
        async move {
            let password = password.as_ref().map(|params| (typed_password.as_str(), params));
            let on_phase = |now| phase.set(Some(now));
            let result = claim::claim(&id, &share_key, password, signer.as_ref(), on_phase).await;
            phase.set(None);
            typed.update(|t| t.zeroize());
            match result {
                Ok(revealed) => {
                    views_left.set(revealed.views_left);
                    outcome.set(Outcome::Revealed(revealed));
                }
                Err(ClaimError::Gone) => outcome.set(Outcome::Gone),
                Err(failure @ ClaimError::Tampered) => outcome.set(Outcome::Tampered(failure.to_string())),
                Err(
                    failure @ (ClaimError::WrongToken { left: 0, .. } | ClaimError::Undecryptable { .. }),
                ) => {
                    outcome.set(Outcome::Ended(failure.to_string()));
                }
                Err(failure) => {
                    if let ClaimError::WrongToken { left, .. } = failure {
                        wrong_claims_left.set(left);
                    }
                    error.set(Some(failure.to_string()));
                }
            }
        }
    });
    let busy = Signal::derive(move || reveal.pending().get());
    let attempts_left = attempts_hint(has_password, wrong_claims_left, error);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if has_password && typed.with_untracked(String::is_empty) {
            error.set(Some("Enter the password the sender gave you.".to_owned()));
            return;
        }
        reveal.dispatch_local(Zeroizing::new(typed.get_untracked()));
    };

    if has_password {
        crate::kdf::prewarm();
    }

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
                            {move || {
                                attempts_left
                                    .get()
                                    .map(|text| {
                                        view! {
                                            <p class="muted hint" data-testid="attempts-left">
                                                {text}
                                            </p>
                                        }
                                    })
                            }}
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
        let (has_text, files, token, signed) = outcome.with_untracked(|o| match o {
            Outcome::Revealed(revealed) => (
                !revealed.payload.text.is_empty(),
                revealed.files.clone(),
                revealed.download_token.clone(),
                Some(revealed.signed.clone()),
            ),
            _ => (false, Vec::new(), None, None),
        });
        view! {
            {signed.map(|signed| view! { <SignerLine signed /> })}
            {has_text.then(|| view! { <SecretView text blur views_left /> })}
            {(!files.is_empty()).then(|| view! { <SharedFiles files download_token=token /> })}
        }
    };

    move || {
        let shown = outcome.with(|o| match o {
            Outcome::Waiting => Shown::Form,
            Outcome::Gone => Shown::Gone,
            Outcome::Ended(message) => Shown::Ended(message.clone()),
            Outcome::Tampered(message) => Shown::Tampered(message.clone()),
            Outcome::Revealed(revealed) => Shown::Secret(revealed.payload.blur, revealed.views_left),
        });
        match shown {
            Shown::Form => view! {
                <StatusLine views_left expires_at testid="share-status" />
                {form()}
            }
            .into_any(),
            Shown::Gone => view! { <ShareGone /> }.into_any(),
            Shown::Ended(message) => view! {
                <ErrorBanner message=Signal::stored(Some(message)) testid="reveal-error" />
                <a class="button secondary" href="/">"Share a secret of your own"</a>
            }
            .into_any(),
            Shown::Tampered(message) => view! {
                <TamperWarning message />
                <a class="button secondary" href="/">"Share a secret of your own"</a>
            }
            .into_any(),
            Shown::Secret(blur, left) => view! {
                {(left > 0)
                    .then(|| view! { <StatusLine views_left expires_at testid="share-status" /> })}
                {secret(blur, left)}
            }
            .into_any(),
        }
    }
}

/// "N password attempts left", shown under the password field once some attempts were used (the
/// server's limit is read from its configuration), and hidden while an error says it already.
fn attempts_hint(
    has_password: bool,
    wrong_claims_left: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) -> Signal<Option<String>> {
    // Only a password share needs the limit; its default stands in if the request fails.
    let config = has_password.then(|| LocalResource::new(api::config));
    Signal::derive(move || {
        let limit = config?.get()?.map_or(DEFAULT_MAX_WRONG_CLAIMS, |config| config.max_wrong_claims);
        let left = wrong_claims_left.get();
        (left < limit && error.with(Option::is_none))
            .then(|| format!("{} left", format::plural(u64::from(left), "password attempt")))
    })
}
