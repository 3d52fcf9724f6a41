//! The encrypted backup (docs/accounts.md, "Encrypted backup"): export the decrypted records
//! sealed under a backup passphrase as a downloadable file, and import such a file, sealing
//! each record again under a fresh id with this account's vault key.
//!
//! The backup passphrase's Argon2id runs in the worker ([`crate::kdf`]); the file is the
//! envelope's bytes and nothing else.

use std::fmt;

use coffer_shared::crypto::backup::{Backup, open_backup, seal_backup};
use coffer_shared::crypto::envelope::{Envelope, Kind, PasswordParams};
use coffer_shared::crypto::kdf::KdfParams;
use js_sys::{Array, Uint8Array};
use leptos::prelude::{Set, WithUntracked};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

use crate::api::ApiError;
use crate::session::Session;
use crate::vault::{self, SaveError};

/// Why a backup could not be made or imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The file is not a Coffer backup (or is damaged beyond parsing).
    NotABackup,
    /// The passphrase does not open this backup, or the file was altered.
    WrongPassphrase,
    /// The keys are not open.
    Locked,
    /// The browser could not read the file or start the download.
    Browser,
    /// The server refused a record; `imported` were stored before it.
    Api {
        /// Records stored before the failure.
        imported: usize,
        /// The failure.
        error: ApiError,
    },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::NotABackup => f.write_str("This file is not a Coffer backup."),
            BackupError::WrongPassphrase => {
                f.write_str("Wrong backup passphrase, or the file was damaged. Nothing was imported.")
            }
            BackupError::Locked => f.write_str("Your vault is locked. Unlock it and try again."),
            BackupError::Browser => f.write_str("This browser could not handle the file. Try again."),
            BackupError::Api { imported, error } => {
                write!(f, "Imported {imported} record(s), then the server refused: {error}")
            }
        }
    }
}

/// The suggested file name for a backup made on that local day.
pub fn file_name(year: u32, month: u32, day: u32) -> String {
    format!("coffer-backup-{year:04}-{month:02}-{day:02}.coffer")
}

/// [`file_name`] for today, in the browser's time zone.
pub fn todays_file_name() -> String {
    let today = js_sys::Date::new_0();
    file_name(today.get_full_year(), today.get_month() + 1, today.get_date())
}

/// Seals every record of the vault (loading it first if needed) under `passphrase` with a
/// fresh salt and the default costs. Answers the file's bytes and how many records it holds.
pub async fn export(session: Session, passphrase: &str) -> Result<(Vec<u8>, usize), BackupError> {
    if session.records.with_untracked(Option::is_none) {
        let (entries, _) =
            vault::load(session).await.map_err(|error| BackupError::Api { imported: 0, error })?;
        session.records.set(Some(entries));
    }
    let backup = Backup {
        records: session
            .records
            .with_untracked(|records| records.iter().flatten().map(|entry| entry.record.clone()).collect()),
    };
    let params = PasswordParams::fresh(KdfParams::DEFAULT);
    let password_key = crate::kdf::password_key(passphrase, &params).await;
    Ok((seal_backup(&password_key, params, &backup), backup.records.len()))
}

/// Opens a backup file with `passphrase` and stores each record under a fresh id. Answers how
/// many were imported. The file is checked whole before anything is stored.
pub async fn import(session: Session, file: &[u8], passphrase: &str) -> Result<usize, BackupError> {
    let envelope = Envelope::parse(file).map_err(|_| BackupError::NotABackup)?;
    let params = match envelope.header.password {
        Some(params) if envelope.header.kind == Kind::Backup => params,
        _ => return Err(BackupError::NotABackup),
    };
    let password_key = crate::kdf::password_key(passphrase, &params).await;
    let backup = open_backup(&password_key, &envelope).map_err(|_| BackupError::WrongPassphrase)?;
    let mut imported = 0;
    for record in &backup.records {
        match vault::save(session, None, record.clone()).await {
            Ok(entry) => vault::remember(session, entry),
            Err(SaveError::Api(error)) => return Err(BackupError::Api { imported, error }),
            Err(_) => return Err(BackupError::Locked),
        }
        imported += 1;
    }
    Ok(imported)
}

/// Offers `bytes` as a download named `name`, through a Blob and an object URL.
pub fn download(bytes: &[u8], name: &str) -> Result<(), BackupError> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob =
        Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| BackupError::Browser)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| BackupError::Browser)?;
    let document = web_sys::window().and_then(|window| window.document()).ok_or(BackupError::Browser)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into().ok())
        .ok_or(BackupError::Browser)?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoked on the next turn: the click has started the download by then.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1_000);
    }
    Ok(())
}

/// The bytes of a chosen file.
pub async fn read(file: &File) -> Result<Vec<u8>, BackupError> {
    let buffer: JsValue = JsFuture::from(file.array_buffer()).await.map_err(|_| BackupError::Browser)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_carries_the_zero_padded_date() {
        assert_eq!(file_name(2026, 3, 7), "coffer-backup-2026-03-07.coffer");
    }
}
