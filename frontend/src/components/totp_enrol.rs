//! Confirming a pending authenticator: its QR code and base32 key, then a code from the app and
//! the passphrase (docs/api.md, "Authenticator"). Without the passphrase a stolen session cannot
//! enrol or replace an authenticator, nor get its recovery codes.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::TotpSetup;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use super::qr_code::QrCode;
use crate::account::{self, AccountError};
use crate::api::account as api;
use crate::session::Session;

/// The pending secret to scan, and the form that turns it on; `on_done` gets the recovery codes.
#[component]
pub fn TotpEnrol(
    /// The pending secret from setup.
    setup: TotpSetup,
    /// Whether an enrolled authenticator is being replaced.
    replacing: bool,
    /// Called with the new recovery codes once the authenticator is on.
    on_done: Callback<Vec<String>>,
    /// Called when the holder gives up; nothing changed.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let code = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let confirm = Action::new_local(move |_: &()| {
        let (typed_code, mut typed) = (code.get_untracked(), passphrase.get_untracked());
        async move {
            let proven = account::proof_of(session, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            let result = match proven {
                Ok((csrf, proof)) => {
                    api::totp_confirm(&csrf, typed_code.trim(), proof).await.map_err(AccountError::Api)
                }
                Err(failure) => Err(failure),
            };
            match result {
                Ok(codes) => {
                    code.set(String::new());
                    on_done.run(codes.codes);
                }
                Err(AccountError::Api(failure)) if failure.code() == ErrorCode::WrongCode => error.set(Some(
                    "That code does not match. Type the 6 digits the app shows now; if it keeps \
                     failing, check that the phone's clock is right."
                        .to_owned(),
                )),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || confirm.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let digits = code.with_untracked(|typed| typed.chars().filter(char::is_ascii_digit).count());
        let problem = if digits != 6 {
            Some("Type the 6-digit code that the app shows for Coffer.")
        } else if passphrase.with_untracked(String::is_empty) {
            Some("Type your passphrase: it proves that it is you who turns the authenticator on.")
        } else {
            None
        };
        error.set(problem.map(str::to_owned));
        if problem.is_none() {
            confirm.dispatch_local(());
        }
    };
    let TotpSetup { secret, otpauth_uri } = setup;
    let (intro, submit) = if replacing {
        (
            "Scan this code with the new authenticator app, or type the key by hand. The current app \
             keeps working until the new one is on.",
            "Replace authenticator",
        )
    } else {
        ("Scan this code with your authenticator app, or type the key by hand.", "Turn on")
    };
    view! {
        <p>{intro}</p>
        <QrCode data=otpauth_uri testid="totp-qr" label="QR code of the authenticator key" />
        <p class="center"><code class="break totp-secret" data-testid="totp-secret">{secret}</code></p>
        <form class="inline-form" data-testid="totp-confirm-form" on:submit=on_submit novalidate>
            <div class="field">
                <label for="totp-code">"6-digit code from the app"</label>
                <input
                    id="totp-code"
                    class="code-input"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    data-testid="totp-code"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                    prop:disabled=busy
                />
            </div>
            <PasswordField
                value=passphrase
                label="Your passphrase"
                testid="totp-confirm-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <ErrorBanner message=error testid="totp-confirm-error" />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <div class="actions">
                <button type="submit" data-testid="totp-confirm" prop:disabled=busy>{submit}</button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="totp-cancel"
                    prop:disabled=busy
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
