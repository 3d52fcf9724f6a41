//! Import from other password managers and export as Bitwarden JSON (docs/interchange.md).
//!
//! A chosen file is read and parsed here, in the page (`coffer_shared::import`): its format is
//! detected and can be overridden, a preview counts what it holds, and on confirmation each
//! record is sealed with this account's vault key and saved like one typed by hand. A Bitwarden
//! export protected by a file password asks for it first: the key is derived (with "Deriving the
//! key…" shown) and checked before the preview. The export is [`BitwardenExport`].

use coffer_shared::crypto::vault::VaultRecord;
use coffer_shared::import::bitwarden_protected::{self, Protected};
use coffer_shared::import::{self, Format, Import, ImportError};
use leptos::html;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::bitwarden_export::BitwardenExport;
use super::error_banner::ErrorBanner;
use super::password_field::PasswordField;
use crate::backup::{self, BackupError};
use crate::session::Session;
use crate::vault::{self, SaveError};
use crate::{format, kdf};

/// Seals and saves `records` one by one under fresh ids, reporting `(done, total)` after each.
/// Answers how many were stored; on a failure, the message says how many were stored before it.
async fn save_all(
    session: Session,
    records: Vec<VaultRecord>,
    progress: impl Fn(usize, usize),
) -> Result<usize, String> {
    let total = records.len();
    for (imported, record) in records.into_iter().enumerate() {
        match vault::save(session, None, record).await {
            Ok(entry) => vault::remember(session, entry),
            Err(SaveError::Api(error)) => return Err(BackupError::Api { imported, error }.to_string()),
            Err(_) => return Err(BackupError::Locked.to_string()),
        }
        progress(imported + 1, total);
    }
    Ok(total)
}

/// Shows a parsed file's summary, or why there is nothing to import.
fn show(
    outcome: Result<Import, ImportError>,
    parsed: StoredValue<Option<Import>>,
    preview: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) {
    match outcome {
        Ok(import) if import.records.is_empty() => {
            let _ = error.try_set(Some(format!("Nothing to import: {}.", import.summary())));
        }
        Ok(import) => {
            let _ = preview.try_set(Some(import.summary()));
            parsed.try_set_value(Some(import));
        }
        Err(failure) => {
            let _ = error.try_set(Some(failure.to_string()));
        }
    }
}

/// The import and export section of the account page.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let session = Session::get();
    let file_input = NodeRef::<html::Input>::new();
    let bytes = StoredValue::new(None::<Vec<u8>>);
    let parsed = StoredValue::new(None::<Import>);
    let format = RwSignal::new(None::<Format>);
    let preview = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let result = RwSignal::new(None::<String>);
    let exported = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // A password-protected Bitwarden export waiting for its file password.
    let protected = RwSignal::new(None::<Protected>);
    let file_password = RwSignal::new(String::new());

    let forget_file = move || {
        bytes.update_value(|bytes| bytes.zeroize());
        parsed.set_value(None);
        preview.set(None);
        protected.set(None);
        file_password.update(Zeroize::zeroize);
    };
    // Parses the chosen file as the chosen format, for the preview; a password-protected
    // Bitwarden export waits for its password instead.
    let reparse = move || {
        parsed.set_value(None);
        preview.set(None);
        protected.set(None);
        error.set(None);
        let Some(chosen) = format.get_untracked() else { return };
        let Some(outcome) = bytes.with_value(|bytes| {
            bytes.as_deref().map(|bytes| match chosen {
                Format::BitwardenJson if bitwarden_protected::is_protected(bytes) => Protected::read(bytes)
                    .map(|header| {
                        protected.set(Some(header));
                        None
                    }),
                _ => import::parse(chosen, bytes).map(Some),
            })
        }) else {
            return;
        };
        match outcome {
            Ok(Some(import)) => show(Ok(import), parsed, preview, error),
            Ok(None) => {}
            Err(failure) => show(Err(failure), parsed, preview, error),
        }
    };

    let on_file = move |_: leptos::ev::Event| {
        forget_file();
        result.set(None);
        error.set(None);
        let Some(file) =
            file_input.get_untracked().and_then(|input| input.files()).and_then(|files| files.get(0))
        else {
            return;
        };
        if file.size() > import::MAX_BYTES as f64 {
            error.set(Some(import::ImportError::TooLarge.to_string()));
            return;
        }
        leptos::task::spawn_local(async move {
            match backup::read(&file).await {
                Ok(read) => {
                    let detected = import::detect(&file.name(), &read);
                    bytes.set_value(Some(read));
                    format.set(detected);
                    match detected {
                        Some(_) => reparse(),
                        None => error.set(Some(import::ImportError::Unrecognised.to_string())),
                    }
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let on_format = move |ev: leptos::ev::Event| {
        format.set(Format::from_id(&event_target_value(&ev)));
        reparse();
    };

    let import_action = Action::new_local(move |_: &()| {
        let records = parsed
            .try_update_value(|import| import.take())
            .flatten()
            .map(|mut import| std::mem::take(&mut import.records));
        let sealed =
            bytes.with_value(|bytes| bytes.as_deref().is_some_and(bitwarden_protected::is_protected));
        async move {
            let Some(records) = records else { return };
            let outcome = save_all(session, records, move |done, total| {
                let _ = progress.try_set(Some((done, total)));
            })
            .await;
            let _ = progress.try_set(None);
            bytes.try_update_value(|bytes| bytes.zeroize());
            let _ = preview.try_set(None);
            if let Some(input) = file_input.get_untracked() {
                input.set_value("");
            }
            match outcome {
                Ok(count) => {
                    let advice = if sealed {
                        "Keep the export file and its password apart, or delete the file."
                    } else {
                        "Delete the export file: it holds your secrets in plaintext."
                    };
                    let _ = result.try_set(Some(format!(
                        "Imported {}. {advice}",
                        format::plural(count as u64, "item")
                    )));
                }
                Err(message) => {
                    let _ = error.try_set(Some(message));
                }
            }
        }
    });
    // Derives the file's key (the page shows "Deriving the key…"), checks it and previews.
    let open_action = Action::new_local(move |_: &()| {
        let header = protected.get_untracked();
        let mut typed = file_password.get_untracked();
        file_password.update(Zeroize::zeroize);
        async move {
            let Some(header) = header else { return };
            let key = kdf::bitwarden_key(&typed, header.salt(), header.kdf()).await;
            typed.zeroize();
            let Some(key) = key else {
                let _ = error.try_set(Some(
                    "This browser could not derive the file's key with the settings it was exported \
                     with (more memory or time than this tab can give). Export it again from \
                     Bitwarden with its default settings."
                        .to_owned(),
                ));
                return;
            };
            match header.open(&key) {
                Ok(import) => {
                    let _ = protected.try_set(None);
                    show(Ok(import), parsed, preview, error);
                }
                Err(failure) => show(Err(failure), parsed, preview, error),
            }
        }
    });
    let busy = Signal::derive(move || import_action.pending().get() || open_action.pending().get());
    on_cleanup(move || {
        bytes.try_update_value(|bytes| bytes.zeroize());
        file_password.try_update(Zeroize::zeroize);
    });

    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        result.set(None);
        exported.set(None);
        error.set(None);
        if protected.with_untracked(Option::is_some) {
            // Enter in the file password field.
            if file_password.with_untracked(String::is_empty) {
                error.set(Some("Type the export's file password.".to_owned()));
            } else {
                open_action.dispatch_local(());
            }
        } else if parsed.with_value(Option::is_none) {
            error.set(Some("Choose an export file first.".to_owned()));
        } else {
            import_action.dispatch_local(());
        }
    };
    let on_open = move |_| {
        error.set(None);
        if file_password.with_untracked(String::is_empty) {
            error.set(Some("Type the export's file password.".to_owned()));
        } else {
            open_action.dispatch_local(());
        }
    };

    view! {
        <div class="backup" data-testid="import-panel">
            <form class="inline-form" on:submit=on_import novalidate>
                <h3>"Import from another password manager"</h3>
                <p class="muted">
                    "Bitwarden (JSON or CSV), 1Password (1PUX or CSV), KeePass 2 (XML), LastPass or Chrome \
                     (CSV). The file is read in this page; each item is encrypted here before it is saved. \
                     Attachments are not imported."
                </p>
                <div class="field">
                    <label for="import-file">"Export file"</label>
                    <input
                        id="import-file"
                        type="file"
                        accept=".json,.csv,.xml,.1pux,.zip"
                        data-testid="import-file"
                        node_ref=file_input
                        on:change=on_file
                        prop:disabled=busy
                    />
                </div>
                <div class="field">
                    <label for="import-format">"Format"</label>
                    <select id="import-format" data-testid="import-format" on:change=on_format prop:disabled=busy>
                        <option value="" selected=move || format.get().is_none()>"Choose the format"</option>
                        {Format::ALL
                            .into_iter()
                            .map(|each| {
                                view! {
                                    <option value=each.id() selected=move || format.get() == Some(each)>
                                        {each.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || protected.with(Option::is_some)>
                    <p class="muted">"This Bitwarden export is protected by a file password."</p>
                    <PasswordField
                        value=file_password
                        label="File password"
                        testid="import-file-password"
                        autocomplete="off"
                        disabled=busy
                    />
                    <div class="actions">
                        <button
                            type="button"
                            class="secondary"
                            data-testid="import-file-open"
                            prop:disabled=busy
                            on:click=on_open
                        >
                            "Open the file"
                        </button>
                    </div>
                </Show>
                <Show when=move || open_action.pending().get()>
                    <p role="status" data-testid="import-deriving">"Deriving the key…"</p>
                </Show>
                {move || {
                    preview.get().map(|text| view! { <p role="status" data-testid="import-preview">{text}</p> })
                }}
                {move || {
                    progress.get().map(|(done, total)| {
                        view! {
                            <p role="status" data-testid="import-progress">
                                <progress max=total.to_string() value=done.to_string()></progress>
                                {format!(" {done} of {total}")}
                            </p>
                        }
                    })
                }}
                <div class="actions">
                    <button
                        type="submit"
                        data-testid="import-confirm"
                        prop:disabled=move || busy.get() || preview.get().is_none()
                    >
                        "Import"
                    </button>
                </div>
            </form>
            <BitwardenExport exported=exported error=error importing=busy />
            <ErrorBanner message=error testid="import-error" />
            {move || {
                result.get().map(|text| view! { <p class="success" role="status" data-testid="import-result">{text}</p> })
            }}
            {move || {
                exported.get().map(|text| view! { <p class="success" role="status" data-testid="export-result">{text}</p> })
            }}
        </div>
    }
}
