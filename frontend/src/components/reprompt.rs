//! Asks for the passphrase again before a record marked sensitive is shown or the vault is
//! exported (docs/accounts.md, "Re-prompt"). Not a cryptographic boundary: it guards an
//! unlocked screen.

use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use crate::account;
use crate::session::Session;

/// The passphrase form; `on_ok` runs once the re-typed passphrase matches.
#[component]
pub fn Reprompt(
    /// Called when the passphrase is right.
    on_ok: Callback<()>,
    /// Why the passphrase is asked for; by default, that the item is marked sensitive.
    #[prop(default = "This item is marked sensitive. Type your passphrase to show it.")]
    reason: &'static str,
    /// The submit button's text.
    #[prop(default = "Show item")]
    submit: &'static str,
) -> impl IntoView {
    let session = Session::get();
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let check = Action::new_local(move |_: &()| {
        let passphrase = typed.get_untracked();
        let inputs =
            session.with_unlocked(|unlocked| (unlocked.kdf.clone(), unlocked.reprompt_check.clone()));
        async move {
            let mut passphrase = passphrase;
            let Some((kdf, expected)) = inputs else { return };
            let result = account::reprove(&kdf, &expected, &passphrase).await;
            passphrase.zeroize();
            typed.update(Zeroize::zeroize);
            match result {
                Ok(_) => on_ok.run(()),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = check.pending();
    on_cleanup(move || {
        typed.try_update(Zeroize::zeroize);
    });
    view! {
        <form
            class="reprompt"
            data-testid="reprompt-form"
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                check.dispatch_local(());
            }
        >
            <p class="notice">{reason}</p>
            <PasswordField
                value=typed
                label="Passphrase"
                testid="reprompt-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <ErrorBanner message=error testid="reprompt-error" />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <div class="actions">
                <button type="submit" data-testid="reprompt-submit" prop:disabled=busy>
                    {submit}
                </button>
            </div>
        </form>
    }
}
