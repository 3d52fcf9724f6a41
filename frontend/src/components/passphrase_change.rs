//! Changing the account passphrase: the current one, a new one with the strength meter, and its
//! confirmation. The vault key and identity stay the same; they are wrapped again.

use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use super::strength_meter::StrengthMeter;
use crate::account;
use crate::session::Session;
use crate::strength;

/// The passphrase section of the account page.
#[component]
pub fn PassphraseChange() -> impl IntoView {
    let session = Session::get();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let email = session.with_unlocked(|unlocked| unlocked.email.clone()).unwrap_or_default();
    let assessment = Memo::new(move |_| {
        new.with(|typed| (!typed.is_empty()).then(|| strength::assess(typed, &[email.as_str()])))
    });

    let change = Action::new_local(move |_: &()| {
        let (mut old_typed, mut new_typed) = (current.get_untracked(), new.get_untracked());
        async move {
            let result = account::change_passphrase(session, &old_typed, &new_typed).await;
            old_typed.zeroize();
            new_typed.zeroize();
            current.update(Zeroize::zeroize);
            match result {
                Ok(()) => {
                    new.update(Zeroize::zeroize);
                    confirm.update(Zeroize::zeroize);
                    done.set(true);
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = Signal::derive(move || change.pending().get());
    on_cleanup(move || {
        current.try_update(Zeroize::zeroize);
        new.try_update(Zeroize::zeroize);
        confirm.try_update(Zeroize::zeroize);
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        let problem = if current.with_untracked(String::is_empty) {
            Some("Type your current passphrase.")
        } else if !assessment.with_untracked(|a| a.as_ref().is_some_and(strength::Assessment::acceptable)) {
            Some("The new passphrase is too weak. Make it longer or less predictable.")
        } else if new.with_untracked(|n| confirm.with_untracked(|c| n != c)) {
            Some("The two new passphrases differ.")
        } else {
            None
        };
        match problem {
            Some(problem) => error.set(Some(problem.to_owned())),
            None => {
                change.dispatch_local(());
            }
        }
    };

    view! {
        <form class="inline-form" data-testid="passphrase-form" on:submit=on_submit novalidate>
            <PasswordField
                value=current
                label="Current passphrase"
                testid="passphrase-current"
                autocomplete="current-password"
                disabled=busy
            />
            <PasswordField
                value=new
                label="New passphrase"
                testid="passphrase-new"
                autocomplete="new-password"
                disabled=busy
            />
            <StrengthMeter assessment=assessment />
            <PasswordField
                value=confirm
                label="New passphrase again"
                testid="passphrase-confirm"
                autocomplete="new-password"
                disabled=busy
            />
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <ErrorBanner message=error testid="passphrase-error" />
            <Show when=move || done.get()>
                <p class="success" role="status" data-testid="passphrase-result">
                    "Passphrase changed; other sessions were signed out."
                </p>
            </Show>
            <div class="actions">
                <button type="submit" data-testid="passphrase-change" prop:disabled=busy>
                    "Change passphrase"
                </button>
            </div>
        </form>
    }
}
