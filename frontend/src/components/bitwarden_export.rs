//! The vault exported as a Bitwarden JSON file: unencrypted after a warning, or sealed with a
//! file password that Bitwarden asks for on import (docs/interchange.md, "Export").

use coffer_shared::crypto::vault::VaultRecord;
use coffer_shared::export::bitwarden;
use coffer_shared::export::bitwarden_protected::{self, Protection};
use leptos::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use super::password_field::PasswordField;
use super::reprompt::Reprompt;
use super::strength_meter::StrengthMeter;
use crate::backup::{self, BackupError};
use crate::session::Session;
use crate::{format, kdf, strength, vault};

/// Every record of the vault, loading it first if needed.
async fn all_records(session: Session) -> Result<Vec<VaultRecord>, String> {
    if session.records.with_untracked(Option::is_none) {
        let (entries, _) = vault::load(session)
            .await
            .map_err(|error| BackupError::Api { imported: 0, error }.to_string())?;
        session.records.set(Some(entries));
    }
    Ok(session
        .records
        .with_untracked(|records| records.iter().flatten().map(|entry| entry.record.clone()).collect()))
}

/// `coffer-bitwarden-export-YYYY-MM-DD.json` (`…-encrypted.json` when sealed), in the
/// browser's time zone.
fn export_file_name(encrypted: bool) -> String {
    let today = js_sys::Date::new_0();
    format!(
        "coffer-bitwarden-export-{:04}-{:02}-{:02}{}.json",
        today.get_full_year(),
        today.get_month() + 1,
        today.get_date(),
        if encrypted { "-encrypted" } else { "" }
    )
}

/// Downloads the vault as a Bitwarden file, sealed when `password` is given; answers the message
/// to show. `deriving` is set while the file's key is derived.
async fn run_export(
    session: Session,
    password: Option<String>,
    deriving: RwSignal<bool>,
) -> Result<String, String> {
    // Wiped on every way out, the early ones included.
    let password = password.map(Zeroizing::new);
    let records = all_records(session).await?;
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let encrypted = password.is_some();
    let mut file = match password {
        None => bitwarden::export(&records, now),
        Some(password) => {
            let protection = Protection::fresh();
            let _ = deriving.try_set(true);
            let key = kdf::bitwarden_key(&password, protection.salt(), protection.kdf()).await;
            drop(password);
            let _ = deriving.try_set(false);
            let key = key.ok_or_else(|| "This browser could not derive the file's key.".to_owned())?;
            bitwarden_protected::export(&records, now, &protection, &key)
        }
    };
    let name = export_file_name(encrypted);
    let downloaded = backup::download(&file, &name).map_err(|failure| failure.to_string());
    file.zeroize();
    let count = format::plural(records.len() as u64, "item");
    downloaded.map(|()| {
        if encrypted {
            format!("Exported {count} to {name}, encrypted with the file password. Bitwarden asks for it on import.")
        } else {
            format!("Exported {count} to {name}, unencrypted. Delete it once it is imported.")
        }
    })
}

/// What the export section shows below its buttons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Choose,
    Warning,
    Password,
}

/// The export section of the import panel; reports into the panel's `exported` and `error`.
#[component]
pub fn BitwardenExport(
    /// The success message.
    exported: RwSignal<Option<String>>,
    /// The panel's error banner.
    error: RwSignal<Option<String>>,
    /// True while the panel imports: the export waits.
    #[prop(into)]
    importing: Signal<bool>,
) -> impl IntoView {
    let session = Session::get();
    let step = RwSignal::new(Step::Choose);
    // The passphrase is asked for before every export, as Bitwarden does: an unlocked,
    // unattended tab must not hand over the whole vault in two clicks.
    let after_passphrase = RwSignal::new(None::<Step>);
    let open = move |next: Step| {
        step.set(Step::Choose);
        after_passphrase.set(Some(next));
    };
    let passphrase_ok = Callback::new(move |()| {
        if let Some(next) = after_passphrase.get_untracked() {
            after_passphrase.set(None);
            step.set(next);
        }
    });
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let deriving = RwSignal::new(false);
    let email = session.with_unlocked(|unlocked| unlocked.email.clone()).unwrap_or_default();
    let assessment = Memo::new(move |_| {
        password.with(|typed| (!typed.is_empty()).then(|| strength::assess(typed, &[email.as_str()])))
    });
    let forget = move || {
        password.try_update(Zeroize::zeroize);
        confirm.try_update(Zeroize::zeroize);
    };
    let action = Action::new_local(move |sealed: &bool| {
        let typed = sealed.then(|| password.get_untracked());
        forget();
        async move {
            match run_export(session, typed, deriving).await {
                Ok(message) => {
                    let _ = exported.try_set(Some(message));
                }
                Err(message) => {
                    let _ = error.try_set(Some(message));
                }
            }
        }
    });
    on_cleanup(forget);
    let busy = Signal::derive(move || importing.get() || action.pending().get());
    let start = move |sealed: bool| {
        step.set(Step::Choose);
        exported.set(None);
        error.set(None);
        action.dispatch_local(sealed);
    };
    let on_sealed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if password.with_untracked(|typed| confirm.with_untracked(|again| typed != again)) {
            error.set(Some("The two file passwords differ. Type the same password twice.".to_owned()));
        } else if !assessment.with_untracked(|a| a.as_ref().is_some_and(strength::Assessment::acceptable)) {
            error.set(Some("Choose a stronger file password: it alone protects the file.".to_owned()));
        } else {
            start(true);
        }
    };

    view! {
        <div class="inline-form">
            <h3>"Export for Bitwarden"</h3>
            <p class="muted">
                "Downloads every item as a Bitwarden JSON file, which Bitwarden and other managers import: \
                 encrypted with a file password, or unencrypted. Attachments are not included. To keep a \
                 copy, use the encrypted backup above instead."
            </p>
            <div class="actions">
                <button
                    type="button"
                    data-testid="export-encrypted"
                    prop:disabled=busy
                    on:click=move |_| open(Step::Password)
                >
                    "Export (Bitwarden JSON, encrypted with a file password)"
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="export-bitwarden"
                    prop:disabled=busy
                    on:click=move |_| open(Step::Warning)
                >
                    "Export (Bitwarden JSON, unencrypted)"
                </button>
            </div>
            <Show when=move || after_passphrase.get().is_some()>
                <Reprompt
                    on_ok=passphrase_ok
                    reason="An export takes every item out of the vault. Type your passphrase first."
                    submit="Go on"
                />
            </Show>
            <Show when=move || step.get() == Step::Warning>
                <div class="error" role="alert" data-testid="export-warning">
                    <p>
                        "This file is not encrypted: anyone who gets it reads every password, card and \
                         note in it. Import it at once, then delete it (and empty the trash)."
                    </p>
                    <div class="actions">
                        <button type="button" data-testid="export-confirm" on:click=move |_| start(false)>
                            "I understand, export unencrypted"
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="export-cancel"
                            on:click=move |_| step.set(Step::Choose)
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            </Show>
            <Show when=move || step.get() == Step::Password>
                <form on:submit=on_sealed novalidate data-testid="export-encrypted-form">
                    <p class="muted">
                        "Bitwarden asks for this password when it imports the file, and nothing else opens \
                         it: keep it apart from the file. It is strengthened with PBKDF2 (600,000 \
                         iterations), Bitwarden's default, so a long passphrase matters."
                    </p>
                    <PasswordField
                        value=password
                        label="File password"
                        testid="export-password"
                        autocomplete="new-password"
                        disabled=busy
                    />
                    <StrengthMeter assessment=assessment />
                    <PasswordField
                        value=confirm
                        label="File password, again"
                        testid="export-password-confirm"
                        autocomplete="new-password"
                        disabled=busy
                    />
                    <div class="actions">
                        <button type="submit" data-testid="export-encrypted-confirm" prop:disabled=busy>
                            "Export encrypted"
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="export-encrypted-cancel"
                            on:click=move |_| {
                                forget();
                                step.set(Step::Choose);
                            }
                        >
                            "Cancel"
                        </button>
                    </div>
                </form>
            </Show>
            <Show when=move || deriving.get()>
                <p role="status" data-testid="export-deriving">"Deriving the key…"</p>
            </Show>
        </div>
    }
}
