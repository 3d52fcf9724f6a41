//! `/signup`: e-mail address, the 8-digit code from the mail, then a passphrase (with a strength
//! meter) from which the browser makes the account's keys. Only `auth_proof`, the wrapped keys
//! and the public key are sent.

use coffer_shared::token::SignupToken;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use zeroize::Zeroize;

use crate::account;
use crate::api::account as api;
use crate::components::error_banner::ErrorBanner;
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::components::strength_meter::StrengthMeter;
use crate::session::Session;
use crate::strength;

/// Where the sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Email,
    Code,
    Passphrase,
}

/// The sign-up page.
#[component]
pub fn SignupPage() -> impl IntoView {
    crate::kdf::prewarm();
    let session = Session::get();
    let navigate = use_navigate();
    let step = RwSignal::new(Step::Email);
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let token = RwSignal::new(None::<SignupToken>);
    // The address the code proved, which the keys are bound to (docs/accounts.md, "KDF versions").
    let verified = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let assessment = Memo::new(move |_| {
        let address = email.get();
        passphrase.with(|typed| (!typed.is_empty()).then(|| strength::assess(typed, &[address.trim()])))
    });
    let acceptable = move || {
        assessment.with(|a| a.as_ref().is_some_and(strength::Assessment::acceptable))
            && passphrase.with(|p| confirm.with(|c| p == c))
    };

    let send_code = Action::new_local(move |_: &()| {
        let address = email.get_untracked();
        async move {
            match api::signup_code(address.trim()).await {
                Ok(_) => step.set(Step::Code),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let verify = Action::new_local(move |_: &()| {
        let (address, typed) = (email.get_untracked(), code.get_untracked());
        async move {
            match api::signup_verify(address.trim(), typed.trim()).await {
                Ok(answer) => {
                    verified.set(address.trim().to_owned());
                    token.set(Some(answer.signup_token));
                    step.set(Step::Passphrase);
                }
                Err(failure) => error.set(Some(account::AccountError::Api(failure).to_string())),
            }
        }
    });
    let create = Action::new_local(move |_: &()| {
        let mut typed = passphrase.get_untracked();
        let signup_token = token.get_untracked();
        let address = verified.get_untracked();
        let navigate = navigate.clone();
        async move {
            // Set with the step that shows the passphrase form.
            let Some(signup_token) = signup_token else {
                typed.zeroize();
                return;
            };
            let result = account::signup(&address, &signup_token, &typed).await;
            typed.zeroize();
            match result {
                Ok(unlocked) => {
                    passphrase.update(Zeroize::zeroize);
                    confirm.update(Zeroize::zeroize);
                    session.set_unlocked(unlocked);
                    navigate("/vault", Default::default());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy =
        Signal::derive(move || send_code.pending().get() || verify.pending().get() || create.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
        confirm.try_update(Zeroize::zeroize);
        // A token wipes its text when dropped.
        token.try_update(|token| *token = None);
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        match step.get_untracked() {
            Step::Email if email.with_untracked(|e| !e.contains('@')) => {
                error.set(Some("Type a valid e-mail address.".to_owned()));
            }
            Step::Email => {
                send_code.dispatch_local(());
            }
            Step::Code => {
                verify.dispatch_local(());
            }
            Step::Passphrase if !acceptable() => {
                error.set(Some("Choose a stronger passphrase, typed the same twice.".to_owned()));
            }
            Step::Passphrase => {
                create.dispatch_local(());
            }
        }
    };

    view! {
        <form class="card signup" data-testid="signup-form" on:submit=on_submit novalidate>
            <h1>"Create your vault"</h1>
            {move || match step.get() {
                Step::Email => view! {
                    <p class="muted">"We send a code to confirm the address. It is also where sign-in codes go."</p>
                    <div class="field">
                        <label for="signup-email">"E-mail address"</label>
                        <input
                            id="signup-email"
                            type="email"
                            autocomplete="email"
                            data-testid="signup-email"
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                            prop:disabled=busy
                        />
                    </div>
                    <div class="actions">
                        <button type="submit" data-testid="signup-send-code" prop:disabled=busy>"Send code"</button>
                    </div>
                    <p class="muted">"Already have an account? " <a href="/signin">"Sign in"</a></p>
                }
                .into_any(),
                Step::Code => view! {
                    <p class="muted">
                        "We sent an 8-digit code to " <strong>{email.get_untracked()}</strong>
                        ". It is valid for 10 minutes."
                    </p>
                    <div class="field">
                        <label for="signup-code">"Code from the e-mail"</label>
                        <input
                            id="signup-code"
                            class="code-input"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            data-testid="signup-code"
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                            prop:disabled=busy
                        />
                    </div>
                    <div class="actions">
                        <button type="submit" data-testid="signup-verify" prop:disabled=busy>"Continue"</button>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="signup-resend"
                            prop:disabled=busy
                            on:click=move |_| {
                                error.set(None);
                                send_code.dispatch_local(());
                            }
                        >
                            "Send a new code"
                        </button>
                    </div>
                }
                .into_any(),
                Step::Passphrase => view! {
                    <p class="muted">
                        "Your passphrase encrypts your vault. It never leaves this browser and "
                        <strong>"cannot be recovered"</strong>
                        ": if you forget it, the vault is lost. Four or more random words work well."
                    </p>
                    <PasswordField
                        value=passphrase
                        label="Passphrase"
                        testid="signup-passphrase"
                        autocomplete="new-password"
                        disabled=busy
                    />
                    <StrengthMeter assessment=assessment />
                    <PasswordField
                        value=confirm
                        label="Type it again"
                        testid="signup-confirm"
                        autocomplete="new-password"
                        disabled=busy
                    />
                    <Show when=move || {
                        !confirm.with(String::is_empty) && passphrase.with(|p| confirm.with(|c| p != c))
                    }>
                        <p class="muted" data-testid="signup-mismatch">"The two passphrases differ."</p>
                    </Show>
                    <Show when=move || create.pending().get()>
                        <KdfProgress />
                    </Show>
                    <div class="actions">
                        <button
                            type="submit"
                            data-testid="signup-create"
                            prop:disabled=move || busy.get() || !acceptable()
                        >
                            {move || if create.pending().get() { "Creating…" } else { "Create account" }}
                        </button>
                    </div>
                }
                .into_any(),
            }}
            <ErrorBanner message=error testid="signup-error" />
        </form>
    }
}
