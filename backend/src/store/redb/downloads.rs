//! Reading finished files: a share's file for a claim's download token, and an account's vault
//! attachments (listed, read, deleted).

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::AccountId;
use redb::{ReadableTable, WriteTransaction};

use super::files::{FileRow, get_file, remove_file};
use super::schema::{ACCOUNT_FILES, DOWNLOAD_TOKENS, FILES};
use super::{Db, RedbStore, StoreError, from_json};

/// Deletes every file of `account`, attached or still uploading (account deletion).
pub(super) fn remove_account_files(txn: &WriteTransaction, account: &str) -> Result<(), StoreError> {
    let ids: Vec<String> = {
        let table = txn.open_table(ACCOUNT_FILES)?;
        let rows = table.range((account, "")..=(account, "~"))?;
        rows.map(|row| row.map(|(key, _)| key.value().1.to_owned())).collect::<Result<_, _>>()?
    };
    for id in &ids {
        remove_file(txn, id)?;
    }
    Ok(())
}

/// The finished vault file `id` of `account`.
fn vault_row(
    files: &impl ReadableTable<&'static str, &'static [u8]>,
    account: &str,
    id: &str,
) -> Result<Option<FileRow>, StoreError> {
    let record = get_file(files, id)?;
    match record {
        Some(record)
            if record.finished && record.owner.as_ref().is_some_and(|owner| owner.as_str() == account) =>
        {
            record.row(id).map(Some)
        }
        _ => Ok(None),
    }
}

impl RedbStore {
    pub(crate) async fn share_file(
        &self,
        token_hash: [u8; 32],
        id: FileId,
        now: u64,
    ) -> Result<Option<FileRow>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let token = txn.open_table(DOWNLOAD_TOKENS)?.get(token_hash.as_slice())?.map(|value| {
                let (share, expires_at) = value.value();
                (share.to_owned(), expires_at)
            });
            let Some((share, _)) = token.filter(|(_, expires_at)| now < *expires_at) else {
                return Ok(None);
            };
            match get_file(&txn.open_table(FILES)?, id.as_str())? {
                Some(record) if record.finished && record.share.as_deref() == Some(share.as_str()) => {
                    record.row(id.as_str()).map(Some)
                }
                _ => Ok(None),
            }
        })
        .await
    }

    pub(crate) async fn vault_files(&self, account: AccountId) -> Result<Vec<FileRow>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let index = txn.open_table(ACCOUNT_FILES)?;
            let files = txn.open_table(FILES)?;
            let account = account.as_str();
            let mut rows = Vec::new();
            for entry in index.range((account, "")..=(account, "~"))? {
                let (key, _) = entry?;
                let id = key.value().1;
                let Some(bytes) = files.get(id)? else { continue };
                let record: super::files::FileRecord = from_json(bytes.value())?;
                if record.finished {
                    rows.push(record.row(id)?);
                }
            }
            rows.sort_by(|a, b| (a.created_at, a.id.as_str()).cmp(&(b.created_at, b.id.as_str())));
            Ok(rows)
        })
        .await
    }

    pub(crate) async fn vault_file(
        &self,
        account: AccountId,
        id: FileId,
    ) -> Result<Option<FileRow>, StoreError> {
        self.blocking(move |db: &Db| {
            vault_row(&db.begin_read()?.open_table(FILES)?, account.as_str(), id.as_str())
        })
        .await
    }

    pub(crate) async fn delete_vault_file(&self, account: AccountId, id: FileId) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            if vault_row(&txn.open_table(FILES)?, account.as_str(), id.as_str())?.is_none() {
                return Ok(false);
            }
            remove_file(&txn, id.as_str())?;
            txn.commit()?;
            Ok(true)
        })
        .await
    }
}
