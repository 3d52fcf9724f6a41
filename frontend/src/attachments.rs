//! Files attached to vault records. Each gets a random key, kept with its id inside the record
//! (so only the vault key opens it); the file is uploaded as a vault attachment first, then the
//! record is saved naming it. If the record cannot be saved, the upload is deleted again.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::resume::SealedChain;
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::crypto::vault::Attachment;
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use crate::api;
use crate::files::upload::{self, Cancel, Stage, UploadError, UploadJob, file_size, mime_type};
use crate::session::Session;
use crate::vault::{self, SaveError};

/// Why attaching failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachError {
    /// The upload stopped.
    Upload(UploadError),
    /// The record could not be saved (the upload was deleted again).
    Save(String),
}

impl std::fmt::Display for AttachError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttachError::Upload(error) => error.fmt(f),
            AttachError::Save(message) => f.write_str(message),
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

/// Seals and uploads `file`, then adds it to the record `id`.
pub async fn attach(
    session: Session,
    id: &RecordId,
    file: &web_sys::File,
    progress: impl Fn(Stage, u64),
    cancel: &Cancel,
) -> Result<(), AttachError> {
    let csrf = session.csrf().ok_or(AttachError::Save("Your session has ended.".to_owned()))?;
    let (file_id, file_key) = (FileId::random(), Key32::random());
    let job = UploadJob {
        file,
        file_id: file_id.clone(),
        file_key: file_key.clone(),
        chunk_size: ChunkSize::DEFAULT,
        password: None,
        vault: true,
        csrf: Some(csrf.clone()),
        recorded: SealedChain::new(),
    };
    // A fresh id per attempt: nothing to resume across pages, so the chain need not be kept.
    let result = upload::upload(job, |_| true, progress, cancel).await;
    if let Err(error) = result {
        let _ = api::files::delete_attachment(&csrf, &file_id).await;
        return Err(AttachError::Upload(error));
    }
    let attachment = Attachment {
        file_id: file_id.to_string(),
        file_key: file_key.to_b64(),
        name: file.name(),
        mime_type: mime_type(file),
        size: file_size(file),
    };
    if let Err(message) = edit(session, id, |attachments| attachments.push(attachment.clone())).await {
        let _ = api::files::delete_attachment(&csrf, &file_id).await;
        return Err(AttachError::Save(message));
    }
    Ok(())
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
