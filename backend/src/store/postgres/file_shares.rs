//! The files of shares on PostgreSQL, as in redb (`ShareFiles`, JSON): attached when the share
//! is stored, a download token stored at each view, kept past the share's end until the last
//! download token expires (`keep_until`, a column once the share has ended, for the sweeper).
//! The share's transaction locks its `share_files` row before its files' rows.

use std::collections::HashMap;

use tokio_postgres::Transaction;

use super::files::{attach, records, remove_files};
use super::pg;
use super::rows::big;
use crate::store::redb::file_shares::ShareFiles;
use crate::store::redb::files::FileRecord;
use crate::store::{FileClaim, FileRow, StoreError, from_json, to_json};

/// A share's files as stored, its row locked.
pub(super) async fn read_share_files(
    txn: &Transaction<'_>,
    share: &str,
) -> Result<Option<ShareFiles>, StoreError> {
    let row = txn
        .query_opt("SELECT record FROM share_files WHERE share = $1 FOR UPDATE", &[&share])
        .await
        .map_err(pg)?;
    row.map(|row| from_json(row.get(0))).transpose()
}

async fn write_share_files(txn: &Transaction<'_>, share: &str, files: &ShareFiles) -> Result<(), StoreError> {
    let keep_until = files.ended.then(|| big(files.keep_until)).transpose()?;
    txn.execute(
        "INSERT INTO share_files (share, record, keep_until) VALUES ($1, $2, $3)
         ON CONFLICT (share) DO UPDATE SET record = $2, keep_until = $3",
        &[&share, &to_json(files)?, &keep_until],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Files `ids`, their rows locked in the order of their ids; a missing one is left out.
async fn lock_files(txn: &Transaction<'_>, ids: &[&str]) -> Result<HashMap<String, FileRecord>, StoreError> {
    let rows = txn
        .query("SELECT id, record FROM files WHERE id = ANY($1) ORDER BY id FOR UPDATE", &[&ids])
        .await
        .map_err(pg)?;
    Ok(records(&rows)?.into_iter().collect())
}

/// Files checked for attaching, in the request's order.
pub(super) struct CheckedFiles(Vec<(String, FileRecord)>);

impl CheckedFiles {
    /// Each file's metadata envelope, in order.
    pub fn metadata(&self) -> Vec<Vec<u8>> {
        self.0.iter().map(|(_, record)| record.metadata.clone().unwrap_or_default()).collect()
    }
}

/// Locks and checks each file a new share names: a finished share upload, attached to nothing,
/// whose upload token matches, named once. `Err(position)` of the first that is not.
pub(super) async fn check_all(
    txn: &Transaction<'_>,
    files: &[FileClaim],
) -> Result<Result<CheckedFiles, usize>, StoreError> {
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    let mut found = lock_files(txn, &ids).await?;
    let mut checked: Vec<(String, FileRecord)> = Vec::with_capacity(files.len());
    for (position, (id, token_hash)) in files.iter().enumerate() {
        let id = id.as_str();
        if checked.iter().any(|(seen, _)| seen == id) {
            return Ok(Err(position));
        }
        let record = found.remove(id).filter(|record| {
            record.finished
                && record.owner.is_none()
                && record.share.is_none()
                && record.token_matches(token_hash)
        });
        match record {
            Some(record) => checked.push((id.to_owned(), record)),
            None => return Ok(Err(position)),
        }
    }
    Ok(Ok(CheckedFiles(checked)))
}

/// Attaches checked files to `share`.
pub(super) async fn attach_all(
    txn: &Transaction<'_>,
    share: &str,
    files: CheckedFiles,
) -> Result<(), StoreError> {
    if files.0.is_empty() {
        return Ok(());
    }
    let mut attached = ShareFiles::default();
    for (id, mut record) in files.0 {
        record.share = Some(share.to_owned());
        attach(txn, &id, &record).await?;
        attached.bytes += record.size;
        attached.files.push(id);
    }
    write_share_files(txn, share, &attached).await
}

/// At a counted view: the share's files, and the download token stored until `expires_at`.
pub(super) async fn on_claim(
    txn: &Transaction<'_>,
    share: &str,
    token_hash: [u8; 32],
    expires_at: u64,
) -> Result<Vec<FileRow>, StoreError> {
    let Some(mut files) = read_share_files(txn, share).await? else {
        return Ok(Vec::new());
    };
    let ids: Vec<&str> = files.files.iter().map(String::as_str).collect();
    let found = lock_files(txn, &ids).await?;
    let mut rows = Vec::with_capacity(files.files.len());
    for id in &files.files {
        let record = found.get(id).ok_or_else(|| StoreError::Corrupt(format!("share file {id} missing")))?;
        rows.push(record.row(id)?);
    }
    let until = big(expires_at)?;
    txn.execute(
        "INSERT INTO download_tokens (hash, share, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (hash) DO UPDATE SET share = $2, expires_at = $3",
        &[&token_hash.as_slice(), &share, &until],
    )
    .await
    .map_err(pg)?;
    files.keep_until = files.keep_until.max(expires_at);
    write_share_files(txn, share, &files).await?;
    Ok(rows)
}

/// At a share's end: its files wait for the download tokens given out (`keep`, after the last
/// view) or go now.
pub(super) async fn on_end(txn: &Transaction<'_>, share: &str, keep: bool) -> Result<(), StoreError> {
    let Some(mut files) = read_share_files(txn, share).await? else {
        return Ok(());
    };
    if keep {
        files.ended = true;
        write_share_files(txn, share, &files).await
    } else {
        delete_share_files(txn, share, &files).await
    }
}

/// Removes a share's files and their record.
pub(super) async fn delete_share_files(
    txn: &Transaction<'_>,
    share: &str,
    files: &ShareFiles,
) -> Result<(), StoreError> {
    remove_files(txn, &files.files).await?;
    txn.execute("DELETE FROM share_files WHERE share = $1", &[&share]).await.map_err(pg)?;
    Ok(())
}
