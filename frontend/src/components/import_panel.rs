//! Import from other password managers and export as Bitwarden JSON (docs/interchange.md).
//!
//! A chosen file is read and parsed here, in the page (`coffer_shared::import`): its format is
//! detected and can be overridden, a preview counts what it holds, and on confirmation each
//! record is sealed with this account's vault key and saved like one typed by hand. The export
//! writes the vault as an unencrypted Bitwarden file, after a warning that it is plaintext.

use coffer_shared::crypto::vault::VaultRecord;
use coffer_shared::export::bitwarden;
use coffer_shared::import::{self, Format, Import};
use leptos::html;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::error_banner::ErrorBanner;
use crate::backup::{self, BackupError};
use crate::format;
use crate::session::Session;
use crate::vault::{self, SaveError};

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

/// `coffer-bitwarden-export-YYYY-MM-DD.json`, in the browser's time zone.
fn export_file_name() -> String {
    let today = js_sys::Date::new_0();
    format!(
        "coffer-bitwarden-export-{:04}-{:02}-{:02}.json",
        today.get_full_year(),
        today.get_month() + 1,
        today.get_date()
    )
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
    let warning = RwSignal::new(false);
    let result = RwSignal::new(None::<String>);
    let exported = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let forget_file = move || {
        bytes.update_value(|bytes| bytes.zeroize());
        parsed.set_value(None);
        preview.set(None);
    };
    // Parses the chosen file as the chosen format, for the preview.
    let reparse = move || {
        parsed.set_value(None);
        preview.set(None);
        error.set(None);
        let Some(chosen) = format.get_untracked() else { return };
        let outcome = bytes.with_value(|bytes| bytes.as_deref().map(|bytes| import::parse(chosen, bytes)));
        match outcome {
            Some(Ok(import)) if import.records.is_empty() => {
                error.set(Some(format!("Nothing to import: {}.", import.summary())));
            }
            Some(Ok(import)) => {
                preview.set(Some(import.summary()));
                parsed.set_value(Some(import));
            }
            Some(Err(failure)) => error.set(Some(failure.to_string())),
            None => {}
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
                    let _ = result.try_set(Some(format!(
                        "Imported {}. Delete the export file: it holds your secrets in plaintext.",
                        format::plural(count as u64, "item")
                    )));
                }
                Err(message) => {
                    let _ = error.try_set(Some(message));
                }
            }
        }
    });
    let export_action = Action::new_local(move |_: &()| async move {
        let outcome = all_records(session).await.and_then(|records| {
            let now = (js_sys::Date::now() / 1000.0) as u64;
            let mut file = bitwarden::export(&records, now);
            let name = export_file_name();
            let downloaded = backup::download(&file, &name).map_err(|failure| failure.to_string());
            file.zeroize();
            downloaded.map(|()| {
                format!(
                    "Exported {} to {name}, unencrypted. Delete it once it is imported.",
                    format::plural(records.len() as u64, "item")
                )
            })
        });
        match outcome {
            Ok(message) => {
                let _ = exported.try_set(Some(message));
            }
            Err(message) => {
                let _ = error.try_set(Some(message));
            }
        }
    });
    let busy = Signal::derive(move || import_action.pending().get() || export_action.pending().get());
    on_cleanup(move || {
        bytes.try_update_value(|bytes| bytes.zeroize());
    });

    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        result.set(None);
        exported.set(None);
        error.set(None);
        if parsed.with_value(Option::is_none) {
            error.set(Some("Choose an export file first.".to_owned()));
        } else {
            import_action.dispatch_local(());
        }
    };
    let on_export_confirm = move |_| {
        warning.set(false);
        exported.set(None);
        error.set(None);
        export_action.dispatch_local(());
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
            <div class="inline-form">
                <h3>"Export for Bitwarden"</h3>
                <p class="muted">
                    "Downloads every item as a Bitwarden JSON file, which Bitwarden and other managers import. \
                     Attachments are not included. To keep a copy, use the encrypted backup above instead."
                </p>
                <Show
                    when=move || warning.get()
                    fallback=move || {
                        view! {
                            <div class="actions">
                                <button
                                    type="button"
                                    class="secondary"
                                    data-testid="export-bitwarden"
                                    prop:disabled=busy
                                    on:click=move |_| warning.set(true)
                                >
                                    "Export (Bitwarden JSON, unencrypted)"
                                </button>
                            </div>
                        }
                    }
                >
                    <div class="error" role="alert" data-testid="export-warning">
                        <p>
                            "This file is not encrypted: anyone who gets it reads every password, card and \
                             note in it. Import it at once, then delete it (and empty the trash)."
                        </p>
                        <div class="actions">
                            <button type="button" data-testid="export-confirm" on:click=on_export_confirm>
                                "I understand, export unencrypted"
                            </button>
                            <button
                                type="button"
                                class="secondary"
                                data-testid="export-cancel"
                                on:click=move |_| warning.set(false)
                            >
                                "Cancel"
                            </button>
                        </div>
                    </div>
                </Show>
            </div>
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
