//! Files attached to shares (docs/api.md, "File shares"): attaching at share creation, the
//! download token of each claim, and the files' lifetime, which is the share's, stretched until
//! its last download token expires when the share ended by its last view.
//!
//! These functions run inside the share transactions of [`super::shares`], so a share and its
//! files are created, claimed and ended together.

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::TokenHash;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::files::{FileRecord, FileRow, attach, read_file, remove_file};
use super::schema::{DOWNLOAD_TOKENS, SHARE_FILES};
use super::{StoreError, from_json, to_json};

/// A share's files, in the creator's order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ShareFiles {
    pub files: Vec<String>,
    /// The plaintext total.
    pub bytes: u64,
    /// When the last download token given out expires.
    pub keep_until: u64,
    /// The share itself is gone; the files wait for `keep_until`.
    pub ended: bool,
}

/// A file named in a share's create request: its id and the SHA-256 of its upload token.
pub type FileClaim = (FileId, TokenHash);

pub(super) fn read_share_files(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    share: &str,
) -> Result<Option<ShareFiles>, StoreError> {
    table.get(share)?.map(|bytes| from_json(bytes.value())).transpose()
}

fn write_share_files(txn: &WriteTransaction, share: &str, files: &ShareFiles) -> Result<(), StoreError> {
    txn.open_table(SHARE_FILES)?.insert(share, to_json(files)?.as_slice())?;
    Ok(())
}

/// The files named in a create request, checked: each a finished, unattached share upload
/// with that token, named once. Reads only.
pub(super) struct CheckedFiles(Vec<(String, FileRecord)>);

impl CheckedFiles {
    /// The files' metadata envelopes, in order.
    pub fn metadata(&self) -> Vec<Vec<u8>> {
        self.0.iter().map(|(_, record)| record.metadata.clone().unwrap_or_default()).collect()
    }
}

/// Checks `files` for a new share and writes nothing. `Err(position)` names the first file that
/// is not a finished, unattached share upload with that token (or is named twice); the caller
/// then stores nothing.
pub(super) fn check_all(
    txn: &WriteTransaction,
    files: &[FileClaim],
) -> Result<Result<CheckedFiles, usize>, StoreError> {
    let mut checked: Vec<(String, FileRecord)> = Vec::with_capacity(files.len());
    for (position, (id, token_hash)) in files.iter().enumerate() {
        let id = id.as_str();
        let record = read_file(txn, id)?.filter(|record| {
            record.finished
                && record.owner.is_none()
                && record.share.is_none()
                && record.token_matches(token_hash)
        });
        match record {
            Some(record) if !checked.iter().any(|(seen, _)| seen == id) => {
                checked.push((id.to_owned(), record))
            }
            _ => return Ok(Err(position)),
        }
    }
    Ok(Ok(CheckedFiles(checked)))
}

/// Attaches checked files to the new share `share`.
pub(super) fn attach_all(txn: &WriteTransaction, share: &str, files: CheckedFiles) -> Result<(), StoreError> {
    if files.0.is_empty() {
        return Ok(());
    }
    let mut attached = ShareFiles::default();
    for (id, mut record) in files.0 {
        record.share = Some(share.to_owned());
        attach(txn, &id, &record)?;
        attached.bytes += record.size;
        attached.files.push(id);
    }
    write_share_files(txn, share, &attached)
}

/// On a counted view: the share's files and, when it has any, stores `token_hash` as a download
/// token of this share until `expires_at`.
pub(super) fn on_claim(
    txn: &WriteTransaction,
    share: &str,
    token_hash: [u8; 32],
    expires_at: u64,
) -> Result<Vec<FileRow>, StoreError> {
    let Some(mut files) = read_share_files(&txn.open_table(SHARE_FILES)?, share)? else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::with_capacity(files.files.len());
    for id in &files.files {
        let record =
            read_file(txn, id)?.ok_or_else(|| StoreError::Corrupt(format!("share file {id} missing")))?;
        rows.push(record.row(id)?);
    }
    txn.open_table(DOWNLOAD_TOKENS)?.insert(token_hash.as_slice(), (share, expires_at))?;
    files.keep_until = files.keep_until.max(expires_at);
    write_share_files(txn, share, &files)?;
    Ok(rows)
}

/// When share `share` ends: `keep` (its last view) leaves the files for the download tokens
/// given out; any other end deletes them now.
pub(super) fn on_end(txn: &WriteTransaction, share: &str, keep: bool) -> Result<(), StoreError> {
    let Some(mut files) = read_share_files(&txn.open_table(SHARE_FILES)?, share)? else {
        return Ok(());
    };
    if keep {
        files.ended = true;
        write_share_files(txn, share, &files)
    } else {
        delete_share_files(txn, share, &files)
    }
}

pub(super) fn delete_share_files(
    txn: &WriteTransaction,
    share: &str,
    files: &ShareFiles,
) -> Result<(), StoreError> {
    for id in &files.files {
        remove_file(txn, id)?;
    }
    txn.open_table(SHARE_FILES)?.remove(share)?;
    Ok(())
}
