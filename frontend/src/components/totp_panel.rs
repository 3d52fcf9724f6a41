//! Authenticator (TOTP) enrolment: a QR code and the base32 secret, a code to confirm, the
//! recovery codes shown once; and turning it off with the passphrase.

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

/// Where enrolment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// Off or on, as the session says.
    Idle,
    /// A pending secret to scan and confirm.
    Pending(TotpSetup),
    /// Just enabled: the recovery codes, shown this once.
    Codes(Vec<String>),
}

/// The authenticator section of the account page.
#[component]
pub fn TotpPanel() -> impl IntoView {
    let session = Session::get();
    let stage = RwSignal::new(Stage::Idle);
    let code = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let enabled =
        Memo::new(move |_| session.with_unlocked_tracked(|unlocked| unlocked.totp_enabled).unwrap_or(false));

    let setup = Action::new_local(move |_: &()| async move {
        let Some(csrf) = session.csrf() else { return };
        match api::totp_setup(&csrf).await {
            Ok(setup) => stage.set(Stage::Pending(setup)),
            Err(failure) => error.set(Some(failure.to_string())),
        }
    });
    let confirm = Action::new_local(move |_: &()| {
        let typed = code.get_untracked();
        async move {
            let Some(csrf) = session.csrf() else { return };
            match api::totp_confirm(&csrf, typed.trim()).await {
                Ok(codes) => {
                    code.set(String::new());
                    session.set_totp_enabled(true);
                    stage.set(Stage::Codes(codes.codes));
                }
                Err(failure) => error.set(Some(AccountError::Api(failure).to_string())),
            }
        }
    });
    let disable = Action::new_local(move |_: &()| {
        let mut typed = passphrase.get_untracked();
        let inputs =
            session.with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.clone()));
        async move {
            let Some((kdf, check, csrf)) = inputs else { return };
            let proof = account::reprove(&kdf, &check, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            let result = match proof {
                Ok(proof) => api::totp_disable(&csrf, proof).await.map_err(AccountError::Api),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => session.set_totp_enabled(false),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy =
        Signal::derive(move || setup.pending().get() || confirm.pending().get() || disable.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
        let _ = stage.try_set(Stage::Idle);
    });
    let clear_error = move || error.set(None);

    let body = move || {
        match stage.get() {
        Stage::Pending(TotpSetup { secret, otpauth_uri }) => view! {
            <p>"Scan this code with your authenticator app, or type the key by hand."</p>
            <QrCode data=otpauth_uri testid="totp-qr" label="QR code of the authenticator key" />
            <p class="center"><code class="break totp-secret" data-testid="totp-secret">{secret}</code></p>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                clear_error();
                confirm.dispatch_local(());
            }>
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
                    />
                </div>
                <div class="actions">
                    <button type="submit" data-testid="totp-confirm" prop:disabled=busy>"Turn on"</button>
                    <button type="button" class="secondary" on:click=move |_| stage.set(Stage::Idle)>"Cancel"</button>
                </div>
            </form>
        }
        .into_any(),
        Stage::Codes(codes) => view! {
            <p class="notice warning">
                "Save these recovery codes somewhere safe. Each signs in once without the app. "
                "They are shown only now."
            </p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <button type="button" data-testid="recovery-done" on:click=move |_| stage.set(Stage::Idle)>
                    "I saved them"
                </button>
            </div>
        }
        .into_any(),
        Stage::Idle if enabled.get() => view! {
            <p class="success" data-testid="totp-on">"Sign-in asks for a code from your authenticator app."</p>
            <form class="inline-form" on:submit=move |ev| {
                ev.prevent_default();
                clear_error();
                disable.dispatch_local(());
            }>
                <PasswordField
                    value=passphrase
                    label="Passphrase, to turn it off"
                    testid="totp-disable-passphrase"
                    autocomplete="current-password"
                    disabled=busy
                />
                <Show when=move || disable.pending().get()>
                    <KdfProgress />
                </Show>
                <div class="actions">
                    <button type="submit" class="danger" data-testid="totp-disable" prop:disabled=busy>
                        "Turn off authenticator"
                    </button>
                </div>
            </form>
        }
        .into_any(),
        Stage::Idle => view! {
            <p class="muted" data-testid="totp-off">
                "Sign-in asks for a code sent by e-mail. An authenticator app is quicker and works offline."
            </p>
            <div class="actions">
                <button
                    type="button"
                    data-testid="totp-setup"
                    prop:disabled=busy
                    on:click=move |_| {
                        clear_error();
                        setup.dispatch_local(());
                    }
                >
                    "Set up authenticator"
                </button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <div class="totp" data-testid="totp-panel">
            {body}
            <ErrorBanner message=error testid="totp-error" />
        </div>
    }
}
