//! The authenticator (TOTP) section of the account page: set one up or replace it (confirmed with
//! a code and the passphrase, [`super::totp_enrol`]), make new recovery codes (with the
//! passphrase, [`super::recovery_codes`]), or turn it off (with the passphrase).

use coffer_shared::api::TotpSetup;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use super::recovery_codes::{NewRecoveryCodes, RecoveryCodeList};
use super::totp_enrol::TotpEnrol;
use crate::account::{self, AccountError};
use crate::api::account as api;
use crate::session::Session;

/// Where the section stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// Off or on, as the session says.
    Idle,
    /// A pending secret to scan and confirm; `replacing` when one is enrolled.
    Pending { setup: TotpSetup, replacing: bool },
    /// Asking for the passphrase to make new recovery codes.
    NewCodes,
    /// Just enabled or renewed: the recovery codes, shown this once.
    Codes(Vec<String>),
}

/// The authenticator section of the account page.
#[component]
pub fn TotpPanel() -> impl IntoView {
    let session = Session::get();
    let stage = RwSignal::new(Stage::Idle);
    let error = RwSignal::new(None::<String>);
    let enabled =
        Memo::new(move |_| session.with_unlocked_tracked(|unlocked| unlocked.totp_enabled).unwrap_or(false));

    let setup = Action::new_local(move |_: &()| async move {
        let Some(csrf) = session.csrf() else { return };
        let replacing = enabled.get_untracked();
        match api::totp_setup(&csrf).await {
            Ok(setup) => stage.set(Stage::Pending { setup, replacing }),
            Err(failure) => error.set(Some(AccountError::Api(failure).to_string())),
        }
    });
    on_cleanup(move || {
        let _ = stage.try_set(Stage::Idle);
    });
    let start_setup = move |_| {
        error.set(None);
        setup.dispatch_local(());
    };
    let idle = Callback::new(move |()| stage.set(Stage::Idle));
    let show_codes = Callback::new(move |codes: Vec<String>| {
        session.set_totp_enabled(true);
        stage.set(Stage::Codes(codes));
    });

    let body = move || {
        match stage.get() {
        Stage::Pending { setup, replacing } => {
            view! { <TotpEnrol setup=setup replacing=replacing on_done=show_codes on_cancel=idle /> }.into_any()
        }
        Stage::NewCodes => view! { <NewRecoveryCodes on_done=show_codes on_cancel=idle /> }.into_any(),
        Stage::Codes(codes) => view! { <RecoveryCodeList codes=codes on_done=idle /> }.into_any(),
        Stage::Idle if enabled.get() => view! {
            <p class="success" data-testid="totp-on">"Sign-in asks for a code from your authenticator app."</p>
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    data-testid="totp-replace"
                    prop:disabled=move || setup.pending().get()
                    on:click=start_setup
                >
                    "Replace authenticator"
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="recovery-new"
                    on:click=move |_| {
                        error.set(None);
                        stage.set(Stage::NewCodes);
                    }
                >
                    "New recovery codes"
                </button>
            </div>
            <ErrorBanner message=error testid="totp-error" />
            <TotpDisable />
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
                    prop:disabled=move || setup.pending().get()
                    on:click=start_setup
                >
                    "Set up authenticator"
                </button>
            </div>
            <ErrorBanner message=error testid="totp-error" />
        }
        .into_any(),
    }
    };
    view! { <div class="totp" data-testid="totp-panel">{body}</div> }
}

/// Turning the authenticator off, with the passphrase.
#[component]
fn TotpDisable() -> impl IntoView {
    let session = Session::get();
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let disable = Action::new_local(move |_: &()| {
        let mut typed = passphrase.get_untracked();
        async move {
            let proven = account::proof_of(session, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            let result = match proven {
                Ok((csrf, proof)) => api::totp_disable(&csrf, proof).await.map_err(AccountError::Api),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => session.set_totp_enabled(false),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || disable.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if passphrase.with_untracked(String::is_empty) {
            error.set(Some("Type your passphrase to turn the authenticator off.".to_owned()));
        } else {
            error.set(None);
            disable.dispatch_local(());
        }
    };
    view! {
        <form class="inline-form" data-testid="totp-disable-form" on:submit=on_submit novalidate>
            <PasswordField
                value=passphrase
                label="Passphrase, to turn it off"
                testid="totp-disable-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <ErrorBanner message=error testid="totp-disable-error" />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <div class="actions">
                <button type="submit" class="danger" data-testid="totp-disable" prop:disabled=busy>
                    "Turn off authenticator"
                </button>
            </div>
        </form>
    }
}
