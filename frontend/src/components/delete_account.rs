//! The danger zone: deleting the account, confirmed with the passphrase and the word DELETE.

use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use crate::account;
use crate::session::Session;

/// The word to type to confirm.
const CONFIRM_WORD: &str = "DELETE";

/// The delete-account form.
#[component]
pub fn DeleteAccount() -> impl IntoView {
    let session = Session::get();
    let passphrase = RwSignal::new(String::new());
    let word = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let delete = Action::new_local(move |_: &()| {
        let mut typed = passphrase.get_untracked();
        async move {
            let result = account::delete(session, &typed).await;
            typed.zeroize();
            passphrase.try_update(Zeroize::zeroize);
            // On success the session is gone and the unlock gate sends the page to `/`.
            if let Err(failure) = result {
                let _ = error.try_set(Some(failure.to_string()));
            }
        }
    });
    let busy = Signal::derive(move || delete.pending().get());
    let armed = Signal::derive(move || word.with(|w| w.trim() == CONFIRM_WORD));
    on_cleanup(move || {
        passphrase.try_update(Zeroize::zeroize);
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if passphrase.with_untracked(String::is_empty) {
            error.set(Some("Type your passphrase.".to_owned()));
        } else if !armed.get_untracked() {
            error.set(Some(format!("Type {CONFIRM_WORD} to confirm.")));
        } else {
            delete.dispatch_local(());
        }
    };

    view! {
        <form class="inline-form" data-testid="delete-form" on:submit=on_submit novalidate>
            <p>
                "Deletes your account, every vault item, your shares and your sessions, on this "
                "server and for good. Export a backup first if you want to keep your items."
            </p>
            <PasswordField
                value=passphrase
                label="Passphrase"
                testid="delete-passphrase"
                autocomplete="current-password"
                disabled=busy
            />
            <div class="field">
                <label for="delete-confirm-text">{format!("Type {CONFIRM_WORD} to confirm")}</label>
                <input
                    id="delete-confirm-text"
                    data-testid="delete-confirm-text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    prop:value=move || word.get()
                    on:input=move |ev| word.set(event_target_value(&ev))
                    prop:disabled=busy
                />
            </div>
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <ErrorBanner message=error testid="delete-error" />
            <div class="actions">
                <button
                    type="submit"
                    class="danger"
                    data-testid="delete-account"
                    prop:disabled=move || busy.get() || !armed.get()
                >
                    "Delete account"
                </button>
            </div>
        </form>
    }
}
