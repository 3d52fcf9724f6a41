//! Files attached to vault records. Each gets a key derived from the vault key and a fresh file
//! id, kept with the id inside the record (so only the vault key opens it); the file is uploaded
//! as a vault attachment first, then the record is saved naming it. If the record cannot be
//! saved, the upload is deleted again. Until the record names it, a [`pending`] entry in local
//! storage lets a broken upload continue, even after the tab was closed.

use std::collections::BTreeSet;

use coffer_shared::api::VaultFile;
use coffer_shared::b64;
use coffer_shared::crypto::file_meta::{FileId, upload_token};
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::crypto::vault::{Attachment, attachment_key};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use crate::api;
use crate::files::pending::{self, Pending};
use crate::files::upload::{self, Cancel, Checkpoint, Stage, UploadError, UploadJob, file_size, mime_type};
use crate::session::{AuthState, Session};
use crate::vault::{self, SaveError};

/// Why attaching failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachError {
    /// The upload stopped.
    Upload(UploadError),
    /// The record could not be saved (the upload was deleted again).
    Save(String),
    /// The vault locked: the upload stopped (or its file waits to be named by its record), and
    /// continues once the vault is unlocked and the file chosen again.
    Locked,
}

impl std::fmt::Display for AttachError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttachError::Upload(error) => error.fmt(f),
            AttachError::Save(message) => f.write_str(message),
            AttachError::Locked => f.write_str(
                "The vault locked before the file was attached. Unlock it and choose the file again \
                 to continue.",
            ),
        }
    }
}

/// Edits the record `id` with `change`, on its newest revision; one more try if another browser
/// saved in between (the change is applied again to what it saved).
async fn edit(session: Session, id: &RecordId, change: impl Fn(&mut Vec<Attachment>)) -> Result<(), String> {
    for _ in 0..2 {
        let current = session.records.with_untracked(|records| {
            records
                .iter()
                .flatten()
                .find(|entry| &entry.id == id)
                .map(|entry| (entry.record.clone(), entry.revision))
        });
        let Some((mut record, revision)) = current else { return Err("The item is gone.".to_owned()) };
        change(&mut record.attachments);
        match vault::save(session, Some((id.clone(), revision)), record).await {
            Ok(entry) => {
                vault::remember(session, entry);
                return Ok(());
            }
            Err(SaveError::Conflict(current)) => vault::remember(session, *current),
            Err(SaveError::Locked) => return Err("Your session has ended.".to_owned()),
            Err(SaveError::Api(error)) => return Err(error.to_string()),
        }
    }
    Err("Another browser keeps changing this item; try again.".to_owned())
}

/// Records a pending upload for each of `files` (a fresh file id each) before anything is sent,
/// so that an upload broken off in any way can continue after a reload ([`upload`]).
pub fn plan(session: Session, id: &RecordId, files: &[web_sys::File]) -> Result<Vec<Pending>, AttachError> {
    let account_id = session
        .with_unlocked(|unlocked| unlocked.account_id.to_string())
        .ok_or(AttachError::Save("Your session has ended.".to_owned()))?;
    let mut planned = Vec::new();
    for file in files {
        let entry =
            Pending::new(&account_id, id.as_str(), FileId::random().as_str(), file, ChunkSize::DEFAULT.get());
        if !pending::save(&entry) {
            return Err(AttachError::Upload(UploadError::Storage));
        }
        planned.push(entry);
    }
    Ok(planned)
}

/// Seals and uploads the pending attachment from `file` (the same file, selected now or again
/// after a reload), then adds it to its record. If `file` turns out not to be the file an
/// earlier attempt sealed, that upload is cancelled and this one starts over under a fresh id.
/// On any other failure but Cancel, the entry stays so the upload can continue later. The
/// vault key is borrowed only to derive the file key: when the vault locks, no further chunk
/// leaves and the upload stops with [`AttachError::Locked`].
pub async fn upload(
    session: Session,
    mut entry: Pending,
    file: &web_sys::File,
    progress: impl Fn(Stage, u64),
    cancel: &Cancel,
) -> Result<(), AttachError> {
    let ended = || AttachError::Save("Your session has ended.".to_owned());
    let csrf = session.csrf().ok_or_else(ended)?;
    let unlocked = || session.state_untracked() == AuthState::Unlocked;
    let damaged = || AttachError::Save("This browser's record of the upload is damaged.".to_owned());
    let record_id: RecordId = entry.record_id.parse().map_err(|_| damaged())?;
    loop {
        let file_id: FileId = entry.file_id.parse().map_err(|_| damaged())?;
        let file_key = session
            .with_unlocked(|unlocked| attachment_key(&unlocked.vault_key, &file_id))
            .ok_or(AttachError::Locked)?;
        let token = upload_token(&file_key, &file_id).to_b64();
        let job = UploadJob {
            file,
            file_id: file_id.clone(),
            file_key: file_key.clone(),
            chunk_size: ChunkSize::new(entry.chunk_size).map_err(|_| damaged())?,
            password: None,
            vault: true,
            csrf: Some(csrf.clone()),
            recorded: entry.chain().ok_or_else(damaged)?,
        };
        let result = {
            // The chain is saved before each chunk leaves.
            let entry_cell = std::cell::RefCell::new(&mut entry);
            let record = |checkpoint: Checkpoint<'_>| match checkpoint {
                // Locked: stop before anything more leaves (the entry keeps what was sent).
                _ if !unlocked() => false,
                Checkpoint::Chain(chain) => {
                    let mut entry = entry_cell.borrow_mut();
                    entry.sealed = chain.count();
                    entry.chain = b64::encode(chain.value());
                    pending::save(&entry)
                }
                // A vault attachment is not signed: its metadata need not be kept.
                Checkpoint::Metadata(_) => true,
            };
            upload::upload(job, record, &progress, cancel).await
        };
        match result {
            Ok(()) => {}
            Err(UploadError::NotTheSameFile) => {
                forget(&csrf, &file_id, &token).await;
                entry = Pending::new(
                    &entry.account_id,
                    &entry.record_id,
                    FileId::random().as_str(),
                    file,
                    entry.chunk_size,
                );
                if !pending::save(&entry) {
                    return Err(AttachError::Upload(UploadError::Storage));
                }
                continue;
            }
            Err(error @ UploadError::Cancelled) => {
                forget(&csrf, &file_id, &token).await;
                return Err(AttachError::Upload(error));
            }
            Err(_) if !unlocked() => return Err(AttachError::Locked),
            Err(error) => return Err(AttachError::Upload(error)),
        }
        let attachment = Attachment {
            file_id: file_id.to_string(),
            file_key: file_key.to_b64(),
            name: file.name(),
            mime_type: mime_type(file),
            size: file_size(file),
        };
        if !unlocked() {
            // The file is complete on the server; after unlocking, choosing it again finds it
            // finished and only names it in its record.
            return Err(AttachError::Locked);
        }
        if let Err(message) =
            edit(session, &record_id, |attachments| attachments.push(attachment.clone())).await
        {
            if !unlocked() {
                return Err(AttachError::Locked);
            }
            forget(&csrf, &file_id, &token).await;
            return Err(AttachError::Save(message));
        }
        pending::remove(&entry.file_id);
        return Ok(());
    }
}

/// Gives up a pending attachment: cancels its upload or deletes the finished file on the server
/// (best effort: the server removes what is left after its upload expiry), then forgets it.
pub async fn discard(session: Session, entry: &Pending) {
    if let (Some(csrf), Some(vault_key), Ok(file_id)) = (
        session.csrf(),
        session.with_unlocked(|unlocked| unlocked.vault_key.clone()),
        entry.file_id.parse::<FileId>(),
    ) {
        let token = upload_token(&attachment_key(&vault_key, &file_id), &file_id).to_b64();
        forget(&csrf, &file_id, &token).await;
    }
    pending::remove(&entry.file_id);
}

/// Gives up every pending attachment of record `id` (the record was deleted).
pub async fn discard_record(session: Session, id: &RecordId) {
    for entry in pending_of(session, id) {
        discard(session, &entry).await;
    }
}

/// The pending attachments of record `id` for the signed-in account, oldest first.
pub fn pending_of(session: Session, id: &RecordId) -> Vec<Pending> {
    let Some(account_id) = session.with_unlocked(|unlocked| unlocked.account_id.to_string()) else {
        return Vec::new();
    };
    pending::of_account(&account_id).into_iter().filter(|entry| entry.record_id == id.as_str()).collect()
}

/// Cancels an upload, or deletes it if it was finished, and forgets its entry.
async fn forget(csrf: &str, file_id: &FileId, token: &str) {
    if api::files::cancel(file_id, token).await.is_err() {
        let _ = api::files::delete_attachment(csrf, file_id).await;
    }
    pending::remove(file_id.as_str());
}

/// Removes the attachment from the record, then deletes its bytes.
pub async fn detach(session: Session, id: &RecordId, file_id: &str) -> Result<(), String> {
    edit(session, id, |attachments| attachments.retain(|a| a.file_id != file_id)).await?;
    delete_files(session, [file_id.to_owned()]).await;
    Ok(())
}

/// Deletes attachments' bytes (best effort: a failure leaves ciphertext no record names).
pub async fn delete_files(session: Session, file_ids: impl IntoIterator<Item = String>) {
    let Some(csrf) = session.csrf() else { return };
    for file_id in file_ids {
        let Ok(file_id) = file_id.parse::<FileId>() else { continue };
        if let Err(error) = api::files::delete_attachment(&csrf, &file_id).await {
            session.check_ended(&error);
        }
    }
}

/// How long after its upload finished a file no record names is still left alone: another tab
/// may be about to save the record that names it.
pub const UNATTACHED_AFTER: u64 = 3600;

/// The account's stored `files` that no opened record names and no upload of this browser is
/// still adding, finished at least [`UNATTACHED_AFTER`] seconds before `now` (Unix seconds).
/// Only meaningful once every record opened: one that did not would hide what it names.
pub fn unattached(session: Session, files: &[VaultFile], now: u64) -> Vec<VaultFile> {
    let mut named: BTreeSet<String> = session.records.with(|records| {
        records
            .iter()
            .flatten()
            .flat_map(|entry| entry.record.attachments.iter().map(|a| a.file_id.clone()))
            .collect()
    });
    if let Some(account_id) = session.with_unlocked(|unlocked| unlocked.account_id.to_string()) {
        named.extend(pending::of_account(&account_id).into_iter().map(|entry| entry.file_id));
    }
    unnamed(files, &named, now)
}

fn unnamed(files: &[VaultFile], named: &BTreeSet<String>, now: u64) -> Vec<VaultFile> {
    files
        .iter()
        .filter(|file| !named.contains(file.file.id.as_str()))
        .filter(|file| file.created_at.saturating_add(UNATTACHED_AFTER) <= now)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use coffer_shared::api::StoredFile;

    use super::*;

    fn stored(created_at: u64) -> VaultFile {
        let file = StoredFile { id: FileId::random(), size: 10, chunk_size: 64, metadata: String::new() };
        VaultFile { file, created_at }
    }

    #[test]
    fn a_file_is_unattached_when_nothing_names_it_for_an_hour() {
        let (named, old, fresh) = (stored(1_000), stored(1_000), stored(4_000));
        let names = BTreeSet::from([named.file.id.to_string()]);
        let files = [named, old.clone(), fresh];
        assert_eq!(unnamed(&files, &names, 1_000 + UNATTACHED_AFTER), vec![old]);
        assert_eq!(unnamed(&files, &names, 1_000 + UNATTACHED_AFTER - 1), Vec::<VaultFile>::new());
        assert_eq!(unnamed(&files, &names, 4_000 + UNATTACHED_AFTER).len(), 2);
    }
}
