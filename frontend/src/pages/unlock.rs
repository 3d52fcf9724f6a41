//! Unlocking a session that outlived its page (a reload): the passphrase alone opens the keys
//! with the session's KDF inputs, once they pass the same checks as a pre-login answer; the
//! server already knows who this is.

use leptos::prelude::*;
use zeroize::Zeroize;

use crate::account::{self, AccountError};
use crate::components::downgrade_warning::DowngradeWarning;
use crate::components::error_banner::ErrorBanner;
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::session::Session;

/// The unlock form, shown in place of a page that needs the keys.
#[component]
pub fn UnlockPage(
    /// Why this page needs the keys, when it is not the vault.
    #[prop(optional)]
    purpose: Option<&'static str>,
) -> impl IntoView {
    crate::kdf::prewarm();
    let session = Session::get();
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let downgrade = RwSignal::new(None::<String>);
    let email = session.with_locked(|info| info.email.clone()).unwrap_or_default();
    let unlock = Action::new_local(move |_: &()| {
        let info = session.with_locked(Clone::clone);
        let mut typed = passphrase.get_untracked();
        async move {
            let Some(info) = info else { return };
            let result = account::unlock(&info, &typed).await;
            typed.zeroize();
            passphrase.update(Zeroize::zeroize);
            match result {
                Ok(unlocked) => session.set_unlocked(unlocked),
                Err(AccountError::Weaker(weaker)) => downgrade.set(Some(weaker.to_string())),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = unlock.pending();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move { session.sign_out().await });
    };
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
    });
    view! {
        <form
            class="card unlock"
            data-testid="unlock-form"
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                downgrade.set(None);
                unlock.dispatch_local(());
            }
        >
            <h1>"Unlock your vault"</h1>
            <p class="muted">
                "Signed in as " <strong data-testid="unlock-email">{email}</strong>
                ". Your passphrase decrypts the vault in this browser."
            </p>
            {purpose.map(|text| view! { <p class="muted" data-testid="unlock-purpose">{text}</p> })}
            <PasswordField
                value=passphrase
                label="Passphrase"
                testid="unlock-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <DowngradeWarning details=downgrade />
            <ErrorBanner message=error testid="unlock-error" />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <div class="actions">
                <button type="submit" data-testid="unlock-submit" prop:disabled=busy>
                    {move || if busy.get() { "Unlocking…" } else { "Unlock" }}
                </button>
                <button type="button" class="secondary" data-testid="unlock-signout" on:click=sign_out>
                    "Sign out"
                </button>
            </div>
        </form>
    }
}
