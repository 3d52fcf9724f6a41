//! Reading finished files on PostgreSQL: a share's file for a claim's download token, and an
//! account's vault attachments (listed, read, deleted).

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::AccountId;
use tokio_postgres::Transaction;

use super::files::{read_file, records, remove_file, remove_locked};
use super::rows::big;
use super::{PgStore, pg};
use crate::store::redb::files::FileRecord;
use crate::store::{FileRow, StoreError, from_json};

/// Deletes every file of `account`, attached or still uploading (an account's deletion).
pub(super) async fn remove_account_files(txn: &Transaction<'_>, account: &str) -> Result<(), StoreError> {
    let rows = txn
        .query("SELECT id, record FROM files WHERE owner = $1 ORDER BY id FOR UPDATE", &[&account])
        .await
        .map_err(pg)?;
    remove_locked(txn, &records(&rows)?).await
}

/// `record` as a row if it is a finished vault file of `account`.
fn vault_row(record: Option<FileRecord>, account: &str, id: &str) -> Result<Option<FileRow>, StoreError> {
    match record {
        Some(record)
            if record.finished && record.owner.as_ref().is_some_and(|owner| owner.as_str() == account) =>
        {
            record.row(id).map(Some)
        }
        _ => Ok(None),
    }
}

impl PgStore {
    pub(crate) async fn share_file(
        &self,
        token_hash: [u8; 32],
        id: FileId,
        now: u64,
    ) -> Result<Option<FileRow>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT t.share, f.record FROM download_tokens t, files f
                 WHERE t.hash = $1 AND t.expires_at > $2 AND f.id = $3",
                &[&token_hash.as_slice(), &big(now)?, &id.as_str()],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else { return Ok(None) };
        let share: &str = row.get(0);
        let record: FileRecord = from_json(row.get(1))?;
        match record.finished && record.share.as_deref() == Some(share) {
            true => record.row(id.as_str()).map(Some),
            false => Ok(None),
        }
    }

    pub(crate) async fn vault_files(&self, account: AccountId) -> Result<Vec<FileRow>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT id, record FROM files WHERE owner = $1", &[&account.as_str()])
            .await
            .map_err(pg)?;
        let mut files = Vec::with_capacity(rows.len());
        for (id, record) in records(&rows)? {
            if let Some(row) = vault_row(Some(record), account.as_str(), &id)? {
                files.push(row);
            }
        }
        files.sort_by(|a, b| (a.created_at, a.id.as_str()).cmp(&(b.created_at, b.id.as_str())));
        Ok(files)
    }

    pub(crate) async fn vault_file(
        &self,
        account: AccountId,
        id: FileId,
    ) -> Result<Option<FileRow>, StoreError> {
        let client = self.client().await?;
        let row =
            client.query_opt("SELECT record FROM files WHERE id = $1", &[&id.as_str()]).await.map_err(pg)?;
        let record = row.map(|row| from_json(row.get(0))).transpose()?;
        vault_row(record, account.as_str(), id.as_str())
    }

    pub(crate) async fn delete_vault_file(&self, account: AccountId, id: FileId) -> Result<bool, StoreError> {
        let id = id.as_str();
        transaction!(self, txn => {
            if vault_row(read_file(&txn, id).await?, account.as_str(), id)?.is_none() {
                return Ok(false);
            }
            remove_file(&txn, id).await?;
            Ok(true)
        })
    }
}
