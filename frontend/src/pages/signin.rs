//! `/signin`: e-mail and passphrase (pre-login, its checks, Argon2id in the worker, the proof),
//! then the second factor: the mailed code, or an authenticator or recovery code. The keys
//! derived in the first step wait in memory for the second and open the session's wrapped keys
//! (and re-key a version-1 account). A pre-login answer weaker than what this browser remembers
//! for the address stops the sign-in with a warning, before anything is derived.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::SecondFactor;
use coffer_shared::token::SigninToken;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use zeroize::Zeroize;

use crate::account::{self, AccountError, SigninKeys};
use crate::api::account as api;
use crate::components::downgrade_warning::DowngradeWarning;
use crate::components::error_banner::ErrorBanner;
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::session::Session;

/// The open second step: the attempt's token and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Challenge {
    token: SigninToken,
    factor: SecondFactor,
}

/// The sign-in page.
#[component]
pub fn SigninPage() -> impl IntoView {
    crate::kdf::prewarm();
    let session = Session::get();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let downgrade = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<&'static str>);
    let challenge = RwSignal::new(None::<Challenge>);
    // Not Clone, never copied: dropped (and wiped) when the page is left or the sign-in ends.
    let keys = StoredValue::new(None::<SigninKeys>);

    if session.with_unlocked(|_| ()).is_some() {
        navigate("/vault", Default::default());
    }

    let first = Action::new_local(move |_: &()| {
        let address = email.get_untracked().trim().to_owned();
        let mut typed = passphrase.get_untracked();
        async move {
            let result = account::signin(&address, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            match result {
                Ok((derived, answer)) => {
                    keys.set_value(Some(derived));
                    challenge
                        .set(Some(Challenge { token: answer.signin_token, factor: answer.second_factor }));
                }
                Err(AccountError::Weaker(weaker)) => downgrade.set(Some(weaker.to_string())),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let second = Action::new_local(move |_: &()| {
        let typed = code.get_untracked();
        let token = challenge.with_untracked(|c| c.as_ref().map(|c| c.token.clone()));
        let navigate = navigate.clone();
        async move {
            // The code form shows only with a challenge.
            let Some(token) = token else { return };
            let opened = match api::signin_verify(&token, typed.trim()).await {
                // Taken only now: a wrong code leaves them for the next try.
                Ok(info) => match keys.try_update_value(Option::take).flatten() {
                    Some(taken) => account::finish_signin(&info, taken).await,
                    None => Err(AccountError::WrongPassphrase),
                },
                Err(failure) => Err(AccountError::Api(failure)),
            };
            match opened {
                Ok(unlocked) => {
                    session.set_unlocked(unlocked);
                    navigate("/vault", Default::default());
                }
                Err(AccountError::Api(failure)) if failure.code() == ErrorCode::SigninExpired => {
                    keys.set_value(None);
                    challenge.set(None);
                    error.set(Some(AccountError::Api(failure).to_string()));
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let resend = Action::new_local(move |_: &()| {
        let token = challenge.with_untracked(|c| c.as_ref().map(|c| c.token.clone()));
        async move {
            let Some(token) = token else { return };
            match api::signin_resend(&token).await {
                Ok(()) => note.set(Some("A new code is on its way.")),
                Err(failure) => error.set(Some(AccountError::Api(failure).to_string())),
            }
        }
    });
    let busy =
        Signal::derive(move || first.pending().get() || second.pending().get() || resend.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
        keys.try_set_value(None);
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        downgrade.set(None);
        note.set(None);
        if challenge.with_untracked(Option::is_some) {
            second.dispatch_local(());
        } else if email.with_untracked(|e| !e.contains('@')) || passphrase.with_untracked(String::is_empty) {
            error.set(Some("Type your e-mail address and passphrase.".to_owned()));
        } else {
            first.dispatch_local(());
        }
    };

    let credentials = move || {
        view! {
            <div class="field">
                <label for="signin-email">"E-mail address"</label>
                <input
                    id="signin-email"
                    type="email"
                    autocomplete="username"
                    data-testid="signin-email"
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                    prop:disabled=busy
                />
            </div>
            <PasswordField
                value=passphrase
                label="Passphrase"
                testid="signin-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <Show when=move || first.pending().get()>
                <KdfProgress />
            </Show>
            // Under the fields it is about, above the button that retries.
            <DowngradeWarning details=downgrade />
            <ErrorBanner message=error testid="signin-error" />
            <div class="actions">
                <button type="submit" data-testid="signin-submit" prop:disabled=busy>
                    {move || if first.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </div>
            <p class="muted">"New here? " <a href="/signup">"Create a vault"</a></p>
        }
    };
    let second_step = move |factor: SecondFactor| {
        let is_email = factor == SecondFactor::Email;
        view! {
            <p class="muted" data-testid="signin-factor" data-factor=if is_email { "email" } else { "totp" }>
                {if is_email {
                    "We sent an 8-digit code to your e-mail address. It is valid for 10 minutes."
                } else {
                    "Type the 6-digit code from your authenticator app, or one of your recovery codes."
                }}
            </p>
            <div class="field">
                <label for="signin-code">{api::factor_label(factor)}</label>
                <input
                    id="signin-code"
                    class="code-input"
                    inputmode=if is_email { "numeric" } else { "text" }
                    autocomplete="one-time-code"
                    data-testid="signin-code"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                    prop:disabled=busy
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby="signin-error"
                />
            </div>
            <ErrorBanner message=error testid="signin-error" />
            <div class="actions">
                <button type="submit" data-testid="signin-verify" prop:disabled=busy>
                    {move || if second.pending().get() { "Checking…" } else { "Continue" }}
                </button>
                {is_email
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                data-testid="signin-resend"
                                prop:disabled=busy
                                on:click=move |_| {
                                    error.set(None);
                                    resend.dispatch_local(());
                                }
                            >
                                "Send a new code"
                            </button>
                        }
                    })}
            </div>
        }
    };

    view! {
        <form class="card signin" data-testid="signin-form" on:submit=on_submit novalidate>
            <h1>"Sign in"</h1>
            {move || match challenge.with(|c| c.as_ref().map(|c| c.factor)) {
                None => credentials().into_any(),
                Some(factor) => second_step(factor).into_any(),
            }}
            {move || note.get().map(|text| view! { <p class="success" role="status">{text}</p> })}
        </form>
    }
}
