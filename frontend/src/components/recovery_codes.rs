//! Recovery codes: the list shown once after enrolment or renewal, and the form that makes a new
//! set (with the passphrase) in place of the old one.

use leptos::prelude::*;
use zeroize::Zeroize;

use super::copy_button::CopyButton;
use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use crate::account::{self, AccountError};
use crate::api::account as api;
use crate::backup;
use crate::session::Session;

/// The codes as a text file: what they are for, then one per line.
fn as_text(codes: &[String], email: &str) -> String {
    let mut text = format!(
        "Coffer recovery codes for {email}\n\nEach code signs in once in place of the authenticator's \
         code. Keep them somewhere safe, away from your passphrase.\n\n"
    );
    for (position, code) in codes.iter().enumerate() {
        text.push_str(&format!("{}. {code}\n", position + 1));
    }
    text
}

/// Recovery codes, shown this once: copy, download or print them, then the button that hides
/// them.
#[component]
pub fn RecoveryCodeList(
    /// The codes.
    codes: Vec<String>,
    /// Called when the holder says they are saved.
    on_done: Callback<()>,
) -> impl IntoView {
    let email = Session::get().with_unlocked(|unlocked| unlocked.email.clone()).unwrap_or_default();
    let text = as_text(&codes, &email);
    let failed = RwSignal::new(None::<String>);
    let download = {
        let text = text.clone();
        move |_| {
            if backup::download(text.as_bytes(), "coffer-recovery-codes.txt").is_err() {
                failed.set(Some("This browser could not start the download. Copy the codes instead.".into()));
            }
        }
    };
    let print = move |_| {
        if web_sys::window().and_then(|window| window.print().ok()).is_none() {
            failed.set(Some("This browser could not print. Copy or download the codes instead.".into()));
        }
    };
    view! {
        <div class="recovery-sheet" data-testid="recovery-sheet">
            <p class="notice warning">
                "Save these recovery codes somewhere safe. Each signs in once without the app. "
                "They are shown only now; any older codes no longer work."
            </p>
            <p class="print-only">{format!("Coffer recovery codes for {email}")}</p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <div class="actions no-print">
                <CopyButton text=Signal::stored(text) testid="recovery-copy" label="Copy" />
                <button type="button" class="secondary" data-testid="recovery-download" on:click=download>
                    "Download"
                </button>
                <button type="button" class="secondary" data-testid="recovery-print" on:click=print>
                    "Print"
                </button>
                <button type="button" data-testid="recovery-done" on:click=move |_| on_done.run(())>
                    "I saved them"
                </button>
            </div>
            <ErrorBanner message=failed testid="recovery-error" />
        </div>
    }
}

/// Asks for the passphrase, then replaces the recovery codes; `on_done` gets the new ones.
#[component]
pub fn NewRecoveryCodes(
    /// Called with the new codes.
    on_done: Callback<Vec<String>>,
    /// Called when the holder gives up; nothing changed.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let renew = Action::new_local(move |_: &()| {
        let mut typed = passphrase.get_untracked();
        async move {
            let proven = account::proof_of(session, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            let result = match proven {
                Ok((csrf, proof)) => api::new_recovery_codes(&csrf, proof).await.map_err(AccountError::Api),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(codes) => on_done.run(codes.codes),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || renew.pending().get());
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if passphrase.with_untracked(String::is_empty) {
            error.set(Some("Type your passphrase to make new codes.".to_owned()));
        } else {
            error.set(None);
            renew.dispatch_local(());
        }
    };
    view! {
        <form class="inline-form" data-testid="recovery-form" on:submit=on_submit novalidate>
            <p>"New recovery codes replace the old ones at once: the old codes stop working."</p>
            <PasswordField
                value=passphrase
                label="Your passphrase"
                testid="recovery-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <ErrorBanner message=error testid="recovery-error" />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <div class="actions">
                <button type="submit" data-testid="recovery-submit" prop:disabled=busy>
                    "Make new codes"
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="recovery-cancel"
                    prop:disabled=busy
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
