//! Deleting files nobody can reach any more, and the trash of blobs to remove after the
//! deleting transaction committed.

use std::collections::HashSet;

use redb::ReadableTable;

use super::file_shares::{ShareFiles, delete_share_files};
use super::files::remove_file;
use super::schema::{BLOB_TRASH, DOWNLOAD_TOKENS, FILE_EXPIRY, FILES, SHARE_FILES};
use super::{Db, RedbStore, StoreError, from_json};

impl RedbStore {
    pub(crate) async fn sweep_files(&self, now: u64) -> Result<usize, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let abandoned: Vec<String> = {
                let expiry = txn.open_table(FILE_EXPIRY)?;
                let rows = expiry.range((0, "")..=(now, "~"))?;
                rows.map(|row| row.map(|(key, _)| key.value().1.to_owned())).collect::<Result<_, _>>()?
            };
            let mut deleted = abandoned.len();
            for id in &abandoned {
                remove_file(&txn, id)?;
            }
            let released: Vec<(String, ShareFiles)> = {
                let table = txn.open_table(SHARE_FILES)?;
                let mut released = Vec::new();
                for entry in table.iter()? {
                    let (key, value) = entry?;
                    let files: ShareFiles = from_json(value.value())?;
                    if files.ended && files.keep_until <= now {
                        released.push((key.value().to_owned(), files));
                    }
                }
                released
            };
            for (share, files) in &released {
                deleted += files.files.len();
                delete_share_files(&txn, share, files)?;
            }
            txn.open_table(DOWNLOAD_TOKENS)?.retain(|_, (_, expires_at)| now < expires_at)?;
            txn.commit()?;
            Ok(deleted)
        })
        .await
    }

    pub(crate) async fn blob_trash(&self) -> Result<Vec<String>, StoreError> {
        self.blocking(|db: &Db| {
            let txn = db.begin_read()?;
            let trash = txn.open_table(BLOB_TRASH)?;
            trash
                .iter()?
                .map(|entry| entry.map(|(key, _)| key.value().to_owned()).map_err(Into::into))
                .collect()
        })
        .await
    }

    pub(crate) async fn forget_trash(&self, ids: Vec<String>) -> Result<(), StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            {
                let mut trash = txn.open_table(BLOB_TRASH)?;
                for id in &ids {
                    trash.remove(id.as_str())?;
                }
            }
            txn.commit()?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn file_ids(&self) -> Result<HashSet<String>, StoreError> {
        self.blocking(|db: &Db| {
            let txn = db.begin_read()?;
            let files = txn.open_table(FILES)?;
            files
                .iter()?
                .map(|entry| entry.map(|(key, _)| key.value().to_owned()).map_err(Into::into))
                .collect()
        })
        .await
    }
}
