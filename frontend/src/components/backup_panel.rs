//! Backup export and import: the vault sealed under a backup passphrase as a
//! `coffer-backup-YYYY-MM-DD.coffer` download, and such a file imported into this vault.

use leptos::html;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use super::kdf_progress::KdfProgress;
use super::password_field::PasswordField;
use super::reprompt::Reprompt;
use super::strength_meter::StrengthMeter;
use crate::backup::{self, BackupError};
use crate::format;
use crate::session::Session;
use crate::strength;

/// The backup section of the account page.
#[component]
pub fn BackupPanel() -> impl IntoView {
    let session = Session::get();
    let export_passphrase = RwSignal::new(String::new());
    let import_passphrase = RwSignal::new(String::new());
    let file_input = NodeRef::<html::Input>::new();
    let result = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let email = session.with_unlocked(|unlocked| unlocked.email.clone()).unwrap_or_default();
    let assessment = Memo::new(move |_| {
        export_passphrase
            .with(|typed| (!typed.is_empty()).then(|| strength::assess(typed, &[email.as_str()])))
    });

    let export = Action::new_local(move |_: &()| {
        let mut typed = export_passphrase.get_untracked();
        async move {
            let sealed = backup::export(session, &typed).await;
            typed.zeroize();
            let outcome = sealed.and_then(|(bytes, count)| {
                let name = backup::todays_file_name();
                backup::download(&bytes, &name)?;
                Ok(format!("Exported {} to {name}.", format::plural(count as u64, "record")))
            });
            match outcome {
                Ok(message) => {
                    export_passphrase.try_update(Zeroize::zeroize);
                    let _ = result.try_set(Some(message));
                }
                Err(failure) => {
                    let _ = error.try_set(Some(failure.to_string()));
                }
            }
        }
    });
    let chosen_file =
        move || file_input.get_untracked().and_then(|input| input.files()).and_then(|files| files.get(0));
    let import = Action::new_local(move |_: &()| {
        let file = chosen_file();
        let mut typed = import_passphrase.get_untracked();
        async move {
            let outcome = match file {
                Some(file) => match backup::read(&file).await {
                    Ok(bytes) => backup::import(session, &bytes, &typed).await,
                    Err(failure) => Err(failure),
                },
                None => Err(BackupError::Browser),
            };
            typed.zeroize();
            import_passphrase.try_update(Zeroize::zeroize);
            match outcome {
                Ok(count) => {
                    let _ =
                        result.try_set(Some(format!("Imported {}.", format::plural(count as u64, "record"))));
                }
                Err(failure) => {
                    let _ = error.try_set(Some(failure.to_string()));
                }
            }
        }
    });
    let busy = Signal::derive(move || export.pending().get() || import.pending().get());
    on_cleanup(move || {
        export_passphrase.try_update(Zeroize::zeroize);
        import_passphrase.try_update(Zeroize::zeroize);
    });
    // The account passphrase is asked for before every export, as for a Bitwarden export.
    let confirming = RwSignal::new(false);
    let confirmed = Callback::new(move |()| {
        confirming.set(false);
        export.dispatch_local(());
    });
    let reset = move || {
        error.set(None);
        result.set(None);
    };

    let on_export = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        reset();
        if assessment.with_untracked(|a| a.as_ref().is_some_and(strength::Assessment::acceptable)) {
            confirming.set(true);
        } else {
            error.set(Some("Choose a stronger backup passphrase: it alone protects the file.".to_owned()));
        }
    };
    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        reset();
        if chosen_file().is_none() {
            error.set(Some("Choose a backup file first.".to_owned()));
        } else if import_passphrase.with_untracked(String::is_empty) {
            error.set(Some("Type the backup's passphrase.".to_owned()));
        } else {
            import.dispatch_local(());
        }
    };

    view! {
        <div class="backup" data-testid="backup-panel">
            <form class="inline-form" on:submit=on_export novalidate>
                <h3>"Export"</h3>
                <p class="muted">
                    "Downloads every vault item in one encrypted file that opens with the passphrase "
                    "you choose here (it may be your account passphrase)."
                </p>
                <PasswordField
                    value=export_passphrase
                    label="Backup passphrase"
                    testid="backup-export-passphrase"
                    autocomplete="new-password"
                    disabled=busy
                />
                <StrengthMeter assessment=assessment />
                <div class="actions">
                    <button type="submit" data-testid="backup-export" prop:disabled=busy>"Export backup"</button>
                </div>
            </form>
            <Show when=move || confirming.get()>
                <Reprompt
                    on_ok=confirmed
                    reason="A backup takes every item out of the vault. Type your account passphrase first."
                    submit="Go on"
                />
            </Show>
            <form class="inline-form" on:submit=on_import novalidate>
                <h3>"Import"</h3>
                <p class="muted">"Adds the items of a backup file to this vault."</p>
                <div class="field">
                    <label for="backup-import-file">"Backup file"</label>
                    <input
                        id="backup-import-file"
                        type="file"
                        accept=".coffer,application/octet-stream"
                        data-testid="backup-import-file"
                        node_ref=file_input
                        prop:disabled=busy
                    />
                </div>
                <PasswordField
                    value=import_passphrase
                    label="Backup passphrase"
                    testid="backup-import-passphrase"
                    autocomplete="off"
                    disabled=busy
                />
                <div class="actions">
                    <button type="submit" class="secondary" data-testid="backup-import" prop:disabled=busy>
                        "Import backup"
                    </button>
                </div>
            </form>
            <Show when=move || busy.get()>
                <KdfProgress />
            </Show>
            <ErrorBanner message=error testid="backup-error" />
            {move || result.get().map(|text| view! { <p class="success" role="status" data-testid="backup-result">{text}</p> })}
        </div>
    }
}
